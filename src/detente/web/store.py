"""The dashboard's data directory: uploaded scenarios (validated YAML) and the run history
(SQLite, WAL). Nothing is written anywhere else; uploads are parsed in memory, never executed."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from detente.errors import InputError
from detente.scenario import Scenario, bundled_scenarios, dump_yaml, load_scenario, loads

MAX_UPLOAD_BYTES = 1024 * 1024
UPLOAD_SUFFIXES = (".yaml", ".yml", ".json", ".csv")
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


class TakenId(InputError):
    """An uploaded scenario's id is a bundled scenario's; ``suggest`` is a free one."""

    def __init__(self, taken: str, suggest: str) -> None:
        super().__init__(
            f"id {taken!r} is taken by a bundled scenario: upload it again as {suggest!r}",
            field="id",
        )
        self.suggest = suggest


class DataDir:
    """Uploaded scenarios under ``scenarios/`` and the run history in ``runs.db``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.uploads = root / "scenarios"
        self.uploads.mkdir(parents=True, exist_ok=True)
        self.db = root / "runs.db"
        with self._connect() as conn:
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
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection for one transaction (committed on success), closed afterwards."""
        conn = sqlite3.connect(self.db, timeout=10)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
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
            return load_scenario(name)
        if name in self.uploaded():
            return load_scenario(self.uploads / f"{name}.yaml")
        known = ", ".join(self.scenario_names())
        raise InputError(f"no scenario {name!r} (known: {known})", field="scenario")

    def free_id(self, taken: str) -> str:
        """An unused id derived from a taken one: ``ukraine-2025-copy``, ``-copy-2``, …"""
        names = set(self.scenario_names())
        candidate, n = f"{taken}-copy", 2
        while candidate in names:
            candidate, n = f"{taken}-copy-{n}", n + 1
        return candidate

    def save_upload(self, filename: str, raw: bytes, rename: str | None = None) -> Scenario:
        """Validate an upload and keep it as YAML under its own id (ids are [a-z0-9_-]+), or
        under ``rename`` when given (an exported bundled scenario can so come back)."""
        scenario = parse_upload(filename, raw)
        if rename:
            if not re.fullmatch(r"[a-z0-9_\-]+", rename):
                raise InputError(f"new id {rename!r} must be [a-z0-9_-]+", field="id")
            scenario = scenario.model_copy(update={"id": rename})
        if scenario.id in bundled_scenarios():
            raise TakenId(scenario.id, self.free_id(scenario.id))
        target = (self.uploads / f"{scenario.id}.yaml").resolve()
        if target.parent != self.uploads.resolve():
            raise InputError(f"scenario id {scenario.id!r} is not a plain name", field="id")
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
        with self._connect() as conn:
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

    def label(self, run_id: int, label: str) -> None:
        """Name a run (at most 80 characters; empty clears it)."""
        self.run(run_id)
        with self._connect() as conn:
            conn.execute("UPDATE runs SET label = ? WHERE id = ?", (label[:80] or None, run_id))

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

    def run(self, run_id: int) -> dict[str, Any]:
        """One stored run with its full forecast data."""
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise InputError(f"no run {run_id}", field="run")
        out = dict(row)
        for key in ("edits", "summary", "data"):
            out[key] = json.loads(out[key])
        out["extra"] = json.loads(out.get("extra") or "{}")
        return out
