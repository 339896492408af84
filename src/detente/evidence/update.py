"""Proposed changes to a scenario's judgments from stance claims published after its ``as_of``.

Each position (actor, issue) is read against the claims of its actor, or of its bloc's members
(the gazetteer's ``blocs``), on its issue, published after ``since`` (default: the scenario's
``as_of``). The rules are interpretive choices (docs/decisions.md, "Scenario update"):

- **Position and range.** Claims with a direction vote ``high`` or ``low``; the net vote
  ``(high - low) / (high + low)`` moves the ideal's mode by ``IDEAL_STEP`` points times the net
  vote when the vote leans away from the current side (or the position sits in the middle),
  and the range widens to keep the new mode inside it. Claims that agree change nothing.
- **Salience.** Every sentence beyond the first that states a demand or rejection raises the
  salience mode by ``SALIENCE_STEP`` points (at most ``SALIENCE_MAX_STEP`` in one update, never
  above 100): an actor that keeps insisting on an issue shows that it matters, and two claims
  read from one sentence are one statement.
- **Red line.** A categorical rejection ("will never accept", "rules out", "refuses") of the
  pole opposite the actor's ideal, when the position has no red line, proposes one
  ``RED_LINE_GAP`` points from the ideal toward the rejected pole.

Nothing is changed silently: :func:`propose_update` returns the changes with their quotes, and
:func:`apply_update` returns a new scenario dated by the newest claim used.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from detente.evidence.audit import bloc_members, position_side
from detente.evidence.queries import claims as stored_claims
from detente.evidence.queries import source_label
from detente.scenario import Citation, Scenario, Uncertain, bounds_of, mode_of

IDEAL_STEP = 10.0
SALIENCE_STEP = 5.0
SALIENCE_MAX_STEP = 15.0
RED_LINE_GAP = 30.0
CATEGORICAL_RE = re.compile(
    r"\b(?:never|will not|won[’']t|rul\w* out|refus\w*|categorical\w*|under no circumstances)\b",
    re.IGNORECASE,
)
MAX_QUOTE_WORDS = 60


@dataclass(frozen=True)
class Change:
    """One proposed change: which judgment, from what to what, why, and the claims behind it."""

    actor: str
    issue: str
    judgment: str  # ideal, salience or red_line
    old: Any
    new: Any
    reason: str
    claims: tuple[dict[str, Any], ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "actor": self.actor,
            "issue": self.issue,
            "judgment": self.judgment,
            "old": _plain(self.old),
            "new": _plain(self.new),
            "reason": self.reason,
            "claims": [_claim_summary(c) for c in self.claims],
        }


def _plain(value: Any) -> Any:
    return value.model_dump() if isinstance(value, Uncertain) else value


def _claim_summary(c: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": c["id"],
        "stance": c["stance"],
        "direction": c["direction"],
        "quote": quote_of(c["sentence"]),
        "source": source_label(c),
        "published": c["published"],
        "url": c.get("url"),
    }


def quote_of(sentence: str) -> str:
    """The claim's sentence, verbatim, cut to ``MAX_QUOTE_WORDS`` words."""
    words = sentence.split()
    return " ".join(words[:MAX_QUOTE_WORDS]) + (" …" if len(words) > MAX_QUOTE_WORDS else "")


@dataclass(frozen=True)
class UpdateProposal:
    """The proposal for one scenario: the window of claims read and the changes."""

    scenario: str
    since: dt.date | None
    until: dt.date | None
    claims_read: int
    changes: tuple[Change, ...]

    @property
    def newest(self) -> dt.date | None:
        """The publication date of the newest claim behind a change."""
        dates = [c["published"][:10] for ch in self.changes for c in ch.claims if c["published"]]
        return dt.date.fromisoformat(max(dates)) if dates else None


def propose_update(
    scenario: Scenario,
    conn: sqlite3.Connection,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    blocs: dict[str, list[str]] | None = None,
) -> UpdateProposal:
    """Changes to positions, saliences and red lines that claims published after ``since``
    (default: the scenario's ``as_of``) and by ``until`` propose."""
    from detente.evidence.audit import default_blocs

    blocs = default_blocs() if blocs is None else blocs
    since = since or scenario.as_of
    after = since.isoformat() if since else None
    by = until.isoformat() if until else None
    changes: list[Change] = []
    read = 0
    for p in scenario.positions:
        found = [
            c
            for a in bloc_members(p.actor, blocs)
            for c in stored_claims(conn, actor=a, issue=p.issue, published_after=after,
                                   published_by=by)
        ]  # fmt: skip
        read += len(found)
        changes.extend(_position_changes(p, found))
    return UpdateProposal(scenario.id, since, until, read, tuple(changes))


def _position_changes(p, found: list[dict[str, Any]]) -> list[Change]:
    out = []
    ideal = mode_of(p.ideal)
    side = position_side(ideal)
    votes = [c for c in found if c["direction"] in ("high", "low")]
    high = sum(c["direction"] == "high" for c in votes)
    low = len(votes) - high
    if votes:
        net = (high - low) / len(votes)
        leans = "high" if net > 0 else "low" if net < 0 else None
        if leans is not None and leans != side:
            new_mode = min(100.0, max(0.0, ideal + IDEAL_STEP * net))
            lo, hi = bounds_of(p.ideal)
            new = Uncertain(low=min(lo, new_mode), mode=round(new_mode, 2), high=max(hi, new_mode))
            out.append(
                Change(p.actor, p.issue, "ideal", p.ideal, new,
                       f"{high} claim(s) point high and {low} low; the position reads {side}",
                       tuple(votes))
            )  # fmt: skip
    insisting = [c for c in found if c["stance"] in ("demand", "reject")]
    statements = len({(c["doc_id"], c["start"]) for c in insisting})
    if statements > 1:
        step = min(SALIENCE_MAX_STEP, SALIENCE_STEP * (statements - 1))
        old = mode_of(p.salience)
        if old < 100.0:
            mode = min(100.0, old + step)
            lo, hi = bounds_of(p.salience)
            new = Uncertain(low=min(lo, mode), mode=mode, high=max(hi, mode))
            out.append(
                Change(p.actor, p.issue, "salience", p.salience, new,
                       f"{statements} sentences demand or reject on this issue", tuple(insisting))
            )  # fmt: skip
    far = "low" if side == "high" else "high" if side == "low" else None
    refusals = [
        c
        for c in found
        if c["stance"] == "reject"
        and far is not None
        and c["direction"] == side
        and CATEGORICAL_RE.search(c["sentence"])
    ]
    if refusals and p.red_line is None:
        line = ideal - RED_LINE_GAP if side == "high" else ideal + RED_LINE_GAP
        line = round(min(100.0, max(0.0, line)), 2)
        out.append(
            Change(p.actor, p.issue, "red_line", None, line,
                   f"categorical rejection of the {far} end", tuple(refusals))
        )  # fmt: skip
    return out


def apply_update(scenario: Scenario, proposal: UpdateProposal) -> Scenario:
    """A new scenario with the proposed changes, their claims cited, dated by the newest
    claim used (``as_of``); the input scenario is left as it is."""
    by_key: dict[tuple[str, str], list[Change]] = {}
    for ch in proposal.changes:
        by_key.setdefault((ch.actor, ch.issue), []).append(ch)
    positions = []
    for p in scenario.positions:
        changes = by_key.get((p.actor, p.issue), [])
        if not changes:
            positions.append(p)
            continue
        update: dict[str, Any] = {ch.judgment: ch.new for ch in changes}
        cited = {c.claim for c in p.citations}
        extra = [
            Citation(claim=c["id"])
            for ch in changes
            for c in ch.claims
            if c["id"] not in cited and not cited.add(c["id"])
        ]
        update["citations"] = p.citations + tuple(extra)
        positions.append(p.model_copy(update=update))
    as_of = max(filter(None, [scenario.as_of, proposal.newest]), default=None)
    data = scenario.model_dump()
    data["positions"] = [p.model_dump() for p in positions]
    data["as_of"] = as_of
    return Scenario.model_validate(data)


def format_change(ch: Change) -> list[str]:
    """Lines of a reviewable diff for one change, each claim with its quote and source."""
    lines = [
        f"{ch.actor} / {ch.issue}: {ch.judgment}",
        f"-   {_show(ch.old)}",
        f"+   {_show(ch.new)}",
        f"    because {ch.reason}:",
    ]
    for c in ch.claims:
        s = _claim_summary(c)
        lines.append(f'      "{s["quote"]}" — {s["source"]} [{s["stance"]}, claim {s["id"]}]')
    return lines


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, Uncertain):
        return f"{value.mode:g} [{value.low:g}..{value.high:g}]"
    return f"{float(value):g}"
