"""Rule-based, deterministic extraction from an article's stored text.

Units are sentences, list items and table rows; every item keeps character offsets into the
stored text. The rules are documented in docs/evidence.md.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from detente.evidence.dates import find_dates
from detente.evidence.lexicon import Gazetteer, IssueLexicon, Mention

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
class Figure:
    """A quantity: money (unit a currency), people, a duration (unit day, week, …), a percent."""

    kind: str
    value: float
    unit: str
    text: str
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
    text: str, gazetteer: Gazetteer, lexicon: IssueLexicon, *, default_year: int | None = None
) -> Extraction:
    """Actors, issue mentions, stance claims, dated events and figures of one text."""
    units = split_units(text)
    actors = tuple(gazetteer.find(text))
    issues = tuple(lexicon.find(text))
    return Extraction(
        actors=actors,
        issues=issues,
        claims=tuple(find_claims(text, units, actors, issues)),
        events=tuple(find_events(text, units, actors, default_year)),
        figures=tuple(find_figures(text)),
        sentences=tuple(units),
    )


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
CUE_RE = re.compile(
    "|".join(f"(?P<{stance}>\\b(?:{'|'.join(cues)})\\b)" for stance, cues in STANCE_CUES.items()),
    re.IGNORECASE,
)
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
                yield Claim(
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
    """The side of the scale a claim points to, from the poles of the phrases it is about."""
    if not poles:
        return None
    pole = max(set(poles), key=poles.count)
    if stance in POSITIVE:
        return pole
    return "low" if pole == "high" else "high"


# --- events -----------------------------------------------------------------------------------

TITLE_WORDS = 14
DATELINE_WORDS = 3


def find_events(
    text: str, units: list[Unit], actors: tuple[Mention, ...], default_year: int | None
) -> list[Event]:
    """One event per explicit date of a sentence or table row, with the actors it names."""
    events: list[Event] = []
    seen: set[tuple[str, int]] = set()
    for unit in units:
        for date in find_dates(unit.text, default_year):
            rest = unit.text[: date.start] + unit.text[date.end :]
            if len(re.findall(r"[A-Za-z]{2,}", rest)) < DATELINE_WORDS:
                continue  # a dateline ("Published March 3, 2026") dates the text, not an event
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


# --- figures ----------------------------------------------------------------------------------

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90, "hundred": 100,
}  # fmt: skip
SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
    "b": 1e9, "trillion": 1e12, "tn": 1e12,
}  # fmt: skip
CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP"}
CURRENCY_WORDS = {
    "dollars": "USD", "usd": "USD", "euros": "EUR", "eur": "EUR", "pounds": "GBP",
    "roubles": "RUB", "rubles": "RUB", "hryvnias": "UAH",
}  # fmt: skip
NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
WORD_NUM = "|".join(NUMBER_WORDS)
SCALE = r"thousand|million|billion|trillion|bn|mn|tn|[kmb](?![a-z])"
DURATION_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "decade"}
PEOPLE_NOUNS = (
    r"displaced|refugees|people|civilians|troops|soldiers|deaths|dead|killed|casualties|prisoners"
    r"|children|residents|hostages|Ukrainians|Russians|personnel|servicemen|internally displaced"
)
FIGURE_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    (
        "money",
        re.compile(
            rf"(?P<cur>US\$|[$€£])\s?(?P<num>{NUM})(?:\s*(?P<scale>{SCALE})\b)?", re.IGNORECASE
        ),
    ),
    (
        "money",
        re.compile(
            rf"\b(?P<num>{NUM})(?:\s*(?P<scale>{SCALE}))?\s+(?P<curword>dollars|usd|euros|eur"
            r"|pounds|roubles|rubles|hryvnias)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "percent",
        re.compile(rf"\b(?P<num>{NUM})\s?(?:%|per ?cent\b)", re.IGNORECASE),
    ),
    (
        "duration",
        re.compile(
            rf"\b(?P<num>{NUM}|{WORD_NUM})[\s-](?P<unit>second|minute|hour|day|week|month|year"
            r"|decade)s?\b",
            re.IGNORECASE,
        ),
    ),
    (
        "people",
        re.compile(
            rf"\b(?P<num>{NUM}|{WORD_NUM})(?:\s+(?P<scale>thousand|million|billion))?"
            rf"\s+(?:more\s+)?(?:\w+\s+)?(?P<noun>{PEOPLE_NOUNS})\b",
            re.IGNORECASE,
        ),
    ),
)


def _number(text: str) -> float:
    low = text.lower()
    if low in NUMBER_WORDS:
        return float(NUMBER_WORDS[low])
    return float(text.replace(",", ""))


def find_figures(text: str) -> list[Figure]:
    """Money with its currency, people counts, durations and percentages, with their spans."""
    out: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in FIGURE_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            figure = _figure(kind, m)
            if figure is not None:
                out.append(figure)
                taken.append((m.start(), m.end()))
    return sorted(out, key=lambda f: f.start)


def _figure(kind: str, m: re.Match) -> Figure | None:
    g = m.groupdict()
    value = _number(g["num"])
    scale = (g.get("scale") or "").lower()
    value *= SCALES.get(scale, 1.0)
    if kind == "money":
        cur = g.get("cur")
        unit = CURRENCY_SIGNS.get(cur[-1]) if cur else CURRENCY_WORDS[g["curword"].lower()]
    elif kind == "percent":
        unit = "%"
    elif kind == "duration":
        if 1900 <= value <= 2100 and g["num"].isdigit():
            return None  # "2022 year" is a date, not a duration
        unit = g["unit"].lower()
    else:
        if re.fullmatch(r"(?:19|20)\d{2}", g["num"]):
            return None
        if not scale and value < 10 and g["noun"].lower() in {"ukrainians", "russians", "people"}:
            return None  # "two Ukrainians" is a mention, not a count worth reporting
        unit = "people"
    return Figure(kind, value, unit, m.group(), m.start(), m.end())
