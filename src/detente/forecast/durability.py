"""Durability of what a table produces: survival of a treaty (comprehensive settlement) or a
truce (frozen ceasefire) given the mechanisms on the table, from the conflict layer's fitted
survival model."""

from __future__ import annotations

import numpy as np

from detente.forecast.aggregate import SURVIVAL_YEARS
from detente.forecast.outcomes import FROZEN, SETTLEMENT


def survival_by_class(
    klass: np.ndarray, mechanisms: tuple[str, ...], rng: np.random.Generator
) -> np.ndarray:
    """Survival probability at :data:`SURVIVAL_YEARS` for each draw (n, years): treaty survival
    for settlements, truce survival for frozen ceasefires, zero for war."""
    raise NotImplementedError
