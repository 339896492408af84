"""A finished forecast as plain data (the JSON users read), with its provenance."""

from __future__ import annotations

import json
from typing import Any

from detente import __version__
from detente.engines import get_engine
from detente.forecast.aggregate import (
    SURVIVAL_YEARS,
    TableAggregate,
    quantile_from_hist,
    wilson_interval,
)
from detente.forecast.outcomes import FROZEN, OUTCOME_CLASSES, SETTLEMENT
from detente.forecast.run import ForecastRun, input_hash
from detente.forecast.tables import PROTOCOL, PROTOCOL_VERSION, TablePlan
from detente.scenario import Scenario

DIGITS = 6
REPORT_YEARS = (1, 2, 5)


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), DIGITS)


def _classes(agg: TableAggregate) -> dict[str, dict[str, float]]:
    out = {}
    for code, name in enumerate(OUTCOME_CLASSES):
        count = int(agg.class_counts[code])
        low, high = wilson_interval(count, agg.n)
        out[name] = {"p": _r(count / agg.n), "low": _r(low), "high": _r(high), "draws": count}
    return out


def _settlement(agg: TableAggregate, scenario: Scenario) -> dict[str, dict[str, Any]]:
    out = {}
    for k, issue in enumerate(scenario.issues):
        hist = agg.settlement_hist[k]
        out[issue.id] = {
            "median": _r(quantile_from_hist(hist, 0.5)),
            "p10": _r(quantile_from_hist(hist, 0.1)),
            "p90": _r(quantile_from_hist(hist, 0.9)),
            "draws": int(hist.sum()),
        }
    return out


def _survival_curves(agg: TableAggregate) -> dict[str, list[float | None]]:
    counts = {"settlement": agg.class_counts[SETTLEMENT], "ceasefire": agg.class_counts[FROZEN]}
    curves = {}
    for row, name in enumerate(("settlement", "ceasefire")):
        n = int(counts[name])
        curves[name] = [_r(v / n) if n else None for v in agg.survival_sum[row]]
    peace = agg.survival_sum.sum(axis=0) / agg.n
    curves["peace_holds"] = [_r(v) for v in peace]
    return curves


def _at_years(curve: list[float | None]) -> dict[str, float | None]:
    years = list(SURVIVAL_YEARS)
    return {f"{y}y": curve[years.index(float(y))] for y in REPORT_YEARS}


def table_summary(plan: TablePlan, agg: TableAggregate, scenario: Scenario) -> dict[str, Any]:
    """One table's forecast as plain data."""
    t = plan.table
    settled = int(agg.class_counts[SETTLEMENT])
    curves = _survival_curves(agg)
    parties = [scenario.actors[i].id for i in plan.parties]
    return {
        "name": t.name,
        "parties": parties,
        "mediator": None if t.mediator is None else t.mediator.actor,
        "protocol": t.protocol,
        "mechanisms": list(plan.mechanisms),
        "draws": agg.n,
        "outcome_classes": _classes(agg),
        "coercion": {
            "rate_among_settlements": _r(agg.coerced / settled) if settled else None,
            "p_coerced_settlement": _r(agg.coerced / agg.n),
        },
        "settlement": _settlement(agg, scenario),
        "durability": {name: _at_years(curve) for name, curve in curves.items()},
        "survival_curve": {"years": [float(y) for y in SURVIVAL_YEARS], **curves},
        "mean_utility_if_settled": {
            p: (_r(agg.utility_sum[i] / settled) if settled else None)
            for i, p in enumerate(parties)
        },
    }


def cited_sources(scenario: Scenario) -> list[str]:
    """Ids of the sources the scenario's judgments cite."""
    found: set[str] = set()

    def walk(obj: Any) -> None:
        if isinstance(obj, dict):
            if "source" in obj and isinstance(obj["source"], str) and "quote" in obj:
                found.add(obj["source"])
            for v in obj.values():
                walk(v)
        elif isinstance(obj, list):
            for v in obj:
                walk(v)

    walk(scenario.model_dump(mode="json"))
    return sorted(found)


def engine_identity(engine: str) -> tuple[str, str]:
    """Name and version of what predicted the texts: an engine, or the tables' protocols."""
    if engine == PROTOCOL:
        return PROTOCOL, PROTOCOL_VERSION
    spec = get_engine(engine)
    return spec.name, spec.version


def to_data(run: ForecastRun) -> dict[str, Any]:
    """The whole forecast as plain data: metadata, then one summary per table."""
    name, version = engine_identity(run.config.engine)
    tables = {
        t: table_summary(run.plans[t], run.aggregates[t], run.scenario)
        for t in run.config.tables or ()
    }
    for t, drivers in run.drivers.items():
        tables[t]["drivers"] = {
            result: [{"input": name, "mu_star": _r(v)} for name, v in ranked]
            for result, ranked in drivers.items()
        }
    return {
        "meta": {
            "detente_version": __version__,
            "scenario": run.scenario.id,
            "scenario_name": run.scenario.name,
            "input_hash": input_hash(run.scenario),
            "seed": run.config.seed,
            "draws": run.config.draws,
            "chunk_size": run.config.chunk_size,
            "engine": name,
            "engine_version": version,
            "tables": list(run.config.tables or ()),
            "outcome_classes": list(OUTCOME_CLASSES),
            "sources": cited_sources(run.scenario),
            "issues": [i.id for i in run.scenario.issues],
        },
        "tables": tables,
    }


def to_json(run: ForecastRun) -> str:
    """Canonical JSON: the same run gives the same bytes."""
    return json.dumps(to_data(run), indent=2, sort_keys=True, allow_nan=False) + "\n"
