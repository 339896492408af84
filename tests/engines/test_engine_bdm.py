"""The Bueno de Mesquita / Scholz challenge model: the EC car-emission reference run round by
round, the model's invariances, batching, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from detente.engines import EngineInput, get_engine
from detente.errors import InputError

FIXTURE = json.loads(
    (Path(__file__).parents[1] / "data" / "bdm" / "ec-car-emissions.json").read_text(
        encoding="utf-8"
    )
)
ACTORS = [a["name"] for a in FIXTURE["actors"]]
# positions are years (4–10); the engine takes saliences on 0–100
EC = EngineInput(
    np.array([[a["position"]] for a in FIXTURE["actors"]], float)[None],
    np.array([[a["salience"] * 100] for a in FIXTURE["actors"]], float)[None],
    np.array([[a["capability"] for a in FIXTURE["actors"]]], float),
)
REFERENCE = {"max_rounds": 10, "shift_stop": None}
BDM = get_engine("bdm")


def weighted_mean(positions: np.ndarray) -> float:
    weight = EC.capability[0] * EC.salience[0, :, 0]
    return float((weight * positions).sum() / weight.sum())


def test_ec_reference_run_round_by_round():
    result = BDM.run(EC, **REFERENCE)
    trajectory = result.trajectory[:, 0, :, 0]
    assert trajectory.shape == (11, 10) and result.rounds[0] == 10
    assert weighted_mean(trajectory[0]) == pytest.approx(FIXTURE["initial"]["mean"], abs=1e-12)
    for t, expected in enumerate(FIXTURE["rounds"], start=1):
        before, after = trajectory[t - 1], trajectory[t]
        moved = {ACTORS[i] for i in np.flatnonzero(np.abs(after - before) > 1e-12)}
        assert moved == set(expected["moves"]), f"round {t}"
        for name, (_, _, position) in expected["moves"].items():
            assert after[ACTORS.index(name)] == pytest.approx(position, abs=1e-9), (t, name)
        assert weighted_mean(after) == pytest.approx(expected["mean"], abs=1e-9), f"round {t}"


def test_ec_initial_median_and_default_stop():
    result = BDM.run(EC)
    assert result.trajectory[0, 0, :, 0].tolist() == [a["position"] for a in FIXTURE["actors"]]
    # the forecast median 9.96 repeats in round 4, so bargaining ends there
    assert result.rounds[0] == 4
    assert result.outcome[0, 0] == pytest.approx(9.961979590401311, abs=1e-9)
    mean = BDM.run(EC, outcome="mean", **REFERENCE).outcome[0, 0]
    assert mean == pytest.approx(FIXTURE["rounds"][-1]["mean"], abs=1e-9)


def test_paper_rules_variant_differs_from_scholz_code():
    """Ranking compromises by the least move (the paper's text) instead of Scholz's code
    changes round 4: Belgium no longer jumps to the Netherlands' side."""
    code = BDM.run(EC, **REFERENCE).trajectory[4, 0, 1, 0]
    text = BDM.run(EC, compromise_choice="least_move", **REFERENCE).trajectory[4, 0, 1, 0]
    assert code == pytest.approx(4.800881140632622) and text > 9.0


def test_batch_equals_one_game_at_a_time_and_issues_fold():
    rng = np.random.default_rng(3)
    position = rng.uniform(0, 100, (6, 7, 3))
    salience = rng.uniform(5, 100, (6, 7, 3))
    capability = rng.uniform(0.5, 5, (6, 7))
    batch = BDM.run(EngineInput(position, salience, capability))
    for d in range(6):
        for k in range(3):
            single = BDM.run(
                EngineInput(
                    position[d : d + 1, :, k : k + 1],
                    salience[d : d + 1, :, k : k + 1],
                    capability[d : d + 1],
                )
            )
            assert single.outcome[0, 0] == batch.outcome[d, k]
            assert np.array_equal(single.trajectory[-1, 0, :, 0], batch.trajectory[-1, d, :, k])


def test_parallel_kernel_equals_serial_kernel():
    rng = np.random.default_rng(7)
    inp = EngineInput(
        rng.uniform(0, 100, (300, 8, 1)),
        rng.uniform(5, 100, (300, 8, 1)),
        rng.uniform(1, 9, (300, 8)),
    )
    whole = BDM.run(inp)  # 300 games: the parallel kernel
    parts = [  # 100 games each: the serial kernel
        BDM.run(
            EngineInput(
                inp.position[i : i + 100], inp.salience[i : i + 100], inp.capability[i : i + 100]
            )
        )
        for i in (0, 100, 200)
    ]
    assert whole.outcome.tobytes() == np.concatenate([p.outcome for p in parts]).tobytes()
    assert whole.rounds.tobytes() == np.concatenate([p.rounds for p in parts]).tobytes()


def test_deterministic_and_byte_identical():
    a = BDM.run(EC, rng=np.random.default_rng(1))
    b = BDM.run(EC, rng=np.random.default_rng(2))
    assert a.outcome.tobytes() == b.outcome.tobytes()
    assert a.trajectory.tobytes() == b.trajectory.tobytes()


games = st.integers(2, 6).flatmap(
    lambda a: st.tuples(
        arrays(np.float64, (2, a, 1), elements=st.floats(0, 100)),
        arrays(np.float64, (2, a, 1), elements=st.floats(1, 100)),
        arrays(np.float64, (2, a), elements=st.floats(0.1, 10)),
    )
)


@settings(max_examples=40, deadline=None)
@given(games, st.permutations(range(6)), st.floats(0.1, 1000))
def test_properties(game, perm, scale):
    position, salience, capability = game
    result = BDM.run(EngineInput(position, salience, capability))
    out = result.outcome[:, 0]
    assert np.isfinite(out).all()
    # positions stay inside the initial range, and so does the forecast
    low, high = position.min(axis=1)[:, 0], position.max(axis=1)[:, 0]
    final = result.trajectory[-1, :, :, 0]
    assert ((final >= low[:, None] - 1e-9) & (final <= high[:, None] + 1e-9)).all()
    assert ((out >= final.min(axis=1) - 1e-9) & (out <= final.max(axis=1) + 1e-9)).all()
    # relabelling actors or rescaling capability changes nothing
    order = [p for p in perm if p < position.shape[1]]
    permuted = BDM.run(EngineInput(position[:, order], salience[:, order], capability[:, order]))
    assert np.allclose(permuted.outcome, result.outcome, atol=1e-9)
    rescaled = BDM.run(EngineInput(position, salience, capability * scale))
    assert np.allclose(rescaled.outcome, result.outcome, atol=1e-9)


def test_degenerate_games_have_documented_answers():
    same = BDM.run(EngineInput(np.full((1, 4, 1), 30.0), np.full((1, 4, 1), 50.0), np.ones((1, 4))))
    assert same.outcome[0, 0] == 30.0 and same.rounds[0] == 0
    # an actor with zero salience is absent: it neither votes nor moves nor counts as a rival
    absent = EngineInput(
        np.array([[[10.0], [90.0], [0.0]]]), np.array([[[50.0], [50.0], [0.0]]]), np.ones((1, 3))
    )
    result = BDM.run(absent)
    # two equal actors tie as Condorcet winners: the forecast is the midpoint of the tie
    assert result.trajectory[-1, 0, 2, 0] == 0.0 and result.outcome[0, 0] == 50.0


@pytest.mark.parametrize(
    ("inp", "options", "field"),
    [
        (
            EngineInput(np.array([[[np.nan], [1.0]]]), np.ones((1, 2, 1)), np.ones((1, 2))),
            {},
            "position",
        ),
        (EngineInput(np.ones((1, 1, 1)), np.ones((1, 1, 1)), np.ones((1, 1))), {}, "actors"),
        (EngineInput(np.ones((1, 2, 1)), np.zeros((1, 2, 1)), np.ones((1, 2))), {}, "salience"),
        (EC, {"max_rounds": 0}, "max_rounds"),
        (EC, {"shift_stop": 2}, "shift_stop"),
        (EC, {"speed": 1}, "speed"),
    ],
)
def test_bad_input_is_a_clear_error(inp, options, field):
    with pytest.raises(InputError) as err:
        BDM.run(inp, **options)
    assert err.value.field == field
