"""The forecast over time for the dashboard: a scenario's series among the bundled and uploaded
scenarios, checked against the work budget, computed once per inputs (forecast.timeline)."""

from __future__ import annotations

import math
from typing import Any

from detente.errors import InputError
from detente.forecast import Snapshot, TimelineConfig, run_timeline, snapshots_until
from detente.scenario import dump_json
from detente.web.budget import check_budget
from detente.web.service import JsonCache, cancel_check

TIMELINE_DRAWS = 10_000
ATTRIBUTION_DRAWS = 2_000
CACHE_SIZE = 16
_timelines = JsonCache(CACHE_SIZE)


def store_series(store, name: str) -> tuple[Snapshot, ...]:
    """The snapshots of the named scenario's series among the store's scenarios, up to its own
    ``as_of`` (nothing later enters), oldest first."""
    scenario = store.load(name)
    if scenario.series is None or scenario.as_of is None:
        return (Snapshot(scenario, name),) if scenario.as_of is not None else ()
    found = []
    for other in store.scenario_names():
        try:
            loaded = store.load(other)
        except InputError:
            continue
        if loaded.series == scenario.series and loaded.as_of is not None:
            found.append(Snapshot(loaded, other))
    found.sort(key=lambda s: (s.scenario.as_of, s.scenario.id))
    return snapshots_until(tuple(found), scenario.as_of)


def check_timeline_budget(snapshots: tuple[Snapshot, ...], draws: int, engine: str) -> None:
    """Refuse (InputError naming ``draws``) a timeline over the dashboard's work budget: one
    forecast per snapshot, and the attribution's runs (about one per item, 40 at most counted
    for the bundled pair) at its own draws."""
    latest = snapshots[-1].scenario
    extra = math.ceil(40 * ATTRIBUTION_DRAWS / max(draws, 1)) if len(snapshots) > 1 else 0
    check_budget(latest, draws, engine, runs=len(snapshots) + extra)


def timeline_data(
    snapshots: tuple[Snapshot, ...], draws: int, seed: int, engine: str, cancel=None
) -> dict[str, Any]:
    """The timeline's data, kept for the last :data:`CACHE_SIZE` inputs."""
    key = (tuple(dump_json(s.scenario) for s in snapshots), draws, seed, engine)
    config = TimelineConfig(
        draws=draws, seed=seed, engine=engine, attribution_draws=ATTRIBUTION_DRAWS
    )
    return _timelines.get(
        key, lambda: run_timeline(snapshots, config, on_step=cancel_check(cancel))
    )
