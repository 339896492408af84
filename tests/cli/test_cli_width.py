"""At 80 and 160 columns every identifier and number a command prints appears whole, and no
line is wider than the terminal (typer's CliRunner with a fixed ``COLUMNS``)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from detente.cli import layout
from detente.cli.scenario_cmd import fmt_judgment
from detente.scenario import load_scenario, mode_arrays

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "golden"))

import cases  # noqa: E402

WIDTHS = (80, 160)
CASE = load_scenario("ukraine-2025")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return cases.prepare(tmp_path_factory.mktemp("width") / "work")


def output(workdir, width, *argv):
    code, out = cases.run_in(workdir, cases.Case("width", argv), width)
    assert code == 0, out
    assert max(cell_len(line) for line in out.splitlines()) <= width
    assert "…" not in out
    return out


def words(text: str) -> set[str]:
    """Tokens between spaces, table borders and commas."""
    return set(re.split(r"[\s│┃,]+", text))


@pytest.mark.parametrize("width", WIDTHS)
def test_scenario_show_keeps_ids_and_ranges_whole(workdir, width):
    out = output(workdir, width, "scenario", "show")
    tokens = words(out)
    for ident in [a.id for a in CASE.actors] + [i.id for i in CASE.issues]:
        assert ident in tokens, ident
    for t in CASE.tables:
        assert t.id in tokens
        for m in t.mechanisms:
            assert m in tokens, m
    for p in CASE.positions:
        assert fmt_judgment(p.ideal) in out, (p.actor, p.issue)
        assert f"/ {fmt_judgment(p.salience)}" in out, (p.actor, p.issue)


@pytest.mark.parametrize("width", WIDTHS)
def test_run_keeps_actors_and_outcome_numbers_whole(workdir, width):
    import numpy as np

    from detente.engines import EngineInput, get_engine

    out = output(workdir, width, "run", "compromise")
    arrays = mode_arrays(CASE)
    inp = EngineInput(
        arrays.ideal[None], arrays.salience[None], arrays.capability[None],
        arrays.status_quo[None, :],
    )  # fmt: skip
    outcome = get_engine("compromise").run(inp, rng=np.random.default_rng(0)).outcome[0]
    last = [line for line in out.splitlines() if "outcome" in words(line)][-1]
    assert [w for w in re.split(r"[\s│┃]+", last) if w][1:] == [f"{v:.1f}" for v in outcome]
    tokens = words(out) | {w.split("=")[-1] for w in words(out)}
    for ident in list(arrays.actor_ids) + list(arrays.issue_ids):
        assert ident in tokens, ident


@pytest.mark.parametrize("width", WIDTHS)
def test_claim_ids_and_sources_are_whole(workdir, width):
    from detente.evidence import claims, open_store
    from detente.evidence.queries import source_label

    out = output(workdir, width, "evidence", "claims", "--db", cases.DB)
    rows = claims(open_store(workdir / cases.DB))
    assert rows
    tokens, flat = words(out), " ".join(re.split(r"[\s│┃]+", out))
    for r in rows:
        assert r["id"] in tokens
        assert source_label(r) in flat


@pytest.mark.parametrize("width", WIDTHS)
def test_timeline_spans_are_whole(workdir, width):
    from detente.evidence import open_store, timeline
    from detente.evidence.queries import source_label

    out = output(workdir, width, "timeline", "--db", cases.DB)
    flat = " ".join(re.split(r"[\s│┃]+", out))
    for r in timeline(open_store(workdir / cases.DB)):
        assert source_label(r) in flat
        assert r["date"] in words(out)


@pytest.mark.parametrize("width", WIDTHS)
def test_forecast_summary_shows_every_table_and_percentage(workdir, width):
    import json

    data = json.loads((workdir / cases.FORECAST).read_text(encoding="utf-8"))
    out = output(workdir, width, "compare", "--from", cases.FORECAST)
    tokens = words(out)
    for table_id, t in data["tables"].items():
        assert table_id in tokens
        p = t["outcome_classes"]["comprehensive_settlement"]["p"]
        assert f"{100 * p:.0f}%" in tokens
        assert f"{100 * t['durability']['peace_holds']['5y']:.0f}%" in tokens


@pytest.mark.parametrize("width", WIDTHS)
def test_audit_names_every_judgment_whole(workdir, width):
    out = output(workdir, width, "scenario", "audit", "--db", cases.DB)
    tokens = words(out)
    for a in CASE.actors:
        assert a.id in tokens
    assert "capability" in tokens and "no evidence" in " ".join(out.split())


# The layout itself, on arbitrary tables.

cell = st.text(alphabet="abcdefghij_-0123456789 ", min_size=0, max_size=40).map(str.strip)


@settings(max_examples=60, deadline=None)
@given(
    n_cols=st.integers(1, 9),
    n_rows=st.integers(1, 6),
    data=st.data(),
    width=st.sampled_from([40, 80, 160]),
)
def test_fit_never_exceeds_the_width_nor_breaks_a_word(n_cols, n_rows, data, width):
    cols = [
        layout.Col(data.draw(st.from_regex(r"[a-z_]{1,14}", fullmatch=True)), prose=k % 2 == 1)
        for k in range(n_cols)
    ]
    rows = [[data.draw(cell) for _ in cols] for _ in range(n_rows)]
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    for part in layout.fit("t", cols, rows, width, ("compact", "abbrev", "panels")):
        console.print(part)
    text = console.export_text()
    assert max((cell_len(line) for line in text.splitlines()), default=0) <= width
    tokens = set(re.split(r"[\s│┃]+", text))
    for row in rows:
        for c in row:
            for word in c.split():
                if len(word) <= width - 8:
                    assert word in tokens, word


def test_abbreviations_are_unique_prefixes():
    names = ["territory", "terrain", "alliance", "army_limits", "army_size"]
    short = layout.abbreviations(names, 3)
    assert len(set(short)) == len(names)
    assert all(n.startswith(s) for s, n in zip(short, names, strict=True))


def test_distribute_gives_every_column_its_narrowest_or_refuses():
    ranges = [(5, 10), (3, 30), (8, 8)]
    widths = layout.distribute(ranges, 40)
    assert widths is not None and sum(widths) + layout.table_overhead(3) <= 40
    assert all(w >= lo for w, (lo, _) in zip(widths, ranges, strict=True))
    assert layout.distribute(ranges, 20) is None
