"""The checks every registered engine, and every protocol × strategy, must pass.

In the style of scikit-learn's ``parametrize_with_checks``: each check is a plain function of
the component's name; :func:`engine_cases` and :func:`protocol_cases` pair every registered
component with every check, so a new engine, protocol or strategy is checked without editing
this file.

Engines: output shapes and the 0–100 range, seeded replay, pickle, invariance to the order of
actors and to the scale of capabilities, absent actors, a NaN status quo, InputError (never
TypeError) on bad options or shapes, the same outcome with trajectory recording on and off.

Protocols × strategies: shapes and the 0–100 range, replay, pickle, invariance to the order of
parties (for protocols that declare it does not matter), invariance to the scale of saliences
(the protocols' weights, as capabilities are the engines'), NaN preferences and bad options
as InputErrors. Protocols take no status quo and record their trace always, so those two
checks are the engines' only.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from detente.engines import EngineInput, engine_names, get_engine
from detente.errors import InputError
from detente.protocols import (
    Setting,
    configure,
    get_protocol,
    negotiate,
    preferences,
    protocol_names,
    strategy_names,
)

BAD_VALUE = "not-a-value"


def engine_input(draws=4, actors=5, dims=2, seed=0, status_quo=True) -> EngineInput:
    rng = np.random.default_rng(seed)
    return EngineInput(
        rng.uniform(0, 100, (draws, actors, dims)),
        rng.uniform(10, 100, (draws, actors, dims)),
        rng.uniform(1, 10, (draws, actors)),
        rng.uniform(0, 100, (draws, dims)) if status_quo else None,
    )


def _run(name, inp, seed=0, **kwargs):
    return get_engine(name).run(inp, rng=np.random.default_rng(seed), **kwargs)


def check_engine_shapes_and_range(name):
    inp = engine_input()
    d, a, k = inp.shape
    result = _run(name, inp)
    assert result.outcome.shape == (d, k)
    assert np.isfinite(result.outcome).all()
    assert ((result.outcome >= 0) & (result.outcome <= 100)).all()
    assert result.rounds.shape == (d,)
    traj = result.trajectory
    assert traj is not None and traj.ndim == 4 and traj.shape[1:] == (d, a, k)
    np.testing.assert_array_equal(traj[0], inp.position)
    assert ((traj >= 0) & (traj <= 100)).all()


def check_engine_seeded_replay(name):
    inp = engine_input()
    first, again = _run(name, inp, seed=7), _run(name, inp, seed=7)
    assert first.outcome.tobytes() == again.outcome.tobytes()
    assert first.trajectory.tobytes() == again.trajectory.tobytes()


def check_engine_pickle(name):
    inp = engine_input()
    result = _run(name, inp)
    restored = pickle.loads(pickle.dumps(result))
    np.testing.assert_array_equal(restored.outcome, result.outcome)
    spec = pickle.loads(pickle.dumps(get_engine(name)))
    again = spec.run(inp, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(again.outcome, result.outcome)


def check_engine_actor_order(name):
    inp = engine_input()
    order = np.array([3, 0, 4, 1, 2])
    permuted = EngineInput(
        inp.position[:, order], inp.salience[:, order], inp.capability[:, order], inp.status_quo
    )
    np.testing.assert_allclose(_run(name, permuted).outcome, _run(name, inp).outcome, atol=1e-9)


def check_engine_capability_scale(name):
    inp = engine_input()
    scaled = EngineInput(inp.position, inp.salience, inp.capability * 37.5, inp.status_quo)
    np.testing.assert_allclose(_run(name, scaled).outcome, _run(name, inp).outcome, atol=1e-9)


def check_engine_absent_actors(name):
    """An actor with no capability and no salience changes nothing."""
    inp = engine_input()
    d, _, k = inp.shape
    with_absent = EngineInput(
        np.concatenate([inp.position, np.zeros((d, 1, k))], axis=1),
        np.concatenate([inp.salience, np.zeros((d, 1, k))], axis=1),
        np.concatenate([inp.capability, np.zeros((d, 1))], axis=1),
        inp.status_quo,
    )
    np.testing.assert_allclose(_run(name, with_absent).outcome, _run(name, inp).outcome, atol=1e-9)


def check_engine_nan_status_quo(name):
    """A status quo of NaN means none: an InputError where the engine needs one, else the same
    outcome as without a status quo."""
    inp = engine_input()
    nan_sq = EngineInput(inp.position, inp.salience, inp.capability, np.full((4, 2), np.nan))
    if get_engine(name).needs_status_quo:
        with pytest.raises(InputError):
            _run(name, nan_sq)
        return
    without = EngineInput(inp.position, inp.salience, inp.capability, None)
    np.testing.assert_array_equal(_run(name, nan_sq).outcome, _run(name, without).outcome)


def check_engine_bad_options(name):
    inp = engine_input()
    with pytest.raises(InputError):
        _run(name, inp, no_such_option=1)
    for option in get_engine(name).options.model_fields:
        with pytest.raises(InputError):
            _run(name, inp, **{option: BAD_VALUE})
    with pytest.raises(InputError):
        _run(name, EngineInput(inp.position[0], inp.salience[0], inp.capability[0]))


def check_engine_trajectory_toggle(name):
    inp = engine_input()
    on = _run(name, inp, seed=3, record_trajectory=True)
    off = _run(name, inp, seed=3, record_trajectory=False)
    assert off.trajectory is None
    assert on.outcome.tobytes() == off.outcome.tobytes()
    np.testing.assert_array_equal(on.rounds, off.rounds)


ENGINE_CHECKS = (
    check_engine_shapes_and_range,
    check_engine_seeded_replay,
    check_engine_pickle,
    check_engine_actor_order,
    check_engine_capability_scale,
    check_engine_absent_actors,
    check_engine_nan_status_quo,
    check_engine_bad_options,
    check_engine_trajectory_toggle,
)


def engine_cases():
    """(engine, check) for every registered engine and every check."""
    return [
        pytest.param(name, check, id=f"{name}-{check.__name__.removeprefix('check_engine_')}")
        for name in engine_names()
        for check in ENGINE_CHECKS
    ]


PARTIES, ISSUES, BATCH, DEADLINE = 3, 3, 60, 40


def table(seed=0, salience_scale=1.0, order=None):
    """Random preferences of three parties and the setting every protocol can use."""
    rng = np.random.default_rng(seed)
    ideal = rng.uniform(0, 100, (BATCH, PARTIES, ISSUES))
    salience = rng.uniform(1, 100, (BATCH, PARTIES, ISSUES)) * salience_scale
    reservation = rng.uniform(0.0, 0.5, (BATCH, PARTIES))
    red = np.where(
        rng.random((BATCH, PARTIES, ISSUES)) < 0.15,
        rng.uniform(0, 100, (BATCH, PARTIES, ISSUES)),
        np.nan,
    )
    draft = ideal.mean(axis=1)
    leverage = rng.uniform(0, 0.5, BATCH)
    drafters = (0, 1)
    if order is not None:
        order = np.asarray(order)
        ideal, salience, reservation, red = (
            ideal[:, order],
            salience[:, order],
            reservation[:, order],
            red[:, order],
        )
        drafters = tuple(sorted(int(np.flatnonzero(order == d)[0]) for d in drafters))
    prefs = preferences(ideal, salience, reservation, red)
    return prefs, Setting(draft, leverage, None, drafters)


def _negotiate(protocol, strategy, **table_kwargs):
    spec, options, strategies = configure(protocol, [strategy], PARTIES)
    prefs, setting = table(**table_kwargs)
    return prefs, negotiate(spec, prefs, strategies, DEADLINE, setting, options)


def check_protocol_shapes_and_range(protocol, strategy):
    prefs, result = _negotiate(protocol, strategy)
    assert result.agreed.shape == (BATCH,) and result.agreed.dtype == bool
    assert result.point.shape == (BATCH, ISSUES)
    assert np.isnan(result.point[~result.agreed]).all()
    done = result.point[result.agreed]
    assert np.isfinite(done).all() and ((done >= 0) & (done <= 100)).all()
    assert result.utility.shape == (BATCH, PARTIES)
    assert ((result.round >= -1) & (result.round < DEADLINE)).all()
    assert (result.round[result.agreed] >= 0).all()
    trace = np.asarray(result.trace)
    assert trace.ndim == 3 and trace.shape[1:] == (BATCH, ISSUES)
    assert ((trace >= 0) & (trace <= 100)).all()
    assert len(result.proposer) == trace.shape[0]


def check_protocol_replay(protocol, strategy):
    _, first = _negotiate(protocol, strategy)
    _, again = _negotiate(protocol, strategy)
    assert first.point.tobytes() == again.point.tobytes()
    assert np.asarray(first.trace).tobytes() == np.asarray(again.trace).tobytes()


def check_protocol_pickle(protocol, strategy):
    spec, _, strategies = configure(protocol, [strategy], PARTIES)
    assert pickle.loads(pickle.dumps(strategies)) == strategies
    assert pickle.loads(pickle.dumps(spec)).name == spec.name
    _, result = _negotiate(protocol, strategy)
    restored = pickle.loads(pickle.dumps(result))
    np.testing.assert_array_equal(restored.point, result.point)


def check_protocol_party_order(protocol, strategy):
    """Where the protocol declares that the order of parties does not matter, permuting them
    permutes nothing but the utilities' columns."""
    if get_protocol(protocol).order_matters:
        pytest.skip(f"{protocol}: who moves first is part of the protocol")
    order = [2, 0, 1]
    _, base = _negotiate(protocol, strategy)
    _, permuted = _negotiate(protocol, strategy, order=order)
    np.testing.assert_array_equal(permuted.agreed, base.agreed)
    np.testing.assert_allclose(permuted.point, base.point, atol=1e-9)
    np.testing.assert_allclose(permuted.utility, base.utility[:, order], atol=1e-9)


def check_protocol_salience_scale(protocol, strategy):
    _, base = _negotiate(protocol, strategy)
    _, scaled = _negotiate(protocol, strategy, salience_scale=8.0)
    np.testing.assert_array_equal(scaled.agreed, base.agreed)
    np.testing.assert_allclose(scaled.point, base.point, atol=1e-9)


def check_protocol_nan_preferences(protocol, strategy):
    prefs, _ = table()
    ideal = prefs.ideal.copy()
    ideal[0, 0, 0] = np.nan
    with pytest.raises(InputError):
        preferences(ideal, prefs.weight, prefs.reservation)


def check_protocol_bad_options(protocol, strategy):
    with pytest.raises(InputError):
        configure(protocol, [strategy], PARTIES, {"no_such_option": "1"})
    for option in get_protocol(protocol).options.model_fields:
        with pytest.raises(InputError):
            configure(protocol, [strategy], PARTIES, {option: BAD_VALUE})
    with pytest.raises(InputError):
        configure(protocol, [strategy], PARTIES, {"threshold": BAD_VALUE})
    with pytest.raises(InputError):
        configure(protocol, [strategy, strategy], PARTIES)


PROTOCOL_CHECKS = (
    check_protocol_shapes_and_range,
    check_protocol_replay,
    check_protocol_pickle,
    check_protocol_party_order,
    check_protocol_salience_scale,
    check_protocol_nan_preferences,
    check_protocol_bad_options,
)


def protocol_cases():
    """(protocol, strategy, check) for every registered protocol and strategy."""
    return [
        pytest.param(
            protocol,
            strategy,
            check,
            id=f"{protocol}-{strategy}-{check.__name__.removeprefix('check_protocol_')}",
        )
        for protocol in protocol_names()
        for strategy in strategy_names()
        for check in PROTOCOL_CHECKS
    ]
