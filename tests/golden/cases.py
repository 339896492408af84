"""Every command's golden output: the cases, how they run, and the README tour.

Used by tests/cli/test_cli_golden.py and tests/cli/test_cli_readme_tour.py (which compare) and by
tests/golden/regen.py (which rewrites the golden files and the tour after an intended change).
Each case runs in-process with typer's CliRunner at a fixed terminal width, in a scratch
directory holding a link to the repository's ``tests`` folder, an evidence store built from
``tests/data/evidence/articles`` and a small forecast JSON.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
SHARED = REPO.parent / "shared"
WIDTHS = (80, 160)
DB = "evidence.db"
FORECAST = "forecast.json"


@dataclass(frozen=True)
class Case:
    """One command line (words after ``detente``); ``shared`` names files it needs from
    ../shared (the case is skipped without them)."""

    name: str
    argv: tuple[str, ...]
    shared: tuple[str, ...] = ()


DEU = "data/deu3/deu3-dev.tsv"
FORTNA = "data/fortna/fortna-civil-war-peacekeeping.csv"
UCDP_PA = "data/ucdp/ucdp-peace-agreements-v22.1.csv"
UCDP_TERM = "data/ucdp/ucdp-conflict-termination-dyad-v3-2021.csv"
SLOW: dict[str, str] = {}
"""Commands without a golden case, and why."""
BACKTEST_CASES = ("dayton-1995", "istanbul-2022", "kargil-1999", "minsk-2014")
"""The backtest's golden case scores these bundled episodes only (the full library takes
minutes)."""

CASES = (
    Case("version", ("--version",)),
    Case("help", ("--help",)),
    Case("run-help", ("run", "--help")),
    Case("scenario-show", ("scenario", "show")),
    Case("scenario-show-minimal", ("scenario", "show", "tests/data/minimal.yaml")),
    Case("scenario-validate", ("scenario", "validate", "tests/data/minimal.yaml")),
    Case("scenario-export-yaml", ("scenario", "export", "tests/data/minimal.yaml", "--to", "yaml")),
    Case("scenario-export-ktab", ("scenario", "export", "--to", "ktab-csv", "-o", "case.csv")),
    Case("scenario-audit", ("scenario", "audit", "--db", DB)),
    Case("scenario-update", ("scenario", "update", "ukraine-2025", "--db", DB)),
    Case("run-compromise", ("run", "compromise")),
    Case("run-nash", ("run", "nash")),
    Case("run-smp-ktab", ("run", "smp", "tests/data/ktab/dummyData_3Dim.csv")),
    Case("negotiate-bilateral", ("negotiate", "--table", "bilateral")),
    Case("negotiate-us-mediated", ("negotiate", "--table", "us_mediated")),
    Case("negotiate-backchannel", ("negotiate", "--table", "backchannel", "--json", "n.json")),
    Case("forecast", ("forecast", "-n", "400", "--no-sensitivity")),
    Case(
        "forecast-over-time",
        (
            "forecast",
            "--over-time",
            "-n",
            "300",
            "--attribution-draws",
            "200",
            "--tables",
            "istanbul",
        ),
    ),
    Case(
        "forecast-dated",
        (
            "forecast",
            "src/detente/data/cases/dayton-1995.yaml",
            "-n",
            "100",
            "--no-sensitivity",
            "--horizon",
            "12",
        ),
    ),  # fmt: skip
    Case("compare", ("compare", "--from", FORECAST, "--baseline", "us_mediated")),
    Case(
        "sweep",
        ("sweep", "-n", "100", "--vary", "actors[ukraine].capability=20:40:2", "-o", "s.pq"),
    ),
    Case("report", ("report", "-n", "100", "--out", "report.md")),
    Case("ingest", ("ingest", "tests/data/evidence/articles", "--db", "fresh.db")),
    Case("timeline", ("timeline", "--db", DB)),
    Case("evidence-search", ("evidence", "search", "ceasefire", "--db", DB)),
    Case("evidence-claims", ("evidence", "claims", "--db", DB)),
    Case("evidence-export", ("evidence", "export", "--json", "e.json", "--db", DB)),
    Case(
        "evidence-train",
        (
            "evidence",
            "train",
            "tests/data/evidence/unseen/test3",
            "--gold",
            "tests/data/evidence/gold-unseen-test3.jsonl",
            "--out",
            "m.json",
        ),
    ),  # fmt: skip
    Case(
        "evidence-evaluate",
        ("evidence", "evaluate", "--gold", "tests/data/evidence/gold-seeds.jsonl", "--db", DB),
    ),
    Case(
        "evidence-agreement",
        (
            "evidence",
            "agreement",
            "tests/data/evidence/gold-unseen-test15.jsonl",
            "tests/data/evidence/gold-unseen-test15-second.jsonl",
        ),
    ),  # fmt: skip
    Case("backtest", ("backtest", "--cases", "cases", "-n", "100", "--engine-draws", "30")),
    Case("validate-deu", ("validate", "deu", f"shared/{DEU}"), shared=(DEU,)),
    Case(
        "validate-base-rate",
        ("validate", "base-rate", "--ucdp-termination", f"shared/{UCDP_TERM}"),
        shared=(UCDP_TERM,),
    ),
    Case(
        "validate-durability",
        (
            "validate",
            "durability",
            "--fortna",
            f"shared/{FORTNA}",
            "--ucdp-agreements",
            f"shared/{UCDP_PA}",
        ),
        shared=(FORTNA, UCDP_PA),
    ),  # fmt: skip
)


def golden_path(case: Case, width: int) -> Path:
    """Where a case's output at a width is kept."""
    return GOLDEN / f"{case.name}.{width}.txt"


def available(case: Case) -> bool:
    """Whether the files the case needs are here."""
    return all((SHARED / f).is_file() for f in case.shared)


def prepare(workdir: Path, fixtures: bool = True) -> Path:
    """A scratch directory with ``tests`` (and ``shared`` when present) linked in and, with
    ``fixtures``, the evidence store and the forecast JSON the cases read."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "tests").symlink_to(REPO / "tests", target_is_directory=True)
    (workdir / "src").symlink_to(REPO / "src", target_is_directory=True)
    if SHARED.is_dir():
        (workdir / "shared").symlink_to(SHARED, target_is_directory=True)
    cases_dir = workdir / "cases"
    (cases_dir / "resolutions").mkdir(parents=True)
    library = REPO / "src" / "detente" / "data" / "cases"
    for name in BACKTEST_CASES:
        shutil.copy(library / f"{name}.yaml", cases_dir)
        shutil.copy(library / "resolutions" / f"{name}.yaml", cases_dir / "resolutions")
    if not fixtures:
        return workdir
    here = os.getcwd()
    os.chdir(workdir)
    try:
        for argv in (
            ("ingest", "tests/data/evidence/articles", "--db", DB),
            ("forecast", "-n", "400", "--no-sensitivity", "--json", FORECAST),
        ):
            code, _ = run(argv, 80)
            assert code == 0, argv
    finally:
        os.chdir(here)
    return workdir


def run(argv: tuple[str, ...], width: int) -> tuple[int, str]:
    """Exit code and stdout of ``detente ARGV`` at a terminal width (in the current
    directory), with trailing spaces stripped from every line."""
    from typer.testing import CliRunner

    from detente.cli import build_app

    env = {
        "COLUMNS": str(width),
        "LINES": "50",
        "TERM": "dumb",
        "FORCE_COLOR": None,
        "PY_COLORS": None,
        "GITHUB_ACTIONS": None,
        "NO_COLOR": "1",
    }
    result = CliRunner().invoke(build_app(), list(argv), env=env, prog_name="detente")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, normalise(result.stdout)


def normalise(text: str) -> str:
    """Trailing spaces stripped; nothing else changes."""
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def run_in(workdir: Path, case: Case, width: int) -> tuple[int, str]:
    """Run a case in the prepared scratch directory, removing files it writes there."""
    here = os.getcwd()
    os.chdir(workdir)
    try:
        return run(case.argv, width)
    finally:
        for name in ("fresh.db", "fresh.db-wal", "fresh.db-shm"):
            Path(name).unlink(missing_ok=True)
        os.chdir(here)


# The README tour: ``$ detente …`` lines inside the fenced blocks of its "A tour" section, each
# followed by that command's output at 80 columns.

README = REPO / "README.md"
TOUR_HEADING = "## A tour"
PROMPT = "$ detente "


def tour_section(text: str) -> tuple[int, int]:
    """Start and end offsets of the tour section in the README."""
    start = text.index(TOUR_HEADING)
    nxt = re.search(r"^## ", text[start + len(TOUR_HEADING) :], re.M)
    end = start + len(TOUR_HEADING) + nxt.start() if nxt else len(text)
    return start, end


def tour_blocks(section: str) -> list[tuple[tuple[str, ...], str]]:
    """(argv, shown output) of every ``$ detente`` command in the section."""
    out = []
    for block in re.findall(r"^```text\n(.*?)^```$", section, re.S | re.M):
        lines = block.splitlines()
        assert lines and lines[0].startswith(PROMPT), lines[:1]
        argv = tuple(lines[0][len(PROMPT) :].split())
        out.append((argv, "\n".join(lines[1:]) + "\n"))
    return out


def render_tour(section: str, outputs: list[str]) -> str:
    """The section with each block's output replaced by ``outputs`` in order."""
    it = iter(outputs)

    def fill(match: re.Match) -> str:
        first = match.group(1).splitlines()[0]
        return f"```text\n{first}\n{next(it)}```"

    return re.sub(r"^```text\n(.*?)^```$", fill, section, flags=re.S | re.M)


def tour_outputs(workdir: Path) -> list[tuple[tuple[str, ...], str, str]]:
    """(argv, output shown in the README, output now) of every tour command, run in order in
    ``workdir`` (prepared without fixtures: the tour builds its own store)."""
    section = README.read_text(encoding="utf-8")
    start, end = tour_section(section)
    out = []
    for argv, shown in tour_blocks(section[start:end]):
        code, now = run_in(workdir, Case("tour", argv), 80)
        assert code == 0, argv
        out.append((argv, shown, now))
    return out
