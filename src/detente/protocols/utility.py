"""Preferences over multi-issue outcomes, batched: arrays shaped (batch, parties, issues).

Utility is linear-additive on the 0–100 scales (:mod:`detente.spatial`, the forecast's too):
u_p(x) = 1 − Σ_k w_pk |x_k − ideal_pk| / 100, weights the saliences normalised to one. Red lines
are hard constraints: an outcome past any of a party's red lines is unacceptable whatever its
utility. Reservation values come from the party's outside option.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.errors import InputError
from detente.spatial import crosses_red_line, linear_utility, salience_weights


@dataclass(frozen=True)
class Preferences:
    """Batched preferences: ``ideal``, ``weight`` and ``red_line`` (B, P, K), ``reservation``
    (B, P). Weights sum to one per party; NaN red lines never bind."""

    ideal: np.ndarray
    weight: np.ndarray
    red_line: np.ndarray
    reservation: np.ndarray

    @property
    def shape(self) -> tuple[int, int, int]:
        """(batch, parties, issues)."""
        return self.ideal.shape  # type: ignore[return-value]

    def utility(self, x: np.ndarray) -> np.ndarray:
        """Every party's utility of outcomes ``x`` (B, K) → (B, P)."""
        return linear_utility(x, self.ideal, self.weight)

    def acceptable(self, x: np.ndarray) -> np.ndarray:
        """Whether each party can accept ``x``: at least its reservation, no red line crossed."""
        crossed = crosses_red_line(x, self.ideal, self.red_line)
        return (self.utility(x) >= self.reservation - 1e-12) & ~crossed


def preferences(ideal, salience, reservation, red_line=None) -> Preferences:
    """Checked, normalised preferences; bad shapes or values are InputErrors."""
    ideal = np.asarray(ideal, dtype=float)
    salience = np.asarray(salience, dtype=float)
    reservation = np.asarray(reservation, dtype=float)
    if ideal.ndim != 3 or salience.shape != ideal.shape or reservation.shape != ideal.shape[:2]:
        raise InputError(
            "expected ideal/salience (batch, parties, issues), reservation (batch, parties)"
        )
    if not (
        np.isfinite(ideal).all() and np.isfinite(salience).all() and np.isfinite(reservation).all()
    ):
        raise InputError("contains NaN or infinite values", field="preferences")
    if (ideal < 0).any() or (ideal > 100).any():
        raise InputError("ideal points must lie on 0–100", field="ideal")
    if (salience < 0).any():
        raise InputError("saliences must be >= 0", field="salience")
    weight = salience_weights(salience)
    red = np.full_like(ideal, np.nan) if red_line is None else np.asarray(red_line, dtype=float)
    return Preferences(ideal, weight, red, reservation)


__all__ = ["Preferences", "preferences"]
