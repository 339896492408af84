"""``detente forecast --as-of`` and ``--over-time``: which snapshot of a series answers, and the
forecast over time as terminal tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text

from detente.cli.layout import Col, fit

TOP_ITEMS = 3
"""Items named per table and question in the terminal (the JSON has them all)."""
SHOWN_PP = 0.05
"""Smallest effect named in the terminal (it would print as +0.0)."""


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _pp(value: float) -> str:
    return f"{value:+.1f} pp"


def used_snapshot_lines(snapshot, day: dt.date, count: int) -> list[str]:
    """What ``--as-of`` chose and why nothing later entered."""
    s = snapshot.scenario
    first = (
        f"as of {day}: snapshot {s.id} (as_of {s.as_of}; the latest of {count} in series "
        f"{s.series or s.id} with as_of on or before {day})"
    )
    later = [x.id for x in s.sources if x.hindsight and x.date and s.as_of and x.date > s.as_of]
    if later:
        return [
            first,
            f"coded with hindsight: {', '.join(later)} dated after its as_of (marked hindsight)",
        ]
    return [
        first,
        f"every source it cites is dated on or before {s.as_of}, so nothing published after "
        f"{day} enters",
    ]


def over_time_table(data: dict[str, Any], width: int) -> list:
    """Table × event × snapshot date, with the change from the first to the last snapshot,
    and the base rate at each snapshot."""
    meta = data["meta"]
    dates = [s["as_of"] for s in meta["snapshots"]]
    rows = []
    for table_id, t in data["tables"].items():
        for n, q in enumerate(meta["questions"]):
            values = [r["by"][q] if r["by"] else None for r in t["snapshots"]]
            change = t["change_pp"][q] if t["change_pp"] else None
            rows.append([
                table_id if n == 0 else "",
                q,
                *(_pct(v) for v in values),
                "–" if change is None else _pp(change),
            ])  # fmt: skip
    first = next(iter(data["tables"].values()))
    for n, q in enumerate(meta["questions"]):
        base = [r["base_rate"][q] for r in first["snapshots"]]
        change = 100 * (base[-1] - base[0]) if len(base) > 1 else None
        rows.append([
            "base rate" if n == 0 else "",
            q,
            *(_pct(v) for v in base),
            "–" if change is None else _pp(change),
        ])  # fmt: skip
    cols = [Col("table"), Col("event"), *(Col(d, "right") for d in dates), Col("change", "right")]
    title = (
        f"Forecast over time, series {meta['series']}: P(event by {meta['by']}) at each snapshot"
    )
    note = (
        f"every snapshot answers the same questions (by {meta['by']}) with seed {meta['seed']} "
        f"and {meta['draws']:,} draws; change: last snapshot minus first, in percentage points. "
        "Criteria: docs/forecast-questions.md."
    )
    return [*fit(title, cols, rows, width, fallback=("compact", "stack")), Text(note, style="dim")]


def _item_words(item_id: str) -> str:
    """An item id in short words: ``position:russia/territory`` → ``russia/territory``,
    ``table:bilateral`` → ``table bilateral``, ``time:as_of`` → ``time``."""
    kind, _, rest = item_id.partition(":")
    if kind in ("position", "time"):
        return rest if kind == "position" else "time"
    return f"{kind.replace('_', ' ')} {rest}"


def moved_lines(step: dict[str, Any]) -> list[str]:
    """Per table and attributed question: the change, its largest items and the residual."""
    lines = [
        f"What moved them, {step['from_as_of']} → {step['to_as_of']} (each item of "
        f"{step['to']} applied alone to {step['from']}, {step['draws']:,} draws, same seed):"
    ]
    for table_id, t in step["tables"].items():
        for q, a in t.items():
            top = [i for i in a["items"] if abs(i["effect_pp"]) >= SHOWN_PP][:TOP_ITEMS]
            named = ", ".join(f"{_item_words(i['item'])} {i['effect_pp']:+.1f}" for i in top)
            more = len(a["items"]) - len(top)
            extra = f", {more} more" if more > 0 else ""
            lines.append(
                f"  {table_id} {q} {_pp(a['change_pp'])}: {named or 'no item'}{extra}; "
                f"residual {a['residual_pp']:+.1f}"
            )
    return lines


def _cited(item: dict[str, Any]) -> str:
    shown = []
    for s in item["sources"]:
        if s.get("source"):
            shown.append(f"{s['source']} {s['date'] or 'undated'}")
        elif s.get("claim"):
            shown.append(f"claim {s['claim']}")
    return ", ".join(dict.fromkeys(shown)) or "–"


def items_table(step: dict[str, Any], width: int) -> list:
    """Every item that changed between two snapshots, what changed and the sources cited."""
    rows = []
    for item in step["items"]:
        alone = "" if item["applied_alone"] else " (not applied alone)"
        rows.append([item["id"], "; ".join(item["details"]) + alone, _cited(item)])
    cols = [Col("item"), Col("change", prose=True), Col("sources (id, date)", prose=True)]
    title = f"Items that changed, {step['from']} → {step['to']} ({len(rows)})"
    return fit(title, cols, rows, width, fallback=("stack",))
