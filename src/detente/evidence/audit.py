"""Auditing a scenario's judgments against the evidence store.

Rules (docs/evidence.md, "Audit"):

- A position's side is ``high`` when its ideal point (mode) is above 55 on the 0–100 scale,
  ``low`` below 45, ``middle`` otherwise. A stored claim by the same actor on the same issue
  supports the position when its direction equals that side and contradicts it when its
  direction is the opposite side; claims without a direction, and any claim on a ``middle``
  position, are listed as related.
- An actor's capability is ``strong`` when its mode is at or above the median of the
  scenario's actors, ``weak`` below. A sentence whose subject is the actor and which carries a
  strength cue (a larger military, leverage, advances) or a weakness cue (weakened, limited,
  vulnerable, loses) supports or contradicts that reading.
- Status: ``supported`` (support only), ``contested`` (both), ``contradicted`` (contradicting
  only), ``no evidence`` (neither). Judgments with no evidence are listed, not hidden.
"""

from __future__ import annotations

import re
import sqlite3
import statistics
from dataclasses import dataclass, field
from typing import Any

from detente.evidence.extract import _subject
from detente.evidence.lexicon import Mention
from detente.evidence.queries import claims as stored_claims
from detente.scenario import Scenario, mode_of

HIGH_ABOVE = 55.0
LOW_BELOW = 45.0
STRENGTH_RE = re.compile(
    r"\b(?:nuclear-armed|(?:much )?larger (?:military|army|economy)|most important (?:military|"
    r"diplomatic) backer|strongest|superpower|battlefield advances|advances|dominan\w+|"
    r"leverage over|military pressure|intensify military|supplied|provided \$)",
    re.IGNORECASE,
)
WEAKNESS_RE = re.compile(
    r"\b(?:weaken\w*|weak|limited|vulnerab\w+|cripple\w*|loses|lose|reduced leverage|"
    r"does not have equal leverage|not have equal|exposed|relian\w+ on|dependen\w+ on|"
    r"capacity to match [^.]* is limited)",
    re.IGNORECASE,
)


@dataclass
class JudgmentAudit:
    """One scenario judgment and the evidence for and against it."""

    kind: str
    actor: str
    issue: str | None
    value: float
    side: str
    support: list[dict[str, Any]] = field(default_factory=list)
    contradict: list[dict[str, Any]] = field(default_factory=list)
    related: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.support and self.contradict:
            return "contested"
        if self.support:
            return "supported"
        if self.contradict:
            return "contradicted"
        return "no evidence"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "actor": self.actor,
            "issue": self.issue,
            "value": self.value,
            "side": self.side,
            "status": self.status,
            "support": self.support,
            "contradict": self.contradict,
            "related": self.related,
        }


def position_side(ideal: float) -> str:
    """``high``, ``low`` or ``middle`` of an ideal point on the 0–100 scale."""
    if ideal > HIGH_ABOVE:
        return "high"
    if ideal < LOW_BELOW:
        return "low"
    return "middle"


OPPOSITE = {"high": "low", "low": "high"}


def bloc_members(actor: str, blocs: dict[str, list[str]] | None) -> list[str]:
    """The actor ids whose claims count as ``actor``'s: itself and, for a bloc, its members."""
    return [actor, *((blocs or {}).get(actor, []))]


def default_blocs() -> dict[str, list[str]]:
    """The bundled gazetteer's blocs (bloc id → member actor ids)."""
    from detente.evidence.lexicon import load_gazetteer

    return load_gazetteer().blocs


def audit_positions(
    scenario: Scenario,
    conn: sqlite3.Connection,
    blocs: dict[str, list[str]] | None = None,
    published_by: str | None = None,
) -> list[JudgmentAudit]:
    """Every position with the stored claims of its actor (or its bloc's members) on its
    issue, sorted by the rules; ``published_by`` keeps claims published by that date."""
    out = []
    for p in scenario.positions:
        ideal = mode_of(p.ideal)
        entry = JudgmentAudit("position", p.actor, p.issue, ideal, position_side(ideal))
        found = [
            c
            for a in bloc_members(p.actor, blocs)
            for c in stored_claims(conn, actor=a, issue=p.issue, published_by=published_by)
        ]
        for claim in found:
            direction = claim["direction"]
            if entry.side == "middle" or direction is None:
                entry.related.append(claim)
            elif direction == entry.side:
                entry.support.append(claim)
            elif direction == OPPOSITE[entry.side]:
                entry.contradict.append(claim)
        out.append(entry)
    return out


def audit_capabilities(
    scenario: Scenario, conn: sqlite3.Connection, blocs: dict[str, list[str]] | None = None
) -> list[JudgmentAudit]:
    """Every actor's capability with the sentences that call the actor strong or weak."""
    bloc_of = {m: b for b, members in (blocs or {}).items() for m in members}
    values = {a.id: mode_of(a.capability) for a in scenario.actors}
    median = statistics.median(values.values()) if values else 0.0
    entries = {
        a: JudgmentAudit("capability", a, None, v, "strong" if v >= median else "weak")
        for a, v in values.items()
    }
    for evidence in capability_evidence(conn):
        entry = entries.get(evidence["actor"]) or entries.get(bloc_of.get(evidence["actor"], ""))
        if entry is None:
            continue
        if evidence["reading"] == entry.side:
            entry.support.append(evidence)
        else:
            entry.contradict.append(evidence)
    return list(entries.values())


def capability_evidence(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Sentences whose subject actor is called strong or weak (weakness cues win)."""
    out = []
    docs = conn.execute("SELECT id, name, text FROM documents ORDER BY id").fetchall()
    for doc_id, name, text in docs:
        mentions = [
            Mention(r["start"], r["end"], r["actor"], r["term"])
            for r in conn.execute(
                'SELECT actor, term, start, "end" FROM actor_mentions WHERE doc_id=?'
                " ORDER BY start",
                (doc_id,),
            )
        ]
        for s_start, s_end, sentence in conn.execute(
            'SELECT start, "end", text FROM sentences WHERE doc_id=? ORDER BY start', (doc_id,)
        ):
            cue = WEAKNESS_RE.search(sentence) or STRENGTH_RE.search(sentence)
            if cue is None:
                continue
            reading = "weak" if cue.re is WEAKNESS_RE else "strong"
            inside = [m for m in mentions if s_start <= m.start and m.end <= s_end]
            subject = _subject(text, inside, s_start, s_start, s_start + cue.start(), first=True)
            if subject is None:
                continue
            out.append(
                {
                    "actor": subject.key,
                    "reading": reading,
                    "cue": cue.group(),
                    "doc_id": doc_id,
                    "doc": name,
                    "start": s_start,
                    "end": s_end,
                    "sentence": sentence,
                }
            )
    return out


def audit(
    scenario: Scenario,
    conn: sqlite3.Connection,
    blocs: dict[str, list[str]] | None = None,
    published_by: str | None = None,
) -> dict[str, Any]:
    """The audit of a scenario: positions, capabilities, and claim citations not in the store.

    ``blocs`` (default: the bundled gazetteer's) maps a scenario actor that stands for a group
    of states to the states whose claims count as its own; ``published_by`` (YYYY-MM-DD)
    audits positions against claims published by that date only.
    """
    blocs = default_blocs() if blocs is None else blocs
    judgments = audit_capabilities(scenario, conn, blocs) + audit_positions(
        scenario, conn, blocs, published_by
    )
    known = {r[0] for r in conn.execute("SELECT id FROM claims")}
    cited = sorted(
        {c.claim for p in scenario.positions for c in p.citations if c.claim}
        | {c.claim for a in scenario.actors for c in a.citations if c.claim}
    )
    return {
        "scenario": scenario.id,
        "judgments": [j.as_dict() for j in judgments],
        "no_evidence": [
            {"kind": j.kind, "actor": j.actor, "issue": j.issue}
            for j in judgments
            if j.status == "no evidence"
        ],
        "unknown_claim_citations": [c for c in cited if c not in known],
    }
