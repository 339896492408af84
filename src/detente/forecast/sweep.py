"""Parameter sweeps: a grid of scenario variants, one forecast per point, results as a table.

A vary spec is ``PATH=a:b:n``; PATH names one judgment:

- ``actors[ID].capability``
- ``positions[ACTOR,ISSUE].ideal`` / ``.salience`` / ``.red_line`` / ``.reservation``
- ``tables[ID].mediator.leverage`` / ``.bias``
- ``issues[ID].status_quo``

Each of the n values from a to b replaces the judgment by a fixed number. Every point runs with
the same seed (common random numbers), so differences between points are not sampling noise.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.errors import InputError
from detente.forecast.result import to_data
from detente.forecast.run import Backend, ForecastConfig, run_forecast, run_local
from detente.scenario import Scenario, moved, scenario_to_data, validate_data

PATH_PATTERN = re.compile(
    r"^(?P<coll>actors|positions|tables|issues)\[(?P<key>[^\]]+)\]\.(?P<field>[a-z_.]+)$"
)
FIELDS = {
    "actors": ("capability",),
    "positions": ("ideal", "salience", "red_line", "reservation"),
    "tables": ("mediator.leverage", "mediator.bias"),
    "issues": ("status_quo",),
}
MAX_POINTS = 10_000


@dataclass(frozen=True)
class Vary:
    """One swept judgment: its path and its values."""

    path: str
    collection: str
    key: tuple[str, ...]
    field: str
    values: tuple[float, ...]


def parse_vary(spec: str) -> Vary:
    """``PATH=a:b:n`` → :class:`Vary`; a malformed spec is an InputError naming it."""
    path, _, grid = spec.partition("=")
    match = PATH_PATTERN.match(path.strip())
    if not match or match["field"] not in FIELDS[match["coll"]]:
        raise InputError(
            f"cannot vary {path!r}: expected e.g. positions[russia,territory].ideal, "
            "actors[ukraine].capability or tables[us_mediated].mediator.leverage",
            field=f"vary {spec}",
        )
    try:
        low, high, n = grid.split(":")
        values = tuple(float(v) for v in np.linspace(float(low), float(high), int(n)))
    except ValueError:
        raise InputError("expected a:b:n after '='", field=f"vary {spec}") from None
    if not values:
        raise InputError("n must be at least 1", field=f"vary {spec}")
    key = tuple(k.strip() for k in match["key"].split(","))
    return Vary(path.strip(), match["coll"], key, match["field"], values)


def _target(data: dict[str, Any], vary: Vary) -> tuple[dict[str, Any], str]:
    items = data.get(vary.collection, [])
    if vary.collection == "positions":
        found = [p for p in items if (p["actor"], p["issue"]) == vary.key]
    else:
        found = [x for x in items if (x["id"],) == vary.key]
    if not found:
        raise InputError(f"{vary.path}: no such {vary.collection[:-1]}", field="vary")
    target, field = found[0], vary.field
    if field.startswith("mediator."):
        if "mediator" not in target:
            raise InputError(f"{vary.path}: that table has no mediator", field="vary")
        target, field = target["mediator"], field.split(".", 1)[1]
    return target, field


def variant(scenario: Scenario, settings: dict[Vary, float]) -> Scenario:
    """The scenario with each swept judgment moved to its value (a range shifts with it, as in
    the what-if: :func:`detente.scenario.moved`), validated again."""
    data = scenario_to_data(scenario)
    for vary, value in settings.items():
        target, field = _target(data, vary)
        try:
            target[field] = moved(target.get(field), value, field)
        except InputError as exc:
            raise InputError(f"{vary.path}: {exc.message}", field="vary") from None
    return validate_data(data)


def grid(varies: list[Vary]) -> list[dict[Vary, float]]:
    """Every combination of the swept values."""
    points = [
        dict(zip(varies, combo, strict=True))
        for combo in itertools.product(*(v.values for v in varies))
    ]
    if len(points) > MAX_POINTS:
        raise InputError(f"{len(points):,} grid points, more than {MAX_POINTS:,}", field="vary")
    return points


def rows_for_point(point: dict[Vary, float], data: dict[str, Any]) -> list[dict[str, Any]]:
    """One flat row per table: the swept values and the forecast's headline numbers."""
    rows = []
    for table_id, t in data["tables"].items():
        row: dict[str, Any] = {v.path: value for v, value in point.items()}
        row["table"] = table_id
        for name, c in t["outcome_classes"].items():
            row[f"p_{name}"] = c["p"]
        row["coercion_rate"] = t["coercion"]["rate_among_settlements"]
        for issue, s in t["settlement"].items():
            row[f"median_{issue}"] = s["median"]
        for years, value in t["durability"]["peace_holds"].items():
            row[f"peace_holds_{years}"] = value
        rows.append(row)
    return rows


def run_sweep(
    base: Scenario,
    specs: list[str],
    config: ForecastConfig,
    backend: Backend = run_local,
    on_point: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """One forecast per point of the grid that ``specs`` (``PATH=a:b:n`` each) span, with the
    same config and seed at every point; every point is built and validated before any runs.
    Returns one flat row per point and table; ``on_point(done, total)`` reports progress."""
    points = grid([parse_vary(spec) for spec in specs])
    variants = [variant(base, point) for point in points]
    rows: list[dict[str, Any]] = []
    for done, (point, scenario) in enumerate(zip(points, variants, strict=True), start=1):
        rows += rows_for_point(point, to_data(run_forecast(scenario, config, backend)))
        if on_point is not None:
            on_point(done, len(points))
    return rows
