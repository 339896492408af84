"""Every command's output at 80 and 160 columns matches its golden file, fits the width, and
never shows a cut cell. After an intended change: ``PYTHONPATH=src python tests/golden/regen.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))

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
    assert "…" not in text


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
    missing = sorted(n for n in names - covered if n != "serve")
    assert not missing, missing
