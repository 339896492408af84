"""Rule-based, deterministic extraction from an article's stored text.

Units are sentences, list items and table rows; every item keeps character offsets into the
stored text. The rules are documented in docs/evidence.md.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from dataclasses import dataclass, field

from detente.evidence.dates import find_dates
from detente.evidence.figures import Figure, find_figures
from detente.evidence.lexicon import Gazetteer, IssueLexicon, Mention, cue_regex
from detente.evidence.stance_model import StanceModel, find_candidates, model_claims, model_reads

# --- units ----------------------------------------------------------------------------------

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sen", "rep", "gov", "no", "vs", "etc",
    "jan", "feb", "aug", "sept", "oct", "nov", "dec", "approx", "inc", "ltd", "jr", "sr", "pres",
}  # fmt: skip
SENTENCE_END_RE = re.compile(r"[.!?][\"”’)\]]*(?:\s+|(?=[A-Z][a-z]))")
TABLE_SEPARATOR_RE = re.compile(r"^\|?\s*:?-{2,}")


@dataclass(frozen=True)
class Unit:
    """A sentence or a table row: its span and whether it is a table row."""

    start: int
    end: int
    text: str
    row: bool = False


def split_units(text: str) -> list[Unit]:
    """Sentences of each line; a Markdown table row is one unit (its separator row none)."""
    units: list[Unit] = []
    pos = 0
    for line in text.split("\n"):
        line_start, pos = pos, pos + len(line) + 1
        stripped = line.strip()
        if not stripped or TABLE_SEPARATOR_RE.match(stripped):
            continue
        if stripped.startswith("|"):
            units.append(Unit(line_start, line_start + len(line), line, row=True))
            continue
        units.extend(_sentences(line, line_start))
    return units


def _sentences(line: str, offset: int) -> list[Unit]:
    out = []
    start = 0
    for m in SENTENCE_END_RE.finditer(line):
        before = line[start : m.start() + 1]
        if _ends_with_abbreviation(before) or m.end() >= len(line):
            continue
        if m.end() == m.start() + 1 and not re.search(r"[a-z]{3}[.!?]$", before):
            continue  # no space after the stop: split only after a lowercase word ("tion.Next")
        out.append(_unit(line, start, m.start() + 1, offset))
        start = m.end()
    if line[start:].strip():
        out.append(_unit(line, start, len(line), offset))
    return out


def _unit(line: str, start: int, end: int, offset: int) -> Unit:
    lead = len(line[start:end]) - len(line[start:end].lstrip())
    trail = len(line[start:end]) - len(line[start:end].rstrip())
    s, e = start + lead, end - trail
    return Unit(offset + s, offset + e, line[s:e])


def _ends_with_abbreviation(text: str) -> bool:
    word = text.rsplit(None, 1)[-1] if text.strip() else ""
    word = word.rstrip(".!?").lstrip('("“')
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word) or len(word) == 1:
        return True  # U.S., D.C., e.g., initials
    return word.lower() in ABBREVIATIONS


# --- issues named by reference ---------------------------------------------------------------

ANAPHOR_RE = re.compile(
    r"\b(?:the|this|that|these|those|such an?|such)\s+(?:[a-z]+\s+)?"
    r"(?:proposals?|plans?|demands?|ultimatum|offer|idea|initiative|conditions?|terms|measure)\b",
    re.IGNORECASE,
)
ANAPHOR_REACH = 2
"""How many sentences back a reference ("the proposal", "that demand") looks for the issues it
refers to."""


def with_anaphora(units: list[Unit], issues: list[Mention]) -> list[Mention]:
    """Issue mentions plus, in a sentence that names no issue but refers back to a proposal,
    demand, plan or ultimatum ("Kyiv finds this proposal unacceptable"), the issues of the
    nearest of the previous :data:`ANAPHOR_REACH` sentences that names some, at the span of the
    reference (with that sentence's poles)."""
    out = list(issues)
    recent: list[list[Mention]] = []
    for unit in units:
        own = _inside(issues, unit.start, unit.end)
        if own:
            recent = (recent + [own])[-ANAPHOR_REACH:]
            continue
        ref = ANAPHOR_RE.search(unit.text)
        antecedent = next((r for r in reversed(recent) if r), [])
        if ref is not None and antecedent:
            start, end = unit.start + ref.start(), unit.start + ref.end()
            for key in sorted({m.key for m in antecedent}):
                pole = next((m.pole for m in antecedent if m.key == key and m.pole), None)
                out.append(Mention(start, end, key, ref.group(), False, pole))
        recent = (recent + [[]])[-ANAPHOR_REACH:]
    return sorted(out, key=lambda m: (m.start, m.end, m.key))


# --- extracted items --------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """An actor's stance on an issue, read from one sentence."""

    actor: str
    issue: str
    stance: str
    start: int
    end: int
    actor_start: int
    actor_end: int
    cue: str
    direction: str | None
    confidence: float | None = None
    """The stance model's probability (None for a claim of the cue rules alone)."""


def claim_in(unit, actor: Mention, issue: str, stance: str, cue: str, poles: list[str]) -> Claim:
    """The claim of ``actor``'s ``stance`` on ``issue`` in the sentence ``unit`` (its direction
    read from the issue's ``poles`` the cue governs)."""
    return Claim(
        actor=actor.key,
        issue=issue,
        stance=stance,
        start=unit.start,
        end=unit.end,
        actor_start=actor.start,
        actor_end=actor.end,
        cue=cue,
        direction=_direction(stance, poles),
    )


@dataclass(frozen=True)
class Event:
    """A dated event: its date at its precision, a short title and the actors involved."""

    date: str
    precision: str
    title: str
    actors: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one document."""

    actors: tuple[Mention, ...]
    issues: tuple[Mention, ...]
    claims: tuple[Claim, ...]
    events: tuple[Event, ...]
    figures: tuple[Figure, ...]
    sentences: tuple[Unit, ...] = field(default=())


def extract(
    text: str,
    gazetteer: Gazetteer,
    lexicon: IssueLexicon,
    *,
    default_year: int | None = None,
    doc_date: dt.date | None = None,
    parser: bool = True,
    stance_model: StanceModel | None = None,
) -> Extraction:
    """Actors, issue mentions, stance claims, dated events and figures of one text.

    ``doc_date`` (the publication date) resolves weekdays and dates without a year. Claims
    come from the dependency parse (:mod:`detente.evidence.parsed_claims`) when ``parser`` is
    True and spaCy's pipeline is installed, else from the rule layer below. With a
    ``stance_model`` (:mod:`detente.evidence.stance_model`) the parsed candidates are scored by
    it and its claims replace the cue rules'.
    """
    if doc_date is not None and default_year is None:
        default_year = doc_date.year
    units = split_units(text)
    actors = tuple(gazetteer.find(text))
    issues = tuple(with_anaphora(units, lexicon.find(text)))
    return Extraction(
        actors=actors,
        issues=issues,
        claims=tuple(_claims(text, units, actors, issues, parser, stance_model)),
        events=tuple(find_events(text, units, actors, default_year, doc_date)),
        figures=tuple(find_figures(text)),
        sentences=tuple(units),
    )


def _claims(text, units, actors, issues, parser: bool, model) -> list[Claim]:
    from detente.evidence import parsed_claims

    if not (parser and parsed_claims.available()):
        return find_claims(text, units, actors, issues)
    rule_claims = parsed_claims.find_claims_parsed(text, units, actors, issues)
    if model is None:
        return rule_claims
    quotes = parsed_claims.quote_speakers(text, actors)
    candidates = find_candidates(text, units, actors, issues, rule_claims, quotes)
    # Where the cue rules state the same claim in the same sentence, their clause-level reading
    # of the issue's phrases gives its direction.
    rule_direction = {(c.actor, c.issue, c.stance, c.start): c.direction for c in rule_claims}
    unread = {u.start for u in units if not model_reads(u)}
    scored = [
        Claim(
            actor=c.actor.key,
            issue=c.issue,
            stance=stance,
            start=c.unit_start,
            end=c.unit_end,
            actor_start=c.actor.start,
            actor_end=c.actor.end,
            cue=c.cue,
            direction=rule_direction.get(
                (c.actor.key, c.issue, stance, c.unit_start), _direction(stance, list(c.poles))
            ),
            confidence=round(p, 4),
        )
        for c, stance, p in model_claims(candidates, model)
    ]
    kept = [c for c in rule_claims if c.start in unread]  # units too long for the model
    return sorted(kept + scored, key=lambda c: c.start)


def _inside(items, start: int, end: int) -> list:
    """The items (sorted by start, as the finders return them) lying within [start, end]:
    found by bisection, so a long text's many sentences do not each scan every mention."""
    first = bisect_left(items, start, key=lambda m: m.start)
    out = []
    for i in range(first, len(items)):
        m = items[i]
        if m.start > end:
            break
        if m.end <= end:
            out.append(m)
    return out


# --- stance claims ----------------------------------------------------------------------------

STANCE_CUES: dict[str, list[str]] = {
    "demand": [
        r"demand(?:s|ed|ing)?", r"insist(?:s|ed|ing)? on", r"insistence on", r"seek(?:s|ing)?",
        r"sought", r"call(?:s|ed|ing)? for", r"urg(?:e|es|ed|ing)", r"press(?:es|ed|ing)? for",
        r"push(?:es|ed|ing)? for", r"aim(?:s|ed)? to", r"link(?:s|ed)", r"condition(?:s|ed)? on",
    ],
    "propose": [
        r"propos(?:e|es|ed|al|als|ing)", r"offer(?:s|ed|ing)?", r"suggest(?:s|ed|ion)?",
        r"put(?:s|ting)? forward", r"float(?:s|ed)", r"outlin(?:e|es|ed)", r"plans? (?:for|to)",
    ],
    "accept": [
        r"agree(?:s|d)? (?:to|on|that)", r"agreement (?:has|had) been reached",
        r"accept(?:s|ed|ing|ance)?", r"endors(?:e|es|ed|ing)", r"willing(?:ness)? to",
        r"consent(?:s|ed)? to", r"back(?:s|ed)? (?:the|a) (?:plan|proposal|deal)",
    ],
    "reject": [
        r"reject(?:s|ed|ing|ion)?", r"refus(?:e|es|ed|al|ing)", r"rul(?:e|es|ed|ing) out",
        r"resist(?:s|ed|ing)?", r"dismiss(?:es|ed|ing)?", r"declin(?:e|es|ed|ing)",
        r"oppos(?:e|es|ed|ing|ition)", r"s[kc]epticism", r"(?:will|would|does|do|did|can)(?:n[’']t|"
        r" not| never) (?:cede|concede|accept|agree|recogni[sz]e)",
        r"unlikely to (?:concede|cede|accept|agree)", r"never (?:accept|agree|recogni[sz]e)",
    ],
    "warn": [
        r"warn(?:s|ed|ing)?", r"caution(?:s|ed)?", r"threat(?:en|ens|ened)?",
        r"alarm(?:ed)?", r"dangerous",
    ],
}  # fmt: skip
CUE_RE = cue_regex(STANCE_CUES)
CLAUSE_BREAK_RE = re.compile(r";|,?\s+(?:while|whereas|but|although|though)\s+|\s+[—–]\s*")
NEGATION_RE = re.compile(r"\b(?:not|never|no)\s+(?:\w+\s+)?$|n[’']t\s+(?:\w+\s+)?$", re.I)
PREPOSITION_RE = re.compile(
    r"\b(?:by|of|from|with|to|against|on|over|than|for|in|into|at|towards?|between|among|about"
    r"|under|onto|upon|near|beyond|across|within|through|via)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
CONDITIONAL_RE = re.compile(r"\s*(?:if|unless|should)\b", re.IGNORECASE)
CONJOINED_RE = re.compile(r"(?:,\s*)?\band\s+(?:\w+ly\s+)?(?:has\s+|have\s+)?$")
PRONOUN_RE = re.compile(r"^(?:He|She)\b")
SUBJECT_MAX_WORDS = 6
POSSESSIVE_MAX_WORDS = 2  # "Russia's rejection", not "Russia's control over … ruling out"
PREPOSITION_WINDOW = 256
"""Characters before an actor searched for a governing preposition (the preposition, ``the``
and the whitespace between them fit well within it)."""
POSSESSIVE_RE = re.compile(r"[’']s?\b")
POSITIVE = {"demand", "propose", "accept"}


def find_claims(
    text: str, units: list[Unit], actors: tuple[Mention, ...], issues: tuple[Mention, ...]
) -> list[Claim]:
    """Stance claims: a cue verb or noun, its subject actor, and the issues it governs."""
    claims: dict[tuple, Claim] = {}
    last_person: Mention | None = None
    for unit in units:
        unit_actors = _inside(actors, unit.start, unit.end)
        if last_person is not None and PRONOUN_RE.match(unit.text):
            unit_actors = [
                Mention(unit.start, unit.start + 2, last_person.key, unit.text[:2], True)
            ] + unit_actors
        for claim in _unit_claims(text, unit, unit_actors, _inside(issues, unit.start, unit.end)):
            claims.setdefault((claim.actor, claim.issue, claim.stance, claim.start), claim)
        people = [m for m in unit_actors if m.person]
        if people:
            last_person = people[-1]
    return list(claims.values())


def _clauses(unit: Unit) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in CLAUSE_BREAK_RE.finditer(unit.text):
        spans.append((unit.start + start, unit.start + m.start()))
        start = m.end()
    spans.append((unit.start + start, unit.end))
    return [(s, e) for s, e in spans if e > s]


def _unit_claims(text: str, unit: Unit, actors: list[Mention], issues: list[Mention]):
    subject: Mention | None = None
    for c_start, c_end in _clauses(unit):
        if CONDITIONAL_RE.match(text[c_start:c_end]):
            continue  # a hypothetical ("If Russia secures …") states nobody's stance
        cues = [
            (m.lastgroup, m.start() + c_start, m.end() + c_start, m.group())
            for m in CUE_RE.finditer(text[c_start:c_end])
        ]
        acts = []  # (stance, cue start, cue end, cue text, subject)
        for i, (stance, s, e, cue) in enumerate(cues):
            own = _subject(text, actors, c_start, acts[-1][2] if acts else c_start, s, first=i == 0)
            agent = _passive_agent(text, actors, e)
            if agent is not None:
                own = agent
            if own is None and acts:
                gerund = cue.split()[0].lower().endswith("ing")
                if gerund or not CONJOINED_RE.search(text[c_start:s]):
                    continue  # no subject of its own: part of the previous act's content
                own = acts[-1][4]  # "rejected A and warned B": same subject, a new act
            own = own or subject
            if own is None:
                continue
            if NEGATION_RE.search(text[max(c_start, s - 20) : s]):
                if stance in POSITIVE and stance != "demand":
                    stance = "reject"
                else:
                    continue
            acts.append((stance, s, e, cue, own))
            subject = own
        clause_poles: dict[str, list[str]] | None = None
        for k, (stance, s, _end, cue, actor) in enumerate(acts):
            window_end = acts[k + 1][1] if k + 1 < len(acts) else c_end
            governed = _poles_by_issue(_inside(issues, s, window_end))
            if not governed:  # no issue after the cue: the acts govern the clause's issues
                if clause_poles is None:
                    clause_poles = _poles_by_issue(_inside(issues, c_start, c_end))
                governed = clause_poles
            for issue, poles in sorted(governed.items()):
                yield claim_in(unit, actor, issue, stance, cue, poles)


def _poles_by_issue(mentions: list[Mention]) -> dict[str, list[str]]:
    """The issues mentioned, each with the poles its mentions name (in text order)."""
    out: dict[str, list[str]] = {}
    for m in mentions:
        poles = out.setdefault(m.key, [])
        if m.pole:
            poles.append(m.pole)
    return out


def _subject(text, actors, c_start, after, cue_start, *, first) -> Mention | None:
    """The actor doing the act: the nearest plausible subject before the cue."""
    candidates = [
        m
        for m in _inside(actors, after, cue_start)
        if not PREPOSITION_RE.search(text, max(0, m.start - PREPOSITION_WINDOW), m.start)
    ]
    for m in reversed(candidates):
        between = text[m.end : cue_start]
        limit = POSSESSIVE_MAX_WORDS if POSSESSIVE_RE.match(between) else SUBJECT_MAX_WORDS
        if len(between.split()) <= limit:
            return m
    if first:
        head = [m for m in candidates if m.start >= c_start]
        return head[0] if head else None
    return None


def _passive_agent(text: str, actors: list[Mention], cue_end: int) -> Mention | None:
    """``dismissed by Kyiv``: the actor after ``by`` right behind the cue."""
    m = re.match(r"\s+by\s+(?:the\s+)?", text[cue_end : cue_end + 12])
    if m is None:
        return None
    at = cue_end + m.end()
    return next((a for a in actors if a.start == at), None)


def _direction(stance: str, poles: list[str]) -> str | None:
    """The side of the scale a claim points to, from the poles of the phrases it is about (the
    most frequent; on a tie, the first named)."""
    if not poles:
        return None
    pole = max(poles, key=poles.count)
    if stance in POSITIVE:
        return pole
    return "low" if pole == "high" else "high"


# --- events -----------------------------------------------------------------------------------

TITLE_WORDS = 14
DATELINE_WORDS = 3


# A photo credit marks a caption: its dates say when a picture was taken, not an event.
CREDIT_RE = re.compile(
    r"Getty (?:Images|Photos)|via Getty|\bPhotos?:|\(Photo\b|Pool via|/ ?POOL ?/|/Pool\b"
    r"|via (?:REUTERS|Reuters|Xinhua|AFP|AP)\b|REUTERS/|\bAFP/|\bEPA/|Stock Photo|\bPhoto credit"
)
# Page furniture around a date: a timestamp, "Published …", a numeric date, an embedded post.
TIMESTAMP_AFTER_RE = re.compile(r"^,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}\b")
FURNITURE_BEFORE_RE = re.compile(
    r"(?:published|updated|posted|publication (?:time|date)|last updated|\d{1,2}[/.]\d{1,2}[/.]"
    r"\d{2,4})\W{0,3}(?:on\s+)?(?:[A-Z][a-z]+day,?\s*)?$",
    re.IGNORECASE,
)
URL_RE = re.compile(r"(?:https?://|www\.|\w\.(?:com|org|net|ua|ru|uk)/)", re.IGNORECASE)
EMBED_RE = re.compile(r"\(@\w+\)|pic\.twitter\.com|^\s*[—–-]\s*\S.*\(@")
# A dateline: the date opens the line after place names only ("VIENNA, November 25. /TASS/.").
DATELINE_RE = re.compile(r"^\s*(?:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*,\s*)*$")
DATELINE_AFTER_RE = re.compile(r"^\s*(?:\(|[—–]|--|-\s|/|\.\s*/|,?\s*\d{4}\s*\()")


def is_caption(line: str, next_line: str = "") -> bool:
    """Whether a line is a photo caption (it or the line after it carries a photo credit)."""
    return bool(CREDIT_RE.search(line)) or (
        bool(next_line)
        and len(next_line) < 80
        and bool(CREDIT_RE.search(next_line + " |"))
        and "|" in next_line
    )


def _furniture(unit_text: str, start: int, end: int, line_text: str, line_offset: int) -> bool:
    """Whether the date at ``start:end`` of a unit is page furniture rather than an event."""
    before, after = unit_text[:start], unit_text[end:]
    if TIMESTAMP_AFTER_RE.match(after) or FURNITURE_BEFORE_RE.search(before):
        return True
    token = before.rsplit(None, 1)[-1] if before.strip() and not before[-1].isspace() else ""
    if URL_RE.search(token):
        return True  # a date inside a link
    if EMBED_RE.search(unit_text):
        return True
    head, tail = line_text[: line_offset + start], line_text[line_offset + end :]
    if DATELINE_RE.match(head) and DATELINE_AFTER_RE.match(tail):
        return True
    rest = re.findall(r"[A-Za-z]{2,}", before + " " + after)
    return len(rest) < DATELINE_WORDS or all(w[0].isupper() for w in rest) and len(rest) <= 5


def find_events(
    text: str,
    units: list[Unit],
    actors: tuple[Mention, ...],
    default_year: int | None,
    doc_date: dt.date | None = None,
) -> list[Event]:
    """One event per date of a sentence or table row, with the actors it names; dates in
    captions, datelines, timestamps and embedded posts are not events."""
    events: list[Event] = []
    seen: set[tuple[str, int]] = set()
    captions = _caption_spans(text)
    for unit in units:
        if any(s <= unit.start < e for s, e in captions):
            continue
        line_start = text.rfind("\n", 0, unit.start) + 1
        line_end = text.find("\n", unit.start)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        for date in find_dates(unit.text, default_year, doc_date):
            if _furniture(unit.text, date.start, date.end, line, unit.start - line_start):
                continue
            if (date.iso, unit.start) in seen:
                continue
            seen.add((date.iso, unit.start))
            names = tuple(dict.fromkeys(m.key for m in _inside(actors, unit.start, unit.end)))
            events.append(
                Event(
                    date=date.iso,
                    precision=date.precision,
                    title=_event_title(unit, date.start, date.end),
                    actors=names,
                    start=unit.start,
                    end=unit.end,
                )
            )
    return events


BYLINE_LINE_RE = re.compile(r"\s*By\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+|\s+and|,){0,8}\s*")
BYLINE_LOOKAHEAD = 6


def _caption_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of caption lines (and of the credit lines after them); lines above a
    byline near the top are a headline and its picture's caption."""
    spans, pos = [], 0
    lines = text.split("\n")
    byline = next(
        (i for i, x in enumerate(lines[:BYLINE_LOOKAHEAD]) if BYLINE_LINE_RE.fullmatch(x)), None
    )
    if byline is not None:
        spans.append((0, sum(len(x) + 1 for x in lines[: byline + 1])))
    for i, line in enumerate(lines):
        nxt = next((x for x in lines[i + 1 :] if x.strip()), "")
        if line.strip() and is_caption(line, nxt):
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _event_title(unit: Unit, d_start: int, d_end: int) -> str:
    if unit.row:
        cells = [c.strip() for c in unit.text.strip().strip("|").split("|")]
        date_text = unit.text[d_start:d_end]
        rest = [c for c in cells if c and date_text not in c]
        return _shorten(" — ".join(rest) or unit.text)
    # The clause around the date, without the date itself.
    text = unit.text
    left = max(text.rfind(",", 0, d_start), text.rfind(";", 0, d_start))
    right_c = [i for i in (text.find(",", d_end), text.find(";", d_end)) if i >= 0]
    right = min(right_c) if right_c else len(text)
    clause = text[left + 1 : right] if right - left > 40 else text
    clause = re.sub(
        rf"(?:\b(?:in|on|during|of|for|by)\s+)?{re.escape(text[d_start:d_end])}", " ", clause
    )
    return _shorten(clause)


def _shorten(text: str) -> str:
    words = " ".join(text.split()).strip(" ,.;:-—–").split()
    return " ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "")
