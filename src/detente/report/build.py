"""Assemble a report: run the forecast, draw the charts, gather citations and evidence."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from detente.forecast import ForecastConfig, ForecastRun, engine_path, negotiation_path, to_data
from detente.report import charts
from detente.report.summary import bottom_line, few_draws, has_dated, pct
from detente.report.words import (
    CLASS_LABELS,
    FEW_DRAWS,
    GLOSSARY,
    PROTOCOL_LABELS,
    QUESTION_LABELS,
    QUESTIONS_DOC,
    VALIDATION_DOC,
    Labels,
    scale_ends,
    source_text,
)
from detente.scenario import Scenario, bounds_of, mode_of


def judgment_text(value) -> str:
    """A judgment as text: ``mode (low–high)`` for an uncertain one."""
    if value is None:
        return "–"
    low, high = bounds_of(value)
    mode = mode_of(value)
    return f"{mode:g}" if low == high else f"{mode:g} ({low:g}–{high:g})"


def plain_text(value) -> str:
    """A metadata value as text: lists joined by commas, None as a dash."""
    if value is None:
        return "–"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _quotes(cites, titles: dict[str, str]) -> list[dict[str, str]]:
    return [
        {
            "quote": c.quote or "",
            "source": c.source or "",
            "title": titles.get(c.source or "", ""),
            "claim": c.claim or "",
        }
        for c in cites
    ]


def citations(scenario: Scenario) -> list[dict[str, Any]]:
    """Every cited judgment (capabilities, positions, mediators, tables, mechanisms, war costs)
    with its value and its quotes; judgments without a citation are listed with none."""
    titles = {s.id: s.title for s in scenario.sources}
    rows: list[dict[str, Any]] = []

    def add(kind: str, what: str, value: str, cites) -> None:
        rows.append(
            {"kind": kind, "judgment": what, "value": value, "quotes": _quotes(cites, titles)}
        )

    for a in scenario.actors:
        add("capability", f"capability of {a.id}", judgment_text(a.capability), a.citations)
    for p in scenario.positions:
        value = f"ideal {judgment_text(p.ideal)}, salience {judgment_text(p.salience)}"
        add("position", f"{p.actor} on {p.issue}", value, p.citations)
    for t in scenario.tables:
        add("table", f"table {t.id}", t.protocol, t.citations)
        if t.mediator is not None:
            m = t.mediator
            value = f"leverage {judgment_text(m.leverage)}, bias {judgment_text(m.bias)}"
            add("mediator", f"{m.actor} mediating {t.id}", value, m.citations)
    for m in scenario.mechanisms:
        add("mechanism", f"mechanism {m.id}", m.kind, m.citations)
    if scenario.war is not None:
        for c in scenario.war.costs:
            add("war cost", f"cost of war to {c.actor}", judgment_text(c.cost), c.citations)
    return rows


def evidence_audit(scenario: Scenario, db: Path | None) -> dict[str, Any] | None:
    """The evidence store's audit of the scenario, when a store is given: each judgment with
    the stored sentences that support or contradict it."""
    if db is None:
        return None
    from detente.evidence import audit, open_store

    conn = open_store(db)
    try:
        return audit(scenario, conn)
    finally:
        conn.close()


def _svg(chart) -> str:
    return "" if chart is None else charts.to_svg(chart)


def chart_objects(
    scenario: Scenario | None, data: dict[str, Any], summary: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The forecast's charts as Altair objects, by name (the scenario adds the positions)."""
    labels = Labels(scenario) if scenario is not None else Labels.from_data(data)
    summary = summary or bottom_line(data, labels)
    out: dict[str, Any] = {}
    if scenario is not None:
        out["positions"] = charts.positions_chart(scenario)
    if has_dated(data):
        out["monthly"] = charts.monthly_chart(data, labels)
        out["ranking_ceasefire"] = charts.ranking_chart(summary["ceasefire"], "ceasefire")
        out["ranking_ongoing"] = charts.ranking_chart(
            summary["ongoing"], QUESTION_LABELS["ongoing"]
        )
        out["ceasefire_survival"] = charts.ceasefire_survival_chart(data, labels)
    out.update(
        {
            "classes": charts.classes_chart(data),
            "intervals": charts.intervals_chart(data),
            "settlement": charts.settlement_chart(data),
            "survival": charts.survival_chart(data),
            "sensitivity": charts.sensitivity_chart(data, "p_settlement", labels),
            "sensitivity_war": charts.sensitivity_chart(data, "p_war", labels),
        }
    )
    return out


def chart_svgs(scenario: Scenario, data: dict[str, Any], engine: str, seed: int):
    """Every chart of the report as inline SVG, and the typical draw's negotiation paths."""
    tables = list(data["tables"])
    first = engine_path(scenario, tables[0], engine, seed)
    negotiations = [negotiation_path(scenario, t) for t in tables]
    svgs = {
        **chart_objects(scenario, data),
        "negotiation": charts.negotiation_chart(negotiations),
        "engine_path": charts.engine_path_chart(first),
    }
    return {k: _svg(v) for k, v in svgs.items()}, first, negotiations


def build_report(
    scenario: Scenario,
    run: ForecastRun,
    db: Path | None = None,
    timeline: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything a report shows, as a template context (charts already SVG); ``timeline`` is
    the forecast over time of the scenario's series (forecast.timeline), shown when it has more
    than one snapshot."""
    from detente.report.over_time import timeline_context

    data = to_data(run)
    svgs, first, negotiations = chart_svgs(scenario, data, run.config.engine, run.config.seed)
    labels = Labels(scenario)
    return {
        "scenario": scenario,
        "data": data,
        "labels": labels,
        "summary": bottom_line(data, labels),
        "glossary": GLOSSARY,
        "scale_ends": scale_ends(scenario),
        "source_rows": [source_text(s) for s in scenario.sources],
        "question_labels": QUESTION_LABELS,
        "class_labels": CLASS_LABELS,
        "protocol_labels": PROTOCOL_LABELS,
        "few": FEW_DRAWS,
        "questions_doc": QUESTIONS_DOC,
        "validation_doc": VALIDATION_DOC,
        "charts": svgs,
        "engine_path": first,
        "negotiations": negotiations,
        "citations": citations(scenario),
        "sources": scenario.sources,
        "audit": evidence_audit(scenario, db),
        "db": str(db) if db is not None else None,
        "over_time": timeline_context(timeline, labels),
    }


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("detente.report", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = pct
    env.tests["few"] = few_draws
    env.filters["num"] = lambda v: "–" if v is None else f"{v:.0f}"
    env.filters["judgment"] = judgment_text
    env.filters["plain"] = plain_text
    env.filters["md"] = lambda v: html.unescape(str(v)).replace("|", "\\|").replace("\n", " ")
    return env


def render_html(context: dict[str, Any]) -> str:
    """One self-contained HTML page (inline CSS and SVG, no scripts, no network)."""
    return _environment().get_template("report.html").render(**context)


def render_markdown(context: dict[str, Any]) -> str:
    """The same report as Markdown, without charts."""
    return _environment().get_template("report.md").render(**context)


def run_forecast_for_report(
    scenario: Scenario,
    draws: int,
    seed: int,
    engine: str,
    on_chunk: Callable[[int], None] | None = None,
) -> ForecastRun:
    """The forecast a report shows, with sensitivity drivers (Morris, forecast.sensitivity)."""
    from detente.forecast import run_forecast

    config = ForecastConfig(draws=draws, seed=seed, engine=engine).checked(scenario)
    return run_forecast(scenario, config, on_chunk=on_chunk, compare_engines=True, sensitivity=True)
