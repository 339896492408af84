"""One negotiation table, evaluated on a batch of sampled inputs.

The table decides who has influence (parties, or the drafters of a backchannel, plus a mediator
weighted by its leverage), an engine predicts the text they converge on, and every party weighs
that text against its outside option: the war. See docs/decisions.md (## Forecast).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.conflict import (
    expected_war_outcome,
    salience_weights,
    war_outside_options,
    win_probabilities,
)
from detente.engines import EngineInput, get_engine
from detente.errors import InputError
from detente.forecast import outcomes
from detente.forecast.inputs import TableInputs
from detente.protocols import Setting, configure, negotiate, preferences
from detente.scenario import Scenario, Table, mode_of


@dataclass(frozen=True)
class TablePlan:
    """Indices (into the scenario's actors) of who does what at one table."""

    table: Table
    index: int
    parties: tuple[int, ...]
    drafters: tuple[int, ...]
    mediator: int | None
    favoured: int | None
    mediator_presence: float
    belligerents: tuple[int, int] | None
    mechanisms: tuple[str, ...]
    actor_ids: tuple[str, ...] = ()
    deadline: int = 0
    leaving: tuple[tuple[int, int], ...] = ()
    """Parties that leave the table: (actor index, round), dropped from ``parties``."""

    def before_leaving(self) -> TablePlan:
        """The table as it sits before any party leaves."""
        if not self.leaving:
            return self
        parties = tuple(self.actor_ids.index(p) for p in self.table.parties)
        drafters = tuple(self.actor_ids.index(p) for p in self.table.drafters) or parties
        return dataclasses.replace(self, parties=parties, drafters=drafters, leaving=())

    @property
    def party_ids(self) -> tuple[str, ...]:
        """The ids of the parties at the table (after any party leaves)."""
        return tuple(self.actor_ids[i] for i in self.parties)


def plan_table(scenario: Scenario, table_id: str) -> TablePlan:
    """Resolve a table's roles to actor indices, applying who leaves and when the mediator goes."""
    table = scenario.table(table_id)
    ids = [a.id for a in scenario.actors]
    leavers = {iv.actor for iv in table.interventions if iv.kind == "party_leaves"}
    parties = tuple(ids.index(p) for p in table.parties if p not in leavers)
    drafters = tuple(ids.index(p) for p in table.drafters if p not in leavers) or parties
    deadline = table.deadline
    for iv in table.interventions:
        if iv.kind == "deadline_moved":
            deadline = iv.deadline or deadline
    presence = 0.0
    mediator = favoured = None
    if table.mediator is not None:
        mediator = ids.index(table.mediator.actor)
        if table.mediator.bias_toward is not None:
            favoured = ids.index(table.mediator.bias_toward)
        withdrawals = [iv.round for iv in table.interventions if iv.kind == "mediator_withdraws"]
        presence = min(1.0, min(withdrawals) / deadline) if withdrawals else 1.0
    belligerents = None
    if scenario.war is not None:
        first, second = scenario.war.belligerents
        belligerents = (ids.index(first), ids.index(second))
    kinds = tuple(sorted({scenario_mechanism_kind(scenario, m) for m in table.mechanisms}))
    return TablePlan(
        table=table,
        index=[t.id for t in scenario.tables].index(table_id),
        parties=parties,
        drafters=drafters,
        mediator=mediator,
        favoured=favoured,
        mediator_presence=presence,
        belligerents=belligerents,
        mechanisms=kinds,
        actor_ids=tuple(ids),
        deadline=deadline,
        leaving=tuple(
            (ids.index(iv.actor), iv.round)
            for iv in table.interventions
            if iv.kind == "party_leaves" and iv.actor is not None
        ),
    )


def month_of_round(round_: int, meetings_per_month: float) -> float:
    """The month (after the scenario's ``as_of``) in which a table's round falls."""
    return round_ / meetings_per_month if meetings_per_month > 0 else float("inf")


def intervention_month(table: Table, round_: int) -> float:
    """The month of a table's round at its most likely meeting rate (the mode of
    ``meetings_per_month``), the same in every chunk of draws."""
    return month_of_round(round_, float(mode_of(table.meetings_per_month)))


def plan_by(scenario: Scenario, table_id: str, months: float | None) -> TablePlan:
    """The table as it stands ``months`` after ``as_of``: only the interventions whose month
    (:func:`intervention_month`) falls before then apply; None applies every intervention.
    docs/decisions.md (## Forecast, "Interventions in the outcome classes")."""
    if months is None:
        return plan_table(scenario, table_id)
    table = scenario.table(table_id)
    kept = tuple(iv for iv in table.interventions if intervention_month(table, iv.round) < months)
    if len(kept) == len(table.interventions):
        return plan_table(scenario, table_id)
    timed = table.model_copy(update={"interventions": kept})
    tables = tuple(timed if t.id == table_id else t for t in scenario.tables)
    return plan_table(scenario.model_copy(update={"tables": tables}), table_id)


def scenario_mechanism_kind(scenario: Scenario, mechanism_id: str) -> str:
    """The kind of a mechanism (security_guarantee, peacekeeping, …) by its id."""
    return next(m.kind for m in scenario.mechanisms if m.id == mechanism_id)


@dataclass(frozen=True)
class TableDraws:
    """Per-draw results of one table: ``outcome`` (n, issues), ``klass`` (n,) int8,
    ``coerced`` (n,) bool, ``utilities`` and ``reservation`` (n, parties)."""

    outcome: np.ndarray
    klass: np.ndarray
    coerced: np.ndarray
    utilities: np.ndarray
    reservation: np.ndarray


def _mediator_inputs(plan: TablePlan, x: TableInputs, capability, presence):
    """The mediator's position, salience and weight: its own stand (or the midpoint of the
    parties' ideals when it has none), pulled toward the favoured party by its bias, with
    influence capability × leverage × the share of the talks it stays for."""
    m = plan.mediator
    parties = list(plan.parties)
    own = x.ideal[:, m, :]
    midpoint = x.ideal[:, parties, :].mean(axis=1)
    position = np.where(np.isnan(own), midpoint, own)
    if plan.favoured is not None:
        bias = x.bias[:, plan.index][:, None]
        position = (1.0 - bias) * position + bias * x.ideal[:, plan.favoured, :]
    salience = np.where(
        x.salience[:, m, :] > 0, x.salience[:, m, :], x.salience[:, parties, :].mean(1)
    )
    weight = capability[:, m] * x.leverage[:, plan.index] * presence
    return position, salience, weight


def table_capability(plan: TablePlan, x: TableInputs) -> np.ndarray:
    """Every actor's capability at this table, after the capability shocks the plan applies
    (n, A): an actor with no shock among ``plan.table.interventions`` keeps its capability."""
    shocked = np.zeros(x.capability.shape[1], dtype=bool)
    for iv in plan.table.interventions:
        if iv.kind == "capability_shock" and iv.actor in plan.actor_ids:
            shocked[plan.actor_ids.index(iv.actor)] = True
    return x.capability * np.where(shocked, x.shock[:, plan.index, :], 1.0)


def engine_input(
    plan: TablePlan,
    x: TableInputs,
    capability: np.ndarray | None = None,
    presence: float | np.ndarray | None = None,
) -> EngineInput:
    """Influence at the table as engine input: drafters (all parties at an open table) plus the
    mediator, with capabilities after the table's capability shocks (or ``capability`` (n, A)
    as given, e.g. a month's) and the mediator's weight scaled by its ``presence`` (default:
    the share of the talks it stays for). The disagreement point (EngineInput.status_quo) is
    what follows if talks fail: the war's expected outcome where the scenario has a war model,
    else the status quo."""
    capability = table_capability(plan, x) if capability is None else capability
    presence = plan.mediator_presence if presence is None else presence
    who = list(plan.drafters)
    position = x.ideal[:, who, :]
    salience = x.salience[:, who, :]
    weight = capability[:, who]
    if plan.mediator is not None and plan.mediator not in who:
        m_pos, m_sal, m_w = _mediator_inputs(plan, x, capability, presence)
        position = np.concatenate([position, m_pos[:, None, :]], axis=1)
        salience = np.concatenate([salience, m_sal[:, None, :]], axis=1)
        weight = np.concatenate([weight, m_w[:, None]], axis=1)
    if plan.belligerents is None:
        return EngineInput(position, salience, weight, x.status_quo)
    b = list(plan.belligerents)
    p = win_probabilities(capability[:, b])
    return EngineInput(position, salience, weight, expected_war_outcome(x.ideal[:, b, :], p))


def war_lottery(plan: TablePlan, x: TableInputs):
    """The war as outside option at this table (conflict.outside_options), for the parties
    followed by any belligerent not at the table; None without a war model."""
    if plan.belligerents is None:
        return None
    parties = list(plan.parties)
    who = parties + [b for b in plan.belligerents if b not in parties]
    capability = table_capability(plan, x)[:, who]
    return war_outside_options(
        x.ideal[:, who, :],
        x.salience[:, who, :],
        capability,
        np.nan_to_num(x.war_cost[:, who], nan=0.0),
        (who.index(plan.belligerents[0]), who.index(plan.belligerents[1])),
    )


def outside_options(plan: TablePlan, x: TableInputs) -> np.ndarray:
    """Each party's utility of walking away (n, parties).

    With a war model: the expected utility of the war lottery minus the party's cost of war
    (conflict.outside_options, win probabilities from capabilities after the table's shocks).
    Without one: the utility of its reservation points (the status quo where it states none).
    """
    parties = list(plan.parties)
    ideal = x.ideal[:, parties, :]
    weights = salience_weights(x.salience[:, parties, :])
    war = war_lottery(plan, x)
    if war is not None:
        return war.reservation[:, : len(parties)]
    fallback = np.where(
        np.isnan(x.reservation[:, parties, :]),
        x.status_quo[:, None, :],
        x.reservation[:, parties, :],
    )
    if np.isnan(fallback).any():
        raise InputError(
            "without a war model every party needs a reservation point or a status quo on "
            "every issue",
            field="war",
        )
    return 1.0 - (weights * np.abs(fallback - ideal)).sum(axis=-1) / 100.0


PROTOCOL = "protocol"
"""The engine name that runs each table's own negotiation protocol instead of an engine."""
PROTOCOL_VERSION = "1.0"


def negotiate_table(
    plan: TablePlan,
    x: TableInputs,
    strategies: list[str] | None = None,
    options: Mapping[str, Any] | None = None,
):
    """Run the table's protocol (looked up in the protocol registry) on every draw at once: its
    preferences and the result.

    Parties concede linearly unless ``strategies`` (one name, or one per party) says otherwise;
    ``options`` are the protocol's and the strategies' typed options by name. A mediator's
    first draft is the compromise at the table."""
    parties = list(plan.parties)
    spec, checked_options, chosen = configure(
        plan.table.protocol, strategies, len(parties), options
    )
    prefs = preferences(
        x.ideal[:, parties, :],
        x.salience[:, parties, :],
        outside_options(plan, x),
        x.red_line[:, parties, :],
    )
    setting = Setting(drafters=tuple(parties.index(d) for d in plan.drafters))
    if spec.needs_mediator:
        draft = get_engine("compromise").run(engine_input(plan, x), record_trajectory=False)
        withdrawals = [
            iv.round for iv in plan.table.interventions if iv.kind == "mediator_withdraws"
        ]
        setting = Setting(draft.outcome, x.leverage[:, plan.index], min(withdrawals, default=None))
    result = negotiate(spec, prefs, chosen, plan.deadline, setting, checked_options)
    return prefs, result


def evaluate_table(
    plan: TablePlan,
    x: TableInputs,
    engine: str,
    rng: np.random.Generator,
    options: Mapping[str, Any] | None = None,
) -> TableDraws:
    """Predict each draw's text with ``engine`` run with its typed ``options`` (or the table's
    own protocol, which takes none) and classify it (settlement, frozen, war)."""
    if engine == PROTOCOL:
        _, result = negotiate_table(plan, x)
        point = np.where(
            result.agreed[:, None], result.point, np.nan_to_num(x.status_quo, nan=50.0)
        )
        return judge_text(plan, x, point, agreed=result.agreed)
    spec = get_engine(engine)
    inp = engine_input(plan, x)
    if spec.needs_status_quo and np.isnan(x.status_quo).any():
        raise InputError(f"engine {engine!r} needs a status quo on every issue", field="status_quo")
    result = spec.run(inp, rng=rng, record_trajectory=False, **(options or {}))
    point = result.outcome
    return judge_text(plan, x, point)


def judge_text(
    plan: TablePlan, x: TableInputs, point: np.ndarray, agreed: np.ndarray | None = None
) -> TableDraws:
    """Every party weighs the text against its outside option (eased by mediator pressure) and
    its red lines; then classify the draw and flag coercion. ``agreed`` (from a protocol, which
    has already checked acceptance) replaces the acceptance test where given."""
    parties = list(plan.parties)
    ideal = x.ideal[:, parties, :]
    weights = salience_weights(x.salience[:, parties, :])
    imposed, paid = mediator_lever(plan, x)
    utilities = outcomes.utility(point, ideal, weights) + paid
    reservation = outside_options(plan, x)
    eased = reservation - imposed
    red = x.red_line[:, parties, :]
    accepts = (utilities >= eased) & ~outcomes.crosses_red_line(point, ideal, red)
    settled = accepts.all(axis=1) if agreed is None else agreed
    status_quo = np.nan_to_num(x.status_quo, nan=50.0)
    prefers_freeze = outcomes.utility(status_quo, ideal, weights) + paid >= eased
    freeze_ok = prefers_freeze[:, _fighters(plan)].all(axis=1)
    weaker, stronger = _weaker_and_stronger(plan, x)
    flags = outcomes.coerced(settled, utilities, reservation, weaker, stronger)
    return TableDraws(point, outcomes.classify(settled, freeze_ok), flags, utilities, reservation)


def mediator_lever(plan: TablePlan, x: TableInputs, presence=None):
    """What the mediator's lever does to each party (n, parties), while it is at the table
    (``presence``, default the share of the talks it stays for): ``imposed``, the cost it
    adds to fighting on (costs imposed: sanctions, aid conditionality), and ``paid``, the value
    it adds to an agreement or a freeze (side payments); leverage is in utility units and acts
    on the parties in ``lever_on`` (all by default). Beardsley et al. (2006) on manipulative
    mediation; docs/decisions.md (## Dated forecast)."""
    n, k = x.leverage.shape[0], len(plan.parties)
    zero = np.zeros((n, k))
    if plan.mediator is None or plan.table.mediator is None:
        return zero, zero
    presence = plan.mediator_presence if presence is None else presence
    mediator = plan.table.mediator
    on = mediator.lever_on or plan.party_ids
    targets = np.array([p in on for p in plan.party_ids])
    amount = x.leverage[:, plan.index][:, None] * presence
    lever = np.where(targets[None, :], amount, 0.0)
    return (lever, zero) if mediator.lever == "costs_imposed" else (zero, lever)


def _fighters(plan: TablePlan) -> list[int]:
    """Positions (within the table's parties) of those who decide whether fighting goes on: the
    belligerents at the table, or every party without a war model."""
    parties = list(plan.parties)
    if plan.belligerents is not None and all(b in parties for b in plan.belligerents):
        return [parties.index(b) for b in plan.belligerents]
    return list(range(len(parties)))


def _weaker_and_stronger(plan: TablePlan, x: TableInputs):
    """Party indices (within the table's parties) of the weaker and stronger belligerent, per
    draw; the two strongest parties when the scenario has no war model."""
    parties = list(plan.parties)
    capability = table_capability(plan, x)[:, parties]
    fighters = _fighters(plan)
    if len(fighters) == 2:
        pair = np.broadcast_to(np.array(fighters), (capability.shape[0], 2))
    else:
        pair = np.argsort(-capability, axis=1, kind="stable")[:, :2]
    rows = np.arange(capability.shape[0])
    first_weaker = capability[rows, pair[:, 0]] < capability[rows, pair[:, 1]]
    weaker = np.where(first_weaker, pair[:, 0], pair[:, 1])
    stronger = np.where(first_weaker, pair[:, 1], pair[:, 0])
    return weaker, stronger
