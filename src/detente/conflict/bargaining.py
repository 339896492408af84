"""The bargaining model of war on a unit stake: A's share is x, B's is 1 − x.

Closed forms from Fearon (1995), Powell (2006), Rubinstein (1982) and Binmore, Shaked & Sutton
(1989), as collected in MODELS.md §2. Every function is pure and takes scalars or NumPy arrays
that broadcast against each other (one value per Monte Carlo draw, say); invalid values (a
probability outside [0, 1], a negative cost, a discount factor outside (0, 1)) raise InputError.
Costs of war are shares of the stake, so a war payoff p − c may be negative.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from detente.conflict import _checks as check


class WarPayoffs(NamedTuple):
    """Expected payoffs of fighting: A gets p − c_A, B gets 1 − p − c_B."""

    a: np.ndarray
    b: np.ndarray


class Range(NamedTuple):
    """A's shares that both sides prefer to war, ``low`` ≤ x ≤ ``high``."""

    low: np.ndarray
    high: np.ndarray


class RiskReturn(NamedTuple):
    """A's optimal demand under uncertainty about B's cost, and the war it risks."""

    offer: np.ndarray
    p_war: np.ndarray


def war_payoffs(p, cost_a, cost_b) -> WarPayoffs:
    """Fearon (1995): A wins the whole stake with probability ``p``; both pay their costs."""
    p = check.probability(p, "p")
    c_a = check.non_negative(cost_a, "cost_a")
    c_b = check.non_negative(cost_b, "cost_b")
    return WarPayoffs(p - c_a, 1.0 - p - c_b)


def bargaining_range(p, cost_a, cost_b) -> Range:
    """Fearon's (1995) bargaining range: A's shares x in [p − c_A, p + c_B] that both prefer to
    war, intersected with the feasible shares [0, 1]. Never empty when costs are ≥ 0."""
    a, b = war_payoffs(p, cost_a, cost_b)
    return Range(np.clip(a, 0.0, 1.0), np.clip(1.0 - b, 0.0, 1.0))


def nash_split(p, cost_a, cost_b, weight=0.5) -> np.ndarray:
    """A's share in the generalized Nash bargaining solution with war as the disagreement point.

    Maximising (x − d_A)^β (1 − x − d_B)^(1−β) with d = the war payoffs gives
    x_A = p − c_A + β(c_A + c_B) (symmetric β = ½: p + (c_B − c_A)/2), clipped to [0, 1]
    (the constrained maximum of a log-concave objective). ``weight`` β ∈ [0, 1] is A's
    bargaining weight.
    """
    beta = check.probability(weight, "weight")
    a, b = war_payoffs(p, cost_a, cost_b)
    return np.clip(a + beta * (1.0 - a - b), 0.0, 1.0)


def risk_return_offer(p, cost_a, cost_b_max) -> RiskReturn:
    """A's optimal demand when B's cost is private, c_B ~ U[0, c̄] (Fearon 1995).

    B accepts a demand x iff 1 − x ≥ 1 − p − c_B, i.e. with probability 1 − (x − p)/c̄. A's
    expected payoff is maximised at x* = p + max(0, (c̄ − c_A)/2), and war follows with
    probability max(0, (c̄ − c_A)/(2c̄)). A demand cannot exceed the whole stake, so x* is capped
    at 1 (and the war probability computed at the cap); c̄ = 0 means no uncertainty and no war.
    """
    p = check.probability(p, "p")
    c_a = check.non_negative(cost_a, "cost_a")
    c_bar = check.non_negative(cost_b_max, "cost_b_max")
    premium = np.minimum(np.maximum(0.0, (c_bar - c_a) / 2.0), 1.0 - p)
    p_war = np.divide(
        premium, c_bar, out=np.zeros(np.broadcast(premium, c_bar).shape), where=c_bar > 0
    )
    return RiskReturn(p + premium, p_war)


def tolerable_shift(p_now, cost_declining, delta) -> np.ndarray:
    """The largest one-period fall in the declining side's win probability it accepts without
    fighting now: (1 − δ)(1 − p_t + c)/δ (Fearon 1995; Powell 2006)."""
    p_now = check.probability(p_now, "p_now")
    c = check.non_negative(cost_declining, "cost_declining")
    d = check.discount(delta, "delta")
    return (1.0 - d) * (1.0 - p_now + c) / d


def commitment_problem(p_now, p_next, cost_declining, delta, guarantee=0.0) -> np.ndarray:
    """Whether shifting power makes the declining side fight now (Fearon 1995; Powell 2006).

    With a per-period pie of 1, the rising side can promise at most the whole pie today and the
    declining side's future war value afterwards; the declining side (win probability falling
    from p_t to p_{t+1}, cost c) fights iff δ(p_t − p_{t+1}) > (1 − δ)(1 − p_t + c).

    ``guarantee`` ∈ [0, 1] is the credibility of a third party that enforces today's terms: it
    removes that share of the shift (the rising side can exploit only (1 − g)(p_t − p_{t+1})),
    so a fully credible guarantee (g = 1) removes the commitment problem.
    """
    p_next = check.probability(p_next, "p_next")
    g = check.probability(guarantee, "guarantee")
    shift = (1.0 - g) * (check.probability(p_now, "p_now") - p_next)
    return shift > tolerable_shift(p_now, cost_declining, delta)


def guarantee_needed(p_now, p_next, cost_declining, delta) -> np.ndarray:
    """The least guarantee credibility g ∈ [0, 1] that removes the commitment problem:
    1 − tolerable shift / shift when the shift exceeds what is tolerable, else 0."""
    shift = check.probability(p_now, "p_now") - check.probability(p_next, "p_next")
    tolerable = tolerable_shift(p_now, cost_declining, delta)
    ratio = np.divide(
        tolerable, shift, out=np.ones(np.broadcast(tolerable, shift).shape), where=shift > 0
    )
    return np.clip(1.0 - ratio, 0.0, 1.0)


def rubinstein_share(delta_proposer, delta_responder) -> np.ndarray:
    """The first proposer's share in Rubinstein's (1982) alternating-offers game:
    (1 − δ₂)/(1 − δ₁δ₂), δ₁ the proposer's and δ₂ the responder's discount factor."""
    d1 = check.discount(delta_proposer, "delta_proposer")
    d2 = check.discount(delta_responder, "delta_responder")
    return (1.0 - d2) / (1.0 - d1 * d2)


def rubinstein_with_outside_options(
    delta_proposer, delta_responder, option_proposer, option_responder
) -> np.ndarray:
    """The first proposer's share when each side may opt out for ``option`` when responding
    (Binmore, Shaked & Sutton 1989, the outside-option principle).

    An option binds only when it exceeds what the player gets as responder without it, and
    then the player gets exactly its option. Stationary equilibrium: x = 1 − max(w₂, δ₂ y),
    y = 1 − max(w₁, δ₁ x), solved in closed form: x₀ = the Rubinstein share if w₁ ≤ δ₁ x_R,
    else 1 − δ₂(1 − w₁); then x = min(x₀, 1 − w₂). With war values as options the split lies
    in Fearon's range. NaN where w₁ + w₂ > 1: both prefer their options and no deal exists.
    """
    w1 = check.finite(option_proposer, "option_proposer")
    w2 = check.finite(option_responder, "option_responder")
    d1 = check.discount(delta_proposer, "delta_proposer")
    d2 = check.discount(delta_responder, "delta_responder")
    x_r = rubinstein_share(d1, d2)
    x0 = np.where(w1 <= d1 * x_r, x_r, 1.0 - d2 * (1.0 - w1))
    x = np.minimum(x0, 1.0 - w2)
    return np.where(w1 + w2 > 1.0, np.nan, x)
