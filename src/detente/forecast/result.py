"""A finished forecast as plain data (the JSON users read), with its provenance."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from detente import __version__
from detente.conflict import REPORT_YEARS
from detente.engines import get_engine
from detente.forecast.aggregate import (
    FEW_DRAWS,
    SURVIVAL_YEARS,
    DatedAggregate,
    TableAggregate,
    quantile_from_hist,
    wilson_interval,
)
from detente.forecast.calendar import month_ends, value_by
from detente.forecast.durability import FATES
from detente.forecast.monthly import Signals
from detente.forecast.outcomes import FROZEN, OUTCOME_CLASSES, SETTLEMENT
from detente.forecast.questions import (
    QUESTIONS,
    base_rate_model,
    question_curves,
    shipped_fit,
)
from detente.forecast.run import ForecastRun, dated_problem, input_hash, war_age_months
from detente.forecast.tables import PROTOCOL, PROTOCOL_VERSION, TablePlan
from detente.scenario import Scenario, absent_holders, unsettled_issues

DIGITS = 6


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), DIGITS)


def _classes(agg: TableAggregate) -> dict[str, dict[str, float | None]]:
    out = {}
    for code, name in enumerate(OUTCOME_CLASSES):
        count = int(agg.class_counts[code])
        low, high = wilson_interval(count, agg.n)
        out[name] = {"p": _r(count / agg.n), "low": _r(low), "high": _r(high), "draws": count}
    return out


def _partial_terms(agg: TableAggregate, scenario: Scenario) -> dict[str, dict[str, Any]]:
    """The limited deal's terms on each separable issue over the partial-agreement draws."""
    if agg.partial_hist is None:
        return {}
    return {
        issue.id: _quantiles(agg.partial_hist[k])
        for k, issue in enumerate(scenario.separable_issues)
    }


def _quantiles(hist: np.ndarray) -> dict[str, Any]:
    return {
        "median": _r(quantile_from_hist(hist, 0.5)),
        "p10": _r(quantile_from_hist(hist, 0.1)),
        "p90": _r(quantile_from_hist(hist, 0.9)),
        "draws": int(hist.sum()),
        "few_draws": bool(hist.sum() < FEW_DRAWS),
    }


def _settlement(agg: TableAggregate, scenario: Scenario) -> dict[str, dict[str, Any]]:
    return {
        issue.id: _quantiles(agg.settlement_hist[k])
        for k, issue in enumerate(scenario.linked_issues)
    }


def _survival_curves(agg: TableAggregate) -> dict[str, list[float | None]]:
    counts = {"settlement": agg.class_counts[SETTLEMENT], "ceasefire": agg.class_counts[FROZEN]}
    curves = {}
    for row, name in enumerate(("settlement", "ceasefire")):
        n = int(counts[name])
        curves[name] = [_r(v / n) if n else None for v in agg.survival_sum[row]]
    peace = agg.survival_sum.sum(axis=0) / agg.n
    curves["peace_holds"] = [_r(v) for v in peace]
    return curves


def _draws_behind(curve: str, agg: TableAggregate) -> int:
    """How many draws a survival curve rests on: the settled draws, the frozen ones, or all."""
    code = {"settlement": SETTLEMENT, "ceasefire": FROZEN}.get(curve)
    return agg.n if code is None else int(agg.class_counts[code])


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
        "unsettled_issues": {
            i: list(absent_holders(scenario.issue(i), t)) for i in unsettled_issues(scenario, t.id)
        },
        "draws": agg.n,
        "outcome_classes": _classes(agg),
        "coercion": {
            "rate_among_settlements": _r(agg.coerced / settled) if settled else None,
            "p_coerced_settlement": _r(agg.coerced / agg.n),
            "settled_draws": settled,
            "few_draws": settled < FEW_DRAWS,
        },
        "settlement": _settlement(agg, scenario),
        "partial_agreement_terms": _partial_terms(agg, scenario),
        "durability": {name: _at_years(curve) for name, curve in curves.items()},
        "durability_draws": {name: _draws_behind(name, agg) for name in curves},
        "survival_curve": {"years": [float(y) for y in SURVIVAL_YEARS], **curves},
        "mean_utility_if_settled": {
            p: (_r(agg.utility_sum[i] / settled) if settled else None)
            for i, p in enumerate(parties)
        },
    }


def _by(run: ForecastRun, curves: np.ndarray) -> dict[str, float | None]:
    """The four questions' probabilities at the date ``by`` from cumulative curves (H, 4)."""
    as_of, by = run.scenario.as_of, run.config.by
    assert as_of is not None and by is not None
    return {
        q: _r(value_by(as_of, by, list(curves[:, j]), at_start=1.0 if q == "ongoing" else 0.0))
        for j, q in enumerate(QUESTIONS)
    }


def _monthly(run: ForecastRun, curves: np.ndarray) -> dict[str, list]:
    assert run.scenario.as_of is not None
    ends = month_ends(run.scenario.as_of, run.config.horizon_months)
    out: dict[str, list] = {"month": [d.isoformat() for d in ends]}
    for j, q in enumerate(QUESTIONS):
        out[q] = [_r(v) for v in curves[:, j]]
    return out


def base_rate_curves(run: ForecastRun) -> np.ndarray:
    """The outside view alone (H, 4): base-rate hazards for the war's kind and age, and the
    historical cases' abandonment rate; the same for every table."""
    h = run.config.horizon_months
    never = np.zeros((1, h), dtype=bool)
    signals = Signals(never, never, np.ones(1))
    assert run.scenario.war is not None
    model = base_rate_model()
    return question_curves(signals, model, run.scenario.war.kind, war_age_months(run.scenario))[0]


def _ceasefire_fates(dated: DatedAggregate) -> dict[str, Any]:
    w = dated.ceasefire_weight
    fates = {
        k: (_r(v / w) if w > 0 else None) for k, v in zip(FATES, dated.ceasefire_fates, strict=True)
    }
    return {
        "duration": {k: fates[k] for k in FATES[:4]},
        "holds": {k: fates[k] for k in FATES[4:]},
        "expected_draws_with_ceasefire": _r(w),
        "few_draws": w < FEW_DRAWS,
    }


def dated_summary(run: ForecastRun, table_id: str, dated: DatedAggregate) -> dict[str, Any]:
    """One table's dated questions: ``by`` (the four probabilities at the date of interest),
    ``monthly`` (cumulative curves), the base rate beside them, what follows a ceasefire, and
    the same questions under every engine with their spread."""
    curves = dated.curves / dated.n
    base = base_rate_curves(run)
    out: dict[str, Any] = {
        "by": _by(run, curves),
        "monthly": _monthly(run, curves),
        "base_rate": {"by": _by(run, base)},
        "if_ceasefire": _ceasefire_fates(dated),
    }
    per_engine: dict[str, dict[str, Any]] = {
        engine: {
            "by": _by(run, tables[table_id].curves / tables[table_id].n),
            "monthly": _monthly(run, tables[table_id].curves / tables[table_id].n),
            "draws": tables[table_id].n,
        }
        for engine, tables in run.engines.items()
        if table_id in tables
    }
    if per_engine:
        out["engines"] = per_engine
        out["engine_spread"] = {
            q: {
                "min": min(e["by"][q] for e in per_engine.values()),
                "max": max(e["by"][q] for e in per_engine.values()),
            }
            for q in QUESTIONS
        }
    return out


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
    for t, summary in tables.items():
        dated = run.aggregates[t].dated
        if dated is not None:
            summary.update(dated_summary(run, t, dated))
    for t, drivers in run.drivers.items():
        tables[t]["drivers"] = {
            result: [{"input": name, "mu_star": _r(v)} for name, v in ranked]
            for result, ranked in drivers.items()
        }
    return {
        "meta": {
            "detente_version": __version__,
            "few_draws_threshold": FEW_DRAWS,
            "scenario": run.scenario.id,
            "scenario_name": run.scenario.name,
            "input_hash": input_hash(run.scenario),
            "seed": run.config.seed,
            "draws": run.config.draws,
            "chunk_size": run.config.chunk_size,
            "engine": name,
            "engine_version": version,
            "engine_options": dict(run.config.engine_options),
            "tables": list(run.config.tables or ()),
            "outcome_classes": list(OUTCOME_CLASSES),
            "sources": cited_sources(run.scenario),
            "issues": [i.id for i in run.scenario.linked_issues],
            "separable_issues": [i.id for i in run.scenario.separable_issues],
            **_dated_meta(run),
        },
        "tables": tables,
    }


def _dated_meta(run: ForecastRun) -> dict[str, Any]:
    problem = dated_problem(run.scenario)
    if problem is not None or run.config.by is None:
        return {"dated": None, "dated_unavailable": problem or "not computed for this engine"}
    fit = shipped_fit()
    base = base_rate_curves(run)
    return {
        "as_of": run.scenario.as_of.isoformat() if run.scenario.as_of else None,
        "by": run.config.by.isoformat(),
        "horizon_months": run.config.horizon_months,
        "questions": list(QUESTIONS),
        "resolution_criteria": "docs/forecast-questions.md",
        "war_age_months": _r(war_age_months(run.scenario)),
        "coded_with_hindsight": run.scenario.coded_with_hindsight,
        "hazard_model": {
            "coefficients": fit["coefficients"],
            "fitted": fit.get("fitted", False),
            "fitted_on": fit.get("cases", []),
            "skill": fit.get("skill", {}),
        },
        "base_rate": {"by": _by(run, base), "monthly": _monthly(run, base)},
    }


def to_json(run: ForecastRun) -> str:
    """Canonical JSON: the same run gives the same bytes."""
    return json.dumps(to_data(run), indent=2, sort_keys=True, allow_nan=False) + "\n"
