"""Metamorphic properties of the forecast: change one input in a direction theory signs, and
the output may only move the way theory says. Each test names the theory it follows. Draws
share their random inputs (common random numbers), so every property holds draw by draw."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.engines import get_engine
from detente.forecast.inputs import TableInputs, input_space, sample
from detente.forecast.monthly import table_signals
from detente.forecast.tables import engine_input, plan_table
from detente.scenario import load_scenario

SCENARIO = load_scenario(None)
TABLES = tuple(t.id for t in SCENARIO.tables)
DRAWS = 300


def _inputs(seed: int = 0) -> TableInputs:
    return sample(input_space(SCENARIO), DRAWS, np.random.default_rng(seed))


def _signals(table: str, x: TableInputs):
    plan = plan_table(SCENARIO, table)
    return table_signals(plan, x, "compromise", np.random.default_rng(1), horizon=12)


def _copy(x: TableInputs) -> TableInputs:
    return x.mapped(np.copy)


@settings(max_examples=12, deadline=None)
@given(table=st.sampled_from(TABLES), extra=st.floats(0.01, 0.5), seed=st.integers(0, 3))
def test_costlier_war_never_takes_a_freeze_out_of_reach(table, extra, seed):
    """Fearon (1995): the costs of fighting open the bargaining range; a freeze preferred to war
    at cost c is preferred at any higher cost."""
    x = _inputs(seed)
    y = dataclasses.replace(x, war_cost=np.where(np.isnan(x.war_cost), np.nan, x.war_cost + extra))
    before, after = _signals(table, x), _signals(table, y)
    assert not (before.ceasefire_ok & ~after.ceasefire_ok).any()


@settings(max_examples=12, deadline=None)
@given(table=st.sampled_from(("us_mediated", "europe_led", "trilateral", "istanbul")))
def test_more_leverage_never_takes_a_deal_out_of_reach(table):
    """Manipulative mediation (Beardsley, Quinn, Biswas & Wilkenfeld 2006): a mediator raising
    the cost of fighting on, or paying for a deal, can only bring deals within reach."""
    x = _inputs()
    t = [tt.id for tt in SCENARIO.tables].index(table)
    y = _copy(x)
    y.leverage[:, t] = np.minimum(1.0, y.leverage[:, t] + 0.3)
    before, after = _signals(table, x), _signals(table, y)
    assert not (before.ceasefire_ok & ~after.ceasefire_ok).any()
    assert not (before.agreement_ok & ~after.agreement_ok).any()


@settings(max_examples=12, deadline=None)
@given(factor=st.floats(1.05, 3.0), seed=st.integers(0, 3))
def test_a_party_gaining_capability_never_gets_worse_terms(factor, seed):
    """Compromise model (Achen 2006; van den Bos 1991): the text is the capability- and
    salience-weighted mean, so more capability pulls it toward the party's ideal on every
    issue it holds a position on."""
    x = _inputs(seed)
    plan = plan_table(SCENARIO, "bilateral")
    ukraine = SCENARIO.actors.index(SCENARIO.actor("ukraine"))
    compromise = get_engine("compromise")
    y = _copy(x)
    y.capability[:, ukraine] *= factor
    before = compromise.run(engine_input(plan, x), record_trajectory=False).outcome
    after = compromise.run(engine_input(plan, y), record_trajectory=False).outcome
    ideal = x.ideal[:, ukraine, :]
    assert (np.abs(after - ideal) <= np.abs(before - ideal) + 1e-9).all()


def test_a_belligerent_absent_from_the_table_blocks_every_deal():
    """A ceasefire and an agreement need both belligerents: a table without one of them never
    has either within reach (docs/decisions.md, ## Dated forecast)."""
    table = SCENARIO.table("bilateral")
    without = table.model_copy(update={"parties": ("russia", "united_states")})
    tables = tuple(without if t.id == "bilateral" else t for t in SCENARIO.tables)
    scenario = SCENARIO.model_copy(update={"tables": tables})
    plan = plan_table(scenario, "bilateral")
    x = sample(input_space(scenario), 50, np.random.default_rng(0))
    signals = table_signals(plan, x, "compromise", np.random.default_rng(1), horizon=6)
    assert not signals.ceasefire_ok.any() and not signals.agreement_ok.any()


@pytest.mark.parametrize("table", ["bilateral", "us_mediated"])
def test_a_faster_rising_side_never_makes_a_deal_more_credible(table):
    """Commitment problem (Fearon 1995; Powell 2006): the faster power shifts away from the
    declining side, the fewer deals it can trust. Checked at the first month, where both runs
    start from the same balance of power."""
    from detente.forecast.monthly import _commitment, _projected_win_p

    plan = plan_table(SCENARIO, table)
    x = _inputs()
    b = list(plan.belligerents)
    rising = np.array(b)[np.argmax(x.trend[:, b], axis=1)]
    y = _copy(x)
    y.trend[np.arange(DRAWS), rising] += 0.05
    months = np.arange(1, dtype=float)
    blocked_before = _commitment(plan, x, _projected_win_p(plan, x, months), months)
    blocked_after = _commitment(plan, y, _projected_win_p(plan, y, months), months)
    assert not (blocked_before & ~blocked_after).any()
    assert blocked_after.sum() > blocked_before.sum()
