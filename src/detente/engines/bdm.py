"""Bueno de Mesquita's expected-utility ("challenge") model as formalised by Scholz, Calbert &
Smith (2011), "Unravelling Bueno De Mesquita's group decision model", *Journal of Theoretical
Politics* 23(4); after Bueno de Mesquita (1994), "Political forecasting: an expected utility
method", in *European Community Decision Making*.

One issue at a time; every (draw, issue) pair is an independent game, so issues are folded into
the draws axis. Per round:

1. Risk: with every actor risk-neutral (r = 1), actor i's danger is the sum of the expected
   utilities others would gain by challenging it; dangers are rescaled to R_i ∈ [−1, 1] and
   r_i = (1 − R_i/3)/(1 + R_i/3) ∈ [0.5, 2].
2. Votes: voter k's vote for x_i over x_j is v_k = c_k s_k ((|x_k − x_j|/R)^r_k −
   (|x_k − x_i|/R)^r_k); P(i beats j) is the sum of the positive votes divided by the sum of
   |v_k| over every voter and every ordered pair of positions (Scholz's normalisation).
3. Expected utility of i challenging j, seen with risk exponent r:
   s_j (P U^s + (1 − P) U^f) + (1 − s_j) U^s − Q U^sq, with U^s, U^f = 2 − 4(½ ∓ ½|x_i − x_j|/R)^r
   and U^sq = 2 − 4·½^r (Q = 1, so the T term vanishes).
4. Offers, from i's view of each rival j: both expected utilities positive and j's larger — i
   loses a confrontation and moves to x_j; j's positive and larger than i's loss — i
   compromises to x_i + (x_j − x_i)|E_ij/E_ji|; j's positive but smaller than i's loss — i
   capitulates to x_j (optional). Each actor takes one offer (confrontations first, then
   compromises, then capitulations) and all move at once.
5. Repeat until no position moves, or until the forecast — the weighted median, the Condorcet
   winner of risk-neutral pairwise votes — shifts by at most ``shift_stop`` of the position
   range in a round (Bueno de Mesquita 2002: bargaining ends when the predicted shift is small
   given the players' time discount), or at the round cap.

The predicted outcome is the weighted median at the last round (``outcome="mean"`` gives the
capability × salience weighted mean instead). The kernel is compiled with Numba and runs
batches of 256 games or more in parallel; each game is sequential, so results do not depend on
the thread count.
Interpretive choices are recorded in docs/decisions.md.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numba import njit, prange
from pydantic import Field, PositiveInt

from detente.engines.base import EngineInput, EngineResult, EngineSpec
from detente.engines.compromise import check_input
from detente.errors import InputError
from detente.options import Options
from detente.spatial import weighted_mean

VERSION = "1.0"
DEFAULTS: dict[str, Any] = {
    "max_rounds": 100,
    "shift_stop": 0.05,
    "tolerance": 1e-9,
    "q": 1.0,
    "capitulation": False,
    "compromise_choice": "scholz",
    "outcome": "median",
}
COMPROMISE_CHOICES = ("scholz", "least_move")
OUTCOMES = ("median", "mean")


def check_options(options: dict[str, Any]) -> dict[str, Any]:
    """Merge options with the defaults; unknown names or values fail with a clear message."""
    unknown = set(options) - set(DEFAULTS)
    if unknown:
        raise InputError(f"unknown bdm option(s): {', '.join(sorted(unknown))}", field="params")
    params = {**DEFAULTS, **options}
    if int(params["max_rounds"]) < 1:
        raise InputError("max_rounds must be at least 1", field="max_rounds")
    if params["compromise_choice"] not in COMPROMISE_CHOICES:
        raise InputError(f"compromise_choice must be one of {COMPROMISE_CHOICES}", field="params")
    stop = params["shift_stop"]
    if stop is not None and not 0 <= float(stop) < 1:
        raise InputError("shift_stop must be in [0, 1) or None", field="shift_stop")
    if params["outcome"] not in OUTCOMES:
        raise InputError(f"outcome must be one of {OUTCOMES}", field="params")
    return params


@njit(cache=True)
def pairwise_spread(d, present, order, start, voters):
    """Σ_{a<b} |d_a − d_b| over present actors, where d is V-shaped along ``order`` with its
    minimum at index ``start`` (a voter's distances to positions sorted by place): merging the
    two monotone halves sorts d in O(A), and Σ_m d_(m) (2m − n + 1) gives the sum."""
    n = d.shape[0]
    left, right, m, total = start - 1, start, 0, 0.0
    while left >= 0 or right < n:
        if right >= n or (left >= 0 and d[order[left]] <= d[order[right]]):
            a = order[left]
            left -= 1
        else:
            a = order[right]
            right += 1
        if present[a]:
            total += d[a] * (2.0 * m - voters + 1.0)
            m += 1
    return total


@njit(cache=True)
def win_probability(x, weight, present, order, rank, dist, prefix, prob):
    """P[i, j] that x_i beats x_j in one game (Scholz et al. 2011, eqs. 1–3), written into
    ``prob``. ``dist[k, a]`` is (|x_k − x_a|/R)^r_k, so voter k's vote for x_i over x_j is
    c_k s_k (dist[k, j] − dist[k, i]); P is the sum of the positive votes over the sum of
    |votes| of every voter on every ordered pair of positions (Scholz's normalisation); 0 when
    x_i = x_j. In one dimension the voters who prefer x_i lie on x_i's side of the midpoint,
    so with voters sorted by position (``order``, ``rank``) each pair's support is a
    difference of prefix sums: O(A²) per game instead of O(A³)."""
    n = x.shape[0]
    voters = 0
    for a in range(n):
        voters += present[a]
    denominator = 0.0
    for k in range(n):
        if weight[k] > 0:
            denominator += (
                2.0 * weight[k] * pairwise_spread(dist[k], present, order, rank[k], voters)
            )
    prob[:, :] = 0.0
    if denominator <= 0:
        return
    prefix[0, :] = 0.0
    for m in range(n):
        k = order[m]
        for a in range(n):
            prefix[m + 1, a] = prefix[m, a] + weight[k] * dist[k, a]
    for p in range(n):
        i = order[p]
        if not present[i]:
            continue
        cut = 0
        for q in range(p + 1, n):
            j = order[q]
            if not present[j] or x[i] == x[j]:
                continue
            mid = 0.5 * (x[i] + x[j])
            while cut < n and x[order[cut]] < mid:
                cut += 1
            below = prefix[cut, j] - prefix[cut, i]
            above = (prefix[n, i] - prefix[cut, i]) - (prefix[n, j] - prefix[cut, j])
            prob[i, j] = max(below, 0.0) / denominator
            prob[j, i] = max(above, 0.0) / denominator


@njit(cache=True)
def expected_challenge(prob, resist, success, failure, status_quo, q):
    """E(U_ij) = s_j (P U^s + (1 − P) U^f) + (1 − s_j) U^s − Q U^sq (Scholz eq. 7, T = 1)."""
    return (
        resist * (prob * success + (1 - prob) * failure) + (1 - resist) * success - q * status_quo
    )


@njit(cache=True)
def risk_exponents(x, salience, present, delta, prob, q, r):
    """r_i into ``r`` from each actor's danger (others' expected gains from challenging it,
    with ``prob`` from risk-neutral votes, so U^s = 2δ, U^f = −2δ, U^sq = 0), rescaled to
    R_i ∈ [−1, 1] across actors; r_i = (1 − R_i/3)/(1 + R_i/3) (Scholz eqs. 8–9). When every
    danger is equal everyone stays risk-neutral."""
    n = x.shape[0]
    high, low = -np.inf, np.inf
    for i in range(n):
        r[i] = 0.0
        if not present[i]:
            continue
        for o in range(n):
            if o != i and present[o]:
                d = delta[o, i]
                r[i] += expected_challenge(prob[o, i], salience[i], 2 * d, -2 * d, 0.0, q)
        high = max(high, r[i])
        low = min(low, r[i])
    for i in range(n):
        scaled = (2 * r[i] - high - low) / (high - low) if high > low else 0.0
        r[i] = (1 - scaled / 3) / (1 + scaled / 3)


@njit(cache=True)
def best_offers(x, salience, present, delta, prob, r, q, capitulation, scholz_key, new):
    """Each actor's new position into ``new``, from its own view (its own risk exponent r_i,
    win probabilities ``prob`` from risk-weighted votes) of every rival j: both expected
    utilities positive and j's larger — i loses a confrontation and moves to x_j; j's positive
    and larger than i's loss — i compromises to x_i + (x_j − x_i)|E_ij/E_ji|; j's positive
    but smaller than i's loss — i capitulates to x_j (only with ``capitulation``).
    Confrontations beat compromises beat capitulations; within a kind the least move wins,
    except that Scholz's code ranks compromises by the |E|-weighted mean of the two positions
    (``scholz_key``); ties go to the first actor."""
    n = x.shape[0]
    log_half = np.log(0.5)
    for i in range(n):
        new[i] = x[i]
        best_kind, best_key = 0, np.inf
        status_quo = 2.0 - 4.0 * np.exp(r[i] * log_half)
        for j in range(n):
            if i == j or not present[i] or not present[j] or x[i] == x[j]:
                continue
            success = 2.0 - 4.0 * np.exp(r[i] * np.log(0.5 - 0.5 * delta[i, j]))
            failure = 2.0 - 4.0 * np.exp(r[i] * np.log(0.5 + 0.5 * delta[i, j]))
            mine = expected_challenge(prob[i, j], salience[j], success, failure, status_quo, q)
            theirs = expected_challenge(prob[j, i], salience[i], success, failure, status_quo, q)
            code, position, key = 0, x[i], np.inf
            if theirs > mine > 0:
                code, position, key = 1, x[j], abs(x[j] - x[i])
            elif theirs > 0 > mine and theirs > -mine:
                position = x[i] + (x[j] - x[i]) * (-mine / theirs)
                key = abs(position - x[i])
                if scholz_key:
                    key = (-mine * x[i] + theirs * x[j]) / (theirs - mine)
                code = 2
            elif capitulation and theirs > 0 > mine and theirs < -mine:
                code, position, key = 3, x[j], abs(x[j] - x[i])
            if code == 0:
                continue
            if best_kind == 0 or code < best_kind or (code == best_kind and key < best_key):
                best_kind, new[i], best_key = code, position, key


@njit(cache=True)
def median_position(x, weight, present):
    """The Condorcet winner among the positions under risk-neutral votes: the present
    position with the least weighted L1 distance to all; exact ties (an even split) give the
    mean of the tied positions, so the answer does not depend on the order of the actors."""
    n = x.shape[0]
    cost = np.full(n, np.inf)
    for a in range(n):
        if present[a]:
            cost[a] = 0.0
            for k in range(n):
                cost[a] += weight[k] * abs(x[k] - x[a])
    least = cost.min()
    total, count = 0.0, 0
    for a in range(n):
        if cost[a] <= least + 1e-12 * abs(least):
            total += x[a]
            count += 1
    return total / count


@njit(cache=True)
def weighted_median(x, weight):
    """The Condorcet winner of every game (row): (G, A) positions and weights → (G,)."""
    out = np.empty(x.shape[0])
    for g in range(x.shape[0]):
        out[g] = median_position(x[g], weight[g], weight[g] > 0)
    return out


@njit(cache=True)
def play_one(x, weight, salience, present, span, params, history, g, record):
    """Play one game in place on ``x``; returns the rounds in which positions moved. Stops at a
    fixed point, when the forecast median shifts by at most ``shift_stop``·R, or at the cap."""
    max_rounds, tolerance, q, capitulation, scholz_key, shift_stop = params
    n = x.shape[0]
    delta, dist = np.empty((n, n)), np.empty((n, n))
    prob, prefix = np.empty((n, n)), np.empty((n + 1, n))
    rank, r, new = np.empty(n, dtype=np.int64), np.empty(n), np.empty(n)
    median = median_position(x, weight, present)
    rounds = 0
    for t in range(int(max_rounds)):
        order = np.argsort(x)
        for m in range(n):
            rank[order[m]] = m
        for a in range(n):
            for b in range(n):
                delta[a, b] = abs(x[a] - x[b]) / span
        win_probability(x, weight, present, order, rank, delta, prefix, prob)
        risk_exponents(x, salience, present, delta, prob, q, r)
        for k in range(n):
            for a in range(n):
                dist[k, a] = np.exp(r[k] * np.log(delta[k, a])) if delta[k, a] > 0 else 0.0
        win_probability(x, weight, present, order, rank, dist, prefix, prob)
        best_offers(x, salience, present, delta, prob, r, q, capitulation, scholz_key, new)
        if np.abs(new - x).max() <= tolerance * span:
            break
        x[:] = new
        rounds = t + 1
        if record:
            history[t + 1, g] = x
        shifted = median_position(x, weight, present)
        if shift_stop >= 0 and abs(shifted - median) <= shift_stop * span:
            break
        median = shifted
    return rounds


@njit(cache=True)
def play_game(g, x0, capability, salience, params, record, history, rounds):
    """Game g (row g) from its initial positions: writes its positions per round (or only the
    last) into ``history`` and the rounds it played into ``rounds``."""
    n = x0.shape[1]
    x = x0[g].copy()
    weight = capability[g] * salience[g]
    present = weight > 0
    low, high, count = np.inf, -np.inf, 0
    for a in range(n):
        if present[a]:
            low, high, count = min(low, x[a]), max(high, x[a]), count + 1
    history[0, g] = x
    if high > low and count > 1:
        rounds[g] = play_one(
            x, weight, salience[g], present, high - low, params, history, g, record
        )
    for t in range(rounds[g] + 1 if record else 0, history.shape[0]):
        history[t, g] = x


@njit(cache=True, parallel=True)
def play_parallel(x0, capability, salience, params, record, history, rounds):
    """Every game on every core; each game is sequential, so the thread count changes nothing."""
    for g in prange(x0.shape[0]):
        play_game(g, x0, capability, salience, params, record, history, rounds)


@njit(cache=True)
def play_serial(x0, capability, salience, params, record, history, rounds):
    """Every game on this thread: small batches, where waking the thread pool costs more."""
    for g in range(x0.shape[0]):
        play_game(g, x0, capability, salience, params, record, history, rounds)


PARALLEL_FROM = 256
"""Batches of at least this many games run in parallel."""


def play_games(x0, capability, salience, params, record):
    """Run every game (row): positions (G, A), capability (G, A), salience on [0, 1] (G, A),
    ``params`` = (max_rounds, tolerance, q, capitulation, scholz_key, shift_stop). Returns the
    positions per round (max_rounds + 1, G, A) — only the last when ``record`` is false — and
    the rounds each game played (G,)."""
    games, n = x0.shape
    history = np.empty((int(params[0]) + 1 if record else 1, games, n))
    rounds = np.zeros(games, dtype=np.int64)
    play = play_parallel if games >= PARALLEL_FROM else play_serial
    play(x0, capability, salience, params, record, history, rounds)
    return history, rounds


def run(
    inp: EngineInput,
    rng: np.random.Generator | None = None,
    record_trajectory: bool = True,
    **options: Any,
) -> EngineResult:
    """Batched BDM/Scholz model: every (draw, issue) is one game; deterministic."""
    check_input(inp)
    params = check_options(options)
    draws, actors, dims = inp.shape
    if actors < 2:
        raise InputError("the challenge model needs at least two actors", field="actors")
    fold = (draws * dims, actors)
    x0 = inp.position.transpose(0, 2, 1).reshape(fold)
    salience = inp.salience.transpose(0, 2, 1).reshape(fold) / 100.0
    capability = np.repeat(inp.capability, dims, axis=0)
    weight = capability * salience
    if (weight.sum(axis=1) <= 0).any():
        raise InputError("total capability × salience is zero on some issue", field="salience")
    kernel_params = (
        float(params["max_rounds"]),
        float(params["tolerance"]),
        float(params["q"]),
        float(params["capitulation"]),
        float(params["compromise_choice"] == "scholz"),
        -1.0 if params["shift_stop"] is None else float(params["shift_stop"]),
    )
    history, rounds = play_games(x0, capability, salience, kernel_params, record_trajectory)
    final = history[-1]
    if params["outcome"] == "median":
        outcome = weighted_median(final, weight)
    else:
        outcome = weighted_mean(final, weight)
    trajectory = None
    if record_trajectory:
        depth = int(rounds.max()) + 1  # every game has stopped moving after this
        trajectory = history[:depth].reshape(depth, draws, dims, actors).transpose(0, 1, 3, 2)
    return EngineResult(
        engine="bdm",
        version=VERSION,
        params=params,
        outcome=outcome.reshape(draws, dims),
        rounds=rounds.reshape(draws, dims).max(axis=1),
        trajectory=trajectory,
    )


class BdmOptions(Options):
    """Options of the BDM engine (defaults: :data:`DEFAULTS`)."""

    max_rounds: PositiveInt = Field(DEFAULTS["max_rounds"], description="round cap")
    shift_stop: float | None = Field(
        DEFAULTS["shift_stop"], ge=0.0, lt=1.0, description="stop when the median shifts less"
    )
    tolerance: float = Field(DEFAULTS["tolerance"], gt=0.0, description="fixed-point tolerance")
    q: float = Field(DEFAULTS["q"], description="probability the target does not resist")
    capitulation: bool = Field(DEFAULTS["capitulation"], description="allow capitulations")
    compromise_choice: Literal["scholz", "least_move"] = Field(
        DEFAULTS["compromise_choice"], description="which compromise an actor takes"
    )
    outcome: Literal["median", "mean"] = Field(
        DEFAULTS["outcome"], description="forecast: weighted median or mean of final positions"
    )


SPEC = EngineSpec(
    name="bdm",
    options=BdmOptions,
    version=VERSION,
    run=run,
    multidimensional=False,
    stochastic=False,
    needs_status_quo=False,
    summary="Bueno de Mesquita challenge model (Scholz et al. 2011), one issue at a time",
)


__all__ = [
    "COMPROMISE_CHOICES",
    "DEFAULTS",
    "OUTCOMES",
    "PARALLEL_FROM",
    "SPEC",
    "VERSION",
    "BdmOptions",
    "best_offers",
    "check_options",
    "expected_challenge",
    "median_position",
    "pairwise_spread",
    "play_game",
    "play_games",
    "play_one",
    "play_parallel",
    "play_serial",
    "risk_exponents",
    "run",
    "weighted_median",
    "win_probability",
]
