"""The BDM/Scholz challenge model: the EC car-emission issue perturbed 10,000 times and run to
convergence, the one-off compile cost, and how cost grows with draws, actors and issues."""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np

from benchmarks.engines import batch
from detente.engines import get_engine
from detente.engines.base import EngineInput

REPEATS = 3
# Bueno de Mesquita (1994) EC car-emission example on 0–100 (years × 10), salience 0–100
EC_POSITION = np.array([40, 70, 40, 40, 100, 100, 100, 70, 40, 70], float)
EC_SALIENCE = np.array([80, 40, 20, 80, 60, 60, 90, 10, 100, 70], float)
EC_CAPABILITY = np.array([0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08])


def ec_draws(draws: int, seed: int = 0) -> EngineInput:
    """The EC issue with positions and saliences jittered by N(0, 5) points per draw."""
    rng = np.random.default_rng(seed)
    shape = (draws, len(EC_POSITION))
    return EngineInput(
        np.clip(EC_POSITION + rng.normal(0, 5, shape), 0, 100)[:, :, None],
        np.clip(EC_SALIENCE + rng.normal(0, 5, shape), 1, 100)[:, :, None],
        np.broadcast_to(EC_CAPABILITY, shape).copy(),
    )


def timed(inp: EngineInput, **options) -> tuple[float, np.ndarray]:
    """Best wall time of a few runs (trajectory not recorded) and the rounds per draw."""
    spec = get_engine("bdm")
    best, rounds = np.inf, np.zeros(0)
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = spec.run(inp, record_trajectory=False, **options)
        best = min(best, time.perf_counter() - start)
        rounds = result.rounds
    return best, rounds


def first_call_seconds() -> float:
    """A fresh process's import plus first run: loading the cached compiled kernel."""
    code = (
        "import time; t = time.perf_counter(); from benchmarks.bdm import ec_draws; "
        "from detente.engines import get_engine; get_engine('bdm').run(ec_draws(10)); "
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def run(quick: bool) -> str:
    """Markdown section."""
    draws = 1_000 if quick else 10_000
    get_engine("bdm").run(ec_draws(10))  # compile or load the kernel outside the timings
    seconds, rounds = timed(ec_draws(draws))
    fixed, _ = timed(ec_draws(draws), max_rounds=10, shift_stop=None)
    capped = float((rounds >= 100).mean())
    lines = [
        "## BDM (Scholz) challenge model",
        "",
        f"EC car-emission issue (10 actors), positions and saliences jittered by N(0, 5) points, "
        f"{draws:,} draws, best of {REPEATS}; Numba kernel, games in parallel on every core.",
        "",
        "| run | seconds | ms per 1,000 draws | mean rounds | draws at the 100-round cap |",
        "|---|---:|---:|---:|---:|",
        f"| to convergence (default stop) | {seconds:.3f} | {1000 * seconds / draws * 1000:.1f} "
        f"| {rounds.mean():.2f} | {capped:.1%} |",
        f"| exactly 10 rounds (no stop rule) | {fixed:.3f} | {1000 * fixed / draws * 1000:.1f} "
        "| 10 | — |",
        "",
        f"A fresh process's import and first run (loading the cached compiled kernel): "
        f"{first_call_seconds():.2f} s. The very first run after installation compiles the kernel "
        "once (about 10 s here) and caches it beside the module.",
        "",
        "How cost grows (uniform random issues, default stop rule):",
        "",
        "| draws | actors | issues | seconds | mean rounds | µs per draw-round |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    grid = [(1_000, 10, 1), (10_000, 5, 1), (10_000, 10, 1), (10_000, 20, 1), (10_000, 10, 4)]
    if not quick:
        grid += [(10_000, 40, 1), (100_000, 10, 1)]
    for n, actors, dims in grid:
        secs, rnd = timed(batch(n, actors, dims))
        per_round = 1e6 * secs / max(float(rnd.sum()) * 1.0, 1.0)
        lines.append(
            f"| {n:,} | {actors} | {dims} | {secs:.3f} | {rnd.mean():.2f} | {per_round:.2f} |"
        )
    return "\n".join(lines) + "\n"
