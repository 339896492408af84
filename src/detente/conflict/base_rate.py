"""The outside view: how often interstate and internationalised wars reach a ceasefire or a
peace agreement in a month, by the war's age. Package data (``detente/data/base_rate.json``)
fitted by ``detente validate base-rate`` on UCDP's conflict termination data
(detente.validate.base_rate)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from detente.errors import InputError

EVENTS = ("ceasefire", "agreement")


@lru_cache(maxsize=1)
def base_rate_model() -> dict[str, Any]:
    """The shipped base-rate model."""
    text = resources.files("detente.data").joinpath("base_rate.json").read_text("utf-8")
    return json.loads(text)


def monthly_hazard(event: str, kind: str, age_months, model: dict | None = None) -> np.ndarray:
    """The base-rate hazard of ``event`` in a month of a war of ``kind`` that is ``age_months``
    old (array); piecewise constant over the model's age bands."""
    model = model or base_rate_model()
    if event not in EVENTS:
        raise InputError(f"unknown event {event!r}, expected one of {', '.join(EVENTS)}")
    if kind not in model["hazards"]:
        known = ", ".join(model["hazards"])
        raise InputError(f"no base rate for war kind {kind!r} (known: {known})", field="war.kind")
    rates = np.asarray(model["hazards"][kind][event]["monthly_hazard"], dtype=float)
    band = np.searchsorted(np.asarray(model["age_bands_months"]), age_months, side="right") - 1
    return rates[np.clip(band, 0, rates.size - 1)]
