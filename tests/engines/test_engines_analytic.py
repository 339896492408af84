"""Compromise and Nash engines: closed forms, invariances and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from detente.engines import EngineInput, get_engine
from detente.errors import InputError


def one(position, capability, salience=None, status_quo=None):
    position = np.asarray(position, float)[None, :, None]
    salience = (
        np.ones_like(position) if salience is None else np.asarray(salience, float)[None, :, None]
    )
    sq = None if status_quo is None else np.array([[float(status_quo)]])
    return EngineInput(position, salience, np.asarray(capability, float)[None, :], sq)


def outcome(engine, inp):
    return float(get_engine(engine).run(inp, rng=np.random.default_rng(0)).outcome[0, 0])


def test_compromise_is_the_weighted_mean():
    assert outcome("compromise", one([0, 100], [3, 1])) == pytest.approx(25.0)
    assert outcome("compromise", one([0, 100], [1, 1], salience=[1, 3])) == pytest.approx(75.0)


def test_nash_symmetric_split_and_closed_form_without_status_quo():
    assert outcome("nash", one([20, 80], [1, 1])) == pytest.approx(50.0)
    # a disagreement point far away: the weighted mean in the limit
    assert outcome("nash", one([40, 60], [1, 3], status_quo=-1e5)) == pytest.approx(55.0, abs=0.01)


def test_nash_status_quo_between_positions_is_kept():
    assert outcome("nash", one([10, 90], [2, 1], status_quo=50.0)) == pytest.approx(50.0)


def test_nash_weights_pull_toward_the_stronger_actor():
    weak = outcome("nash", one([40, 60], [1, 1], status_quo=0.0))
    strong = outcome("nash", one([40, 60], [1, 4], status_quo=0.0))
    assert strong > weak


def test_nash_first_order_condition_holds():
    x = outcome("nash", one([30, 50, 70], [1, 2, 3], status_quo=0.0))
    pos, w, d = np.array([30, 50, 70.0]), np.array([1, 2, 3.0]), 0.0
    foc = (w * (pos - x) / ((d - pos) ** 2 - (x - pos) ** 2)).sum()
    assert abs(foc) < 1e-9 and 30 < x < 70


batch = st.integers(1, 4).flatmap(
    lambda a: st.tuples(
        arrays(np.float64, (3, a, 2), elements=st.floats(0, 100)),
        arrays(np.float64, (3, a, 2), elements=st.floats(1, 100)),
        arrays(np.float64, (3, a), elements=st.floats(0.1, 100)),
        arrays(np.float64, (3, 2), elements=st.floats(0, 100)),
    )
)


@settings(max_examples=80, deadline=None)
@given(batch)
def test_outcomes_lie_within_the_range_of_positions_or_at_the_status_quo(data):
    position, salience, capability, sq = data
    inp = EngineInput(position, salience, capability, sq)
    lo, hi = position.min(axis=1), position.max(axis=1)
    for engine in ("compromise", "nash"):
        out = get_engine(engine).run(inp).outcome
        inside = (out >= lo - 1e-6) & (out <= hi + 1e-6)
        assert np.all(inside | np.isclose(out, sq)), engine


@settings(max_examples=40, deadline=None)
@given(batch, st.floats(0.5, 20))
def test_invariant_to_scaling_capability_and_permuting_actors(data, factor):
    position, salience, capability, sq = data
    for engine in ("compromise", "nash"):
        spec = get_engine(engine)
        base = spec.run(EngineInput(position, salience, capability, sq)).outcome
        scaled = spec.run(EngineInput(position, salience, capability * factor, sq)).outcome
        order = np.arange(position.shape[1])[::-1]
        perm = spec.run(
            EngineInput(position[:, order], salience[:, order], capability[:, order], sq)
        ).outcome
        np.testing.assert_allclose(scaled, base, atol=1e-6)
        np.testing.assert_allclose(perm, base, atol=1e-6)


def test_identical_positions_give_that_position():
    for engine in ("compromise", "nash"):
        assert outcome(engine, one([42, 42, 42], [1, 2, 3], status_quo=10.0)) == pytest.approx(42.0)


@pytest.mark.parametrize(
    "inp",
    [
        one([np.nan, 50], [1, 1]),
        one([0, 50], [np.inf, 1]),
        one([0, 50], [0, 0]),
        one([0, 50], [1, 1], salience=[0, 0]),
        one([0, 50], [-1, 1]),
    ],
)
def test_bad_input_is_invalid_input(inp):
    for engine in ("compromise", "nash"):
        with pytest.raises(InputError):
            get_engine(engine).run(inp)


def test_trajectory_starts_at_the_positions():
    inp = one([0, 100], [1, 1])
    result = get_engine("compromise").run(inp)
    assert result.trajectory.shape == (2, 1, 2, 1)
    np.testing.assert_array_equal(result.trajectory[0], inp.position)
