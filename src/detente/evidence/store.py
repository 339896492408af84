"""The evidence store: SQLite with a versioned schema, WAL, one transaction per document, FTS5.

The schema version is ``PRAGMA user_version``; :data:`MIGRATIONS` lists the statements that take
a store from one version to the next, applied in order inside one transaction when a store is
opened. A document and everything extracted from it are written in a single transaction, so a
reader never sees half a document and a process killed mid-ingest leaves none behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from pathlib import Path

from detente.errors import InputError
from detente.evidence.extract import Extraction
from detente.evidence.reader import Article

DEFAULT_DB = "detente-evidence.db"
DB_ENV = "DETENTE_DB"
BUSY_TIMEOUT_MS = 10_000
STANCES = ("demand", "propose", "accept", "reject", "warn")
"""The stances a claim can take (the ``claims.stance`` check constraint)."""

MIGRATIONS: tuple[str, ...] = (
    # 1: documents, extracted items, sentence index with full-text search.
    """
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        title TEXT,
        date TEXT,
        date_precision TEXT,
        content_hash TEXT NOT NULL UNIQUE,
        text TEXT NOT NULL,
        warnings TEXT NOT NULL DEFAULT '[]',
        extractor TEXT NOT NULL,
        ingested_at TEXT NOT NULL
    );
    CREATE TABLE sentences (
        id INTEGER PRIMARY KEY,
        doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL
    );
    CREATE VIRTUAL TABLE sentences_fts USING fts5(
        text, content='sentences', content_rowid='id', tokenize='porter unicode61'
    );
    CREATE TABLE actor_mentions (
        id INTEGER PRIMARY KEY,
        doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        actor TEXT NOT NULL,
        term TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL
    );
    CREATE TABLE issue_mentions (
        id INTEGER PRIMARY KEY,
        doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        issue TEXT NOT NULL,
        term TEXT NOT NULL,
        pole TEXT,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL
    );
    CREATE TABLE claims (
        id TEXT PRIMARY KEY,
        doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        actor TEXT NOT NULL,
        issue TEXT NOT NULL,
        stance TEXT NOT NULL CHECK (stance IN ('demand','propose','accept','reject','warn')),
        direction TEXT,
        cue TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        actor_start INTEGER NOT NULL,
        actor_end INTEGER NOT NULL
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        date TEXT NOT NULL,
        precision TEXT NOT NULL,
        title TEXT NOT NULL,
        actors TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL
    );
    CREATE TABLE figures (
        id INTEGER PRIMARY KEY,
        doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        value REAL NOT NULL,
        unit TEXT NOT NULL,
        text TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL
    );
    CREATE INDEX claims_actor_issue ON claims(actor, issue);
    CREATE INDEX events_date ON events(date);
    CREATE INDEX actor_mentions_actor ON actor_mentions(actor);
    """,
    # 2: where a document was published: outlet, URL and author (the date was there already).
    """
    ALTER TABLE documents ADD COLUMN outlet TEXT;
    ALTER TABLE documents ADD COLUMN url TEXT;
    ALTER TABLE documents ADD COLUMN author TEXT;
    CREATE INDEX documents_date ON documents(date);
    """,
    # 3: the stance model's probability of a claim (NULL for a claim of the cue rules alone).
    """
    ALTER TABLE claims ADD COLUMN confidence REAL;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def default_db_path() -> Path:
    """``$DETENTE_DB`` when set, else ``./detente-evidence.db``."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


def open_store(
    path: str | Path | None = None, *, create: bool = True, readonly: bool = False
) -> sqlite3.Connection:
    """Open (and create or migrate) an evidence store; rows come back as ``sqlite3.Row``.
    ``readonly`` opens an existing store for reading only, which works on a read-only file or
    folder and never migrates."""
    path = Path(path) if path is not None else default_db_path()
    if (readonly or not create) and not path.exists():
        raise InputError("no evidence store here; run `detente ingest` first", file=path)
    if readonly:
        return _open_readonly(path)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        migrate(conn, file=path)
    except sqlite3.DatabaseError as exc:
        raise InputError(f"not a usable evidence store: {exc}", file=path) from None
    return conn


def _open_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection; when SQLite cannot share the WAL index (a read-only folder), the
    file is read as immutable (no other writer may be running then)."""
    uri = path.resolve().as_uri()
    for flags in ("?mode=ro", "?mode=ro&immutable=1"):
        try:
            conn = sqlite3.connect(uri + flags, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            version = schema_version(conn)
        except sqlite3.OperationalError:
            continue
        except sqlite3.DatabaseError as exc:
            raise InputError(f"not a usable evidence store: {exc}", file=path) from None
        if version != SCHEMA_VERSION:
            conn.close()
            raise InputError(
                f"store has schema version {version}, expected {SCHEMA_VERSION}; open it "
                "writable once (`detente ingest`) to migrate it",
                file=path,
            )
        return conn
    raise InputError("cannot open the evidence store for reading", file=path)


def schema_version(conn: sqlite3.Connection) -> int:
    """The store's schema version (``PRAGMA user_version``)."""
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, *, file: str | Path | None = None) -> None:
    """Apply the migrations a store lacks, all in one transaction."""
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise InputError(
            f"store has schema version {version}, newer than this detente ({SCHEMA_VERSION})",
            file=file,
        )
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = schema_version(conn)  # another process may have migrated meanwhile
        for number in range(version, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[number]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";\n") if s.strip()]


def has_document(conn: sqlite3.Connection, content_hash: str) -> bool:
    """Whether a document with this normalised content hash is stored already."""
    row = conn.execute("SELECT 1 FROM documents WHERE content_hash = ?", (content_hash,))
    return row.fetchone() is not None


def claim_id(content_hash: str, start: int, actor: str, issue: str, stance: str) -> str:
    """A stable claim id: the same text gives the same id in every store."""
    key = f"{content_hash}:{start}:{actor}:{issue}:{stance}"
    return "c" + hashlib.sha256(key.encode()).hexdigest()[:12]


def add_document(
    conn: sqlite3.Connection, article: Article, found: Extraction, *, extractor: str
) -> int | None:
    """Store a document and its extraction in one transaction; None when already stored."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if has_document(conn, article.content_hash):
            conn.execute("ROLLBACK")
            return None
        doc_id = _insert_document(conn, article, extractor)
        _insert_sentences(conn, doc_id, found)
        _insert_mentions(conn, doc_id, found)
        _insert_claims(conn, doc_id, article.content_hash, found)
        _insert_events(conn, doc_id, found)
        _insert_figures(conn, doc_id, found)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return doc_id


def _insert_document(conn: sqlite3.Connection, a: Article, extractor: str) -> int:
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    cur = conn.execute(
        "INSERT INTO documents (path, name, kind, title, date, date_precision, content_hash,"
        " text, warnings, extractor, ingested_at, outlet, url, author)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            a.path,
            a.name,
            a.kind,
            a.title,
            a.date,
            a.date_precision,
            a.content_hash,
            a.text,
            json.dumps(list(a.warnings)),
            extractor,
            now,
            a.outlet,
            a.url,
            a.author,
        ),
    )
    return int(cur.lastrowid)


def _insert_sentences(conn: sqlite3.Connection, doc_id: int, found: Extraction) -> None:
    for unit in found.sentences:
        cur = conn.execute(
            'INSERT INTO sentences (doc_id, start, "end", text) VALUES (?,?,?,?)',
            (doc_id, unit.start, unit.end, unit.text),
        )
        conn.execute(
            "INSERT INTO sentences_fts (rowid, text) VALUES (?, ?)", (cur.lastrowid, unit.text)
        )


def _insert_mentions(conn: sqlite3.Connection, doc_id: int, found: Extraction) -> None:
    conn.executemany(
        'INSERT INTO actor_mentions (doc_id, actor, term, start, "end") VALUES (?,?,?,?,?)',
        [(doc_id, m.key, m.text, m.start, m.end) for m in found.actors],
    )
    conn.executemany(
        'INSERT INTO issue_mentions (doc_id, issue, term, pole, start, "end") VALUES (?,?,?,?,?,?)',
        [(doc_id, m.key, m.text, m.pole, m.start, m.end) for m in found.issues],
    )


def _insert_claims(conn: sqlite3.Connection, doc_id: int, content: str, found: Extraction):
    conn.executemany(
        "INSERT OR IGNORE INTO claims (id, doc_id, actor, issue, stance, direction, cue, start,"
        ' "end", actor_start, actor_end, confidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)',
        [
            (
                claim_id(content, c.start, c.actor, c.issue, c.stance),
                doc_id,
                c.actor,
                c.issue,
                c.stance,
                c.direction,
                c.cue,
                c.start,
                c.end,
                c.actor_start,
                c.actor_end,
                c.confidence,
            )
            for c in found.claims
        ],
    )


def _insert_events(conn: sqlite3.Connection, doc_id: int, found: Extraction) -> None:
    conn.executemany(
        'INSERT INTO events (doc_id, date, precision, title, actors, start, "end")'
        " VALUES (?,?,?,?,?,?,?)",
        [
            (doc_id, e.date, e.precision, e.title, json.dumps(list(e.actors)), e.start, e.end)
            for e in found.events
        ],
    )


def _insert_figures(conn: sqlite3.Connection, doc_id: int, found: Extraction) -> None:
    conn.executemany(
        'INSERT INTO figures (doc_id, kind, value, unit, text, start, "end")'
        " VALUES (?,?,?,?,?,?,?)",
        [(doc_id, f.kind, f.value, f.unit, f.text, f.start, f.end) for f in found.figures],
    )
