"""The backtest on historical cases, the case library and the outside view."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from detente.cli import main
from detente.validate.cases import bundled_cases_dir, load_cases

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "ucdp"
TERMINATION = SHARED / "ucdp-conflict-termination-dyad-v3-2021.csv"
SOME_CASES = ("dayton-1995", "istanbul-2022", "kargil-1999", "korea-1951", "minsk-2014")


def _exit_code(args: list[str]) -> int:
    with pytest.raises(SystemExit) as exc:
        main(args)
    return exc.value.code


@pytest.fixture()
def case_dir(tmp_path: Path) -> Path:
    """A few bundled cases copied to a folder of their own."""
    src = bundled_cases_dir()
    (tmp_path / "resolutions").mkdir()
    for name in SOME_CASES:
        shutil.copy(src / f"{name}.yaml", tmp_path / f"{name}.yaml")
        shutil.copy(src / "resolutions" / f"{name}.yaml", tmp_path / "resolutions" / f"{name}.yaml")
    return tmp_path


def test_library_has_enough_cases_and_each_resolves():
    cases = load_cases()
    assert len(cases) >= 25
    for case in cases:
        assert case.scenario.as_of == case.resolution.as_of
        assert len(case.scenario.tables) == 1
        assert case.scenario.war is not None and case.scenario.war.started is not None
    hindsight = sum(c.hindsight for c in cases)
    assert 0 < hindsight < len(cases)  # both groups exist, so both are scored


def test_scenarios_never_read_their_resolution():
    """The coding of a case holds no outcome: no resolution date appears in its scenario."""
    for case in load_cases():
        text = case.path.read_text(encoding="utf-8")
        assert "resolutions/" not in text


@pytest.mark.slow
def test_backtest_scores_every_forecaster(case_dir: Path, tmp_path: Path):
    out = tmp_path / "bt.json"
    plot = tmp_path / "rel.svg"
    fit = tmp_path / "fit.json"
    main(
        [
            "backtest",
            "--cases",
            str(case_dir),
            "--draws",
            "200",
            "--engine-draws",
            "60",
            "--json",
            str(out),
            "--plot",
            str(plot),
            "--fit-out",
            str(fit),
        ]
    )
    data = json.loads(out.read_text())
    assert [c["case"] for c in data["cases"]] == sorted(SOME_CASES)
    forecasters = {r["forecaster"] for r in data["scores"]}
    assert {"model", "base_rate", "uniform", "compromise", "nash", "bdm", "smp"} <= forecasters
    for row in data["scores"]:
        assert set(row) >= {"question", "horizon_months", "forecaster", "brier", "log_score", "n"}
        assert row["horizon_months"] in (3, 6, 12, 24)
        assert 0.0 <= row["brier"] <= 1.0 and row["log_score"] <= 0.0
    uniform = [r for r in data["scores"] if r["forecaster"] == "uniform"]
    assert all(r["brier"] == pytest.approx(0.25) for r in uniform)
    assert plot.read_text().lstrip().startswith("<svg")
    assert json.loads(fit.read_text())["fitted"] is True


def test_case_without_resolution_is_invalid_input(case_dir: Path):
    (case_dir / "resolutions" / "korea-1951.yaml").unlink()
    assert _exit_code(["backtest", "--cases", str(case_dir), "--draws", "50"]) == 2


def test_resolution_dated_before_as_of_is_invalid_input(case_dir: Path):
    path = case_dir / "resolutions" / "kargil-1999.yaml"
    text = path.read_text().replace("ceasefire: null", "ceasefire: 1990-01-01")
    assert "1990-01-01" in text
    path.write_text(text)
    assert _exit_code(["backtest", "--cases", str(case_dir), "--draws", "50"]) == 2


@pytest.mark.skipif(not TERMINATION.is_file(), reason="needs ../shared/data/ucdp")
def test_base_rate_refit_reproduces_the_shipped_model():
    from detente.conflict.base_rate import base_rate_model
    from detente.validate.base_rate import fit_base_rate

    assert fit_base_rate(TERMINATION)["hazards"] == base_rate_model()["hazards"]
