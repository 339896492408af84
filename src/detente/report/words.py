"""Plain words for the report and the dashboard: readable labels for internal ids, a glossary,
which end of each 0–100 scale is whose, and how sources are cited."""

from __future__ import annotations

import re
from typing import Any

QUESTION_LABELS = {
    "ceasefire": "ceasefire",
    "agreement": "signed agreement",
    "abandoned": "format abandoned",
    "ongoing": "still fighting, still talking",
}
QUESTION_GOOD = {"ceasefire": True, "agreement": True, "abandoned": False, "ongoing": False}
"""Whether a rise in each dated question's probability is good news for peace."""

CLASS_LABELS = {
    "comprehensive_settlement": "settlement",
    "ceasefire_frozen_conflict": "frozen ceasefire",
    "partial_agreement": "partial deal, war goes on",
    "collapse_war": "war",
}
CLASS_GOOD = {
    "comprehensive_settlement": True,
    "ceasefire_frozen_conflict": True,
    "partial_agreement": True,
    "collapse_war": False,
}
PROTOCOL_LABELS = {
    "alternating_offers": "alternating offers",
    "single_text": "single negotiating text",
    "backchannel": "backchannel",
}
FEW_DRAWS = 30
"""Below this many simulated draws a share is shown greyed out with its count."""
QUESTIONS_DOC = "docs/forecast-questions.md"
VALIDATION_DOC = "docs/validation.md"

GLOSSARY: dict[str, str] = {
    "ceasefire": (
        "Dated question: a ceasefire takes effect that covers the whole front, is acknowledged "
        "by both belligerents and is meant to last at least 28 days."
    ),
    "signed agreement": (
        "Dated question: both belligerents sign a comprehensive agreement that settles the main "
        "issues of the war (or a binding procedure for them), beyond a ceasefire."
    ),
    "format abandoned": (
        "Dated question: the format stops: its mediator withdraws, a party walks out for 90 days "
        "or the talks are declared over."
    ),
    "still fighting, still talking": (
        "Dated question: none of ceasefire, agreement or abandonment has happened by the date."
    ),
    "base rate": (
        "How often wars of this kind and age reach each event, month by month, fitted on UCDP "
        "conflict-termination data; the outside view the model is compared with."
    ),
    "coerced": (
        "A settlement counts as coerced when some party accepted terms worth less to it than its "
        "outside option (the war), or when the weaker belligerent bears a loss many times the "
        "stronger one's."
    ),
    "partial deal": (
        "One-shot outcome class: the war goes on (no settlement, no freeze either side accepts), "
        "but both belligerents at the table prefer a limited deal on an issue that can be "
        "settled alone (prisoner exchanges, a pause in strikes on energy sites) to none. It has "
        "no dated question: no base rate of such deals exists to anchor one."
    ),
    "treaty holds": "The share of settlements still standing after so many years.",
    "peace holds": (
        "The share of all draws in which a settlement or a frozen ceasefire still stands; failed "
        "talks count as broken."
    ),
    "ceasefire holds": (
        "If a ceasefire takes effect: the chance that war between the belligerents does not "
        "resume within 1, 2 or 5 years."
    ),
    "μ*": (
        "Morris's mean absolute elementary effect: how far a result moves, on average, when one "
        "judgment is moved across its range (Campolongo, Cariboni and Saltelli 2007)."
    ),
    "salience": "How much an actor cares about an issue, 0–100, relative to its other issues.",
    "leverage": ("How much pressure a mediator can bring (costs imposed or side payments), 0–1."),
    "bias": "How far a mediator leans toward one side, 0 (even-handed) to 1.",
    "capability": "An actor's power to shape the outcome (military, economic, diplomatic).",
    "alternating offers": (
        "Protocol: the parties take turns proposing terms; each accepts an offer it prefers to "
        "fighting on (Rubinstein 1982)."
    ),
    "single negotiating text": (
        "Protocol: a mediator drafts one text and amends it round by round until every party "
        "with a veto accepts it or talks stop (Raiffa 1982)."
    ),
    "backchannel": (
        "Protocol: two drafters agree a text between themselves and put it to the other "
        "parties, who take it or leave it."
    ),
    "Monte Carlo 95%": (
        "The interval from simulation noise alone (binomial bound over the draws); it says "
        "nothing about whether the judgments are right."
    ),
    "engine range": (
        "The lowest and highest probability over the collective-decision engines (compromise, "
        "Nash, Bueno de Mesquita, SMP, exchange)."
    ),
}


def short(name: str) -> str:
    """A name without its parenthesised gloss: "Turkey (host and chair …)" → "Turkey"."""
    return re.sub(r"\s*\(.*\)\s*$", "", name).strip() or name


class Labels:
    """Readable names for a scenario's ids (actors, issues, tables, mechanisms, inputs)."""

    def __init__(self, scenario: Any | None = None) -> None:
        self.actors: dict[str, str] = {}
        self.issues: dict[str, str] = {}
        self.tables: dict[str, str] = {}
        self.mechanisms: dict[str, str] = {}
        if scenario is not None:
            self.actors = {a.id: short(a.name) for a in scenario.actors}
            self.issues = {i.id: short(i.name) for i in scenario.issues}
            self.tables = {t.id: short(t.name) for t in scenario.tables}
            self.mechanisms = {m.id: m.name for m in scenario.mechanisms}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Labels:
        """Labels from a forecast's JSON alone (table names; other ids as words)."""
        labels = cls()
        labels.tables = {t: short(v.get("name") or t) for t, v in data["tables"].items()}
        return labels

    def actor(self, key: str) -> str:
        return self.actors.get(key, _words(key))

    def issue(self, key: str) -> str:
        return self.issues.get(key, _words(key))

    def table(self, key: str) -> str:
        return self.tables.get(key, _words(key))

    def mechanism(self, key: str) -> str:
        return self.mechanisms.get(key, _words(key))

    def input(self, key: str) -> str:
        """A sensitivity input id in words: ``capability[ukraine]`` → "Ukraine's capability"."""
        m = re.fullmatch(r"([a-z_]+)\[(.*)\]", key)
        if m is None:
            return _words(key)
        kind, args = m.group(1), [a.strip() for a in m.group(2).split(",")]
        one = args[0]
        if kind == "capability":
            return f"{_possessive(self.actor(one))} capability"
        if kind in ("ideal", "salience") and len(args) == 2:
            what = "ideal point" if kind == "ideal" else "salience"
            return f"{_possessive(self.actor(one))} {what} on {self.issue(args[1])}"
        if kind == "status_quo":
            return f"status quo on {self.issue(one)}"
        if kind == "war_cost":
            return f"cost of war to {self.actor(one)}"
        if kind == "trend":
            return f"{_possessive(self.actor(one))} monthly trend"
        if kind == "meetings_per_month":
            return f"meetings a month at {self.table(one)}"
        if kind in ("leverage", "bias"):
            return f"mediator's {kind} at {self.table(one)}"
        if kind == "shock" and len(args) == 3:
            return f"shock {args[2].lstrip('#')} to {self.actor(args[1])} at {self.table(one)}"
        return _words(key)


def _words(key: str) -> str:
    return key.replace("_", " ")


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def scale_ends(scenario: Any) -> dict[str, dict[str, str]]:
    """For each issue, whose end of the 0–100 scale is which: the belligerent (or, without a
    war, the first two actors with positions) whose ideal point lies nearer 0 or 100."""
    labels = Labels(scenario)
    ideals: dict[str, dict[str, float]] = {}
    for p in scenario.positions:
        ideals.setdefault(p.issue, {})[p.actor] = float(getattr(p.ideal, "mode", p.ideal))
    sides = list(scenario.war.belligerents) if scenario.war is not None else []
    out = {}
    for issue in scenario.issues:
        found = ideals.get(issue.id, {})
        who = [a for a in sides if a in found] or list(found)[:2]
        if len(who) < 2:
            continue
        low, high = sorted(who[:2], key=lambda a: found[a])
        if found[low] == found[high]:
            continue
        out[issue.id] = {"0": labels.actor(low), "100": labels.actor(high)}
    return out


def source_text(source: Any) -> dict[str, str]:
    """A scenario source as outlet, title, date and address (URL, else the stored file)."""
    return {
        "id": source.id,
        "title": source.title,
        "outlet": source.outlet or (source.author and f"by {source.author}") or "",
        "date": str(source.date) if source.date else "",
        "url": source.url or "",
        "file": "" if source.url else (source.file or ""),
    }
