"""The Monte Carlo forecast: sample inputs, evaluate every table, aggregate chunk by chunk.

Chunk seeds come from ``SeedSequence(seed).spawn`` in the caller and chunks are merged in chunk
order, so a local run and a distributed run of the same seed give identical numbers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from detente.errors import InputError
from detente.forecast import durability
from detente.forecast.aggregate import DatedAggregate, TableAggregate, summarise
from detente.forecast.calendar import add_months, calendar_months, months_between
from detente.forecast.inputs import TableInputs, input_space, materialize, sample
from detente.forecast.monthly import DEFAULT_HORIZON, MAX_HORIZON, TEXT_EVERY, table_signals
from detente.forecast.partial import (
    ISSUE_FIELDS,
    deal_terms,
    limited_deals,
    separable_inputs,
    with_partial,
)
from detente.forecast.questions import HazardModel, question_curves, shipped_model
from detente.forecast.tables import PROTOCOL, TablePlan, evaluate_table, plan_by, plan_table
from detente.options import checked as checked_options
from detente.scenario import Scenario, dump_json

CHUNK_SIZE = 5_000
MAX_DRAWS = 10_000_000
DEFAULT_ENGINE = "compromise"


EngineOptions = tuple[tuple[str, Any], ...]
"""An engine's options as (name, value) pairs: immutable, and hashable for scalar values."""


@dataclass(frozen=True)
class ForecastConfig:
    """What to run: how many draws, which seed, tables, engine and the engine's typed options
    (``engine_options``, (name, value) pairs or a mapping; after :meth:`checked` every option
    of the engine, validated, sorted by name), and the dated questions' horizon (months after
    the scenario's ``as_of``) and date of interest ``by``."""

    draws: int = 10_000
    seed: int = 0
    tables: tuple[str, ...] | None = None
    engine: str = DEFAULT_ENGINE
    chunk_size: int = CHUNK_SIZE
    horizon_months: int = DEFAULT_HORIZON
    by: dt.date | None = None
    text_every: int = TEXT_EVERY
    engine_options: EngineOptions | Mapping[str, Any] = ()

    @property
    def engine_kwargs(self) -> dict[str, Any]:
        """The engine's options as keyword arguments of its ``run``."""
        return dict(self.engine_options)

    def options_for(self, engine: str) -> dict[str, Any]:
        """The options to run ``engine`` with: this config's for its own engine, the defaults
        for any other (the engine comparison)."""
        return self.engine_kwargs if engine == self.engine else {}

    def checked(self, scenario: Scenario) -> ForecastConfig:
        """This config with its table list resolved and its engine options validated, or an
        InputError naming what is wrong (the parameter's name: ``draws``, ``tables``,
        ``engine_options.NAME`` …)."""
        if not 1 <= self.draws <= MAX_DRAWS:
            raise InputError(
                f"draws must be between 1 and {MAX_DRAWS:,}, got {self.draws:,}", field="draws"
            )
        if self.seed < 0:
            raise InputError(f"seed must be >= 0, got {self.seed}", field="seed")
        if self.chunk_size < 1:
            raise InputError("chunk size must be >= 1", field="chunk_size")
        if not 1 <= self.horizon_months <= MAX_HORIZON:
            raise InputError(
                f"horizon must be between 1 and {MAX_HORIZON} months, got {self.horizon_months}",
                field="horizon_months",
            )
        if not 1 <= self.text_every <= self.horizon_months:
            raise InputError("text_every must be between 1 and the horizon", field="text_every")
        by = self.by
        if by is not None or dated_problem(scenario) is None:
            by = check_by(scenario, self.horizon_months, by)
        known = tuple(t.id for t in scenario.tables)
        if not known:
            raise InputError("the scenario has no negotiation tables", field="scenario.tables")
        tables = self.tables or known
        for t in tables:
            if t not in known:
                raise InputError(
                    f"unknown table {t!r}, expected one of {', '.join(known)}", field="tables"
                )
        options = checked_engine_options(self.engine, self.engine_options)
        return dataclasses.replace(self, tables=tuple(tables), by=by, engine_options=options)


def checked_engine_options(engine: str, values: EngineOptions | Mapping[str, Any]) -> EngineOptions:
    """Every option of ``engine`` (those given, validated against its typed options model, and
    the defaults of the rest) as (name, value) pairs sorted by name; an unknown or invalid
    option is an InputError whose field is ``engine_options.NAME``. The tables' protocols
    (``protocol``) take no engine options."""
    from detente.engines import get_engine

    given = dict(values)
    if engine == PROTOCOL:
        if given:
            name = next(iter(given))
            raise InputError(
                f"the {PROTOCOL} engine takes no engine options (got {name!r}): each table "
                "runs its own negotiation protocol",
                field=f"engine_options.{name}",
            )
        return ()
    model = checked_options(get_engine(engine).options, given, field="engine_options")
    return tuple(sorted(model.model_dump().items()))


def dated_problem(scenario: Scenario) -> str | None:
    """Why the scenario cannot have dated questions, or None if it can."""
    if scenario.as_of is None:
        return "the scenario has no as_of date"
    if scenario.war is None:
        return "the scenario has no war model"
    if scenario.war.started is None:
        return "the scenario's war has no start date (war.started)"
    return None


def check_by(scenario: Scenario, horizon: int, by: dt.date | None) -> dt.date:
    """The date of interest: ``by``, or 12 months after ``as_of`` (the horizon if shorter);
    an InputError if it lies outside (as_of, as_of + horizon months]."""
    problem = dated_problem(scenario)
    if problem is not None:
        raise InputError(f"cannot forecast by a date: {problem}", field="by")
    assert scenario.as_of is not None
    end = add_months(scenario.as_of, horizon)
    if by is None:
        return add_months(scenario.as_of, min(12, horizon))
    if not scenario.as_of < by <= end:
        raise InputError(
            f"{by} is outside the forecast's horizon ({scenario.as_of} to {end})", field="by"
        )
    return by


@dataclass(frozen=True)
class Chunk:
    """One unit of work: a number of draws and the seed that generates them."""

    index: int
    size: int
    seed: np.random.SeedSequence


def chunks(config: ForecastConfig) -> list[Chunk]:
    """Split the draws into chunks with independent child seeds (SeedSequence.spawn)."""
    n_chunks = -(-config.draws // config.chunk_size)
    seeds = np.random.SeedSequence(config.seed).spawn(n_chunks)
    sizes = [config.chunk_size] * (n_chunks - 1) + [
        config.draws - config.chunk_size * (n_chunks - 1)
    ]
    return [Chunk(i, s, seq) for i, (s, seq) in enumerate(zip(sizes, seeds, strict=True))]


PURPOSES = ("engine", "durability", "dated_engine", "dated_durability", "partial")


def stream(chunk: Chunk, table_id: str, purpose: str) -> np.random.Generator:
    """The random stream of one chunk × table × purpose: a child of the chunk's seed keyed by
    the table's id, so adding or dropping a table never changes another table's numbers."""
    key = (zlib.crc32(table_id.encode("utf-8")), PURPOSES.index(purpose))
    seq = np.random.SeedSequence(chunk.seed.entropy, spawn_key=(*chunk.seed.spawn_key, *key))
    return np.random.default_rng(seq)


def war_age_months(scenario: Scenario) -> float:
    """Months from the war's start to the scenario's ``as_of``."""
    assert scenario.war is not None and scenario.war.started and scenario.as_of
    return months_between(scenario.war.started, scenario.as_of)


def dated_chunk(
    scenario: Scenario,
    plan: TablePlan,
    x: TableInputs,
    config: ForecastConfig,
    rngs: tuple[np.random.Generator, np.random.Generator],
    engine: str | None = None,
    model: HazardModel | None = None,
) -> DatedAggregate:
    """The dated questions on one chunk of draws of one table, under ``engine`` (default the
    config's, with the config's options; any other engine with its defaults)."""
    name = engine or config.engine
    signals = table_signals(
        plan,
        x,
        name,
        rngs[0],
        config.horizon_months,
        config.text_every,
        config.options_for(name),
    )
    assert scenario.war is not None
    curves = question_curves(
        signals, model or shipped_model(), scenario.war.kind, war_age_months(scenario)
    )
    weight = curves[:, -1, 0]
    fates = durability.ceasefire_fates(plan.mechanisms, weight.shape[0], rngs[1])
    return DatedAggregate(int(weight.shape[0]), curves.sum(0), float(weight.sum()), weight @ fates)


def chunk_inputs(scenario: Scenario, chunk: Chunk) -> TableInputs:
    """The sampled inputs of one chunk (shared by every table: common random numbers)."""
    return sample(input_space(scenario), chunk.size, np.random.default_rng(chunk.seed))


SEPARABLE_KEY = 0x5E9A
"""Spawn key of a chunk's stream for its draws of the separable issues' inputs."""


def separable_chunk_inputs(scenario: Scenario, chunk: Chunk, x: TableInputs) -> TableInputs | None:
    """The chunk's inputs on the separable issues (None without any): the same draws of actors
    and tables as ``x``, the issue judgments sampled from their own stream, so marking an issue
    separable leaves every other number of the forecast as it was."""
    if not scenario.separable_issues:
        return None
    space = input_space(scenario, separable=True)
    own = tuple(p for p in space.parameters if p.field in ISSUE_FIELDS)
    space = dataclasses.replace(space, parameters=own)
    seq = np.random.SeedSequence(
        chunk.seed.entropy, spawn_key=(*chunk.seed.spawn_key, SEPARABLE_KEY)
    )
    u = np.random.default_rng(seq).random((chunk.size, space.dim))
    return separable_inputs(x, materialize(space, u))


def months_to_by(scenario: Scenario, config: ForecastConfig) -> float | None:
    """Calendar months from ``as_of`` to the date of interest ``by`` (the months the dated
    questions count); None without one (then the outcome classes apply every intervention)."""
    if config.by is None or scenario.as_of is None:
        return None
    return calendar_months(scenario.as_of, config.by)


def run_chunk(
    scenario: Scenario, config: ForecastConfig, chunk: Chunk
) -> dict[str, TableAggregate]:
    """Evaluate every table on one chunk of draws (all tables see the same sampled inputs;
    each table × purpose draws from its own stream). The outcome classes describe the table at
    ``by``: interventions due after it do not apply (:func:`~detente.forecast.tables.plan_by`);
    the dated questions time every intervention by its month."""
    x = chunk_inputs(scenario, chunk)
    xs = separable_chunk_inputs(scenario, chunk, x)
    dated = dated_problem(scenario) is None and config.engine != PROTOCOL
    at_by = months_to_by(scenario, config)
    options = config.engine_kwargs
    out: dict[str, TableAggregate] = {}
    for table_id in config.tables or ():
        plan = plan_table(scenario, table_id)
        now = plan_by(scenario, table_id, at_by)
        draws = evaluate_table(now, x, config.engine, stream(chunk, table_id, "engine"), options)
        klass, terms, deals = draws.klass, None, None
        if xs is not None:
            rng = stream(chunk, table_id, "partial")
            terms = deal_terms(now, xs, config.engine, rng, options)
            deals = limited_deals(klass, now, xs, terms)
            klass = with_partial(klass, deals)
        survival = durability.survival_by_class(
            klass, plan.mechanisms, stream(chunk, table_id, "durability")
        )
        dated_part = None
        if dated:
            rngs = (
                stream(chunk, table_id, "dated_engine"),
                stream(chunk, table_id, "dated_durability"),
            )
            dated_part = dated_chunk(scenario, plan, x, config, rngs)
        out[table_id] = summarise(
            klass,
            draws.coerced,
            draws.outcome,
            survival,
            draws.utilities,
            dated_part,
            (terms, deals) if xs is not None else None,
        )
    return out


def merge_all(parts: Iterable[dict[str, TableAggregate]]) -> dict[str, TableAggregate]:
    """Merge chunk summaries in the order given."""
    total: dict[str, TableAggregate] = {}
    for part in parts:
        for table_id, agg in part.items():
            total[table_id] = agg if table_id not in total else total[table_id].merge(agg)
    return total


def run_local(
    scenario: Scenario, config: ForecastConfig, work: list[Chunk]
) -> Iterator[dict[str, TableAggregate]]:
    """The local backend: chunks one after another in this process."""
    for chunk in work:
        yield run_chunk(scenario, config, chunk)


def input_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON: the identity of the inputs."""
    return hashlib.sha256(dump_json(scenario).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ForecastRun:
    """A finished forecast: the config it ran, the plans and the merged aggregates."""

    scenario: Scenario
    config: ForecastConfig
    plans: dict[str, TablePlan]
    aggregates: dict[str, TableAggregate]
    drivers: dict[str, dict[str, list[tuple[str, float]]]] = field(default_factory=dict)
    engines: dict[str, dict[str, DatedAggregate]] = field(default_factory=dict)


Backend = Callable[[Scenario, ForecastConfig, list[Chunk]], Iterable[dict[str, TableAggregate]]]


def run_forecast(
    scenario: Scenario,
    config: ForecastConfig,
    backend: Backend = run_local,
    on_chunk: Callable[[int], None] | None = None,
    compare_engines: bool = False,
    sensitivity: bool = False,
    on_stage: Callable[[str], None] | None = None,
) -> ForecastRun:
    """Run the Monte Carlo forecast; ``on_chunk`` is called with each chunk's size (progress);
    ``compare_engines`` adds the dated questions under every engine (:func:`engine_comparison`);
    ``sensitivity`` ranks each table's input drivers (Morris, :mod:`.sensitivity`), after
    calling ``on_stage("sensitivity")``."""
    config = config.checked(scenario)
    work = chunks(config)

    def tracked() -> Iterator[dict[str, TableAggregate]]:
        for chunk, part in zip(work, backend(scenario, config, work), strict=True):
            if on_chunk is not None:
                on_chunk(chunk.size)
            yield part

    aggregates = merge_all(tracked())
    plans = {t: plan_table(scenario, t) for t in config.tables or ()}
    engines = {}
    if compare_engines and dated_problem(scenario) is None and config.engine != PROTOCOL:
        engines = engine_comparison(scenario, config)
    drivers = {}
    if sensitivity:
        from detente.forecast.sensitivity import table_drivers

        if on_stage is not None:
            on_stage("sensitivity")
        drivers = table_drivers(scenario, config)
    return ForecastRun(scenario, config, plans, aggregates, engines=engines, drivers=drivers)


ENGINE_COMPARISON_DRAWS = 500


def engine_comparison(
    scenario: Scenario, config: ForecastConfig, draws: int = ENGINE_COMPARISON_DRAWS
) -> dict[str, dict[str, DatedAggregate]]:
    """The dated questions under every registered engine, on the forecast's first ``draws``
    draws (common random numbers; the texts computed once, at the start), so the spread between
    engines is the engine's effect alone. The forecast's engine runs with its options, every
    other engine with its defaults."""
    from detente.engines import engine_names

    n = min(draws, config.draws)
    small = dataclasses.replace(config, draws=n, chunk_size=n, text_every=config.horizon_months)
    chunk = chunks(small)[0]
    x = chunk_inputs(scenario, chunk)
    out: dict[str, dict[str, DatedAggregate]] = {}
    for engine in engine_names():
        out[engine] = {}
        for table_id in config.tables or ():
            rngs = (
                stream(chunk, table_id, "dated_engine"),
                stream(chunk, table_id, "dated_durability"),
            )
            plan = plan_table(scenario, table_id)
            try:
                out[engine][table_id] = dated_chunk(scenario, plan, x, small, rngs, engine)
            except InputError:
                continue  # an engine this scenario cannot run (e.g. no status quo)
    return out
