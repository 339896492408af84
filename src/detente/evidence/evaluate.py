"""Precision and recall of the extraction against a gold file (JSON lines), and the agreement of
two gold files on the same documents.

Each gold line is ``{"doc": <file name>, "type": "actor"|"claim"|"event"|"figure", ...}``:

- actor: ``actor`` (an actor id). Matched per document as a set.
- claim: ``actor``, ``issue``, ``stance``. Matched per document as a set of triples.
- event: ``date`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), optional ``title`` and ``actors``.
  Matched one to one per document on the date string; a matched pair's actor sets are compared
  by Jaccard overlap, reported apart.
- figure: ``kind`` (money, people, duration, percent), ``value`` (a number in base units:
  66.5e9 for "$66.5 billion"), ``unit`` (USD, EUR, GBP, people, day, hour, minute, week,
  month, year, %). Matched per document as a set, values within 0.5 %.

Only documents named in the gold file are scored; extractions from other documents are ignored.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detente.errors import InputError

TYPES = ("actor", "claim", "event", "figure")
REQUIRED = {
    "actor": ("actor",),
    "claim": ("actor", "issue", "stance"),
    "event": ("date",),
    "figure": ("kind", "value", "unit"),
}
VALUE_TOLERANCE = 0.005


@dataclass(frozen=True)
class Score:
    """True positives, extracted and gold counts of one item type."""

    kind: str
    tp: int
    extracted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.extracted if self.extracted else float("nan")

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else float("nan")

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r > 0 else 0.0


@dataclass(frozen=True)
class Evaluation:
    """Scores per item type, the mean event-actor overlap and gold documents not in the store."""

    scores: dict[str, Score]
    event_actor_jaccard: float
    missing_docs: tuple[str, ...]


def read_gold(path: Path) -> list[dict[str, Any]]:
    """Gold items from a JSON-lines file; a bad line is reported with its number."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=path) from None
    if b"\x00" in raw:
        raise InputError("binary file, expected JSON lines", file=path)
    try:
        lines = raw.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("invalid UTF-8, expected JSON lines", file=path, line=line) from None
    items = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", file=path, line=number) from None
        except RecursionError:
            raise InputError("invalid JSON: nested too deeply", file=path, line=number) from None
        if not isinstance(item, dict) or item.get("type") not in TYPES or "doc" not in item:
            raise InputError(
                f"expected an object with doc and type ({', '.join(TYPES)})", file=path, line=number
            )
        missing = [f for f in REQUIRED[item["type"]] if f not in item]
        if missing:
            raise InputError(f"a {item['type']} needs {', '.join(missing)}", file=path, line=number)
        quotes = item.get("quotes", [])
        if not isinstance(quotes, list) or not all(isinstance(q, str) for q in quotes):
            raise InputError("quotes must be a list of strings", file=path, line=number)
        items.append(item)
    return items


def extracted_items(conn: sqlite3.Connection, docs: set[str]) -> list[dict[str, Any]]:
    """The store's extractions for the named documents, in the gold file's shape."""
    out: list[dict[str, Any]] = []
    by_name = {r["name"]: r["id"] for r in conn.execute("SELECT id, name FROM documents")}
    for name in sorted(docs & set(by_name)):
        doc_id = by_name[name]
        q = conn.execute
        for (actor,) in q("SELECT DISTINCT actor FROM actor_mentions WHERE doc_id=?", (doc_id,)):
            out.append({"doc": name, "type": "actor", "actor": actor})
        for a, i, s in q(
            "SELECT DISTINCT actor, issue, stance FROM claims WHERE doc_id=?", (doc_id,)
        ):
            out.append({"doc": name, "type": "claim", "actor": a, "issue": i, "stance": s})
        for date, title, actors in q(
            "SELECT date, title, actors FROM events WHERE doc_id=? ORDER BY start", (doc_id,)
        ):
            out.append(
                {"doc": name, "type": "event", "date": date, "title": title,
                 "actors": json.loads(actors)}
            )  # fmt: skip
        for kind, value, unit in q(
            "SELECT DISTINCT kind, value, unit FROM figures WHERE doc_id=?", (doc_id,)
        ):
            out.append({"doc": name, "type": "figure", "kind": kind, "value": value, "unit": unit})
    return out


def evaluate(
    conn: sqlite3.Connection, gold: list[dict[str, Any]], blocs: dict[str, str] | None = None
) -> Evaluation:
    """Precision and recall per item type of the store against ``gold``.

    ``blocs`` (member actor id → bloc id, :meth:`Gazetteer.bloc_of`) scores gold written at the
    level of a scenario's blocs and with a smaller vocabulary: extracted actors, claims and
    event actors are mapped to their blocs first, and actors the gold never uses are dropped.
    """
    docs = {g["doc"] for g in gold}
    stored = {r[0] for r in conn.execute("SELECT name FROM documents")}
    found = extracted_items(conn, docs)
    if blocs is not None:
        known = {g["actor"] for g in gold if "actor" in g}
        known |= {a for g in gold for a in g.get("actors", [])}
        found = [x for x in (_to_blocs(x, blocs, known) for x in found) if x is not None]
    scores, mean_jaccard = compare(gold, found)
    return Evaluation(scores, mean_jaccard, tuple(sorted(docs - stored)))


def agreement(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> Evaluation:
    """How far two annotations of the same documents agree, matched as :func:`evaluate`
    matches the extraction (``first`` in the gold's place, so recall is the share of the
    first's items the second also has). Only documents both annotate are compared, the others
    reported as missing, and only item types both annotate are scored."""
    shared = {g["doc"] for g in first} & {g["doc"] for g in second}
    only_one = {g["doc"] for g in [*first, *second]} - shared
    scores, mean_jaccard = compare(
        [g for g in first if g["doc"] in shared], [g for g in second if g["doc"] in shared]
    )
    both = {g["type"] for g in first} & {g["type"] for g in second}
    scores = {k: s for k, s in scores.items() if k in both}
    return Evaluation(scores, mean_jaccard, tuple(sorted(only_one)))


def compare(
    gold: list[dict[str, Any]], found: list[dict[str, Any]]
) -> tuple[dict[str, Score], float]:
    """Scores per item type of ``found`` items against ``gold`` items (both in the gold
    file's shape), and the mean actor overlap of matched events."""
    scores = {}
    jaccards: list[float] = []
    for kind in TYPES:
        g = [x for x in gold if x["type"] == kind]
        e = [x for x in found if x["type"] == kind]
        if kind == "event":
            tp, jac = _match_events(g, e)
            jaccards.extend(jac)
        elif kind == "figure":
            tp, e = _match_figures(g, e)
        else:
            fields = REQUIRED[kind]
            g_set = {(x["doc"], *(x[f] for f in fields)) for x in g}
            e_set = {(x["doc"], *(x[f] for f in fields)) for x in e}
            g, e, tp = list(g_set), list(e_set), len(g_set & e_set)
        scores[kind] = Score(kind, tp, len(e), len(g))
    return scores, (sum(jaccards) / len(jaccards) if jaccards else float("nan"))


def _to_blocs(item: dict[str, Any], blocs: dict[str, str], known: set[str]) -> dict | None:
    item = dict(item)
    if "actor" in item:
        item["actor"] = blocs.get(item["actor"], item["actor"])
        if item["actor"] not in known:
            return None
    if "actors" in item:
        item["actors"] = sorted({blocs.get(a, a) for a in item["actors"]} & known)
    return item


def _match_events(gold: list[dict], found: list[dict]) -> tuple[int, list[float]]:
    tp, jaccards = 0, []
    pool: dict[tuple[str, str], list[dict]] = {}
    for e in found:
        pool.setdefault((e["doc"], e["date"]), []).append(e)
    for g in gold:
        candidates = pool.get((g["doc"], g["date"]), [])
        if not candidates:
            continue
        gold_actors = set(g.get("actors", []))
        best = max(candidates, key=lambda e: _jaccard(gold_actors, set(e.get("actors", []))))
        candidates.remove(best)
        tp += 1
        if "actors" in g and "actors" in best:
            jaccards.append(_jaccard(gold_actors, set(best["actors"])))
    return tp, jaccards


def _jaccard(a: set, b: set) -> float:
    return 1.0 if not a and not b else len(a & b) / len(a | b)


def _match_figures(gold: list[dict], found: list[dict]) -> tuple[int, list[dict]]:
    unique = list(
        {(f["doc"], f["kind"], f["unit"], round(f["value"], 6)): f for f in found}.values()
    )
    pool = Counter((f["doc"], f["kind"], f["unit"], f["value"]) for f in unique)
    tp = 0
    for g in gold:
        for key in list(pool):
            doc, kind, unit, value = key
            close = abs(value - float(g["value"])) <= VALUE_TOLERANCE * abs(float(g["value"]))
            if pool[key] and (doc, kind, unit) == (g["doc"], g["kind"], g["unit"]) and close:
                pool[key] -= 1
                tp += 1
                break
    return tp, unique
