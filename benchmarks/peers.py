"""Peers on the same domain: detente's discrete alternating offers beside NegMAS.

One domain for both: 5 issues × 10 values (100,000 outcomes), linear-additive utilities with
opposed values (v/9 against 1 − v/9) and random weights, 100 steps, Boulware against Conceder
with NegMAS's curves (1 − t^4 and 1 − t^0.25, detente's ``time:0.25`` and ``time:4``). NegMAS
(AGPL) runs here only as a peer; the package never imports it.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from detente.protocols.analysis import pareto_mask
from detente.protocols.discrete import additive_utilities, discrete_alternating_offers

ISSUES, VALUES, STEPS = 5, 10, 100
EXPONENTS = (0.25, 4.0)
CHUNK = 100
"""Negotiations per batch when every one has its own domain: 100 × 2 × 100,000 utilities
(160 MB) at a time; 10,000 at once would need 16 GB."""


def domain(seed: int = 0) -> tuple[list[list[np.ndarray]], np.ndarray]:
    """Each party's value tables per issue and its weights (2, K)."""
    up = np.arange(VALUES) / (VALUES - 1)
    weights = np.random.default_rng(seed).dirichlet(np.ones(ISSUES), 2)
    return [[1.0 - up] * ISSUES, [up] * ISSUES], weights


def utilities(tables, weights: np.ndarray) -> np.ndarray:
    """(2, N) utilities of the enumerated outcomes, or (B, 2, N) for weights (B, 2, K)."""
    return np.stack([additive_utilities(tables[p], weights[..., p, :]) for p in (0, 1)], axis=-2)


def median_time(fn, runs: int, setup=tuple) -> tuple[float, object]:
    """Median seconds of ``runs`` calls of ``fn(*setup())`` (setup untimed), the last result."""
    times, out = [], None
    for _ in range(runs):
        args = setup()
        start = time.perf_counter()
        out = fn(*args)
        times.append(time.perf_counter() - start)
    return float(np.median(times)), out


def same_domain(n: int, runs: int, drawn: bool) -> float:
    """Median seconds for n negotiations on the one domain, utilities and sort included; with
    ``drawn`` each negotiation draws both reserved values from U(0, 0.5), else all n are the
    NegMAS negotiation itself (only the utilities and their sort are shared)."""
    tables, weights = domain()
    reservation = np.random.default_rng(1).uniform(0.0, 0.5, (n, 2)) if drawn else None
    exponents = np.broadcast_to(EXPONENTS, (n, 2))

    def go():
        return discrete_alternating_offers(
            utilities(tables, weights), exponents, STEPS, reservation=reservation
        )

    return median_time(go, runs)[0]


def perturbed_domains(n: int) -> float:
    """Seconds for n negotiations, each with its own weights (the domain's × lognormal(0, 0.2),
    renormalised), in batches of CHUNK."""
    tables, weights = domain()
    jitter = np.random.default_rng(2).lognormal(0.0, 0.2, (n, 2, ISSUES))
    drawn = weights * jitter
    drawn /= drawn.sum(-1, keepdims=True)
    start = time.perf_counter()
    for lo in range(0, n, CHUNK):
        discrete_alternating_offers(utilities(tables, drawn[lo : lo + CHUNK]), EXPONENTS, STEPS)
    return time.perf_counter() - start


def pareto_times(runs: int) -> tuple[float, float, int]:
    """Median seconds of ``pareto_mask`` alone and with the utilities computed; frontier size."""
    tables, weights = domain()
    u = utilities(tables, weights)
    alone, mask = median_time(lambda: pareto_mask(u.T), runs)
    total = median_time(lambda: pareto_mask(utilities(tables, weights).T), runs)[0]
    return alone, total, int(mask.sum())


def negmas_peer(runs: int) -> dict | None:
    """NegMAS on the same domain: median seconds per negotiation (mechanism and run, fresh
    utility functions each time) and for its Pareto frontier, its agreement (step, utilities)
    and frontier size; None if not installed."""
    try:
        from negmas import SAOMechanism, make_issue
        from negmas.preferences import LinearAdditiveUtilityFunction, pareto_frontier
        from negmas.sao import BoulwareTBNegotiator, ConcederTBNegotiator
    except ImportError:
        return None
    warnings.filterwarnings("ignore")
    tables, weights = domain()
    issues = [make_issue(VALUES, f"i{k}") for k in range(ISSUES)]

    def ufuns():
        return [
            LinearAdditiveUtilityFunction(
                values=[{v: float(t[v]) for v in range(VALUES)} for t in tables[p]],
                weights=[float(w) for w in weights[p]],
                issues=issues,
            )
            for p in (0, 1)
        ]

    def negotiate(a, b):
        mechanism = SAOMechanism(issues=issues, n_steps=STEPS)
        mechanism.add(BoulwareTBNegotiator(name="a"), ufun=a)
        mechanism.add(ConcederTBNegotiator(name="b"), ufun=b)
        mechanism.run()
        deal = mechanism.state.agreement
        if deal is None:
            return None
        return mechanism.full_trace[-1].step, (float(a(deal)), float(b(deal)))

    seconds, agreement = median_time(negotiate, runs, ufuns)
    frontier_seconds, frontier = median_time(
        lambda a, b: pareto_frontier([a, b], issues=issues), runs, ufuns
    )
    return {
        "seconds": seconds,
        "agreement": agreement,
        "pareto": frontier_seconds,
        "frontier": len(frontier[1]),
    }


def describe(agreement) -> str:
    """``step s, u = a, b`` or ``no agreement``."""
    if agreement is None:
        return "no agreement"
    step, (a, b) = agreement
    return f"step {step}, u = {a:.9f}, {b:.9f}"


def agreement_check(peer: dict) -> str:
    """Whether detente's single negotiation on the domain matches NegMAS's (same step, both
    utilities within 1e-6)."""
    tables, weights = domain()
    ours = discrete_alternating_offers(utilities(tables, weights), EXPONENTS, STEPS)
    mine = None
    if ours.agreed[0]:
        mine = int(ours.step[0]), tuple(float(x) for x in ours.utility[0])
    theirs = peer["agreement"]
    same = (mine is None and theirs is None) or (
        mine is not None
        and theirs is not None
        and mine[0] == theirs[0]
        and np.allclose(mine[1], theirs[1], rtol=0, atol=1e-6)
    )
    verdict_ = "yes" if same else "**no**"
    return f"{verdict_} (detente: {describe(mine)}; NegMAS: {describe(theirs)})"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def run(quick: bool) -> str:
    """Markdown section with times, ratios and the agreement check."""
    n, runs = 10_000, 1 if quick else 3
    n_perturbed = 100 if quick else 1_000
    identical = same_domain(n, runs, drawn=False)
    drawn = same_domain(n, runs, drawn=True)
    perturbed = perturbed_domains(n_perturbed)
    pareto, pareto_total, frontier = pareto_times(7)
    peer = negmas_peer(runs)
    intro = __doc__.split("\n\n")[1].replace("\n", " ").strip()
    lines = [
        "## Peers: the same domain",
        "",
        intro + " detente's discrete protocol (`detente.protocols.discrete`) follows NegMAS's"
        " time-based semantics, so the two compare negotiation for negotiation. Times are the"
        f" median of {runs} run(s); detente's include computing the utilities and sorting them.",
        "",
        "| what | detente | NegMAS | NegMAS ÷ detente, per negotiation |",
        "|---|---:|---:|---:|",
    ]
    rows = [
        (f"{n:,} negotiations, all the NegMAS one", identical, n),
        (f"{n:,} negotiations, reserved values drawn per negotiation", drawn, n),
        (
            f"{n_perturbed:,} negotiations, each with its own perturbed weights"
            f" (batches of {CHUNK})",
            perturbed,
            n_perturbed,
        ),
    ]
    neg = None if peer is None else peer["seconds"]
    for what, seconds, count in rows:
        each = seconds / count
        theirs = "not installed" if neg is None else f"{neg:.3f} s each, ≈ {neg * count:,.0f} s"
        ratio = "–" if neg is None else f"{neg / each:,.0f}×"
        lines.append(
            f"| {what} | {seconds:.2f} s ({each * 1e6:,.0f} µs each) | {theirs} | {ratio} |"
        )
    ours_pareto = (
        f"{pareto * 1e3:.1f} ms ({pareto_total * 1e3:.1f} ms with utilities), {frontier} outcomes"
    )
    pareto_target = (
        f"Pareto frontier under 20 ms {verdict(pareto < 0.02)} for `pareto_mask`"
        f" ({pareto * 1e3:.1f} ms) and {verdict(pareto_total < 0.02)} with the utilities"
        f" computed ({pareto_total * 1e3:.1f} ms)."
    )
    if peer is None:
        lines += [
            f"| Pareto frontier, 100,000 outcomes | {ours_pareto} | not installed | – |",
            "",
            f"Issue targets: 10,000 negotiations under 2 s {verdict(drawn < 2)} on one domain;"
            f" the NegMAS comparisons need NegMAS; {pareto_target}",
        ]
        return "\n".join(lines) + "\n"
    lines += [
        f"| Pareto frontier, 100,000 outcomes | {ours_pareto} | {peer['pareto']:.2f} s,"
        f" {peer['frontier']} outcomes | {peer['pareto'] / pareto_total:,.0f}× (with utilities) |",
        "",
        f"Same agreement in the same step on this domain: {agreement_check(peer)}.",
        "",
        f"Issue targets: 10,000 negotiations under 2 s {verdict(drawn < 2)} on one domain;"
        f" ≥ 1,000× NegMAS's throughput {verdict(neg / (drawn / n) >= 1000)} on one domain and"
        f" {verdict(neg / (perturbed / n_perturbed) >= 1000)} with a domain per negotiation"
        " (sorting 2 × 100,000 utilities per negotiation dominates there; 10,000 such domains at"
        f" once would need 16 GB, hence the batches); {pareto_target}",
    ]
    return "\n".join(lines) + "\n"
