"""An ensemble of engines: convex weights fitted by least absolute error, scored out of fold.

The weights minimise Σ_i |y_i − Σ_m w_m ŷ_im| subject to w ≥ 0 and Σ w = 1, a linear
programme (solved with SciPy's HiGHS). Accuracy is measured by K-fold cross-validation over
groups (DEU proposals: issues of one proposal never sit on both sides of a split), on the data
given and nothing else. The fair comparison is the model a user would otherwise pick: the single
predictor with the least error on the same training folds, scored on the same held-out folds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.errors import InputError

FOLDS = 5


def fit_convex_weights(predictions: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Weights (m,) on the simplex minimising the absolute error of ``predictions`` (n, m)."""
    from scipy.optimize import linprog

    n, m = predictions.shape
    cost = np.concatenate([np.zeros(m), np.ones(n)])
    eye = np.eye(n)
    upper = np.block([[predictions, -eye], [-predictions, -eye]])
    bound = np.concatenate([outcome, -outcome])
    equal = np.concatenate([np.ones(m), np.zeros(n)])[None, :]
    done = linprog(cost, A_ub=upper, b_ub=bound, A_eq=equal, b_eq=[1.0], method="highs")
    if not done.success:
        raise InputError(f"ensemble weights could not be fitted: {done.message}", field="ensemble")
    weights = np.clip(done.x[:m], 0.0, None)
    return weights / weights.sum()


def fold_of(groups: np.ndarray, folds: int = FOLDS, seed: int = 0) -> np.ndarray:
    """Fold index (n,) of every item; the groups are shuffled with ``seed`` and dealt out."""
    names = np.array(list(dict.fromkeys(groups.tolist())))
    order = np.random.default_rng(seed).permutation(len(names))
    fold_of_group = dict(zip(names[order].tolist(), np.arange(len(names)) % folds, strict=True))
    return np.array([fold_of_group[g] for g in groups.tolist()])


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-fold mean absolute errors of the ensemble and of the best single predictor
    chosen on the training folds, the weights fitted on all the data, and the folds used."""

    ensemble_mae: float
    best_single_mae: float
    weights: np.ndarray
    folds: int


def cross_validate(
    predictions: np.ndarray, outcome: np.ndarray, groups: np.ndarray, folds: int = FOLDS
) -> CrossValidation:
    """K-fold cross-validation of the convex ensemble over ``groups``."""
    fold = fold_of(groups, folds)
    ensemble = np.empty_like(outcome, dtype=float)
    single = np.empty_like(outcome, dtype=float)
    for k in range(folds):
        train, test = fold != k, fold == k
        if not test.any():
            continue
        weights = fit_convex_weights(predictions[train], outcome[train])
        ensemble[test] = predictions[test] @ weights
        best = np.argmin(np.abs(predictions[train] - outcome[train, None]).mean(axis=0))
        single[test] = predictions[test, best]
    return CrossValidation(
        ensemble_mae=float(np.abs(ensemble - outcome).mean()),
        best_single_mae=float(np.abs(single - outcome).mean()),
        weights=fit_convex_weights(predictions, outcome),
        folds=folds,
    )


__all__ = ["FOLDS", "CrossValidation", "cross_validate", "fit_convex_weights", "fold_of"]
