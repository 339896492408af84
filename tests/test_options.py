"""Typed options of engines, protocols and strategies: parsing, the CLI's -o, run metadata."""

from __future__ import annotations

import contextlib
import json

import pytest

from detente.cli import main
from detente.engines import engine_choices, engine_names, get_engine, options_by_engine
from detente.errors import InputError
from detente.options import checked, parse_assignments


def test_assignments_parse_none_and_reject_malformed():
    assert parse_assignments(["a=1", "b = none", "c=x=y"]) == {"a": "1", "b": None, "c": "x=y"}
    with pytest.raises(InputError):
        parse_assignments(["novalue"])


def test_checked_converts_text_and_names_the_option():
    spec = get_engine("bdm")
    typed = checked(spec.options, {"max_rounds": "7", "shift_stop": None})
    assert typed.max_rounds == 7 and typed.shift_stop is None
    with pytest.raises(InputError, match="unknown option 'speed'"):
        checked(spec.options, {"speed": "1"})


def test_options_go_to_the_engines_that_declare_them():
    shared = options_by_engine({"max_rounds": "5", "bdm.outcome": "mean"})
    assert shared["bdm"] == {"max_rounds": "5", "outcome": "mean"}
    assert shared["smp"] == {"max_rounds": "5"} and shared["compromise"] == {}
    with pytest.raises(InputError):
        options_by_engine({"compromise.max_rounds": "5"})
    with pytest.raises(InputError):
        options_by_engine({"oracle.x": "1"})


def test_run_records_options_and_help_lists_every_engine(tmp_path, capsys):
    out = tmp_path / "run.json"
    main(["run", "bdm", "-o", "max_rounds=3", "-o", "shift_stop=none", "--json", str(out)])
    data = json.loads(out.read_text())
    assert data["options"]["max_rounds"] == 3 and data["options"]["shift_stop"] is None
    capsys.readouterr()
    with contextlib.suppress(SystemExit):
        main(["run", "--help"])
    text = capsys.readouterr().out
    for name in engine_names():
        assert f"{name}:" in text
        for option in get_engine(name).options.model_fields:
            assert f"-o {option}=" in text


def test_run_bad_option_exits_2_in_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "compromise", "-o", "speed=3"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "speed" in err and "\n" not in err


def test_negotiate_records_typed_options_and_maps_fields_to_flags(tmp_path, capsys):
    out = tmp_path / "n.json"
    main(["negotiate", "--table", "us_mediated", "-o", "mediator_step=0.2", "--json", str(out)])
    data = json.loads(out.read_text())
    assert data["options"]["protocol"]["mediator_step"] == 0.2
    assert data["options"]["strategies"][0]["kind"] == "time"
    with pytest.raises(SystemExit) as exit_info:
        main(["negotiate", "--table", "us_mediated", "-o", "patience=2"])
    assert exit_info.value.code == 2
    assert "--option" in capsys.readouterr().err


def test_one_engine_list_in_errors_and_the_api(tmp_path):
    from fastapi.testclient import TestClient

    from detente.web.app import create_app

    with pytest.raises(InputError) as info:
        get_engine("oracle")
    assert all(name in str(info.value) for name in engine_choices())
    client = TestClient(create_app(tmp_path), base_url="http://127.0.0.1")
    assert client.get("/api/engines").json() == list(engine_choices())
