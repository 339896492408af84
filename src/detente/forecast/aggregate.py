"""Streaming aggregation: each chunk of draws is reduced to counts, sums and histograms that
merge by addition, so memory stays bounded and the merge order (chunk order) fixes every bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.forecast.outcomes import FROZEN, OUTCOME_CLASSES, SETTLEMENT

BINS_PER_POINT = 10
N_BINS = 100 * BINS_PER_POINT
SURVIVAL_YEARS = np.round(np.arange(0.0, 10.0001, 0.25), 2)
FEW_DRAWS = 30
"""A statistic computed on fewer draws than this is flagged ``few_draws`` wherever shown."""


@dataclass
class DatedAggregate:
    """Mergeable sums of the dated questions over some draws: ``curves`` (months, 4) the sum of
    each draw's cumulative probabilities; ``ceasefire_weight`` the sum of each draw's
    probability of a ceasefire by the horizon, and ``ceasefire_fates`` (7,) the same-weighted
    sums of its duration bins (under 30, 30–60, 61–90, over 90 days) and of holding 1, 2, 5
    years."""

    n: int
    curves: np.ndarray
    ceasefire_weight: float
    ceasefire_fates: np.ndarray

    def merge(self, other: DatedAggregate) -> DatedAggregate:
        return DatedAggregate(
            self.n + other.n,
            self.curves + other.curves,
            self.ceasefire_weight + other.ceasefire_weight,
            self.ceasefire_fates + other.ceasefire_fates,
        )


def merge_optional(a, b):
    """Merge two optional aggregates."""
    if a is None or b is None:
        return a if b is None else b
    return a.merge(b)


def merge_optional_arrays(a, b):
    """Add two optional count arrays."""
    if a is None or b is None:
        return a if b is None else b
    return a + b


@dataclass
class TableAggregate:
    """Mergeable summary of one table over some draws."""

    n: int
    class_counts: np.ndarray  # (len(OUTCOME_CLASSES),)
    coerced: int
    settlement_hist: np.ndarray  # (issues, N_BINS) settled draws' outcomes
    survival_sum: np.ndarray  # (2, len(SURVIVAL_YEARS)): settlement, frozen
    utility_sum: np.ndarray  # (parties,) over settled draws
    dated: DatedAggregate | None = None
    partial_hist: np.ndarray | None = None  # (separable issues, N_BINS) struck deals' terms

    def merge(self, other: TableAggregate) -> TableAggregate:
        """The summary of both sets of draws."""
        return TableAggregate(
            self.n + other.n,
            self.class_counts + other.class_counts,
            self.coerced + other.coerced,
            self.settlement_hist + other.settlement_hist,
            self.survival_sum + other.survival_sum,
            self.utility_sum + other.utility_sum,
            merge_optional(self.dated, other.dated),
            merge_optional_arrays(self.partial_hist, other.partial_hist),
        )


def histogram(values: np.ndarray) -> np.ndarray:
    """Counts of 0–100 values in :data:`N_BINS` equal bins, per column: (issues, N_BINS)."""
    bins = np.clip((values * BINS_PER_POINT).astype(np.int64), 0, N_BINS - 1)
    k = values.shape[1]
    flat = bins + np.arange(k)[None, :] * N_BINS
    return np.bincount(flat.ravel(), minlength=k * N_BINS).reshape(k, N_BINS)


def masked_histogram(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Counts of 0–100 values per column over the rows ``keep`` marks in that column:
    (columns, N_BINS)."""
    bins = np.clip((values * BINS_PER_POINT).astype(np.int64), 0, N_BINS - 1)
    rows = [np.bincount(bins[keep[:, k], k], minlength=N_BINS) for k in range(values.shape[1])]
    return np.array(rows, dtype=np.int64).reshape(values.shape[1], N_BINS)


def summarise(
    klass, coerced, outcome, survival, utilities, dated=None, deals=None
) -> TableAggregate:
    """Reduce one chunk of per-draw results; ``survival`` is (n, len(SURVIVAL_YEARS)) for the
    draw's settlement type (ignored for war draws); ``deals`` the limited deals' terms and which
    of them each draw struck, both (n, separable issues), or None without separable issues."""
    settled = klass == SETTLEMENT
    frozen = klass == FROZEN
    return TableAggregate(
        n=int(klass.shape[0]),
        class_counts=np.bincount(klass, minlength=len(OUTCOME_CLASSES)).astype(np.int64),
        coerced=int(coerced.sum()),
        settlement_hist=histogram(outcome[settled]),
        survival_sum=np.stack([survival[settled].sum(0), survival[frozen].sum(0)]),
        utility_sum=utilities[settled].sum(0),
        dated=dated,
        partial_hist=None if deals is None else _struck_hist(*deals),
    )


def quantile_from_hist(hist: np.ndarray, q: float) -> float | None:
    """The q-quantile of histogrammed 0–100 values, interpolated within its bin (resolution
    1/BINS_PER_POINT); None without values."""
    total = hist.sum()
    if total == 0:
        return None
    cum = np.cumsum(hist)
    target = q * total
    b = int(np.searchsorted(cum, target, side="left"))
    before = cum[b - 1] if b > 0 else 0
    inside = (target - before) / hist[b] if hist[b] else 0.0
    return float((b + inside) / BINS_PER_POINT)


def wilson_interval(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """95% Wilson score interval of a binomial proportion (Monte Carlo precision)."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def _struck_hist(terms, struck) -> np.ndarray:
    """The struck deals' terms per separable issue; empty counts at a table where none can be
    struck (``terms`` None)."""
    if terms is None:
        return np.zeros((struck.shape[1], N_BINS), dtype=np.int64)
    return masked_histogram(terms, struck)
