"""Shared fixtures. Tests that need the project's ../shared folder skip cleanly without it."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def shared_dir() -> Path:
    """The ../shared folder beside the repository; the test skips when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture
def minimal_scenario_path() -> Path:
    """A small valid two-party scenario file."""
    return TEST_DATA / "minimal.yaml"


@pytest.fixture
def cli(capsys):
    """Run the command line: (exit code, stdout, stderr)."""
    from detente.cli import main

    def run(argv):
        try:
            main(argv)
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


@pytest.fixture
def cli_error(cli):
    """Run the command line expecting invalid input: exit code 2 and one error line, which it
    returns (never a traceback)."""

    def run(argv) -> str:
        code, _, err = cli(argv)
        assert code == 2
        assert "Traceback" not in err
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1, err
        return lines[0]

    return run
