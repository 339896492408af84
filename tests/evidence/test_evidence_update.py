"""`scenario update`: judgment changes proposed from claims published after a scenario's as_of."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from detente.cli import main
from detente.evidence import ingest, open_store
from detente.evidence.update import apply_update, propose_update
from detente.scenario import load_scenario

NEW = (
    "Outlet: Test wire\nDate: 2025-09-10\nURL: https://example.org/a\n\n"
    "Russia accepts an unconditional ceasefire, the Kremlin said on Tuesday. "
    "Ukraine will never accept sanctions relief for Russia. "
    "Ukraine demands tighter sanctions on Moscow. "
    "France rejects any territorial concessions.\n"
)
OLD = "Outlet: Test wire\nDate: 2025-08-01\n\nMoscow agrees to a full ceasefire, officials said.\n"


@pytest.fixture
def store(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "new.txt").write_text(NEW, encoding="utf-8")
    (tmp_path / "in" / "old.txt").write_text(OLD, encoding="utf-8")
    conn = open_store(tmp_path / "e.db")
    report = ingest(conn, [tmp_path / "in"], today=dt.date(2025, 12, 31))
    assert len(report.added) == 2
    return conn


def _proposed_sanctions_line() -> float:
    """A categorical refusal proposes a red line RED_LINE_GAP from Ukraine's sanctions ideal."""
    from detente.evidence.update import RED_LINE_GAP
    from detente.scenario import mode_of

    return mode_of(load_scenario().position("ukraine", "sanctions").ideal) + RED_LINE_GAP


def by_key(proposal):
    return {(c.actor, c.issue, c.judgment): c for c in proposal.changes}


def test_changes_come_only_from_claims_after_as_of(store):
    scenario = load_scenario()
    proposal = propose_update(scenario, store)
    changes = by_key(proposal)
    ideal = changes[("russia", "ceasefire", "ideal")]
    assert ideal.new.mode == pytest.approx(75.0) and ideal.old.mode == pytest.approx(85.0)
    assert [c["published"] for c in ideal.claims] == ["2025-09-10"]  # the 2025-08-01 one is out
    assert "Russia accepts an unconditional ceasefire" in ideal.as_dict()["claims"][0]["quote"]
    assert ideal.as_dict()["claims"][0]["source"] == "Test wire, 2025-09-10"
    assert changes[("ukraine", "sanctions", "salience")].new.mode == pytest.approx(55.0)
    line = changes[("ukraine", "sanctions", "red_line")].new
    assert line == pytest.approx(_proposed_sanctions_line())
    # France speaks for the european_core bloc, and agrees with its position: no change.
    assert not any(c.actor == "european_core" for c in proposal.changes)
    # With --since before both articles, the older claim counts too.
    earlier = propose_update(scenario, store, since=dt.date(2025, 7, 1))
    assert len(by_key(earlier)[("russia", "ceasefire", "ideal")].claims) == 2


def test_salience_counts_sentences_not_claims():
    from detente.evidence.update import SALIENCE_STEP, _position_changes

    position = load_scenario().position("russia", "sanctions")

    def claim(doc_id, start, stance):
        return {"doc_id": doc_id, "start": start, "stance": stance, "direction": None,
                "sentence": "Sanctions must be lifted first."}  # fmt: skip

    one_sentence = [claim(1, 0, "demand"), claim(1, 0, "reject")]
    assert not [c for c in _position_changes(position, one_sentence) if c.judgment == "salience"]
    two_sentences = [claim(1, 0, "demand"), claim(1, 40, "reject")]
    (change,) = [c for c in _position_changes(position, two_sentences) if c.judgment == "salience"]
    assert change.new.mode == change.old.mode + SALIENCE_STEP


def test_apply_makes_a_new_dated_scenario(store):
    scenario = load_scenario()
    updated = apply_update(scenario, propose_update(scenario, store))
    assert updated.as_of == dt.date(2025, 9, 10) and scenario.as_of == dt.date(2025, 8, 21)
    pos = {(p.actor, p.issue): p for p in updated.positions}
    assert pos[("ukraine", "sanctions")].red_line == pytest.approx(_proposed_sanctions_line())
    assert any(c.claim for c in pos[("russia", "ceasefire")].citations)


def test_cli_diff_apply_and_no_overwrite(store, tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "e.db")
    monkeypatch.chdir(tmp_path)
    main(["scenario", "update", "ukraine-2025", "--db", db])
    out = capsys.readouterr().out
    assert "russia / ceasefire: ideal" in out and "-   85 [75..95]" in out and "+   75" in out
    assert not list(tmp_path.glob("*.yaml"))  # a proposal writes nothing
    main(["scenario", "update", "ukraine-2025", "--db", db, "--apply"])
    snapshot = tmp_path / "ukraine-2025-2025-09-10.yaml"
    assert str(yaml.safe_load(snapshot.read_text())["as_of"]) == "2025-09-10"
    reloaded = load_scenario(snapshot)
    assert {(p.actor, p.issue): p for p in reloaded.positions}[
        ("ukraine", "sanctions")
    ].red_line == pytest.approx(_proposed_sanctions_line())
    before = snapshot.read_bytes()
    with pytest.raises(SystemExit) as exc:
        main(["scenario", "update", "ukraine-2025", "--db", db, "--apply"])
    assert exc.value.code == 2 and "never overwritten" in capsys.readouterr().err
    assert snapshot.read_bytes() == before


def test_published_by_filter(store):
    from detente.evidence import claims, timeline

    assert {c["published"] for c in claims(store)} == {"2025-08-01", "2025-09-10"}
    assert {c["published"] for c in claims(store, published_by="2025-08-31")} == {"2025-08-01"}
    assert all(e["published"] <= "2025-08-31" for e in timeline(store, published_by="2025-08-31"))
    from detente.evidence import audit

    late = audit(load_scenario(), store, published_by="2025-08-31")
    ceasefire = next(
        j for j in late["judgments"] if (j["actor"], j["issue"]) == ("russia", "ceasefire")
    )
    assert {c["published"] for c in ceasefire["contradict"]} == {"2025-08-01"}
