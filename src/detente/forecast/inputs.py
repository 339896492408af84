"""Uncertain scenario inputs as a flat parameter list, and their batched sampling.

Every :class:`~detente.scenario.Uncertain` judgment a forecast uses becomes one parameter with a
triangular distribution. A batch of draws is a matrix of unit quantiles ``u`` (draws, params)
turned into arrays by the inverse CDF, so random sampling and sensitivity designs (SALib) share
one code path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.scenario import Scenario, Uncertain, mode_of


@dataclass(frozen=True)
class Parameter:
    """One uncertain input: where it goes (``field``, ``index``) and its triangular range."""

    name: str
    field: str
    index: tuple[int, ...]
    low: float
    mode: float
    high: float


@dataclass(frozen=True)
class TableInputs:
    """Sampled inputs of a batch of draws, every array with a leading draws axis ``n``; actors
    (``A``), issues (``K``) and tables (``T``) in the scenario's order. NaN/0 where an actor
    holds no position. The arrays are the draws' own: a changed copy is made with
    :func:`dataclasses.replace`.
    """

    capability: np.ndarray
    """(n, A) each actor's capability (influence weight)."""
    ideal: np.ndarray
    """(n, A, K) each actor's ideal point on 0–100; NaN where it holds none."""
    salience: np.ndarray
    """(n, A, K) how much each issue matters to each actor; 0 where it holds no position."""
    red_line: np.ndarray
    """(n, A, K) the point beyond which an actor rejects any text; NaN for none."""
    reservation: np.ndarray
    """(n, A, K) each actor's reservation point; NaN for none (the status quo stands in)."""
    status_quo: np.ndarray
    """(n, K) the status quo on each issue; NaN where the scenario states none."""
    war_cost: np.ndarray
    """(n, A) each actor's cost of fighting on in utility units; NaN for none."""
    leverage: np.ndarray
    """(n, T) each table's mediator leverage in utility units (0 without a mediator)."""
    bias: np.ndarray
    """(n, T) each table's mediator bias toward its favoured party, 0–1."""
    shock: np.ndarray
    """(n, T, A) capability multipliers of each table's capability shocks (1: none)."""
    trend: np.ndarray
    """(n, A) monthly drift of log capability while the war goes on."""
    meetings: np.ndarray
    """(n, T) each table's meetings per month."""

    @property
    def draws(self) -> int:
        """Number of draws in the batch."""
        return int(self.capability.shape[0])

    def mapped(self, fn: Callable[[np.ndarray], np.ndarray]) -> TableInputs:
        """Every array passed through ``fn`` (e.g. one draw taken, or copied)."""
        return TableInputs(**{f.name: fn(getattr(self, f.name)) for f in _FIELDS})


_FIELDS = dataclasses.fields(TableInputs)
INPUT_FIELDS = tuple(f.name for f in _FIELDS)
"""The names of :class:`TableInputs`' arrays, in order: where a :class:`Parameter` goes."""


@dataclass(frozen=True)
class InputSpace:
    """The scenario's inputs as arrays of modes plus the list of uncertain parameters.

    ``modes`` holds one array per field of :class:`TableInputs` (named as there), without the
    draws axis: ``capability`` (A,), ``ideal``/``salience``/``red_line``/``reservation``
    (A, K), ``status_quo`` (K,), ``war_cost`` (A,), ``leverage``/``bias`` (T,), ``shock``
    (T, A), ``trend`` (A,), ``meetings`` (T,).
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    table_ids: tuple[str, ...]
    modes: dict[str, np.ndarray]
    parameters: tuple[Parameter, ...]

    @property
    def dim(self) -> int:
        """Number of uncertain parameters."""
        return len(self.parameters)


def triangular_ppf(u: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    """Inverse CDF of the triangular distribution (handles low == high)."""
    if high <= low:
        return np.full_like(u, low, dtype=float)
    c = (mode - low) / (high - low)
    left = low + np.sqrt(u * (high - low) * (mode - low))
    right = high - np.sqrt((1.0 - u) * (high - low) * (high - mode))
    return np.where(u < c, left, right)


def _collector(
    modes: dict[str, np.ndarray], params: list[Parameter]
) -> Callable[[str, tuple[int, ...], Any, str], None]:
    def put(field: str, index: tuple[int, ...], value: Any, name: str) -> None:
        if value is None:
            return
        modes[field][index] = mode_of(value)
        if isinstance(value, Uncertain) and value.high > value.low:
            params.append(Parameter(name, field, index, value.low, value.mode, value.high))

    return put


def input_space(scenario: Scenario, separable: bool = False) -> InputSpace:
    """Collect every input a forecast uses, with the uncertain ones as parameters: on the
    issues of the comprehensive bargain, or (``separable``) on the separable issues instead."""
    actors = tuple(a.id for a in scenario.actors)
    chosen = scenario.separable_issues if separable else scenario.linked_issues
    issues = tuple(i.id for i in chosen)
    tables = tuple(t.id for t in scenario.tables)
    a_idx = {a: n for n, a in enumerate(actors)}
    k_idx = {k: n for n, k in enumerate(issues)}
    n_a, n_k, n_t = len(actors), len(issues), len(tables)
    modes = {
        "capability": np.zeros(n_a),
        "ideal": np.full((n_a, n_k), np.nan),
        "salience": np.zeros((n_a, n_k)),
        "red_line": np.full((n_a, n_k), np.nan),
        "reservation": np.full((n_a, n_k), np.nan),
        "status_quo": np.full(n_k, np.nan),
        "war_cost": np.full(n_a, np.nan),
        "leverage": np.zeros(n_t),
        "bias": np.zeros(n_t),
        "shock": np.ones((n_t, n_a)),
        "trend": np.zeros(n_a),
        "meetings": np.ones(n_t),
    }
    params: list[Parameter] = []
    put = _collector(modes, params)
    for a in scenario.actors:
        put("capability", (a_idx[a.id],), a.capability, f"capability[{a.id}]")
    for i in chosen:
        put("status_quo", (k_idx[i.id],), i.status_quo, f"status_quo[{i.id}]")
    for p in scenario.positions:
        if p.issue not in k_idx:
            continue
        at = (a_idx[p.actor], k_idx[p.issue])
        for field in ("ideal", "salience", "red_line", "reservation"):
            put(field, at, getattr(p, field), f"{field}[{p.actor}, {p.issue}]")
    if scenario.war is not None:
        for c in scenario.war.costs:
            put("war_cost", (a_idx[c.actor],), c.cost, f"war_cost[{c.actor}]")
        for tr in scenario.war.trends:
            put("trend", (a_idx[tr.actor],), tr.monthly, f"trend[{tr.actor}]")
    for t_i, t in enumerate(scenario.tables):
        put("meetings", (t_i,), t.meetings_per_month, f"meetings_per_month[{t.id}]")
        if t.mediator is not None:
            put("leverage", (t_i,), t.mediator.leverage, f"leverage[{t.id}]")
            put("bias", (t_i,), t.mediator.bias, f"bias[{t.id}]")
        for j, iv in enumerate(t.interventions):
            if iv.kind == "capability_shock" and iv.actor is not None:
                at = (t_i, a_idx[iv.actor])
                put("shock", at, iv.factor, f"shock[{t.id}, {iv.actor}, #{j}]")
    return InputSpace(actors, issues, tables, modes, tuple(params))


def materialize(space: InputSpace, u: np.ndarray) -> TableInputs:
    """Arrays with a leading draws axis, each uncertain parameter set from its quantile column.

    ``u`` is (draws, params) in [0, 1]; fixed inputs are broadcast to every draw.
    """
    n = u.shape[0]
    out = {k: np.broadcast_to(v, (n, *v.shape)).copy() for k, v in space.modes.items()}
    for j, p in enumerate(space.parameters):
        where: tuple[slice | int, ...] = (slice(None), *p.index)
        out[p.field][where] = triangular_ppf(u[:, j], p.low, p.mode, p.high)
    return TableInputs(**out)


def modal_draw(space: InputSpace) -> TableInputs:
    """One draw with every input at its mode (arrays with a leading axis of 1)."""
    return TableInputs(**{k: v[None].copy() for k, v in space.modes.items()})


def sample(space: InputSpace, n: int, rng: np.random.Generator) -> TableInputs:
    """``n`` independent draws of every input."""
    return materialize(space, rng.random((n, space.dim)))
