"""Efficient offers at an aspiration level, batched.

With linear-additive utilities the proposer loses w_pk/100 per point it concedes on issue k and
the others gain Σ_q w_qk/100 (moving toward the weighted mean of their ideals). Conceding first
on the issues with the highest gain-to-loss ratio is optimal for a given own-utility budget (a
fractional knapsack), so each offer lies on the efficient frontier between the proposer and
the rest of the table. Offers then respect every party's stated red lines where they can.
"""

from __future__ import annotations

import numpy as np

from detente.protocols.utility import Preferences


def offer_at(prefs: Preferences, proposer: np.ndarray, aspiration: np.ndarray) -> np.ndarray:
    """The offer that keeps the proposer at ``aspiration`` and gives the others the most.

    ``proposer`` (B,) party index per negotiation; ``aspiration`` (B,) in utility → (B, K).
    """
    rows = np.arange(prefs.shape[0])
    own_ideal = prefs.ideal[rows, proposer]
    own_weight = prefs.weight[rows, proposer]
    others = np.ones(prefs.shape[:2], dtype=bool)
    others[rows, proposer] = False
    w_others = np.where(others[:, :, None], prefs.weight, 0.0)
    total = w_others.sum(axis=1)
    target = np.where(
        total > 0,
        (w_others * prefs.ideal).sum(axis=1) / np.where(total > 0, total, 1.0),
        own_ideal,
    )
    distance = np.abs(target - own_ideal)
    cost = own_weight * distance / 100.0  # own utility lost by conceding the issue fully
    ratio = np.where(own_weight > 0, total / np.where(own_weight > 0, own_weight, 1.0), np.inf)
    order = np.argsort(-ratio, axis=1, kind="stable")
    sorted_cost = np.take_along_axis(cost, order, axis=1)
    budget = np.clip(1.0 - aspiration, 0.0, None)[:, None]
    spent_before = np.cumsum(sorted_cost, axis=1) - sorted_cost
    share_sorted = np.clip(
        (budget - spent_before) / np.where(sorted_cost > 0, sorted_cost, 1.0), 0.0, 1.0
    )
    share_sorted = np.where(sorted_cost > 0, share_sorted, 1.0)
    share = np.empty_like(share_sorted)
    np.put_along_axis(share, order, share_sorted, axis=1)
    return within_red_lines(prefs, own_ideal + share * (target - own_ideal))


def within_red_lines(prefs: Preferences, offer: np.ndarray) -> np.ndarray:
    """The offer moved, issue by issue, into the range every party's stated red lines allow,
    where that range is not empty (red lines are public statements in a scenario)."""
    above = prefs.ideal >= prefs.red_line  # the party accepts values at or above its red line
    bounded = ~np.isnan(prefs.red_line)
    low = np.where(bounded & above, prefs.red_line, 0.0).max(axis=1)
    high = np.where(bounded & ~above, prefs.red_line, 100.0).min(axis=1)
    return np.where(low <= high, np.clip(offer, low, high), offer)


__all__ = [
    "offer_at",
    "within_red_lines",
]
