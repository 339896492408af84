"""The whole backtest on the bundled case library: signals per engine, leave-one-out fits and
scores."""

from __future__ import annotations

import time


def run(quick: bool) -> str:
    """Markdown section: wall time of ``run_backtest`` at 10,000 draws per case."""
    from detente.validate.backtest import run_backtest
    from detente.validate.cases import load_cases

    cases = load_cases()
    draws, engine_draws = (500, 100) if quick else (10_000, 1_000)
    run_backtest(cases[:4], draws=200, engine_draws=50)  # warm-up: imports, compiled kernels
    start = time.perf_counter()
    result = run_backtest(cases, draws=draws, engine_draws=engine_draws)
    seconds = time.perf_counter() - start
    return (
        "## Backtest\n\n"
        f"`detente backtest` on the {len(cases)} bundled cases: {draws:,} draws per case for the"
        f" default engine (a text every 6 months), {engine_draws:,} for each other engine (one"
        f" text), every forecaster fitted leave-one-out ({len(result['scores'])} score rows)."
        " Target: under 2 minutes at 10,000 draws per case.\n\n"
        "| cases | draws per case | seconds |\n|---:|---:|---:|\n"
        f"| {len(cases)} | {draws:,} | {seconds:.1f} |\n"
    )
