"""Stokman's exchange model of voting positions, equal-gain variant.

Stokman & Van Oosten (1994), "The exchange of voting positions: an object-oriented model of
policy networks", in Bueno de Mesquita & Stokman (eds), *European Community Decision Making:
Models, Applications, and Comparisons*, Yale University Press, 105–127; applied to EU
legislation in Arregui, Stokman & Thomson (2006), "Compromise, exchange and challenge in the
European Union", in Thomson, Stokman, Achen & König (eds), *The European Union Decides*,
Cambridge University Press.

Actors trade support across issues. The expected outcome of issue k is the compromise
O_k = Σ_a c_a s_ak x_ak / Σ_a c_a s_ak. Actors i and j can exchange on issues p and q when i
cares relatively more about p and j about q (s_ip s_jq > s_jp s_iq) and they stand on opposite
sides of the expected outcome on both issues. Then j moves on p toward i, shifting O_p toward
i by ΔO_p = c_j s_jp |Δx_jp| / W_p, and i moves on q toward j, shifting O_q by ΔO_q. Under
equal gain both gain the same, s_ip ΔO_p − s_iq ΔO_q = s_jq ΔO_q − s_jp ΔO_p, so
ΔO_q = ΔO_p (s_ip + s_jp)/(s_iq + s_jq); the exchange is as large as it can be with neither
actor moving past the other's position.

Each round every possible exchange is evaluated against the round's starting positions; the
exchange with the largest gain is realised, every other exchange that would use an actor on an
issue it has already traded is dropped, and so on until none is left. The positions after the
round start the next one (``max_rounds``; 1 is the published one-shot model). The forecast is
the compromise of the final positions. Ties between equal gains go to the first actor and issue
in input order. Interpretive choices: docs/decisions.md ("Exchange model").
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, PositiveInt

from detente.engines.base import EngineInput, EngineResult, EngineSpec
from detente.engines.compromise import check_input, compromise_point
from detente.errors import InputError
from detente.options import Options

VERSION = "1.0"
CHUNK_ELEMENTS = 2_000_000
"""Candidate exchanges (draws × actors² × issues²) evaluated at once."""


class ExchangeOptions(Options):
    """Options of the exchange engine."""

    max_rounds: PositiveInt = Field(
        1, description="rounds of exchange; positions after a round start the next"
    )


def candidate_gains(x: np.ndarray, s: np.ndarray, c: np.ndarray):
    """Every exchange (i, j, p, q) — i gets its way on p, j on q — as arrays (D, A, A, K, K):
    its equal gain (0 where impossible; on the 0–100 scale, saliences as shares of 100) and the
    outcome shifts ΔO_p and ΔO_q; and the compromise weights W (D, K)."""
    w = c[:, :, None] * s
    total = w.sum(axis=1)
    outcome = (w * x).sum(axis=1) / total
    side = np.sign(x - outcome[:, None, :])
    s_ip, s_iq = s[:, :, None, :, None], s[:, :, None, None, :]
    s_jp, s_jq = s[:, None, :, :, None], s[:, None, :, None, :]
    opposite = side[:, :, None, :] * side[:, None, :, :] < 0  # (D, i, j, k)
    valid = (
        opposite[:, :, :, :, None]
        & opposite[:, :, :, None, :]
        & (s_ip * s_jq > s_jp * s_iq)
        & (w[:, :, None, None, :] > 0)  # i can move on q
        & (w[:, None, :, :, None] > 0)  # j can move on p
        & (s_ip > 0)
        & (s_jq > 0)
    )
    ratio = (s_ip + s_jp) / np.where(s_iq + s_jq > 0, s_iq + s_jq, 1.0)
    gap_p = np.abs(x[:, :, None, :] - x[:, None, :, :])  # |x_ip − x_jp| (D, i, j, k)
    full_p = w[:, None, :, :, None] * gap_p[:, :, :, :, None] / total[:, None, None, :, None]
    full_q = w[:, :, None, None, :] * gap_p[:, :, :, None, :] / total[:, None, None, None, :]
    d_p = np.minimum(full_p, full_q / np.where(ratio > 0, ratio, np.inf))
    d_q = d_p * ratio
    gain = np.where(valid, s_ip * d_p - s_iq * d_q, 0.0) / 100.0  # salience share × points
    return np.maximum(gain, 0.0), d_p, d_q, total


def exchange_round(x: np.ndarray, s: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One round of exchanges on every draw: the new positions (D, A, K) and how many
    exchanges each draw realised (D,)."""
    d, a, k = x.shape
    gain, d_p, d_q, total = candidate_gains(x, s, c)
    w = c[:, :, None] * s
    new = x.copy()
    count = np.zeros(d, dtype=np.int64)
    rows = np.arange(d)
    while True:
        flat_gain = gain.reshape(d, -1)
        best = np.argmax(flat_gain, axis=1)
        live = flat_gain[rows, best] > 0
        if not live.any():
            return new, count
        r = rows[live]
        i, j, p, q = np.unravel_index(best[live], (a, a, k, k))
        flat = (r, i, j, p, q)
        move_j = d_p[flat] * total[r, p] / w[r, j, p]
        move_i = d_q[flat] * total[r, q] / w[r, i, q]
        new[r, j, p] += np.sign(x[r, i, p] - x[r, j, p]) * move_j
        new[r, i, q] += np.sign(x[r, j, q] - x[r, i, q]) * move_i
        count[r] += 1
        for actor, issue in ((i, p), (i, q), (j, p), (j, q)):
            # Drop every exchange that would use this actor on this issue again.
            gain[r, actor, :, issue, :] = 0.0
            gain[r, actor, :, :, issue] = 0.0
            gain[r, :, actor, issue, :] = 0.0
            gain[r, :, actor, :, issue] = 0.0


def _chunks(draws: int, actors: int, dims: int) -> list[slice]:
    size = max(1, CHUNK_ELEMENTS // max(1, actors * actors * dims * dims))
    return [slice(start, start + size) for start in range(0, draws, size)]


def run(
    inp: EngineInput,
    rng: np.random.Generator | None = None,
    record_trajectory: bool = True,
    max_rounds: int = 1,
) -> EngineResult:
    """Equal-gain exchange on every draw; deterministic (``rng`` is not used)."""
    check_input(inp)
    compromise_point(inp)  # every issue needs some capability × salience
    if max_rounds < 1:
        raise InputError("max_rounds must be at least 1", field="max_rounds")
    x = np.asarray(inp.position, dtype=float)
    s, c = np.asarray(inp.salience, dtype=float), np.asarray(inp.capability, dtype=float)
    states = [x]
    rounds = np.zeros(x.shape[0], dtype=np.int64)
    for _ in range(max_rounds):
        current = states[-1]
        new = current.copy()
        moved = np.zeros(x.shape[0], dtype=bool)
        for part in _chunks(*x.shape):
            new[part], count = exchange_round(current[part], s[part], c[part])
            moved[part] = count > 0
        rounds += moved
        states.append(new)
        if not moved.any():
            break
    final = EngineInput(states[-1], s, c)
    trajectory = np.stack(states) if record_trajectory else None
    return EngineResult(
        engine="exchange",
        version=VERSION,
        params={"max_rounds": max_rounds, "rate": "equal gain"},
        outcome=compromise_point(final),
        rounds=rounds,
        trajectory=trajectory,
    )


SPEC = EngineSpec(
    name="exchange",
    version=VERSION,
    run=run,
    multidimensional=True,
    stochastic=False,
    needs_status_quo=False,
    summary="Stokman's exchange of voting positions across issues (equal gain), then the "
    "compromise of the new positions",
    options=ExchangeOptions,
)

__all__ = [
    "SPEC",
    "VERSION",
    "ExchangeOptions",
    "candidate_gains",
    "exchange_round",
    "run",
]
