"""Calendar months after a scenario's ``as_of``: month m ends on the same day of the month m
months later, clipped to that month's last day (docs/forecast-questions.md)."""

from __future__ import annotations

import calendar
import datetime as dt

DAYS_PER_MONTH = 365.25 / 12


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` months later, clipped to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_ends(as_of: dt.date, horizon: int) -> list[dt.date]:
    """The end dates of months 1 … horizon after ``as_of``."""
    return [add_months(as_of, m) for m in range(1, horizon + 1)]


def months_between(start: dt.date, end: dt.date) -> float:
    """Average-length months from ``start`` to ``end``."""
    return (end - start).days / DAYS_PER_MONTH


def month_of(as_of: dt.date, day: dt.date) -> int:
    """The 1-based month after ``as_of`` in which ``day`` falls (0 on or before ``as_of``)."""
    m = 0
    while add_months(as_of, m) < day:
        m += 1
    return m


def calendar_months(as_of: dt.date, day: dt.date) -> float:
    """Calendar months from ``as_of`` to ``day`` (after it): whole months, plus the share of
    the month in which ``day`` falls, by days; month ends count as whole months."""
    m = month_of(as_of, day)
    start, end = add_months(as_of, m - 1), add_months(as_of, m)
    return (m - 1) + (day - start).days / max((end - start).days, 1)


def value_by(as_of: dt.date, by: dt.date, curve: list[float], at_start: float = 0.0) -> float:
    """A monthly curve's value at the date ``by``, interpolated by days between the ends of the
    two months around it (``at_start`` at ``as_of``)."""
    m = month_of(as_of, by)
    start, end = add_months(as_of, m - 1), add_months(as_of, m)
    cumulative = curve
    before = cumulative[m - 2] if m >= 2 else at_start
    share = (by - start).days / max((end - start).days, 1)
    return before + share * (cumulative[m - 1] - before)
