"""Scenario files: exact round trips, and one clear line (file, line, field) for bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.cli import main
from detente.errors import InputError
from detente.scenario import dump_json, dump_yaml, export_scenario, load_scenario, validate_data
from detente.scenario.ktab import parse_ktab_csv, scenario_from_ktab

MINIMAL_TEXT_CACHE: dict[str, str] = {}


def _minimal_text(path) -> str:
    if "t" not in MINIMAL_TEXT_CACHE:
        MINIMAL_TEXT_CACHE["t"] = path.read_text(encoding="utf-8")
    return MINIMAL_TEXT_CACHE["t"]


def _write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


BAD_EDITS = [
    # (description, old, new, expected line, expected field, expected words)
    ("missing field", "    name: Party B\n", "", 14, "actors[1].name", "Field required"),
    (
        "unknown actor",
        "actor: a, issue: pact",
        "actor: zz, issue: pact",
        34,
        "positions[1].actor",
        "unknown actor 'zz'",
    ),
    (
        "unknown issue",
        "actor: a, issue: pact",
        "actor: a, issue: nope",
        34,
        "positions[1].issue",
        "unknown issue 'nope'",
    ),
    ("duplicate id", "  - id: m\n", "  - id: b\n", 18, "actors[2].id", "duplicate id 'b'"),
    (
        "salience out of range",
        "salience: 90",
        "salience: 190",
        33,
        "positions[0].salience",
        "expected a value in [0, 100]",
    ),
    (
        "position out of range",
        "ideal: 100, salience: 80",
        "ideal: -5, salience: 80",
        35,
        "positions[2].ideal",
        "expected a value in [0, 100]",
    ),
    (
        "range low > high",
        "{low: 40, mode: 60, high: 80}",
        "{low: 70, mode: 60, high: 80}",
        12,
        "actors[0].capability",
        "low <= mode <= high",
    ),
    (
        "wrong type",
        "capability: 40",
        "capability: strong",
        17,
        "actors[1].capability",
        "valid number",
    ),
]


@pytest.mark.parametrize(
    "what, old, new, line, field, words", BAD_EDITS, ids=[b[0] for b in BAD_EDITS]
)
def test_bad_scenario_gives_one_line_with_file_line_field(
    what, old, new, line, field, words, minimal_scenario_path, tmp_path, cli_error
):
    text = _minimal_text(minimal_scenario_path)
    assert old in text
    path = _write(tmp_path, "bad.yaml", text.replace(old, new, 1))
    message = cli_error(["scenario", "validate", str(path)])
    assert f"{path}:{line}: {field}:" in message
    assert words in message


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("empty.yaml", "  \n", "empty file"),
        ("binary.yaml", b"\x89PNG\x00\x01\x02", "binary file"),
        ("latin1.yaml", "name: Kyiv\xe9".encode("latin-1"), "invalid UTF-8"),
        ("broken.yaml", "id: x\nactors: [\n", "malformed YAML"),
        ("broken.json", '{"id": "x",\n "actors": [}', "malformed JSON"),
        ("list.yaml", "- a\n- b\n", "expected a mapping"),
        ("notes.txt", "hello", "unknown file type"),
    ],
)
def test_unreadable_files_are_invalid_input(name, content, words, tmp_path, cli_error):
    path = _write(tmp_path, name, content)
    message = cli_error(["scenario", "validate", str(path)])
    assert str(path) in message and words in message


def test_malformed_json_names_the_line(tmp_path, cli_error):
    path = _write(tmp_path, "broken.json", '{"id": "x",\n "actors": [}')
    assert f"{path}:2:" in cli_error(["scenario", "validate", str(path)])


def test_oversized_file_is_refused_without_parsing(tmp_path, cli_error):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as f:
        f.seek(10 * 1024 * 1024 + 10)
        f.write(b"x")
    assert "larger than the 10 MB limit" in cli_error(["scenario", "validate", str(path)])


def test_missing_file(tmp_path, cli_error):
    assert "no such file" in cli_error(["scenario", "validate", str(tmp_path / "no.yaml")])


KTAB_OK = (
    "Demo,desc,2,1,\nActor,Description,Power,Pstn1,Sal1,\nA,first,10,20,50,\nB,second,5,80,40,\n"
)


@pytest.mark.parametrize(
    "content, line, words",
    [
        (KTAB_OK.replace("Demo,desc,2,1,", "Demo,desc,3,1,"), 3, "expected 3 actor rows"),
        (KTAB_OK.replace("B,second,5,80,40,", "B,second,5,eighty,40,"), 4, "expected a number"),
        (KTAB_OK.replace("B,second,5,80,40,", "B,second,5,180,40,"), 4, "[0, 100]"),
        (KTAB_OK.replace("Power", "Strength"), 2, "expected header"),
        (KTAB_OK.replace("A,first,10,20,50,", "A,first,10,20,"), 3, "expected 5 cells"),
    ],
)
def test_bad_ktab_csv(content, line, words, tmp_path, cli_error):
    path = _write(tmp_path, "bad.csv", content)
    message = cli_error(["scenario", "validate", str(path)])
    assert f"{path}:{line}" in message and words in message


def test_ktab_csv_reads_ktab_style_files(tmp_path):
    data = parse_ktab_csv(KTAB_OK)
    assert data.actor_names == ("A", "B") and data.position.tolist() == [[20.0], [80.0]]
    scenario = scenario_from_ktab(data)
    assert [a.id for a in scenario.actors] == ["a", "b"]


# --- hypothesis: generated valid scenarios round-trip exactly --------------------------------

ids = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)
scale = st.floats(0, 100, allow_nan=False)


@st.composite
def judgments(draw, lo=0.0, hi=100.0):
    if draw(st.booleans()):
        return draw(st.floats(lo, hi, allow_nan=False))
    a, b, c = sorted(draw(st.lists(st.floats(lo, hi, allow_nan=False), min_size=3, max_size=3)))
    return {"low": a, "mode": b, "high": c}


@st.composite
def scenarios(draw):
    actor_ids = draw(st.lists(ids, min_size=2, max_size=4, unique=True))
    issue_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    sal_cap = 100.0 / len(issue_ids)  # per-actor saliences stay within KTAB's sum <= 100
    # the first party has some capability: a table where every party has none is invalid
    actors = [
        {"id": a, "name": a.upper(), "kind": "state", "capability": draw(judgments(k == 0, 500))}
        for k, a in enumerate(actor_ids)
    ]
    issues = [
        {
            "id": i,
            "name": f"Issue {i}",
            "anchors": [{"value": 0.0, "label": "low"}, {"value": 100.0, "label": "high"}],
            "status_quo": draw(judgments()),
        }
        for i in issue_ids
    ]
    positions = [
        {
            "actor": a,
            "issue": i,
            "ideal": draw(judgments()),
            "salience": draw(judgments(0, sal_cap)),
        }
        for a in actor_ids
        for i in issue_ids
    ]
    tables = [{"id": "t", "name": "Table", "parties": actor_ids[:2]}]
    return {
        "id": "gen",
        "name": "Generated",
        "actors": actors,
        "issues": issues,
        "positions": positions,
        "tables": tables,
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_generated_scenarios_round_trip_yaml_and_json(data):
    scenario = validate_data(data)
    assert validate_data(yaml.safe_load(dump_yaml(scenario))) == scenario
    assert validate_data(json.loads(dump_json(scenario))) == scenario


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_generated_scenarios_round_trip_ktab_csv_for_the_fields_it_carries(data):
    from detente.scenario import mode_arrays

    scenario = validate_data(data)
    back = scenario_from_ktab(parse_ktab_csv(export_scenario(scenario, "ktab-csv")))
    before, after = mode_arrays(scenario), mode_arrays(back)
    assert before.actor_ids == after.actor_ids
    assert before.capability.tolist() == after.capability.tolist()
    assert before.ideal.tolist() == after.ideal.tolist()
    np.testing.assert_allclose(before.salience, after.salience, atol=1e-9)


# --- the bundled case (its data checks live in test_scenario_ukraine.py) -----------------------


@pytest.mark.parametrize("fmt", ["yaml", "json", "ktab-csv"])
def test_export_bundled_case(fmt, capsys):
    main(["scenario", "export", "--to", fmt])
    out = capsys.readouterr().out
    assert out.strip()
    if fmt != "ktab-csv":
        loader = yaml.safe_load if fmt == "yaml" else json.loads
        assert validate_data(loader(out)) == load_scenario("ukraine-2025")


def test_show_prints_the_tables(capsys):
    main(["scenario", "show"])
    out = capsys.readouterr().out
    for table_id in ("bilateral", "us_mediated", "backchannel", "europe_led"):
        assert table_id in out


def test_unknown_bundled_name_is_invalid_input():
    with pytest.raises(InputError):
        load_scenario("atlantis-2030")
