"""What changed in the judgments between two snapshots of a series, item by item.

An item is one judgment the forecast reads that the newer snapshot codes differently: an actor's
capability, a position (ideal, salience, red line, reservation), an issue's status quo or
holders, a table (parties, meeting rate, protocol, interventions, mechanisms), a table's
mediator, a mechanism, a war cost or trend, the war itself, or the date (``as_of``: less time
to the date of interest and an older war). Actors, issues and tables added or removed are
structural: they are listed, never applied alone. Each item can be applied to the older
snapshot by itself (:func:`apply_change`), which is how forecast.timeline attributes the
movement of a probability to it. Text that does not change a number (names, notes,
descriptions, sources, events) is no item.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from detente.errors import InputError
from detente.scenario import Scenario, validate_data

IGNORED = frozenset({"citations", "note", "description", "name"})
"""Fields that change no number."""
POSITION_FIELDS = ("ideal", "salience", "red_line", "reservation")
ISSUE_FIELDS = ("status_quo", "holders")
Edit = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Change:
    """One item: its id and kind, what it concerns, how it changed (``details``), the sources
    the newer judgment cites, and how to apply it to the older snapshot's data (``edit``;
    None for a structural change)."""

    id: str
    kind: str
    what: str
    details: tuple[str, ...]
    sources: tuple[dict[str, Any], ...] = ()
    edit: Edit | None = field(default=None, compare=False, repr=False)

    @property
    def structural(self) -> bool:
        return self.edit is None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (without the edit)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "what": self.what,
            "details": list(self.details),
            "structural": self.structural,
            "sources": [dict(s) for s in self.sources],
        }


def _without(value: Any, fields: frozenset[str]) -> Any:
    """A copy of JSON-like data without ``fields`` at any depth (its leaves are immutable)."""
    if isinstance(value, dict):
        return {k: _without(v, fields) for k, v in value.items() if k not in fields}
    if isinstance(value, list):
        return [_without(v, fields) for v in value]
    return value


def _stripped(value: Any) -> Any:
    """Data without the fields that change no number."""
    return _without(value, IGNORED)


def _no_citations(value: Any) -> Any:
    """A copy without citations: an item applied to the older snapshot brings its numbers, not
    its sources (which may postdate the older ``as_of``)."""
    return _without(value, frozenset({"citations"}))


def shown(value: Any) -> str:
    """A value as short text: a range as ``mode (low–high)``, a list joined by commas."""
    if value is None:
        return "none"
    if isinstance(value, dict) and {"low", "mode", "high"} <= set(value):
        low, mode, high = value["low"], value["mode"], value["high"]
        return f"{mode:g}" if low == high else f"{mode:g} ({low:g}–{high:g})"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:g}"
    if isinstance(value, list):
        return "[" + ", ".join(shown(v) for v in value) + "]" if value else "none"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {shown(v)}" for k, v in value.items() if v is not None) + "}"
    return str(value)


def _details(old: dict[str, Any] | None, new: dict[str, Any] | None, keys=None) -> list[str]:
    """``field: old → new`` for every field that differs."""
    if old is None:
        return ["added"]
    if new is None:
        return ["removed"]
    a, b = _stripped(old), _stripped(new)
    names = keys or sorted(set(a) | set(b))
    return [f"{k}: {shown(a.get(k))} → {shown(b.get(k))}" for k in names if a.get(k) != b.get(k)]


def _citations(value: Any) -> list[dict[str, Any]]:
    """Every citation inside a piece of scenario data, in order."""
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        found += [c for c in value.get("citations") or [] if isinstance(c, dict)]
        for k, v in value.items():
            if k != "citations":
                found += _citations(v)
    elif isinstance(value, list):
        for v in value:
            found += _citations(v)
    return found


def _sources(new: Any, old: Any, older: Scenario, newer: Scenario) -> tuple[dict[str, Any], ...]:
    """The sources the newer judgment cites, with title, date and quote; ``new`` marks a
    citation the older judgment did not make, ``new_source`` a source the older snapshot did
    not have."""
    by_id = {s.id: s for s in newer.sources}
    known = {s.id for s in older.sources}
    before = {(c.get("source"), c.get("quote"), c.get("claim")) for c in _citations(old)}
    out = []
    for c in _citations(new):
        src = by_id.get(c.get("source") or "")
        out.append({
            "source": c.get("source"),
            "claim": c.get("claim"),
            "quote": c.get("quote"),
            "title": src.title if src else None,
            "outlet": src.outlet if src else None,
            "date": src.date.isoformat() if src and src.date else None,
            "url": src.url if src else None,
            "new": (c.get("source"), c.get("quote"), c.get("claim")) not in before,
            "new_source": c.get("source") is not None and c.get("source") not in known,
        })  # fmt: skip
    out.sort(key=lambda s: (not s["new"], s["date"] or "", s["source"] or ""))
    return tuple(out)


def _keyed(items: list[dict[str, Any]], key: Callable[[dict[str, Any]], str]) -> dict[str, Any]:
    return {key(i): i for i in items}


def _replace_in(path: tuple[str, ...], key: Callable, wanted: str, element: Any) -> Edit:
    """An edit that replaces (or adds, or with None removes) the element of a list."""

    def edit(data: dict[str, Any]) -> None:
        holder = data
        for part in path[:-1]:
            holder = holder[part]
        items = holder[path[-1]]
        kept = [i for i in items if key(i) != wanted]
        index = next((n for n, i in enumerate(items) if key(i) == wanted), len(kept))
        if element is not None:
            kept.insert(index, _no_citations(element))
        holder[path[-1]] = kept

    return edit


def _list_changes(
    kind: str,
    path: tuple[str, ...],
    old_items: list[dict[str, Any]],
    new_items: list[dict[str, Any]],
    key: Callable[[dict[str, Any]], str],
    label: Callable[[str], str],
    scenarios: tuple[Scenario, Scenario],
    compare: Callable[[dict[str, Any]], Any] = _stripped,
    detail_keys: tuple[str, ...] | None = None,
) -> list[Change]:
    old, new = _keyed(old_items, key), _keyed(new_items, key)
    out = []
    for k in list(new) + [k for k in old if k not in new]:
        a, b = old.get(k), new.get(k)
        if a is not None and b is not None and compare(a) == compare(b):
            continue
        out.append(
            Change(
                id=f"{kind}:{k}",
                kind=kind,
                what=label(k),
                details=tuple(_details(a, b, detail_keys)),
                sources=_sources(b, a, *scenarios) if b is not None else (),
                edit=_replace_in(path, key, k, b),
            )
        )
    return out


def _structural(old: Scenario, new: Scenario) -> list[Change]:
    """Actors, issues and tables added or removed."""
    out = []
    for kind in ("actors", "issues", "tables"):
        a = [i.id for i in getattr(old, kind)]
        b = [i.id for i in getattr(new, kind)]
        singular = kind[:-1]
        for x in b:
            if x not in a:
                out.append(Change(f"structural:{singular}:{x}", "structural", f"{singular} {x}",
                                  ("added",)))  # fmt: skip
        for x in a:
            if x not in b:
                out.append(Change(f"structural:{singular}:{x}", "structural", f"{singular} {x}",
                                  ("removed",)))  # fmt: skip
    return out


def _time(old: Scenario, new: Scenario) -> list[Change]:
    if old.as_of == new.as_of:
        return []
    value = new.as_of.isoformat() if new.as_of else None

    def edit(data: dict[str, Any]) -> None:
        data["as_of"] = value

    detail = f"as_of: {old.as_of} → {new.as_of} (less time to the date, an older war)"
    return [Change("time:as_of", "time", "the date of the snapshot", (detail,), (), edit)]


def _war(old: Scenario, new: Scenario, scenarios) -> list[Change]:
    a = old.model_dump(mode="json").get("war")
    b = new.model_dump(mode="json").get("war")
    if a is None or b is None:
        if a == b:
            return []
        edit = (lambda d: d.__setitem__("war", _no_citations(b))) if b is not None else None
        detail = "added" if a is None else "removed"
        return [Change("war:model", "war", "the war model", (detail,), (), edit)]
    out = []
    top = ("belligerents", "kind", "started")
    if any(a[k] != b[k] for k in top):

        def edit_top(data: dict[str, Any]) -> None:
            for k in top:
                data["war"][k] = copy.deepcopy(b[k])

        cited = _sources({"citations": b["citations"]}, a, *scenarios)
        out.append(Change("war:war", "war", "the war", tuple(_details(a, b, top)), cited, edit_top))
    actor = lambda i: i["actor"]  # noqa: E731
    out += _list_changes("war_cost", ("war", "costs"), a["costs"], b["costs"], actor,
                         lambda k: f"cost of war to {k}", scenarios)  # fmt: skip
    out += _list_changes("war_trend", ("war", "trends"), a["trends"], b["trends"], actor,
                         lambda k: f"capability trend of {k}", scenarios)  # fmt: skip
    return out


def _mediators(old: dict[str, Any], new: dict[str, Any], scenarios) -> list[Change]:
    """A table's mediator (leverage, bias, lever) as its own item."""
    out = []
    for t_id, b in new.items():
        a = old.get(t_id)
        if a is None or _stripped(a.get("mediator")) == _stripped(b.get("mediator")):
            continue
        mediator = b.get("mediator")

        def edit(data: dict[str, Any], t_id=t_id, mediator=mediator) -> None:
            for t in data["tables"]:
                if t["id"] == t_id:
                    t["mediator"] = _no_citations(mediator)

        details = _details(a.get("mediator"), mediator) if a.get("mediator") else ["added"]
        out.append(Change(f"mediator:{t_id}", "mediator", f"mediator of {t_id}", tuple(details),
                          _sources(mediator, a.get("mediator"), *scenarios), edit))  # fmt: skip
    return out


def _without_mediator(table: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in _stripped(table).items() if k != "mediator"}


def _tables(old: Scenario, new: Scenario, scenarios) -> list[Change]:
    a = {t["id"]: t for t in old.model_dump(mode="json")["tables"]}
    b = {t["id"]: t for t in new.model_dump(mode="json")["tables"]}
    out = []
    for t_id, t in b.items():
        if t_id not in a or _without_mediator(a[t_id]) == _without_mediator(t):
            continue

        def edit(data: dict[str, Any], t_id=t_id, t=t) -> None:
            for n, old_t in enumerate(data["tables"]):
                if old_t["id"] == t_id:
                    data["tables"][n] = {**_no_citations(t), "mediator": old_t.get("mediator")}

        details = _details(_without_mediator(a[t_id]), _without_mediator(t))
        cited = {k: v for k, v in t.items() if k != "mediator"}
        old_cited = {k: v for k, v in a[t_id].items() if k != "mediator"}
        out.append(Change(f"table:{t_id}", "table", f"table {t_id}", tuple(details),
                          _sources(cited, old_cited, *scenarios), edit))  # fmt: skip
    return out + _mediators(a, b, scenarios)


def judgment_changes(old: Scenario, new: Scenario) -> list[Change]:
    """Every item that differs between two snapshots, in a fixed order: the date, the war,
    capabilities, issues, positions, tables and mediators, mechanisms, then structural changes
    (see the module docstring)."""
    scenarios = (old, new)
    a, b = old.model_dump(mode="json"), new.model_dump(mode="json")
    common_actors = {x.id for x in old.actors} & {x.id for x in new.actors}
    common_issues = {x.id for x in old.issues} & {x.id for x in new.issues}

    def both(items: list[dict[str, Any]], key: str, ids: set[str]) -> list[dict[str, Any]]:
        return [i for i in items if i[key] in ids]

    def pos_key(p: dict[str, Any]) -> str:
        return f"{p['actor']}/{p['issue']}"

    def positions(d: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            p for p in d["positions"] if p["actor"] in common_actors and p["issue"] in common_issues
        ]

    out = _time(old, new) + _war(old, new, scenarios)
    out += _list_changes(
        "capability", ("actors",), both(a["actors"], "id", common_actors),
        both(b["actors"], "id", common_actors), lambda i: i["id"],
        lambda k: f"capability of {k}", scenarios,
        compare=lambda i: i["capability"], detail_keys=("capability",),
    )  # fmt: skip
    out += _list_changes(
        "issue", ("issues",), both(a["issues"], "id", common_issues),
        both(b["issues"], "id", common_issues), lambda i: i["id"], lambda k: f"issue {k}",
        scenarios, compare=lambda i: [i[k] for k in ISSUE_FIELDS], detail_keys=ISSUE_FIELDS,
    )  # fmt: skip
    out += _list_changes(
        "position", ("positions",), positions(a), positions(b), pos_key,
        lambda k: k.replace("/", " on "), scenarios,
        compare=lambda p: _stripped({k: p.get(k) for k in POSITION_FIELDS}),
        detail_keys=POSITION_FIELDS,
    )  # fmt: skip
    out += _tables(old, new, scenarios)
    out += _list_changes("mechanism", ("mechanisms",), a["mechanisms"], b["mechanisms"],
                         lambda i: i["id"], lambda k: f"mechanism {k}", scenarios)  # fmt: skip
    return out + _structural(old, new)


def apply_change(old: Scenario, change: Change) -> Scenario | None:
    """The older snapshot with this one item of the newer one, or None when the item cannot
    stand alone (a structural change, or one whose result is no valid scenario, such as a
    table seating an actor the older snapshot lacks)."""
    if change.edit is None:
        return None
    data = old.model_dump(mode="json")
    change.edit(data)
    try:
        return validate_data(data)
    except InputError:
        return None
