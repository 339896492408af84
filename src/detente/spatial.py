"""Spatial preferences on the 0–100 issue scales, the one home of the concepts every model
shares: linear-loss utility, red lines, salience weights and the weighted mean.

Utility is linear-additive: u_p(x) = 1 − Σ_k w_pk |x_k − ideal_pk| / 100 with weights the
saliences normalised to one per party (the DEU tradition: Thomson et al. 2006, *The European
Union Decides*). A red line binds on the side away from the party's ideal; NaN never binds.
Pure NumPy over arrays whose leading axes are batches.
"""

from __future__ import annotations

import numpy as np


def linear_utility(point: np.ndarray, ideal: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """1 − Σ_k w_k |x_k − ideal_k| / 100: ``point`` (…, issues); ``ideal``, ``weights``
    (…, parties, issues) → (…, parties)."""
    return 1.0 - (weights * np.abs(point[..., None, :] - ideal)).sum(axis=-1) / 100.0


def crosses_red_line(point: np.ndarray, ideal: np.ndarray, red_line: np.ndarray) -> np.ndarray:
    """Whether the point lies past any of a party's red lines, on the side away from its ideal.
    Shapes as :func:`linear_utility`; returns (…, parties) booleans."""
    side_of_ideal = np.sign(ideal - red_line)
    side_of_point = np.sign(point[..., None, :] - red_line)
    crossed = (side_of_point != 0) & (side_of_point != side_of_ideal)
    return np.any(np.where(np.isnan(red_line), False, crossed), axis=-1)


def salience_weights(salience: np.ndarray) -> np.ndarray:
    """Per-party issue weights summing to one over the last axis (equal weights where every
    salience is zero). Saliences must be ≥ 0 (checked by callers at their boundary)."""
    s = np.asarray(salience, dtype=float)
    total = s.sum(axis=-1, keepdims=True)
    return np.where(total > 0, s / np.where(total > 0, total, 1.0), 1.0 / s.shape[-1])


def weighted_mean(x: np.ndarray, weight: np.ndarray, axis: int = 1) -> np.ndarray:
    """Σ w x / Σ w along ``axis`` (the actors); callers make sure Σ w > 0."""
    return (weight * x).sum(axis=axis) / weight.sum(axis=axis)


__all__ = ["crosses_red_line", "linear_utility", "salience_weights", "weighted_mean"]
