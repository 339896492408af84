"""Figures in text: money, people, durations, percentages and counts of things, with spans.

Hand-written patterns (quantulum3 was measured against them on the development half of the
gold set and found weaker: docs/decisions.md). A number is written in digits ("1,000", "3.5")
or words ("four", "twenty-five", "an" in "about an hour"); a range ("two to three days") gives
a figure for each end; "and a half" adds 0.5. Troops are a count where their sentence gives the
size of an army or a force, people where they are killed, captured or exchanged. Clock times
("15.30 hours", "24:00") and years are not figures, nor are counts below three ("the two
nations").
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """A quantity: money (unit a currency), people, a duration (unit day, week, …), a percent,
    or a count (unit the counted noun: point, country, reactor, …)."""

    kind: str
    value: float
    unit: str
    text: str
    start: int
    end: int


UNITS_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9,
}  # fmt: skip
NUMBER_WORDS = {
    **UNITS_WORDS, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100, "a dozen": 12, "dozen": 12,
}  # fmt: skip
TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
    "b": 1e9, "trillion": 1e12, "tn": 1e12,
}  # fmt: skip
CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP"}
CURRENCY_WORDS = {
    "dollar": "USD", "usd": "USD", "euro": "EUR", "eur": "EUR", "pound": "GBP", "gbp": "GBP",
    "rouble": "RUB", "ruble": "RUB", "hryvnia": "UAH", "hryvna": "UAH",
}  # fmt: skip
COUNT_NOUNS = {
    "point": "point", "proposal": "point", "country": "country", "countrie": "country",
    "nation": "country", "reactor": "reactor", "power unit": "reactor", "round": "round",
    "document": "document", "protocol": "protocol", "region": "region", "oblast": "region",
    "area": "region", "missile": "missile", "drone": "drone", "vessel": "vessel", "ship": "ship",
    "principle": "principle",
}  # fmt: skip
NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
WORD_NUM = rf"(?:{TENS})(?:-(?:{'|'.join(UNITS_WORDS)}))?|a dozen|a hundred|" + "|".join(
    sorted(NUMBER_WORDS, key=len, reverse=True)
)
N = rf"(?:{NUM}|{WORD_NUM})"
SCALE = r"thousand|million|billion|trillion|bn|mn|tn|[kmb](?![a-z])"
UNIT = r"second|minute|hour|day|week|month|year|decade"
PEOPLE_NOUNS = (
    r"displaced|refugees|people|civilians|troops|soldiers|deaths|dead|killed|casualties|prisoners"
    r"|children|residents|hostages|Ukrainians|Russians|personnel|servicemen|captives|POWs|lives"
    r"|injuries|wounded|injured|fighters|bodies"
)
COUNT = r"points?|proposals|countries|nations|reactors|power units|rounds|documents|protocols"
COUNT += r"|regions|oblasts|areas|missiles|drones|vessels|ships|principles"
FORCE_NOUNS = r"troops?|soldiers?|servicemen|personnel"
# The size of an army or a force is a count of troops; soldiers killed, captured, exchanged or
# returned are people (docs/annotation.md, "Figures").
FORCE_SIZE_RE = re.compile(
    r"\b(?:arm(?:y|ies)|armed forces|military|forces?|cap(?:ped|s)?|limit\w*|ceiling|strength"
    r"|contingent|deploy\w*|station\w*)\b",
    re.IGNORECASE,
)
CASUALTY_RE = re.compile(
    r"\b(?:kill\w*|dead|died|bodies|wounded|injured|captured|prisoners?|captives|exchang\w*"
    r"|swap\w*|return\w*|releas\w*|casualt\w*|lost|losses)\b",
    re.IGNORECASE,
)
YEAR_RE = re.compile(r"(?:19|20)\d{2}")
MEASURE = r"about|around|nearly|almost|over|than|lasted|for|within|roughly|just under|some"
FIGURE_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("clock", re.compile(r"\b(?:\d{1,2}[.:]\d{2}|\d{4})\s*(?:hours|hrs|GMT|IST|EST)\b|\d:\d{2}")),
    (
        "money",
        re.compile(
            rf"(?P<cur>US\$|[$€£])\s?(?P<num>{NUM})(?:\s*(?P<scale>{SCALE})\b)?", re.IGNORECASE
        ),
    ),
    (
        "money",
        re.compile(
            rf"\b(?P<num>{N})(?:\s*(?P<scale>{SCALE}))?\s+(?P<curword>dollars?|usd|euros?|eur"
            r"|pounds?|gbp|roubles?|rubles?|hryvnias?|hryvnas?)\b",
            re.IGNORECASE,
        ),
    ),
    ("percent", re.compile(rf"\b(?P<num>{NUM})\s?(?:%|per ?cent\b)", re.IGNORECASE)),
    (
        "range",
        re.compile(
            rf"\b(?P<num>{N})(?:-|\s*(?:–|-|to|or)\s*)(?P<num2>{N})[\s-](?P<unit>{UNIT})s?\b",
            re.IGNORECASE,
        ),
    ),
    (
        "half",
        re.compile(
            rf"\b(?P<num>{N}|an?)(?:[\s-]+and[\s-]+a[\s-]+half[\s-](?P<unit>{UNIT})s?"
            rf"|[\s-](?P<unit2>{UNIT})s?\s+and\s+a\s+half)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "duration",
        re.compile(rf"\b(?P<num>{N})[\s-](?P<unit>{UNIT})s?\b(?![\w-]*\s+old\b)", re.IGNORECASE),
    ),
    (
        "duration",
        re.compile(
            rf"\b(?:{MEASURE})\s+(?P<num>an?)\s+(?P<unit>{UNIT})\b(?!(?<=second)\s+[a-z])",
            re.IGNORECASE,
        ),  # "for a second round" is an ordinal
    ),
    (
        "count",
        re.compile(
            rf"\b(?P<num>{N})(?:\s+(?:and|or|to)\s+(?P<num2>{N}))?[\s-](?:[A-Za-z]+\s+){{0,2}}?"
            rf"(?P<noun>{COUNT})\b",
            re.IGNORECASE,
        ),
    ),
    (
        "count",
        re.compile(rf"\b(?P<num>{N})[\s-](?P<noun>country|nation)\b(?!['’]s)", re.IGNORECASE),
    ),
    (
        "force",
        re.compile(
            rf"\b(?P<num>{N})(?:\s+(?P<scale>thousand|million))?(?P<sep>[\s-])"
            rf"(?:[A-Za-z]+\s+)?(?P<noun>{FORCE_NOUNS})\b",
            re.IGNORECASE,
        ),
    ),
    (
        "swap",
        re.compile(rf"\b(?P<num>{NUM})[\s-]for[\s-](?P<num2>{NUM})\b", re.IGNORECASE),
    ),
    (
        "people",
        re.compile(
            rf"\b(?P<num>{N})(?:\s+(?P<scale>thousand|million|billion))?"
            rf"\s+(?:more\s+)?(?:[\w-]+\s+){{0,4}}?(?P<noun>{PEOPLE_NOUNS})\b",
            re.IGNORECASE,
        ),
    ),
    (
        "people",
        re.compile(
            rf"\b(?:a|one)\s+(?P<scale>million|billion)\s+(?P<noun>{PEOPLE_NOUNS})\b",
            re.IGNORECASE,
        ),
    ),
)


def number(text: str) -> float:
    """The value of a number written in digits or words ("1,000", "twenty-five", "an")."""
    low = " ".join(text.lower().split())
    if low in ("a", "an"):
        return 1.0
    if low in NUMBER_WORDS:
        return float(NUMBER_WORDS[low])
    if "-" in low:
        tens, _, unit = low.partition("-")
        return float(NUMBER_WORDS[tens] + NUMBER_WORDS[unit])
    return float(low.replace(",", ""))


def find_figures(text: str) -> list[Figure]:
    """Money, people, durations, percentages and counts, with their spans, in text order."""
    out: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in FIGURE_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            figures = _figures(kind, m)
            if figures is not None:
                out.extend(figures)
                taken.append((m.start(), m.end()))
    return sorted(out, key=lambda f: (f.start, f.value))


def _make(kind: str, value: float, unit: str, m: re.Match) -> Figure:
    return Figure(kind, value, unit, m.group(), m.start(), m.end())


def _figures(kind: str, m: re.Match) -> list[Figure] | None:
    """The figures a match stands for; ``[]`` consumes the span without a figure, None
    leaves it to later patterns."""
    g = m.groupdict()
    if kind == "clock":
        return []
    if kind == "people" and g.get("num") is None:
        return [_make("people", SCALES[g["scale"].lower()], "people", m)]
    value = number(g["num"]) * SCALES.get((g.get("scale") or "").lower(), 1.0)
    if kind == "money":
        cur = g.get("cur")
        word = (g.get("curword") or "").lower().rstrip("s")
        unit = CURRENCY_SIGNS[cur[-1]] if cur else CURRENCY_WORDS[word]
        return [_make("money", value, unit, m)]
    if kind == "percent":
        return [_make("percent", value, "%", m)]
    if kind == "range":
        unit = g["unit"].lower()
        return [_make("duration", value, unit, m), _make("duration", number(g["num2"]), unit, m)]
    if kind == "half":
        unit = (g.get("unit") or g.get("unit2")).lower()
        return [_make("duration", value + 0.5, unit, m)]
    if kind == "duration":
        if 1900 <= value <= 2100 and g["num"].isdigit():
            return None  # "2022 year" is a date, not a duration
        return [_make("duration", value, g["unit"].lower(), m)]
    if kind == "count":
        noun = g["noun"].lower()
        unit = COUNT_NOUNS.get(noun) or COUNT_NOUNS.get(noun[:-1]) or COUNT_NOUNS[noun[:-2]]
        values = [value] + ([number(g["num2"])] if g.get("num2") else [])
        if max(values) < 3 or any(1900 <= v <= 2100 for v in values):
            return None
        return [_make("count", v, unit, m) for v in values]
    if kind == "force":
        if YEAR_RE.fullmatch(g["num"]):
            return None
        # "a 150,000-troop force"
        hyphened = g["sep"] == "-" and not g["noun"].lower().endswith("s")
        if hyphened or _gives_force_size(m):
            return None if value < 3 else [_make("count", value, "troop", m)]
        return None  # people, read by the pattern after
    if kind == "swap":
        return [_make("people", value, "people", m)] if value == number(g["num2"]) else None
    if YEAR_RE.fullmatch(g["num"]):
        return None
    if value < 10 and g["noun"].lower() in {"ukrainians", "russians", "people", "lives"}:
        return None  # "two Ukrainians" is a mention, not a count worth reporting
    return [_make("people", value, "people", m)]


def _gives_force_size(m: re.Match) -> bool:
    """Whether the sentence of a number of troops speaks of an army's or a force's size and not
    of soldiers killed, captured or exchanged."""
    text = m.string
    start = max(text.rfind(". ", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
    ends = [i for i in (text.find(". ", m.end()), text.find("\n", m.end())) if i >= 0]
    sentence = text[start : min(ends, default=len(text))]
    return bool(FORCE_SIZE_RE.search(sentence)) and not CASUALTY_RE.search(sentence)
