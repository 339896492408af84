"""Reading a forecast JSON back (``compare --from``): its shape is checked before use, so a
malformed file is one line naming the first missing or mistyped field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from detente.errors import InputError
from detente.parse import parse_json
from detente.scenario import read_text

CLASSES = ("comprehensive_settlement", "ceasefire_frozen_conflict", "collapse_war")
OPTIONAL_CLASSES = ("partial_agreement",)
"""Classes a forecast JSON written before they existed lacks."""
NUMBER_PATHS = (
    ("coercion", "rate_among_settlements"),
    ("durability", "settlement", "2y"),
    ("durability", "peace_holds", "5y"),
)


def _get(data: Any, path: tuple[str, ...], where: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            raise InputError("missing in this forecast JSON", field=f"{where}.{'.'.join(path)}")
        data = data[key]
    return data


def _number(value: Any, field: str) -> None:
    ok = value is None or (isinstance(value, int | float) and not isinstance(value, bool))
    if not ok:
        raise InputError(f"expected a number or null, got {json.dumps(value)[:40]}", field=field)


def _check_table(table: Any, issues: list[str], where: str) -> None:
    for key, expected in (("outcome_classes", set(CLASSES)), ("settlement", set(issues))):
        found = _get(table, (key,), where)
        optional = set(OPTIONAL_CLASSES) if key == "outcome_classes" else set()
        if not isinstance(found, dict) or not expected <= set(found) <= expected | optional:
            raise InputError(
                f"expected entries for {', '.join(sorted(expected))}", field=f"{where}.{key}"
            )
    present = [c for c in OPTIONAL_CLASSES if c in table["outcome_classes"]]
    for name in (*CLASSES, *present):
        for key in ("p", "low", "high"):
            value = _get(table, ("outcome_classes", name, key), where)
            _number(value, f"{where}.outcome_classes.{name}.{key}")
            if value is None:
                raise InputError("expected a number", field=f"{where}.outcome_classes.{name}.{key}")
    for path in NUMBER_PATHS:
        _number(_get(table, path, where), f"{where}.{'.'.join(path)}")
    for issue in issues:
        for key in ("median", "p10", "p90"):
            _number(_get(table, ("settlement", issue, key), where), f"{where}.settlement")


def check_forecast_data(data: Any) -> dict[str, Any]:
    """``data`` if it has every field ``compare`` reads, else an InputError naming the field."""
    if not isinstance(data, dict):
        raise InputError("expected a JSON object at the top level", field="forecast")
    name = _get(data, ("meta", "scenario_name"), "forecast")
    issues = _get(data, ("meta", "issues"), "forecast")
    tables = _get(data, ("tables",), "forecast")
    if not isinstance(name, str):
        raise InputError("expected text", field="forecast.meta.scenario_name")
    if not isinstance(issues, list) or not all(isinstance(i, str) for i in issues):
        raise InputError("expected a list of issue ids", field="forecast.meta.issues")
    if not isinstance(tables, dict):
        raise InputError("expected an object of tables", field="forecast.tables")
    for table_id, table in tables.items():
        _check_table(table, issues, f"forecast.tables.{table_id}")
    return data


def read_forecast(path: Path) -> dict[str, Any]:
    """A forecast JSON written by ``forecast --json``, its shape checked."""
    try:
        return check_forecast_data(parse_json(read_text(path), path))
    except InputError as exc:
        raise exc.located(file=path) from None
