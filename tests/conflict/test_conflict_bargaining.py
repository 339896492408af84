"""Analytic anchors of the bargaining model of war (Fearon 1995; Powell 2006; Rubinstein 1982;
Binmore, Shaked & Sutton 1989) and its properties over random inputs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.conflict import bargaining as b
from detente.errors import InputError

unit = st.floats(0.0, 1.0)
cost = st.floats(0.0, 0.6)
delta = st.floats(0.05, 0.99)


def test_fearon_range_and_war_payoffs():
    assert b.war_payoffs(0.6, 0.1, 0.2) == pytest.approx((0.5, 0.2))
    assert b.bargaining_range(0.6, 0.1, 0.2) == pytest.approx((0.5, 0.8))
    # Clipped to feasible shares when costs exceed what is left of the stake.
    assert b.bargaining_range(0.9, 0.1, 0.3) == pytest.approx((0.8, 1.0))


def test_nash_split_symmetric_and_weighted():
    assert b.nash_split(0.6, 0.1, 0.2) == pytest.approx(0.6 + (0.2 - 0.1) / 2)
    assert b.nash_split(0.6, 0.1, 0.2, weight=0.25) == pytest.approx(0.5 + 0.25 * 0.3)
    assert b.nash_split(0.6, 0.1, 0.2, weight=1.0) == pytest.approx(0.8)
    assert b.nash_split(0.6, 0.1, 0.2, weight=0.0) == pytest.approx(0.5)


@given(unit, cost, cost, unit)
def test_nash_split_lies_in_the_bargaining_range(p, c_a, c_b, beta):
    low, high = b.bargaining_range(p, c_a, c_b)
    x = b.nash_split(p, c_a, c_b, beta)
    assert low - 1e-12 <= x <= high + 1e-12


@given(unit, cost, cost)
def test_both_sides_prefer_the_nash_split_to_war(p, c_a, c_b):
    x = b.nash_split(p, c_a, c_b)
    war_a, war_b = b.war_payoffs(p, c_a, c_b)
    assert x >= war_a - 1e-12 and 1.0 - x >= war_b - 1e-12


def test_risk_return_formula():
    offer, p_war = b.risk_return_offer(0.5, 0.1, 0.3)
    assert offer == pytest.approx(0.5 + (0.3 - 0.1) / 2)
    assert p_war == pytest.approx((0.3 - 0.1) / (2 * 0.3))
    offer, p_war = b.risk_return_offer(0.5, 0.3, 0.2)  # A's own cost is high: no risk taken
    assert offer == pytest.approx(0.5) and p_war == 0.0
    offer, p_war = b.risk_return_offer(0.5, 0.1, 0.0)  # no private information
    assert offer == pytest.approx(0.5) and p_war == 0.0


@given(unit, cost, st.floats(0.01, 0.6))
def test_risk_return_offer_maximises_expected_payoff(p, c_a, c_bar):
    offer, p_war = b.risk_return_offer(p, c_a, c_bar)
    grid = np.linspace(p, 1.0, 2001)
    accept = np.clip(1.0 - (grid - p) / c_bar, 0.0, 1.0)
    payoff = accept * grid + (1.0 - accept) * (p - c_a)
    best = payoff.max()
    at_offer = (1.0 - p_war) * offer + p_war * (p - c_a)
    assert at_offer >= best - 1e-6


def test_commitment_problem_threshold():
    # δ(p_t − p_{t+1}) vs (1 − δ)(1 − p_t + c): 0.9·0.3 = 0.27 > 0.1·0.6 = 0.06 → war
    assert b.commitment_problem(0.5, 0.2, 0.1, 0.9)
    assert not b.commitment_problem(0.5, 0.48, 0.1, 0.5)
    tolerable = b.tolerable_shift(0.5, 0.1, 0.9)
    assert tolerable == pytest.approx(0.1 * 0.6 / 0.9)
    assert b.commitment_problem(0.5, 0.5 - tolerable - 1e-9, 0.1, 0.9)
    assert not b.commitment_problem(0.5, 0.5 - tolerable + 1e-9, 0.1, 0.9)


def test_a_credible_guarantee_removes_the_commitment_problem():
    assert b.commitment_problem(0.5, 0.2, 0.1, 0.9, guarantee=0.5)
    assert not b.commitment_problem(0.5, 0.2, 0.1, 0.9, guarantee=1.0)
    g = b.guarantee_needed(0.5, 0.2, 0.1, 0.9)
    assert g == pytest.approx(1.0 - (0.06 / 0.9) / 0.3)
    assert not b.commitment_problem(0.5, 0.2, 0.1, 0.9, guarantee=g + 1e-9)
    assert b.commitment_problem(0.5, 0.2, 0.1, 0.9, guarantee=g - 1e-9)
    assert b.guarantee_needed(0.5, 0.45, 0.1, 0.5) == 0.0


@given(unit, unit, cost, delta)
def test_larger_shifts_and_patience_only_make_war_likelier(p_now, p_next, c, d):
    fights = b.commitment_problem(p_now, p_next, c, d)
    if fights:
        assert b.commitment_problem(p_now, p_next * 0.5, c, d)
        assert b.commitment_problem(p_now, p_next, c, min(0.995, d + 0.004))


def test_rubinstein_share():
    assert b.rubinstein_share(0.9, 0.9) == pytest.approx(1 / 1.9)
    assert b.rubinstein_share(0.5, 0.8) == pytest.approx(0.2 / 0.6)


def test_outside_options_bind_only_above_the_rubinstein_share():
    share = b.rubinstein_share(0.9, 0.9)
    assert b.rubinstein_with_outside_options(0.9, 0.9, 0.0, 0.2) == pytest.approx(share)
    # The responder's option beats its Rubinstein share 1 − x_R ≈ 0.474: it gets exactly 0.6.
    assert b.rubinstein_with_outside_options(0.9, 0.9, 0.0, 0.6) == pytest.approx(0.4)
    # The proposer's own option binds when it responds: y = 1 − w₁, x = 1 − δ₂(1 − w₁).
    assert b.rubinstein_with_outside_options(0.9, 0.9, 0.7, 0.0) == pytest.approx(0.73)
    assert np.isnan(b.rubinstein_with_outside_options(0.9, 0.9, 0.6, 0.6))


@given(unit, cost, cost, delta, delta)
def test_war_as_outside_option_clips_the_split_into_fearons_range(p, c_a, c_b, d1, d2):
    war_a, war_b = b.war_payoffs(p, c_a, c_b)
    x = b.rubinstein_with_outside_options(d1, d2, war_a, war_b)
    assert war_a - 1e-9 <= x <= 1.0 - war_b + 1e-9


@given(delta, delta, st.floats(-0.5, 0.5), st.floats(-0.5, 0.5))
def test_outside_option_share_is_the_stationary_equilibrium(d1, d2, w1, w2):
    x = b.rubinstein_with_outside_options(d1, d2, w1, w2)
    if np.isnan(x):
        assert w1 + w2 > 1.0
        return
    y = 1.0 - max(w1, d1 * x)  # B's share when B proposes
    assert x == pytest.approx(1.0 - max(w2, d2 * y), abs=1e-9)


def test_functions_broadcast_over_draws():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=(1000, 1))
    c_a = rng.uniform(0, 0.3, size=(1, 3))
    assert b.nash_split(p, c_a, 0.2).shape == (1000, 3)
    assert b.risk_return_offer(p, c_a, 0.3).p_war.shape == (1000, 3)
    assert b.commitment_problem(p, p * 0.5, c_a, 0.9).shape == (1000, 3)
    assert b.rubinstein_with_outside_options(0.9, 0.8, p - 0.1, c_a).shape == (1000, 3)
    exact = [b.nash_split(float(p[i, 0]), float(c_a[0, 1]), 0.2) for i in range(5)]
    np.testing.assert_allclose(b.nash_split(p[:5, 0], c_a[0, 1], 0.2), exact)


@pytest.mark.parametrize(
    "call",
    [
        lambda: b.war_payoffs(1.2, 0.1, 0.1),
        lambda: b.war_payoffs(-0.1, 0.1, 0.1),
        lambda: b.war_payoffs(0.5, -0.1, 0.1),
        lambda: b.war_payoffs(np.array([0.5, np.nan]), 0.1, 0.1),
        lambda: b.nash_split(0.5, 0.1, 0.1, weight=1.5),
        lambda: b.risk_return_offer(0.5, 0.1, -0.3),
        lambda: b.commitment_problem(0.5, 0.4, 0.1, 1.0),
        lambda: b.commitment_problem(0.5, 0.4, 0.1, 0.9, guarantee=2.0),
        lambda: b.rubinstein_share(0.0, 0.5),
        lambda: b.rubinstein_share(0.5, 1.2),
        lambda: b.rubinstein_with_outside_options(0.9, 0.9, np.inf, 0.0),
        lambda: b.war_payoffs("strong", 0.1, 0.1),
    ],
)
def test_bad_input_is_invalid_input(call):
    with pytest.raises(InputError):
        call()
