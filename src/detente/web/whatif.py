"""What-if edits: a scenario with some judgments replaced, validated like any scenario."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from detente.errors import InputError
from detente.scenario import Scenario, validate_data
from detente.scenario.io import scenario_to_data


class Edits(BaseModel):
    """Judgments to replace, each by a fixed value (its uncertainty range is dropped).

    Keys: ``capability`` actor → value; ``ideal`` and ``salience`` "actor/issue" → 0–100;
    ``leverage`` table → 0–1; ``mechanisms`` table → mechanism ids offered there.
    """

    capability: dict[str, float] = Field(default_factory=dict)
    ideal: dict[str, float] = Field(default_factory=dict)
    salience: dict[str, float] = Field(default_factory=dict)
    leverage: dict[str, float] = Field(default_factory=dict)
    mechanisms: dict[str, list[str]] = Field(default_factory=dict)

    def is_empty(self) -> bool:
        """Whether nothing is edited."""
        return not any((self.capability, self.ideal, self.salience, self.leverage, self.mechanisms))


def _find(items: list[dict], key, what: str) -> dict:
    for item in items:
        if key(item):
            return item
    raise InputError(f"unknown {what}", field="edits")


def apply_edits(scenario: Scenario, edits: Edits) -> Scenario:
    """The scenario with the edits applied, validated again (bad values are InputErrors)."""
    data: dict[str, Any] = scenario_to_data(scenario)
    for actor, value in edits.capability.items():
        _find(data["actors"], lambda a, x=actor: a["id"] == x, f"actor {actor}")["capability"] = (
            value
        )
    for field in ("ideal", "salience"):
        for key, value in getattr(edits, field).items():
            actor, _, issue = key.partition("/")
            position = _find(
                data.get("positions", []),
                lambda p, a=actor, i=issue: p["actor"] == a and p["issue"] == i,
                f"position {key}",
            )
            position[field] = value
    for table_id, value in edits.leverage.items():
        table = _find(data["tables"], lambda t, x=table_id: t["id"] == x, f"table {table_id}")
        if "mediator" not in table:
            raise InputError(f"table {table_id!r} has no mediator", field="leverage")
        table["mediator"]["leverage"] = value
    for table_id, ids in edits.mechanisms.items():
        table = _find(data["tables"], lambda t, x=table_id: t["id"] == x, f"table {table_id}")
        table["mechanisms"] = list(ids)
    return validate_data(data)
