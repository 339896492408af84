"""The compromise model: capability × salience weighted mean of positions.

Outcome on issue k = Σ_i c_i s_ik x_ik / Σ_i c_i s_ik (Thomson et al. 2006, *The European Union
Decides*; Achen 2006). It is the benchmark that challengers on the DEU data rarely beat.
"""

from __future__ import annotations

import numpy as np

from detente import spatial
from detente.engines.base import EngineInput, EngineResult, EngineSpec, one_shot_result
from detente.errors import InputError

VERSION = "1.0"


def check_input(inp: EngineInput) -> None:
    """Reject non-finite inputs, negative weights and batches with no weight on an issue."""
    for name in ("position", "salience", "capability"):
        if not np.isfinite(getattr(inp, name)).all():
            raise InputError("contains NaN or infinite values", field=name)
    if (inp.salience < 0).any() or (inp.capability < 0).any():
        raise InputError("capabilities and saliences must be >= 0", field="salience")


def compromise_point(inp: EngineInput) -> np.ndarray:
    """Σ c s x / Σ c s per draw and issue → (draws, dims). An issue on which every actor has
    zero capability × salience has no defined compromise: invalid input."""
    weight = inp.capability[:, :, None] * inp.salience
    total = weight.sum(axis=1)
    if (total <= 0).any():
        raise InputError("total capability × salience is zero on some issue", field="salience")
    return spatial.weighted_mean(inp.position, weight, axis=1)


def run(
    inp: EngineInput, rng: np.random.Generator | None = None, record_trajectory: bool = True
) -> EngineResult:
    """One-shot: the trajectory is the initial positions followed by everyone at the outcome."""
    check_input(inp)
    return one_shot_result("compromise", VERSION, {}, inp, compromise_point(inp), record_trajectory)


SPEC = EngineSpec(
    name="compromise",
    version=VERSION,
    run=run,
    multidimensional=True,
    stochastic=False,
    needs_status_quo=False,
    summary="capability × salience weighted mean of positions",
)


__all__ = [
    "SPEC",
    "VERSION",
    "check_input",
    "compromise_point",
    "run",
]
