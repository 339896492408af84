"""The contract every collective-decision engine follows.

An engine is a pure function over batched float64 arrays: ``position`` and ``salience`` shaped
(draws, actors, dims) on the 0–100 scale, ``capability`` shaped (draws, actors) and, where the
engine needs one, ``status_quo`` shaped (draws, dims). It returns an :class:`EngineResult`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class EngineInput:
    """Batched inputs: ``position``/``salience`` (draws, actors, dims), ``capability``
    (draws, actors), ``status_quo`` (draws, dims) or None."""

    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    status_quo: np.ndarray | None = None

    @property
    def shape(self) -> tuple[int, int, int]:
        """(draws, actors, dims)."""
        return self.position.shape  # type: ignore[return-value]


@dataclass(frozen=True)
class EngineResult:
    """What an engine predicts and what produced it.

    ``outcome`` is (draws, dims) on 0–100; ``trajectory`` is (rounds + 1, draws, actors, dims)
    with the initial positions first, or None when not recorded; ``rounds`` (draws,) counts the
    rounds each draw took.
    """

    engine: str
    version: str
    params: dict[str, Any]
    outcome: np.ndarray
    rounds: np.ndarray
    trajectory: np.ndarray | None = None
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EngineSpec:
    """A registered engine and what it can do."""

    name: str
    version: str
    run: Callable[..., EngineResult]
    multidimensional: bool
    stochastic: bool
    needs_status_quo: bool
    summary: str
    uses_status_quo: bool = False


def one_shot_result(
    engine: str,
    version: str,
    params: dict[str, Any],
    inp: EngineInput,
    outcome: np.ndarray,
    record_trajectory: bool,
) -> EngineResult:
    """The result of an engine that decides in one step: the trajectory is the initial
    positions followed by every actor at the outcome."""
    trajectory = None
    if record_trajectory:
        final = np.broadcast_to(outcome[:, None, :], inp.position.shape)
        trajectory = np.stack([inp.position, final])
    return EngineResult(
        engine=engine,
        version=version,
        params=params,
        outcome=outcome,
        rounds=np.ones(inp.position.shape[0], dtype=np.int64),
        trajectory=trajectory,
    )
