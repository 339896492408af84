"""The differences between negotiation tables that matter, read off a forecast's data."""

from __future__ import annotations

from typing import Any

from detente.forecast.aggregate import FEW_DRAWS

ISSUE_POINTS = 5.0
"""Settlement medians closer than this (on 0–100) are not called different."""
DATED_POINTS = 5.0
"""Dated probabilities closer than this many points are not called different."""


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (a["high"] < b["low"] or b["high"] < a["low"])


def differences(data: dict[str, Any], baseline: str | None = None) -> list[str]:
    """Sentences naming, for every table against the baseline (default: the first), the outcome
    classes whose 95% intervals do not overlap and the issues whose settlement medians differ by
    at least :data:`ISSUE_POINTS`."""
    tables = data["tables"]
    if not tables:
        return []
    order = [t for t in data.get("meta", {}).get("tables", []) if t in tables] or list(tables)
    base_id = baseline or order[0]
    if base_id not in tables:
        from detente.errors import InputError

        raise InputError(
            f"unknown table {base_id!r}, expected one of {', '.join(tables)}", field="baseline"
        )
    base = tables[base_id]
    lines = []
    settled = base["outcome_classes"]["comprehensive_settlement"]["draws"]
    if settled < FEW_DRAWS:
        lines.append(
            f"note: {base_id}'s settlement terms rest on {settled} settled draws; "
            "differences in terms are not reported"
        )
    for table_id in order:
        t = tables[table_id]
        if table_id == base_id:
            continue
        lines += _dated_differences(table_id, t, base_id, base, data.get("meta", {}).get("by"))
        for name, cls in t["outcome_classes"].items():
            ref = base["outcome_classes"][name]
            if not _overlap(cls, ref):
                delta = 100 * (cls["p"] - ref["p"])
                lines.append(
                    f"{table_id} vs {base_id}: {name.replace('_', ' ')} {delta:+.0f} points "
                    f"({100 * ref['p']:.0f}% → {100 * cls['p']:.0f}%)"
                )
        for issue, s in t["settlement"].items():
            ref = base["settlement"][issue]
            if s["median"] is None or ref["median"] is None:
                continue
            if min(s["draws"], ref["draws"]) < FEW_DRAWS:
                continue
            if abs(s["median"] - ref["median"]) >= ISSUE_POINTS:
                lines.append(
                    f"{table_id} vs {base_id}: {issue} settles at {s['median']:.0f} "
                    f"instead of {ref['median']:.0f}"
                )
    return lines or [f"no table differs from {base_id} beyond Monte Carlo noise"]


def _dated_differences(table_id, t, base_id, base, by) -> list[str]:
    """The dated questions that differ by at least :data:`DATED_POINTS` points."""
    if "by" not in t or "by" not in base:
        return []
    out = []
    for question, p in t["by"].items():
        ref = base["by"][question]
        if abs(p - ref) * 100 >= DATED_POINTS:
            out.append(
                f"{table_id} vs {base_id}: P({question} by {by}) {100 * (p - ref):+.0f} points "
                f"({100 * ref:.0f}% → {100 * p:.0f}%)"
            )
    return out
