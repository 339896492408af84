"""The durability model: its runtime survival function and its fit on the public data."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.conflict import durability as d
from detente.errors import InputError

YEARS = np.array([0.0, 1.0, 2.0, 5.0])
# MODELS.md §6: Kaplan–Meier failure at 1/2/5 years on Fortna's civil-war data.
KM_FAILURE = {
    "truce": [0.46, 0.58, 0.71],
    "treaty": [0.21, 0.26, 0.44],
    "victory": [0.06, 0.10, 0.23],
}
FORTNA = "data/fortna/fortna-civil-war-peacekeeping.csv"
UCDP_PA = "data/ucdp/ucdp-peace-agreements-v22.1.csv"
UCDP_TERM = "data/ucdp/ucdp-conflict-termination-dyad-v3-2021.csv"


def _point(settlement="truce", mechanisms=()):
    return d.survival(YEARS, settlement, mechanisms, d.point_parameters())[0]


def test_survival_starts_at_one_and_falls_with_a_falling_hazard():
    s = _point()
    assert s[0] == 1.0 and np.all(np.diff(s) < 0)
    h = d.hazard([0.5, 1.0, 2.0, 5.0], "truce", (), d.point_parameters())[0]
    assert np.all(np.diff(h) < 0)  # Weibull shape < 1


def test_settlement_types_and_every_mechanism_order_survival():
    assert np.all(_point("victory")[1:] > _point("treaty")[1:])
    assert np.all(_point("treaty")[1:] > _point("truce")[1:])
    for mechanism in d.MECHANISM_EFFECTS:
        assert np.all(_point("truce", (mechanism,))[1:] > _point("truce")[1:]), mechanism


@pytest.mark.parametrize("kind", d.SETTLEMENT_TYPES)
def test_fitted_curves_stay_near_kaplan_meier(kind):
    """The one-shape Weibull at mean war controls against the published KM figures: within 8
    points of failure at 1, 2 and 5 years."""
    failure = 1.0 - d.survival(d.REPORT_YEARS, kind, (), d.point_parameters())[0]
    assert np.abs(failure - np.array(KM_FAILURE[kind])).max() < 0.08


def test_seeded_draws_are_byte_identical():
    a = d.survival(d.REPORT_YEARS, "treaty", ("peacekeeping",), rng=7, n_draws=500)
    b = d.survival(
        d.REPORT_YEARS, "treaty", ("peacekeeping",), rng=np.random.default_rng(7), n_draws=500
    )
    c = d.survival(d.REPORT_YEARS, "treaty", ("peacekeeping",), rng=8, n_draws=500)
    assert a.tobytes() == b.tobytes()
    assert not np.array_equal(a, c)


def test_coefficient_draws_follow_their_sampling_distribution():
    model = d.coefficients()
    params = d.draw_parameters(40_000, np.random.default_rng(0))
    for name, effect in model["effects"].items():
        draws = params["effects"][name]
        assert draws.mean() == pytest.approx(effect["log_hr"], abs=4 * effect["se"] / 200)
        assert draws.std() == pytest.approx(effect["se"], rel=0.03)
    log_shape = np.log(params["shape"])
    assert log_shape.std() == pytest.approx(np.sqrt(model["joint"]["covariance"][1][1]), rel=0.03)


def test_joint_block_agrees_with_the_marginal_standard_errors():
    model = d.coefficients()
    joint = model["joint"]
    cov = np.array(joint["covariance"])
    np.linalg.cholesky(cov)  # positive definite
    for i, name in enumerate(joint["parameters"][2:], start=2):
        assert np.sqrt(cov[i, i]) == pytest.approx(model["effects"][name]["se"])
        assert joint["mean"][i] == pytest.approx(model["effects"][name]["log_hr"])


def test_vectorised_over_draws_matches_draw_by_draw():
    n = 6
    params = d.draw_parameters(n, np.random.default_rng(1))
    kinds = np.array(["truce", "treaty", "victory", "truce", "treaty", "victory"])
    pk = np.array([0, 1, 0, 1, 0, 1])
    together = d.survival(YEARS, kinds, {"peacekeeping": pk}, params)
    for i in range(n):
        one = {
            "shape": params["shape"][i : i + 1],
            "scale": params["scale"][i : i + 1],
            "effects": {k: v[i : i + 1] for k, v in params["effects"].items()},
        }
        alone = d.survival(YEARS, str(kinds[i]), ("peacekeeping",) if pk[i] else (), one)
        np.testing.assert_allclose(together[i], alone[0], rtol=1e-12)


def test_treaty_indicator_equals_the_named_type():
    params = d.draw_parameters(50, np.random.default_rng(2))
    named = d.survival(YEARS, np.array(["treaty", "truce"] * 25), (), params)
    numeric = d.survival(YEARS, np.tile([1.0, 0.0], 25), (), params)
    np.testing.assert_array_equal(named, numeric)


def test_shipped_model_documents_every_source():
    model = d.coefficients()
    assert set(model["effects"]) == {"treaty", "victory", *d.MECHANISM_EFFECTS}
    assert all(e["source"] and e["se"] > 0 for e in model["effects"].values())
    assert model["command"].startswith("detente validate durability --fortna")
    assert "v22.1" in model["data"]["ucdp_agreements"]


@pytest.mark.parametrize(
    "call",
    [
        lambda p: d.survival(YEARS, "truce", ("space_lasers",), p),
        lambda p: d.survival(YEARS, "armistice", (), p),
        lambda p: d.survival(YEARS, np.array([0.0, 2.0]), (), p),
        lambda p: d.survival([-1.0, 2.0], "truce", (), p),
        lambda p: d.survival(YEARS, "truce"),
        lambda p: d.draw_parameters(0, np.random.default_rng(0)),
    ],
)
def test_bad_input_is_invalid_input(call):
    with pytest.raises(InputError):
        call(d.draw_parameters(2, np.random.default_rng(0)))


def test_fit_reproduces_shipped_model_and_published_figures(shared_dir):
    from detente.validate.durability import fit_durability

    model = fit_durability(shared_dir / FORTNA, shared_dir / UCDP_PA, shared_dir / UCDP_TERM)
    shipped = d.coefficients()
    for name, effect in model["effects"].items():
        assert effect["log_hr"] == pytest.approx(shipped["effects"][name]["log_hr"], abs=1e-6)
        assert effect["se"] == pytest.approx(shipped["effects"][name]["se"], abs=1e-6)
    np.testing.assert_allclose(model["joint"]["covariance"], shipped["joint"]["covariance"])
    checks = model["checks"]
    for kind, reference in KM_FAILURE.items():
        got = [checks["kaplan_meier_failure"][kind][f"{y}y"] for y in (1, 2, 5)]
        assert got == pytest.approx(reference, abs=0.01)
    cox = checks["fortna_cox_war_controls"]
    assert cox["peacekeeping"]["hr"] == pytest.approx(0.55, abs=0.03)
    assert cox["victory"]["hr"] == pytest.approx(0.13, abs=0.03)
    assert cox["treaty"]["hr"] == pytest.approx(0.39, abs=0.03)
    assert model["baseline"]["shape"] == pytest.approx(0.5, abs=0.1)
    term = checks["ucdp_termination_cox"]
    assert term["victory"]["hr"] < term["treaty"]["hr"] < 1.0  # same order as Fortna's data
    json.dumps(model)  # ships as JSON


def test_cli_fit_matches_shipped(shared_dir, tmp_path, capsys):
    from detente.cli import main

    out = tmp_path / "d.json"
    args = ["validate", "durability", "--fortna", str(shared_dir / FORTNA)]
    main([*args, "--ucdp-agreements", str(shared_dir / UCDP_PA), "--out", str(out)])
    assert "matches the shipped coefficients" in capsys.readouterr().out
    assert json.loads(out.read_text())["effects"].keys() == d.coefficients()["effects"].keys()


def test_cli_bad_paths_exit_2(tmp_path):
    from detente.cli import main

    for args in (
        ["--fortna", str(tmp_path / "missing.csv"), "--ucdp-agreements", str(tmp_path / "x.csv")],
        ["--ucdp-agreements", str(tmp_path / "x.csv")],
    ):
        with pytest.raises(SystemExit) as exc:
            main(["validate", "durability", *args])
        assert exc.value.code == 2


@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from(d.SETTLEMENT_TYPES),
    st.sets(st.sampled_from(d.MECHANISM_EFFECTS)),
)
@settings(max_examples=40, deadline=None)
def test_any_draw_gives_a_survival_curve(seed, kind, mechanisms):
    params = d.draw_parameters(64, np.random.default_rng(seed))
    s = d.survival(np.linspace(0.0, 10.0, 21), kind, tuple(sorted(mechanisms)), params)
    assert np.all((s >= 0) & (s <= 1)) and np.all(s[:, 0] == 1.0)
    assert np.all(np.diff(s, axis=1) <= 0)
    h = d.hazard([1.0, 5.0], kind, tuple(sorted(mechanisms)), params)
    assert np.all(h > 0)
