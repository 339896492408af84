"""The path of a typical draw: every input at its most likely value, one table at a time.

Two views of the same draw: the engine's trajectory (each actor's position round by round, as
``EngineResult.trajectory``) and the table's own negotiation protocol (the offer or text on the
table in every round, and whether and when it was agreed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.engines import get_engine
from detente.forecast.inputs import input_space
from detente.forecast.tables import PROTOCOL, engine_input, negotiate_table, plan_table
from detente.scenario import Scenario

FALLBACK_ENGINE = "compromise"
"""The engine whose trajectory is shown when the forecast ran the tables' protocols."""


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


def modal_inputs(scenario: Scenario) -> dict[str, np.ndarray]:
    """One draw with every uncertain judgment at its mode."""
    return {k: v[None].copy() for k, v in input_space(scenario).modes.items()}


def engine_path(scenario: Scenario, table_id: str, engine: str, seed: int = 0) -> EnginePath:
    """The engine's round-by-round trajectory at the table for the modal inputs."""
    name = FALLBACK_ENGINE if engine == PROTOCOL else engine
    plan = plan_table(scenario, table_id)
    inp = engine_input(plan, modal_inputs(scenario))
    result = get_engine(name).run(inp, rng=np.random.default_rng(seed))
    actors = [scenario.actors[i].id for i in plan.drafters]
    if inp.position.shape[1] > len(actors):
        actors.append(f"{plan.table.mediator.actor} (mediator)")
    positions = result.trajectory[:, 0] if result.trajectory is not None else inp.position[None, 0]
    return EnginePath(table_id, name, actors, [i.id for i in scenario.issues], positions)


def negotiation_path(scenario: Scenario, table_id: str) -> NegotiationPath:
    """The table's own protocol, run once on the modal inputs (protocols are deterministic)."""
    plan = plan_table(scenario, table_id)
    _, result = negotiate_table(plan, modal_inputs(scenario))
    parties = [scenario.actors[i].id for i in plan.parties]
    proposers = ["mediator" if int(p) < 0 else parties[int(p)] for p in result.proposer]
    agreed = bool(result.agreed[0])
    offers = np.asarray(result.trace)[:, 0, :]
    if agreed:  # the talks end with the agreement
        offers = offers[: int(result.round[0]) + 1]
    return NegotiationPath(
        table=table_id,
        protocol=plan.table.protocol,
        issues=[i.id for i in scenario.issues],
        offers=offers,
        proposers=proposers[: len(offers)],
        agreed=agreed,
        round=int(result.round[0]) if agreed else None,
        reason=str(result.reason[0]),
    )
