"""detente's continuous protocols at several sizes: alternating offers (bilateral and
multilateral), the mediator's single text and the backchannel, and the Pareto frontier.

The like-for-like comparison with NegMAS (the same discrete domain, the same agreement) is the
``peers`` section.
"""

from __future__ import annotations

import time

import numpy as np

from detente.protocols import (
    alternating_offers,
    backchannel,
    preferences,
    single_text,
    strategy_named,
)
from detente.protocols.analysis import grid_outcomes, pareto_mask

STEPS = 100
REPEATS = 3


def opposed(n: int, parties: int, issues: int, seed: int = 0):
    """n domains: parties spread from 0 to 100 on every issue, random weights, reservations
    up to 0.3."""
    rng = np.random.default_rng(seed)
    ideal = np.broadcast_to(np.linspace(0, 100, parties)[None, :, None], (n, parties, issues))
    salience = rng.dirichlet(np.ones(issues), (n, parties)) * 100
    return preferences(ideal.copy(), salience, rng.uniform(0, 0.3, (n, parties)))


def best_of(call) -> float:
    """Best wall time of a few calls, in seconds."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def protocol_calls(prefs, parties: int) -> dict:
    """The protocols on one batch of preferences."""
    strategies = [strategy_named("boulware")] + [strategy_named("conceder")] * (parties - 1)
    draft = prefs.ideal.mean(axis=1)
    leverage = np.full(prefs.shape[0], 0.5)
    calls = {
        "alternating offers": lambda: alternating_offers(prefs, strategies, STEPS),
        "single text (leverage 0.5)": lambda: single_text(
            prefs, strategies, STEPS, draft, leverage
        ),
    }
    if parties > 2:
        calls["backchannel (2 drafters)"] = lambda: backchannel(prefs, strategies, STEPS, [0, 1])
    return calls


def time_pareto(values: int, issues: int) -> float:
    """Seconds for the Pareto frontier of a values^issues grid, utilities included."""
    outcomes = grid_outcomes([np.linspace(0, 100, values)] * issues)
    prefs = opposed(1, 2, issues)

    def frontier():
        utilities = np.stack(
            [
                1 - (prefs.weight[0, p] * np.abs(outcomes - prefs.ideal[0, p])).sum(1) / 100
                for p in (0, 1)
            ],
            axis=1,
        )
        pareto_mask(utilities)

    return best_of(frontier)


def run(quick: bool) -> str:
    """Markdown section."""
    sizes = [(1_000, 2, 5), (10_000, 2, 5), (10_000, 3, 5), (10_000, 2, 10)]
    if not quick:
        sizes += [(100_000, 2, 5), (10_000, 5, 8)]
    lines = [
        "## Protocols",
        "",
        f"Batched continuous protocols, {STEPS} rounds, best of {REPEATS}; Boulware (e = 0.2) "
        "against Conceder (e = 5); parties spread from 0 to 100 on every issue with random "
        "weights. The like-for-like comparison with NegMAS is the `peers` section.",
        "",
        "| protocol | negotiations | parties | issues | seconds | µs per negotiation |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for n, parties, issues in sizes:
        prefs = opposed(n, parties, issues)
        for name, call in protocol_calls(prefs, parties).items():
            seconds = best_of(call)
            lines.append(
                f"| {name} | {n:,} | {parties} | {issues} | {seconds:.3f} | "
                f"{1e6 * seconds / n:.1f} |"
            )
    lines += [
        "",
        "| Pareto frontier (utilities included) | outcomes | ms |",
        "|---|---:|---:|",
    ]
    for values, issues in [(10, 4), (10, 5)] + ([] if quick else [(6, 7)]):
        ms = 1000 * time_pareto(values, issues)
        lines.append(f"| {values} values × {issues} issues | {values**issues:,} | {ms:.1f} |")
    return "\n".join(lines) + "\n"
