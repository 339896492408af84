"""KTAB's Spatial Model of Politics (SMP) with probabilistic Condorcet elections.

A re-implementation, batched over draws, of the SMP in the KAPSARC Toolkit for Behavioral
Analysis (KTAB, MIT licence; Wise, Lester et al.; ``examples/smp/libsrc/smp.cpp``,
``smpbcn.cpp`` and ``KTAB/kmodel/libsrc/kmodel.cpp``) with KTAB's default parameters: linear
victory probabilities, proportional voting, conditional PCE, "Mid" risk range, "one third" risk
adjustment, semi-committed third parties, S2P2 bargains proposed by the initiator only.

Each turn, on positions and saliences scaled to [0, 1]:

1. Salience-weighted distance d_ij = sqrt(Σ_k (s_ik Δ_k)² / Σ_k s_ik²); utility
   u = (1 − d)(1 + d R). Risk attitudes R_i = (3 p_i − (p_max + 2 p_min)) / (2 (p_max − p_min))
   come from the PCE over actors' positions with risk-neutral utilities; h's estimate of i's
   attitude is (2 R_h + R_i) / 3.
2. Every actor i weighs challenging each j (expected gain with third parties voting in little
   contests) and targets the j of largest gain above 1e-5. The bargain interpolates both
   positions per dimension with weights s² p², rounded to 4 decimals.
3. Each actor's queue (status quo, its own bargain, bargains aimed at it) is decided by a
   capability-weighted PCE over the utility of the state each bargain produces; the argmax
   (default) or a draw from those probabilities gives its new position.
4. Stop when turn ≥ 100, or turn ≥ 2 and Σ_i ‖x_i(t) − x_i(t−1)‖ < 0.02 (Σ_i ‖x_i(1) − x_i(0)‖
   + 1e-4).

On the final state the PCE over distinct positions (positions within 0.1 on the 0–100 scale
count as one) gives each actor's probability of its position winning, as KTAB reports it
(``extras["probability"]``). KTAB forms the groups greedily in input order and represents each by
its first actor's position, so those figures can depend on actor order when positions nearly
coincide; the outcome therefore uses an order-free version (connected groups at their members'
mean, ``extras["outcome_probability"]``): outcome = Σ_g p_g x_g, identical to KTAB's
probabilities whenever equivalent positions coincide exactly.

Degenerate inputs: a draw whose actors all hold one distinct position (one actor, or everyone
agreeing) is settled at turn 0 with that position as outcome; a draw where nobody moves stops at
turn 2, as KTAB's stopping rule does. KTAB itself requires at least 3 actors and saliences
summing to at most 100 per actor; here fewer actors work and larger saliences are scaled down.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, PositiveInt

from detente.engines.base import EngineInput, EngineResult, EngineSpec
from detente.engines.compromise import check_input
from detente.errors import InputError
from detente.options import Options

VERSION = "1.0"
MAX_ROUNDS = 100  # KTAB configExec: maxIter
MIN_ROUNDS = 2  # minIter
QUIET_RATIO = 0.02  # minDeltaRatio
FIRST_STEP_FLOOR = 1e-4  # minSigDelta
POSITION_TOLERANCE = 1e-3  # SMPModel::posTol, Euclidean on [0, 1]
MIN_COALITION = 1e-8  # Model::coalitions
MIN_CHALLENGE_COALITION = 1e-10  # SMPState::probEduChlg
MIN_GAIN = 1e-5  # SMPState::bestChallenge
MIN_BARGAIN_WEIGHT = 1e-6  # SMPActor::interpBrgnSnPm
CHUNK_ELEMENTS = 1_000_000  # draws × actors³ per batch, to bound memory
TRANSITIONS = ("deterministic", "stochastic")


def scaled_inputs(inp: EngineInput) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions and saliences on [0, 1] (KTAB divides by 100); an actor whose saliences add up
    to more than 100 is scaled down to 100, KTAB's limit. Capabilities are used as given."""
    salience = inp.salience / 100.0
    total = salience.sum(axis=2, keepdims=True)
    salience = salience / np.maximum(total, 1.0)
    return inp.position / 100.0, salience, inp.capability


def weighted_distance(x: np.ndarray, s: np.ndarray, p: np.ndarray) -> np.ndarray:
    """d[b, a, m] = sqrt(Σ_k (s_ak (x_ak − p_mk))² / Σ_k s_ak²): distance from actor a's ideal
    to position m weighted by a's saliences (SMPModel::bvDiff); 0 for an actor with no salience
    at all."""
    gap = s[:, :, None, :] * (x[:, :, None, :] - p[:, None, :, :])
    norm = (s**2).sum(axis=2)[:, :, None]
    return np.sqrt((gap**2).sum(axis=3) / np.where(norm > 0, norm, 1.0))


def utility(d: np.ndarray, risk: np.ndarray) -> np.ndarray:
    """(1 − d)(1 + d R), with d capped at 1 in the second factor (SMPModel::bsUtil)."""
    return (1.0 - d) * (1.0 + np.minimum(d, 1.0) * risk)


def coalitions(u: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """C[b, m, n] = 1e-8 + Σ_a w_a max(0, u_am − u_an): proportional votes of voters ``a`` with
    utilities u (draws, voters, options) (Model::coalitions)."""
    c = np.full((u.shape[0], u.shape[2], u.shape[2]), MIN_COALITION)
    for a in range(u.shape[1]):
        diff = u[:, a, :, None] - u[:, a, None, :]
        c += weight[:, a, None, None] * np.maximum(diff, 0.0)
    return c


def victory(c: np.ndarray) -> np.ndarray:
    """Linear victory probabilities P[m > n] = C_mn / (C_mn + C_nm) (Model::vProb)."""
    return c / (c + np.swapaxes(c, 1, 2))


def condorcet(p_win: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Conditional PCE over the options in ``mask``: p_m ∝ Π_n P[m > n] (Model::condPCE),
    computed as a masked softmax of summed logs. p_win (draws, M, M); mask (draws, K, M) gives
    K separate option sets → (draws, K, M), zero outside each set."""
    score = np.einsum("bmn,bkn->bkm", np.log(p_win), mask.astype(float))
    score = np.where(mask, score, -np.inf)
    weight = np.exp(score - score.max(axis=2, keepdims=True))
    return weight / weight.sum(axis=2, keepdims=True)


def risk_attitudes(p: np.ndarray) -> np.ndarray:
    """R_i = (3 p_i − (p_max + 2 p_min)) / (2 (p_max − p_min)) ∈ [−0.5, 1] (Model::bigRfromProb,
    "Mid"); 0 (risk neutral) for every actor when all probabilities are equal."""
    p_min = p.min(axis=1, keepdims=True)
    p_max = p.max(axis=1, keepdims=True)
    spread = p_max - p_min
    safe = np.where(spread > 1e-12, spread, 1.0)
    return np.where(spread > 1e-12, (3.0 * p - (p_max + 2.0 * p_min)) / (2.0 * safe), 0.0)


def turn_risk(d: np.ndarray, capability: np.ndarray) -> np.ndarray:
    """Risk attitudes from the PCE over all actors' positions with risk-neutral utilities and
    capability-weighted votes (SMPState::setAllAUtil)."""
    u = 1.0 - d
    everyone = np.ones(d.shape[:2], dtype=bool)[:, None, :]
    p = condorcet(victory(coalitions(u, capability)), everyone)[:, 0]
    return risk_attitudes(p)


def estimated_utilities(d: np.ndarray, risk: np.ndarray) -> np.ndarray:
    """A[b, h, i, j]: h's estimate of i's utility for j's position, with i's risk attitude
    estimated as (2 R_h + R_i) / 3 ("one third" adjustment, Model::estNRA)."""
    r = (2.0 * risk[:, :, None] + risk[:, None, :]) / 3.0
    return utility(d[:, None, :, :], r[:, :, :, None])


def challenges(a: np.ndarray, weight: np.ndarray, s_total: np.ndarray):
    """Each actor i's own estimate of challenging each j (SMPState::probEduChlg with
    h = k = i, semi-committed third parties): (P[i beats j], expected gain to i), both
    (draws, i, j). ``weight`` is capability × total salience, ``s_total`` total salience."""
    n = a.shape[1]
    idx = np.arange(n)
    own = a[:, idx, idx, :]  # own[b, i, j] = A[b, i, i, j]
    u_ii = np.diagonal(own, axis1=1, axis2=2)[:, :, None]
    u_ji = a[:, idx[:, None], idx[None, :], idx[:, None]]  # A[b, i, j, i]
    u_jj = np.diagonal(a, axis1=2, axis2=3)  # u_jj[b, i, j] = A[b, i, j, j]
    vote_i = weight[:, :, None] * (u_ii - own)
    vote_j = weight[:, None, :] * (u_ji - u_jj)
    for_i = MIN_CHALLENGE_COALITION + np.maximum(vote_i, 0) + np.maximum(vote_j, 0)
    for_j = MIN_CHALLENGE_COALITION + np.maximum(-vote_i, 0) + np.maximum(-vote_j, 0)
    # third parties n ≠ i, j: axes (b, i, j, n); Actor::vProbLittle, Actor::thirdPartyVoteSU
    u_ni = u_ji[:, :, None, :]  # A[b, i, n, i]
    u_nj = np.ascontiguousarray(np.swapaxes(a, 2, 3))  # A[b, i, n, j] at [b, i, j, n]
    u_nn = u_jj[:, :, None, :]  # A[b, i, n, n]
    outside = (idx[:, None, None] != idx[None, None, :]) & (
        idx[None, :, None] != idx[None, None, :]
    )
    w_n = weight[:, None, None, :] * outside
    little = w_n * (u_ni - u_nj)
    p_in = (for_i[..., None] + np.maximum(little, 0)) / (
        for_i[..., None] + for_j[..., None] + np.abs(little)
    )
    # vote of n: w_n (u(i & n beat j) − u(i beats j & n)), semi-committed
    third = w_n * (p_in * (u_nn - u_ni) + (1 - p_in) * (u_nj - u_nn))
    strength_i = for_i + np.maximum(third, 0).sum(axis=3)
    strength_j = for_j + np.maximum(-third, 0).sum(axis=3)
    p_ij = strength_i / (strength_i + strength_j)
    s_j = s_total[:, None, :]
    win, lose = 2 * u_ii, 2 * own
    gain = (1 - s_j) * win + s_j * (p_ij * win + (1 - p_ij) * lose) - (u_ii + own)
    gain = np.where(idx[:, None] == idx[None, :], -np.inf, gain)
    return p_ij, gain


def round4(x: np.ndarray) -> np.ndarray:
    """KTAB's rounding of bargain coordinates to 4 decimals on [0, 1]."""
    return np.floor(0.5 + x * 10000.0) / 10000.0


def interpolate(x_i, s_i, p_i, x_j, s_j) -> tuple[np.ndarray, np.ndarray]:
    """S2P2 bargain between i and j per dimension, weights s² p² with p_j = 1 − p_i, rounded to
    4 decimals (SMPActor::interpBrgnSnPm) → (i's new position, j's new position)."""
    w_i = s_i**2 * p_i[..., None] ** 2
    w_j = s_j**2 * (1.0 - p_i[..., None]) ** 2
    total = w_i + MIN_BARGAIN_WEIGHT + w_j
    b_i = round4(((w_i + MIN_BARGAIN_WEIGHT) * x_i + w_j * x_j) / total)
    b_j = round4((w_i * x_i + (MIN_BARGAIN_WEIGHT + w_j) * x_j) / total)
    return b_i, b_j


def position_utility(x, s, risk, p) -> np.ndarray:
    """u[b, a, m]: actor a's utility for positions p (draws, M, dims) (SMPActor::posUtil)."""
    return utility(weighted_distance(x, s, p), risk[:, :, None])


def option_utilities(x, s, risk, own, target, b_init, b_rcvr) -> np.ndarray:
    """V[b, a, m]: a's utility for the state after option m, the mean over actors' positions
    (SMPState::updateBestBrgnPositions). Option 0 is the status quo, option 1 + i the bargain
    initiated by i (i and its target move)."""
    n = x.shape[1]
    total = own.sum(axis=2)
    rows = np.arange(x.shape[0])[:, None, None]
    voters = np.arange(n)[None, :, None]
    lost_i = own  # own[b, a, i]: a's utility for i's current position
    lost_j = own[rows, voters, target[:, None, :]]  # own[b, a, target of i]
    gained = position_utility(x, s, risk, b_init) + position_utility(x, s, risk, b_rcvr)
    bargains = (total[:, :, None] - lost_i - lost_j + gained) / n
    return np.concatenate([(total / n)[:, :, None], bargains], axis=2)


def option_sets(target: np.ndarray, has: np.ndarray) -> np.ndarray:
    """mask[b, k, m]: option m is in actor k's queue — the status quo, its own bargain and the
    bargains whose target is k."""
    n = target.shape[1]
    idx = np.arange(n)
    mine = has[:, None, :] & ((idx[:, None] == idx[None, :]) | (target[:, None, :] == idx[:, None]))
    sq = np.ones(target.shape + (1,), dtype=bool)
    return np.concatenate([sq, mine], axis=2)


def choose(p: np.ndarray, transition: str, rng: np.random.Generator | None) -> np.ndarray:
    """Chosen option per actor: the first most likely (KTAB ndxMaxAbs) or a draw from p."""
    if transition == "deterministic":
        return p.argmax(axis=2)
    if rng is None:
        raise ValueError("a stochastic transition needs a random generator")
    u = rng.random(p.shape[:2])[..., None]
    chosen = (np.cumsum(p, axis=2) <= u).sum(axis=2)
    # guard against round-off past the last option with positive probability
    last = p.shape[2] - 1 - np.argmax(p[..., ::-1] > 0, axis=2)
    return np.minimum(chosen, last)


def near_positions(x: np.ndarray) -> np.ndarray:
    """near[b, i, j]: i and j hold equivalent positions, within 1e-3 (Euclidean, on [0, 1];
    SMPModel::posTol, 0.1 on the 0–100 scale)."""
    return np.sqrt(((x[:, :, None, :] - x[:, None, :, :]) ** 2).sum(axis=3)) < POSITION_TOLERANCE


def ktab_groups(near: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """KTAB's distinct positions, greedy in input order (State::setUENdx): ``rep`` (draws,
    actors) marks actors holding a position not equivalent to an earlier representative's;
    ``member`` (draws, actors) is the last representative each actor is equivalent to, whose
    probability KTAB reports for that actor (State::posProb)."""
    b, n = near.shape[:2]
    rep = np.zeros((b, n), dtype=bool)
    for i in range(n):
        rep[:, i] = ~(near[:, i, :i] & rep[:, :i]).any(axis=1)
    member = n - 1 - np.argmax((near & rep[:, None, :])[:, :, ::-1], axis=2)
    return rep, member


def linked_groups(near: np.ndarray) -> np.ndarray:
    """Order-free distinct positions: label[b, i] is the lowest actor index of i's connected
    group of equivalent positions. Same as KTAB's groups unless positions chain."""
    b, n = near.shape[:2]
    label = np.broadcast_to(np.arange(n), (b, n)).copy()
    for _ in range(n):
        linked = np.where(near, label[:, None, :], n).min(axis=2)
        if (linked == label).all():
            break
        label = linked
    return label


def group_pce(x, s, risk, capability, centre, present) -> np.ndarray:
    """PCE over the distinct positions ``centre`` (draws, groups, dims) where ``present``, with
    each actor's own risk-aware utilities and capability-weighted votes (SMPState::pDist(-1))."""
    own = position_utility(x, s, risk, centre)
    return condorcet(victory(coalitions(own, capability)), present[:, None, :])[:, 0]


def reported_probabilities(x, s, risk, capability) -> np.ndarray:
    """Probability that each actor's position wins, as KTAB reports it (draws, actors): KTAB's
    greedy groups, each represented by its first actor's position; actors of a group share it."""
    rep, member = ktab_groups(near_positions(x))
    p = group_pce(x, s, risk, capability, x, rep)
    return np.take_along_axis(p, member, axis=1)


def outcome_probabilities(x, s, risk, capability) -> tuple[np.ndarray, np.ndarray]:
    """Order-free PCE for the outcome: linked groups, each at its members' mean position →
    (probability per actor, shared within a group; Σ_groups p_g centre_g (draws, dims))."""
    label = linked_groups(near_positions(x))
    member = label[:, :, None] == np.arange(x.shape[1])
    count = member.sum(axis=1)
    centre = np.einsum("big,bik->bgk", member, x) / np.maximum(count, 1)[..., None]
    p = group_pce(x, s, risk, capability, centre, count > 0)
    return np.take_along_axis(p, label, axis=1), np.einsum("bg,bgk->bk", p, centre)


def step(x, s, capability, transition, rng) -> np.ndarray:
    """One SMP turn (SMPState::doBCN): challenges, bargains, each actor's PCE over its queue
    → new positions (draws, actors, dims) on [0, 1]."""
    d = weighted_distance(x, s, x)
    risk = turn_risk(d, capability)
    a = estimated_utilities(d, risk)
    idx = np.arange(x.shape[1])
    own = a[:, idx, idx, :]
    s_total = s.sum(axis=2)
    p_ij, gain = challenges(a, capability * s_total, s_total)
    target = gain.argmax(axis=2)
    has = np.take_along_axis(gain, target[..., None], axis=2)[..., 0] > MIN_GAIN
    p_win = np.take_along_axis(p_ij, target[..., None], axis=2)[..., 0]
    rows = np.arange(x.shape[0])[:, None]
    x_j, s_j = x[rows, target], s[rows, target]
    b_init, b_rcvr = interpolate(x, s, p_win, x_j, s_j)
    values = option_utilities(x, s, risk, own, target, b_init, b_rcvr)
    mask = option_sets(target, has)
    p = condorcet(victory(coalitions(values, capability)), mask)
    chosen = choose(p, transition, rng)
    initiator = np.maximum(chosen - 1, 0)
    moved = np.where(
        (initiator == idx[None, :])[..., None],
        b_init[rows, initiator],
        b_rcvr[rows, initiator],
    )
    return np.where((chosen == 0)[..., None], x, moved)


def state_risk(x, s, capability) -> np.ndarray:
    """The risk attitudes of a state (draws, actors)."""
    return turn_risk(weighted_distance(x, s, x), capability)


def state_distance(x1: np.ndarray, x0: np.ndarray) -> np.ndarray:
    """Σ_i ‖x_i(1) − x_i(0)‖ per draw (SMPModel::stateDist)."""
    return np.sqrt(((x1 - x0) ** 2).sum(axis=2)).sum(axis=1)


def simulate(x, s, capability, transition, rng, max_rounds, record):
    """Turns until each draw stops; converged draws are frozen. → (final positions, rounds,
    list of states or None, list of per-state probabilities or None)."""
    b = x.shape[0]
    rounds = np.zeros(b, dtype=np.int64)
    # a draw whose actors already agree (one distinct position) is settled at turn 0
    active = (linked_groups(near_positions(x)) > 0).any(axis=1)
    states = [x.copy()] if record else None
    probs = (
        [reported_probabilities(x, s, state_risk(x, s, capability), capability)] if record else None
    )
    first = np.zeros(b)
    current = x.copy()
    turn = 0
    while active.any() and turn < max_rounds:
        turn += 1
        live = np.flatnonzero(active)
        new = step(current[live], s[live], capability[live], transition, rng)
        moved = state_distance(new, current[live])
        if turn == 1:
            first[live] = moved + FIRST_STEP_FLOOR
        current[live] = new
        rounds[live] = turn
        quiet = (moved / first[live] < QUIET_RATIO) & (turn >= MIN_ROUNDS)
        active[live[quiet | (turn >= max_rounds)]] = False
        if record:
            states.append(current.copy())
            p = probs[-1].copy()
            xs, ss, cs = current[live], s[live], capability[live]
            p[live] = reported_probabilities(xs, ss, state_risk(xs, ss, cs), cs)
            probs.append(p)
    return current, rounds, states, probs


def check_smp_input(inp: EngineInput) -> None:
    """The common checks, at least one actor and dimension, positions on 0–100 (KTAB's scale)."""
    check_input(inp)
    if inp.position.ndim != 3 or 0 in inp.position.shape[1:]:
        raise InputError(
            "expected positions shaped (draws, actors >= 1, dims >= 1)", field="position"
        )
    if (inp.position < 0).any() or (inp.position > 100).any():
        raise InputError("positions must lie on the 0–100 scale", field="position")


def _pad(states: list[np.ndarray], length: int) -> list[np.ndarray]:
    return states + [states[-1]] * (length - len(states))


def run(
    inp: EngineInput,
    rng: np.random.Generator | None = None,
    record_trajectory: bool = True,
    transition: str = "deterministic",
    max_rounds: int = MAX_ROUNDS,
) -> EngineResult:
    """KTAB's SMP on every draw. ``transition``: "deterministic" (each actor takes its most
    likely bargain, KTAB's default) or "stochastic" (drawn from the PCE probabilities with
    ``rng``; a fresh generator when None); ``max_rounds`` caps the turns (KTAB: 100).

    Extras, all on the final state: ``probability`` (draws, actors), the probability of each
    actor's position winning as KTAB reports it (actors holding one position share it);
    ``outcome_probability`` (draws, actors), its order-free version that weighs the outcome;
    ``risk_attitude`` (draws, actors); and with the trajectory ``probability_trajectory``
    (rounds + 1, draws, actors), KTAB's figures for every turn."""
    check_smp_input(inp)
    if transition not in TRANSITIONS:
        raise InputError(f"expected one of {', '.join(TRANSITIONS)}", field="transition")
    if max_rounds < 1:
        raise InputError("max_rounds must be at least 1", field="max_rounds")
    if transition == "stochastic" and rng is None:
        rng = np.random.default_rng()
    present = (inp.capability > 0) & (inp.salience.sum(axis=2) > 0)
    if not present.all():
        return by_present_actors(inp, present, rng, record_trajectory, transition, max_rounds)
    x, s, capability = scaled_inputs(inp)
    draws, actors, _ = x.shape
    chunk = max(1, CHUNK_ELEMENTS // (actors * actors * (actors + 1)))
    parts = [
        simulate(
            x[i : i + chunk],
            s[i : i + chunk],
            capability[i : i + chunk],
            transition,
            rng,
            max_rounds,
            record_trajectory,
        )
        for i in range(0, max(draws, 1), chunk)
    ]
    final = np.concatenate([p[0] for p in parts])
    rounds = np.concatenate([p[1] for p in parts])
    risk = state_risk(final, s, capability)
    weight, outcome = outcome_probabilities(final, s, risk, capability)
    extras = {
        "probability": reported_probabilities(final, s, risk, capability),
        "outcome_probability": weight,
        "risk_attitude": risk,
    }
    trajectory = None
    if record_trajectory:
        length = max(len(p[2]) for p in parts)
        trajectory = 100.0 * np.concatenate([np.stack(_pad(p[2], length)) for p in parts], axis=1)
        trajectory[0] = inp.position  # exactly the input, not a round trip through [0, 1]
        extras["probability_trajectory"] = np.concatenate(
            [np.stack(_pad(p[3], length)) for p in parts], axis=1
        )
    params = {
        "transition": transition,
        "max_rounds": max_rounds,
        "victory": "linear",
        "voting": "proportional",
        "pce": "conditional",
        "risk_range": "mid",
        "risk_adjust": "one third",
        "third_party": "semi-commit",
        "bargain": "S2P2, initiator's interpolation",
        "quiet_ratio": QUIET_RATIO,
    }
    return EngineResult(
        engine="smp",
        version=VERSION,
        params=params,
        outcome=100.0 * outcome,
        rounds=rounds,
        trajectory=trajectory,
        extras=extras,
    )


def by_present_actors(
    inp: EngineInput,
    present: np.ndarray,
    rng: np.random.Generator | None,
    record_trajectory: bool,
    transition: str,
    max_rounds: int,
) -> EngineResult:
    """Run the model only among the actors present in each draw (non-zero capability and some
    salience): an absent actor's position would otherwise stand as a candidate in every
    election. Draws are grouped by who is present; absent actors keep their input position,
    win probability 0 and risk attitude 0."""
    patterns, group = np.unique(present, axis=0, return_inverse=True)
    draws, actors, dims = inp.shape
    outcome, rounds = np.empty((draws, dims)), np.zeros(draws, dtype=np.int64)
    extras: dict[str, np.ndarray] = {key: np.zeros((draws, actors)) for key in PER_ACTOR_EXTRAS}
    parts = []
    for index, pattern in enumerate(patterns):
        rows, cols = np.flatnonzero(group.ravel() == index), np.flatnonzero(pattern)
        sub = EngineInput(
            inp.position[np.ix_(rows, cols)],
            inp.salience[np.ix_(rows, cols)],
            inp.capability[np.ix_(rows, cols)],
        )
        result = run(sub, rng, record_trajectory, transition, max_rounds)
        outcome[rows], rounds[rows] = result.outcome, result.rounds
        for key in PER_ACTOR_EXTRAS:
            extras[key][np.ix_(rows, cols)] = result.extras[key]
        parts.append((rows, cols, result))
    params = parts[0][2].params
    trajectory = None
    if record_trajectory:
        traces = [np.asarray(r.trajectory) for _, _, r in parts]
        length = max(len(t) for t in traces)
        trajectory = np.broadcast_to(inp.position, (length, *inp.shape)).copy()
        probability = np.zeros((length, draws, actors))
        for (rows, cols, r), trace in zip(parts, traces, strict=True):
            cells = (slice(None), rows[:, None], cols[None, :])
            trajectory[cells] = np.stack(_pad(list(trace), length))
            probability[cells] = np.stack(_pad(list(r.extras["probability_trajectory"]), length))
        extras["probability_trajectory"] = probability
    return EngineResult("smp", VERSION, params, outcome, rounds, trajectory, extras)


PER_ACTOR_EXTRAS = ("probability", "outcome_probability", "risk_attitude")


class SmpOptions(Options):
    """Options of the SMP engine."""

    transition: Literal["deterministic", "stochastic"] = Field(
        "deterministic", description="each actor's bargain: most likely, or drawn from PCE"
    )
    max_rounds: PositiveInt = Field(MAX_ROUNDS, description="cap on turns (KTAB: 100)")


SPEC = EngineSpec(
    name="smp",
    options=SmpOptions,
    version=VERSION,
    run=run,
    multidimensional=True,
    stochastic=True,
    needs_status_quo=False,
    summary="KTAB spatial model of politics: challenges, bargains and probabilistic Condorcet "
    "elections, turn by turn",
)


__all__ = [
    "CHUNK_ELEMENTS",
    "FIRST_STEP_FLOOR",
    "MAX_ROUNDS",
    "MIN_BARGAIN_WEIGHT",
    "MIN_CHALLENGE_COALITION",
    "MIN_COALITION",
    "MIN_GAIN",
    "MIN_ROUNDS",
    "PER_ACTOR_EXTRAS",
    "POSITION_TOLERANCE",
    "QUIET_RATIO",
    "SPEC",
    "TRANSITIONS",
    "VERSION",
    "SmpOptions",
    "by_present_actors",
    "challenges",
    "check_smp_input",
    "choose",
    "coalitions",
    "condorcet",
    "estimated_utilities",
    "group_pce",
    "interpolate",
    "ktab_groups",
    "linked_groups",
    "near_positions",
    "option_sets",
    "option_utilities",
    "outcome_probabilities",
    "position_utility",
    "reported_probabilities",
    "risk_attitudes",
    "round4",
    "run",
    "scaled_inputs",
    "simulate",
    "state_distance",
    "state_risk",
    "step",
    "turn_risk",
    "utility",
    "victory",
    "weighted_distance",
]
