"""The bargaining model of war: closed forms that broadcast over draws.

A and B bargain over a stake of size 1; p is Pr(A wins a war), c_A and c_B the costs of war as
shares of the stake (Fearon 1995, "Rationalist Explanations for War").
"""

from __future__ import annotations

import numpy as np

from detente.errors import InputError


def _check_unit(name: str, value, *, open_interval: bool = False) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.isfinite(arr).all():
        raise InputError("must be finite", field=name)
    bad = (arr <= 0) | (arr >= 1) if open_interval else (arr < 0) | (arr > 1)
    if bad.any():
        interval = "(0, 1)" if open_interval else "[0, 1]"
        raise InputError(f"must lie in {interval}", field=name)
    return arr


def war_payoffs(p, c_a, c_b) -> tuple[np.ndarray, np.ndarray]:
    """Expected war payoffs: A gets p − c_A, B gets 1 − p − c_B (Fearon 1995)."""
    p, c_a, c_b = (_check_unit(n, v) for n, v in (("p", p), ("c_a", c_a), ("c_b", c_b)))
    return p - c_a, 1.0 - p - c_b


def bargaining_range(p, c_a, c_b) -> tuple[np.ndarray, np.ndarray]:
    """Splits x (A's share) both prefer to war: the open interval (p − c_A, p + c_B)."""
    war_a, war_b = war_payoffs(p, c_a, c_b)
    return war_a, 1.0 - war_b


def nash_split(p, c_a, c_b, weight=0.5) -> np.ndarray:
    """Generalised Nash bargaining with war as the disagreement point:
    x_A = p − c_A + β(c_A + c_B); β = 1/2 gives p + (c_B − c_A)/2."""
    beta = _check_unit("weight", weight)
    war_a, _ = war_payoffs(p, c_a, c_b)
    return war_a + beta * (np.asarray(c_a, float) + np.asarray(c_b, float))


def risk_return_offer(p, c_a, c_b_max) -> tuple[np.ndarray, np.ndarray]:
    """A's optimal offer when B's cost is private, c_B ~ U[0, c̄] (Fearon 1995):
    x* = p + max(0, (c̄ − c_A)/2) for A, and Pr(war) = max(0, (c̄ − c_A) / (2c̄))."""
    p, c_a = _check_unit("p", p), _check_unit("c_a", c_a)
    c_bar = _check_unit("c_b_max", c_b_max)
    gap = np.maximum(0.0, c_bar - c_a)
    pr_war = np.where(c_bar > 0, gap / (2 * np.where(c_bar > 0, c_bar, 1.0)), 0.0)
    return p + gap / 2, pr_war


def commitment_problem(p_now, p_next, delta, c_a) -> np.ndarray:
    """Whether the declining side prefers to fight now rather than accept a deal that the rising
    side cannot commit to keep (Fearon 1995; Powell 2006): δ(p_t − p_{t+1}) > (1 − δ)(1 − p_t +
    c_A). A third party that guarantees the terms removes this incentive."""
    p_now, p_next, c_a = (
        _check_unit(n, v) for n, v in (("p_now", p_now), ("p_next", p_next), ("c_a", c_a))
    )
    delta = _check_unit("delta", delta, open_interval=True)
    return delta * (p_now - p_next) > (1.0 - delta) * (1.0 - p_now + c_a)


def rubinstein_share(delta_1, delta_2) -> np.ndarray:
    """The first proposer's share in alternating offers (Rubinstein 1982): (1 − δ₂)/(1 − δ₁δ₂)."""
    d1 = _check_unit("delta_1", delta_1, open_interval=True)
    d2 = _check_unit("delta_2", delta_2, open_interval=True)
    return (1.0 - d2) / (1.0 - d1 * d2)


def rubinstein_with_outside_options(delta_1, delta_2, w_1, w_2) -> np.ndarray:
    """The proposer's share when each side can walk away to an outside option w_i
    (Binmore, Shaked & Sutton 1989): an option binds only when it exceeds the Rubinstein share
    that side would get, and then that side receives it. Options summing to more than the stake
    leave nothing to agree on: InputError."""
    share = rubinstein_share(delta_1, delta_2)
    w_1, w_2 = _check_unit("w_1", w_1), _check_unit("w_2", w_2)
    if (w_1 + w_2 > 1.0).any():
        raise InputError("outside options sum to more than the stake: no agreement", field="w")
    share = np.where(1.0 - share < w_2, 1.0 - w_2, share)
    return np.where(share < w_1, w_1, share)
