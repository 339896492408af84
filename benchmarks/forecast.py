"""The forecast end to end on the bundled case (one-shot classes and the dated monthly
questions over 24 months): time and peak memory as draws grow, locally and on two Dask
workers."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys, time
from detente.forecast import ForecastConfig, run_forecast, to_data
from detente.scenario import load_scenario
scenario = load_scenario("ukraine-2025")
draws, backend = int(sys.argv[1]), sys.argv[2]
run_forecast(scenario, ForecastConfig(draws=1_000, seed=1))  # warm-up: imports, caches
if backend == "dask":
    from detente.forecast import dask_backend
    run_on = dask_backend(workers=2)
else:
    from detente.forecast import run_local as run_on
start = time.perf_counter()
run = run_forecast(scenario, ForecastConfig(draws=draws, seed=0), backend=run_on)
to_data(run)
seconds = time.perf_counter() - start
# VmHWM: this address space's peak; ru_maxrss would inherit the parent's across fork and exec
with open("/proc/self/status") as status:
    peak_mb = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:")) / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))
"""


def measure(draws: int, backend: str = "local") -> dict:
    """Run one forecast in a fresh interpreter; its time and peak resident memory (of the main
    process; Dask workers not included)."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(draws), backend],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(quick: bool) -> str:
    """Markdown section: every table, compromise engine, 24 months, no sensitivity and no
    engine comparison."""
    from detente.scenario import load_scenario

    tables = len(load_scenario("ukraine-2025").tables)
    runs = [(1_000, "local"), (10_000, "local")]
    runs += [] if quick else [(100_000, "local"), (100_000, "dask")]
    lines = [
        "## Forecast end to end",
        "",
        f"All {tables} tables of `ukraine-2025`, compromise engine, chunks of 5,000 draws merged"
        " as they finish: the one-shot outcome classes and the dated questions month by month"
        " over 24 months (sensitivity and the engine comparison not included). `dask` is a"
        " LocalCluster of 2 single-threaded workers (its start-up included). Target: 100,000"
        " draws × 5 tables × 24 months in under 10 s on 2 cores, with bounded memory.",
        "",
        "| draws | backend | seconds | draws × tables per second | peak memory (MB) |",
        "|---:|---|---:|---:|---:|",
    ]
    for n, backend in runs:
        m = measure(n, backend)
        rate = tables * n / m["seconds"]
        lines.append(
            f"| {n:,} | {backend} | {m['seconds']:.2f} | {rate:,.0f} | {m['peak_mb']:.0f} |"
        )
    return "\n".join(lines) + "\n"
