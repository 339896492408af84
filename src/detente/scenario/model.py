"""The validated, immutable data model of a negotiation scenario.

Every judgment (a capability, an ideal point, a salience, a mediator's leverage) is either a
number or an uncertain range ``{low, mode, high}`` and can cite sources. Models are frozen
pydantic v2 models holding tuples, so a validated scenario cannot change afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Annotated, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from detente.errors import InputError

SCALE_MIN = 0.0
SCALE_MAX = 100.0
MAX_QUOTE_WORDS = 25
MAX_CAPABILITY = 1e9
"""Largest capability accepted: capabilities are relative, and larger values only risk
overflow in products of capabilities, saliences and utilities."""
MAX_ACTORS = 200
MAX_ISSUES = 100
MAX_TABLES = 50
MAX_ROUNDS = 1000
"""Longest deadline (and latest intervention round) of a table, in rounds."""
MAX_ITEMS = 10_000
"""Most entries of any other list in a scenario (sources, positions, events, citations)."""


class Frozen(BaseModel):
    """Base for every scenario model: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans(cls, value: object, info: ValidationInfo) -> object:
        """``true`` is not a number: refuse booleans outside boolean fields (pydantic would
        read them as 1 and 0)."""
        annotation = cls.model_fields[str(info.field_name)].annotation
        if isinstance(value, bool) and annotation is not bool:
            wanted = "a number" if any(t in repr(annotation) for t in ("float", "int")) else "text"
            raise ValueError(f"expected {wanted}, got the boolean {str(value).lower()}")
        return value


class Uncertain(Frozen):
    """An analyst's uncertain judgment: a triangular range ``low <= mode <= high``."""

    low: float = Field(allow_inf_nan=False)
    mode: float = Field(allow_inf_nan=False)
    high: float = Field(allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> Uncertain:
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"expected low <= mode <= high, got low={self.low}, mode={self.mode}, "
                f"high={self.high}"
            )
        return self


Judgment = Annotated[float, Field(allow_inf_nan=False)] | Uncertain
"""A number or an uncertain range."""


def mode_of(value: Judgment) -> float:
    """The most likely value of a judgment."""
    return value.mode if isinstance(value, Uncertain) else float(value)


def bounds_of(value: Judgment) -> tuple[float, float]:
    """The (low, high) bounds of a judgment; a plain number has equal bounds."""
    if isinstance(value, Uncertain):
        return value.low, value.high
    return float(value), float(value)


_J = TypeVar("_J", bound="Judgment | None")


def _check_bounds(value: _J, lo: float, hi: float) -> _J:
    if value is None:
        return value
    low, high = bounds_of(value)
    if low < lo or high > hi:
        got = f"{low:g}" if low == high else f"{low:g}..{high:g}"
        raise ValueError(f"expected a value in [{lo:g}, {hi:g}], got {got}")
    return value


def _on_scale(cls, value: Judgment | None) -> Judgment | None:
    return _check_bounds(value, SCALE_MIN, SCALE_MAX)


def _in_unit(cls, value: Judgment | None) -> Judgment | None:
    return _check_bounds(value, 0.0, 1.0)


class Source(Frozen):
    """A document that scenario judgments cite.

    ``date`` is its publication date (``date_note`` says how it was read: a dateline, the
    content). A scenario may cite a source published after its ``as_of`` only when the source
    is marked ``hindsight`` (later scholarship on a historical case); such a scenario counts as
    coded with hindsight. ``note`` says anything else a reader should know (a missing byline,
    whom the report relays).
    """

    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    outlet: str | None = None
    author: str | None = None
    date: dt.date | None = None
    date_note: str | None = None
    url: str | None = None
    file: str | None = None
    hindsight: bool = False
    note: str | None = None


class Citation(Frozen):
    """A reference from a judgment to a source (with a short quote) or to an evidence claim."""

    source: str | None = None
    quote: str | None = None
    claim: str | None = None

    @model_validator(mode="after")
    def _points_somewhere(self) -> Citation:
        if self.source is None and self.claim is None:
            raise ValueError("a citation needs a source id or an evidence claim id")
        if self.quote is not None and len(self.quote.split()) > MAX_QUOTE_WORDS:
            raise ValueError(f"a quote is at most {MAX_QUOTE_WORDS} words")
        return self


class Cited(Frozen):
    """Base for models whose judgments can cite sources."""

    citations: tuple[Citation, ...] = Field((), max_length=MAX_ITEMS)
    note: str | None = None


ActorKind = Literal["state", "bloc", "organisation", "person"]
Role = Literal["party", "mediator", "guarantor", "observer"]


class Actor(Cited):
    """A participant: its relative capability (any positive scale) and its roles."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9_\-]+$")
    name: str = Field(min_length=1)
    kind: ActorKind
    capability: Judgment
    roles: tuple[Role, ...] = ("party",)

    @field_validator("capability")
    @classmethod
    def _positive_capability(cls, value: Judgment) -> Judgment:
        if bounds_of(value)[0] < 0:
            raise ValueError(f"must be >= 0, got {bounds_of(value)[0]:g}")
        if bounds_of(value)[1] > MAX_CAPABILITY:
            raise ValueError(f"must be <= {MAX_CAPABILITY:g}, got {bounds_of(value)[1]:g}")
        return value


class Anchor(Frozen):
    """A labelled point of an issue scale: what a value on 0–100 means."""

    value: float = Field(ge=SCALE_MIN, le=SCALE_MAX, allow_inf_nan=False)
    label: str = Field(min_length=1)


class Option(Frozen):
    """A discrete option on an issue, placed on its 0–100 scale."""

    value: float = Field(ge=SCALE_MIN, le=SCALE_MAX, allow_inf_nan=False)
    label: str = Field(min_length=1)


class Issue(Cited):
    """A dimension of the bargain on a 0–100 scale with labelled anchors and a status quo.

    ``holders`` are actors whose consent a settlement of the issue needs besides the parties
    (the EU for EU sanctions and the frozen assets it immobilises): a table settles the issue
    only when every holder sits at it or has delegated to a party there.

    A ``separable`` issue (prisoner exchanges, a pause in strikes on energy sites) can be
    settled alone while the war goes on: it stays out of the comprehensive bargain and is
    weighed only for a partial agreement (docs/decisions.md, "Partial agreements"). Its status
    quo is what holds without a deal, so it needs one.
    """

    id: str = Field(min_length=1, pattern=r"^[a-z0-9_\-]+$")
    name: str = Field(min_length=1)
    description: str | None = None
    anchors: tuple[Anchor, ...] = Field(min_length=2, max_length=MAX_ISSUES)
    status_quo: Judgment | None = None
    options: tuple[Option, ...] = Field((), max_length=MAX_ISSUES)
    holders: tuple[str, ...] = Field((), max_length=MAX_ACTORS)
    separable: bool = False

    _status_quo_on_scale = field_validator("status_quo")(_on_scale)

    @model_validator(mode="after")
    def _separable_needs_status_quo(self) -> Issue:
        if self.separable and self.status_quo is None:
            raise ValueError("a separable issue needs a status quo (what holds without a deal)")
        return self


class Position(Cited):
    """An actor's stand on an issue.

    ``ideal`` is its preferred point and ``salience`` how much the issue matters to it (0–100).
    ``red_line`` is a hard limit: outcomes beyond it, away from the ideal, are unacceptable.
    ``reservation`` is the point at which the actor is indifferent between settling and its
    outside option on this issue.
    """

    actor: str
    issue: str
    ideal: Judgment
    salience: Judgment
    red_line: Judgment | None = None
    reservation: Judgment | None = None

    _values_on_scale = field_validator("ideal", "salience", "red_line", "reservation")(_on_scale)


Lever = Literal["costs_imposed", "side_payments"]


class Mediator(Cited):
    """A third party running a table: its leverage, its bias toward one party (0–1), and the
    mechanism through which the leverage works.

    ``leverage`` is in utility units (a share of the stake, 0–1): with ``costs_imposed``
    (sanctions, aid conditionality) it lowers the value of fighting on for the parties in
    ``lever_on`` (default: every party at the table); with ``side_payments`` it raises the value
    of the text for them. Costs imposed make a settlement accepted below the unpressured
    outside option coerced; side payments do not. The leverage acts only while the mediator is
    at the table.
    """

    actor: str
    leverage: Judgment = 0.0
    bias: Judgment = 0.0
    bias_toward: str | None = None
    lever: Lever = "costs_imposed"
    lever_on: tuple[str, ...] = Field((), max_length=MAX_ACTORS)

    _in_unit_interval = field_validator("leverage", "bias")(_in_unit)


InterventionKind = Literal[
    "party_leaves", "mediator_withdraws", "capability_shock", "deadline_moved"
]


class Intervention(Cited):
    """Something that happens to a table at a given round.

    ``party_leaves`` and ``capability_shock`` name an ``actor``; a shock multiplies its
    capability by ``factor``; ``deadline_moved`` sets a new ``deadline``.
    """

    kind: InterventionKind
    round: int = Field(ge=0, le=MAX_ROUNDS)
    actor: str | None = None
    factor: Judgment | None = None
    deadline: int | None = Field(default=None, ge=1, le=MAX_ROUNDS)

    @model_validator(mode="after")
    def _fields_for_kind(self) -> Intervention:
        needs_actor = self.kind in ("party_leaves", "capability_shock")
        if needs_actor and self.actor is None:
            raise ValueError(f"a {self.kind} intervention needs an actor")
        if self.kind == "capability_shock":
            if self.factor is None:
                raise ValueError("a capability_shock intervention needs a factor")
            _check_bounds(self.factor, 0.0, 10.0)
        if self.kind == "deadline_moved" and self.deadline is None:
            raise ValueError("a deadline_moved intervention needs a deadline")
        return self


Protocol = Literal["alternating_offers", "single_text", "backchannel"]


class Table(Cited):
    """A negotiation format: who sits at it, who mediates, how and until when they talk.

    In a ``backchannel`` the mediator and the parties in ``drafters`` write a text that the
    other parties may only take or leave. ``delegates`` are absent issue holders that have
    delegated their say to an actor at the table.
    """

    id: str = Field(min_length=1, pattern=r"^[a-z0-9_\-]+$")
    name: str = Field(min_length=1)
    description: str | None = None
    parties: tuple[str, ...] = Field(min_length=2, max_length=MAX_ACTORS)
    mediator: Mediator | None = None
    guarantors: tuple[str, ...] = Field((), max_length=MAX_ACTORS)
    drafters: tuple[str, ...] = Field((), max_length=MAX_ACTORS)
    delegates: tuple[str, ...] = Field((), max_length=MAX_ACTORS)
    protocol: Protocol = "alternating_offers"
    deadline: int = Field(default=50, ge=1, le=MAX_ROUNDS)
    meetings_per_month: Judgment = 1.0
    mechanisms: tuple[str, ...] = Field((), max_length=MAX_ITEMS)
    interventions: tuple[Intervention, ...] = Field((), max_length=MAX_ROUNDS)

    @field_validator("meetings_per_month")
    @classmethod
    def _meeting_rate(cls, value: Judgment) -> Judgment:
        return _check_bounds(value, 0.0, 31.0)

    @model_validator(mode="after")
    def _consistent(self) -> Table:
        if self.protocol == "single_text" and self.mediator is None:
            raise ValueError("a single_text table needs a mediator")
        if self.protocol == "backchannel" and not self.drafters:
            raise ValueError("a backchannel table needs drafters")
        return self

    @field_validator("parties")
    @classmethod
    def _distinct_parties(cls, parties: tuple[str, ...]) -> tuple[str, ...]:
        for party in parties:
            if parties.count(party) > 1:
                raise ValueError(f"party {party!r} is listed twice; parties must differ")
        return parties


MechanismKind = Literal[
    "security_guarantee",
    "peacekeeping",
    "demilitarized_zone",
    "monitoring",
    "joint_commission",
    "sanctions_relief",
]


class Mechanism(Cited):
    """An instrument a settlement can include, who provides it and which tables can offer it."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9_\-]+$")
    name: str = Field(min_length=1)
    kind: MechanismKind
    description: str | None = None
    providers: tuple[str, ...] = Field((), max_length=MAX_ACTORS)
    tables: tuple[str, ...] = Field((), max_length=MAX_TABLES)


class Event(Cited):
    """A dated event of the timeline the sources report."""

    date: dt.date
    title: str = Field(min_length=1)
    actors: tuple[str, ...] = Field((), max_length=MAX_ACTORS)


class WarCost(Cited):
    """What continuing the war costs a belligerent, as a share of the stake (Fearon 1995)."""

    actor: str
    cost: Judgment

    _cost_in_unit = field_validator("cost")(_in_unit)


class WarTrend(Cited):
    """How a belligerent's capability drifts while the war goes on: the change of its log
    capability per month (battlefield, economy, aid), e.g. 0.01 for about +1% a month."""

    actor: str
    monthly: Judgment

    @field_validator("monthly")
    @classmethod
    def _plausible_drift(cls, value: Judgment) -> Judgment:
        return _check_bounds(value, -0.25, 0.25)


WarKind = Literal["interstate", "intrastate", "internationalised"]
"""UCDP's conflict types: between states, within a state, and within a state with foreign
troops on a side (internationalised intrastate)."""


class War(Cited):
    """The war around the table: who fights, since when, what fighting on costs each side and
    how each side's capability drifts month by month.

    Win probabilities follow the belligerents' capabilities at the table (after any capability
    shock); the expected war outcome and the costs give each party's outside option.
    """

    belligerents: tuple[str, str]
    kind: WarKind = "interstate"
    started: dt.date | None = None
    costs: tuple[WarCost, ...] = Field((), max_length=2)
    trends: tuple[WarTrend, ...] = Field((), max_length=2)


class Scenario(Cited):
    """A whole negotiation case: sources, actors, issues, positions, tables, mechanisms, events.

    ``series`` names the process a dated snapshot belongs to: snapshots of one series, each
    with its own ``as_of``, are the same negotiation coded again as news arrived.
    """

    id: str = Field(min_length=1, pattern=r"^[a-z0-9_\-]+$")
    name: str = Field(min_length=1)
    description: str | None = None
    as_of: dt.date | None = None
    series: str | None = Field(None, min_length=1, pattern=r"^[a-z0-9_\-]+$")
    sources: tuple[Source, ...] = Field((), max_length=MAX_ITEMS)
    actors: tuple[Actor, ...] = Field(min_length=2, max_length=MAX_ACTORS)
    issues: tuple[Issue, ...] = Field(min_length=1, max_length=MAX_ISSUES)
    positions: tuple[Position, ...] = Field((), max_length=MAX_ACTORS * MAX_ISSUES)
    tables: tuple[Table, ...] = Field((), max_length=MAX_TABLES)
    mechanisms: tuple[Mechanism, ...] = Field((), max_length=MAX_ITEMS)
    timeline: tuple[Event, ...] = Field((), max_length=MAX_ITEMS)
    war: War | None = None

    @model_validator(mode="after")
    def _references_resolve(self) -> Scenario:
        for path, message in reference_problems(self) + date_problems(self):
            raise InputError(message, field=path)
        return self

    @property
    def coded_with_hindsight(self) -> bool:
        """Whether any judgment may rest on a source published after ``as_of``."""
        return any(s.hindsight for s in self.sources)

    def actor(self, actor_id: str) -> Actor:
        """The actor with this id."""
        return _by_id(self.actors, actor_id, "actor")

    def issue(self, issue_id: str) -> Issue:
        """The issue with this id."""
        return _by_id(self.issues, issue_id, "issue")

    @property
    def linked_issues(self) -> tuple[Issue, ...]:
        """The issues of the comprehensive bargain: every issue not marked separable."""
        return tuple(i for i in self.issues if not i.separable)

    @property
    def separable_issues(self) -> tuple[Issue, ...]:
        """The issues a limited deal can settle alone while the war goes on."""
        return tuple(i for i in self.issues if i.separable)

    def table(self, table_id: str) -> Table:
        """The table with this id."""
        return _by_id(self.tables, table_id, "table")

    def position(self, actor_id: str, issue_id: str) -> Position | None:
        """The actor's position on the issue, if it has one."""
        for p in self.positions:
            if p.actor == actor_id and p.issue == issue_id:
                return p
        return None


def _by_id(items, item_id: str, what: str):
    for item in items:
        if item.id == item_id:
            return item
    known = ", ".join(i.id for i in items) or "none"
    raise InputError(f"unknown {what} {item_id!r} (known: {known})", field=what)


def _duplicates(items, key) -> list[tuple[int, str]]:
    counts = Counter(key(i) for i in items)
    seen: set[str] = set()
    out = []
    for index, item in enumerate(items):
        k = key(item)
        if counts[k] > 1 and k in seen:
            out.append((index, k))
        seen.add(k)
    return out


def _citation_problems(obj: Cited, path: str, source_ids: set[str]) -> list[tuple[str, str]]:
    return [
        (f"{path}.citations[{i}].source", f"unknown source {c.source!r}")
        for i, c in enumerate(obj.citations)
        if c.source is not None and c.source not in source_ids
    ]


def seated_at(table: Table) -> tuple[str, ...]:
    """Every actor at a table: its parties, its mediator and its guarantors."""
    mediator = (table.mediator.actor,) if table.mediator is not None else ()
    return tuple(dict.fromkeys((*table.parties, *mediator, *table.guarantors)))


def date_problems(s: Scenario) -> list[tuple[str, str]]:
    """Sources published after the scenario's ``as_of`` (unless marked hindsight), and a war
    that starts after it: a forecast as of a date may use only what was known by then."""
    if s.as_of is None:
        return []
    problems = [
        (
            f"sources[{i}].date",
            f"source {src.id!r} is dated {src.date}, after the scenario's as_of {s.as_of}",
        )
        for i, src in enumerate(s.sources)
        if src.date is not None and src.date > s.as_of and not src.hindsight
    ]
    if s.war is not None and s.war.started is not None and s.war.started > s.as_of:
        problems.append(("war.started", f"the war starts after the scenario's as_of {s.as_of}"))
    return problems


def reference_problems(s: Scenario) -> list[tuple[str, str]]:
    """Every duplicate id and dangling reference in a scenario, as (field path, message)."""
    problems: list[tuple[str, str]] = capability_problems(s)
    for name in ("sources", "actors", "issues", "tables", "mechanisms"):
        for index, dup in _duplicates(getattr(s, name), lambda x: x.id):
            problems.append((f"{name}[{index}].id", f"duplicate id {dup!r}"))
    for index, dup in _duplicates(s.positions, lambda p: f"{p.actor}/{p.issue}"):
        problems.append((f"positions[{index}]", f"duplicate position {dup!r}"))

    actors = {a.id for a in s.actors}
    issues = {i.id for i in s.issues}
    tables = {t.id for t in s.tables}
    mechanisms = {m.id for m in s.mechanisms}
    sources = {src.id for src in s.sources}

    def need(ids: set[str], value: str | None, path: str, what: str) -> None:
        if value is not None and value not in ids:
            problems.append((path, f"unknown {what} {value!r}"))

    problems += _citation_problems(s, "scenario", sources)
    for kind in ("actors", "issues", "mechanisms", "timeline", "positions", "tables"):
        for i, item in enumerate(getattr(s, kind)):
            problems += _citation_problems(item, f"{kind}[{i}]", sources)
    for i, issue in enumerate(s.issues):
        for j, a in enumerate(issue.holders):
            need(actors, a, f"issues[{i}].holders[{j}]", "actor")
    holders = {a for issue in s.issues for a in issue.holders}
    for i, p in enumerate(s.positions):
        need(actors, p.actor, f"positions[{i}].actor", "actor")
        need(issues, p.issue, f"positions[{i}].issue", "issue")
    for i, t in enumerate(s.tables):
        base = f"tables[{i}]"
        for field in ("parties", "guarantors", "drafters"):
            for j, a in enumerate(getattr(t, field)):
                need(actors, a, f"{base}.{field}[{j}]", "actor")
        for j, d in enumerate(t.drafters):
            if d not in t.parties:
                problems.append((f"{base}.drafters[{j}]", f"drafter {d!r} is not a party"))
        for j, d in enumerate(t.delegates):
            need(actors, d, f"{base}.delegates[{j}]", "actor")
            if d in actors and d not in holders:
                problems.append((f"{base}.delegates[{j}]", f"{d!r} holds no issue"))
            elif d in seated_at(t):
                problems.append((f"{base}.delegates[{j}]", f"{d!r} sits at the table"))
        for j, m in enumerate(t.mechanisms):
            need(mechanisms, m, f"{base}.mechanisms[{j}]", "mechanism")
        if t.mediator is not None:
            need(actors, t.mediator.actor, f"{base}.mediator.actor", "actor")
            need(actors, t.mediator.bias_toward, f"{base}.mediator.bias_toward", "actor")
            for j, a in enumerate(t.mediator.lever_on):
                if a not in t.parties:
                    problems.append(
                        (f"{base}.mediator.lever_on[{j}]", f"{a!r} is not a party at the table")
                    )
        for j, iv in enumerate(t.interventions):
            need(actors, iv.actor, f"{base}.interventions[{j}].actor", "actor")
            if iv.kind == "mediator_withdraws" and t.mediator is None:
                problems.append(
                    (f"{base}.interventions[{j}].kind", "mediator_withdraws needs a mediator")
                )
        for j, party in enumerate(t.parties):
            needed = s.issues if s.war is None else s.linked_issues
            missing = [i.id for i in needed if s.position(party, i.id) is None]
            if missing:
                problems.append(
                    (f"{base}.parties[{j}]", f"party {party!r} has no position on {missing[0]!r}")
                )
    for i, mechanism in enumerate(s.mechanisms):
        for j, a in enumerate(mechanism.providers):
            need(actors, a, f"mechanisms[{i}].providers[{j}]", "actor")
        for j, table_id in enumerate(mechanism.tables):
            need(tables, table_id, f"mechanisms[{i}].tables[{j}]", "table")
    if s.war is not None:
        for j, a in enumerate(s.war.belligerents):
            need(actors, a, f"war.belligerents[{j}]", "actor")
        for j, c in enumerate(s.war.costs):
            need(set(s.war.belligerents), c.actor, f"war.costs[{j}].actor", "belligerent")
        for j, tr in enumerate(s.war.trends):
            need(set(s.war.belligerents), tr.actor, f"war.trends[{j}].actor", "belligerent")
            problems += _citation_problems(tr, f"war.trends[{j}]", sources)
        problems += _citation_problems(s.war, "war", sources)
        for j, b in enumerate(s.war.belligerents):
            missing = [i.id for i in s.separable_issues if s.position(b, i.id) is None]
            if missing and any(b in t.parties for t in s.tables):
                problems.append(
                    (f"war.belligerents[{j}]", f"{b!r} has no position on {missing[0]!r}")
                )
    for i, e in enumerate(s.timeline):
        for j, a in enumerate(e.actors):
            need(actors, a, f"timeline[{i}].actors[{j}]", "actor")
    return problems


def capability_problems(s: Scenario) -> list[tuple[str, str]]:
    """Capabilities that leave nobody able to move an outcome: all actors at zero, or every
    party at a table at zero (weights would divide by zero)."""
    if all(bounds_of(a.capability)[1] == 0 for a in s.actors):
        return [("actors[0].capability", "every actor's capability is zero; one must be > 0")]
    zero = {a.id for a in s.actors if bounds_of(a.capability)[1] == 0}
    return [
        (f"tables[{i}].parties", f"every party at table {t.id!r} has capability zero")
        for i, t in enumerate(s.tables)
        if set(t.parties) <= zero
    ]
