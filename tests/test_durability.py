"""The durability model: its runtime survival function and its fit on the public data."""

from __future__ import annotations

import json

import numpy as np
import pytest

from detente.conflict.durability import coefficients, draw_parameters, survival
from detente.errors import InputError
from detente.forecast.aggregate import SURVIVAL_YEARS

YEARS = np.array([0.0, 1.0, 2.0, 5.0])


def _mean_survival(treaty: float, mechanisms=(), n=4_000, seed=0):
    params = draw_parameters(n, np.random.default_rng(seed))
    return survival(YEARS, np.full(n, treaty), mechanisms, params).mean(0)


def test_survival_starts_at_one_and_falls():
    s = _mean_survival(0.0)
    assert s[0] == 1.0 and np.all(np.diff(s) < 0)


def test_treaties_outlast_truces_and_commissions_help():
    assert np.all(_mean_survival(1.0)[1:] > _mean_survival(0.0)[1:])
    assert np.all(_mean_survival(0.0, ("joint_commission",))[1:] > _mean_survival(0.0)[1:])


def test_truce_survival_near_fortna_kaplan_meier():
    # Kaplan–Meier failure of truces on Fortna's data: 46/58/71% at 1/2/5 years (MODELS.md §6).
    km_survival = np.array([0.54, 0.42, 0.29])
    assert np.abs(_mean_survival(0.0)[1:] - km_survival).max() < 0.08


def test_draws_are_seeded():
    a = draw_parameters(10, np.random.default_rng(3))
    b = draw_parameters(10, np.random.default_rng(3))
    np.testing.assert_array_equal(a["shape"], b["shape"])


def test_unknown_mechanism_is_invalid_input():
    params = draw_parameters(2, np.random.default_rng(0))
    with pytest.raises(InputError):
        survival(YEARS, np.zeros(2), ("space_lasers",), params)


def test_survival_grid_has_the_reported_years():
    assert {1.0, 2.0, 5.0} <= set(SURVIVAL_YEARS.tolist())


def test_fit_reproduces_shipped_model_and_published_figures(shared_dir):
    from detente.validate.durability import fit_durability

    model = fit_durability(
        shared_dir / "data/fortna/fortna-civil-war-peacekeeping.csv",
        shared_dir / "data/ucdp/ucdp-peace-agreements-v22.1.csv",
    )
    shipped = coefficients()
    for name, effect in model["effects"].items():
        assert effect["log_hr"] == pytest.approx(shipped["effects"][name]["log_hr"], abs=1e-6)
    km = model["checks"]["kaplan_meier_failure"]
    assert [km["truce"][k] for k in ("1y", "2y", "5y")] == pytest.approx(
        [0.46, 0.58, 0.71], abs=0.01
    )
    assert [km["treaty"][k] for k in ("1y", "2y", "5y")] == pytest.approx(
        [0.21, 0.26, 0.44], abs=0.01
    )
    assert model["baseline"]["shape"] == pytest.approx(0.5, abs=0.1)
    cox = model["checks"]["fortna_cox"]
    assert cox["treaty"]["hr"] == pytest.approx(0.39, abs=0.12)
    assert cox["victory"]["hr"] == pytest.approx(0.13, abs=0.1)
    json.dumps(model)  # ships as JSON


def test_cli_fit_matches_shipped(shared_dir, tmp_path, capsys):
    from detente.cli import main

    out = tmp_path / "d.json"
    main(
        [
            "validate",
            "durability",
            "--fortna",
            str(shared_dir / "data/fortna/fortna-civil-war-peacekeeping.csv"),
            "--ucdp-agreements",
            str(shared_dir / "data/ucdp/ucdp-peace-agreements-v22.1.csv"),
            "--out",
            str(out),
        ]
    )
    assert "matches the shipped coefficients" in capsys.readouterr().out
    assert json.loads(out.read_text())["effects"].keys() == coefficients()["effects"].keys()
