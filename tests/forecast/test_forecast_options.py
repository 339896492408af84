"""Engine options through the forecast: validated against the engine's typed options, passed to
every run of the chosen engine (the other engines of the comparison keep their defaults),
recorded in the forecast's meta, and refused in one line naming the option (CLI and API)."""

from __future__ import annotations

import hashlib
import json
import sys

import pytest

from detente.cli import in_flag_terms, main
from detente.engines.base import CheckedRun
from detente.errors import InputError
from detente.forecast import ForecastConfig, run_forecast, table_drivers, to_data, to_json
from detente.scenario import dump_json, load_scenario

SCENARIO = load_scenario("ukraine-2025")
DRAWS = 120


def _forecast(engine: str = "bdm", options=(), **kwargs):
    config = ForecastConfig(draws=DRAWS, seed=4, engine=engine, engine_options=options, **kwargs)
    return run_forecast(SCENARIO, config)


# Validation -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "engine, options, field, words",
    [
        ("bdm", {"tolerance": -1}, "engine_options.tolerance", "greater than 0"),
        ("bdm", {"outcome": "mode"}, "engine_options.outcome", "'median' or 'mean'"),
        ("bdm", {"rounds": 3}, "engine_options.rounds", "unknown option 'rounds'"),
        ("smp", (("transition", "wild"),), "engine_options.transition", "deterministic"),
        ("compromise", {"max_rounds": 3}, "engine_options.max_rounds", "unknown option"),
        ("protocol", {"q": 0.5}, "engine_options.q", "protocol engine takes no engine options"),
    ],
)
def test_a_bad_option_is_invalid_input_naming_it(engine, options, field, words):
    config = ForecastConfig(draws=10, engine=engine, engine_options=options)
    with pytest.raises(InputError) as err:
        config.checked(SCENARIO)
    assert err.value.field == field and words in err.value.message


def test_checked_options_are_typed_complete_and_sorted():
    config = ForecastConfig(engine="bdm", engine_options={"max_rounds": "5", "capitulation": "no"})
    options = dict(config.checked(SCENARIO).engine_options)
    assert options["max_rounds"] == 5 and options["capitulation"] is False
    assert options["outcome"] == "median"  # a default, recorded too
    names = [name for name, _ in config.checked(SCENARIO).engine_options]
    assert names == sorted(names)
    assert ForecastConfig(engine="protocol").checked(SCENARIO).engine_options == ()
    assert ForecastConfig().checked(SCENARIO).engine_options == ()  # compromise has none


# The options reach the engine -------------------------------------------------------------------


def test_every_run_of_the_chosen_engine_gets_the_options_the_others_their_defaults(monkeypatch):
    calls: list[tuple[str, dict, frozenset[str]]] = []
    original = CheckedRun.__call__

    def spy(self, inp, rng=None, record_trajectory=True, **options):
        frame, callers = sys._getframe(1), set()
        while frame is not None and len(callers) < 6:
            callers.add(frame.f_code.co_name)
            frame = frame.f_back
        calls.append((self.name, options, frozenset(callers)))
        return original(self, inp, rng=rng, record_trajectory=record_trajectory, **options)

    monkeypatch.setattr(CheckedRun, "__call__", spy)
    config = ForecastConfig(draws=60, seed=1, engine="bdm", engine_options={"outcome": "mean"})
    run = run_forecast(SCENARIO, config, compare_engines=True)
    table_drivers(SCENARIO, run.config, trajectories=2)
    chosen = [c for c in calls if c[0] == "bdm"]
    assert all(options["outcome"] == "mean" for _, options, _ in chosen)
    assert all(options == {} for name, options, _ in calls if name != "bdm")
    reached = set().union(*(callers for _, _, callers in chosen))
    for path in ("evaluate_table", "deal_terms", "_texts", "engine_comparison", "table_drivers"):
        assert path in reached, path
    assert {name for name, _, _ in calls} > {"bdm"}  # the comparison ran the other engines


def test_an_option_changes_the_forecast_and_the_meta_records_it():
    default = to_data(_forecast())
    mean = to_data(_forecast(options={"outcome": "mean"}))
    assert default["meta"]["engine_options"]["outcome"] == "median"
    assert mean["meta"]["engine_options"]["outcome"] == "mean"
    assert (
        mean["meta"]["engine_options"]["max_rounds"]
        == default["meta"]["engine_options"]["max_rounds"]
    )
    assert mean["tables"] != default["tables"]
    assert to_data(_forecast("compromise"))["meta"]["engine_options"] == {}


def test_same_options_and_seed_give_the_same_bytes_however_the_values_are_written():
    typed = to_json(_forecast(options={"max_rounds": 2, "capitulation": False}))
    again = to_json(_forecast(options=(("max_rounds", 2), ("capitulation", False))))
    text = to_json(_forecast(options={"capitulation": "false", "max_rounds": "2"}))
    assert typed == again == text
    assert typed != to_json(_forecast())


# Command line ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, shown",
    [
        (["forecast", "--engine", "bdm", "-o", "tolerance=-1"], "--option tolerance:"),
        (["forecast", "--engine", "bdm", "-o", "speed=3"], "--option speed: unknown option"),
        (["forecast", "--engine", "protocol", "-o", "q=1"], "--option q: the protocol engine"),
        (["forecast", "-o", "max_rounds"], "--option: expected name=value"),
        (["compare", "--engine", "smp", "-o", "transition=wild"], "--option transition:"),
        (
            [
                "sweep",
                "--vary",
                "actors[ukraine].capability=20:40:2",
                "-o",
                "OUT",
                "--engine",
                "exchange",
                "--option",
                "max_rounds=0",
            ],
            "--option max_rounds:",
        ),  # fmt: skip
    ],
)
def test_cli_refuses_a_bad_option_in_one_line(tmp_path, capsys, args, shown):
    args = [str(tmp_path / "s.pq") if a == "OUT" else a for a in args]
    with pytest.raises(SystemExit) as exit_:
        main([*args, "-n", "20"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and shown in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_cli_forecast_passes_options_and_says_so(tmp_path, capsys):
    out = tmp_path / "f.json"
    main(["forecast", "-n", "40", "--no-sensitivity", "--engine", "bdm", "-o", "outcome=mean",
          "-o", "max_rounds=7", "--json", str(out)])  # fmt: skip
    meta = json.loads(out.read_text())["meta"]
    assert meta["engine_options"]["outcome"] == "mean" and meta["engine_options"]["max_rounds"] == 7
    said = " ".join(capsys.readouterr().out.split())
    assert "engine bdm" in said and "max_rounds=7" in said and "outcome=mean" in said


@pytest.mark.parametrize(
    "field, flag",
    [
        ("draws", "--draws"),
        ("seed", "--seed"),
        ("tables", "--tables"),
        ("baseline", "--baseline"),
        ("scheduler", "--scheduler"),
        ("backend", "--backend"),
        ("engine_options.tolerance", "--option tolerance"),
        ("vary tables[x].mediator.bias=0:1:2", "--vary tables[x].mediator.bias=0:1:2"),
        ("horizon_months", "--horizon"),
        ("chunk_size", "chunk_size"),
    ],
)
def test_parameter_names_become_flags_on_the_command_line(field, flag):
    assert in_flag_terms(InputError("bad", field=field)).field == flag


def test_a_field_of_a_file_is_not_taken_for_a_flag():
    error = InputError("two snapshots share the as_of", file="s.yaml", field="as_of")
    assert in_flag_terms(error).field == "as_of"


def test_forecast_layers_raise_with_parameter_names_not_flags():
    from detente.forecast import backend_for
    from detente.forecast.sweep import parse_vary

    with pytest.raises(InputError) as err:
        ForecastConfig(draws=0).checked(SCENARIO)
    assert err.value.field == "draws"
    with pytest.raises(InputError) as err:
        backend_for("cloud")
    assert err.value.field == "backend"
    with pytest.raises(InputError) as err:
        parse_vary("actors[ukraine].mood=1:2:2")
    assert err.value.field == "vary actors[ukraine].mood=1:2:2"


# Web API ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from detente.web import create_app

    app = create_app(tmp_path_factory.mktemp("web-options"))
    return TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False)


@pytest.mark.parametrize(
    "body, status, words",
    [
        ({"engine": "bdm", "engine_options": {"tolerance": -1}}, 400, "engine_options.tolerance"),
        ({"engine": "bdm", "engine_options": {"speed": 2}}, 400, "engine_options.speed"),
        ({"engine": "protocol", "engine_options": {"q": 1}}, 400, "engine_options.q"),
        ({"engine": "bdm", "engine_options": {"q": [1, 2]}}, 422, "engine_options"),
        ({"engine": "bdm", "engine_options": ["q"]}, 422, "engine_options"),
    ],
)
def test_api_refuses_a_bad_option_naming_it(client, body, status, words):
    response = client.post("/api/forecast", json={"draws": 20, **body})
    assert response.status_code == status and words in response.json()["error"]


def test_api_runs_with_the_options_and_keeps_them_apart_from_the_default(client):
    body = {"draws": 40, "seed": 2, "engine": "bdm"}
    plain = client.post("/api/forecast", json=body).json()
    mean = client.post("/api/forecast", json={**body, "engine_options": {"outcome": "mean"}})
    assert mean.status_code == 200
    data = mean.json()
    assert data["forecast"]["meta"]["engine_options"]["outcome"] == "mean"
    assert plain["forecast"]["meta"]["engine_options"]["outcome"] == "median"
    assert data["run"] != plain["run"] and not data["cached"]
    assert data["forecast"]["tables"] != plain["forecast"]["tables"]


def test_the_work_budget_counts_a_raised_round_cap():
    from detente.web.service import ForecastRequest, checked_request

    req = ForecastRequest(draws=2_000, engine="exchange")
    checked_request(SCENARIO, req)  # within the budget at the default cap
    raised = req.model_copy(update={"engine_options": {"max_rounds": 10_000}})
    with pytest.raises(InputError) as err:
        checked_request(SCENARIO, raised)
    assert "too large" in err.value.message


def test_request_identity_without_options_is_what_it_was():
    from detente.web.service import ForecastRequest, request_key

    req = ForecastRequest(draws=50)
    inputs = req.model_dump(mode="json", exclude={"charts", "engine_options"})
    text = dump_json(SCENARIO) + json.dumps(inputs, sort_keys=True)
    assert request_key(SCENARIO, req) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    other = ForecastRequest(draws=50, engine="bdm", engine_options={"outcome": "mean"})
    assert request_key(SCENARIO, other) != request_key(SCENARIO, other.model_copy(
        update={"engine_options": {}}
    ))  # fmt: skip
