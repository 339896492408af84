"""What a settlement point means for each party: utility, red lines, acceptance, outcome class
and coercion. Pure functions over arrays with a leading draws axis. The utility and red-line
tests are :mod:`detente.spatial`'s, re-exported here.
"""

from __future__ import annotations

import numpy as np

from detente.spatial import crosses_red_line
from detente.spatial import linear_utility as utility

SETTLEMENT, FROZEN, PARTIAL, WAR = 0, 1, 2, 3
OUTCOME_CLASSES = (
    "comprehensive_settlement",
    "ceasefire_frozen_conflict",
    "partial_agreement",
    "collapse_war",
)
"""Outcome classes by code, from the most to the least peace: a partial agreement is war with a
limited deal on the separable issues (forecast/partial.py)."""

# Interpretive constants, documented in docs/decisions.md (## Forecast).
COERCION_LOSS = 0.45
"""A weaker belligerent losing at least this much utility (distance from its ideal)…"""
COERCION_RATIO = 1.5
"""…and at least this many times the stronger one's loss has settled under coercion."""


def classify(settled: np.ndarray, freeze_acceptable: np.ndarray) -> np.ndarray:
    """Outcome class per draw: settlement if agreed, else a frozen ceasefire if every belligerent
    prefers freezing to fighting, else war. Returns int8 codes (see :data:`OUTCOME_CLASSES`);
    forecast/partial.py turns war draws that admit a limited deal into partial agreements."""
    return np.where(settled, SETTLEMENT, np.where(freeze_acceptable, FROZEN, WAR)).astype(np.int8)


def coerced(
    settled: np.ndarray,
    utilities: np.ndarray,
    reservation: np.ndarray,
    weaker: np.ndarray,
    stronger: np.ndarray,
) -> np.ndarray:
    """Whether a settlement is coerced rather than consented to.

    Coerced if some party accepted terms worth less to it than its own outside option (it gave
    in to pressure), or if the weaker belligerent bears a large loss, many times the stronger
    one's (:data:`COERCION_LOSS`, :data:`COERCION_RATIO`). ``utilities``/``reservation``
    (draws, parties); ``weaker``/``stronger`` (draws,) party indices.
    """
    below_outside_option = (utilities < reservation - 1e-12).any(axis=1)
    rows = np.arange(utilities.shape[0])
    weaker_loss = 1.0 - utilities[rows, weaker]
    stronger_loss = 1.0 - utilities[rows, stronger]
    lopsided = (weaker_loss >= COERCION_LOSS) & (weaker_loss >= COERCION_RATIO * stronger_loss)
    return settled & (below_outside_option | lopsided)


__all__ = [
    "COERCION_LOSS",
    "COERCION_RATIO",
    "FROZEN",
    "OUTCOME_CLASSES",
    "PARTIAL",
    "SETTLEMENT",
    "WAR",
    "classify",
    "coerced",
    "crosses_red_line",
    "utility",
]
