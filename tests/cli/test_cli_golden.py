"""Every command's output at 80 and 160 columns matches its golden file, fits the width, and
never shows a cut cell. After an intended change: ``PYTHONPATH=src python tests/golden/regen.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "golden"))

import cases  # noqa: E402


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return cases.prepare(tmp_path_factory.mktemp("golden") / "work")


PARAMS = [
    pytest.param(case, width, id=f"{case.name}-{width}")
    for case in cases.CASES
    for width in cases.WIDTHS
]


@pytest.mark.parametrize("case,width", PARAMS)
def test_output_matches_golden_file(workdir, case, width):
    if not cases.available(case):
        pytest.skip("needs ../shared")
    code, out = cases.run_in(workdir, case, width)
    assert code == 0
    assert out == cases.golden_path(case, width).read_text(encoding="utf-8")


@pytest.mark.parametrize("case,width", PARAMS)
def test_golden_output_fits_and_cuts_nothing(case, width):
    path = cases.golden_path(case, width)
    if not path.is_file():
        pytest.skip("no golden file (needs ../shared)")
    text = path.read_text(encoding="utf-8")
    widest = max(cell_len(line) for line in text.splitlines())
    assert widest <= width, f"a line is {widest} columns wide"
    assert "…" not in text.replace("=…", "")  # "-o name=…" in help is a placeholder, not a cut


def test_every_command_has_a_golden_case():
    from typer.main import get_command

    from detente.cli import build_app

    root = get_command(build_app())
    names = set()
    for name, cmd in root.commands.items():
        subs = getattr(cmd, "commands", None)
        names |= {f"{name} {s}" for s in subs} if subs else {name}
    covered = {" ".join(w for w in c.argv[:2] if not w.startswith("-")) for c in cases.CASES}
    covered |= {c.argv[0] for c in cases.CASES}
    missing = sorted(n for n in names - covered - set(cases.SLOW) if n != "serve")
    assert not missing, missing


def fake_backtest(n_forecasters: int = 5) -> dict:
    """A backtest result in the shape ``detente backtest --json`` writes (scores only)."""
    from detente.cli.backtest_cmd import SHOWN_FORECASTERS

    horizons = [3, 6, 12, 24]
    scores = [
        {"group": "all", "forecaster": f, "question": q, "horizon_months": h, "n": 27,
         "brier": round(0.1 + 0.01 * k + 0.001 * h, 3)}
        for k, f in enumerate(SHOWN_FORECASTERS[:n_forecasters])
        for q in ("ceasefire", "agreement", "abandoned", "ongoing")
        for h in horizons
    ]  # fmt: skip
    return {"scores": scores, "meta": {"horizons_months": horizons}}


@pytest.mark.parametrize("width", cases.WIDTHS)
def test_backtest_scores_table_fits_and_keeps_every_score(width):
    from rich.console import Console

    from detente.cli.backtest_cmd import scores_table

    result = fake_backtest()
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    for part in scores_table(result, width):
        console.print(part)
    text = console.export_text()
    assert max(cell_len(line) for line in text.splitlines()) <= width
    assert "…" not in text
    for r in result["scores"]:
        assert f"{r['brier']:.3f}" in text
    assert text.count("*") >= 16  # the lowest score of each row is marked
