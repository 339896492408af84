"""Partial agreements (a limited deal on the separable issues while the war goes on) and the
outcome classes at the forecast's ``by`` date. Metamorphic properties follow the zone of
agreement (Raiffa 1982): a limited deal is struck when the text on an issue lies closer than
the status quo to every belligerent's ideal, so anything that widens that zone can only add
deals. Draws share their random inputs (common random numbers), so properties hold draw by
draw."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.forecast import ForecastConfig, run_forecast, to_data
from detente.forecast.inputs import TableInputs, input_space, sample
from detente.forecast.outcomes import FROZEN, OUTCOME_CLASSES, PARTIAL, SETTLEMENT, WAR
from detente.forecast.partial import (
    deal_terms,
    deals_acceptable,
    limited_deals,
    separable_inputs,
    with_partial,
)
from detente.forecast.run import months_to_by
from detente.forecast.tables import evaluate_table, plan_by, plan_table
from detente.scenario import Intervention, load_scenario

SCENARIO = load_scenario(None)
TABLES = tuple(t.id for t in SCENARIO.tables)
SEPARABLE = tuple(i.id for i in SCENARIO.separable_issues)
DRAWS = 300


def _inputs(seed: int = 0):
    rng = np.random.default_rng(seed)
    x = sample(input_space(SCENARIO), DRAWS, rng)
    xs = separable_inputs(x, sample(input_space(SCENARIO, separable=True), DRAWS, rng))
    return x, xs


def _copy(x: TableInputs) -> TableInputs:
    return x.mapped(np.copy)


def _deals(table: str, x, xs, engine: str = "compromise"):
    """Which limited deals each draw strikes at the table, and the outcome classes."""
    plan = plan_table(SCENARIO, table)
    klass = evaluate_table(plan, x, engine, np.random.default_rng(1)).klass
    terms = deal_terms(plan, xs, engine, np.random.default_rng(2))
    deals = limited_deals(klass, plan, xs, terms)
    return deals, with_partial(klass, deals)


def _belligerents():
    ids = [a.id for a in SCENARIO.actors]
    return [ids.index(b) for b in SCENARIO.war.belligerents]


# --- the rule itself -------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    sq=st.floats(1.0, 99.0),
    below=st.floats(0.5, 50.0),
    above=st.floats(0.5, 50.0),
    terms=st.floats(0.0, 100.0),
    salience=st.tuples(st.floats(1.0, 100.0), st.floats(1.0, 100.0)),
)
def test_ideals_on_opposite_sides_of_the_status_quo_admit_no_deal(
    sq, below, above, terms, salience
):
    """On one issue the zone of agreement is where both belligerents are better off than at the
    status quo; with their ideals on opposite sides of it, any move helps one and hurts the
    other, so no terms whatever make a deal (Raiffa 1982)."""
    ideal = np.array([[[max(0.0, sq - below)], [min(100.0, sq + above)]]])
    ok = deals_acceptable(
        np.array([[terms]]),
        ideal,
        np.array([[[salience[0]], [salience[1]]]]),
        np.full((1, 2, 1), np.nan),
        np.array([[sq]]),
    )
    assert not ok.any()


def test_terms_past_a_red_line_or_no_closer_than_the_status_quo_make_no_deal():
    ideal = np.array([[[10.0], [30.0]]])
    salience = np.full((1, 2, 1), 50.0)
    sq = np.array([[80.0]])
    no_red = np.full((1, 2, 1), np.nan)
    assert deals_acceptable(np.array([[40.0]]), ideal, salience, no_red, sq).all()
    red = np.array([[[np.nan], [35.0]]])  # the second side accepts nothing above 35
    assert not deals_acceptable(np.array([[40.0]]), ideal, salience, red, sq).any()
    assert not deals_acceptable(sq, ideal, salience, no_red, sq).any()  # no gain, no deal
    zero = np.array([[[50.0], [0.0]]])  # a side that does not care gains nothing
    assert not deals_acceptable(np.array([[40.0]]), ideal, zero, no_red, sq).any()


def test_only_war_draws_become_partial_agreements():
    klass = np.array([SETTLEMENT, FROZEN, WAR, WAR], dtype=np.int8)
    deals = np.array([[True], [True], [True], [False]])
    assert with_partial(klass, deals).tolist() == [SETTLEMENT, FROZEN, PARTIAL, WAR]
    assert OUTCOME_CLASSES[PARTIAL] == "partial_agreement"


# --- metamorphic properties on the bundled case ---------------------------------------------


@settings(max_examples=10, deadline=None)
@given(
    table=st.sampled_from(TABLES),
    issue=st.sampled_from(range(len(SEPARABLE))),
    seed=st.integers(0, 3),
)
def test_opposite_ideals_on_an_issue_strike_no_deal_on_it(table, issue, seed):
    """Put Russia's ideal above the status quo on one separable issue and Ukraine's below it:
    no draw, at any table, strikes a deal on that issue."""
    x, xs = _inputs(seed)
    russia, ukraine = _belligerents()
    sq = xs.status_quo[:, issue]
    xs.ideal[:, russia, issue] = np.minimum(100.0, sq + 5.0)
    xs.ideal[:, ukraine, issue] = np.maximum(0.0, sq - 5.0)
    deals, _ = _deals(table, x, xs)
    assert not deals[:, issue].any()


@settings(max_examples=10, deadline=None)
@given(table=st.sampled_from(TABLES), shift=st.floats(1.0, 30.0), seed=st.integers(0, 3))
def test_a_worse_status_quo_for_both_never_takes_a_deal_or_partial_agreement_away(
    table, shift, seed
):
    """Widening the zone of agreement: where both belligerents' ideals lie below the status quo
    on a separable issue, moving the status quo further up (no deal gets worse for both) keeps
    every deal that was struck (the compromise text does not depend on the status quo), so
    P(partial agreement or better) never falls."""
    x, xs = _inputs(seed)
    both_below = (xs.ideal[:, _belligerents(), :] < xs.status_quo[:, None, :]).all(axis=1)
    widened = dataclasses.replace(
        xs,
        status_quo=np.where(both_below, np.minimum(100.0, xs.status_quo + shift), xs.status_quo),
    )
    before, klass_before = _deals(table, x, xs)
    after, klass_after = _deals(table, x, widened)
    assert not (before & ~after).any()
    assert (klass_after <= klass_before).all()  # codes run from most to least peace
    assert (klass_after != WAR).mean() >= (klass_before != WAR).mean()


@settings(max_examples=10, deadline=None)
@given(table=st.sampled_from(TABLES), seed=st.integers(0, 3))
def test_dropping_red_lines_on_separable_issues_never_lowers_partial_or_better(table, seed):
    """A red line narrows the zone of agreement; with every red line on the separable issues
    gone, a deal struck before is struck still."""
    x, xs = _inputs(seed)
    russia, ukraine = _belligerents()
    lined = _copy(xs)
    lined.red_line[:, russia, :] = lined.ideal[:, russia, :] + 10.0  # limits concessions
    before, klass_before = _deals(table, x, lined)
    after, klass_after = _deals(table, x, xs)
    assert not (before & ~after).any()
    assert (klass_after != WAR).mean() >= (klass_before != WAR).mean()


def _without_separable(scenario):
    keep = {i.id for i in scenario.linked_issues}
    return scenario.model_copy(
        update={
            "issues": scenario.linked_issues,
            "positions": tuple(p for p in scenario.positions if p.issue in keep),
        }
    )


def test_marking_issues_separable_only_turns_war_into_partial_agreements():
    """Separable issues stay out of the comprehensive bargain and draw their judgments from a
    stream of their own: settlements, freezes, settlement terms and dated questions are the
    same with or without them; only war draws may become partial agreements."""
    config = ForecastConfig(draws=600, seed=3, chunk_size=300)
    with_ = to_data(run_forecast(SCENARIO, config))
    without = to_data(run_forecast(_without_separable(SCENARIO), config))
    assert with_["meta"]["separable_issues"] == list(SEPARABLE)
    assert without["meta"]["separable_issues"] == []
    for table_id, t in with_["tables"].items():
        ref = without["tables"][table_id]
        c, r = t["outcome_classes"], ref["outcome_classes"]
        for name in ("comprehensive_settlement", "ceasefire_frozen_conflict"):
            assert c[name]["draws"] == r[name]["draws"], (table_id, name)
        assert r["partial_agreement"]["draws"] == 0
        assert (
            c["partial_agreement"]["draws"] + c["collapse_war"]["draws"]
            == r["collapse_war"]["draws"]
        )
        assert t["settlement"] == ref["settlement"] and t["by"] == ref["by"]
        for issue, terms in t["partial_agreement_terms"].items():
            assert terms["draws"] <= c["partial_agreement"]["draws"], (table_id, issue)
            assert terms["few_draws"] == (terms["draws"] < 30)


def test_a_table_without_both_belligerents_strikes_no_limited_deal():
    x, xs = _inputs()
    tables = tuple(
        t.model_copy(update={"parties": ("united_states", "ukraine")}) if t.id == "bilateral" else t
        for t in SCENARIO.tables
    )
    scenario = SCENARIO.model_copy(update={"tables": tables})
    plan = plan_table(scenario, "bilateral")
    assert deal_terms(plan, xs, "compromise", np.random.default_rng(0)) is None
    klass = np.full(DRAWS, WAR, dtype=np.int8)
    assert not limited_deals(klass, plan, xs, None).any()


@pytest.mark.parametrize("engine", ["compromise", "nash", "bdm", "exchange", "smp", "protocol"])
def test_every_engine_writes_limited_deal_terms_on_the_scale(engine):
    x, xs = _inputs()
    terms = deal_terms(plan_table(SCENARIO, "istanbul"), xs, engine, np.random.default_rng(0))
    assert terms.shape == (DRAWS, len(SEPARABLE))
    assert np.isfinite(terms).all() and (terms >= 0).all() and (terms <= 100).all()


# --- interventions timed in the outcome classes ---------------------------------------------


def _with_shock(round_: int | None, factor: float = 0.2):
    """The bundled case with a capability shock to Russia at the Istanbul table at ``round_``
    (None: no shock)."""
    shocks = (
        ()
        if round_ is None
        else (Intervention(kind="capability_shock", round=round_, actor="russia", factor=factor),)
    )
    tables = tuple(
        t.model_copy(update={"interventions": shocks}) if t.id == "istanbul" else t
        for t in SCENARIO.tables
    )
    return SCENARIO.model_copy(update={"tables": tables})


def _istanbul_classes(scenario, by: dt.date | None = None):
    config = ForecastConfig(draws=400, seed=5, tables=("istanbul",), by=by)
    data = to_data(run_forecast(scenario, config))
    return {k: v["draws"] for k, v in data["tables"]["istanbul"]["outcome_classes"].items()}


def test_a_shock_beyond_the_by_date_leaves_the_outcome_classes_as_without_it():
    """The Istanbul table meets about once a month (mode 1.0), so round 600 falls some 50 years
    after as_of: far beyond a `by` 12 months out. Round 0 is before any `by`."""
    none = _istanbul_classes(_with_shock(None))
    assert _istanbul_classes(_with_shock(600)) == none
    assert _istanbul_classes(_with_shock(0)) != none


def test_a_shock_applies_once_the_by_date_passes_its_month():
    """Round 6 at one meeting a month falls in month 6: not yet applied by month 3, applied by
    month 12."""
    as_of = SCENARIO.as_of
    early, late = dt.date(2025, 11, 21), dt.date(2026, 8, 21)
    assert (as_of.year, as_of.month) == (2025, 8)
    assert _istanbul_classes(_with_shock(6), early) == _istanbul_classes(_with_shock(None), early)
    assert _istanbul_classes(_with_shock(6), late) == _istanbul_classes(_with_shock(0), late)


def test_plan_by_keeps_the_interventions_due_before_the_date():
    scenario = _with_shock(6)
    assert plan_by(scenario, "istanbul", None).table.interventions
    assert not plan_by(scenario, "istanbul", 3.0).table.interventions
    assert plan_by(scenario, "istanbul", 12.0).table.interventions
    assert not plan_by(scenario, "istanbul", 6.0).table.interventions  # month 6 starts at 6
    config = ForecastConfig(draws=10, by=dt.date(2026, 2, 21)).checked(scenario)
    assert months_to_by(scenario, config) == pytest.approx(6.0)


def test_a_mediator_withdrawing_after_the_by_date_stays_for_the_whole_talks():
    withdraw = (Intervention(kind="mediator_withdraws", round=20),)  # month 20, deadline 40
    tables = tuple(
        t.model_copy(update={"interventions": withdraw}) if t.id == "us_mediated" else t
        for t in SCENARIO.tables
    )
    scenario = SCENARIO.model_copy(update={"tables": tables})
    assert plan_table(scenario, "us_mediated").mediator_presence < 1.0
    assert plan_by(scenario, "us_mediated", 12.0).mediator_presence == 1.0
