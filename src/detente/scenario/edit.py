"""Moving a judgment to a new most likely value: the one rule behind the dashboard's what-if and
the sweep, so that both compare like with like.

An uncertain judgment ({low, mode, high}) keeps its range, shifted by the same amount and
clipped to the field's scale: under the same seed every draw moves by the edit, and the
uncertainty the scenario states is kept (docs/decisions.md, "Editing judgments"). A plain number
is replaced.
"""

from __future__ import annotations

import math
from typing import Any

from detente.errors import InputError

FIELD_SCALES: dict[str, tuple[float, float]] = {
    "capability": (0.0, math.inf),
    "ideal": (0.0, 100.0),
    "salience": (0.0, 100.0),
    "red_line": (0.0, 100.0),
    "status_quo": (0.0, 100.0),
    "leverage": (0.0, 1.0),
    "bias": (0.0, 1.0),
    "meetings_per_month": (0.0, 31.0),
}
"""Scales of the judgments that may be edited; another field is checked when the edited
scenario is validated again."""


def moved(judgment: Any, mode: float, field: str) -> Any:
    """``judgment`` (a plain number, {low, mode, high} or None) moved to ``mode``: a range shifts
    with it, clipped to ``field``'s scale; a plain number or None becomes ``mode``. A mode off
    the scale is an InputError naming ``field``."""
    lo, hi = FIELD_SCALES.get(field, (-math.inf, math.inf))
    if not lo <= mode <= hi:
        raise InputError(f"{field} must be between {lo:g} and {hi:g}, got {mode:g}", field=field)
    if not isinstance(judgment, dict):
        return mode
    shift = mode - judgment["mode"]
    low = min(max(judgment["low"] + shift, lo), mode)
    high = max(min(judgment["high"] + shift, hi), mode)
    return {"low": round(low, 9), "mode": mode, "high": round(high, 9)}


__all__ = ["FIELD_SCALES", "moved"]
