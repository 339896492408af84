"""Local backend against Dask LocalClusters of 1 and 2 workers, same draws, same bytes; wall
time and peak resident memory of every process involved."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import hashlib, json, resource, sys, time


def peak_mb():
    # high-water mark of this process's resident set: VmHWM belongs to the address space, so
    # unlike ru_maxrss it does not carry the parent's peak across fork and exec
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


from detente.forecast import ForecastConfig, backend_for, run_forecast, to_json
from detente.scenario import load_scenario

workers, draws = int(sys.argv[1]), int(sys.argv[2])
scenario = load_scenario("ukraine-2025")
config = ForecastConfig(draws=draws, seed=0, chunk_size=10_000)
out = {}
if workers == 0:
    out["imports_mb"] = peak_mb()
    to_json(run_forecast(scenario, config))  # warm-up, as the reference run used to be
    start = time.perf_counter()
    result = to_json(run_forecast(scenario, config))
    out["seconds"] = time.perf_counter() - start
    out["workers_mb"] = []
else:
    from dask.distributed import Client, LocalCluster

    out["imports_mb"] = peak_mb()
    with LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        backend = backend_for("dask", cluster.scheduler_address)
        run_forecast(scenario, ForecastConfig(draws=10_000, seed=1), backend)  # warm workers
        start = time.perf_counter()
        result = to_json(run_forecast(scenario, config, backend))
        out["seconds"] = time.perf_counter() - start
        with Client(cluster) as client:
            out["workers_mb"] = list(client.run(peak_mb).values())
out["main_mb"] = peak_mb()
out["sha256"] = hashlib.sha256(result.encode()).hexdigest()
print(json.dumps(out))
"""


def measure(workers: int, draws: int) -> dict:
    """One configuration in a fresh interpreter (0 workers: the local backend): its seconds,
    peak memory of the main process (after imports and at the end) and of each worker."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(workers), str(draws)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(quick: bool) -> str:
    """Markdown section: wall time and peak memory per backend, and the ratio to local."""
    draws = 20_000 if quick else 200_000
    local = measure(0, draws)
    rows = [("local (1 process)", local)]
    for workers in (1, 2):
        rows.append((f"Dask LocalCluster, {workers} worker(s)", measure(workers, draws)))
    lines = [
        "## Local vs Dask",
        "",
        f"The forecast of all 5 tables, {draws:,} draws in chunks of 10,000 (cluster start-up"
        " and worker warm-up excluded; only per-chunk summaries travel back).",
        "",
        "| backend | seconds | time vs local | same bytes as local | peak MB, main process "
        "(after imports) | peak MB per worker | peak MB, all processes |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    for name, m in rows:
        seconds = m["seconds"]
        same = "yes" if m["sha256"] == local["sha256"] else "NO"
        per_worker = " / ".join(f"{mb:.0f}" for mb in m["workers_mb"]) or "—"
        total = m["main_mb"] + sum(m["workers_mb"])
        lines.append(
            f"| {name} | {seconds:.2f} | {seconds / local['seconds']:.2f}× | {same} "
            f"| {m['main_mb']:.0f} ({m['imports_mb']:.0f}) | {per_worker} "
            f"| {total:.0f} |"
        )
    lines += [
        "",
        "Each configuration runs in a fresh interpreter, so earlier sections do not inflate its"
        " numbers; the local run and each cluster first run once untimed (local: the same"
        " forecast; Dask: 10,000 draws to warm the workers). Peak memory is the high-water"
        " resident set size (`VmHWM` in `/proc/self/status`, which unlike `ru_maxrss` does"
        " not inherit the parent's peak) of the main process (for Dask"
        " the client, which also hosts the LocalCluster's scheduler and the nannies), in brackets"
        " after its imports and before any forecast, and of each worker process, read with"
        " `client.run` after the timed run. The total adds the"
        " peaks, which over-states the memory in use at once when they fall at different"
        " times.",
        "",
        "The local run includes writing its JSON the same way; on this 2-core machine the"
        " per-chunk overhead of the distributed path outweighs the work of a cheap engine, so"
        " Dask is for expensive engines, larger machines and sweeps, not for speed here.",
    ]
    return "\n".join(lines) + "\n"
