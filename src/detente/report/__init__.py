"""Reports: one self-contained HTML file (charts as inline SVG) or Markdown, from a forecast."""

from detente.report import charts
from detente.report.build import (
    build_report,
    chart_objects,
    citations,
    render_html,
    render_markdown,
    run_forecast_for_report,
)
from detente.report.charts import reliability_chart, to_png, to_svg
from detente.report.export import chart_bytes, export_bundle, forecast_parquet, table_csv
from detente.report.over_time import moved_rows, timeline_chart
from detente.report.summary import bottom_line
from detente.report.words import GLOSSARY, Labels, scale_ends

__all__ = [
    "charts",
    "GLOSSARY",
    "Labels",
    "bottom_line",
    "build_report",
    "chart_bytes",
    "chart_objects",
    "citations",
    "export_bundle",
    "forecast_parquet",
    "moved_rows",
    "reliability_chart",
    "render_html",
    "render_markdown",
    "run_forecast_for_report",
    "scale_ends",
    "table_csv",
    "timeline_chart",
    "to_png",
    "to_svg",
]
