"""Durability of what a table produces: a treaty for a comprehensive settlement, a truce for a
frozen ceasefire, with the table's mechanisms in force (conflict/durability.py)."""

from __future__ import annotations

import numpy as np

from detente.conflict.durability import MECHANISM_EFFECTS, draw_parameters, survival
from detente.forecast.aggregate import SURVIVAL_YEARS
from detente.forecast.outcomes import SETTLEMENT, WAR


def survival_by_class(
    klass: np.ndarray, mechanisms: tuple[str, ...], rng: np.random.Generator
) -> np.ndarray:
    """Survival at :data:`SURVIVAL_YEARS` per draw (n, years); zero for draws that end in war.

    Each draw gets its own coefficient draw, so parameter uncertainty enters the averages.
    Mechanisms without a durability effect (sanctions relief) do not change survival."""
    in_force = tuple(m for m in mechanisms if m in MECHANISM_EFFECTS)
    params = draw_parameters(klass.shape[0], rng)
    treaty = (klass == SETTLEMENT).astype(float)
    curves = survival(SURVIVAL_YEARS, treaty, in_force, params)
    return np.where((klass == WAR)[:, None], 0.0, curves)
