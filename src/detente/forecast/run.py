"""The Monte Carlo forecast: sample inputs, evaluate every table, aggregate chunk by chunk.

Chunk seeds come from ``SeedSequence(seed).spawn`` in the caller and chunks are merged in chunk
order, so a local run and a distributed run of the same seed give identical numbers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from detente.errors import InputError
from detente.forecast import durability
from detente.forecast.aggregate import TableAggregate, summarise
from detente.forecast.inputs import input_space, sample
from detente.forecast.tables import TablePlan, evaluate_table, plan_table
from detente.scenario import Scenario, dump_json

CHUNK_SIZE = 5_000
MAX_DRAWS = 10_000_000
DEFAULT_ENGINE = "compromise"


@dataclass(frozen=True)
class ForecastConfig:
    """What to run: how many draws, which seed, tables and engine."""

    draws: int = 10_000
    seed: int = 0
    tables: tuple[str, ...] | None = None
    engine: str = DEFAULT_ENGINE
    chunk_size: int = CHUNK_SIZE

    def checked(self, scenario: Scenario) -> ForecastConfig:
        """This config with its table list resolved, or an InputError naming what is wrong."""
        if not 1 <= self.draws <= MAX_DRAWS:
            raise InputError(
                f"draws must be between 1 and {MAX_DRAWS:,}, got {self.draws:,}", field="--draws"
            )
        if self.seed < 0:
            raise InputError(f"seed must be >= 0, got {self.seed}", field="--seed")
        if self.chunk_size < 1:
            raise InputError("chunk size must be >= 1", field="chunk_size")
        known = tuple(t.id for t in scenario.tables)
        if not known:
            raise InputError("the scenario has no negotiation tables", field="tables")
        tables = self.tables or known
        for t in tables:
            if t not in known:
                raise InputError(
                    f"unknown table {t!r}, expected one of {', '.join(known)}", field="--tables"
                )
        from detente.engines import get_engine
        from detente.forecast.tables import PROTOCOL

        if self.engine != PROTOCOL:
            get_engine(self.engine)
        return ForecastConfig(self.draws, self.seed, tuple(tables), self.engine, self.chunk_size)


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


def run_chunk(
    scenario: Scenario, config: ForecastConfig, chunk: Chunk
) -> dict[str, TableAggregate]:
    """Evaluate every table on one chunk of draws (all tables see the same sampled inputs)."""
    space = input_space(scenario)
    rng = np.random.default_rng(chunk.seed)
    x = sample(space, chunk.size, rng)
    out: dict[str, TableAggregate] = {}
    for table_id in config.tables or ():
        plan = plan_table(scenario, table_id)
        draws = evaluate_table(plan, x, config.engine, rng)
        survival = durability.survival_by_class(draws.klass, plan.mechanisms, rng)
        out[table_id] = summarise(
            draws.klass, draws.coerced, draws.outcome, survival, draws.utilities
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


Backend = Callable[[Scenario, ForecastConfig, list[Chunk]], Iterable[dict[str, TableAggregate]]]


def run_forecast(
    scenario: Scenario,
    config: ForecastConfig,
    backend: Backend = run_local,
    on_chunk: Callable[[int], None] | None = None,
) -> ForecastRun:
    """Run the Monte Carlo forecast; ``on_chunk`` is called with each chunk's size (progress)."""
    config = config.checked(scenario)
    work = chunks(config)

    def tracked() -> Iterator[dict[str, TableAggregate]]:
        for chunk, part in zip(work, backend(scenario, config, work), strict=True):
            if on_chunk is not None:
                on_chunk(chunk.size)
            yield part

    aggregates = merge_all(tracked())
    plans = {t: plan_table(scenario, t) for t in config.tables or ()}
    return ForecastRun(scenario, config, plans, aggregates)
