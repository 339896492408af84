"""Durability of what a table produces: a treaty for a comprehensive settlement, a truce for a
frozen ceasefire, with the table's mechanisms in force (conflict/durability.py)."""

from __future__ import annotations

import numpy as np

from detente.conflict import (
    MECHANISM_EFFECTS,
    REPORT_YEARS,
    draw_parameters,
    survival,
)
from detente.forecast.aggregate import SURVIVAL_YEARS
from detente.forecast.outcomes import PARTIAL, SETTLEMENT, WAR

CEASEFIRE_DAYS = (30, 60, 90)
FATES = ("under_30_days", "30_60_days", "61_90_days", "over_90_days", "1y", "2y", "5y")


def survival_by_class(
    klass: np.ndarray, mechanisms: tuple[str, ...], rng: np.random.Generator
) -> np.ndarray:
    """Survival at :data:`SURVIVAL_YEARS` per draw (n, years); zero for draws where the war goes
    on (collapse, or a partial agreement: the limited deal stops no fighting).

    Each draw gets its own coefficient draw, so parameter uncertainty enters the averages.
    Mechanisms without a durability effect (sanctions relief) do not change survival."""
    in_force = tuple(m for m in mechanisms if m in MECHANISM_EFFECTS)
    params = draw_parameters(klass.shape[0], rng)
    treaty = (klass == SETTLEMENT).astype(float)
    curves = survival(SURVIVAL_YEARS, treaty, in_force, params)
    fighting = (klass == WAR) | (klass == PARTIAL)
    return np.where(fighting[:, None], 0.0, curves)


def ceasefire_fates(mechanisms: tuple[str, ...], n: int, rng: np.random.Generator) -> np.ndarray:
    """If a ceasefire takes effect, per draw (n, 7): the probability it lasts under 30, 30–60,
    61–90 and over 90 days, then that it holds 1, 2 and 5 years (:data:`FATES`); a truce with
    the table's mechanisms in force, one coefficient draw per draw."""
    in_force = tuple(m for m in mechanisms if m in MECHANISM_EFFECTS)
    years = np.array([d / 365.25 for d in CEASEFIRE_DAYS] + list(REPORT_YEARS), dtype=float)
    s = survival(years, np.zeros(n), in_force, draw_parameters(n, rng))
    s30, s60, s90 = s[:, 0], s[:, 1], s[:, 2]
    bins = np.stack([1.0 - s30, s30 - s60, s60 - s90, s90], axis=1)
    return np.concatenate([bins, s[:, 3:]], axis=1)
