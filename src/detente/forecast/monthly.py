"""Time in the model: one table's inside view, month by month.

For every draw and every month m = 0 … H−1 after the scenario's ``as_of``:

- each belligerent's capability drifts with its trend, c_b(m) = c_b · exp(trend_b · m), and a
  capability shock takes effect from the month of its round (round / meetings per month);
- win probabilities, hence every party's outside option (the war lottery's expected utility
  minus its cost of fighting on; Fearon 1995), are recomputed from those capabilities;
- the table's text is what the engine predicts from the parties' positions, weighted by their
  capabilities that month, with the mediator's weight while it is at the table (recomputed every
  ``text_every`` months);
- the mediator's leverage works through its named lever while it is at the table: costs
  imposed lower the value of fighting on for the parties in ``lever_on``; side payments raise
  the value of the text for them;
- a **ceasefire is within reach** when both belligerents sit at the table and each prefers
  freezing the status quo to fighting on;
- an **agreement is within reach** when both belligerents sit at the table, every party (each
  has a veto) prefers the text to fighting on, no red line is crossed, and shifting power
  creates no commitment problem: the side whose win probability falls over the next
  :data:`COMMITMENT_LOOKAHEAD` months does not lose more than it can tolerate (Fearon 1995;
  Powell 2006; conflict.bargaining.commitment_problem).

These signals do not decide the outcome: questions.py turns them into monthly hazards around
the base rate, with strengths fitted on historical cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.conflict import commitment_problem, salience_weights, war_utility, win_probabilities
from detente.engines import get_engine
from detente.errors import InputError
from detente.forecast import outcomes
from detente.forecast.inputs import TableInputs
from detente.forecast.tables import (
    TablePlan,
    engine_input,
    intervention_month,
    mediator_lever,
)

DEFAULT_HORIZON = 24
MAX_HORIZON = 120
TEXT_EVERY = 6
"""Months between recomputations of the table's text (outside options change every month)."""
COMMITMENT_LOOKAHEAD = 12
ANNUAL_DISCOUNT = 0.9
"""δ per year in the commitment-problem test: an assumption (docs/decisions.md)."""


@dataclass(frozen=True)
class Signals:
    """One table's inside view over draws and months: ``ceasefire_ok`` and ``agreement_ok``
    (draws, months) booleans, and ``meetings`` (draws,) meetings per month."""

    ceasefire_ok: np.ndarray
    agreement_ok: np.ndarray
    meetings: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.agreement_ok.shape  # type: ignore[return-value]


def capability_path(
    plan: TablePlan,
    x: TableInputs,
    months: np.ndarray,
    actors: list[int] | None = None,
) -> np.ndarray:
    """Capabilities in each month (draws, months, actors), of every actor or of ``actors``:
    trend drift, and each capability shock from the month of its round."""
    actors = list(range(x.capability.shape[1])) if actors is None else actors
    trend = x.trend[:, None, actors] * months[None, :, None]
    base = x.capability[:, None, actors] * np.exp(trend)
    for iv in plan.table.interventions:
        actor = plan.actor_ids.index(iv.actor) if iv.actor else None
        if iv.kind == "capability_shock" and actor in actors:
            after = (months >= intervention_month(plan.table, iv.round))[None, :]
            factor = x.shock[:, plan.index, actor][:, None]
            base[:, :, actors.index(actor)] *= np.where(after, factor, 1.0)
    return base


def mediator_presence(plan: TablePlan, x: TableInputs, months: np.ndarray) -> np.ndarray:
    """1 while the mediator is at the table, 0 from the month it withdraws (months,)."""
    if plan.mediator is None:
        return np.zeros(months.size)
    rounds = [iv.round for iv in plan.table.interventions if iv.kind == "mediator_withdraws"]
    leaves = intervention_month(plan.table, min(rounds)) if rounds else float("inf")
    return (months < leaves).astype(float)


def _texts(
    plan: TablePlan,
    x: TableInputs,
    capability: np.ndarray,
    presence: np.ndarray,
    engine: str,
    rng: np.random.Generator,
    options: Mapping[str, Any],
) -> np.ndarray:
    """The engine's text at each recomputation month: (draws, knots, issues), one engine run
    (with its typed ``options``) per knot with that month's capabilities and mediator
    presence."""
    spec = get_engine(engine)
    if spec.needs_status_quo and np.isnan(x.status_quo).any():
        raise InputError(f"engine {engine!r} needs a status quo on every issue", field="engine")
    texts = [
        spec.run(
            engine_input(plan, x, capability[:, k], presence[k]),
            rng=rng,
            record_trajectory=False,
            **options,
        ).outcome
        for k in range(capability.shape[1])
    ]
    return np.stack(texts, axis=1)


def _outside_by_month(plan, x, win_p, ideal, weights) -> np.ndarray:
    """Each party's value of fighting on in each month (draws, months, parties): the war
    lottery's expected utility at that month's win probabilities minus its cost."""
    b = list(plan.belligerents)
    winners = x.ideal[:, b, :]
    if_a = war_utility(ideal, weights, winners, np.broadcast_to([1.0, 0.0], (len(ideal), 2)))
    if_b = war_utility(ideal, weights, winners, np.broadcast_to([0.0, 1.0], (len(ideal), 2)))
    cost = np.nan_to_num(x.war_cost[:, list(plan.parties)], nan=0.0)
    value = win_p[..., :1] * if_a[:, None, :] + win_p[..., 1:] * if_b[:, None, :]
    return value - cost[:, None, :]


def _commitment(plan, x, win_p, months) -> np.ndarray:
    """Whether shifting power makes a deal in each month non-credible (draws, months)."""
    ahead = _projected_win_p(plan, x, months + COMMITMENT_LOOKAHEAD)
    declining = np.where(ahead[..., 0] < win_p[..., 0], 0, 1)
    p_now = np.take_along_axis(win_p, declining[..., None], -1)[..., 0]
    p_next = np.take_along_axis(ahead, declining[..., None], -1)[..., 0]
    cost = np.nan_to_num(x.war_cost[:, list(plan.belligerents)], nan=0.0)
    c_declining = np.where(declining == 0, cost[:, :1], cost[:, 1:])
    delta = ANNUAL_DISCOUNT ** (COMMITMENT_LOOKAHEAD / 12)
    return commitment_problem(p_now, p_next, c_declining, delta)


def _projected_win_p(plan, x, months) -> np.ndarray:
    return win_probabilities(capability_path(plan, x, months, list(plan.belligerents)))


def table_signals(
    plan: TablePlan,
    x: TableInputs,
    engine: str,
    rng: np.random.Generator,
    horizon: int = DEFAULT_HORIZON,
    text_every: int = TEXT_EVERY,
    options: Mapping[str, Any] | None = None,
) -> Signals:
    """The table's inside view for every draw and month (see the module docstring), the texts
    by ``engine`` run with its typed ``options``. When parties leave, the table with them holds
    until the month of the first departure (round / meetings per month), the table without
    every leaver from then on."""
    opts = dict(options or {})
    if not plan.leaving:
        return _signals(plan, x, engine, rng, horizon, text_every, opts)
    leaves = min(intervention_month(plan.table, r) for _, r in plan.leaving)
    before = _signals(plan.before_leaving(), x, engine, rng, horizon, text_every, opts)
    after = _signals(plan, x, engine, rng, horizon, text_every, opts)
    gone = (np.arange(horizon) >= leaves)[None, :]
    return Signals(
        np.where(gone, after.ceasefire_ok, before.ceasefire_ok),
        np.where(gone, after.agreement_ok, before.agreement_ok),
        after.meetings,
    )


def _signals(
    plan: TablePlan,
    x: TableInputs,
    engine: str,
    rng: np.random.Generator,
    horizon: int,
    text_every: int,
    options: Mapping[str, Any],
) -> Signals:
    """The inside view of a table whose parties do not change."""
    if plan.belligerents is None:
        raise InputError("the dated forecast needs a war model (war.belligerents)", field="war")
    n = x.capability.shape[0]
    months = np.arange(horizon, dtype=float)
    meetings = x.meetings[:, plan.index]
    at_table = all(b in plan.parties for b in plan.belligerents)
    if not at_table:
        never = np.zeros((n, horizon), dtype=bool)
        return Signals(never, never, meetings)
    win_p = _projected_win_p(plan, x, months)
    parties = list(plan.parties)
    ideal = x.ideal[:, parties, :]
    weights = salience_weights(x.salience[:, parties, :])
    presence = mediator_presence(plan, x, months)
    imposed, paid = (v[:, None, :] * presence[None, :, None] for v in mediator_lever(plan, x, 1.0))
    fight_on = _outside_by_month(plan, x, win_p, ideal, weights)

    knots = months[::text_every]
    at_knots = capability_path(plan, x, knots)
    texts = _texts(plan, x, at_knots, presence[::text_every], engine, rng, options)
    flat = texts.reshape(n * knots.size, -1)
    rep = lambda a: np.repeat(a, knots.size, axis=0)  # noqa: E731
    u_text = outcomes.utility(flat, rep(ideal), rep(weights)).reshape(n, knots.size, -1)
    red = outcomes.crosses_red_line(flat, rep(ideal), rep(x.red_line[:, parties, :]))
    red = red.any(-1).reshape(n, knots.size)
    knot_of_month = (months // text_every).astype(int)
    u_text, red = u_text[:, knot_of_month], red[:, knot_of_month]

    accepts = (u_text + paid >= fight_on - imposed).all(-1)
    credible = ~_commitment(plan, x, win_p, months)
    agreement_ok = accepts & ~red & credible

    status_quo = np.nan_to_num(x.status_quo, nan=50.0)
    u_freeze = outcomes.utility(status_quo, ideal, weights)[:, None, :]
    fighters = [parties.index(b) for b in plan.belligerents]
    freeze_ok = (u_freeze + paid >= fight_on - imposed)[..., fighters].all(-1)
    return Signals(freeze_ok, agreement_ok, meetings)
