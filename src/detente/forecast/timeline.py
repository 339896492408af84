"""The forecast over time: one dated forecast per snapshot of a series, every one asking the
same questions (each event by the same date ``by``) with the same seed and draws, so that the
movement from one snapshot to the next is the news, not Monte Carlo noise; and, between
consecutive snapshots, the items that moved each table's P(ceasefire) and P(agreement).

Attribution is one item at a time (forecast.changes): the older snapshot with one item of the
newer one, re-run on the same random numbers (common random numbers: every uncertain input
keeps its quantile, keyed by the input's name, and every table its random streams). An item's
effect is the difference from the older snapshot; what the items do not add up to is the
residual: their interactions and the structural changes no item can stand for alone. This is
the one-at-a-time decomposition of a change (as in local sensitivity analysis; Saltelli et al.
2008, *Global Sensitivity Analysis: The Primer*, ch. 1), not a Shapley attribution: the order of
the items does not matter, and the residual is shown, never spread over them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente import __version__
from detente.errors import InputError
from detente.forecast.aggregate import DatedAggregate
from detente.forecast.calendar import add_months, month_of, value_by
from detente.forecast.changes import Change, apply_change, judgment_changes
from detente.forecast.inputs import TableInputs, input_space, materialize
from detente.forecast.monthly import MAX_HORIZON, TEXT_EVERY, Signals
from detente.forecast.questions import QUESTIONS, base_rate_model, question_curves
from detente.forecast.run import (
    Chunk,
    EngineOptions,
    ForecastConfig,
    checked_engine_options,
    chunk_inputs,
    chunks,
    dated_chunk,
    dated_problem,
    input_hash,
    stream,
    war_age_months,
)
from detente.forecast.series import Snapshot
from detente.forecast.tables import PROTOCOL, plan_table
from detente.scenario import Scenario

ATTRIBUTED = ("ceasefire", "agreement")
"""The questions whose movement is attributed to items."""
ATTRIBUTION_DRAWS = 2_000
DIGITS = 6


@dataclass(frozen=True)
class TimelineConfig:
    """The fixed questions (``by``; default the last snapshot's ``as_of`` + 12 months), the
    seed and draws of every snapshot's forecast, the engine, its typed options ((name, value)
    pairs, as :attr:`ForecastConfig.engine_options`) and the tables, and the draws of the
    attribution runs."""

    draws: int = 10_000
    seed: int = 0
    by: dt.date | None = None
    engine: str = "compromise"
    tables: tuple[str, ...] | None = None
    attribution_draws: int = ATTRIBUTION_DRAWS
    engine_options: EngineOptions = ()


def _r(value: float) -> float:
    return round(float(value), DIGITS)


def _pp(value: float) -> float:
    """A difference of probabilities in percentage points."""
    return round(100.0 * float(value), 3)


def common_by(snapshots: tuple[Snapshot, ...], by: dt.date | None) -> dt.date:
    """The date every snapshot's questions ask about: ``by``, or the last ``as_of`` + 12
    months; an InputError when it is not after every snapshot's ``as_of`` or beyond the
    longest horizon from the first."""
    for s in snapshots:
        problem = dated_problem(s.scenario)
        if problem is not None:
            raise InputError(f"{s.scenario.id}: {problem}", file=s.origin, field="as_of")
    dates = [s.scenario.as_of for s in snapshots if s.scenario.as_of is not None]
    last = max(dates)
    if by is None:
        return add_months(last, 12)
    if by <= last:
        raise InputError(
            f"{by} is not after every snapshot's as_of (the last is {last}); the questions must "
            "still be open at every snapshot",
            field="by",
        )
    first = min(dates)
    if month_of(first, by) > MAX_HORIZON:
        raise InputError(
            f"{by} is more than {MAX_HORIZON} months after the first snapshot ({first})",
            field="by",
        )
    return by


def _horizon(scenario: Scenario, by: dt.date) -> int:
    """Months from ``as_of`` that reach ``by`` (at least one text recomputation period; the
    probabilities at ``by`` do not depend on months after it)."""
    assert scenario.as_of is not None
    return max(TEXT_EVERY, month_of(scenario.as_of, by))


def _tables(snapshots: tuple[Snapshot, ...], wanted: tuple[str, ...] | None) -> tuple[str, ...]:
    """Every table of the series in order of first appearance, or the ones asked for."""
    known = tuple(dict.fromkeys(t.id for s in snapshots for t in s.scenario.tables))
    for t in wanted or ():
        if t not in known:
            raise InputError(
                f"unknown table {t!r}, expected one of {', '.join(known)}", field="tables"
            )
    return wanted or known


def snapshot_config(
    scenario: Scenario, config: TimelineConfig, by: dt.date, tables: tuple[str, ...]
) -> ForecastConfig:
    """The forecast config of one snapshot: the timeline's seed, draws and engine, its tables
    present in the snapshot, and a horizon that reaches ``by``."""
    present = tuple(t for t in tables if t in {x.id for x in scenario.tables})
    if config.engine == PROTOCOL:
        raise InputError("the protocol engine has no dated questions", field="engine")
    return ForecastConfig(
        draws=config.draws,
        seed=config.seed,
        tables=present,
        engine=config.engine,
        engine_options=config.engine_options,
        horizon_months=_horizon(scenario, by),
        by=by,
    ).checked(scenario)


def dated_aggregates(scenario: Scenario, config: ForecastConfig) -> dict[str, DatedAggregate]:
    """The dated questions of every table, chunk by chunk on the forecast's own seeds and
    streams: the same numbers as ``detente forecast`` with this seed, draws and date."""
    total: dict[str, DatedAggregate] = {}
    plans = {t: plan_table(scenario, t) for t in config.tables or ()}
    for chunk in chunks(config):
        x = chunk_inputs(scenario, chunk)
        for t, plan in plans.items():
            rngs = (stream(chunk, t, "dated_engine"), stream(chunk, t, "dated_durability"))
            part = dated_chunk(scenario, plan, x, config, rngs)
            total[t] = part if t not in total else total[t].merge(part)
    return total


def probabilities_by(as_of: dt.date, by: dt.date, curves: np.ndarray) -> dict[str, float]:
    """The four questions' probabilities at ``by`` from mean cumulative curves (months, 4)."""
    return {
        q: _r(value_by(as_of, by, list(curves[:, j]), at_start=1.0 if q == "ongoing" else 0.0))
        for j, q in enumerate(QUESTIONS)
    }


def base_rate_by(scenario: Scenario, by: dt.date) -> dict[str, float]:
    """The outside view alone at ``by``: base-rate hazards for the war's kind and age at the
    snapshot's ``as_of`` (the same for every table)."""
    assert scenario.as_of is not None and scenario.war is not None
    h = _horizon(scenario, by)
    never = np.zeros((1, h), dtype=bool)
    curves = question_curves(
        Signals(never, never, np.ones(1)),
        base_rate_model(),
        scenario.war.kind,
        war_age_months(scenario),
    )[0]
    return probabilities_by(scenario.as_of, by, curves)


# Attribution: common random numbers keyed by input name ---------------------------------------


def named_inputs(scenario: Scenario, chunk: Chunk) -> TableInputs:
    """Sampled inputs where each uncertain input's quantiles depend only on its name and the
    seed, so two versions of a scenario share the random numbers of every input they share."""
    space = input_space(scenario)
    n = chunk.size
    columns = [
        np.random.default_rng(
            np.random.SeedSequence(chunk.seed.entropy, spawn_key=(zlib.crc32(p.name.encode()),))
        ).random(n)
        for p in space.parameters
    ]
    u = np.stack(columns, axis=1) if columns else np.empty((n, 0))
    return materialize(space, u)


def attribution_probabilities(
    scenario: Scenario,
    by: dt.date,
    tables: tuple[str, ...],
    engine: str,
    chunk: Chunk,
    engine_options: EngineOptions = (),
) -> dict[str, dict[str, float]]:
    """P(ceasefire by ``by``) and P(agreement by ``by``) of each table, on the attribution's
    draws (:func:`named_inputs`; the tables' own random streams)."""
    assert scenario.as_of is not None
    config = ForecastConfig(
        draws=chunk.size,
        seed=0,
        engine=engine,
        engine_options=engine_options,
        horizon_months=_horizon(scenario, by),
        by=by,
        chunk_size=chunk.size,
    )
    x = named_inputs(scenario, chunk)
    present = {t.id for t in scenario.tables}
    out = {}
    for t in tables:
        if t not in present:
            continue
        rngs = (stream(chunk, t, "dated_engine"), stream(chunk, t, "dated_durability"))
        agg = dated_chunk(scenario, plan_table(scenario, t), x, config, rngs)
        p = probabilities_by(scenario.as_of, by, agg.curves / agg.n)
        out[t] = {q: p[q] for q in ATTRIBUTED}
    return out


def attribute(
    old: Scenario,
    new: Scenario,
    by: dt.date,
    tables: tuple[str, ...],
    config: TimelineConfig,
    changes: list[Change] | None = None,
) -> dict[str, Any]:
    """Each item's effect on every table's P(ceasefire) and P(agreement) by ``by``, and the
    residual, on :attr:`TimelineConfig.attribution_draws` draws (see the module docstring)."""
    changes = judgment_changes(old, new) if changes is None else changes
    chunk = Chunk(0, config.attribution_draws, np.random.SeedSequence(config.seed))

    def probs(s: Scenario) -> dict[str, dict[str, float]]:
        return attribution_probabilities(s, by, tables, config.engine, chunk, config.engine_options)

    before, after = probs(old), probs(new)
    effects: dict[str, dict[str, dict[str, float]]] = {}
    alone: dict[str, bool] = {}
    for change in changes:
        variant = apply_change(old, change)
        alone[change.id] = variant is not None
        if variant is None:
            continue
        moved = probs(variant)
        effects[change.id] = {
            t: {q: moved[t][q] - before[t][q] for q in ATTRIBUTED} for t in moved if t in before
        }
    tables_out: dict[str, Any] = {}
    for t in tables:
        if t not in before or t not in after:
            continue
        tables_out[t] = {}
        for q in ATTRIBUTED:
            total = after[t][q] - before[t][q]
            ranked = sorted(
                ((cid, e[t][q]) for cid, e in effects.items() if t in e),
                key=lambda pair: (-abs(pair[1]), pair[0]),
            )
            items = [{"item": cid, "effect_pp": _pp(v)} for cid, v in ranked if _pp(v) != 0.0]
            tables_out[t][q] = {
                "before": _r(before[t][q]),
                "after": _r(after[t][q]),
                "change_pp": _pp(total),
                "items": items,
                "items_sum_pp": _pp(sum(v for _, v in ranked)),
                "residual_pp": _pp(total - sum(v for _, v in ranked)),
            }
    return {
        "draws": config.attribution_draws,
        "items": [{**c.as_dict(), "applied_alone": alone[c.id]} for c in changes],
        "tables": tables_out,
    }


# The whole timeline ----------------------------------------------------------------------------


def _snapshot_meta(s: Snapshot, by: dt.date) -> dict[str, Any]:
    sc = s.scenario
    assert sc.as_of is not None
    return {
        "id": sc.id,
        "name": sc.name,
        "as_of": sc.as_of.isoformat(),
        "input_hash": input_hash(sc),
        "months_to_by": month_of(sc.as_of, by),
        "war_age_months": _r(war_age_months(sc)),
        "sources": len(sc.sources),
        "latest_source": max((x.date.isoformat() for x in sc.sources if x.date), default=None),
    }


def run_timeline(
    snapshots: tuple[Snapshot, ...],
    config: TimelineConfig,
    on_step: Any = None,
) -> dict[str, Any]:
    """The forecast over time as plain data (docs/forecast-questions.md, "Forecast over time"):
    per table and snapshot the four questions by the common date with the base rate, and per
    pair of consecutive snapshots the items that changed with their effects. ``on_step`` is
    called with a short label before each forecast and each attribution (progress)."""
    if not snapshots:
        raise InputError("no snapshot to forecast", field="scenario")
    by = common_by(snapshots, config.by)
    tables = _tables(snapshots, config.tables)
    options = checked_engine_options(config.engine, config.engine_options)
    config = dataclasses.replace(config, by=by, tables=tables, engine_options=options)
    from detente.forecast.result import engine_identity

    engine_name, engine_version = engine_identity(config.engine)
    per_table: dict[str, Any] = {t: {"snapshots": []} for t in tables}
    for s in snapshots:
        if on_step is not None:
            on_step(f"forecast as of {s.scenario.as_of}")
        sc = s.scenario
        assert sc.as_of is not None
        fc = snapshot_config(sc, config, by, tables)
        aggregates = dated_aggregates(sc, fc)
        base = base_rate_by(sc, by)
        for t in tables:
            agg = aggregates.get(t)
            if agg is not None:
                per_table[t]["name"] = sc.table(t).name  # the latest snapshot's name wins
            per_table[t]["snapshots"].append({
                "snapshot": sc.id,
                "as_of": sc.as_of.isoformat(),
                "by": None if agg is None else probabilities_by(sc.as_of, by, agg.curves / agg.n),
                "base_rate": base,
            })  # fmt: skip
    for t in tables:
        rows = [r for r in per_table[t]["snapshots"] if r["by"] is not None]
        per_table[t].setdefault("name", t)
        per_table[t]["change_pp"] = (
            {q: _pp(rows[-1]["by"][q] - rows[0]["by"][q]) for q in QUESTIONS}
            if len(rows) > 1
            else None
        )
    steps = []
    for old, new in zip(snapshots, snapshots[1:], strict=False):
        if on_step is not None:
            on_step(f"what moved it, {old.scenario.as_of} → {new.scenario.as_of}")
        found = attribute(old.scenario, new.scenario, by, tables, config)
        steps.append({
            "from": old.scenario.id,
            "to": new.scenario.id,
            "from_as_of": old.scenario.as_of.isoformat() if old.scenario.as_of else None,
            "to_as_of": new.scenario.as_of.isoformat() if new.scenario.as_of else None,
            **found,
        })  # fmt: skip
    first = snapshots[0].scenario
    return {
        "meta": {
            "detente_version": __version__,
            "series": first.series or first.id,
            "by": by.isoformat(),
            "questions": list(QUESTIONS),
            "attributed_questions": list(ATTRIBUTED),
            "resolution_criteria": "docs/forecast-questions.md",
            "seed": config.seed,
            "draws": config.draws,
            "attribution_draws": config.attribution_draws,
            "engine": engine_name,
            "engine_version": engine_version,
            "engine_options": dict(config.engine_options),
            "tables": list(tables),
            "snapshots": [_snapshot_meta(s, by) for s in snapshots],
        },
        "tables": per_table,
        "steps": steps,
    }


def timeline_json(data: dict[str, Any]) -> str:
    """Canonical JSON: the same snapshots, seed and draws give the same bytes."""
    return json.dumps(data, indent=2, sort_keys=True, allow_nan=False) + "\n"
