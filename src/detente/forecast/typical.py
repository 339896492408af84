"""The typical draw: every uncertain judgment at its most likely value, one table at a time.

Three views of the same draw, shared by the CLI (``detente negotiate``), the report and the web:
the table's own negotiation protocol run once (:func:`negotiate_typical`, with
:func:`negotiation_data` its JSON form), the offers on the table as a path
(:func:`negotiation_path`) and an engine's round-by-round trajectory (:func:`engine_path`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.engines import get_engine
from detente.forecast.inputs import TableInputs, input_space, modal_draw
from detente.forecast.tables import PROTOCOL, TablePlan, engine_input, negotiate_table, plan_table
from detente.protocols import NegotiationResult, Preferences, configure
from detente.scenario import Scenario

FALLBACK_ENGINE = "compromise"
"""The engine whose trajectory is shown when the forecast ran the tables' protocols."""
DEFAULT_STRATEGY = "linear"


def modal_inputs(scenario: Scenario) -> TableInputs:
    """One draw with every uncertain judgment at its mode (arrays with a leading axis of 1)."""
    return modal_draw(input_space(scenario))


@dataclass(frozen=True)
class TableNegotiation:
    """One table negotiated on the typical draw: who sat where, the preferences, the result,
    the strategy names and the typed options it ran with (the protocol's, and each party's
    strategy in full)."""

    scenario: Scenario
    plan: TablePlan
    prefs: Preferences
    result: NegotiationResult
    strategies: tuple[str, ...]
    options: dict[str, Any]


def negotiate_typical(
    scenario: Scenario,
    table_id: str,
    strategies: Sequence[str] | None = None,
    options: Mapping[str, Any] | None = None,
) -> TableNegotiation:
    """Run the table's protocol once on the scenario's most likely inputs (protocols are
    deterministic); ``strategies`` one name for all parties or one per party, ``options`` the
    protocol's and strategies' typed options by name."""
    plan = plan_table(scenario, table_id)
    names = tuple(strategies or (DEFAULT_STRATEGY,))
    prefs, result = negotiate_table(plan, modal_inputs(scenario), list(names), options)
    _, protocol_options, chosen = configure(plan.table.protocol, names, len(plan.parties), options)
    record = {
        "protocol": protocol_options.model_dump(),
        "strategies": [{"kind": s.kind, **s.model_dump()} for s in chosen],
    }
    return TableNegotiation(scenario, plan, prefs, result, names, record)


def negotiation_data(neg: TableNegotiation, seed: int | None = None) -> dict[str, Any]:
    """The negotiation as JSON-ready data: agreement, utilities, outside options, the trace."""
    scenario, result = neg.scenario, neg.result
    parties = [scenario.actors[p].id for p in neg.plan.parties]
    issues = [i.id for i in scenario.linked_issues]
    agreed = bool(result.agreed[0])

    def by(who: int) -> str:
        return "mediator" if who < 0 else parties[who]

    return {
        "scenario": scenario.id,
        "table": neg.plan.table.id,
        "protocol": neg.plan.table.protocol,
        "strategies": list(neg.strategies),
        "options": neg.options,
        "seed": seed,
        "agreed": agreed,
        "round": int(result.round[0]),
        "reason": str(result.reason[0]),
        "agreement": dict(zip(issues, map(float, result.point[0]), strict=True))
        if agreed
        else None,
        "utility": dict(zip(parties, map(float, result.utility[0]), strict=True)),
        "outside_option": dict(zip(parties, map(float, neg.prefs.reservation[0]), strict=True)),
        "trace": [
            {
                "round": r,
                "by": by(who),
                "offer": dict(zip(issues, map(float, result.trace[r, 0]), strict=True)),
            }
            for r, who in enumerate(map(int, result.proposer))
        ],
    }


@dataclass(frozen=True)
class EnginePath:
    """Positions (rounds + 1, actors, issues) of the actors at one table under one engine."""

    table: str
    engine: str
    actors: list[str]
    issues: list[str]
    positions: np.ndarray


@dataclass(frozen=True)
class NegotiationPath:
    """The offers on the table round by round (rounds, issues), who made them, the outcome."""

    table: str
    protocol: str
    issues: list[str]
    offers: np.ndarray
    proposers: list[str]
    agreed: bool
    round: int | None
    reason: str


def engine_path(
    scenario: Scenario,
    table_id: str,
    engine: str,
    seed: int = 0,
    options: Mapping[str, Any] | None = None,
) -> EnginePath:
    """The engine's round-by-round trajectory at the table for the modal inputs, the engine
    run with its typed ``options`` (none for the fallback shown under ``protocol``)."""
    name = FALLBACK_ENGINE if engine == PROTOCOL else engine
    kwargs = {} if engine == PROTOCOL else dict(options or {})
    plan = plan_table(scenario, table_id)
    inp = engine_input(plan, modal_inputs(scenario))
    result = get_engine(name).run(inp, rng=np.random.default_rng(seed), **kwargs)
    actors = [scenario.actors[i].id for i in plan.drafters]
    mediator = plan.table.mediator
    if mediator is not None and inp.position.shape[1] > len(actors):
        actors.append(f"{mediator.actor} (mediator)")
    positions = result.trajectory[:, 0] if result.trajectory is not None else inp.position[None, 0]
    return EnginePath(table_id, name, actors, [i.id for i in scenario.linked_issues], positions)


def negotiation_path(scenario: Scenario, table_id: str) -> NegotiationPath:
    """The table's own protocol on the modal inputs, as the path of offers up to agreement."""
    neg = negotiate_typical(scenario, table_id)
    result = neg.result
    parties = [scenario.actors[i].id for i in neg.plan.parties]
    proposers = ["mediator" if int(p) < 0 else parties[int(p)] for p in result.proposer]
    agreed = bool(result.agreed[0])
    offers = np.asarray(result.trace)[:, 0, :]
    if agreed:  # the talks end with the agreement
        offers = offers[: int(result.round[0]) + 1]
    return NegotiationPath(
        table=table_id,
        protocol=neg.plan.table.protocol,
        issues=[i.id for i in scenario.linked_issues],
        offers=offers,
        proposers=proposers[: len(offers)],
        agreed=agreed,
        round=int(result.round[0]) if agreed else None,
        reason=str(result.reason[0]),
    )


__all__ = [
    "EnginePath",
    "NegotiationPath",
    "TableNegotiation",
    "engine_path",
    "modal_inputs",
    "negotiate_typical",
    "negotiation_data",
    "negotiation_path",
]
