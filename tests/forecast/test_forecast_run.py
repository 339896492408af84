"""The forecast end to end: determinism, coherent outputs, clear errors, directional checks."""

from __future__ import annotations

import json

import numpy as np
import pytest

from detente.cli import main
from detente.errors import InputError
from detente.forecast import ForecastConfig, run_forecast, to_data, to_json
from detente.forecast.inputs import input_space, materialize
from detente.forecast.outcomes import WAR
from detente.forecast.tables import evaluate_table, judge_text, plan_table
from detente.scenario import load_scenario


@pytest.fixture
def minimal(minimal_scenario_path):
    return load_scenario(minimal_scenario_path)


def test_same_seed_same_bytes_other_seed_other_numbers(minimal):
    config = ForecastConfig(draws=3_000, seed=11, chunk_size=1_000)
    first = to_json(run_forecast(minimal, config))
    again = to_json(run_forecast(minimal, config))
    other = to_json(run_forecast(minimal, ForecastConfig(draws=3_000, seed=12, chunk_size=1_000)))
    assert first == again
    assert first != other


def test_outputs_are_coherent(minimal):
    data = to_data(run_forecast(minimal, ForecastConfig(draws=2_000, seed=3)))
    assert set(data["tables"]) == {"direct", "mediated"}
    for t in data["tables"].values():
        classes = t["outcome_classes"]
        assert sum(c["draws"] for c in classes.values()) == 2_000
        assert sum(c["p"] for c in classes.values()) == pytest.approx(1.0)
        for c in classes.values():
            assert c["low"] <= c["p"] <= c["high"]
        for s in t["settlement"].values():
            if s["draws"]:
                assert s["p10"] <= s["median"] <= s["p90"]
        for name in ("settlement", "ceasefire"):
            values = [v for v in t["durability"][name].values() if v is not None]
            assert values == sorted(values, reverse=True)
            assert all(0.0 <= v <= 1.0 for v in values)
    meta = data["meta"]
    assert meta["seed"] == 3 and meta["engine"] == "compromise" and len(meta["input_hash"]) == 64
    assert meta["sources"] == ["s1"]


@pytest.mark.parametrize(
    "config, field",
    [
        (ForecastConfig(draws=0), "draws"),
        (ForecastConfig(draws=10**9), "draws"),
        (ForecastConfig(tables=("nowhere",)), "tables"),
        (ForecastConfig(engine="oracle"), "engine"),
        (ForecastConfig(seed=-1), "seed"),
    ],
)
def test_bad_config_is_invalid_input(minimal, config, field):
    with pytest.raises(InputError) as err:
        run_forecast(minimal, config)
    assert err.value.field == field


def test_cli_bad_input_exits_2_without_traceback(minimal_scenario_path, capsys):
    for args in (["--draws", "0"], ["--tables", "nowhere"], ["--engine", "oracle"]):
        with pytest.raises(SystemExit) as exit_info:
            main(["forecast", str(minimal_scenario_path), *args])
        assert exit_info.value.code == 2
        err = capsys.readouterr().err
        assert "error:" in err and "Traceback" not in err


def test_cli_writes_the_json_it_summarises(minimal_scenario_path, tmp_path, capsys):
    out = tmp_path / "f.json"
    main(["forecast", str(minimal_scenario_path), "-n", "1000", "--json", str(out)])
    data = json.loads(out.read_text())
    assert data["meta"]["draws"] == 1000
    assert "direct" in capsys.readouterr().out


def test_mediator_pressure_never_makes_war_likelier_for_a_given_text():
    bundled = load_scenario("ukraine-2025")
    space = input_space(bundled)
    x = materialize(space, np.random.default_rng(5).random((4_000, space.dim)))
    plan = plan_table(bundled, "us_mediated")
    text = evaluate_table(plan, x, "compromise", np.random.default_rng(0)).outcome
    rates = []
    for leverage in (0.0, 0.5, 1.0):
        x.leverage[:, plan.index] = leverage
        rates.append(float((judge_text(plan, x, text).klass != WAR).mean()))
    assert rates == sorted(rates)
    assert rates[-1] > rates[0]


def test_compare_names_differences_against_a_baseline(tmp_path, capsys):
    out = tmp_path / "f.json"
    main(["forecast", "-n", "4000", "--no-sensitivity", "--json", str(out)])
    capsys.readouterr()
    main(["compare", "--from", str(out), "--baseline", "bilateral"])
    text = capsys.readouterr().out
    assert "vs bilateral" in text
    assert "us_mediated vs bilateral: ceasefire frozen conflict" in text


def test_compare_rejects_a_file_that_is_not_a_forecast(tmp_path, capsys):
    bad = tmp_path / "x.json"
    bad.write_text("[1, 2]")
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", "--from", str(bad)])
    assert exit_info.value.code == 2


def test_sensitivity_ranks_uncertain_inputs(minimal):
    from detente.forecast import table_drivers

    drivers = table_drivers(minimal, ForecastConfig(draws=10, seed=0).checked(minimal))
    assert set(drivers) == {"direct", "mediated"}
    names = {name for ranked in drivers["direct"].values() for name, _ in ranked}
    assert names <= {
        "capability[a]",
        "status_quo[pact]",
        "ideal[b, pact]",
        "war_cost[a]",
        "leverage[mediated]",
    }
    assert drivers["direct"]["outcome:land"][0][0] == "capability[a]"


def test_forecast_with_the_tables_own_protocols(tmp_path):
    bundled = load_scenario("ukraine-2025")
    config = ForecastConfig(draws=2_000, seed=2, engine="protocol")
    first = to_json(run_forecast(bundled, config))
    assert first == to_json(run_forecast(bundled, config))
    data = json.loads(first)
    assert data["meta"]["engine"] == "protocol"
    backchannel = data["tables"]["backchannel"]["outcome_classes"]
    assert backchannel["comprehensive_settlement"]["p"] < 0.05  # Ukraine leaves the US–Russia text
