"""Boundary checks shared by the conflict functions: bad values raise InputError, naming the
argument, before any arithmetic runs. Every check accepts scalars or arrays of any shape."""

from __future__ import annotations

import numpy as np

from detente.errors import InputError


def as_float(value, name: str) -> np.ndarray:
    """``value`` as a float array; non-numeric input is an InputError."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"expected numbers, got {value!r}", field=name) from None


def probability(value, name: str) -> np.ndarray:
    """A probability in [0, 1] (NaN is rejected)."""
    x = as_float(value, name)
    bad = ~((x >= 0.0) & (x <= 1.0))
    if bad.any():
        raise InputError(f"must lie in [0, 1], got {_first(x, bad)}", field=name)
    return x


def non_negative(value, name: str) -> np.ndarray:
    """A finite non-negative number (a cost of war as a share of the stake)."""
    x = as_float(value, name)
    bad = ~((x >= 0.0) & np.isfinite(x))
    if bad.any():
        raise InputError(f"must be a finite number ≥ 0, got {_first(x, bad)}", field=name)
    return x


def discount(value, name: str) -> np.ndarray:
    """A discount factor strictly inside (0, 1)."""
    x = as_float(value, name)
    bad = ~((x > 0.0) & (x < 1.0))
    if bad.any():
        raise InputError(f"must lie strictly between 0 and 1, got {_first(x, bad)}", field=name)
    return x


def finite(value, name: str) -> np.ndarray:
    """Any finite number (an outside option's value may be negative)."""
    x = as_float(value, name)
    bad = ~np.isfinite(x)
    if bad.any():
        raise InputError(f"must be finite, got {_first(x, bad)}", field=name)
    return x


def _first(x: np.ndarray, bad: np.ndarray) -> float:
    return float(np.broadcast_to(x, bad.shape)[bad].flat[0])
