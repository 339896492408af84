"""Evidence store: schema version, dedupe, offsets, FTS, atomic documents, concurrent readers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from detente.errors import InputError
from detente.evidence import (
    SCHEMA_VERSION,
    claims,
    document_text,
    export,
    figures,
    ingest,
    open_store,
    search,
    timeline,
)
from detente.evidence import store as store_module

ARTICLES = Path(__file__).parents[1] / "data" / "evidence" / "articles"


@pytest.fixture
def store(tmp_path):
    conn = open_store(tmp_path / "e.db")
    ingest(conn, [ARTICLES])
    yield conn
    conn.close()


def counts(conn) -> tuple[int, ...]:
    tables = ("documents", "sentences", "actor_mentions", "claims", "events", "figures")
    return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)


def test_schema_version_and_wal(tmp_path):
    conn = open_store(tmp_path / "e.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    again = open_store(tmp_path / "e.db")  # reopening migrates nothing and keeps the version
    assert again.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_schema_refused(tmp_path):
    path = tmp_path / "e.db"
    sqlite3.connect(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(InputError, match="newer"):
        open_store(path)


def test_not_a_database_is_an_input_error(tmp_path):
    path = tmp_path / "e.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(InputError, match="not a usable evidence store"):
        open_store(path)


def test_ingest_twice_changes_nothing(store):
    before = counts(store)
    assert before[0] == 3
    report = ingest(store, [ARTICLES])
    assert report.added == [] and len(report.duplicates) == 3
    assert counts(store) == before


def test_same_content_different_whitespace_is_a_duplicate(tmp_path, store):
    copy = tmp_path / "copy.txt"
    text = (ARTICLES / "geneva-round.txt").read_text()
    copy.write_text(text.replace(" ", "  ").upper())
    assert ingest(store, [copy]).duplicates == [str(copy)]


def test_offsets_point_into_stored_text(store):
    for row in claims(store):
        text = document_text(store, row["doc_id"])
        assert text[row["start"] : row["end"]] == row["sentence"]
        assert text[row["actor_start"] : row["actor_end"]].strip()
    for row in figures(store):
        assert document_text(store, row["doc_id"])[row["start"] : row["end"]] == row["text"]
    for row in timeline(store):
        assert row["end"] > row["start"]


def test_search_finds_sentences_with_spans(store):
    hits = search(store, "reassurance force")
    assert hits and "reassurance force" in hits[0]["text"]
    text = document_text(store, hits[0]["doc_id"])
    assert text[hits[0]["start"] : hits[0]["end"]] == hits[0]["text"]
    assert search(store, "sanction*")  # a prefix
    assert search(store, 'sanctions "OR" NEAR(') == []  # FTS syntax is taken as plain words
    with pytest.raises(InputError):
        search(store, "  ")


def test_claims_filter_and_timeline_order(store):
    russia = claims(store, actor="russia")
    assert russia and all(r["actor"] == "russia" for r in russia)
    assert all(r["issue"] == "sanctions" for r in claims(store, issue="sanctions"))
    dates = [r["date"] for r in timeline(store)]
    assert dates == sorted(dates)
    assert all("ukraine" in r["actors"] for r in timeline(store, actor="ukraine"))


def test_export_round_trips_json(store):
    import json

    data = json.loads(json.dumps(export(store)))
    assert data["schema_version"] == SCHEMA_VERSION
    assert len(data["documents"]) == 3 and all("text" in d for d in data["documents"])
    assert {c["id"] for c in data["claims"]} == {c["id"] for c in claims(store)}


def test_failure_inside_a_document_rolls_it_back(tmp_path, monkeypatch):
    conn = open_store(tmp_path / "e.db")
    ingest(conn, [ARTICLES / "notes.md"])
    before = counts(conn)

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store_module, "_insert_figures", boom)
    with pytest.raises(RuntimeError):
        ingest(conn, [ARTICLES / "geneva-round.txt"])
    assert counts(conn) == before
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_killed_process_leaves_no_partial_document(tmp_path):
    db = tmp_path / "e.db"
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from detente.evidence import ingest, open_store
        from detente.evidence import store
        conn = open_store({str(db)!r})
        ingest(conn, [Path({str(ARTICLES / "notes.md")!r})])
        def die(*a, **k):
            os._exit(9)  # killed between writing the claims and the events
        store._insert_events = die
        ingest(conn, [Path({str(ARTICLES / "geneva-round.txt")!r})])
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == 9, proc.stderr.decode()
    conn = open_store(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    names = [r[0] for r in conn.execute("SELECT name FROM documents")]
    assert names == ["notes.md"]
    orphans = conn.execute(
        "SELECT count(*) FROM claims WHERE doc_id NOT IN (SELECT id FROM documents)"
    ).fetchone()[0]
    assert orphans == 0
    assert ingest(conn, [ARTICLES / "geneva-round.txt"]).added  # and it can be ingested again


def test_two_readers_while_a_writer_holds_a_transaction(tmp_path):
    path = tmp_path / "e.db"
    writer = open_store(path)
    ingest(writer, [ARTICLES / "notes.md"])
    reader_a, reader_b = open_store(path), open_store(path)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO documents (path, name, kind, content_hash, text, extractor, ingested_at)"
        " VALUES ('x', 'x', 'txt', 'h', 't', 'e', 'now')"
    )
    # Both readers see the committed state, not the open transaction, and are not blocked.
    assert reader_a.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    assert reader_b.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    assert search(reader_a, "demilitarized") and search(reader_b, "plant")
    writer.execute("COMMIT")
    assert reader_a.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
