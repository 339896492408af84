"""The bridge from a war model to disagreement points and reservation utilities."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.conflict import bargaining as b
from detente.conflict import outside_options as oo
from detente.errors import InputError


def _two_party_case():
    ideal = np.array([[[0.0, 0.0], [100.0, 100.0], [50.0, 20.0]]])
    salience = np.ones((1, 3, 2))
    capability = np.array([[3.0, 1.0, 5.0]])
    cost = np.array([[0.1, 0.2, 0.0]])
    return ideal, salience, capability, cost


def test_disagreement_point_and_reservation_by_hand():
    ideal, salience, capability, cost = _two_party_case()
    out = oo.war_outside_options(ideal, salience, capability, cost, (0, 1))
    np.testing.assert_allclose(out.win_probability, [[0.75, 0.25]])
    np.testing.assert_allclose(out.disagreement, [[25.0, 25.0]])
    # Third party at (50, 20): utility 0.65 if A wins, 0.35 if B wins.
    np.testing.assert_allclose(out.reservation, [[0.75 - 0.1, 0.25 - 0.2, 0.575]])


def test_opposed_ideals_reproduce_fearons_war_payoffs():
    """With ideals at opposite ends of every issue the utility scale is Fearon's unit stake."""
    rng = np.random.default_rng(1)
    n = 500
    cap = rng.uniform(0.1, 1.0, size=(n, 2))
    cost = rng.uniform(0.0, 0.4, size=(n, 2))
    ideal = np.broadcast_to(np.array([[100.0, 0.0, 100.0], [0.0, 100.0, 0.0]]), (n, 2, 3))
    salience = rng.uniform(0.1, 1.0, size=(n, 2, 3))
    out = oo.war_outside_options(ideal, salience, cap, cost, (0, 1))
    p = cap[:, 0] / cap.sum(1)
    war_a, war_b = b.war_payoffs(p, cost[:, 0], cost[:, 1])
    np.testing.assert_allclose(out.reservation, np.stack([war_a, war_b], 1), atol=1e-12)


@given(st.integers(0, 2**32 - 1))
def test_belligerents_value_the_lottery_as_its_mean_point(seed):
    rng = np.random.default_rng(seed)
    ideal = rng.uniform(0, 100, size=(20, 3, 4))
    w = oo.salience_weights(rng.uniform(0, 1, size=(20, 3, 4)))
    p = oo.win_probabilities(rng.uniform(0.1, 1, size=(20, 2)))
    winners = ideal[:, :2, :]
    eu = oo.war_utility(ideal, w, winners, p)
    mean_point = oo.expected_war_outcome(winners, p)
    u_mean = 1.0 - (w * np.abs(mean_point[:, None, :] - ideal)).sum(-1) / 100.0
    np.testing.assert_allclose(eu[:, :2], u_mean[:, :2], atol=1e-12)
    assert np.all(eu[:, 2] <= u_mean[:, 2] + 1e-12)  # a third party: Jensen


def test_win_probabilities_contest_function():
    np.testing.assert_allclose(oo.win_probabilities([2.0, 1.0]), [2 / 3, 1 / 3])
    np.testing.assert_allclose(oo.win_probabilities([2.0, 1.0], 2.0), [0.8, 0.2])
    np.testing.assert_allclose(oo.win_probabilities([0.0, 0.0]), [0.5, 0.5])
    np.testing.assert_allclose(oo.win_probabilities([[1.0, 0.0]]), [[1.0, 0.0]])


def test_stronger_side_pulls_the_disagreement_point():
    ideal = np.array([[[0.0], [100.0]]])
    weak = oo.war_outside_options(ideal, np.ones((1, 2, 1)), [[1.0, 1.0]], [[0, 0]], (0, 1))
    strong = oo.war_outside_options(ideal, np.ones((1, 2, 1)), [[1.0, 3.0]], [[0, 0]], (0, 1))
    assert strong.disagreement[0, 0] > weak.disagreement[0, 0]


@pytest.mark.parametrize(
    "call",
    [
        lambda: oo.win_probabilities([1.0, -1.0]),
        lambda: oo.expected_war_outcome([[0.0], [100.0]], [0.7, 0.7]),
        lambda: oo.expected_war_outcome([[0.0], [120.0]], [0.5, 0.5]),
        lambda: oo.war_outside_options(*_two_party_case()[:3], [[0.1, -0.2, 0.0]], (0, 1)),
        lambda: oo.war_outside_options(*_two_party_case(), (0, 0)),
        lambda: oo.war_outside_options(*_two_party_case(), (0, 3)),
    ],
)
def test_bad_input_is_invalid_input(call):
    with pytest.raises(InputError):
        call()
