"""The dated forecast: questions with dates, their monthly curves, the base rate and bad input."""

from __future__ import annotations

import dataclasses
import itertools
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from detente.cli import build_app
from detente.forecast import ForecastConfig, run_forecast, to_data, to_json
from detente.forecast.calendar import add_months, month_of, value_by
from detente.forecast.monthly import Signals
from detente.forecast.questions import (
    N_STATES,
    QUESTIONS,
    TRANSITIONS,
    HazardModel,
    hazards,
    observed_states,
    path_probability,
    state_paths,
    transition_codes,
)
from detente.scenario import load_scenario

runner = CliRunner()


@pytest.fixture(scope="module")
def bundled():
    return load_scenario(None)


@pytest.fixture(scope="module")
def data(bundled):
    return to_data(run_forecast(bundled, ForecastConfig(draws=600, seed=3), compare_engines=True))


def test_every_table_carries_dated_questions(data, bundled):
    meta = data["meta"]
    assert meta["as_of"] == str(bundled.as_of)
    assert meta["questions"] == list(QUESTIONS)
    for table in data["tables"].values():
        assert set(table["by"]) == set(QUESTIONS)
        monthly = table["monthly"]
        assert len(monthly["month"]) == meta["horizon_months"] == 24
        assert monthly["month"][0] == str(add_months(bundled.as_of, 1))
        for q in QUESTIONS:
            curve = np.array(monthly[q])
            assert ((curve >= 0) & (curve <= 1)).all()
            steps = np.diff(curve)
            assert (steps <= 1e-12).all() if q == "ongoing" else (steps >= -1e-12).all()


def test_ongoing_is_none_of_the_others(data):
    for table in data["tables"].values():
        m = table["monthly"]
        rows = zip(m["ceasefire"], m["agreement"], m["abandoned"], m["ongoing"], strict=True)
        for c, a, x, o in rows:
            assert o <= 1 - max(c, a, x) + 1e-9
            assert a <= c + 1e-9  # an agreement implies a ceasefire


def test_by_is_read_off_the_monthly_curve(data, bundled):
    by = data["meta"]["by"]
    assert by == str(add_months(bundled.as_of, 12))
    for table in data["tables"].values():
        assert table["by"]["ceasefire"] == pytest.approx(table["monthly"]["ceasefire"][11])


def test_value_by_interpolates_between_month_ends():
    import datetime as dt

    as_of = dt.date(2025, 1, 31)
    assert add_months(as_of, 1) == dt.date(2025, 2, 28)
    assert month_of(as_of, dt.date(2025, 2, 1)) == 1
    curve = [0.2, 0.4]
    assert value_by(as_of, dt.date(2025, 2, 28), curve) == pytest.approx(0.2)
    mid = value_by(as_of, dt.date(2025, 3, 14), curve)
    assert 0.2 < mid < 0.4


def test_base_rate_stands_beside_the_model(data):
    base = data["meta"]["base_rate"]
    for table in data["tables"].values():
        assert table["base_rate"]["by"] == base["by"]
    assert 0 < base["by"]["ceasefire"] < 1


def test_if_ceasefire_distribution_sums_to_one(data):
    for table in data["tables"].values():
        fates = table["if_ceasefire"]
        if fates["expected_draws_with_ceasefire"] > 0:
            assert sum(fates["duration"].values()) == pytest.approx(1.0, abs=1e-5)
            h = fates["holds"]
            assert h["1y"] >= h["2y"] >= h["5y"]


def test_engine_spread_covers_every_engine(data):
    table = data["tables"]["bilateral"]
    assert {"compromise", "nash", "bdm", "smp"} <= set(table["engines"])
    for q in QUESTIONS:
        values = [e["by"][q] for e in table["engines"].values()]
        assert table["engine_spread"][q] == {"min": min(values), "max": max(values)}


def test_a_tables_numbers_do_not_depend_on_the_other_tables(bundled):
    """Each chunk × table × purpose has its own random stream."""
    full = to_data(run_forecast(bundled, ForecastConfig(draws=400, seed=5), compare_engines=False))
    alone = to_data(
        run_forecast(
            bundled,
            ForecastConfig(draws=400, seed=5, tables=("europe_led",)),
            compare_engines=False,
        )
    )
    assert alone["tables"]["europe_led"] == full["tables"]["europe_led"]


def test_same_seed_same_bytes(bundled):
    config = ForecastConfig(draws=300, seed=11)
    first = to_json(run_forecast(bundled, config, compare_engines=True))
    assert first == to_json(run_forecast(bundled, config, compare_engines=True))


# ---------------------------------------------------------------- the state machine


def _signals(n: int, h: int, ceasefire: bool, agreement: bool) -> Signals:
    return Signals(np.full((n, h), ceasefire), np.full((n, h), agreement), np.ones(n))


def test_path_probabilities_sum_to_one_over_every_path():
    h = 3
    hz = hazards(
        _signals(1, h, True, True), HazardModel(a_c=2.0, b_c=1.0, a_a=3.0), "interstate", 1.0
    )
    reachable = {i for i, _ in TRANSITIONS}
    total = 0.0
    for path in itertools.product(range(N_STATES), repeat=h):
        try:
            codes = transition_codes(np.array(path))
        except ValueError:
            continue
        assert set(path) <= reachable | {j for _, j in TRANSITIONS}
        total += path_probability(hz, codes)[0]
    assert total == pytest.approx(1.0, abs=1e-12)


def test_state_paths_agree_with_path_probability():
    hz = hazards(_signals(2, 6, True, False), HazardModel(a_c=1.0), "intrastate", 10.0)
    never = transition_codes(observed_states(6, None, None, None))
    assert path_probability(hz, never) == pytest.approx(state_paths(hz)[:, -1, 0])


def test_observed_states_orders_events_in_one_month():
    path = observed_states(6, ceasefire=2, agreement=2, abandoned=None)
    assert path.tolist() == [0, 2, 2, 2, 2, 2]  # agreement implies the ceasefire
    path = observed_states(6, ceasefire=2, agreement=None, abandoned=2)
    assert path.tolist() == [0, 1, 4, 4, 4, 4]  # ceasefire first, abandonment next month


# ---------------------------------------------------------------- comparative statics


def _p_by(scenario, table: str, question: str, seed: int = 1) -> float:
    config = ForecastConfig(draws=400, seed=seed, tables=(table,))
    run = run_forecast(scenario, config, compare_engines=False)
    return to_data(run)["tables"][table]["by"][question]


def _with_war_costs(scenario, shift: float):
    war = scenario.war
    costs = []
    for c in war.costs:
        low, mode, high = (c.cost.low, c.cost.mode, c.cost.high)
        costs.append(
            c.model_copy(
                update={
                    "cost": c.cost.model_copy(
                        update={
                            "low": min(1.0, low + shift),
                            "mode": min(1.0, mode + shift),
                            "high": min(1.0, high + shift),
                        }
                    )
                }
            )
        )
    return scenario.model_copy(update={"war": war.model_copy(update={"costs": tuple(costs)})})


@pytest.mark.parametrize("table", ["bilateral", "europe_led"])
def test_costlier_war_never_lowers_the_chance_of_a_ceasefire(bundled, table):
    """Fearon (1995): higher costs of fighting widen the bargaining range, and a freeze is
    within reach for more draws; with the fitted sign (b_c ≥ 0) P(ceasefire) cannot fall."""
    base = _p_by(bundled, table, "ceasefire")
    costlier = _p_by(_with_war_costs(bundled, 0.2), table, "ceasefire")
    assert costlier >= base - 1e-12


def test_more_leverage_never_lowers_the_chance_of_a_ceasefire(bundled):
    """A mediator imposing costs on fighting on (Beardsley et al. 2006, manipulative mediation)
    can only bring a freeze within reach for more parties."""
    table = bundled.table("us_mediated")
    stronger = table.mediator.model_copy(update={"leverage": 1.0})
    weaker = table.mediator.model_copy(update={"leverage": 0.0})

    def with_mediator(m):
        tables = tuple(
            t.model_copy(update={"mediator": m}) if t.id == "us_mediated" else t
            for t in bundled.tables
        )
        return bundled.model_copy(update={"tables": tables})

    low = _p_by(with_mediator(weaker), "us_mediated", "ceasefire")
    high = _p_by(with_mediator(stronger), "us_mediated", "ceasefire")
    assert high >= low


# ---------------------------------------------------------------- bad input


def _cli(*args):
    return runner.invoke(build_app(), list(args), catch_exceptions=False)


def test_by_outside_the_horizon_is_invalid_input():
    from detente.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["forecast", "--draws", "50", "--by", "2031-01-01", "--no-sensitivity"])
    assert exc.value.code == 2


def test_by_before_as_of_is_invalid_input():
    from detente.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["forecast", "--draws", "50", "--by", "2020-01-01", "--no-sensitivity"])
    assert exc.value.code == 2


def test_horizon_must_be_positive(bundled):
    from detente.errors import InputError

    with pytest.raises(InputError, match="horizon"):
        ForecastConfig(horizon_months=0).checked(bundled)


def test_by_prints_probabilities_at_that_date(tmp_path):
    out = tmp_path / "f.json"
    from detente.cli import main

    main(
        [
            "forecast",
            "--draws",
            "200",
            "--by",
            "2025-12-31",
            "--no-sensitivity",
            "--json",
            str(out),
        ]
    )
    data = json.loads(out.read_text())
    assert data["meta"]["by"] == "2025-12-31"
    for table in data["tables"].values():
        assert set(table["by"]) == set(QUESTIONS)


# ---------------------------------------------------------------- regressions


def test_deadline_moved_moves_the_talks_deadline(bundled):
    from detente.forecast.tables import plan_table
    from detente.scenario import Intervention

    table = bundled.table("bilateral")
    moved = table.model_copy(
        update={"interventions": (Intervention(kind="deadline_moved", round=1, deadline=7),)}
    )
    tables = tuple(moved if t.id == "bilateral" else t for t in bundled.tables)
    plan = plan_table(bundled.model_copy(update={"tables": tables}), "bilateral")
    assert plan.deadline == 7


def test_weaker_and_stronger_are_read_per_draw(bundled):
    """Without a war model, the two strongest parties are chosen in every draw, not draw 0."""
    from detente.forecast.tables import _weaker_and_stronger, plan_table
    from detente.forecast.typical import modal_inputs

    scenario = bundled.model_copy(update={"war": None})
    plan = plan_table(scenario, "trilateral")
    n, a = 2, len(scenario.actors)
    x = dataclasses.replace(
        modal_inputs(scenario).mapped(lambda v: np.repeat(v, n, axis=0)),
        capability=np.ones((n, a)),
        shock=np.ones((n, len(scenario.tables), a)),
    )
    parties = list(plan.parties)
    x.capability[0, parties] = [10.0, 5.0, 1.0]
    x.capability[1, parties] = [1.0, 5.0, 10.0]
    weaker, stronger = _weaker_and_stronger(plan, x)
    assert stronger.tolist() == [0, 2] and weaker.tolist() == [1, 1]


def test_compare_baseline_is_the_first_table_in_scenario_order(data):
    from detente.forecast import differences

    shuffled = {**data, "tables": dict(sorted(data["tables"].items()))}
    lines = differences(shuffled)
    first = data["meta"]["tables"][0]
    assert all(f"vs {first}" in line for line in lines if " vs " in line)


def test_interventions_take_effect_at_their_month(bundled):
    """A capability shock and a mediator's withdrawal act from the month of their round
    (round / meetings per month), not from the start."""
    from detente.forecast.inputs import input_space, sample
    from detente.forecast.monthly import capability_path, mediator_presence
    from detente.forecast.tables import plan_table
    from detente.scenario import Intervention

    table = bundled.table("us_mediated")
    ivs = (
        Intervention(kind="capability_shock", round=6, actor="ukraine", factor=0.5),
        Intervention(kind="mediator_withdraws", round=9),
    )
    moved = table.model_copy(update={"interventions": ivs, "meetings_per_month": 3.0})
    tables = tuple(moved if t.id == "us_mediated" else t for t in bundled.tables)
    scenario = bundled.model_copy(update={"tables": tables})
    plan = plan_table(scenario, "us_mediated")
    x = sample(input_space(scenario), 20, np.random.default_rng(0))
    x.trend[:] = 0.0
    months = np.arange(6, dtype=float)
    ukraine = [a.id for a in scenario.actors].index("ukraine")
    path = capability_path(plan, x, months)[:, :, ukraine]
    base = x.capability[:, ukraine][:, None]
    assert np.allclose(path[:, :2], base)  # rounds 0-5 fall in months 0 and 1
    assert np.allclose(path[:, 2:], 0.5 * base)
    assert mediator_presence(plan, x, months).tolist() == [1, 1, 1, 0, 0, 0]


def test_a_party_leaving_counts_from_the_month_of_its_round(bundled):
    """Before the month a belligerent leaves, the table can reach a ceasefire; from that month
    on it cannot (both belligerents are needed)."""
    from detente.forecast.inputs import input_space, sample
    from detente.forecast.monthly import table_signals
    from detente.forecast.tables import plan_table
    from detente.scenario import Intervention

    table = bundled.table("us_mediated")
    leaves = Intervention(kind="party_leaves", round=6, actor="ukraine")
    moved = table.model_copy(update={"interventions": (leaves,), "meetings_per_month": 2.0})
    tables = tuple(moved if t.id == "us_mediated" else t for t in bundled.tables)
    scenario = bundled.model_copy(update={"tables": tables})
    plan = plan_table(scenario, "us_mediated")
    x = sample(input_space(scenario), 200, np.random.default_rng(0))
    signals = table_signals(plan, x, "compromise", np.random.default_rng(1), horizon=6)
    assert signals.ceasefire_ok[:, :3].any()  # rounds 0-5 fall in months 0-2
    assert not signals.ceasefire_ok[:, 3:].any() and not signals.agreement_ok[:, 3:].any()
