"""An actor with zero salience (absent from an issue, as in DEU) changes nothing in the
round-based engines: it neither votes, nor stands as a candidate, nor moves."""

from __future__ import annotations

import numpy as np
import pytest

from detente.engines import EngineInput, get_engine


@pytest.mark.parametrize("engine", ["bdm", "smp"])
def test_absent_actor_changes_nothing(engine):
    rng = np.random.default_rng(1)
    position = rng.uniform(20, 100, (5, 6, 1))
    salience = rng.uniform(10, 100, (5, 6, 1))
    capability = rng.uniform(1, 10, (5, 6))
    salience_absent = salience.copy()
    salience_absent[:2, 0] = 0.0  # actor 0 absent from the first two draws only
    alone = get_engine(engine).run(EngineInput(position, salience, capability))
    mixed = get_engine(engine).run(EngineInput(position, salience_absent, capability))
    without = get_engine(engine).run(
        EngineInput(position[:2, 1:], salience[:2, 1:], capability[:2, 1:])
    )
    assert np.allclose(mixed.outcome[:2], without.outcome, atol=1e-9)
    assert np.allclose(mixed.outcome[2:], alone.outcome[2:], atol=1e-9)
    assert (mixed.trajectory[:, :2, 0] == position[:2, 0]).all()
    assert np.isfinite(mixed.trajectory).all()
