"""The KTAB SMP engine: KTAB's published reference runs turn by turn, batching, seeds, invariance
and degenerate inputs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from detente.engines import smp
from detente.engines.base import EngineInput
from detente.errors import InputError
from detente.scenario.ktab import parse_ktab_csv

DATA = Path(__file__).resolve().parents[1] / "data" / "ktab"
TOL = 5e-5  # the reference log prints 4 decimals
REFERENCES = [
    ("dummyData_3Dim.csv", "ref-dummyData_3Dim.json"),
    ("SOE-Pol-Comp.csv", "ref-SOE-Pol-Comp.json"),
]


def ktab_input(csv_name: str) -> EngineInput:
    """One draw from a KTAB CSV (SOE-Pol-Comp.csv names its capability column "Influence")."""
    data = parse_ktab_csv((DATA / csv_name).read_text(encoding="utf-8"), file=csv_name)
    return EngineInput(data.position[None], data.salience[None], data.power[None])


def perturbed(draws: int = 24, seed: int = 3, spread: float = 3.0) -> EngineInput:
    """The dummy scenario with positions moved by up to ``spread`` points per draw."""
    base = ktab_input("dummyData_3Dim.csv")
    rng = np.random.default_rng(seed)
    shape = (draws,) + base.position.shape[1:]
    position = np.clip(base.position + rng.uniform(-spread, spread, shape), 0, 100)
    return EngineInput(
        position,
        np.repeat(base.salience, draws, axis=0),
        np.repeat(base.capability, draws, axis=0),
    )


@pytest.fixture(scope="module", params=REFERENCES, ids=lambda r: r[0])
def reference(request):
    csv_name, ref_name = request.param
    ref = json.loads((DATA / ref_name).read_text(encoding="utf-8"))
    return ref, smp.run(ktab_input(csv_name))


def test_reference_turns(reference):
    ref, result = reference
    assert result.rounds.tolist() == [ref["turns"]]
    assert result.trajectory.shape[0] == ref["turns"] + 1


def test_reference_positions_every_turn(reference):
    ref, result = reference
    expected = np.array(ref["positions"])
    assert np.abs(result.trajectory[:, 0] - expected).max() < TOL


def test_reference_probabilities_every_turn(reference):
    ref, result = reference
    got = result.extras["probability_trajectory"][:, 0]
    assert np.abs(got - np.array(ref["probabilities"])).max() < TOL
    assert np.abs(result.extras["probability"][0] - ref["final_probabilities"]).max() < TOL


def test_reference_risk_attitudes_every_turn(reference):
    ref, result = reference
    inp = ktab_input(ref["source"]["input"].rsplit("/", 1)[1])
    _, s, capability = smp.scaled_inputs(inp)
    for t, expected in enumerate(ref["risk_attitudes"]):
        risk = smp.state_risk(result.trajectory[t] / 100.0, s, capability)
        assert np.abs(risk[0] - expected).max() < 5e-4


def test_reference_outcome_is_the_probability_weighted_mean_of_distinct_positions(reference):
    ref, result = reference
    final = np.array(ref["positions"][-1])
    first = []  # KTAB's distinct positions: first actor of each group within 0.1
    for i, x in enumerate(final):
        if all(np.linalg.norm(x - final[j]) >= 0.1 for j in first):
            first.append(i)
    p = np.array(ref["final_probabilities"])[first]
    assert abs(p.sum() - 1) < 1e-3
    # the outcome puts each group at its members' mean: within the 0.1 tolerance of KTAB's
    assert np.abs(result.outcome[0] - p @ final[first]).max() < 0.1


def test_reference_source_is_recorded():
    for _, ref_name in REFERENCES:
        source = json.loads((DATA / ref_name).read_text(encoding="utf-8"))["source"]
        assert "KTAB" in source["repository"]
        assert len(source["commit"]) == 40
        assert source["log"].startswith("examples/smp/doc/")


def test_shapes_and_frozen_draws():
    inp = perturbed()
    result = smp.run(inp)
    draws, actors, dims = inp.shape
    assert result.engine == "smp" and result.version == smp.VERSION
    assert result.outcome.shape == (draws, dims)
    assert result.rounds.shape == (draws,)
    assert result.trajectory.shape == (result.rounds.max() + 1, draws, actors, dims)
    assert result.extras["probability"].shape == (draws, actors)
    assert result.extras["probability_trajectory"].shape == result.trajectory.shape[:3]
    assert np.array_equal(result.trajectory[0], inp.position)
    assert np.allclose(result.extras["probability_trajectory"].sum(axis=2)[0], 1.0)
    assert len(set(result.rounds.tolist())) > 1  # draws stop at different turns
    for b, rounds in enumerate(result.rounds):
        assert np.array_equal(
            result.trajectory[rounds:, b],
            result.trajectory[-1:, b].repeat(result.trajectory.shape[0] - rounds, axis=0),
        )
    assert np.isfinite(result.outcome).all()
    assert ((result.outcome >= 0) & (result.outcome <= 100)).all()


def test_batch_equals_draw_by_draw():
    inp = perturbed(draws=6)
    batch = smp.run(inp)
    for b in range(6):
        one = smp.run(
            EngineInput(inp.position[b : b + 1], inp.salience[b : b + 1], inp.capability[b : b + 1])
        )
        assert one.rounds[0] == batch.rounds[b]
        assert np.array_equal(one.trajectory[:, 0], batch.trajectory[: one.rounds[0] + 1, b])
        assert np.allclose(one.outcome[0], batch.outcome[b], atol=1e-12)


def test_chunks_give_the_same_answer(monkeypatch):
    inp = perturbed(draws=10)
    whole = smp.run(inp)
    monkeypatch.setattr(smp, "CHUNK_ELEMENTS", 3 * 7 * 7 * 8)  # three draws per chunk
    split = smp.run(inp)
    assert np.array_equal(whole.rounds, split.rounds)
    assert np.array_equal(whole.trajectory, split.trajectory)
    assert np.allclose(whole.outcome, split.outcome, atol=1e-12)


def test_without_trajectory_same_outcome():
    inp = perturbed(draws=5)
    full = smp.run(inp)
    bare = smp.run(inp, record_trajectory=False)
    assert bare.trajectory is None and "probability_trajectory" not in bare.extras
    assert np.array_equal(full.outcome, bare.outcome)
    assert np.array_equal(full.rounds, bare.rounds)


def test_stochastic_same_seed_same_result():
    inp = perturbed(draws=8)
    runs = [
        smp.run(inp, rng=np.random.default_rng(seed), transition="stochastic")
        for seed in (11, 11, 12)
    ]
    assert np.array_equal(runs[0].trajectory, runs[1].trajectory)
    assert np.array_equal(runs[0].outcome, runs[1].outcome)
    assert np.array_equal(runs[0].rounds, runs[1].rounds)
    assert not np.array_equal(runs[0].outcome, runs[2].outcome)
    assert runs[0].params["transition"] == "stochastic"
    assert np.isfinite(runs[0].outcome).all()


def test_default_is_deterministic_and_ignores_rng():
    inp = perturbed(draws=4)
    a = smp.run(inp, rng=np.random.default_rng(1))
    b = smp.run(inp, rng=np.random.default_rng(2))
    assert np.array_equal(a.trajectory, b.trajectory)


def test_permuting_actors_does_not_change_the_outcome():
    inp = perturbed(draws=40, seed=5)
    base = smp.run(inp, record_trajectory=False)
    for perm in (np.arange(7)[::-1], np.array([3, 0, 6, 2, 5, 1, 4])):
        permuted = EngineInput(
            inp.position[:, perm], inp.salience[:, perm], inp.capability[:, perm]
        )
        result = smp.run(permuted)
        assert np.allclose(result.outcome, base.outcome, atol=1e-9)
        assert np.array_equal(result.rounds, base.rounds)
        weight = result.extras["outcome_probability"]
        assert np.allclose(weight, base.extras["outcome_probability"][:, perm], atol=1e-9)


@pytest.mark.parametrize("field", ["position", "salience", "capability"])
def test_nan_is_invalid_input(field):
    inp = perturbed(draws=2)
    arrays = {f: getattr(inp, f).copy() for f in ("position", "salience", "capability")}
    arrays[field][(0, 1) + (0,) * (arrays[field].ndim - 2)] = np.nan
    with pytest.raises(InputError):
        smp.run(EngineInput(**arrays))


def test_other_invalid_inputs():
    inp = perturbed(draws=2)
    with pytest.raises(InputError):
        smp.run(EngineInput(inp.position + 50, inp.salience, inp.capability))
    with pytest.raises(InputError):
        smp.run(EngineInput(inp.position, -inp.salience, inp.capability))
    with pytest.raises(InputError):
        smp.run(inp, transition="random")
    with pytest.raises(InputError):
        smp.run(EngineInput(np.zeros((2, 0, 3)), np.zeros((2, 0, 3)), np.zeros((2, 0))))


def test_single_actor_is_settled_at_its_position():
    inp = EngineInput(np.array([[[30.0, 70.0]]]), np.array([[[40.0, 20.0]]]), np.array([[5.0]]))
    result = smp.run(inp)
    assert result.rounds.tolist() == [0]
    assert np.array_equal(result.outcome, [[30.0, 70.0]])
    assert result.extras["probability"].tolist() == [[1.0]]
    assert result.trajectory.shape == (1, 1, 1, 2)


def test_identical_positions_are_settled_without_nan():
    position = np.full((3, 5, 2), 42.0)
    salience = np.random.default_rng(0).uniform(0, 50, (3, 5, 2))
    result = smp.run(EngineInput(position, salience, np.ones((3, 5))))
    assert result.rounds.tolist() == [0, 0, 0]
    assert np.allclose(result.outcome, 42.0)
    assert np.allclose(result.extras["probability"], 1.0)
    assert np.isfinite(result.extras["risk_attitude"]).all()


def test_two_actors_meet():
    inp = EngineInput(
        np.array([[[10.0], [90.0]]]), np.full((1, 2, 1), 50.0), np.array([[1.0, 2.0]])
    )
    result = smp.run(inp)
    final = result.trajectory[-1, 0, :, 0]
    assert final[0] == final[1] and 10 < final[0] < 90
    assert np.allclose(result.outcome, final[0])


def test_saliences_above_100_are_scaled_down():
    inp = perturbed(draws=3)
    doubled = smp.run(EngineInput(inp.position, inp.salience * 3, inp.capability))
    total = (inp.salience * 3).sum(axis=2, keepdims=True)
    scaled = smp.run(EngineInput(inp.position, inp.salience * 3 * 100 / total, inp.capability))
    assert np.allclose(doubled.outcome, scaled.outcome, atol=1e-12)


def test_spec():
    spec = smp.SPEC
    assert spec.name == "smp" and spec.run.kernel is smp.run
    assert spec.multidimensional and spec.stochastic and not spec.needs_status_quo


def test_zero_draws():
    empty = EngineInput(np.zeros((0, 4, 2)), np.zeros((0, 4, 2)), np.zeros((0, 4)))
    result = smp.run(empty)
    assert result.outcome.shape == (0, 2) and result.rounds.shape == (0,)
    assert result.trajectory.shape == (1, 0, 4, 2)
