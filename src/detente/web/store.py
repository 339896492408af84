"""The dashboard's data directory: uploaded scenarios (validated YAML) and the run history
(SQLite, WAL). Nothing is written anywhere else; uploads are parsed in memory, never executed."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from pathlib import Path
from typing import Any

from detente.errors import InputError
from detente.scenario import (
    Scenario,
    bundled_path,
    bundled_scenarios,
    dump_yaml,
    load_scenario,
    loads,
)

MAX_UPLOAD_BYTES = 1024 * 1024
UPLOAD_SUFFIXES = (".yaml", ".yml", ".json", ".csv")
BUSY_TIMEOUT_S = 30.0
MAX_ROW_ID = 2**63 - 1
"""SQLite's largest rowid; a larger run id cannot exist."""
SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    created REAL NOT NULL,
    kind TEXT NOT NULL,
    scenario TEXT NOT NULL,
    input_hash TEXT NOT NULL,
    seed INTEGER NOT NULL,
    draws INTEGER NOT NULL,
    engine TEXT NOT NULL,
    edits TEXT NOT NULL,
    elapsed_ms REAL NOT NULL,
    summary TEXT NOT NULL,
    data TEXT NOT NULL
)
"""


def parse_upload(filename: str, raw: bytes) -> Scenario:
    """A scenario from an uploaded file's bytes (YAML, JSON or KTAB CSV), validated; errors
    name the uploaded file's name, the line and the field."""
    name = Path(filename or "upload.yaml").name
    if len(raw) > MAX_UPLOAD_BYTES:
        raise InputError(f"upload larger than {MAX_UPLOAD_BYTES // 1024} KiB", file=name)
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise InputError(
            f"expected a {', '.join(UPLOAD_SUFFIXES)} scenario, got {suffix or 'no suffix'}",
            file=name,
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("the file is not UTF-8 text", file=name) from None
    fmt = {".csv": "ktab-csv", ".json": "json"}.get(suffix, "yaml")
    return loads(text, fmt, file=name)


def _load_cached(path: Path) -> Scenario:
    """A scenario file, validated once per content (keyed by path, size and modification
    time), so that a burst of requests does not parse the same YAML again and again."""
    stat = path.stat()
    return _load_version(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=32)
def _load_version(path: str, size: int, mtime_ns: int) -> Scenario:
    return load_scenario(Path(path))


class TakenId(InputError):
    """An uploaded scenario's id is a bundled scenario's; ``suggest`` is a free one."""

    def __init__(self, taken: str, suggest: str) -> None:
        super().__init__(
            f"id {taken!r} is taken by a bundled scenario: upload it again as {suggest!r}",
            field="id",
        )
        self.suggest = suggest


class UploadExists(InputError):
    """An upload whose scenario id is already taken by an earlier upload."""


def free_id(taken: set[str], base: str) -> str:
    """``base`` with the smallest ``-N`` suffix not in ``taken``."""
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


class DataDir:
    """Uploaded scenarios under ``scenarios/`` and the run history in ``runs.db``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.uploads = root / "scenarios"
        self.uploads.mkdir(parents=True, exist_ok=True)
        self.db = root / "runs.db"
        self._write_lock = threading.Lock()
        with self._connect(write=True) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA_VERSION:
                conn.execute("DROP TABLE IF EXISTS runs")
            conn.execute(SCHEMA)
            columns = {r[1] for r in conn.execute("PRAGMA table_info(runs)")}
            for name in ("request_key", "label", "extra"):
                if name not in columns:
                    conn.execute(f"ALTER TABLE runs ADD COLUMN {name} TEXT")
            conn.execute("CREATE INDEX IF NOT EXISTS runs_key ON runs (request_key)")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _connect(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection for one transaction (committed on success), closed afterwards. Writers
        of this process take turns (a lock), and wait for other processes' writers up to
        :data:`BUSY_TIMEOUT_S` (SQLite's busy timeout; the journal is WAL, so readers never
        wait)."""
        with self._write_lock if write else nullcontext():
            conn = sqlite3.connect(self.db, timeout=BUSY_TIMEOUT_S)
            try:
                conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
                conn.row_factory = sqlite3.Row
                with conn:
                    yield conn
            finally:
                conn.close()

    # ---- scenarios ------------------------------------------------------------------------

    def uploaded(self) -> list[str]:
        """Ids of the uploaded scenarios."""
        return sorted(p.stem for p in self.uploads.glob("*.yaml"))

    def scenario_names(self) -> list[str]:
        """Bundled scenarios, then uploaded ones."""
        return bundled_scenarios() + self.uploaded()

    def load(self, name: str) -> Scenario:
        """A bundled or uploaded scenario by name (never a path)."""
        if name in bundled_scenarios():
            return _load_cached(bundled_path(name))
        if name in self.uploaded():
            return _load_cached(self.uploads / f"{name}.yaml")
        known = ", ".join(self.scenario_names())
        raise InputError(f"no scenario {name!r} (known: {known})", field="scenario")

    def save_upload(
        self, filename: str, raw: bytes, *, replace: bool = False, rename: str | None = None
    ) -> Scenario:
        """Validate an upload and keep it as YAML under its own id (ids are [a-z0-9_-]+), or
        under ``rename`` when given (so an exported bundled scenario can come back); an id
        already uploaded is refused unless ``replace``."""
        scenario = parse_upload(filename, raw)
        if rename:
            if not re.fullmatch(r"[a-z0-9_\-]+", rename):
                raise InputError(f"new id {rename!r} must be [a-z0-9_-]+", field="id")
            scenario = scenario.model_copy(update={"id": rename})
        if scenario.id in bundled_scenarios():
            raise TakenId(scenario.id, free_id(set(self.scenario_names()), scenario.id))
        target = (self.uploads / f"{scenario.id}.yaml").resolve()
        if target.parent != self.uploads.resolve():
            raise InputError(f"scenario id {scenario.id!r} is not a plain name", field="id")
        if target.exists() and not replace:
            taken = set(self.scenario_names())
            raise UploadExists(
                f"a scenario with id {scenario.id!r} was already uploaded; give the file another "
                f"id (e.g. {free_id(taken, scenario.id)!r}) or upload with replace=true",
                field="id",
            )
        target.write_text(dump_yaml(scenario), encoding="utf-8")
        return scenario

    # ---- run history ----------------------------------------------------------------------

    def record(
        self,
        kind: str,
        request: dict[str, Any],
        data: dict[str, Any],
        ms: float,
        key: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> int:
        """Keep a run (its request, its forecast data, its request key and what else the page
        shows) in the history; its id."""
        summary = {
            t: {
                **{c: v["p"] for c, v in table["outcome_classes"].items()},
                **table.get("by", {}),
            }
            for t, table in data["tables"].items()
        }
        row = (
            time.time(),
            kind,
            request["scenario"],
            data["meta"]["input_hash"],
            request["seed"],
            request["draws"],
            request["engine"],
            json.dumps(request.get("edits", {}), sort_keys=True),
            round(ms, 1),
            json.dumps(summary),
            json.dumps(data),
            key,
            json.dumps(extra or {}),
        )
        with self._connect(write=True) as conn:
            cur = conn.execute(
                "INSERT INTO runs (created, kind, scenario, input_hash, seed, draws, engine, "
                "edits, elapsed_ms, summary, data, request_key, extra) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            return int(cur.lastrowid)

    def find(self, key: str) -> dict[str, Any] | None:
        """The latest stored run with this request key, with its data, or None."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT id FROM runs WHERE request_key = ? ORDER BY id DESC LIMIT 1", (key,)
            ).fetchone()
        return None if row is None else self.run(int(row["id"]))

    def label(self, run_id: int, label: str) -> bool:
        """Name a run (at most 80 characters; empty clears it); False when there is no run."""
        if self.run(run_id) is None:
            return False
        with self._connect(write=True) as conn:
            conn.execute("UPDATE runs SET label = ? WHERE id = ?", (label[:80] or None, run_id))
        return True

    def history(self, limit: int = 100) -> list[dict[str, Any]]:
        """The latest runs, newest first, without their full data."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT id, created, kind, scenario, input_hash, seed, draws, engine, edits, "
                "elapsed_ms, summary, label FROM runs ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            {**dict(r), "edits": json.loads(r["edits"]), "summary": json.loads(r["summary"])}
            for r in rows
        ]

    def run(self, run_id: int) -> dict[str, Any] | None:
        """One stored run with its full forecast data (None when there is none)."""
        if not 1 <= run_id <= MAX_ROW_ID:
            return None
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            return None
        out = dict(row)
        for key in ("edits", "summary", "data"):
            out[key] = json.loads(out[key])
        out["extra"] = json.loads(out.get("extra") or "{}")
        return out
