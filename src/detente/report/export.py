"""Exports of a forecast: its tables as CSV, its curves as Parquet, its charts as SVG or PNG."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd

from detente.errors import InputError
from detente.report.summary import bottom_line
from detente.report.words import QUESTION_LABELS, Labels


def dated_frame(data: dict[str, Any], labels: Labels | None = None) -> pd.DataFrame:
    """Per table and dated question: P(by the date), the base rate, the range across engines."""
    labels = labels or Labels.from_data(data)
    base = data["meta"].get("base_rate", {}).get("by", {})
    rows = []
    for t, table in data["tables"].items():
        for q, p in table["by"].items():
            spread = table.get("engine_spread", {}).get(q, {})
            rows.append(
                {
                    "table": t,
                    "format": labels.table(t),
                    "question": q,
                    "by": data["meta"].get("by"),
                    "p": p,
                    "base_rate": base.get(q),
                    "engine_min": spread.get("min"),
                    "engine_max": spread.get("max"),
                }
            )
    return pd.DataFrame(rows)


def monthly_frame(data: dict[str, Any]) -> pd.DataFrame:
    """Long format: table (or "base_rate"), question, month, cumulative probability."""
    rows = []
    series = [(t, table["monthly"]) for t, table in data["tables"].items()]
    base = data["meta"].get("base_rate", {}).get("monthly")
    if base:
        series.append(("base_rate", base))
    for name, monthly in series:
        for q in QUESTION_LABELS:
            for month, p in zip(monthly["month"], monthly[q], strict=True):
                rows.append({"table": name, "question": q, "month": month, "p": p})
    return pd.DataFrame(rows)


def ranking_frame(data: dict[str, Any], labels: Labels | None = None) -> pd.DataFrame:
    """The formats ranked by P(ceasefire by the date), with each interval named."""
    rows = bottom_line(data, labels)["ceasefire"]
    frame = pd.DataFrame(rows)
    return frame.rename(
        columns={
            "mc_low": "monte_carlo_95_low",
            "mc_high": "monte_carlo_95_high",
            "engine_low": "engines_min",
            "engine_high": "engines_max",
        }
    )


def classes_frame(data: dict[str, Any]) -> pd.DataFrame:
    """The one-shot outcome classes per table with Wilson intervals and their draw counts."""
    return pd.DataFrame(
        [
            {"table": t, "outcome": c, **v}
            for t, table in data["tables"].items()
            for c, v in table["outcome_classes"].items()
        ]
    )


def settlement_frame(data: dict[str, Any]) -> pd.DataFrame:
    """Settlement terms per table and issue (median, 10th and 90th percentile, draws)."""
    return pd.DataFrame(
        [
            {"table": t, "issue": i, **s}
            for t, table in data["tables"].items()
            for i, s in table["settlement"].items()
        ]
    )


TABLES = {
    "dated": dated_frame,
    "monthly": lambda data, labels=None: monthly_frame(data),
    "ranking": ranking_frame,
    "classes": lambda data, labels=None: classes_frame(data),
    "settlement": lambda data, labels=None: settlement_frame(data),
}


def table_csv(data: dict[str, Any], name: str, labels: Labels | None = None) -> str:
    """One of the forecast's tables (:data:`TABLES`) as CSV text."""
    if name not in TABLES:
        raise InputError(f"no table {name!r} (known: {', '.join(TABLES)})", field="table")
    return TABLES[name](data, labels).to_csv(index=False, lineterminator="\n")


def forecast_parquet(data: dict[str, Any]) -> bytes:
    """The forecast's monthly curves as Parquet (long format), with the forecast's metadata and
    each table's probabilities at the date stored as JSON in the file's key-value metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(monthly_frame(data), preserve_index=False)
    extra = {
        b"detente.meta": json.dumps(data["meta"], sort_keys=True).encode(),
        b"detente.by": json.dumps(
            {t: v["by"] for t, v in data["tables"].items()}, sort_keys=True
        ).encode(),
    }
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), **extra})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def chart_bytes(chart: Any, fmt: str) -> bytes:
    """A chart as SVG or PNG bytes (vl-convert, no network)."""
    from detente.report import charts

    if fmt == "svg":
        return charts.to_svg(chart).encode("utf-8")
    if fmt == "png":
        return charts.to_png(chart)
    raise InputError(f"expected svg or png, got {fmt!r}", field="format")


def export_bundle(context: dict[str, Any], directory: Path) -> list[Path]:
    """Write a report's exports into ``directory``: the forecast as JSON and Parquet, every
    table of :data:`TABLES` as CSV and every chart as SVG and PNG; the paths written."""
    import vl_convert as vlc

    directory.mkdir(parents=True, exist_ok=True)
    data, labels = context["data"], context.get("labels")
    written = []

    def put(name: str, content: bytes | str) -> None:
        path = directory / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        written.append(path)

    put("forecast.json", json.dumps(data, indent=1, sort_keys=True))
    put("forecast.parquet", forecast_parquet(data))
    for name in TABLES:
        put(f"{name}.csv", table_csv(data, name, labels))
    for name, svg in sorted(context["charts"].items()):
        if svg:
            put(f"{name}.svg", svg)
            put(f"{name}.png", vlc.svg_to_png(svg, scale=2))
    return written
