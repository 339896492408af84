"""Where an agreement stands: Pareto frontier, Nash and Kalai–Smorodinsky points, concessions."""

from __future__ import annotations

import numpy as np

from detente.protocols.utility import Preferences


def grid_outcomes(values_per_issue: list[np.ndarray]) -> np.ndarray:
    """Every combination of discrete issue values: (N, K)."""
    mesh = np.meshgrid(*values_per_issue, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


def pareto_mask(utilities: np.ndarray) -> np.ndarray:
    """Which outcomes (rows of (N, P) utilities) no other outcome dominates.

    Two parties: one sort and a running maximum, O(N log N). More parties: pairwise checks in
    blocks."""
    n, p = utilities.shape
    if p == 2:
        order = np.lexsort((-utilities[:, 1], -utilities[:, 0]))
        u1 = utilities[order, 1]
        best_before = np.maximum.accumulate(np.concatenate([[-np.inf], u1[:-1]]))
        keep_sorted = u1 > best_before
        mask = np.zeros(n, dtype=bool)
        mask[order[keep_sorted]] = True
        return mask
    mask = np.ones(n, dtype=bool)
    for start in range(0, n, 512):
        block = utilities[start : start + 512]
        weakly_better = np.all(utilities[None, :, :] >= block[:, None, :], axis=-1)
        strictly_better = np.any(utilities[None, :, :] > block[:, None, :], axis=-1)
        dominated = np.any(weakly_better & strictly_better, axis=1)
        mask[start : start + 512] = ~dominated
    return mask


def nash_point(utilities: np.ndarray, reservation: np.ndarray) -> int | None:
    """Index of the outcome maximising Π (u_p − r_p) over outcomes all prefer to disagreement."""
    gains = utilities - reservation
    ok = (gains > 0).all(axis=1)
    if not ok.any():
        return None
    product = np.where(ok, np.prod(np.where(ok[:, None], gains, 1.0), axis=1), -np.inf)
    return int(np.argmax(product))


def kalai_smorodinsky_point(utilities: np.ndarray, reservation: np.ndarray) -> int | None:
    """Index of the individually rational outcome that maximises the smallest share of each
    party's best attainable gain (Kalai & Smorodinsky 1975)."""
    gains = utilities - reservation
    ok = (gains >= 0).all(axis=1)
    if not ok.any():
        return None
    best = np.where(ok[:, None], gains, -np.inf).max(axis=0)
    share = np.min(gains / np.where(best > 0, best, 1.0), axis=1)
    return int(np.argmax(np.where(ok, share, -np.inf)))


def concessions(prefs: Preferences, trace: np.ndarray, proposer: np.ndarray) -> np.ndarray:
    """Own utility each party gave up between its successive offers: (rounds, B, P), zero in
    rounds where it did not propose."""
    rounds = trace.shape[0]
    out = np.zeros((rounds, prefs.shape[0], prefs.shape[1]))
    last: dict[int, np.ndarray] = {}
    for r in range(rounds):
        who = int(proposer[r])
        if who < 0:
            continue
        own = prefs.utility(trace[r])[:, who]
        if who in last:
            out[r, :, who] = last[who] - own
        last[who] = own
    return out


def distances_to_solutions(point, outcomes, utilities, reservation) -> dict[str, float | None]:
    """Euclidean distance (0–100 scale) from an agreement to the Nash and KS outcomes."""
    out = {}
    for name, index in (
        ("nash", nash_point(utilities, reservation)),
        ("kalai_smorodinsky", kalai_smorodinsky_point(utilities, reservation)),
    ):
        out[name] = None if index is None else float(np.linalg.norm(outcomes[index] - point))
    return out


__all__ = [
    "concessions",
    "distances_to_solutions",
    "grid_outcomes",
    "kalai_smorodinsky_point",
    "nash_point",
    "pareto_mask",
]
