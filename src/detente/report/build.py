"""Assemble a report: run the forecast, draw the charts, gather citations and evidence."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import numpy as np
from jinja2 import Environment, PackageLoader, select_autoescape

from detente.engines import get_engine
from detente.forecast import ForecastConfig, ForecastRun, to_data
from detente.forecast.inputs import input_space
from detente.forecast.tables import PROTOCOL, engine_input, plan_table
from detente.report import charts
from detente.scenario import Scenario


def typical_path(scenario: Scenario, run: ForecastRun, table_id: str):
    """The engine's round-by-round path at the table for the most likely inputs."""
    space = input_space(scenario)
    x = {k: v[None].copy() for k, v in space.modes.items()}
    plan = plan_table(scenario, table_id)
    inp = engine_input(plan, x)
    engine = "compromise" if run.config.engine == PROTOCOL else run.config.engine
    result = get_engine(engine).run(inp, rng=np.random.default_rng(run.config.seed))
    names = [scenario.actors[i].id for i in plan.drafters]
    if inp.position.shape[1] > len(names):
        names.append(f"{plan.table.mediator.actor} (mediator)")
    return names, [i.id for i in scenario.issues], result.trajectory


def citations(scenario: Scenario) -> list[dict[str, str]]:
    """Every position's and capability's judgment with its quotes and source titles."""
    titles = {s.id: s.title for s in scenario.sources}
    rows = []

    def add(what: str, value, cites) -> None:
        for c in cites:
            rows.append(
                {
                    "judgment": what,
                    "value": _fmt(value),
                    "quote": c.quote or "",
                    "source": titles.get(c.source or "", c.claim or ""),
                }
            )

    for a in scenario.actors:
        add(f"capability of {a.id}", a.capability, a.citations)
    for p in scenario.positions:
        add(f"{p.actor} on {p.issue}", p.ideal, p.citations)
    return rows


def _fmt(value) -> str:
    if hasattr(value, "mode"):
        return f"{value.mode:g} ({value.low:g}–{value.high:g})"
    return f"{value:g}"


def evidence_audit(scenario: Scenario, db: Path | None) -> dict[str, Any] | None:
    """The evidence store's audit of the scenario, when a store is given."""
    if db is None:
        return None
    from detente.evidence import audit, open_store

    return audit(scenario, open_store(db))


def build_report(scenario: Scenario, run: ForecastRun, db: Path | None = None) -> dict[str, Any]:
    """Everything a report shows, as a template context (charts already SVG)."""
    data = to_data(run)
    first = next(iter(data["tables"]))
    actors, issues, trajectory = typical_path(scenario, run, first)
    return {
        "scenario": scenario,
        "data": data,
        "path_table": first,
        "charts": {
            "positions": charts.to_svg(charts.positions_chart(scenario)),
            "classes": charts.to_svg(charts.classes_chart(data)),
            "settlement": charts.to_svg(charts.settlement_chart(data)),
            "survival": charts.to_svg(charts.survival_chart(data)),
            "path": charts.to_svg(charts.path_chart(actors, issues, trajectory)),
        },
        "citations": citations(scenario),
        "audit": evidence_audit(scenario, db),
    }


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("detente.report", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * v:.0f}%"
    env.filters["num"] = lambda v: "–" if v is None else f"{v:.0f}"
    env.filters["md"] = lambda v: html.unescape(str(v)).replace("|", "\\|")
    return env


def render_html(context: dict[str, Any]) -> str:
    """One self-contained HTML page (inline CSS and SVG, no scripts, no network)."""
    return _environment().get_template("report.html").render(**context)


def render_markdown(context: dict[str, Any]) -> str:
    """The same report as Markdown, without charts."""
    return _environment().get_template("report.md").render(**context)


def run_forecast_for_report(scenario: Scenario, draws: int, seed: int, engine: str) -> ForecastRun:
    """The forecast a report shows, with sensitivity drivers."""
    from detente.forecast import run_forecast, table_drivers

    config = ForecastConfig(draws=draws, seed=seed, engine=engine).checked(scenario)
    run = run_forecast(scenario, config)
    drivers = table_drivers(scenario, config)
    return ForecastRun(run.scenario, run.config, run.plans, run.aggregates, drivers)
