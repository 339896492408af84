"""The ensemble of engines on DEU: convex weights, folds by proposal, out-of-fold scores."""

from __future__ import annotations

import json

import numpy as np
import pytest

from detente.cli import main
from detente.validate.ensemble import cross_validate, fit_convex_weights, fold_of


def test_convex_weights_recover_a_mixture():
    rng = np.random.default_rng(0)
    members = rng.uniform(0, 100, (200, 3))
    outcome = 0.3 * members[:, 0] + 0.7 * members[:, 1]
    weights = fit_convex_weights(members, outcome)
    np.testing.assert_allclose(weights, [0.3, 0.7, 0.0], atol=1e-6)
    assert weights.sum() == pytest.approx(1.0)


def test_folds_keep_groups_together_and_replay():
    groups = np.repeat(np.arange(40).astype(str), 3)
    fold = fold_of(groups, 5)
    assert np.array_equal(fold, fold_of(groups, 5))
    for g in np.unique(groups):
        assert len(set(fold[groups == g])) == 1
    assert set(fold) == set(range(5))


def test_cross_validation_finds_the_true_member_and_beats_noise():
    rng = np.random.default_rng(1)
    outcome = rng.uniform(0, 100, 150)
    members = np.stack([outcome + rng.normal(0, 1, 150), rng.uniform(0, 100, 150)], axis=1)
    cv = cross_validate(members, outcome, np.arange(150).astype(str))
    assert cv.ensemble_mae < 1.0 and cv.weights[0] > 0.9
    assert cv.ensemble_mae <= cv.best_single_mae + 0.2


@pytest.mark.slow
def test_validate_deu_scores_exchange_by_proposal_and_the_ensemble(shared_dir, tmp_path):
    out = tmp_path / "deu.json"
    path = shared_dir / "data/deu3/deu3-dev.tsv"
    main(["validate", "deu", str(path), "-o", "bdm.max_rounds=20", "--json", str(out)])
    data = json.loads(out.read_text())
    rows = {(s["engine"], s["capabilities"], s["together"]): s["mae"] for s in data["scores"]}
    compromise = rows[("compromise", "equal", False)]
    assert rows[("exchange", "equal", False)] == pytest.approx(compromise)  # nothing to trade
    assert rows[("exchange", "equal", True)] != pytest.approx(compromise)
    assert any(s["options"].get("max_rounds") == 20 for s in data["scores"] if "bdm" in s["engine"])
    ensemble = data["ensemble"]
    assert ensemble["issues"] == 238 and ensemble["folds"] == 5
    assert sum(ensemble["weights"].values()) == pytest.approx(1.0)
    assert 15.0 < ensemble["mae"] < 30.0 and 15.0 < ensemble["best_single_mae"] < 30.0
