"""Hostile scenario files fail at ``scenario validate`` with file, line and field, exit 2."""

from __future__ import annotations

import json

import pytest

from detente.parse import MAX_DEPTH, parse_json, parse_yaml

# (case, old text, new text, expected line, expected field, expected words)
EDITS = [
    (
        "one party",
        "parties: [a, b]\n  - id: mediated",
        "parties: [a]\n  - id: mediated",
        40,
        "tables[0].parties",
        "at least 2",
    ),
    (
        "party twice",
        "parties: [a, b]\n  - id: mediated",
        "parties: [a, a]\n  - id: mediated",
        40,
        "tables[0].parties",
        "'a' is listed twice",
    ),
    (
        "capability true",
        "capability: 40",
        "capability: true",
        17,
        "actors[1].capability",
        "boolean true",
    ),
    (
        "deadline true",
        "parties: [a, b]\n  - id: mediated",
        "parties: [a, b]\n    deadline: true\n  - id: mediated",
        41,
        "tables[0].deadline",
        "boolean",
    ),
    (
        "capability huge",
        "capability: 40",
        "capability: 1e300",
        17,
        "actors[1].capability",
        "<= 1e+09",
    ),
    ("salience huge", "salience: 90", "salience: 1.0e300", 33, "positions[0].salience", "[0, 100]"),
    (
        "deadline huge",
        "parties: [a, b]\n  - id: mediated",
        "parties: [a, b]\n    deadline: 1000000000000\n  - id: mediated",
        41,
        "tables[0].deadline",
        "less than or equal to 1000",
    ),
    (
        "intervention round huge",
        "{kind: mediator_withdraws, round: 10}",
        "{kind: mediator_withdraws, round: 99999999}",
        48,
        "tables[1].interventions[0].round",
        "less than or equal to 1000",
    ),
    (
        "duplicate key",
        "  - id: b\n    name: Party B\n",
        "  - id: b\n    name: Party B\n    id: c\n",
        16,
        "actors[1].id",
        "duplicate key 'id'",
    ),
]


@pytest.mark.parametrize("case, old, new, line, field, words", EDITS, ids=[e[0] for e in EDITS])
def test_hostile_yaml_edit_is_located(
    case, old, new, line, field, words, minimal_scenario_path, tmp_path, cli_error
):
    text = minimal_scenario_path.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    message = cli_error(["scenario", "validate", str(path)])
    assert f"{path}:{line}: {field}:" in message
    assert words in message


def test_every_capability_zero(minimal_scenario_path, tmp_path, cli_error):
    text = minimal_scenario_path.read_text(encoding="utf-8")
    text = text.replace("{low: 40, mode: 60, high: 80}", "0").replace("capability: 40", "0")
    text = text.replace("capability: 30", "capability: 0").replace("\n    0\n", "\n")
    text = text.replace("kind: state\n    0", "kind: state\n    capability: 0")
    path = tmp_path / "zero.yaml"
    path.write_text(text, encoding="utf-8")
    message = cli_error(["scenario", "validate", str(path)])
    assert "capability" in message and "zero" in message and f"{path}:" in message


def test_table_whose_parties_have_no_capability(minimal_scenario_path, tmp_path, cli_error):
    text = minimal_scenario_path.read_text(encoding="utf-8")
    text = text.replace("{low: 40, mode: 60, high: 80}", "0").replace("capability: 40", "cap0")
    text = text.replace("cap0", "capability: 0")
    path = tmp_path / "zero.yaml"
    path.write_text(text, encoding="utf-8")
    message = cli_error(["scenario", "validate", str(path)])
    assert "tables[0].parties" in message and "capability zero" in message


def test_fewer_than_two_actors(tmp_path, cli_error):
    data = {
        "id": "solo",
        "name": "Solo",
        "actors": [{"id": "a", "name": "A", "kind": "state", "capability": 1}],
        "issues": [
            {
                "id": "i",
                "name": "I",
                "anchors": [{"value": 0, "label": "x"}, {"value": 100, "label": "y"}],
            }
        ],
    }
    path = tmp_path / "solo.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    message = cli_error(["scenario", "validate", str(path)])
    assert f"{path}:" in message and "actors" in message and "at least 2" in message


def test_duplicate_json_key_names_line_and_field(tmp_path, cli_error):
    path = tmp_path / "dup.json"
    path.write_text('{\n "id": "x",\n "name": "X",\n "id": "y"\n}\n', encoding="utf-8")
    message = cli_error(["scenario", "validate", str(path)])
    assert f"{path}:4: id: duplicate key 'id'" in message


@pytest.mark.parametrize(
    "name, text",
    [
        ("deep.yaml", "id: x\nactors: " + "[" * 500 + "]" * 500 + "\n"),
        ("deep.json", '{"id": "x",\n "actors": ' + "[" * 500 + "]" * 500 + "}"),
        ("deep-block.yaml", "id: x\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(500))),
    ],
)
def test_deep_nesting_is_refused(name, text, tmp_path, cli_error):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    message = cli_error(["scenario", "validate", str(path)])
    assert f"nested more than {MAX_DEPTH} levels" in message and f"{path}:" in message


def test_nesting_limit_leaves_brackets_inside_strings_alone():
    assert parse_json('{"a": "' + "[" * 100 + '"}') == {"a": "[" * 100}
    assert parse_yaml("a: '" + "[" * 100 + "'") == {"a": "[" * 100}


def test_yaml_alias_bomb_is_refused():
    lines = ["a0: &a0 [1, 1]"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 80)]
    with pytest.raises(Exception, match="aliases"):
        parse_yaml("\n".join(lines))


KTAB_HEAD = "Demo,desc,{n},1,\nActor,Description,Power,Pstn1,Sal1,\n"


@pytest.mark.parametrize(
    "rows, n, line, words",
    [
        ("A,first,10,20,50,\nB,second,5,80,40,\nA,third,5,80,40,\n", 3, 5, "duplicate actor 'A'"),
        ("A,first,10,20,50,\n", 1, 1, "expected 2 to 200 actors"),
        ("A,first,0,20,50,\nB,second,0,80,40,\n", 2, 3, "capability is zero"),
        ("A,first,1e300,20,50,\nB,second,5,80,40,\n", 2, 3, "Power"),
        ("A,first,10,20,1e300,\nB,second,5,80,40,\n", 2, 3, "Sal1"),
    ],
)
def test_bad_ktab_rows_name_their_line(rows, n, line, words, tmp_path, cli_error):
    path = tmp_path / "bad.csv"
    path.write_text(KTAB_HEAD.format(n=n) + rows, encoding="utf-8")
    message = cli_error(["scenario", "validate", str(path)])
    assert f"{path}:{line}" in message and words in message
