"""Series of dated snapshots: the same negotiation coded again as news arrived.

A scenario with ``series: <id>`` belongs to that series; its snapshots are found among the
bundled scenarios, or among the YAML/JSON files of a directory, and sorted by ``as_of``. A
scenario without a series is a series of one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from detente.errors import InputError
from detente.scenario import Scenario, bundled_scenarios, load_scenario, resolve_scenario_path

SNAPSHOT_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Snapshot:
    """One dated snapshot of a series and where it was read from (a bundled name or a file)."""

    scenario: Scenario
    origin: str


def _loaded(path: Path, origin: str) -> Snapshot:
    return Snapshot(load_scenario(path), origin)


def _series_key(scenario: Scenario) -> str:
    return scenario.series or scenario.id


def _sorted(snapshots: list[Snapshot], where: str) -> tuple[Snapshot, ...]:
    """Snapshots by ``as_of``; each needs one, and no two may share one (or an id)."""
    for s in snapshots:
        if s.scenario.as_of is None:
            raise InputError("a snapshot of a series needs an as_of date", file=s.origin)
    ordered = sorted(snapshots, key=lambda s: (s.scenario.as_of, s.scenario.id))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.scenario.as_of == after.scenario.as_of:
            raise InputError(
                f"two snapshots of series {_series_key(before.scenario)!r} in {where} share the "
                f"as_of {after.scenario.as_of} ({before.origin}, {after.origin})",
                file=after.origin,
                field="as_of",
            )
        if before.scenario.id == after.scenario.id:
            raise InputError(
                f"two snapshots in {where} share the id {after.scenario.id!r}",
                file=after.origin,
                field="id",
            )
    return tuple(ordered)


def directory_snapshots(folder: Path) -> tuple[Snapshot, ...]:
    """Every snapshot in a directory's YAML/JSON files; they must form one series."""
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in SNAPSHOT_SUFFIXES)
    if not files:
        raise InputError("no .yaml, .yml or .json scenario in this directory", file=folder)
    found = [_loaded(p, str(p)) for p in files]
    keys = sorted({_series_key(s.scenario) for s in found})
    if len(keys) > 1:
        raise InputError(
            f"the directory holds several series ({', '.join(keys)}); name one file of the "
            "series, or keep one series per directory",
            file=folder,
        )
    return _sorted(found, str(folder))


def _bundled_series(scenario: Scenario) -> tuple[Snapshot, ...]:
    found = [Snapshot(load_scenario(name), name) for name in bundled_scenarios()]
    same = [s for s in found if _series_key(s.scenario) == _series_key(scenario)]
    return _sorted(same, "the bundled scenarios")


def _sibling_series(path: Path, scenario: Scenario) -> tuple[Snapshot, ...]:
    """The named file and the files beside it of the same series; a sibling that is no valid
    scenario belongs to no series and is passed over (only the named file must load)."""
    found = [Snapshot(scenario, str(path))]
    if scenario.series is not None:
        for p in sorted(path.parent.iterdir()):
            if p.suffix.lower() not in SNAPSHOT_SUFFIXES or p.resolve() == path.resolve():
                continue
            try:
                other = load_scenario(p)
            except InputError:
                continue
            if other.series == scenario.series:
                found.append(Snapshot(other, str(p)))
    return _sorted(found, str(path.parent))


def series_snapshots(spec: str | Path | None) -> tuple[Snapshot, ...]:
    """The snapshots of the series a scenario argument belongs to, oldest first: a directory's
    files, the files beside a named file, or the bundled scenarios for a bundled name."""
    if spec is not None and Path(spec).is_dir():
        return directory_snapshots(Path(spec))
    path = resolve_scenario_path(spec)
    scenario = load_scenario(path)
    bundled = spec is None or not Path(spec).exists() and not Path(spec).suffix
    if bundled:
        return _bundled_series(scenario)
    return _sibling_series(path, scenario)


def snapshot_as_of(snapshots: tuple[Snapshot, ...], day: dt.date, today: dt.date) -> Snapshot:
    """The latest snapshot with ``as_of`` on or before ``day``: everything it cites was
    published by its ``as_of`` (scenario validation), so nothing published after ``day``
    enters. An InputError if ``day`` is after ``today`` or earlier than every snapshot."""
    if day > today:
        raise InputError(
            f"{day} is in the future (today is {today}); a forecast as of a date uses what was "
            "known by then",
            field="as_of",
        )
    known = snapshots_until(snapshots, day)
    if not known:
        first = snapshots[0].scenario
        raise InputError(
            f"no snapshot of series {_series_key(first)!r} is as early as {day} (the earliest "
            f"is {first.id}, as of {first.as_of})",
            field="as_of",
        )
    return known[-1]


def snapshots_until(snapshots: tuple[Snapshot, ...], day: dt.date) -> tuple[Snapshot, ...]:
    """The snapshots with ``as_of`` on or before ``day``."""
    return tuple(s for s in snapshots if s.scenario.as_of is not None and s.scenario.as_of <= day)
