"""Reading the store: full-text search, claims, timeline, figures and a JSON export."""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

from detente.errors import InputError
from detente.evidence.store import STANCES

SOURCE_COLUMNS = "d.name AS doc, d.date AS published, d.outlet, d.url, d.author, d.title"
CLAIM_COLUMNS = (
    'c.id, c.actor, c.issue, c.stance, c.direction, c.cue, c.confidence, c.start, c."end",'
    f" c.actor_start, c.actor_end, c.doc_id, {SOURCE_COLUMNS},"
    ' substr(d.text, c.start + 1, c."end" - c.start) AS sentence'
)


def _rows(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    return [dict(row) for row in cursor.fetchall()]


def source_label(row: dict[str, Any]) -> str:
    """How a source is cited: "Outlet, YYYY-MM-DD" (or the URL's host), else the file name."""
    name = row.get("outlet")
    if not name and row.get("url"):
        name = re.sub(r"^https?://(?:www\.)?([^/]+).*$", r"\1", row["url"])
    name = name or row.get("doc") or "?"
    return f"{name}, {row['published']}" if row.get("published") else name


def published_filter(published_by: str | None, args: list) -> str:
    """An SQL condition on ``d.date`` keeping documents published on or before a date."""
    if published_by is None:
        return "1"
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published_by):
        raise InputError(f"expected a date YYYY-MM-DD, got {published_by!r}", field="published_by")
    args.append(published_by)
    return "(d.date IS NOT NULL AND substr(d.date, 1, 10) <= ?)"


MAX_QUERY_CHARS = 1000
MAX_QUERY_TERMS = 32
"""A search of more words than this is refused: each word costs a pass over the index."""


def fts_query(query: str) -> str:
    """A user's words as a safe FTS5 query: every word must occur (prefix match with ``*``);
    at most :data:`MAX_QUERY_TERMS` words and :data:`MAX_QUERY_CHARS` characters."""
    if len(query) > MAX_QUERY_CHARS:
        raise InputError(
            f"search query of {len(query)} characters, at most {MAX_QUERY_CHARS}", field="QUERY"
        )
    words = re.findall(r"[\w’'*-]+", query)
    if len(words) > MAX_QUERY_TERMS:
        raise InputError(
            f"search query of {len(words)} words, at most {MAX_QUERY_TERMS}", field="QUERY"
        )
    terms = []
    for word in words:
        prefix = word.endswith("*")
        word = word.rstrip("*").replace('"', "")
        if word:
            terms.append(f'"{word}"' + ("*" if prefix else ""))
    if not terms:
        raise InputError("empty search query", field="QUERY")
    return " ".join(terms)


def search(
    conn: sqlite3.Connection, query: str, *, limit: int = 20, published_by: str | None = None
) -> list[dict[str, Any]]:
    """Sentences matching all words of ``query``, best first (BM25), with document and span;
    ``published_by`` keeps documents published on or before that date."""
    args: list = [fts_query(query)]
    cond = published_filter(published_by, args)
    sql = (
        f'SELECT s.doc_id, {SOURCE_COLUMNS}, s.start, s."end", s.text,'
        " snippet(sentences_fts, 0, '[', ']', '…', 16) AS snippet, bm25(sentences_fts) AS score"
        " FROM sentences_fts JOIN sentences s ON s.id = sentences_fts.rowid"
        " JOIN documents d ON d.id = s.doc_id"
        f" WHERE sentences_fts MATCH ? AND {cond} ORDER BY score, s.doc_id, s.start LIMIT ?"
    )
    return _rows(conn.execute(sql, (*args, limit)))


def claims(
    conn: sqlite3.Connection,
    actor: str | None = None,
    issue: str | None = None,
    stance: str | None = None,
    *,
    published_by: str | None = None,
    published_after: str | None = None,
) -> list[dict[str, Any]]:
    """Stance claims, optionally for one actor, issue and stance, with their sentences and the
    publication of their document; ``published_by``/``published_after`` bound its date."""
    if stance is not None and stance not in STANCES:
        raise InputError(
            f"unknown stance {stance!r}, expected one of {', '.join(STANCES)}", field="stance"
        )
    where, args = [], []
    for column, value in (("actor", actor), ("issue", issue), ("stance", stance)):
        if value is not None:
            where.append(f"c.{column} = ?")
            args.append(value)
    if published_by is not None:
        where.append(published_filter(published_by, args))
    if published_after is not None:
        published_filter(published_after, [])
        where.append("(d.date IS NOT NULL AND substr(d.date, 1, 10) > ?)")
        args.append(published_after)
    sql = f"SELECT {CLAIM_COLUMNS} FROM claims c JOIN documents d ON d.id = c.doc_id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY c.actor, c.issue, c.doc_id, c.start"
    return _rows(conn.execute(sql, args))


def timeline(
    conn: sqlite3.Connection, actor: str | None = None, *, published_by: str | None = None
) -> list[dict[str, Any]]:
    """Dated events in date order (a month or year sorts before days within it), each with the
    publication of its document; ``published_by`` keeps documents published by that date."""
    args: list = []
    cond = published_filter(published_by, args)
    sql = (
        'SELECT e.date, e.precision, e.title, e.actors, e.start, e."end", e.doc_id,'
        f" {SOURCE_COLUMNS} FROM events e JOIN documents d ON d.id = e.doc_id"
        f" WHERE {cond} ORDER BY e.date, e.doc_id, e.start"
    )
    out = []
    for row in _rows(conn.execute(sql, args)):
        row["actors"] = json.loads(row["actors"])
        if actor is None or actor in row["actors"]:
            out.append(row)
    return out


def figures(
    conn: sqlite3.Connection, kind: str | None = None, *, published_by: str | None = None
) -> list[dict[str, Any]]:
    """Figures (money, people, durations, percentages, counts) with their spans."""
    args: list = []
    cond = published_filter(published_by, args)
    sql = (
        f'SELECT f.kind, f.value, f.unit, f.text, f.start, f."end", f.doc_id, {SOURCE_COLUMNS}'
        f" FROM figures f JOIN documents d ON d.id = f.doc_id WHERE {cond}"
    )
    if kind is not None:
        sql += " AND f.kind = ?"
        args.append(kind)
    return _rows(conn.execute(sql + " ORDER BY f.doc_id, f.start", args))


def documents(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Stored documents (without their text) and the actors each mentions."""
    docs = _rows(
        conn.execute(
            "SELECT id, path, name, kind, title, date, date_precision, outlet, url, author,"
            " content_hash, warnings, extractor, ingested_at, length(text) AS chars"
            " FROM documents ORDER BY id"
        )
    )
    for doc in docs:
        doc["warnings"] = json.loads(doc["warnings"])
        doc["actors"] = [
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT actor FROM actor_mentions WHERE doc_id = ? ORDER BY actor",
                (doc["id"],),
            )
        ]
    return docs


def document_text(conn: sqlite3.Connection, doc_id: int) -> str:
    """The stored text of a document (every offset points into it)."""
    row = conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        raise InputError(f"no document with id {doc_id}", field="doc_id")
    return row[0]


def export(conn: sqlite3.Connection, *, include_text: bool = True) -> dict[str, Any]:
    """The whole store as one JSON-ready dict: documents, mentions, claims, events, figures."""
    docs = documents(conn)
    if include_text:
        for doc in docs:
            doc["text"] = document_text(conn, doc["id"])
    mentions = _rows(
        conn.execute('SELECT doc_id, actor, term, start, "end" FROM actor_mentions ORDER BY id')
    )
    issues = _rows(
        conn.execute(
            'SELECT doc_id, issue, term, pole, start, "end" FROM issue_mentions ORDER BY id'
        )
    )
    from detente.evidence.store import SCHEMA_VERSION

    return {
        "schema_version": SCHEMA_VERSION,
        "documents": docs,
        "actor_mentions": mentions,
        "issue_mentions": issues,
        "claims": claims(conn),
        "events": timeline(conn),
        "figures": figures(conn),
    }
