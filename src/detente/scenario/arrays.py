"""Numeric views of a scenario for the engines: modes of every judgment as NumPy arrays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.errors import InputError
from detente.scenario.model import Scenario, mode_of


@dataclass(frozen=True)
class ScenarioArrays:
    """Most-likely inputs of a set of actors on every issue, on the 0–100 scale.

    Shapes: ``capability`` (actors,), ``ideal`` and ``salience`` (actors, issues),
    ``status_quo`` (issues,) with NaN where an issue has none.
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    capability: np.ndarray
    ideal: np.ndarray
    salience: np.ndarray
    status_quo: np.ndarray


def actors_with_positions(scenario: Scenario) -> tuple[str, ...]:
    """Actors that hold a position on every issue, in scenario order."""
    return tuple(
        a.id
        for a in scenario.actors
        if all(scenario.position(a.id, i.id) is not None for i in scenario.linked_issues)
    )


def mode_arrays(scenario: Scenario, actors: tuple[str, ...] | None = None) -> ScenarioArrays:
    """The scenario's most-likely values as arrays, for the given actors (default: all with
    a position on every issue)."""
    actor_ids = tuple(actors) if actors is not None else actors_with_positions(scenario)
    if not actor_ids:
        raise InputError("no actor holds a position on every issue", field="positions")
    issue_ids = tuple(i.id for i in scenario.linked_issues)
    ideal = np.empty((len(actor_ids), len(issue_ids)))
    salience = np.empty_like(ideal)
    for a, actor_id in enumerate(actor_ids):
        for k, issue_id in enumerate(issue_ids):
            pos = scenario.position(actor_id, issue_id)
            if pos is None:
                raise InputError(
                    f"actor {actor_id!r} has no position on issue {issue_id!r}", field="positions"
                )
            ideal[a, k] = mode_of(pos.ideal)
            salience[a, k] = mode_of(pos.salience)
    capability = np.array([mode_of(scenario.actor(a).capability) for a in actor_ids])
    status_quo = np.array(
        [np.nan if i.status_quo is None else mode_of(i.status_quo) for i in scenario.linked_issues]
    )
    return ScenarioArrays(actor_ids, issue_ids, capability, ideal, salience, status_quo)
