"""Bilateral stacked alternating offers over a discrete outcome space, batched.

The outcomes are an enumerated list; each party's utility of every outcome is given, shaped
(2, N) for one domain shared by the whole batch or (B, 2, N) for a domain per negotiation.
Both parties concede with time (aspiration a(t) = 1 − t^(1/e): e < 1 Boulware, e = 1 linear,
e > 1 Conceder) and follow the time-based conceding semantics of NegMAS's ``BoulwareTB`` /
``LinearTB`` / ``ConcederTBNegotiator`` under its ``SAOMechanism`` (checked against NegMAS in
tests/protocols/test_negmas_conformance.py; the package never imports NegMAS):

- steps s = 0 … S−1 at relative time t = (s + 1)/(S + 1); in every step party 0 answers the
  standing offer (from step s − 1) and, rejecting, proposes; then party 1 answers that offer and,
  rejecting, proposes. An acceptance ends the talks in that step; after step S − 1 they fail.
- aspiration is scaled to each party's rational range: with lo = max(worst, reservation) and
  hi = best utility, the level is L(t) = clip((hi − lo)·a(t) + lo − tolerance, lo, hi).
- a party proposes its cheapest outcome at or above L(t): the lowest own utility ≥ L(t), or
  one below L(t) by at most 1e-6 when that is strictly nearer (NegMAS's nearest-value rule);
  equal own utilities go to the earliest in enumeration order (``tie_order="numpy"`` takes
  instead NumPy's default, unstable sort order of the outcomes at or above the reservation, as
  NegMAS 0.16 does). With no outcome at or above its reservation a party proposes its best
  outcome and never accepts.
- a party accepts an offer worth at least L(t) to it, the same level it proposes at.

Time-only strategies never react to the other side, so every offer is computed up front with one
sort per domain and ``searchsorted``; acceptance is then a scan over events, all vectorised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from detente.errors import InputError

ASPIRATION_TOLERANCE = 1e-4
"""Utility subtracted from the aspiration level before offering and accepting (NegMAS's
default ``eps`` for its time-based negotiators)."""
NEAREST_BELOW = 1e-6
"""How far below the aspiration level an offer may lie when it is strictly nearer to it."""
SortKind = Literal["stable", "quicksort"]
TIE_ORDERS: dict[str, SortKind] = {"enumeration": "stable", "numpy": "quicksort"}
"""How outcomes of equal utility to the proposer are ordered → NumPy sort kind."""


@dataclass(frozen=True)
class DiscreteResult:
    """``agreed`` (B,); ``outcome`` (B,) index of the agreement (−1 where none); ``step`` (B,)
    in which it was accepted (−1 where none); ``proposer`` (B,) whose offer was accepted;
    ``utility`` (B, 2) of the agreement (the reservation where none); ``offers`` (S, B, 2) the
    outcome each party would propose at each step; ``level`` (S, B, 2) its aspiration."""

    agreed: np.ndarray
    outcome: np.ndarray
    step: np.ndarray
    proposer: np.ndarray
    utility: np.ndarray
    offers: np.ndarray
    level: np.ndarray


def additive_utilities(values: Sequence[np.ndarray], weights: np.ndarray) -> np.ndarray:
    """Linear-additive utility Σ_k w_k v_k(x_k) of every outcome of the grid of issues.

    ``values`` per issue: (n_k,) or (…, n_k) value of each level; ``weights`` (…, K).
    Outcomes are enumerated with the last issue varying fastest, summed issue by issue from 0.0
    → (…, Π n_k)."""
    weights = np.asarray(weights, dtype=float)
    parts = [weights[..., k, None] * np.asarray(v, dtype=float) for k, v in enumerate(values)]
    batch = np.broadcast_shapes(*(part.shape[:-1] for part in parts))
    total = np.zeros(batch)
    for k, part in enumerate(parts):  # grows the grid one issue at a time
        part = np.broadcast_to(part, batch + part.shape[-1:])
        total = total[..., None] + part.reshape(batch + (1,) * k + part.shape[-1:])
    return total.reshape(batch + (-1,))


def relative_times(n_steps: int) -> np.ndarray:
    """Relative time of each step, (s + 1)/(S + 1) → (S,)."""
    return (np.arange(n_steps) + 1.0) / (n_steps + 1.0)


def aspiration_levels(
    t: np.ndarray, e: np.ndarray, low: np.ndarray, high: np.ndarray, tolerance: float
) -> np.ndarray:
    """Utility level L(t) = clip((high − low)(1 − t^(1/e)) + low − tolerance, low, high):
    t (S,), the rest (B, 2) → (S, B, 2)."""
    a = 1.0 - t[:, None, None] ** (1.0 / e)
    return np.maximum(low, np.minimum(high, ((high - low) * a + low) - tolerance))


def _first_at_least(ordered: np.ndarray, x: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """First index with ``ordered[row] ≥ x`` (N where none), rows of ``ordered`` (R, N)
    ascending; ``rows`` broadcasts with ``x``. One row answers with ``searchsorted``, several
    by a vectorised bisection."""
    n = ordered.shape[1]
    if ordered.shape[0] == 1:
        return np.searchsorted(ordered[0], x, side="left")
    rows = np.broadcast_to(rows, x.shape)
    low = np.zeros(x.shape, dtype=np.intp)
    high = np.full(x.shape, n, dtype=np.intp)
    while (low < high).any():
        mid = (low + high) // 2
        right = (low < high) & (ordered[rows, np.minimum(mid, n - 1)] < x)
        low = np.where(right, mid + 1, low)
        high = np.where((low < high) & ~right, mid, high)
    return low


def _at(ordered: np.ndarray, rows: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``ordered[rows, index]``, by plain indexing when one row serves the whole batch."""
    return ordered[0][index] if ordered.shape[0] == 1 else ordered[rows, index]


def _offer_ranks(ordered: np.ndarray, level: np.ndarray, row_of: np.ndarray) -> np.ndarray:
    """Rank (in ascending own utility) of the outcome offered at each aspiration level.

    ``ordered`` (R, N) one party's sorted utilities, ``level`` (S, B), ``row_of`` (B,) the row
    of ``ordered`` each negotiation uses → (S, B)."""
    n = ordered.shape[1]
    rank = np.minimum(_first_at_least(ordered, level, row_of), n - 1)
    above = _at(ordered, row_of, rank)
    below = _at(ordered, row_of, np.maximum(rank - 1, 0))
    nearer = (
        (rank > 0)
        & (below >= level - NEAREST_BELOW)
        & (np.abs(below - level) < np.abs(above - level))
    )
    if nearer.any():  # rare: take the earliest of the outcomes as good as the one below
        which = np.nonzero(nearer)
        rank[which] = _first_at_least(ordered, below[which], row_of[which[1]])
    return rank


def _rational_last(u: np.ndarray, r: float, kind: SortKind) -> np.ndarray:
    """Outcome indices by ascending utility: those below ``r`` first (stably), then the rest
    sorted on their own with ``kind``."""
    below, above = np.flatnonzero(u < r), np.flatnonzero(u >= r)
    return np.concatenate(
        [below[np.argsort(u[below], kind="stable")], above[np.argsort(u[above], kind=kind)]]
    )


def _sorted(u: np.ndarray, r: np.ndarray, kind: SortKind) -> tuple[np.ndarray, ...]:
    """One party's utilities sorted (G, N), their outcome indices (G, N) and the row each
    negotiation uses (B,): u (R, N), r (B,).

    A stable sort orders the rational outcomes alike whatever the reservation, so one sort per
    domain serves. NumPy's default sort does not: as NegMAS, each distinct (domain, reservation)
    then sorts its rational outcomes alone."""
    b = r.shape[0]
    row = np.arange(b) if u.shape[0] > 1 else np.zeros(b, dtype=np.intp)
    if kind == "stable" or not np.isfinite(r).any():
        order = np.argsort(u, axis=-1, kind=kind)
        return np.take_along_axis(u, order, axis=-1), order, row
    keys, row_of = np.unique(np.stack([row, r]), axis=1, return_inverse=True)
    source = keys[0].astype(np.intp)
    order = np.stack(
        [_rational_last(u[d], rr, kind) for d, rr in zip(source, keys[1], strict=True)]
    )
    return np.take_along_axis(u[source], order, axis=-1), order, row_of.reshape(b)


def _exponents(e) -> np.ndarray:
    """Concession exponents from numbers or time-kind strategies → (…, 2)."""
    if isinstance(e, Sequence) and len(e) and hasattr(e[0], "kind"):
        if any(s.kind != "time" for s in e):
            raise InputError("discrete offers need time-dependent strategies", field="strategy")
        e = [s.e for s in e]
    out = np.asarray(e, dtype=float)
    if out.ndim == 0 or out.shape[-1] != 2 or not (np.isfinite(out).all() and (out > 0).all()):
        raise InputError("expected two positive concession exponents per negotiation", field="e")
    return out


def _check(utilities: np.ndarray, n_steps: int) -> None:
    if utilities.ndim not in (2, 3) or utilities.shape[-2] != 2 or utilities.shape[-1] < 1:
        raise InputError("expected utilities shaped (2, N) or (B, 2, N)", field="utilities")
    if not np.isfinite(utilities).all():
        raise InputError("utilities contain NaN or infinite values", field="utilities")
    if n_steps < 1:
        raise InputError("n_steps must be at least 1", field="n_steps")


def _offers(domains: np.ndarray, level: np.ndarray, r: np.ndarray, kind: SortKind) -> np.ndarray:
    """Outcome each party proposes at each step: domains (R, 2, N), level (S, B, 2), r (B, 2)
    → (S, B, 2). A party with no outcome worth its reservation offers its best."""
    offers = np.empty(level.shape, dtype=np.intp)
    for p in (0, 1):
        ordered, order, row_of = _sorted(domains[:, p], r[:, p], kind)
        rank = _offer_ranks(ordered, level[:, :, p], row_of)
        rational = _at(ordered, row_of, np.full(len(row_of), -1)) >= r[:, p]
        offers[:, :, p] = _at(order, row_of, np.where(rational, rank, -1))
    return offers


def _first_acceptance(
    accept_0: np.ndarray, accept_1: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Earliest acceptance in event order (step 0: party 1; step s ≥ 1: party 0 then party 1):
    (S, B) each → agreed, step and the accepting party, (B,) each."""
    events = np.stack([accept_0, accept_1], axis=1).reshape(-1, accept_0.shape[1])
    first = np.argmax(events, axis=0)
    agreed = np.asarray(events.any(axis=0))
    return agreed, np.where(agreed, first // 2, -1), np.where(agreed, first % 2, -1)


def _settle(
    domains: np.ndarray, offers: np.ndarray, level: np.ndarray, r: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each negotiation's first acceptance → agreed, outcome, step, proposer, utility (B, …)."""
    rows = np.arange(offers.shape[1])
    accept_0 = np.zeros(offers.shape[:2], dtype=bool)  # party 0 answers party 1's last offer
    accept_0[1:] = _at(domains[:, 0], rows, offers[:-1, :, 1]) >= level[1:, :, 0]
    accept_1 = _at(domains[:, 1], rows, offers[:, :, 0]) >= level[:, :, 1]
    agreed, step, accepter = _first_acceptance(accept_0, accept_1)
    proposer = np.where(agreed, 1 - accepter, -1)
    offer_step = np.maximum(np.where(accepter == 0, step - 1, step), 0)
    outcome = np.where(agreed, offers[offer_step, rows, np.maximum(proposer, 0)], -1)
    utility = np.stack([_at(domains[:, q], rows, np.maximum(outcome, 0)) for q in (0, 1)], axis=1)
    return agreed, outcome, step, proposer, np.where(agreed[:, None], utility, r)


def discrete_alternating_offers(
    utilities,
    e,
    n_steps: int,
    reservation=None,
    tolerance: float = ASPIRATION_TOLERANCE,
    tie_order: str = "enumeration",
) -> DiscreteResult:
    """Two parties with time-dependent concession over enumerated outcomes.

    ``utilities`` (2, N) shared by the batch or (B, 2, N); ``e`` exponents (2,) or (B, 2), or two
    time-kind :class:`~detente.protocols.strategies.Strategy` (only their exponents are used:
    acceptance follows the module's rule); ``reservation`` (2,) or (B, 2), None for none (−∞).
    Party 0 proposes first. ``tie_order`` is ``enumeration`` (deterministic everywhere, one sort
    per domain) or ``numpy`` (NumPy's default sort, as NegMAS: one sort per distinct domain and
    reservation). Returns a :class:`DiscreteResult`.
    """
    if tie_order not in TIE_ORDERS:
        raise InputError(f"tie_order must be one of {', '.join(TIE_ORDERS)}", field="tie_order")
    u = np.asarray(utilities, dtype=float)
    _check(u, n_steps)
    exps = _exponents(e)
    r = np.full(2, -np.inf) if reservation is None else np.asarray(reservation, dtype=float)
    if r.ndim not in (1, 2) or r.shape[-1] != 2 or np.isnan(r).any():
        raise InputError("expected reservations shaped (2,) or (B, 2)", field="reservation")
    domains = u if u.ndim == 3 else u[None]
    b = np.broadcast_shapes(domains.shape[:1], exps.shape[:-1] or (1,), r.shape[:-1] or (1,))[0]
    exps, r = np.broadcast_to(exps, (b, 2)), np.broadcast_to(r, (b, 2))
    best = np.broadcast_to(domains.max(axis=-1), (b, 2))
    low = np.maximum(domains.min(axis=-1), r)
    level = aspiration_levels(relative_times(n_steps), exps, low, best, tolerance)
    offers = _offers(domains, level, r, TIE_ORDERS[tie_order])
    return DiscreteResult(*_settle(domains, offers, level, r), offers=offers, level=level)


__all__ = [
    "ASPIRATION_TOLERANCE",
    "DiscreteResult",
    "additive_utilities",
    "aspiration_levels",
    "discrete_alternating_offers",
    "relative_times",
]
