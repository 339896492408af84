"""Protocols: batched alternating offers and the Pareto frontier, beside NegMAS when installed.

NegMAS (AGPL) runs here only as a peer in this benchmark; the package never imports it. The
domains match in size and preference form (5 issues, linear-additive utilities, opposed
preferences, Boulware against Conceder, 100 steps) but not in kind: NegMAS negotiates over a
discrete grid of 10 values per issue, detente's offers are continuous on 0–100.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from detente.protocols import alternating_offers, preferences, strategy_named
from detente.protocols.analysis import grid_outcomes, pareto_mask

ISSUES = 5
STEPS = 100


def detente_batch(n: int, seed: int = 0):
    """n bilateral domains with opposed ideals and random weights."""
    rng = np.random.default_rng(seed)
    ideal = np.zeros((n, 2, ISSUES))
    ideal[:, 1, :] = 100.0
    salience = rng.dirichlet(np.ones(ISSUES), (n, 2)) * 100
    return preferences(ideal, salience, np.zeros((n, 2)))


def time_detente(n: int) -> float:
    """Seconds for n negotiations in one batch."""
    prefs = detente_batch(n)
    strategies = [strategy_named("boulware"), strategy_named("conceder")]
    start = time.perf_counter()
    alternating_offers(prefs, strategies, STEPS)
    return time.perf_counter() - start


def time_pareto() -> float:
    """Seconds for the Pareto frontier of the 100,000-outcome grid (10 values × 5 issues)."""
    outcomes = grid_outcomes([np.linspace(0, 100, 10)] * ISSUES)
    prefs = detente_batch(1)
    start = time.perf_counter()
    utilities = np.stack(
        [
            1 - (prefs.weight[0, p] * np.abs(outcomes - prefs.ideal[0, p])).sum(1) / 100
            for p in (0, 1)
        ],
        axis=1,
    )
    pareto_mask(utilities)
    return time.perf_counter() - start


def negmas_times(runs: int) -> tuple[float, float] | None:
    """Mean seconds per NegMAS negotiation and for its Pareto frontier; None if not installed."""
    try:
        from negmas import SAOMechanism, make_issue
        from negmas.preferences import LinearAdditiveUtilityFunction, pareto_frontier
        from negmas.sao import BoulwareTBNegotiator, ConcederTBNegotiator
    except ImportError:
        return None
    warnings.filterwarnings("ignore")
    issues = [make_issue(10, f"i{k}") for k in range(ISSUES)]
    rng = np.random.default_rng(0)

    def ufun(up: bool):
        values = [{v: (v / 9 if up else 1 - v / 9) for v in range(10)} for _ in range(ISSUES)]
        return LinearAdditiveUtilityFunction(
            values=values, weights=list(rng.dirichlet(np.ones(ISSUES))), issues=issues
        )

    total = 0.0
    for _ in range(runs):
        a, b = ufun(False), ufun(True)
        start = time.perf_counter()
        mechanism = SAOMechanism(issues=issues, n_steps=STEPS)
        mechanism.add(BoulwareTBNegotiator(name="a"), ufun=a)
        mechanism.add(ConcederTBNegotiator(name="b"), ufun=b)
        mechanism.run()
        total += time.perf_counter() - start
    a, b = ufun(False), ufun(True)
    start = time.perf_counter()
    pareto_frontier([a, b], issues=issues)
    return total / runs, time.perf_counter() - start


def run(quick: bool) -> str:
    """Markdown section with times and ratios."""
    n = 1_000 if quick else 10_000
    ours = min(time_detente(n) for _ in range(3))
    pareto = min(time_pareto() for _ in range(3))
    peer = negmas_times(1 if quick else 5)
    lines = [
        "## Protocols",
        "",
        f"Bilateral alternating offers, {ISSUES} issues, {STEPS} steps, Boulware (e = 0.2) against"
        " Conceder (e = 5), linear-additive opposed preferences; detente runs all negotiations in"
        " one batch. " + __doc__.split("\n\n")[1].replace("\n", " "),
        "",
        "| what | detente | NegMAS | ratio |",
        "|---|---:|---:|---:|",
    ]
    per_negotiation = ours / n
    if peer is None:
        lines.append(f"| {n:,} negotiations | {ours:.2f} s | not installed | – |")
        lines.append(f"| Pareto frontier, 100,000 outcomes | {pareto * 1000:.1f} ms | – | – |")
    else:
        neg, neg_pareto = peer
        lines.append(
            f"| one negotiation | {per_negotiation * 1e6:.0f} µs (in a batch of {n:,}) |"
            f" {neg:.3f} s | {neg / per_negotiation:,.0f}× |"
        )
        lines.append(f"| {n:,} negotiations | {ours:.2f} s | ≈ {neg * n:,.0f} s (extrapolated) | |")
        lines.append(
            f"| Pareto frontier, 100,000 outcomes | {pareto * 1000:.1f} ms | {neg_pareto:.2f} s |"
            f" {neg_pareto / pareto:,.0f}× |"
        )
    return "\n".join(lines) + "\n"
