"""KTAB's CSV format for spatial-model inputs.

Line 1: ``name,description,nActors,nDims``; line 2: ``Actor,Description,Power,Pstn1,Sal1,...``;
then one row per actor. Positions and saliences are on 0–100 (KAPSARC Toolkit for Behavioral
Analysis, ``examples/smp/doc``). Trailing commas and blank cells at line ends are tolerated as
KTAB's own files have them.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ValidationError

from detente.errors import InputError
from detente.scenario.arrays import mode_arrays
from detente.scenario.model import MAX_ACTORS, MAX_CAPABILITY, MAX_ISSUES, Scenario


@dataclass(frozen=True)
class KtabData:
    """The content of a KTAB CSV: ``power`` (actors,), ``position`` and ``salience``
    (actors, dims), all as written in the file (0–100 scale, saliences unnormalised)."""

    name: str
    description: str
    actor_names: tuple[str, ...]
    actor_descriptions: tuple[str, ...]
    power: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    dim_names: tuple[str, ...] = ()
    """Dimension names read from headers such as ``Policy Position`` (empty when the header
    says only ``Pstn1``)."""

    def issue_ids(self) -> tuple[str, ...]:
        """Issue ids: the dimension names as slugs when every one is named and distinct, else
        ``dim1``, ``dim2``, …"""
        slugs = tuple(_slug(n) for n in self.dim_names)
        n = self.position.shape[1]
        if len(slugs) == n and all(slugs) and len(set(slugs)) == n:
            return slugs
        return tuple(f"dim{k + 1}" for k in range(n))


def _cells(row: list[str]) -> list[str]:
    cells = [c.strip() for c in row]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _number(cell: str, file, line: int, field: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise InputError(
            f"expected a number, got {cell!r}", file=file, line=line, field=field
        ) from None
    if not np.isfinite(value):
        raise InputError(
            f"expected a finite number, got {cell!r}", file=file, line=line, field=field
        )
    return value


CAPABILITY_HEADERS = ("power", "influence", "capability")
"""Names KTAB's own example files give the capability column (KTAB reads it by position)."""


def parse_ktab_csv(text: str, file: str | Path | None = None) -> KtabData:
    """Parse a KTAB CSV, checking counts, numbers and ranges line by line."""
    reader = csv.reader(io.StringIO(text))
    try:
        rows = [_cells(r) for r in reader]
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", file=file, line=reader.line_num) from None
    if len(rows) < 3:
        raise InputError("expected a title line, a header line and actor rows", file=file, line=1)
    title = rows[0]
    if len(title) < 4:
        raise InputError("expected 'name,description,nActors,nDims'", file=file, line=1)
    n_actors = int(_number(title[2], file, 1, "nActors"))
    n_dims = int(_number(title[3], file, 1, "nDims"))
    if not 2 <= n_actors <= MAX_ACTORS:
        raise InputError(
            f"expected 2 to {MAX_ACTORS} actors, got {n_actors}", file=file, line=1, field="nActors"
        )
    if not 1 <= n_dims <= MAX_ISSUES:
        raise InputError(
            f"expected 1 to {MAX_ISSUES} dimensions, got {n_dims}", file=file, line=1, field="nDims"
        )
    header = rows[1]
    expected = 3 + 2 * n_dims
    if len(header) != expected or header[2].strip().lower() not in CAPABILITY_HEADERS:
        raise InputError(
            f"expected header Actor,Description,Power then {n_dims} Pstn/Sal pairs",
            file=file,
            line=2,
        )
    body = [(i + 3, r) for i, r in enumerate(rows[2:]) if r]
    if len(body) != n_actors:
        raise InputError(
            f"expected {n_actors} actor rows, found {len(body)}", file=file, line=3, field="nActors"
        )
    names: list[str] = []
    descs: list[str] = []
    power: list[float] = []
    position = np.empty((n_actors, n_dims))
    salience = np.empty((n_actors, n_dims))
    for a, (line, row) in enumerate(body):
        if len(row) != expected:
            raise InputError(f"expected {expected} cells, found {len(row)}", file=file, line=line)
        for earlier, (earlier_line, _) in zip(names, body, strict=False):
            if _slug(earlier) == _slug(row[0]):
                raise InputError(
                    f"duplicate actor {row[0]!r} (first on line {earlier_line})",
                    file=file,
                    line=line,
                    field="Actor",
                )
        names.append(row[0])
        descs.append(row[1])
        power.append(_number(row[2], file, line, "Power"))
        for k in range(n_dims):
            position[a, k] = _number(row[3 + 2 * k], file, line, f"Pstn{k + 1}")
            salience[a, k] = _number(row[4 + 2 * k], file, line, f"Sal{k + 1}")
            for field, value in ((f"Pstn{k + 1}", position[a, k]), (f"Sal{k + 1}", salience[a, k])):
                if not 0.0 <= value <= 100.0 and field.startswith("Pstn"):
                    raise InputError(
                        f"expected a value in [0, 100], got {value:g}",
                        file=file,
                        line=line,
                        field=field,
                    )
                if not 0 <= value <= MAX_CAPABILITY:
                    raise InputError(
                        f"expected a value in [0, {MAX_CAPABILITY:g}], got {value:g}",
                        file=file,
                        line=line,
                        field=field,
                    )
        if not 0 <= power[-1] <= MAX_CAPABILITY:
            raise InputError(
                f"expected a value in [0, {MAX_CAPABILITY:g}], got {power[-1]:g}",
                file=file,
                line=line,
                field="Power",
            )
    pstn = [header[3 + 2 * k] for k in range(n_dims)]
    named = [h[: -len(" position")].strip() for h in pstn if h.lower().endswith(" position")]
    return KtabData(
        dim_names=tuple(named) if len(named) == n_dims else (),
        name=title[0],
        description=title[1],
        actor_names=tuple(names),
        actor_descriptions=tuple(descs),
        power=np.array(power),
        position=position,
        salience=salience,
    )


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9_\-]+", "-", text.strip().lower()).strip("-")
    return slug or "x"


def normalised_saliences(salience: np.ndarray) -> np.ndarray:
    """Saliences on 0–100 whose per-actor sum is at most 100 (KTAB's convention): an actor
    whose saliences add up to more is scaled down proportionally."""
    totals = salience.sum(axis=1, keepdims=True)
    scale = np.divide(100.0, totals, out=np.ones_like(totals), where=totals > 100.0)
    return salience * scale


def scenario_from_ktab(data: KtabData) -> Scenario:
    """A scenario with one issue per KTAB dimension; saliences normalised per actor
    (:func:`normalised_saliences`)."""
    ids = [_slug(n) for n in data.actor_names]
    salience = normalised_saliences(data.salience)
    issue_ids = data.issue_ids()
    names = data.dim_names or tuple(f"Dimension {k + 1}" for k in range(len(issue_ids)))
    issues = [
        {
            "id": issue_id,
            "name": name,
            "anchors": [{"value": 0.0, "label": "0"}, {"value": 100.0, "label": "100"}],
        }
        for issue_id, name in zip(issue_ids, names, strict=True)
    ]
    actors = [
        {"id": i, "name": n, "kind": "state", "capability": float(p), "note": d or None}
        for i, n, p, d in zip(
            ids, data.actor_names, data.power, data.actor_descriptions, strict=True
        )
    ]
    positions = [
        {
            "actor": ids[a],
            "issue": issue_ids[k],
            "ideal": float(data.position[a, k]),
            "salience": float(salience[a, k]),
        }
        for a in range(len(ids))
        for k in range(data.position.shape[1])
    ]
    return Scenario.model_validate(
        {
            "id": _slug(data.name),
            "name": data.name,
            "description": data.description or None,
            "actors": actors,
            "issues": issues,
            "positions": positions,
        }
    )


def scenario_to_ktab_csv(scenario: Scenario) -> str:
    """The scenario's most-likely values in KTAB CSV (actors holding positions on every issue)."""
    arrays = mode_arrays(scenario)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [scenario.name, scenario.description or "", len(arrays.actor_ids), len(arrays.issue_ids)]
    )
    header = ["Actor", "Description", "Power"]
    for issue_id in arrays.issue_ids:
        header += [f"{issue_id} Position", f"{issue_id} Salience"]
    writer.writerow(header)
    for a, actor_id in enumerate(arrays.actor_ids):
        row = [actor_id, scenario.actor(actor_id).name, repr(float(arrays.capability[a]))]
        for k in range(len(arrays.issue_ids)):
            row += [repr(float(arrays.ideal[a, k])), repr(float(arrays.salience[a, k]))]
        writer.writerow(row)
    return out.getvalue()


def load_ktab(text: str, file: str | Path | None = None) -> Scenario:
    """A validated scenario from KTAB CSV text; a problem found after parsing (every capability
    zero, say) names the actor's row."""
    data = parse_ktab_csv(text, file=file)
    try:
        return scenario_from_ktab(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise InputError(str(first["msg"]), file=file, line=_row_line(first["loc"])) from None
    except InputError as exc:
        match = re.match(r"actors\[(\d+)\]", exc.field or "")
        line = 3 + int(match.group(1)) if match else None
        raise exc.located(file=file, line=line) from None


def _row_line(loc: tuple) -> int | None:
    """The CSV line of an actor's row from a validation location (actors start on line 3)."""
    if len(loc) > 1 and loc[0] == "actors" and isinstance(loc[1], int):
        return 3 + loc[1]
    return None


def _count(node, kind) -> int:
    """Instances of ``kind`` anywhere inside a model (fields, tuples)."""
    if isinstance(node, kind):
        return 1 + sum(_count(getattr(node, f), kind) for f in type(node).model_fields)
    if isinstance(node, BaseModel):
        return sum(_count(getattr(node, f), kind) for f in type(node).model_fields)
    if isinstance(node, tuple | list):
        return sum(_count(x, kind) for x in node)
    return 0


def ktab_losses(scenario: Scenario) -> list[str]:
    """What a KTAB CSV cannot hold of this scenario, one phrase each (the format keeps actor
    ids and names, capabilities, issue ids in the header, positions and saliences)."""
    from detente.scenario.model import Citation, Uncertain

    arrays = mode_arrays(scenario)
    lost = []
    ranges = _count(scenario, Uncertain)
    if ranges:
        lost.append(f"{ranges} ranges (their most likely values are written)")
    linked = set(arrays.issue_ids)
    held = sum(p.issue in linked for p in scenario.positions)
    missing = len(arrays.actor_ids) * len(arrays.issue_ids) - held
    separable = [i.id for i in scenario.separable_issues]
    if separable:
        lost.append(
            f"{len(separable)} separable issues ({', '.join(separable)}) and their positions"
        )
    if missing > 0:
        lost.append(f"{missing} missing positions (written as filled in)")
    counted = [
        (len(scenario.tables), "negotiation tables"),
        (len(scenario.sources), "sources"),
        (_count(scenario, Citation), "citations"),
        (len(scenario.mechanisms), "mechanisms"),
        (len(scenario.timeline), "dated events"),
        (sum(i.status_quo is not None for i in scenario.issues), "status quo values"),
        (sum(p.red_line is not None or p.reservation is not None for p in scenario.positions),
         "red lines or reservation values"),
    ]  # fmt: skip
    lost += [f"{n} {what}" for n, what in counted if n]
    if scenario.war is not None:
        lost.append("the war (belligerents, costs, trends)")
    lost.append("issue names and scale anchors (issue ids are kept in the header)")
    lost.append("actor kinds and roles")
    return lost
