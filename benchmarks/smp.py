"""The KTAB SMP engine: KTAB's dummy scenario once and perturbed, and how cost grows with actors,
dimensions and draws."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from detente.engines import smp
from detente.engines.base import EngineInput
from detente.scenario.ktab import parse_ktab_csv

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "data" / "ktab" / "dummyData_3Dim.csv"
REPEATS = 5
SPREAD = 3.0  # points on the 0–100 scale


def dummy() -> EngineInput:
    """KTAB's dummyData_3Dim scenario as one draw."""
    data = parse_ktab_csv(FIXTURE.read_text(encoding="utf-8"), file=FIXTURE)
    return EngineInput(data.position[None], data.salience[None], data.power[None])


def perturbed(draws: int, seed: int = 0) -> EngineInput:
    """The dummy scenario with every position moved uniformly by up to ±SPREAD points."""
    base = dummy()
    rng = np.random.default_rng(seed)
    noise = rng.uniform(-SPREAD, SPREAD, (draws,) + base.position.shape[1:])
    return EngineInput(
        np.clip(base.position + noise, 0.0, 100.0),
        np.repeat(base.salience, draws, axis=0),
        np.repeat(base.capability, draws, axis=0),
    )


def random_batch(draws: int, actors: int, dims: int, seed: int = 0) -> EngineInput:
    """Random scenarios; each actor's saliences add up to at most 100."""
    rng = np.random.default_rng(seed)
    return EngineInput(
        rng.uniform(0, 100, (draws, actors, dims)),
        rng.uniform(10, 100, (draws, actors, dims)) / dims,
        rng.uniform(10, 200, (draws, actors)),
    )


def timed(inp: EngineInput, repeats: int = 1, **options) -> tuple[float, np.ndarray]:
    """Best wall time of ``repeats`` runs in seconds, and the rounds of the last run."""
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        result = smp.run(inp, **options)
        best = min(best, time.perf_counter() - start)
    return best, result.rounds


def turns_summary(rounds: np.ndarray) -> str:
    capped = (rounds >= smp.MAX_ROUNDS).mean()
    return f"median {np.median(rounds):.0f}, max {rounds.max()}, {capped:.1%} hit the cap"


def sizes(quick: bool) -> list[tuple[int, int, int]]:
    """(draws, actors, dims) for the growth table."""
    if quick:
        return [(20, 5, 3), (20, 10, 3), (20, 10, 1), (50, 10, 3)]
    by_actors = [(100, n, 3) for n in (5, 10, 20, 40)]
    by_dims = [(100, 10, k) for k in (1, 6)]
    by_draws = [(d, 10, 3) for d in (10, 1_000)]
    return by_actors + by_dims + by_draws


def run(quick: bool) -> str:
    """Markdown section: the dummy case, perturbed draws, growth with actors, dims, draws."""
    one = dummy()
    with_traj, rounds = timed(one, REPEATS)
    bare, _ = timed(one, REPEATS, record_trajectory=False)
    draws = 50 if quick else 1_000
    batch = perturbed(draws)
    det, det_rounds = timed(batch, record_trajectory=False)
    sto, sto_rounds = timed(
        batch, record_trajectory=False, transition="stochastic", rng=np.random.default_rng(0)
    )
    lines = [
        "## SMP engine (KTAB)",
        "",
        f"KTAB's `dummyData_3Dim` (7 actors, 3 dimensions, {rounds[0]} turns), best of "
        f"{REPEATS}: **{1000 * with_traj:.1f} ms** per run with the trajectory and probabilities "
        f"of every turn, {1000 * bare:.1f} ms without.",
        "",
        f"{draws:,} draws with every position moved by up to ±{SPREAD:g} points, one batch "
        "(converged draws are frozen while the others continue):",
        "",
        "| transition | seconds | draws per second | turns |",
        "|---|---:|---:|---|",
        f"| deterministic | {det:.3f} | {draws / det:,.0f} | {turns_summary(det_rounds)} |",
        f"| stochastic | {sto:.3f} | {draws / sto:,.0f} | {turns_summary(sto_rounds)} |",
        "",
        "Random scenarios (deterministic, no trajectory). Each turn costs about draws × actors³ "
        "(every actor weighs every target with every third party), so the time per draw-turn "
        "grows with the cube of the number of actors; the number of turns varies by scenario.",
        "",
        "| draws | actors | dims | seconds | mean turns | ms per draw-turn |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for n_draws, actors, dims in sizes(quick):
        seconds, rounds = timed(random_batch(n_draws, actors, dims), record_trajectory=False)
        per_turn = 1000 * seconds / max(int(rounds.sum()), 1)
        lines.append(
            f"| {n_draws:,} | {actors} | {dims} | {seconds:.3f} | {rounds.mean():.1f} "
            f"| {per_turn:.3f} |"
        )
    return "\n".join(lines) + "\n"
