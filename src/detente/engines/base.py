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

from detente.errors import InputError
from detente.options import NoOptions, Options, checked


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


def check_shapes(inp: EngineInput) -> None:
    """Arrays of the shapes the contract names; anything else is invalid input."""
    position = np.asarray(inp.position)
    if position.ndim != 3:
        raise InputError("expected positions shaped (draws, actors, dims)", field="position")
    if np.shape(inp.salience) != position.shape:
        raise InputError("expected saliences shaped like the positions", field="salience")
    if np.shape(inp.capability) != position.shape[:2]:
        raise InputError("expected capabilities shaped (draws, actors)", field="capability")
    if inp.status_quo is not None and np.shape(inp.status_quo) != (
        position.shape[0],
        position.shape[2],
    ):
        raise InputError("expected a status quo shaped (draws, dims)", field="status_quo")


@dataclass(frozen=True)
class CheckedRun:
    """An engine's function behind its contract: input shapes are checked and keyword options
    validated against the engine's typed options model before ``kernel`` runs (an unknown or
    ill-typed option is an InputError, never a TypeError)."""

    name: str
    kernel: Callable[..., EngineResult]
    options: type[Options]

    def __call__(
        self,
        inp: EngineInput,
        rng: np.random.Generator | None = None,
        record_trajectory: bool = True,
        **options: Any,
    ) -> EngineResult:
        check_shapes(inp)
        values = checked(self.options, options).model_dump()
        return self.kernel(inp, rng=rng, record_trajectory=record_trajectory, **values)


@dataclass(frozen=True)
class EngineSpec:
    """A registered engine and what it can do. ``run(inp, rng=None, record_trajectory=True,
    **options)`` checks ``options`` against the typed model ``options``."""

    name: str
    version: str
    run: Callable[..., EngineResult]
    multidimensional: bool
    stochastic: bool
    needs_status_quo: bool
    summary: str
    uses_status_quo: bool = False
    options: type[Options] = NoOptions

    def __post_init__(self) -> None:
        if not isinstance(self.run, CheckedRun):
            object.__setattr__(self, "run", CheckedRun(self.name, self.run, self.options))


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


__all__ = [
    "CheckedRun",
    "EngineInput",
    "EngineResult",
    "EngineSpec",
    "check_shapes",
    "one_shot_result",
]
