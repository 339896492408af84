"""What-if edits: a scenario with some judgments replaced, validated again like any scenario."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from detente.errors import InputError
from detente.scenario import Scenario, moved, scenario_to_data, validate_data


class Edits(BaseModel):
    """Judgments to move to a new most likely value.

    An uncertain judgment keeps its range, shifted by the same amount and clipped to the
    judgment's scale, so a what-if compares like with like: under the same seed every draw moves
    by the edit (see docs/decisions.md, "Report and dashboard"). A plain number is replaced.

    ``capability``: actor → value ≥ 0; ``ideal``, ``salience``: "actor/issue" → 0–100;
    ``mediator``: table → the mediating actor's id, or "" for none (a single-text table then
    becomes alternating offers between the parties); ``leverage``, ``bias``:
    table → 0–1; ``mechanisms``: table → the mechanism ids offered there.
    """

    model_config = ConfigDict(extra="forbid")

    capability: dict[str, float] = Field(default_factory=dict)
    ideal: dict[str, float] = Field(default_factory=dict)
    salience: dict[str, float] = Field(default_factory=dict)
    mediator: dict[str, str] = Field(default_factory=dict)
    leverage: dict[str, float] = Field(default_factory=dict)
    bias: dict[str, float] = Field(default_factory=dict)
    mechanisms: dict[str, list[str]] = Field(default_factory=dict)

    def is_empty(self) -> bool:
        """Whether nothing is edited."""
        return not any(getattr(self, name) for name in type(self).model_fields)


def _find(items: list[dict], what: str, **match: str) -> dict:
    for item in items:
        if all(item.get(k) == v for k, v in match.items()):
            return item
    raise InputError(f"unknown {what} {'/'.join(match.values())!r}", field="edits")


def _edit_positions(data: dict[str, Any], edits: Edits) -> None:
    for field in ("ideal", "salience"):
        for key, value in getattr(edits, field).items():
            actor, _, issue = key.partition("/")
            position = _find(data.get("positions", []), "position", actor=actor, issue=issue)
            position[field] = moved(position.get(field), value, field)


def _edit_mediators(data: dict[str, Any], edits: Edits) -> None:
    for table_id, actor in edits.mediator.items():
        table = _find(data["tables"], "table", id=table_id)
        if not actor:
            table.pop("mediator", None)
            if table.get("protocol") == "single_text":
                # a single text needs someone to draft it: without the mediator the parties
                # trade offers themselves (docs/decisions.md, "What-if without a mediator")
                table["protocol"] = "alternating_offers"
        else:
            table["mediator"] = {**table.get("mediator", {}), "actor": actor}
    for field in ("leverage", "bias"):
        for table_id, value in getattr(edits, field).items():
            table = _find(data["tables"], "table", id=table_id)
            if "mediator" not in table:
                raise InputError(f"table {table_id!r} has no mediator", field=field)
            table["mediator"][field] = moved(table["mediator"].get(field, 0.0), value, field)


def apply_edits(scenario: Scenario, edits: Edits) -> Scenario:
    """The scenario with the edits applied, validated again (bad values are InputErrors that
    name the field)."""
    if edits.is_empty():
        return scenario
    data: dict[str, Any] = scenario_to_data(scenario)
    for actor, value in edits.capability.items():
        entry = _find(data["actors"], "actor", id=actor)
        entry["capability"] = moved(entry["capability"], value, "capability")
    _edit_positions(data, edits)
    _edit_mediators(data, edits)
    for table_id, ids in edits.mechanisms.items():
        _find(data["tables"], "table", id=table_id)["mechanisms"] = list(ids)
    return validate_data(data)
