"""Regenerate the golden files: every bundled scenario's every table, negotiated by
``detente negotiate --json`` on the most likely inputs with the default strategy, and every
bundled scenario's seeded forecast (``detente forecast --json``, :data:`FORECAST_ARGS`).

    PYTHONPATH=src python tests/conformance/regen_golden.py

A change that moves a trace must regenerate these files on purpose and say why in its commit.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"


def cases() -> list[tuple[str, str]]:
    """(bundled scenario, table id) pairs."""
    from detente.scenario import load_scenario
    from detente.scenario.io import bundled_scenarios

    return [(name, t.id) for name in bundled_scenarios() for t in load_scenario(name).tables]


def golden_path(scenario: str, table: str) -> Path:
    return GOLDEN / f"{scenario}__{table}.json"


def negotiate_json(scenario: str, table: str, out: Path) -> None:
    """Write the CLI's negotiation JSON for one table to ``out``."""
    from detente.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        main(["negotiate", scenario, "--table", table, "--json", str(out)])


FORECAST_ARGS = ("--draws", "400", "--seed", "0", "--no-sensitivity")
"""Small enough to run in the test suite; every number of the forecast JSON is still covered."""


def bundled() -> list[str]:
    from detente.scenario.io import bundled_scenarios

    return list(bundled_scenarios())


def forecast_golden_path(scenario: str) -> Path:
    return GOLDEN / f"forecast__{scenario}.json"


def forecast_json(scenario: str, out: Path) -> None:
    """Write the CLI's seeded forecast JSON for one scenario to ``out``."""
    from detente.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        main(["forecast", scenario, *FORECAST_ARGS, "--json", str(out)])


def regenerate() -> list[Path]:
    GOLDEN.mkdir(exist_ok=True)
    written = []
    for scenario, table in cases():
        path = golden_path(scenario, table)
        negotiate_json(scenario, table, path)
        written.append(path)
    for scenario in bundled():
        path = forecast_golden_path(scenario)
        forecast_json(scenario, path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in regenerate():
        print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)
    sys.exit(0)
