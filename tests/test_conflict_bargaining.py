"""Analytic anchors of the bargaining model of war (Fearon 1995; Rubinstein 1982; BSS 1989)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.conflict import bargaining as b
from detente.errors import InputError

unit = st.floats(0.0, 1.0)
open_unit = st.floats(0.01, 0.99)


def test_fearon_range_and_symmetric_nash_split():
    low, high = b.bargaining_range(0.6, 0.1, 0.2)
    assert (low, high) == pytest.approx((0.5, 0.8))
    assert b.nash_split(0.6, 0.1, 0.2) == pytest.approx(0.6 + (0.2 - 0.1) / 2)


@given(unit, st.floats(0, 0.5), st.floats(0, 0.5), unit)
def test_nash_split_lies_in_the_bargaining_range(p, c_a, c_b, beta):
    low, high = b.bargaining_range(p, c_a, c_b)
    x = b.nash_split(p, c_a, c_b, beta)
    assert low - 1e-12 <= x <= high + 1e-12


def test_risk_return_formula():
    offer, pr_war = b.risk_return_offer(0.5, 0.1, 0.3)
    assert offer == pytest.approx(0.6)
    assert pr_war == pytest.approx(0.2 / 0.6)
    offer, pr_war = b.risk_return_offer(0.5, 0.3, 0.2)
    assert offer == pytest.approx(0.5) and pr_war == 0.0


def test_commitment_problem_threshold():
    # δ(p_t − p_{t+1}) vs (1 − δ)(1 − p_t + c): 0.9·0.3 = 0.27 > 0.1·0.6 = 0.06
    assert b.commitment_problem(0.5, 0.2, 0.9, 0.1)
    assert not b.commitment_problem(0.5, 0.48, 0.5, 0.1)


def test_rubinstein_share_and_outside_options():
    assert b.rubinstein_share(0.9, 0.9) == pytest.approx(1 / 1.9)
    share = b.rubinstein_share(0.9, 0.9)
    assert b.rubinstein_with_outside_options(0.9, 0.9, 0.0, 0.2) == pytest.approx(share)
    assert b.rubinstein_with_outside_options(0.9, 0.9, 0.0, 0.6) == pytest.approx(0.4)
    assert b.rubinstein_with_outside_options(0.9, 0.9, 0.7, 0.0) == pytest.approx(0.7)


def test_functions_broadcast_over_draws():
    p = np.linspace(0.1, 0.9, 5)
    assert b.nash_split(p, 0.1, np.full(5, 0.2)).shape == (5,)


@pytest.mark.parametrize(
    "call",
    [
        lambda: b.war_payoffs(1.2, 0.1, 0.1),
        lambda: b.war_payoffs(0.5, -0.1, 0.1),
        lambda: b.commitment_problem(0.5, 0.4, 1.0, 0.1),
        lambda: b.rubinstein_share(0.0, 0.5),
        lambda: b.rubinstein_with_outside_options(0.9, 0.9, 0.6, 0.6),
        lambda: b.war_payoffs(np.nan, 0.1, 0.1),
    ],
)
def test_bad_input_is_invalid_input(call):
    with pytest.raises(InputError):
        call()
