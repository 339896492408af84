"""Partial agreements: the war goes on, but the belligerents strike a limited deal.

A scenario may mark issues ``separable`` (prisoner exchanges, a pause in strikes on energy
sites): a deal can settle them alone while the fighting continues. They stay out of the
comprehensive bargain and are weighed here, on their own sub-space (Sebenius 1983 on adding and
subtracting issues; docs/decisions.md, "Partial agreements"):

- each separable issue is a limited deal of its own: its terms are the engine's text on that
  issue alone, bargained by the belligerents (and the table's mediator, as at the table)
  against the status quo on it;
- the deal on an issue is acceptable when both belligerents sit at the table, each strictly
  prefers its terms to no deal (the status quo), by the same linear-loss utility as every
  other judgment (:mod:`detente.spatial`), and no red line on the issue is crossed: the text
  lies in the zone of agreement on that issue (Raiffa 1982);
- a draw classed as war becomes a **partial agreement** when the deal on at least one
  separable issue is acceptable.

With additive utility, "war plus a limited deal" against "war without it" differs only on the
deal's issue, so the comparison needs no outside option, and on one issue the salience drops
out: a belligerent gains when the terms lie closer to its ideal than the status quo does.
Pure functions over draws.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

from detente.conflict import salience_weights
from detente.engines import EngineInput, get_engine
from detente.forecast.inputs import TableInputs
from detente.forecast.outcomes import PARTIAL, WAR, crosses_red_line, utility
from detente.forecast.tables import PROTOCOL, TablePlan, engine_input

ISSUE_FIELDS = ("ideal", "salience", "red_line", "reservation", "status_quo")
"""The input arrays with an issues axis: replaced by their separable-issue versions."""
FALLBACK_ENGINE = "compromise"
"""The engine that writes the limited deal's terms when the forecast runs the tables' protocols
(a protocol's offers cover the comprehensive bargain only)."""
MIN_GAIN = 1e-9
"""A belligerent prefers the deal when it gains more than this in utility (strict preference)."""


def bargainers(plan: TablePlan) -> list[int] | None:
    """Actor indices of those who strike a limited deal at this table: both belligerents (None
    when one of them is not at the table), or every party without a war model."""
    if plan.belligerents is None:
        return list(plan.parties)
    if not all(b in plan.parties for b in plan.belligerents):
        return None
    return list(plan.belligerents)


def deal_plan(plan: TablePlan, who: list[int]) -> TablePlan:
    """The table as it bargains over the separable issues: the belligerents both sit and draft,
    the mediator stays (its bias toward a non-belligerent dropped)."""
    favoured = plan.favoured if plan.favoured in who else None
    return dataclasses.replace(
        plan, parties=tuple(who), drafters=tuple(who), favoured=favoured, leaving=()
    )


def deal_terms(
    plan: TablePlan,
    xs: TableInputs,
    engine: str,
    rng: np.random.Generator,
    options: Mapping[str, Any] | None = None,
) -> np.ndarray | None:
    """Each limited deal's terms (n, separable issues): the engine's prediction (with its typed
    ``options``) on that issue alone, with the belligerents (and the mediator) as actors and
    the status quo as the disagreement point; None when the belligerents do not both sit at
    the table."""
    who = bargainers(plan)
    if who is None:
        return None
    inp = engine_input(deal_plan(plan, who), xs)
    spec = get_engine(FALLBACK_ENGINE if engine == PROTOCOL else engine)
    kwargs = {} if engine == PROTOCOL else dict(options or {})
    columns = [
        spec.run(
            EngineInput(
                inp.position[:, :, k : k + 1],
                inp.salience[:, :, k : k + 1],
                inp.capability,
                xs.status_quo[:, k : k + 1],
            ),
            rng=rng,
            record_trajectory=False,
            **kwargs,
        ).outcome[:, 0]
        for k in range(xs.status_quo.shape[1])
    ]
    return np.stack(columns, axis=1)


def deals_acceptable(
    terms: np.ndarray,
    ideal: np.ndarray,
    salience: np.ndarray,
    red_line: np.ndarray,
    status_quo: np.ndarray,
) -> np.ndarray:
    """Whether every belligerent strictly prefers each issue's terms to the status quo on it and
    no red line is crossed (n, separable issues). ``terms``/``status_quo`` (n, S); ``ideal``,
    ``salience``, ``red_line`` (n, belligerents, S). An issue a belligerent gives no salience
    brings it no gain, so no deal."""
    columns = []
    for k in range(terms.shape[1]):
        one = slice(k, k + 1)
        weights = salience_weights(salience[..., one]) * (salience[..., one] > 0)
        gain = utility(terms[:, one], ideal[..., one], weights) - utility(
            status_quo[:, one], ideal[..., one], weights
        )
        crossed = crosses_red_line(terms[:, one], ideal[..., one], red_line[..., one])
        columns.append(((gain > MIN_GAIN) & ~crossed).all(axis=1))
    return np.stack(columns, axis=1)


def limited_deals(
    klass: np.ndarray, plan: TablePlan, xs: TableInputs, terms: np.ndarray | None
) -> np.ndarray:
    """Which limited deals each draw strikes (n, separable issues): acceptable deals in the
    draws classed as war (settlements and freezes need none); none at a table without both
    belligerents."""
    who = bargainers(plan)
    if terms is None or who is None:
        return np.zeros((klass.shape[0], xs.status_quo.shape[1]), dtype=bool)
    ok = deals_acceptable(
        terms,
        xs.ideal[:, who, :],
        xs.salience[:, who, :],
        xs.red_line[:, who, :],
        xs.status_quo,
    )
    return ok & (klass == WAR)[:, None]


def with_partial(klass: np.ndarray, deals: np.ndarray) -> np.ndarray:
    """The outcome classes with the war draws that strike at least one limited deal reclassed
    as :data:`~detente.forecast.outcomes.PARTIAL`; settlements and freezes never change."""
    struck = deals.any(axis=1) if deals.shape[1] else np.zeros(klass.shape[0], dtype=bool)
    return np.where((klass == WAR) & struck, PARTIAL, klass).astype(klass.dtype)


def separable_inputs(x: TableInputs, separable: TableInputs) -> TableInputs:
    """The draws' inputs on the separable issues: actor and table inputs from ``x`` (the same
    draws), issue inputs from ``separable``."""
    return dataclasses.replace(x, **{k: getattr(separable, k) for k in ISSUE_FIELDS})


__all__ = [
    "FALLBACK_ENGINE",
    "ISSUE_FIELDS",
    "MIN_GAIN",
    "bargainers",
    "deal_plan",
    "deal_terms",
    "deals_acceptable",
    "limited_deals",
    "separable_inputs",
    "with_partial",
]
