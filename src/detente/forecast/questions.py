"""Dated questions: the outside view (base rates) shifted by the inside view (signals), month
by month, as cumulative probabilities of a ceasefire, an agreement, the format's abandonment,
or none of these (docs/forecast-questions.md).

Monthly hazards, a proportional-hazards model around the base rate (Cox 1972; Box-Steffensmeier
& Jones 2004 for event history in political science):

    λ_ceasefire(m) = h_c(age + m) · exp(a_c + b_c · z_c(m)) · f(meetings)
    λ_agreement(m) = h_a(age + m) · exp(a_a + b_a · z_a(m)) · f(meetings)
    λ_abandoned(m) = exp(a_x + b_x · z_a(m))

h_c, h_a are the base-rate hazards for the war's kind and age (conflict.base_rate); z_c, z_a
the signals that a ceasefire or an agreement is within reach at the table (forecast.monthly);
f(r) = (1 − e^−r) / (1 − e^−1) the chance the table meets in a month relative to a monthly
table. The coefficients a, b are fitted by maximum a posteriori on the historical cases
(``detente backtest --fit``), never set by hand; all zero is the pure base rate. Once the
format is abandoned, the table's signals no longer apply (z = 0, f = 1).

Per draw the state is (ceasefire process ∈ {fighting, ceasefire, agreement}) × (format
abandoned ∈ {no, yes}); events compete within a month and the monthly transition
probabilities are P(event k) = (1 − e^−Λ) λ_k / Λ with Λ the total hazard.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from detente.conflict import monthly_hazard
from detente.forecast.monthly import Signals

QUESTIONS = ("ceasefire", "agreement", "abandoned", "ongoing")
COEFFICIENTS = ("a_c", "b_c", "a_a", "b_a", "a_x", "b_x")
# States: fighting (F), ceasefire (C), agreement (A), each with the format alive (0) or
# abandoned (1).
F0, C0, A0, F1, C1, A1 = range(6)
N_STATES = 6


@dataclass(frozen=True)
class HazardModel:
    """Coefficients of the monthly hazards (see the module docstring)."""

    a_c: float = 0.0
    b_c: float = 0.0
    a_a: float = 0.0
    b_a: float = 0.0
    a_x: float = float(np.log(0.02))
    b_x: float = 0.0

    @classmethod
    def from_vector(cls, v) -> HazardModel:
        return cls(*(float(t) for t in v))

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, k) for k in COEFFICIENTS])


@lru_cache(maxsize=1)
def shipped_fit() -> dict[str, Any]:
    """The fitted hazard model shipped as package data, with its provenance."""
    text = resources.files("detente.data").joinpath("hazard_model.json").read_text("utf-8")
    return json.loads(text)


def shipped_model() -> HazardModel:
    """The hazard model fitted on the bundled historical cases."""
    return HazardModel(**shipped_fit()["coefficients"])


def base_rate_model(abandon_rate: float | None = None) -> HazardModel:
    """The outside view alone: base-rate hazards, no inside view; abandonment at a constant
    monthly rate (by default the one shipped, fitted on the historical cases)."""
    rate = shipped_fit()["abandon_rate"] if abandon_rate is None else abandon_rate
    return HazardModel(a_x=float(np.log(max(rate, 1e-6))))


def meeting_factor(meetings: np.ndarray) -> np.ndarray:
    """The chance a table meets in a month relative to a table meeting once a month."""
    return (1.0 - np.exp(-np.asarray(meetings, dtype=float))) / (1.0 - np.exp(-1.0))


@dataclass(frozen=True)
class Hazards:
    """Monthly hazards (draws, months) with the format alive, and those that apply once it is
    abandoned (draws or 1, months)."""

    ceasefire: np.ndarray
    agreement: np.ndarray
    abandoned: np.ndarray
    ceasefire_after: np.ndarray
    agreement_after: np.ndarray


def hazards(signals: Signals, model: HazardModel, kind: str, age_months: float) -> Hazards:
    """The monthly hazards of every draw (see the module docstring)."""
    ages = age_months + np.arange(signals.shape[1])
    return hazards_from(
        monthly_hazard("ceasefire", kind, ages)[None, :],
        monthly_hazard("agreement", kind, ages)[None, :],
        meeting_factor(signals.meetings)[:, None],
        signals.ceasefire_ok.astype(float),
        signals.agreement_ok.astype(float),
        model,
    )


def hazards_from(base_c, base_a, f, z_c, z_a, model: HazardModel) -> Hazards:
    """Hazards from base rates (rows or 1, months), meeting factors (rows, 1) and signals
    (rows, months) as floats."""
    return Hazards(
        ceasefire=base_c * np.exp(model.a_c + model.b_c * z_c) * f,
        agreement=base_a * np.exp(model.a_a + model.b_a * z_a) * f,
        abandoned=np.broadcast_to(np.exp(model.a_x + model.b_x * z_a), z_a.shape),
        ceasefire_after=base_c * np.exp(model.a_c),
        agreement_after=base_a * np.exp(model.a_a),
    )


def _competing(*rates: np.ndarray) -> list[np.ndarray]:
    """Monthly probabilities of each of several competing events: (1 − e^−Λ) λ_k / Λ."""
    total = sum(rates)
    leave = -np.expm1(-total)
    share = np.divide(leave, total, out=np.zeros_like(total), where=total > 0)
    return [r * share for r in rates]


def transition_probabilities(hz: Hazards) -> dict[tuple[int, int], np.ndarray]:
    """Transition probabilities in every month, keyed (from, to); each (draws, months) or
    broadcastable to it."""
    c, a, x = _competing(hz.ceasefire, hz.agreement, hz.abandoned)
    a2, x2 = _competing(hz.agreement, hz.abandoned)
    c3, a3 = _competing(hz.ceasefire_after, hz.agreement_after)
    (a4,) = _competing(hz.agreement_after)
    one = np.ones((1, hz.ceasefire.shape[1]))
    return {
        (F0, F0): 1.0 - c - a - x,
        (F0, C0): c,
        (F0, A0): a,
        (F0, F1): x,
        (C0, C0): 1.0 - a2 - x2,
        (C0, A0): a2,
        (C0, C1): x2,
        (F1, F1): 1.0 - c3 - a3,
        (F1, C1): c3,
        (F1, A1): a3,
        (C1, C1): 1.0 - a4,
        (C1, A1): a4,
        (A0, A0): one,
        (A1, A1): one,
    }


def state_paths(hz: Hazards) -> np.ndarray:
    """Probability of each state at the end of every month (draws, months, 6)."""
    n, h = hz.ceasefire.shape
    probs = transition_probabilities(hz)
    p = np.zeros((N_STATES, n))
    p[F0] = 1.0
    out = np.empty((n, h, N_STATES))
    for m in range(h):
        nxt = np.zeros_like(p)
        for (i, j), prob in probs.items():
            nxt[j] += p[i] * prob[:, m]
        p = nxt
        out[:, m] = p.T
    return out


TRANSITIONS = (
    (F0, F0), (F0, C0), (F0, A0), (F0, F1), (C0, C0), (C0, A0), (C0, C1),
    (F1, F1), (F1, C1), (F1, A1), (C1, C1), (C1, A1), (A0, A0), (A1, A1),
)  # fmt: skip
"""Every possible monthly transition, indexed by :func:`transition_codes`."""


def cumulative(states: np.ndarray) -> np.ndarray:
    """The four questions' cumulative probabilities from state probabilities
    (..., 6) → (..., 4) in the order of :data:`QUESTIONS`."""
    ceasefire = 1.0 - states[..., F0] - states[..., F1]
    agreement = states[..., A0] + states[..., A1]
    abandoned = states[..., F1] + states[..., C1] + states[..., A1]
    ongoing = states[..., F0]
    return np.stack([ceasefire, agreement, abandoned, ongoing], axis=-1)


def question_curves(
    signals: Signals, model: HazardModel, kind: str, age_months: float
) -> np.ndarray:
    """Per draw, each question's cumulative probability by the end of every month
    (draws, months, 4)."""
    return cumulative(state_paths(hazards(signals, model, kind, age_months)))


def observed_states(
    horizon: int, ceasefire: int | None, agreement: int | None, abandoned: int | None
) -> np.ndarray:
    """The state at the end of each month (horizon,) given the months (1-based, None if not by
    the horizon) in which each event happened. An agreement implies a ceasefire; a format that
    reached an agreement is not abandoned afterwards; when two events fall in one month the
    later one (agreement, then ceasefire, then abandonment) is counted in the next month (one
    transition per month)."""
    given = (("agreement", agreement), ("ceasefire", ceasefire), ("abandoned", abandoned))
    events = sorted(
        (m, order, name) for order, (name, m) in enumerate(given) if m is not None and m <= horizon
    )
    cf, ab = 0, 0  # cf: 0 fighting, 1 ceasefire, 2 agreement
    schedule: dict[int, str] = {}
    for m, _, name in events:
        while m in schedule:
            m += 1
        if m <= horizon:
            schedule[m] = name
    out = np.empty(horizon, dtype=np.int8)
    for m in range(1, horizon + 1):
        event = schedule.get(m)
        if event == "ceasefire" and cf == 0:
            cf = 1
        elif event == "agreement":
            cf = 2
        elif event == "abandoned" and cf < 2:
            ab = 1
        out[m - 1] = cf + 3 * ab
    return out


def transition_codes(path: np.ndarray) -> np.ndarray:
    """The index in :data:`TRANSITIONS` of each month's transition along a state path
    (..., months), starting from fighting with the format alive."""
    path = np.asarray(path, dtype=np.int64)
    before = np.concatenate([np.full(path.shape[:-1] + (1,), F0), path[..., :-1]], axis=-1)
    lookup = np.full((N_STATES, N_STATES), -1, dtype=np.int64)
    for k, (i, j) in enumerate(TRANSITIONS):
        lookup[i, j] = k
    codes = lookup[before, path]
    if (codes < 0).any():
        raise ValueError("impossible state path")
    return codes


def path_probability(hz: Hazards, codes: np.ndarray) -> np.ndarray:
    """Per row, the probability of its observed path, given as :func:`transition_codes`
    (rows, months) or one path (months,) for every row."""
    n, h = hz.ceasefire.shape
    probs = transition_probabilities(hz)
    table = np.stack([np.broadcast_to(probs[t], (n, h)) for t in TRANSITIONS])
    codes = np.broadcast_to(codes, (n, h))
    return np.take_along_axis(table, codes[None], axis=0)[0].prod(axis=1)
