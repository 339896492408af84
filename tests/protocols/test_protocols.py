"""Negotiation protocols: a conformance suite for every strategy, analytic checks, analysis."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from detente.cli import main
from detente.errors import InputError
from detente.protocols import (
    AspirationAdaptation,
    TimeDependent,
    TitForTat,
    alternating_offers,
    backchannel,
    discrete_alternating_offers,
    preferences,
    single_text,
    strategy_named,
)
from detente.protocols.analysis import (
    concessions,
    grid_outcomes,
    kalai_smorodinsky_point,
    nash_point,
    pareto_mask,
)

STRATEGIES = [
    "boulware",
    "linear",
    "conceder",
    "tit_for_tat",
    "aspiration",
    "aspiration:0.4",
    "time:2.5",
]


def random_prefs(batch=200, parties=2, issues=3, seed=0):
    rng = np.random.default_rng(seed)
    ideal = rng.uniform(0, 100, (batch, parties, issues))
    salience = rng.uniform(1, 100, (batch, parties, issues))
    reservation = rng.uniform(0.0, 0.6, (batch, parties))
    red = np.where(
        rng.random((batch, parties, issues)) < 0.2,
        rng.uniform(0, 100, (batch, parties, issues)),
        np.nan,
    )
    return preferences(ideal, salience, reservation, red)


@pytest.mark.parametrize("name", STRATEGIES)
def test_conformance_every_strategy(name):
    prefs = random_prefs()
    strategies = [strategy_named(name), strategy_named("linear")]
    first = alternating_offers(prefs, strategies, deadline=60)
    again = alternating_offers(prefs, strategies, deadline=60)
    np.testing.assert_array_equal(first.point, again.point)  # replay
    assert np.all((first.trace >= 0) & (first.trace <= 100))  # legal offers
    done = first.agreed
    assert np.all(prefs.acceptable(np.nan_to_num(first.point))[done])  # never below reservation
    assert np.all(first.utility[done] >= prefs.reservation[done] - 1e-9)
    assert pickle.loads(pickle.dumps(strategies[0])) == strategies[0]
    restored = pickle.loads(pickle.dumps(first))
    np.testing.assert_array_equal(restored.agreed, first.agreed)


@pytest.mark.parametrize("exponents", [(4.0, 0.25), (1.0, 1.0), (4.0, 4.0), (0.25, 0.25)])
def test_conformance_discrete_protocol(exponents):
    """The NegMAS-matching discrete protocol under the same checks: replay, legal offers,
    never accepting below the reserved value, pickle round-trip."""
    rng = np.random.default_rng(5)
    utilities = rng.random((50, 2, 400))
    reservation = rng.uniform(0.5, 0.99, (50, 2))
    first = discrete_alternating_offers(utilities, exponents, 60, reservation=reservation)
    again = discrete_alternating_offers(utilities, exponents, 60, reservation=reservation)
    np.testing.assert_array_equal(first.outcome, again.outcome)
    np.testing.assert_array_equal(first.step, again.step)
    assert np.all((first.offers >= 0) & (first.offers < 400))
    done = first.agreed
    assert 0 < done.sum() < len(done)  # some agree, some do not
    rows = np.flatnonzero(done)
    reached = utilities[rows, :, first.outcome[done]]
    assert np.allclose(first.utility[done], reached)
    assert np.all(reached >= reservation[done] - 1e-12)
    restored = pickle.loads(pickle.dumps(first))
    np.testing.assert_array_equal(restored.utility, first.utility)


def test_boulware_gets_more_than_conceder():
    prefs = preferences(
        np.array([[[0.0, 0.0], [100.0, 100.0]]]),
        np.array([[[70.0, 30.0], [30.0, 70.0]]]),
        np.array([[0.3, 0.3]]),
    )
    result = alternating_offers(
        prefs, [strategy_named("boulware"), strategy_named("conceder")], 100
    )
    assert result.agreed[0] and result.utility[0, 0] > result.utility[0, 1]


def test_offers_are_efficient_for_opposed_linear_preferences():
    prefs = preferences(
        np.array([[[0.0, 0.0], [100.0, 100.0]]]),
        np.array([[[80.0, 20.0], [20.0, 80.0]]]),
        np.array([[0.2, 0.2]]),
    )
    result = alternating_offers(prefs, [strategy_named("linear")] * 2, 50)
    # each side concedes first on the issue it cares less about
    assert result.point[0, 1] > result.point[0, 0]


def test_aspiration_adaptation_moves_toward_the_best_offer_received():
    prefs = preferences(
        np.array([[[0.0, 0.0], [100.0, 100.0]]]), np.ones((1, 2, 2)), np.array([[0.1, 0.1]])
    )
    slow = alternating_offers(prefs, [strategy_named("aspiration:0.05")] * 2, 200)
    fast = alternating_offers(prefs, [strategy_named("aspiration:0.5")] * 2, 200)
    assert slow.agreed[0] and fast.agreed[0] and fast.round[0] < slow.round[0]
    # symmetric parties adapting slowly at the same rate meet near the middle; the faster
    # they adapt, the more the first proposer keeps
    assert abs(slow.utility[0, 0] - slow.utility[0, 1]) < 0.05
    assert fast.utility[0, 0] - fast.utility[0, 1] > slow.utility[0, 0] - slow.utility[0, 1]
    # against a hard bargainer an adapting party concedes down to, never below, its reservation
    hard = alternating_offers(
        prefs, [strategy_named("aspiration:0.2"), strategy_named("boulware")], 50
    )
    assert hard.utility[0, 0] >= 0.1 - 1e-12


def test_no_overlap_ends_without_agreement_and_says_why():
    prefs = preferences(np.array([[[0.0], [100.0]]]), np.ones((1, 2, 1)), np.array([[0.7, 0.7]]))
    result = alternating_offers(prefs, [strategy_named("linear")] * 2, 30)
    assert not result.agreed[0] and "acceptable" in result.reason[0]
    assert np.isnan(result.point[0]).all() and result.round[0] == -1


@pytest.mark.parametrize(
    "make",
    [
        lambda: TimeDependent(e=0.0),
        lambda: TimeDependent(e=float("nan")),
        lambda: TimeDependent(e="fast"),
        lambda: TitForTat(acceptance="whenever"),
        lambda: TimeDependent(acceptance="constant", threshold=2.0),
        lambda: strategy_named("stubborn"),
        lambda: strategy_named("aspiration:0"),
        lambda: AspirationAdaptation(rate=1.5),
        lambda: TitForTat(rate=0.5),
    ],
)
def test_invalid_strategies_fail_at_construction(make):
    with pytest.raises(InputError):
        make()


def test_multilateral_needs_everyone():
    prefs = random_prefs(parties=3)
    result = alternating_offers(prefs, [strategy_named("linear")] * 3, 90)
    assert np.all(prefs.acceptable(np.nan_to_num(result.point))[result.agreed])


def test_mediator_leverage_helps_and_withdrawal_continues_bilaterally():
    prefs = random_prefs(batch=300, seed=4)
    draft = prefs.ideal.mean(axis=1)
    strategies = [strategy_named("boulware")] * 2
    weak = single_text(prefs, strategies, 40, draft, np.zeros(300))
    strong = single_text(prefs, strategies, 40, draft, np.ones(300))
    assert strong.agreed.mean() > weak.agreed.mean()
    withdrawn = single_text(prefs, strategies, 40, draft, np.ones(300), withdraw_round=5)
    assert any(r == "agreed after the mediator withdrew" for r in withdrawn.reason) or (
        withdrawn.agreed.mean() <= strong.agreed.mean()
    )


def test_backchannel_text_can_be_rejected_by_the_party_left_out():
    prefs = preferences(
        np.array([[[0.0], [100.0], [60.0]]]), np.ones((1, 3, 1)), np.array([[0.3, 0.3, 0.3]])
    )
    result = backchannel(prefs, [strategy_named("linear")] * 3, 50, drafters=[1, 2])
    assert not result.agreed[0] and "left out" in result.reason[0]


def test_pareto_mask_matches_brute_force():
    rng = np.random.default_rng(1)
    u = rng.random((400, 2))
    brute = np.array([not ((u >= row).all(1) & (u > row).any(1)).any() for row in u])
    np.testing.assert_array_equal(pareto_mask(u), brute)
    u3 = rng.random((300, 3))
    brute3 = np.array([not ((u3 >= row).all(1) & (u3 > row).any(1)).any() for row in u3])
    np.testing.assert_array_equal(pareto_mask(u3), brute3)


def test_nash_and_ks_points_on_a_symmetric_domain():
    outcomes = grid_outcomes([np.linspace(0, 100, 11)])
    u = np.stack([1 - outcomes[:, 0] / 100, outcomes[:, 0] / 100], axis=1)
    r = np.array([0.0, 0.0])
    assert outcomes[nash_point(u, r), 0] == 50.0
    assert outcomes[kalai_smorodinsky_point(u, r), 0] == 50.0
    assert nash_point(u, np.array([0.8, 0.8])) is None


def test_concessions_are_recorded_per_proposer():
    prefs = random_prefs(batch=5)
    result = alternating_offers(prefs, [strategy_named("linear")] * 2, 20)
    c = concessions(prefs, result.trace, result.proposer)
    assert c.shape == (len(result.trace), 5, 2) and (c >= -1e-9).all()


def test_cli_negotiate_writes_the_trace(tmp_path, capsys):
    out = tmp_path / "n.json"
    main(["negotiate", "--table", "us_mediated", "--json", str(out)])
    import json

    data = json.loads(out.read_text())
    assert data["protocol"] == "single_text" and data["trace"]
    assert set(data["utility"]) == {"russia", "ukraine"}


def test_cli_negotiate_bad_input_exits_2(capsys):
    for args in (["--table", "nowhere"], ["--table", "bilateral", "-s", "time:-1"]):
        with pytest.raises(SystemExit) as exit_info:
            main(["negotiate", *args])
        assert exit_info.value.code == 2


@pytest.mark.parametrize("name", ["tit_for_tat", "aspiration", "boulware"])
def test_single_text_runs_the_strategy_it_is_given(name):
    """A mediated table once ran every strategy as linear concession; each strategy must
    change what the parties accept on the mediator's text."""
    prefs = random_prefs(batch=300, parties=3)
    draft = np.full((300, 3), 50.0)
    leverage = np.full(300, 0.3)
    linear = single_text(prefs, [strategy_named("linear")] * 3, 40, draft, leverage)
    other = single_text(prefs, [strategy_named(name)] * 3, 40, draft, leverage)
    assert not np.array_equal(linear.round, other.round)


def test_negotiate_on_a_mediated_table_follows_the_strategy():
    from detente.forecast.inputs import input_space, modal_draw
    from detente.forecast.tables import negotiate_table, plan_table
    from detente.scenario import load_scenario

    scenario = load_scenario(None)
    plan = plan_table(scenario, "us_mediated")
    x = modal_draw(input_space(scenario))
    x.red_line[:] = np.nan  # without red lines the parties' strategies decide the talks
    outcome = {}
    for s in ("linear", "tit_for_tat", "aspiration"):
        result = negotiate_table(plan, x, [s])[1]
        outcome[s] = (bool(result.agreed[0]), int(result.round[0]))
    assert outcome["tit_for_tat"] != outcome["linear"]
    assert outcome["aspiration"] != outcome["linear"]


def test_scenario_protocols_are_the_registered_ones():
    from typing import get_args

    from detente.protocols import get_protocol, protocol_names
    from detente.scenario.model import Protocol

    assert set(get_args(Protocol)) == set(protocol_names())
    for name in protocol_names():
        assert get_protocol(name).name == name
    with pytest.raises(InputError):
        get_protocol("shuttle")


def test_negotiate_table_checks_options_by_name():
    from detente.forecast.inputs import input_space, modal_draw
    from detente.forecast.tables import negotiate_table, plan_table
    from detente.scenario import load_scenario

    scenario = load_scenario(None)
    plan = plan_table(scenario, "us_mediated")
    x = modal_draw(input_space(scenario))
    short = negotiate_table(plan, x, None, {"deadline": "3"})[1]
    assert len(short.trace) <= 3
    with pytest.raises(InputError, match="unknown option"):
        negotiate_table(plan, x, None, {"patience": "1"})
    with pytest.raises(InputError):
        negotiate_table(plan, x, None, {"mediator_step": "2"})


def test_an_option_no_chosen_strategy_has_is_an_error():
    from detente.protocols import configure

    with pytest.raises(InputError, match="neither"):
        configure("alternating_offers", ["tit_for_tat"], 2, {"e": "0.5"})
    _, _, chosen = configure("alternating_offers", ["tit_for_tat", "linear"], 2, {"e": "0.5"})
    assert chosen[1].e == 0.5
