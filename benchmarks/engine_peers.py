"""Engine peers side by side: detente's engines beside the collective-decision models that
install from PyPI, on the same actors, positions, saliences and capabilities.

The one such peer found is Decide (``decide-exchange-model``, GPL-3.0), the exchange model of
Stokman and colleagues: a different model from BDM (actors trade positions across pairs of
issues), but an engine on the same kind of input. Its releases pin their dependencies exactly
(2025.3.1: Python 3.13 only, numpy 2.3.4, PyQt6; 2022.1.28: numpy 1.23.4, pandas 1.5.0, PyQt5),
so it cannot share detente's environment; it runs in its own interpreter, found as
``$DETENTE_DECIDE_PYTHON`` or, failing that, the current interpreter if Decide imports there.
Only a subprocess talks to it (JSON in, JSON out); detente never imports it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np

from benchmarks.bdm import EC_CAPABILITY, EC_POSITION, EC_SALIENCE, ec_draws
from benchmarks.engines import batch
from detente.engines import EngineInput, engine_names, get_engine

PEER_ENV = "DETENTE_DECIDE_PYTHON"
ITERATIONS = 10
"""Decide's rounds of exchanges per solve (its command line's default)."""
DRAWS = 10_000
"""detente's batch size on every workload."""

VERSION_PROBE = (
    "import sys, importlib.metadata as m, decide.model.equalgain, decide.model.utils; "
    "print(m.version('decide-exchange-model'), sys.version.split()[0])"
)

SOLVE_PROBE = """
import json, sys, time
from decimal import Decimal
from decide.model.equalgain import EqualGainModel
from decide.model.utils import ModelLoop


class Silent:
    # every observer event is a no-op: no files, no database, no logging
    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def number(x):
    return Decimal(repr(float(x)))


def solve(position, salience, power, iterations):
    model = EqualGainModel(randomized_value="0.0")
    model.VERBOSE = False
    actors = [model.add_actor(f"a{i}", f"a{i}") for i in range(len(position))]
    issues = []
    for k in range(len(position[0])):
        issue = model.add_issue(f"i{k}")
        issue.lower, issue.upper = 0, 100
        issues.append(issue)
    for i, actor in enumerate(actors):
        for k, issue in enumerate(issues):
            model.add_actor_issue(
                actor, issue, number(position[i][k]), number(salience[i][k]), number(power[i])
            )
    loop = ModelLoop(model, Silent(), 0)
    for _ in range(iterations):
        loop.loop()
    model.calc_nbs()
    return [float(issue.de_normalize(model.nbs[issue])) for issue in issues]


job = json.load(sys.stdin)
out = []
for p in job["problems"]:
    start = time.perf_counter()
    outcome = solve(p["position"], p["salience"], p["power"], job["iterations"])
    out.append([time.perf_counter() - start, outcome])
print(json.dumps(out))
"""


def decide_interpreter() -> tuple[str, str, str] | None:
    """(python, Decide version, Python version) of the first interpreter where Decide imports."""
    for python in (os.environ.get(PEER_ENV), sys.executable):
        if not python:
            continue
        try:
            out = subprocess.run(
                [python, "-c", VERSION_PROBE], capture_output=True, text=True, timeout=120
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0 and out.stdout.strip():
            version, py = out.stdout.split()[:2]
            return python, version, py
    return None


def decide_solve(python: str, inp: EngineInput) -> tuple[np.ndarray, np.ndarray]:
    """Decide's equal-gain model on every draw of ``inp``, one solve at a time in a Python loop.
    Saliences go in on 0–1 (Decide's scale; on 0–100 its outcomes leave the issue's range),
    capabilities as they are. Returns each solve's seconds (model set-up and rounds, not the
    interpreter's start or the JSON) and the outcomes (draws, issues) on 0–100."""
    problems = [
        {
            "position": inp.position[d].tolist(),
            "salience": (inp.salience[d] / 100.0).tolist(),
            "power": inp.capability[d].tolist(),
        }
        for d in range(inp.position.shape[0])
    ]
    out = subprocess.run(
        [python, "-c", SOLVE_PROBE],
        input=json.dumps({"problems": problems, "iterations": ITERATIONS}),
        capture_output=True,
        text=True,
        check=True,
    )
    rows = json.loads(out.stdout)
    return np.array([r[0] for r in rows]), np.array([r[1] for r in rows])


def ec_once() -> EngineInput:
    """The unperturbed EC car-emission issue as one draw."""
    return EngineInput(
        EC_POSITION[None, :, None].copy(), EC_SALIENCE[None, :, None].copy(), EC_CAPABILITY[None]
    )


def first(inp: EngineInput, n: int) -> EngineInput:
    """The first ``n`` draws of a batch, so that a peer solves exactly detente's draws."""
    return EngineInput(inp.position[:n], inp.salience[:n], inp.capability[:n])


def detente_time(engine: str, inp: EngineInput, runs: int) -> tuple[float, np.ndarray]:
    """Median seconds of ``runs`` batched runs of a detente engine, and its outcomes."""
    spec = get_engine(engine)
    times, outcome = [], np.zeros(0)
    for _ in range(runs):
        start = time.perf_counter()
        result = spec.run(inp, rng=np.random.default_rng(0), record_trajectory=False)
        times.append(time.perf_counter() - start)
        outcome = result.outcome
    return float(np.median(times)), np.asarray(outcome).reshape(inp.position.shape[0], -1)


def num(x: float) -> str:
    """A time for a table: thousands separated when large, four significant figures else."""
    return f"{x:,.0f}" if x >= 1_000 else f"{x:.4g}" if x >= 1e-3 else f"{x:.6f}"


def row(name: str, workload: str, draws: int, seconds: float, note: str = "") -> str:
    """One timing row: seconds, ms per solve, draws per second."""
    rate = draws / seconds
    return (
        f"| {name} | {workload} | {draws:,} | {num(seconds)} | {num(1000 * seconds / draws)} "
        f"| {rate:,.0f} | {note} |"
    )


def run(quick: bool) -> str:
    """Markdown section."""
    once_runs = 3 if quick else 7
    ec_n = 200 if quick else 10_000
    multi_n = 3 if quick else 100
    for name in ("bdm", "compromise"):  # compile or load kernels outside the timings
        get_engine(name).run(ec_draws(10), record_trajectory=False)
    found = decide_interpreter()
    lines = [
        "## Engine peers side by side",
        "",
        "Collective-decision engines from PyPI on the same input as detente (actors' positions "
        "and saliences on 0–100, capabilities), measured in the same run. Two workloads: the "
        "EC car-emission issue (10 actors, one issue), unperturbed and jittered by N(0, 5) "
        "points per draw, and random issues with 10 actors × 4 issues. detente runs "
        f"{DRAWS:,} draws as one batch (Numba, games in parallel on every core); a peer "
        "solves one draw at a time in a Python loop. Times are medians of repeated runs where "
        "a row says so, otherwise one run.",
        "",
        "Peers looked for: `decide-exchange-model` (Decide, GPL-3.0) installs from PyPI, but "
        "only into an environment of its own, because its releases pin their dependencies "
        "exactly (2025.3.1: Python 3.13 only, numpy 2.3.4, PyQt6; 2022.1.28: numpy 1.23.4, "
        "pandas 1.5.0, PyQt5, which detente's numpy ≥ 1.26 excludes); it runs there as a "
        f"subprocess, found through `${PEER_ENV}`. No PyPI package is a BDM/Scholz model: "
        "`schelling-sdk`, `schelling-crewai` and `schelling-langchain` (an AI-agent "
        "coordination protocol), `schelling-model` and `pyschelling` (segregation models) are "
        "unrelated, so the BDM successor “schelling” cannot be installed from PyPI here. "
        "NegMAS (bilateral negotiation, a different input) is compared in the peers section.",
        "",
    ]
    if found is None:
        lines += [
            "Decide (`decide-exchange-model`): not installed (set "
            f"`{PEER_ENV}` to a Python with `pip install decide-exchange-model`).",
            "",
        ]
    else:
        python, version, py = found
        lines += [
            f"Decide {version} (GPL-3.0) on Python {py}, equal-gain exchange model, "
            f"{ITERATIONS} rounds of exchanges per solve, saliences given on 0–1 (its scale). "
            "Its seconds are its solves' own (model set-up and rounds), not its interpreter's "
            "start or the JSON that carries the draws.",
            "",
        ]

    timing = [
        "| engine | workload | draws | seconds | ms per solve | draws per second | note |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    ratios: list[str] = []
    predictions: dict[str, float] = {}

    # detente on the unperturbed EC issue: one solve, then the jittered batch
    for name in engine_names():
        predictions[name] = float(detente_time(name, ec_once(), 1)[1][0, 0])
    ec, multi = ec_draws(DRAWS), batch(DRAWS, 10, 4)  # its status quo is unused here
    measured: dict[str, dict[str, tuple]] = {}
    for workload, inp, runs in (
        ("EC, one solve", ec_once(), once_runs),
        ("EC jittered", ec, 3),
        ("10 actors × 4 issues", multi, 3),
    ):
        measured[workload] = {}
        for name in ("bdm", "compromise"):
            secs, out = detente_time(name, inp, runs)
            measured[workload][name] = (secs, out)
            draws = inp.shape[0]
            timing.append(row(f"detente {name}", workload, draws, secs, f"median of {runs}"))
    det_once = {name: v[0] for name, v in measured["EC, one solve"].items()}
    ec_det, multi_det = measured["EC jittered"], measured["10 actors × 4 issues"]

    agreement: list[str] = []
    if found is not None:
        python = found[0]
        once = [decide_solve(python, ec_once()) for _ in range(once_runs)]
        predictions["Decide (equal gain)"] = float(once[-1][1][0, 0])
        decide_once = float(np.median([t.sum() for t, _ in once]))
        timing.append(row("Decide", "EC, one solve", 1, decide_once, f"median of {once_runs}"))
        ec_times, ec_out = decide_solve(python, first(ec, ec_n))
        peer_ec = ec_n / ec_times.sum()
        timing.append(row("Decide", "EC jittered", ec_n, float(ec_times.sum()), "measured"))
        multi_times, multi_out = decide_solve(python, first(multi, multi_n))
        peer_multi = multi_n / multi_times.sum()
        timing.append(row("Decide", "10 actors × 4 issues", multi_n, float(multi_times.sum()), ""))
        timing.append(
            row(
                "Decide",
                "10 actors × 4 issues",
                DRAWS,
                float(multi_times.mean()) * DRAWS,
                f"**extrapolated** from {multi_n:,} solves, not run",
            )
        )
        ratios = [
            "| detente engine | workload | detente draws per second ÷ Decide's |",
            "|---|---|---:|",
        ]
        for name in ("bdm", "compromise"):
            ratios.append(f"| {name} | EC, one solve | {decide_once / det_once[name]:.3g}× |")
        for name in ("bdm", "compromise"):
            ratios.append(f"| {name} | EC jittered | {DRAWS / ec_det[name][0] / peer_ec:,.0f}× |")
        for name in ("bdm", "compromise"):
            ratios.append(
                f"| {name} | 10 actors × 4 issues | "
                f"{DRAWS / multi_det[name][0] / peer_multi:,.0f}× |"
            )
        ec_cmp = ec_det["compromise"][1][:ec_n]
        ec_bdm = ec_det["bdm"][1][:ec_n]
        m_cmp = multi_det["compromise"][1][:multi_n]
        m_bdm = multi_det["bdm"][1][:multi_n]
        agreement = [
            "Mean absolute difference of the outcomes, draw by draw on the same draws "
            "(points on 0–100):",
            "",
            "| workload | draws | Decide vs detente compromise | Decide vs detente bdm |",
            "|---|---:|---:|---:|",
            f"| EC jittered | {ec_n:,} | {np.abs(ec_out - ec_cmp).mean():.2f} "
            f"| {np.abs(ec_out - ec_bdm).mean():.2f} |",
            f"| 10 actors × 4 issues | {multi_n:,} | {np.abs(multi_out - m_cmp).mean():.2f} "
            f"| {np.abs(multi_out - m_bdm).mean():.2f} |",
            "",
        ]

    lines += timing + [""]
    if ratios:
        lines += ["Throughput ratio (same workload, detente's batch against Decide's loop):", ""]
        lines += ratios + [""]
    lines += [
        "Predicted outcome of the unperturbed EC issue (0–100 scale; detente's smp is "
        "stochastic, seed 0):",
        "",
        "| model | outcome |",
        "|---|---:|",
    ]
    lines += [f"| {name} | {value:.2f} |" for name, value in predictions.items()]
    lines += [""] + agreement
    if found is not None:
        lines += [
            "Decide is a different model: actors exchange positions across pairs of issues and "
            "the outcome is the capability × salience weighted mean of the positions after the "
            "exchanges. On a single issue there is nothing to exchange, so on the EC issue it "
            "returns that weighted mean, which is detente's compromise engine (same outcome to "
            "rounding above); the speed ratio there compares set-up and bookkeeping (Decide "
            "computes in Python `Decimal`, one solve at a time, on one core) with a batched "
            "kernel. With several issues its exchanges move the outcome away from the "
            "compromise, and neither it nor the compromise is the BDM challenge model. With "
            f"{os.cpu_count()} cores here, detente's parallel batch gains at most "
            f"{os.cpu_count()}× from them; the rest of a ratio is per-solve cost. Batches "
            "under 256 games (a single solve among them) run on one thread, because waking "
            "the thread pool cost more than the solve when other processes kept the cores "
            "busy (16 ms per call instead of under 0.1 ms).",
        ]
    return "\n".join(lines) + "\n"
