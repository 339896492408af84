"""Asymmetric Nash bargaining with a disagreement point, one issue at a time.

Each actor has quadratic loss u_i(x) = −(x − x_i)² on an issue and bargaining weight
w_i = c_i · s_i (capability × salience). The outcome maximises Σ_i w_i log(u_i(x) − u_i(d))
over the points every actor prefers to the disagreement point d (Nash 1950; the weighted,
asymmetric form of Kalai 1977; its use on EU decisions: Achen 2006 in *The European Union
Decides*). Without a disagreement point the solution is the closed form Σ w_i x_i / Σ w_i.

With a disagreement point the first-order condition Σ_i w_i (x_i − x) / (r_i² − (x − x_i)²) = 0,
r_i = |d − x_i|, has a strictly decreasing left side on the feasible interval, so a vectorised
bisection finds the unique root to machine precision. When no point makes every actor better
off (the status quo lies between positions), the outcome is the disagreement point itself.
"""

from __future__ import annotations

import numpy as np

from detente.engines.base import EngineInput, EngineResult, EngineSpec, one_shot_result
from detente.engines.compromise import check_input, compromise_point

VERSION = "1.0"
BISECTION_STEPS = 60


def _feasible_interval(position, weight, d) -> tuple[np.ndarray, np.ndarray]:
    """Intersection over actors with weight of the open intervals around each ideal of radius
    |d − x_i|: (draws, dims) bounds; empty where low >= high."""
    radius = np.where(weight > 0, np.abs(d[:, None, :] - position), np.inf)
    low = (position - radius).max(axis=1)
    high = (position + radius).min(axis=1)
    return low, high


def _first_order(x: np.ndarray, position: np.ndarray, weight: np.ndarray, d: np.ndarray):
    """Σ_i w_i (x_i − x) / (r_i² − (x − x_i)²), the derivative of the log Nash product / 2."""
    gap = x[:, None, :] - position
    room = (d[:, None, :] - position) ** 2 - gap**2
    return (weight * -gap / np.where(room > 0, room, np.inf)).sum(axis=1)


def nash_with_disagreement(inp: EngineInput, d: np.ndarray) -> np.ndarray:
    """The weighted Nash solution per draw and issue with disagreement point ``d`` (draws, dims)."""
    weight = inp.capability[:, :, None] * inp.salience
    low, high = _feasible_interval(inp.position, weight, d)
    feasible = high > low
    lo = np.where(feasible, low, d)
    hi = np.where(feasible, high, d)
    for _ in range(BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        positive = _first_order(mid, inp.position, weight, d) > 0
        lo = np.where(positive, mid, lo)
        hi = np.where(positive, hi, mid)
    return np.where(feasible, 0.5 * (lo + hi), d)


def run(
    inp: EngineInput,
    rng: np.random.Generator | None = None,
    record_trajectory: bool = True,
) -> EngineResult:
    """Nash solution against the status quo as disagreement point (none → closed form)."""
    check_input(inp)
    d = inp.status_quo
    if d is None or np.isnan(d).all():
        outcome = compromise_point(inp)
        mode = "closed form (no disagreement point)"
    else:
        outcome = np.where(np.isnan(d), compromise_point(inp), nash_with_disagreement(inp, d))
        mode = "disagreement point"
    params = {"utility": "quadratic loss", "weights": "capability x salience", "mode": mode}
    return one_shot_result("nash", VERSION, params, inp, outcome, record_trajectory)


SPEC = EngineSpec(
    name="nash",
    version=VERSION,
    run=run,
    multidimensional=False,
    stochastic=False,
    needs_status_quo=False,
    uses_status_quo=True,
    summary="asymmetric Nash bargaining (weights capability x salience) against the status quo",
)


__all__ = [
    "BISECTION_STEPS",
    "SPEC",
    "VERSION",
    "nash_with_disagreement",
    "run",
]
