"""Reports: one self-contained HTML file (charts as inline SVG) or Markdown, from a forecast."""

from detente.report.build import build_report, render_html, render_markdown

__all__ = ["build_report", "render_html", "render_markdown"]
