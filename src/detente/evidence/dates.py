"""Explicit dates in text: found by patterns, normalised by dateparser (English only, offline).

A date keeps its precision: ``2025-08-18`` (day), ``2025-02`` (month) or ``2022`` (year). A bare
year counts only where the text uses it as a date ("in 2015", "a 2023 report"), not as a reference
point ("since 2022"). Dates without a year are resolved against the document's publication date
when it is known and skipped otherwise: a month and day ("August 18", "18 August") takes the year
that puts it nearest the publication date; a month named as a time ("in February", "an October
meeting") the nearest such month not after it; a weekday ("on Tuesday", "Monday's gathering") the
publication day itself when it is that weekday, else the last such day before it, or the next one
after it when its clause speaks of the future ("will", "scheduled", "due", "by", "a Thursday
deadline") and no verb in the past tense comes between. Relative dates take the precision they
name: "yesterday", "tomorrow", "earlier in the day", "on the 14th" (this month's, or last month's
when still ahead) and "today" (where it dates something done, not the present age) a day, "last
month", "earlier this month", "next month", "June of last year" and "two months ago" a month, "last
year", "this year" and "a year ago" a year ("nearly four years ago" less than four years back); a
year after "since" or before a possessive ("last year's estimate") is a reference point and no
date. A year before the noun it dates counts after an article or a possessive ("the 2023 report",
"Russia's 2022 invasion"), and after "by" or "from" ("from 2010 to 2014" gives both ends).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
MONTHS_NOT_MAY = (
    r"(?:January|February|March|April|June|July|August|September|October|November|December)"
)
WEEKDAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
YEAR = r"(?:19|20)\d{2}"
DAY = r"\d{1,2}(?:st|nd|rd|th)?"
RANGE_END = r"(?:\s*(?:[–-]|to)\s*\d{1,2}(?:st|nd|rd|th)?)?"
YEAR_NOUNS = (
    r"report|study|survey|poll|agreement|deal|accords?|treaty|election|summit|meeting|talks"
    r"|invasion|war|offensive|referendum|law|resolution|memorandum|ceasefire|truce|statement"
    r"|negotiations|treaties|annexation|counteroffensive|protests|visit"
)

DATE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("iso", rf"\b(?P<y>{YEAR})-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"),
    ("mdy", rf"\b(?P<mon>{MONTHS})\s+(?P<d>{DAY}){RANGE_END},?\s+(?P<y>{YEAR})\b"),
    ("dmy", rf"\b(?P<d>{DAY}){RANGE_END}\s+(?P<mon>{MONTHS}),?\s+(?P<y>{YEAR})\b"),
    ("my", rf"\b(?P<mon>{MONTHS}),?\s+(?P<y>{YEAR})\b"),
    ("md", rf"\b(?P<mon>{MONTHS})\s+(?P<d>{DAY}){RANGE_END}\b(?!,?\s*(?:{YEAR}|\d))"),
    ("dm", rf"\b(?P<d>{DAY}){RANGE_END}\s+(?P<mon>{MONTHS})(?![\w.]|\.?,?\s*(?:{YEAR}|\d))"),
    (
        "month",
        rf"\b(?:(?:[Ii]n|[Ss]ince|[Ee]arly|[Ll]ate|[Mm]id-?|[Ll]ast|[Aa]n?"
        rf"|(?:end|beginning|start|middle|half|rest) of)\s+(?P<mon>{MONTHS_NOT_MAY})"
        rf"(?!\s*(?:\d|{YEAR}))(?:\s+(?:{YEAR_NOUNS}))?\b|(?P<mon2>{MONTHS_NOT_MAY})[’']s)",
    ),
    (
        "month_of_year",
        rf"\b(?P<mon>{MONTHS_NOT_MAY}|May)\s+of\s+(?P<rel>last|this|next)\s+year\b",
    ),
    ("weekday", rf"\b(?P<wd>{WEEKDAYS})(?:[’']s)?\b(?!,?\s+(?:\d|{MONTHS}))"),
    ("day_word", r"\b(?P<dw>[Yy]esterday|[Tt]omorrow|[Tt]oday|(?:earlier|later) in the day)\b"),
    ("ordinal_day", r"\b[Oo]n the (?P<d>[1-3]?\d)(?:st|nd|rd|th)\b(?!\s+(?:of\b|anniversary))"),
    (
        "this_last_next",
        r"\b(?P<rel>[Ll]ast|[Nn]ext|(?:(?:[Ee]arlier|[Ll]ater)\s+)?[Tt]his)\s+(?P<unit>month|year)\b",
    ),
    (
        "ago",
        r"\b(?:(?P<nearly>nearly|almost)\s+)?"
        r"(?P<n>an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})"
        r"\s+(?P<unit>month|year)s?\s+ago\b",
    ),
    (
        "year",
        rf"\b(?:[Ii]n|[Dd]uring|[Ee]arly|[Ll]ate|[Mm]id-?|[Bb]y|[Ff]rom)\s+(?P<y>{YEAR})\b(?![-–/]\d)",
    ),
    ("year_range_end", rf"(?<=\d\d )(?:to|until) (?P<y>{YEAR})\b(?![-–/]\d)"),
    (
        "year_noun",
        rf"\b(?:[Aa]n?|[Tt]he|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er|\w+[’']s|two|three)\s+(?P<y>{YEAR})"
        rf"\s+(?:(?:[A-Z]\w+|full-scale|draft|peace)\s+)?(?:{YEAR_NOUNS})\b",
    ),
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


def find_dates(
    text: str, default_year: int | None = None, doc_date: dt.date | None = None
) -> list[DateMention]:
    """Every explicit date in ``text``, in order; where patterns overlap the longest wins.

    ``doc_date`` (the publication date) resolves dates written without a year; without it,
    a month and day take ``default_year`` and weekdays and bare months are skipped.
    """
    candidates = []
    for kind, pattern in DATE_RES:
        for m in pattern.finditer(text):
            if kind in RELATIVE_KINDS:
                value = _relative(kind, m, text, doc_date, default_year)
            else:
                value = _date_string(kind, m.groupdict(), default_year)
            if value is None:
                continue
            # A bare year's span is the year itself, not the preposition before it.
            if kind.startswith("year"):
                start, end = m.span("y")
            elif kind == "month":
                start, end = m.span("mon") if m.group("mon") else m.span("mon2")
            else:
                start, end = m.span()
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


RELATIVE_KINDS = {
    "md", "dm", "month", "month_of_year", "weekday", "day_word", "ordinal_day", "this_last_next",
    "ago",
}  # fmt: skip
NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "one two three four five six seven eight nine ten eleven twelve".split(), start=1
    )
} | {"a": 1, "an": 1}
STEPS_BACK = {"last": 1, "next": -1}  # "this" is 0
SINCE_RE = re.compile(r"\b[Ss]ince\s+$")
POSSESSIVE_RE = re.compile(r"[’']s\b")
WEEKDAY_INDEX = {
    d: i
    for i, d in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
FUTURE_RE = re.compile(
    r"\b(?:will|shall|would|is to|are to|scheduled|due|set to|expected|plans? to|planned"
    r"|next (?:round|meeting|talks|week)|upcoming|to be held|is to be|expects?)\b",
    re.IGNORECASE,
)
DEADLINE_RE = re.compile(
    r"\b(?:until|by|before|next|no later than(?: in)?)\s+(?:the\s+)?$", re.IGNORECASE
)
FUTURE_WINDOW = 80
CLAUSE_BREAK_RE = re.compile(r"[;:—–]|,\s+(?:but|while|and|after|as)\b|\bbut\b")
PAST_RE = re.compile(
    r"\b(?:said|told|was|were|had|did|spoke|met|held|took|gave|made|came|went|began|sent|wrote"
    r"|\w{3,}ed)\b(?!\s+to\b)"
)
TODAYS_EVENT_RE = re.compile(
    r"[’']s\s+(?:\w+\s+){0,2}(?:summit|talks|meeting|discussions|session|call|statement"
    r"|negotiations|briefing|address|vote)\b"
)
DEADLINE_AFTER_RE = re.compile(r"[’']?s?\s+deadline\b")


def _relative(kind, m: re.Match, text: str, doc_date, default_year) -> str | None:
    """An ISO date string for a date written without a year (see the module docstring)."""
    g = m.groupdict()
    if kind in ("md", "dm"):
        if doc_date is None:
            return _date_string("md", g, default_year)
        parsed = normalise(f"{_clean(g['mon'])} {_clean(g['d'])}, {doc_date.year}")
        if parsed is None:
            return None
        day = dt.date.fromisoformat(parsed[0])
        return _nearest_year(day, doc_date).isoformat()
    if doc_date is None:
        return None
    if kind in ("day_word", "this_last_next", "ago"):
        return _counted_back(kind, g, m, text, doc_date)
    if kind == "ordinal_day":  # "on the 14th": this month's, or last month's when still ahead
        day = int(g["d"])
        return f"{_months_back(doc_date, 1 if day > doc_date.day else 0)}-{day:02d}"
    if kind == "month_of_year":
        year = doc_date.year - STEPS_BACK.get(g["rel"].lower(), 0)
        return f"{_clean(g['mon'])} {year}"
    if kind == "month":
        month = normalise(f"{_clean(g.get('mon') or g.get('mon2'))} 1, {doc_date.year}")
        if month is None:
            return None
        first = dt.date.fromisoformat(month[0])
        if _speaks_of_future(m, text):
            year = doc_date.year if first.month >= doc_date.month else doc_date.year + 1
        else:
            year = doc_date.year if first <= doc_date else doc_date.year - 1
        return f"{year:04d}-{first.month:02d}"
    wanted = WEEKDAY_INDEX[g["wd"].lower()]
    future = _speaks_of_future(m, text)
    delta = (wanted - doc_date.weekday()) % 7
    if delta == 0:
        return doc_date.isoformat()
    if future:
        return (doc_date + dt.timedelta(days=delta)).isoformat()
    return (doc_date - dt.timedelta(days=7 - delta)).isoformat()


def _counted_back(kind: str, g: dict[str, str], m: re.Match, text: str, doc_date) -> str | None:
    """A relative date ("yesterday", "last month", "two years ago") at the precision it names,
    counted from the publication date; a year after "since" or before a possessive is none."""
    if kind == "day_word":
        if g["dw"].lower() == "today" and not _today_dates_an_event(m, text):
            return None
        step = {"tomorrow": 1, "yesterday": -1}.get(g["dw"].lower(), 0)
        return (doc_date + dt.timedelta(days=step)).isoformat()
    if kind == "ago":
        back = NUMBER_WORDS.get(g["n"].lower()) or int(g["n"])
    else:
        back = STEPS_BACK.get(g["rel"].lower(), 0)
    if g["unit"] == "year":
        if SINCE_RE.search(text[max(0, m.start() - 10) : m.start()]) or POSSESSIVE_RE.match(
            text, m.end()
        ):
            return None  # a reference point: "since last year", "last year's estimate"
        if g.get("nearly"):  # "nearly four years ago": less than four years before
            return f"{(doc_date - dt.timedelta(days=365 * back - 182)).year:04d}"
        return f"{doc_date.year - back:04d}"
    return _months_back(doc_date, back)


def _months_back(doc_date: dt.date, back: int) -> str:
    """``YYYY-MM`` of the month ``back`` months before the publication's (after it if negative)."""
    months = doc_date.year * 12 + doc_date.month - 1 - back
    return f"{months // 12:04d}-{months % 12 + 1:02d}"


def _today_dates_an_event(m: re.Match, text: str) -> bool:
    """Whether "today" dates something done ("said today", "today's summit", a sentence opening
    "Today,") rather than meaning the present age ("no one today would sign")."""
    if m.group("dw") == "Today":
        return text[m.end() : m.end() + 1] == "," or m.start() == 0
    after = text[m.end() : m.end() + 40]
    if TODAYS_EVENT_RE.match(after):
        return True
    return PAST_RE.search(_clause_before(text, m.start(), 60)) is not None


def _speaks_of_future(m: re.Match, text: str) -> bool:
    """Whether the words just before a date, in its clause, speak of the future ("will", "due",
    "by") with no verb in the past tense between them and the date."""
    before = text[max(0, m.start() - FUTURE_WINDOW) : m.start()]
    if DEADLINE_RE.search(before) or DEADLINE_AFTER_RE.match(text, m.end()):
        return True
    clause = _clause_before(text, m.start(), FUTURE_WINDOW)
    cues = list(FUTURE_RE.finditer(clause))
    return bool(cues) and not PAST_RE.search(clause, cues[-1].end())


def _clause_before(text: str, end: int, window: int) -> str:
    """The words of the clause that ends at ``end``, at most ``window`` characters back."""
    return CLAUSE_BREAK_RE.split(text[max(0, end - window) : end])[-1]


def _nearest_year(day: dt.date, doc_date: dt.date) -> dt.date:
    """``day`` moved to the year (one before, the same, one after) nearest ``doc_date``."""
    options = []
    for year in (doc_date.year - 1, doc_date.year, doc_date.year + 1):
        try:
            options.append(day.replace(year=year))
        except ValueError:  # 29 February
            continue
    return min(options, key=lambda d: abs((d - doc_date).days))
