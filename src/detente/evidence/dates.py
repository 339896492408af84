"""Explicit dates in text: found by patterns, normalised by dateparser (English only, offline).

A date keeps its precision: ``2025-08-18`` (day), ``2025-02`` (month) or ``2022`` (year). A bare
year counts only where the text uses it as a date ("in 2015", "a 2023 report"), not as a
reference point ("since 2022"). A day without a year ("August 18") takes ``default_year``
when one is known (the document's year) and is skipped otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
YEAR = r"(?:19|20)\d{2}"
DAY = r"\d{1,2}(?:st|nd|rd|th)?"
RANGE_END = r"(?:\s*(?:[–-]|to)\s*\d{1,2}(?:st|nd|rd|th)?)?"
YEAR_NOUNS = (
    r"report|study|survey|poll|agreement|deal|accords?|treaty|election|summit|meeting|talks"
    r"|invasion|war|offensive|referendum|law|resolution|memorandum|ceasefire|truce|statement"
)

DATE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("iso", rf"\b(?P<y>{YEAR})-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"),
    ("mdy", rf"\b(?P<mon>{MONTHS})\s+(?P<d>{DAY}){RANGE_END},?\s+(?P<y>{YEAR})\b"),
    ("dmy", rf"\b(?P<d>{DAY}){RANGE_END}\s+(?P<mon>{MONTHS}),?\s+(?P<y>{YEAR})\b"),
    ("my", rf"\b(?P<mon>{MONTHS}),?\s+(?P<y>{YEAR})\b"),
    ("md", rf"\b(?P<mon>{MONTHS})\s+(?P<d>{DAY})\b(?!,?\s*(?:{YEAR}|\d))"),
    (
        "year",
        rf"\b(?:[Ii]n|[Dd]uring|[Ee]arly|[Ll]ate|[Mm]id-?)\s+(?P<y>{YEAR})\b(?![-–/]\d)",
    ),
    ("year_noun", rf"\b(?:[Aa]n?|[Tt]he)\s+(?P<y>{YEAR})\s+(?:{YEAR_NOUNS})\b"),
)
DATE_RES = tuple((name, re.compile(pat)) for name, pat in DATE_PATTERNS)


@dataclass(frozen=True)
class DateMention:
    """A date written in the text: character span, ISO value at its precision."""

    start: int
    end: int
    text: str
    iso: str
    precision: str


@lru_cache(maxsize=1)
def _parser():
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["en"],
        settings={
            "PREFER_DAY_OF_MONTH": "first",
            "RETURN_AS_TIMEZONE_AWARE": False,
            "DATE_ORDER": "MDY",
            "PARSERS": ["absolute-time"],
        },
    )


@lru_cache(maxsize=4096)
def normalise(text: str) -> tuple[str, str] | None:
    """``(iso, precision)`` of an absolute date string, or None when it is not a valid date."""
    data = _parser().get_date_data(text)
    if data.date_obj is None:
        return None
    d = data.date_obj.date()
    period = data.period or "day"
    if period == "year":
        return f"{d.year:04d}", "year"
    if period == "month":
        return f"{d.year:04d}-{d.month:02d}", "month"
    return d.isoformat(), "day"


def _clean(part: str | None) -> str:
    """A day without its ordinal suffix, a month without its abbreviation dot."""
    return re.sub(r"(?<=\d)(st|nd|rd|th)$", "", part or "").rstrip(".")


def find_dates(text: str, default_year: int | None = None) -> list[DateMention]:
    """Every explicit date in ``text``, in order; where patterns overlap the longest wins."""
    candidates = []
    for kind, pattern in DATE_RES:
        for m in pattern.finditer(text):
            value = _date_string(kind, m.groupdict(), default_year)
            if value is None:
                continue
            # A bare year's span is the year itself, not the preposition before it.
            start, end = m.span("y") if kind.startswith("year") else m.span()
            candidates.append((m.start(), -(m.end() - m.start()), start, end, value))
    found: list[DateMention] = []
    taken_until = -1
    for match_start, neg_len, start, end, value in sorted(candidates):
        if match_start < taken_until:
            continue
        parsed = normalise(value)
        if parsed is None:
            continue
        taken_until = match_start - neg_len
        found.append(DateMention(start, end, text[start:end], *parsed))
    return found


def _date_string(kind: str, g: dict[str, str], default_year: int | None) -> str | None:
    if kind == "iso":
        return f"{g['y']}-{g['m']}-{g['d']}"
    if kind in ("mdy", "dmy"):
        return f"{_clean(g['mon'])} {_clean(g['d'])}, {g['y']}"
    if kind == "my":
        return f"{_clean(g['mon'])} {g['y']}"
    if kind == "md":
        if default_year is None:
            return None
        return f"{_clean(g['mon'])} {_clean(g['d'])}, {default_year}"
    return g["y"]
