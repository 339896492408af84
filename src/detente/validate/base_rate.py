"""Fit the outside view shipped in ``detente/data/base_rate.json``: how often interstate and
internationalised wars reach a ceasefire or a peace agreement, month by month.

Data: the UCDP Conflict Termination dataset, dyad level, v3-2021 (Kreutz 2010; CC BY 4.0).
Units are dyad episodes of interstate (type 2), intrastate (type 3) and internationalised
intrastate (type 4) conflicts; an intrastate episode with foreign troops in any year counts as
internationalised. An episode is at risk from its start (``start_date2``) until the event, the
episode's end (``ependdate``) or the end of the data (2020-12-31), whichever comes first. A
ceasefire is ``cfiredate``; an agreement is ``peagdate``; an event dated more than
:data:`GRACE_DAYS` after its episode ended is not counted (the war had ended otherwise). The
model is piecewise constant in the war's age (Allison 1982's discrete-time event history
model), separately for each kind of war: monthly hazard =
(events + 0.5) / months at risk in each age band (the half event keeps a band without events
from claiming the event impossible). A war ending otherwise
(victory, low activity) is a competing risk the model does not carry, so its cumulative
probabilities are cause-specific (docs/decisions.md, ## Dated forecast).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import numpy as np

from detente.errors import InputError

DATA_END = dt.date(2020, 12, 31)
CONFLICT_TYPES = {2: "interstate", 3: "intrastate", 4: "internationalised"}
"""UCDP ``type_of_conflict`` codes and the war kinds a scenario names (``war.kind``)."""
PSEUDO_EVENTS = 0.5
AGE_BANDS_MONTHS = (0, 3, 12, 36)
"""Lower edges of the war-age bands (months since the episode began); the last is open."""
GRACE_DAYS = 31
DAYS_PER_MONTH = 365.25 / 12
EVENTS = {"ceasefire": "cfiredate", "agreement": "peagdate"}
COLUMNS = ["dyadep_id", "type_of_conflict", "start_date2", "ependdate", "cfiredate", "peagdate"]

_MDY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_ucdp_date(value: object) -> dt.date | None:
    """The first date in a UCDP date cell: ``M/D/YY`` (1946–2045 by the two digits) or ISO;
    None for empty cells and ``.``; several dates (``1949-02-24 (Egypt); …``) give the first."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value)
    iso = _ISO.search(text)
    if iso:
        return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
    mdy = _MDY.search(text)
    if not mdy:
        return None
    year = int(mdy[3])
    if year < 100:
        year += 1900 if year >= 46 else 2000
    return dt.date(year, int(mdy[1]), int(mdy[2]))


def episodes(path: Path) -> list[dict[str, Any]]:
    """One record per dyad episode of the conflict types modelled: start, end (None while
    ongoing at the end of the data), ceasefire and agreement dates."""
    from detente.validate.durability import _read_csv

    frame = _read_csv(path, COLUMNS)
    frame = frame[frame["type_of_conflict"].isin(list(CONFLICT_TYPES))]
    out = []
    for episode_id, rows in frame.groupby("dyadep_id", sort=True):
        last = rows.iloc[-1]
        start = parse_ucdp_date(rows.iloc[0]["start_date2"])
        if start is None:
            continue
        out.append(
            {
                "id": str(episode_id),
                "type": _episode_type(set(rows["type_of_conflict"].astype(int))),
                "start": start,
                "end": parse_ucdp_date(last["ependdate"]),
                "ceasefire": parse_ucdp_date(last["cfiredate"]),
                "agreement": parse_ucdp_date(last["peagdate"]),
            }
        )
    if not out:
        raise InputError("no episodes of the modelled conflict types found", file=path)
    return out


def _episode_type(types: set[int]) -> int:
    """An episode's conflict type: interstate if ever, else internationalised if ever."""
    return next(t for t in (2, 4, 3) if t in types)


def _months(a: dt.date, b: dt.date) -> float:
    return max((b - a).days, 0) / DAYS_PER_MONTH


def exposure_and_events(records: list[dict[str, Any]], event: str) -> tuple[np.ndarray, np.ndarray]:
    """Months at risk and events per age band for one event type."""
    edges = list(AGE_BANDS_MONTHS) + [np.inf]
    exposure = np.zeros(len(AGE_BANDS_MONTHS))
    events = np.zeros(len(AGE_BANDS_MONTHS))
    for r in records:
        end = r["end"] or DATA_END
        when = r[event]
        counted = when is not None and r["start"] <= when <= end + dt.timedelta(GRACE_DAYS)
        stop = when if counted else end
        age = _months(r["start"], stop)
        for b in range(len(AGE_BANDS_MONTHS)):
            exposure[b] += max(0.0, min(age, edges[b + 1]) - edges[b])
        if counted:
            band = int(np.searchsorted(AGE_BANDS_MONTHS, age, side="right") - 1)
            events[band] += 1
    return exposure, events


def fit_base_rate(ucdp_termination: Path) -> dict[str, Any]:
    """The outside view as plain data (the shipped base_rate.json format)."""
    records = episodes(Path(ucdp_termination))
    hazards: dict[str, Any] = {}
    for code, kind in CONFLICT_TYPES.items():
        of_kind = [r for r in records if r["type"] == code]
        hazards[kind] = {"episodes": len(of_kind)}
        for name in EVENTS:
            exposure, events = exposure_and_events(of_kind, name)
            rate = (events + PSEUDO_EVENTS) / np.maximum(exposure, 1e-9)
            hazards[kind][name] = {
                "monthly_hazard": [round(float(v), 6) for v in rate],
                "events": [int(v) for v in events],
                "months_at_risk": [round(float(v), 1) for v in exposure],
                # Poisson standard error of a log rate: 1 / sqrt(events + pseudo-events).
                "log_rate_se": [round(float(1 / np.sqrt(v + PSEUDO_EVENTS)), 4) for v in events],
            }
    return {
        "model": "piecewise-constant monthly hazard by war kind and age (months since the "
        "episode began), (events + 0.5) / months at risk",
        "age_bands_months": list(AGE_BANDS_MONTHS),
        "hazards": hazards,
        "episodes": len(records),
        "source": "UCDP Conflict Termination dataset, dyad level, v3-2021 (Kreutz 2010, "
        "Journal of Peace Research 47(2); CC BY 4.0); dyad episodes of interstate, intrastate "
        "and internationalised intrastate conflicts, 1946-2020",
        "fitted_by": "detente validate base-rate",
    }
