"""The exchange model: hand-computed exchanges, equal gains, the one-issue case."""

from __future__ import annotations

import numpy as np
import pytest

from detente.engines import EngineInput, get_engine
from detente.engines.exchange import candidate_gains

EXCHANGE = get_engine("exchange")


def test_two_actors_trade_fully_when_each_cares_about_a_different_issue():
    # i at (100, 0) cares for p; j at (0, 100) cares for q; compromise (80, 80). j moving all
    # the way on p shifts O_p by 20 and asks i to shift O_q by 20: i's full move. Both end at
    # (100, 100); each gains 0.8·20 − 0.2·20 = 12 salience points.
    inp = EngineInput(
        np.array([[[100.0, 0.0], [0.0, 100.0]]]),
        np.array([[[80.0, 20.0], [20.0, 80.0]]]),
        np.ones((1, 2)),
    )
    result = EXCHANGE.run(inp)
    np.testing.assert_allclose(result.outcome, [[100.0, 100.0]])
    np.testing.assert_allclose(result.trajectory[1, 0], [[100.0, 100.0], [100.0, 100.0]])
    gain = candidate_gains(inp.position, inp.salience, inp.capability)[0]
    assert gain.max() == pytest.approx(12.0)


def test_the_smaller_move_bounds_the_exchange():
    # j has capability 3: its full move on p would ask more of i on q than i's whole gap, so
    # i's full move on q bounds the trade and j moves only part of the way
    inp = EngineInput(
        np.array([[[100.0, 0.0], [0.0, 100.0]]]),
        np.array([[[80.0, 20.0], [20.0, 80.0]]]),
        np.array([[1.0, 3.0]]),
    )
    w = inp.capability[0][:, None] * inp.salience[0]
    total = w.sum(axis=0)
    full_q = w[0, 1] * 100.0 / total[1]  # i moves all the way on q
    ratio = (80.0 + 20.0) / (20.0 + 80.0)
    d_p = min(w[1, 0] * 100.0 / total[0], full_q / ratio)
    move_j = d_p * total[0] / w[1, 0]
    result = EXCHANGE.run(inp)
    assert result.trajectory[1, 0, 0, 1] == pytest.approx(100.0)  # i moved fully on q
    assert result.trajectory[1, 0, 1, 0] == pytest.approx(move_j)  # j moved part of the way
    assert 0.0 < move_j < 100.0


def test_gains_are_equal_for_both_sides_of_every_exchange():
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 100, (20, 6, 4))
    s = rng.uniform(1, 100, (20, 6, 4))
    c = rng.uniform(1, 5, (20, 6))
    gain, d_p, d_q, _ = candidate_gains(x, s, c)
    s_jp, s_jq = s[:, None, :, :, None], s[:, None, :, None, :]
    gain_j = (s_jq * d_q - s_jp * d_p) / 100.0
    live = gain > 0
    assert live.sum() > 100
    np.testing.assert_allclose(gain[live], gain_j[live], rtol=1e-9)


def test_one_issue_leaves_nothing_to_trade():
    rng = np.random.default_rng(0)
    inp = EngineInput(
        rng.uniform(0, 100, (5, 4, 1)), rng.uniform(1, 100, (5, 4, 1)), rng.uniform(1, 3, (5, 4))
    )
    np.testing.assert_allclose(EXCHANGE.run(inp).outcome, get_engine("compromise").run(inp).outcome)
    assert (EXCHANGE.run(inp).rounds == 0).all()


def test_more_rounds_keep_trading_until_nothing_is_left():
    rng = np.random.default_rng(1)
    inp = EngineInput(
        rng.uniform(0, 100, (10, 6, 3)), rng.uniform(1, 100, (10, 6, 3)), np.ones((10, 6))
    )
    one = EXCHANGE.run(inp)
    many = EXCHANGE.run(inp, max_rounds=20)
    assert (one.rounds <= 1).all() and many.rounds.max() > 1
    assert many.trajectory.shape[0] >= many.rounds.max() + 1
    np.testing.assert_array_equal(many.trajectory[1], one.trajectory[1])
