"""From a war model to what the engines and protocols need: the bridge between Fearon's unit
stake and the 0–100 issue scales.

A war is a lottery: each belligerent wins and imposes its ideal point on every issue with its win
probability (Fearon 1995's p, here a contest-success function of capabilities). Hence

- the disagreement point for the engines is the lottery's mean on each issue,
  d_k = Σ_b p_b · ideal_{b,k} (0–100), and
- each party's reservation utility for the protocols is the lottery's expected utility under
  the party's linear-loss utility u_i(x) = 1 − Σ_k w_ik |x_k − ideal_ik| / 100, minus its cost of
  war c_i: r_i = Σ_b p_b u_i(ideal_b) − c_i. Costs are shares of the stake, the stake being the
  whole [0, 1] utility scale (docs/decisions.md, ## Conflict and durability).

For a belligerent the expected utility of the lottery equals the utility of the mean point
(the mean lies between the two ideals, where linear loss is linear); for a third party it is at
most that (Jensen). Every function is pure and broadcasts over leading (draws) axes.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from detente.conflict import _checks as check
from detente.errors import InputError


class WarOutside(NamedTuple):
    """The war as the parties' outside option."""

    disagreement: np.ndarray  # (..., issues): expected war outcome on the 0–100 scales
    reservation: np.ndarray  # (..., parties): expected utility of war minus cost
    win_probability: np.ndarray  # (..., belligerents)


def win_probabilities(capability, decisiveness=1.0) -> np.ndarray:
    """Each side's probability of winning, from capabilities along the last axis.

    The ratio-form contest success function (Tullock 1980; Hirshleifer 1989):
    p_i = c_i^m / Σ_j c_j^m. ``decisiveness`` m = 1 gives capability shares; larger m makes the
    stronger side likelier to win. Sides with no capability at all split evenly.
    """
    c = check.non_negative(capability, "capability")
    m = check.non_negative(decisiveness, "decisiveness")
    powered = np.where(c > 0, np.power(c, np.expand_dims(m, -1)), 0.0)
    total = powered.sum(axis=-1, keepdims=True)
    even = np.full_like(powered, 1.0 / powered.shape[-1])
    return np.where(total > 0, powered / np.where(total > 0, total, 1.0), even)


def expected_war_outcome(belligerent_ideal, win_probability) -> np.ndarray:
    """The disagreement point: the war lottery's mean on every issue, Σ_b p_b · ideal_b.

    ``belligerent_ideal`` (..., belligerents, issues) on 0–100, ``win_probability``
    (..., belligerents) summing to one → (..., issues).
    """
    ideal = _scale_0_100(belligerent_ideal, "belligerent_ideal")
    p = _lottery(win_probability)
    return (p[..., :, None] * ideal).sum(axis=-2)


def salience_weights(salience) -> np.ndarray:
    """Per-party issue weights summing to one (equal weights where all saliences are zero)."""
    s = check.non_negative(salience, "salience")
    total = s.sum(axis=-1, keepdims=True)
    return np.where(total > 0, s / np.where(total > 0, total, 1.0), 1.0 / s.shape[-1])


def war_utility(ideal, weights, belligerent_ideal, win_probability) -> np.ndarray:
    """Each party's expected utility of the war lottery, Σ_b p_b u_i(ideal_b), with linear-loss
    utility u_i(x) = 1 − Σ_k w_ik |x_k − ideal_ik| / 100.

    ``ideal``, ``weights`` (..., parties, issues); ``belligerent_ideal`` (..., belligerents,
    issues); ``win_probability`` (..., belligerents) → (..., parties).
    """
    ideal = _scale_0_100(ideal, "ideal")
    winners = _scale_0_100(belligerent_ideal, "belligerent_ideal")
    w = check.non_negative(weights, "weights")
    p = _lottery(win_probability)
    gap = np.abs(winners[..., None, :, :] - ideal[..., :, None, :])  # (..., parties, b, issues)
    utility_if_b_wins = 1.0 - (w[..., :, None, :] * gap).sum(axis=-1) / 100.0
    return (p[..., None, :] * utility_if_b_wins).sum(axis=-1)


def war_outside_options(
    ideal, salience, capability, cost, belligerents: tuple[int, int], decisiveness=1.0
) -> WarOutside:
    """The war as everyone's outside option, per draw.

    ``ideal``, ``salience`` (..., parties, issues) on 0–100; ``capability`` and ``cost``
    (..., parties), the cost of fighting on as a share of the stake (0 for parties that do not
    fight); ``belligerents`` the two fighting parties' indices on the parties axis. Win
    probabilities come from the belligerents' capabilities (:func:`win_probabilities`).
    """
    ideal = _scale_0_100(ideal, "ideal")
    n_parties = ideal.shape[-2]
    if len(set(belligerents)) != len(belligerents) or not all(
        0 <= b < n_parties for b in belligerents
    ):
        raise InputError(f"belligerents must be distinct party indices, got {belligerents}")
    b = list(belligerents)
    c = check.non_negative(cost, "cost")
    p = win_probabilities(check.non_negative(capability, "capability")[..., b], decisiveness)
    winners = ideal[..., b, :]
    reservation = war_utility(ideal, salience_weights(salience), winners, p) - c
    return WarOutside(expected_war_outcome(winners, p), reservation, p)


def _scale_0_100(value, name: str) -> np.ndarray:
    x = check.as_float(value, name)
    bad = ~((x >= 0.0) & (x <= 100.0))
    if bad.any():
        raise InputError("positions must lie on the 0–100 scale", field=name)
    return x


def _lottery(win_probability) -> np.ndarray:
    p = check.probability(win_probability, "win_probability")
    if not np.allclose(p.sum(axis=-1), 1.0, atol=1e-9):
        raise InputError("win probabilities must sum to one", field="win_probability")
    return p
