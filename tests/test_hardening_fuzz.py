"""Property-based fuzzing of every loader: whatever the bytes, the answer is a value or an
InputError (exit code 2 at the command line), never another exception."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.errors import InputError
from detente.parse import parse_json, parse_yaml
from detente.scenario import load_scenario, validate_data
from detente.scenario.ktab import load_ktab

MINIMAL = (Path(__file__).parent / "data" / "minimal.yaml").read_text(encoding="utf-8")
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),  # fmt: skip
    max_leaves=40,
)


PIECES = ["", ":", "-", "[", "]", "{", "}", "\n", "\r", "  ", "&a", "*a", "!!python/object",
          "true", "1e400", "\x00", "é", "'", '"', ","]  # fmt: skip


@st.composite
def mutated(draw, text: str) -> str:
    """``text`` with a few characters deleted, replaced or inserted."""
    chars = list(text)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(chars)))
        action = draw(st.sampled_from(["delete", "insert", "replace"]))
        piece = draw(st.sampled_from(PIECES))
        if action == "delete" and at < len(chars):
            del chars[at]
        elif action == "insert":
            chars[at:at] = list(piece)
        elif at < len(chars):
            chars[at] = piece
    return "".join(chars)


def _only_input_errors(call) -> None:
    try:
        call()
    except InputError as exc:
        assert str(exc).strip()


def _load_text(text: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"case{suffix}"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        _only_input_errors(lambda: load_scenario(path))


@FUZZ
@given(mutated(MINIMAL))
def test_mutated_yaml_scenario(text):
    _load_text(text, ".yaml")


@FUZZ
@given(st.text(max_size=300))
def test_arbitrary_yaml_text(text):
    _only_input_errors(lambda: parse_yaml(text, "x.yaml"))


@FUZZ
@given(json_values)
def test_arbitrary_json_data_as_scenario(value):
    text = json.dumps(value, allow_nan=True)
    _only_input_errors(lambda: validate_data(parse_json(text, "x.json"), text=text))


@FUZZ
@given(mutated(json.dumps(yaml.safe_load(MINIMAL), default=str, indent=1)))
def test_mutated_json_scenario(text):
    _load_text(text, ".json")


KTAB = (
    "Demo,desc,2,2,\nActor,Description,Power,Pstn1,Sal1,Pstn2,Sal2\n"
    "A,a,10,20,50,30,40\nB,b,5,80,40,70,60\n"
)


@FUZZ
@given(mutated(KTAB))
def test_mutated_ktab_csv(text):
    _only_input_errors(lambda: load_ktab(text, "x.csv"))


@FUZZ
@given(st.lists(st.lists(st.text(max_size=6), max_size=8), max_size=6))
def test_arbitrary_ktab_rows(rows):
    text = "\n".join(",".join(r) for r in rows)
    _only_input_errors(lambda: load_ktab(text, "x.csv"))


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_as_scenario_files(raw):
    for suffix in (".yaml", ".json", ".csv"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"case{suffix}"
            path.write_bytes(raw)
            _only_input_errors(lambda p=path: load_scenario(p))


DEU_HEAD = "issue\tp1\ts1\tp2\ts2\trp\tout\n"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["", "1", "50", "x", "-3", "1e400", "nan", "100"]),
                         min_size=7, max_size=7), max_size=5))  # fmt: skip
def test_deu_rows(rows):
    from detente.validate.deu import read_deu

    text = DEU_HEAD + "".join("\t".join(r) + "\n" for r in rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deu.tsv"
        path.write_text(text, encoding="utf-8")
        _only_input_errors(lambda: read_deu(path))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_deu_bytes(raw):
    from detente.validate.deu import read_deu

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deu.tsv"
        path.write_bytes(raw)
        _only_input_errors(lambda: read_deu(path))


@FUZZ
@given(st.lists(json_values | st.text(max_size=30), max_size=5))
def test_gold_lines(items):
    from detente.evidence import read_gold

    lines = [json.dumps(i) if not isinstance(i, str) else i for i in items]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gold.jsonl"
        path.write_text("\n".join(lines), encoding="utf-8")
        _only_input_errors(lambda: read_gold(path))


@FUZZ
@given(st.binary(max_size=300))
def test_gold_bytes(raw):
    from detente.evidence import read_gold

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gold.jsonl"
        path.write_bytes(raw)
        _only_input_errors(lambda: read_gold(path))


@settings(max_examples=80, deadline=None)
@given(
    st.binary(max_size=600) | st.text(max_size=600).map(lambda t: t.encode("utf-8", "replace")),
    st.sampled_from([".txt", ".md", ".html"]),
)
def test_articles_read_and_extract(raw, suffix):
    from detente.evidence import load_gazetteer, load_lexicon
    from detente.evidence.extract import extract
    from detente.evidence.reader import Article, Skipped, read_article

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"a{suffix}"
        path.write_bytes(raw)
        article = read_article(path)
    assert isinstance(article, Article | Skipped)
    if isinstance(article, Article):
        found = extract(article.text, load_gazetteer(), load_lexicon())
        for claim in found.claims:
            assert 0 <= claim.start <= claim.end <= len(article.text)


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_fuzz_seed_files_are_valid(suffix, tmp_path):
    """The mutation fuzzers start from valid files (so they probe near-valid input)."""
    text = MINIMAL if suffix == ".yaml" else json.dumps(yaml.safe_load(MINIMAL), default=str)
    path = tmp_path / f"ok{suffix}"
    path.write_text(text, encoding="utf-8")
    assert load_scenario(path).id == "minimal"
    assert load_ktab(KTAB).actors[0].id == "a"
