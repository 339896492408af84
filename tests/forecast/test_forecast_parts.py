"""The forecast's building blocks: sampling, outcome judgments, streaming aggregation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.forecast import aggregate, outcomes
from detente.forecast.inputs import (
    INPUT_FIELDS,
    input_space,
    materialize,
    sample,
    triangular_ppf,
)
from detente.scenario import load_scenario


def test_triangular_ppf_matches_scipy():
    from scipy import stats

    u = np.linspace(0.001, 0.999, 101)
    low, mode, high = 10.0, 30.0, 70.0
    expected = stats.triang(c=(mode - low) / (high - low), loc=low, scale=high - low).ppf(u)
    np.testing.assert_allclose(triangular_ppf(u, low, mode, high), expected, atol=1e-9)


def test_triangular_ppf_degenerate_range_is_constant():
    assert np.all(triangular_ppf(np.array([0.0, 0.5, 1.0]), 5.0, 5.0, 5.0) == 5.0)


def test_input_space_lists_every_uncertain_judgment(minimal_scenario_path):
    space = input_space(load_scenario(minimal_scenario_path))
    names = {p.name for p in space.parameters}
    assert names == {
        "capability[a]",
        "status_quo[pact]",
        "ideal[b, pact]",
        "war_cost[a]",
        "leverage[mediated]",
    }


def test_materialize_puts_quantiles_in_place(minimal_scenario_path):
    space = input_space(load_scenario(minimal_scenario_path))
    u = np.zeros((3, space.dim))
    u[1] = 1.0
    u[2] = 0.5
    x = materialize(space, u)
    cap = x.capability[:, 0]
    assert cap[0] == pytest.approx(40.0) and cap[1] == pytest.approx(80.0)
    assert cap[2] == pytest.approx(60.0)  # symmetric triangle: median = mode
    assert np.all(x.capability[:, 1] == 40.0)  # fixed judgment broadcast


def test_sample_is_seeded(minimal_scenario_path):
    space = input_space(load_scenario(minimal_scenario_path))
    a = sample(space, 100, np.random.default_rng(7))
    b = sample(space, 100, np.random.default_rng(7))
    for key in INPUT_FIELDS:
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key))


def test_utility_is_one_at_ideal_and_linear():
    ideal = np.array([[[0.0, 100.0]]])
    weights = np.array([[[0.5, 0.5]]])
    assert outcomes.utility(np.array([[0.0, 100.0]]), ideal, weights)[0, 0] == 1.0
    assert outcomes.utility(np.array([[50.0, 100.0]]), ideal, weights)[0, 0] == 0.75


def test_red_line_binds_only_past_it_away_from_ideal():
    ideal = np.array([[[0.0], [100.0]]])
    red = np.array([[[30.0], [np.nan]]])
    inside = outcomes.crosses_red_line(np.array([[20.0]]), ideal, red)
    past = outcomes.crosses_red_line(np.array([[40.0]]), ideal, red)
    assert inside.tolist() == [[False, False]]
    assert past.tolist() == [[True, False]]


def test_classify_orders_settlement_frozen_war():
    settled = np.array([True, False, False])
    freeze = np.array([False, True, False])
    codes = [outcomes.SETTLEMENT, outcomes.FROZEN, outcomes.WAR]
    assert outcomes.classify(settled, freeze).tolist() == codes


def test_coercion_flags_acceptance_below_outside_option_and_lopsided_deals():
    settled = np.array([True, True, True, False])
    utilities = np.array([[0.9, 0.8], [0.3, 0.95], [0.7, 0.7], [0.1, 1.0]])
    reservation = np.array([[0.5, 0.85], [0.2, 0.5], [0.5, 0.5], [0.5, 0.5]])
    weaker = np.array([0, 0, 0, 0])
    stronger = np.array([1, 1, 1, 1])
    flags = outcomes.coerced(settled, utilities, reservation, weaker, stronger)
    assert flags.tolist() == [True, True, False, False]


@given(st.lists(st.floats(0, 100), min_size=1, max_size=300), st.floats(0.05, 0.95))
def test_histogram_quantile_within_one_bin_of_exact(values, q):
    arr = np.array(values)[:, None]
    hist = aggregate.histogram(arr)[0]
    got = aggregate.quantile_from_hist(hist, q)
    lo = np.quantile(arr, q, method="inverted_cdf")
    hi = np.quantile(arr, q, method="higher")
    assert min(lo, hi) - 0.1 - 1e-9 <= got <= max(lo, hi) + 0.1 + 1e-9


def test_aggregates_merge_like_one_pass():
    rng = np.random.default_rng(1)
    n, k, p = 1000, 3, 2
    klass = rng.integers(0, 3, n).astype(np.int8)
    coerced = rng.random(n) < 0.2
    outcome = rng.random((n, k)) * 100
    survival = rng.random((n, len(aggregate.SURVIVAL_YEARS)))
    util = rng.random((n, p))
    whole = aggregate.summarise(klass, coerced, outcome, survival, util)
    a = aggregate.summarise(klass[:400], coerced[:400], outcome[:400], survival[:400], util[:400])
    b = aggregate.summarise(klass[400:], coerced[400:], outcome[400:], survival[400:], util[400:])
    merged = a.merge(b)
    assert merged.n == whole.n and merged.coerced == whole.coerced
    np.testing.assert_array_equal(merged.class_counts, whole.class_counts)
    np.testing.assert_array_equal(merged.settlement_hist, whole.settlement_hist)
    np.testing.assert_allclose(merged.survival_sum, whole.survival_sum)


def test_wilson_interval_brackets_the_proportion():
    low, high = aggregate.wilson_interval(30, 100)
    assert low < 0.3 < high
    assert aggregate.wilson_interval(0, 100)[0] == 0.0


def test_run_sweep_gives_one_row_per_point_and_table_with_progress():
    from detente.forecast import ForecastConfig, run_sweep
    from detente.scenario import load_scenario

    scenario = load_scenario(None)
    config = ForecastConfig(draws=60, seed=2, tables=("bilateral", "istanbul")).checked(scenario)
    calls = []
    rows = run_sweep(
        scenario,
        ["actors[ukraine].capability=30:60:3"],
        config,
        on_point=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert len(rows) == 3 * 2
    assert rows == run_sweep(scenario, ["actors[ukraine].capability=30:60:3"], config)
