"""Engines at several sizes: how cost grows with draws, actors and dimensions."""

from __future__ import annotations

import time

import numpy as np

from detente.engines import EngineInput, engine_names, get_engine

REPEATS = 3


def batch(draws: int, actors: int, dims: int, seed: int = 0) -> EngineInput:
    """Random inputs with a status quo."""
    rng = np.random.default_rng(seed)
    return EngineInput(
        rng.uniform(0, 100, (draws, actors, dims)),
        rng.uniform(10, 100, (draws, actors, dims)),
        rng.uniform(1, 100, (draws, actors)),
        rng.uniform(0, 100, (draws, dims)),
    )


def best_time(engine: str, inp: EngineInput) -> float:
    """Best of a few runs, in seconds (trajectories not recorded)."""
    spec = get_engine(engine)
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        spec.run(inp, rng=np.random.default_rng(0), record_trajectory=False)
        times.append(time.perf_counter() - start)
    return min(times)


def sizes_for(engine: str, quick: bool) -> list[tuple[int, int, int]]:
    """(draws, actors, dims) per engine: the round-based engines get smaller batches (their
    own sections, bdm and smp, measure them in depth)."""
    if engine == "smp":
        return [(100, 10, 3)] + ([] if quick else [(1_000, 10, 3), (1_000, 20, 3)])
    sizes = [(1_000, 10, 1), (10_000, 10, 1), (10_000, 10, 8), (10_000, 40, 1)]
    if engine in ("bdm", "exchange"):
        return sizes[:2] if quick else sizes
    return sizes + ([] if quick else [(100_000, 10, 1), (100_000, 10, 8)])


def run(quick: bool) -> str:
    """Markdown section: seconds per batch, and draws per second."""
    lines = [
        "## Engines",
        "",
        "Random batches (positions, saliences, capabilities and a status quo), best of "
        f"{REPEATS} runs. Every registered engine; nash uses the status quo as disagreement point; "
        "bdm and smp play rounds until their own stopping rules.",
        "",
        "| engine | draws | actors | dims | seconds | draws per second |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for engine in engine_names():
        for draws, actors, dims in sizes_for(engine, quick):
            seconds = best_time(engine, batch(draws, actors, dims))
            rate = draws / seconds
            lines.append(
                f"| {engine} | {draws:,} | {actors} | {dims} | {seconds:.4f} | {rate:,.0f} |"
            )
    return "\n".join(lines) + "\n"
