"""The learned stance model: training is deterministic and holds whole documents out, the
bundled model is reproduced from the gold files and never saw the last held-out set, a model
file is validated, and ingest with a model keeps its probabilities (docs/evidence.md, "Stance
model")."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from detente.evidence import (
    annotated_documents,
    claims,
    cross_validate,
    gold_claims,
    ingest,
    open_store,
    read_stance_model,
)
from detente.evidence.stance_model import STANCES, bundled_model, fit, model_from_json

DATA = Path(__file__).parents[1] / "data" / "evidence"
MODEL = Path(__file__).parents[2] / "src" / "detente" / "data" / "stance_model.json"
TRAINING_SETS = ("dev", "test", "test2", *(f"test{k}" for k in range(3, 16)))
TRAINING_GOLD = [DATA / f"gold-unseen-{h}.jsonl" for h in TRAINING_SETS]

needs_parser = pytest.mark.skipif(
    not __import__("detente.evidence.parsed_claims").evidence.parsed_claims.available(),
    reason="spaCy pipeline not installed",
)


def test_the_bundled_model_is_the_package_data_and_never_saw_the_test_set():
    assert bundled_model().to_json() == MODEL.read_text(encoding="utf-8")
    trained = set(bundled_model().provenance["trained_on"])
    held_out = {p.name for p in (DATA / "unseen" / "test16").glob("*.txt")}
    assert len(trained) == 416 and len(held_out) >= 24 and not trained & held_out


@needs_parser
@pytest.mark.slow
def test_training_reproduces_the_scored_model_byte_for_byte(tmp_path, cli):
    out = tmp_path / "m.json"
    gold = [a for g in TRAINING_GOLD for a in ("--gold", str(g))]
    code, text, err = cli(["evidence", "train", str(DATA / "unseen"), *gold, "--out", str(out)])
    assert code == 0, err
    assert "416 articles" in text and "model, held out" in text and "cue rules" in text
    assert out.read_bytes() == MODEL.read_bytes()


def test_json_round_trip_is_exact():
    text = MODEL.read_text(encoding="utf-8")
    assert model_from_json(text).to_json() == text


def test_fit_learns_a_separable_stance_and_is_deterministic():
    features = [("w:refuse",), ("w:refuse", "a:x"), ("w:offer",), ("w:offer", "a:y")] * 5
    labels = np.array([[0, 0, 0, 1, 0], [0, 0, 0, 1, 0], [0, 1, 0, 0, 0], [0, 1, 0, 0, 0]] * 5)
    a = fit(features, labels, l2=1.0, threshold=0.5)
    b = fit(features, labels, l2=1.0, threshold=0.5)
    assert a.to_json() == b.to_json()
    p = a.probabilities([("w:refuse",), ("w:offer",), ("unseen",)])
    reject, propose = STANCES.index("reject"), STANCES.index("propose")
    assert p[0, reject] > 0.8 > p[0, propose] and p[1, propose] > 0.8 > p[1, reject]
    assert np.all(p[2] < 0.5)  # an unknown feature adds nothing to the bias


@needs_parser
def test_cross_validation_scores_every_document_once(gaz, lex):
    gold = gold_claims([DATA / "gold-unseen-test3.jsonl"])
    docs = annotated_documents([DATA / "unseen" / "test3"], gold, gaz, lex)
    scores = cross_validate(docs, folds=5)
    total = sum(len(g) for g in gold.values())
    assert {s.gold for s in scores.values()} == {total}
    assert all(0 <= s.tp <= s.extracted for s in scores.values())


@needs_parser
def test_ingest_with_a_model_keeps_its_probabilities(tmp_path, cli):
    db = tmp_path / "m.db"
    code, _, err = cli(["ingest", str(DATA / "unseen" / "fresh"), "--db", str(db),
                        "--stance-model", str(MODEL)])  # fmt: skip
    assert code == 0, err
    model = read_stance_model(MODEL)
    rows = claims(open_store(db, readonly=True))
    assert rows and all(model.threshold <= r["confidence"] <= 1 for r in rows)
    tag = sqlite3.connect(db).execute("SELECT DISTINCT extractor FROM documents").fetchall()
    assert tag == [(tag[0][0],)] and f"stance:{model.digest}" in tag[0][0]
    code, out, _ = cli(["evidence", "claims", "--db", str(db)])
    assert code == 0 and f"{rows[0]['confidence']:.2f}" in out


@needs_parser
def test_the_bundled_model_is_the_default_and_cue_rules_have_no_probability(tmp_path, cli):
    conn = open_store(tmp_path / "m.db")
    ingest(conn, [DATA / "articles"])
    rows = claims(conn)
    assert rows and all(bundled_model().threshold <= r["confidence"] <= 1 for r in rows)
    code, _, err = cli(["ingest", str(DATA / "articles"), "--db", str(tmp_path / "r.db"),
                        "--cue-rules"])  # fmt: skip
    assert code == 0, err
    rules = claims(open_store(tmp_path / "r.db", readonly=True))
    assert rules and all(r["confidence"] is None for r in rules)
    tag = sqlite3.connect(tmp_path / "r.db").execute("SELECT extractor FROM documents").fetchone()
    assert "stance:" not in tag[0]


def test_a_model_and_the_cue_rules_together_are_one_line_exit_2(tmp_path, cli_error):
    line = cli_error(["ingest", str(DATA / "articles"), "--db", str(tmp_path / "x.db"),
                      "--cue-rules", "--stance-model", str(MODEL)])  # fmt: skip
    assert "--cue-rules" in line
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize(
    "content",
    ["not json", json.dumps({"bias": [0, 0], "threshold": 0.4, "weights": {}}),
     json.dumps({"bias": [0] * 5, "threshold": 0.4, "weights": {"a": [1, 2]}})],
)  # fmt: skip
def test_a_bad_model_file_is_one_line_exit_2(tmp_path, cli, content):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    article = DATA / "articles" / "notes.md"
    code, _, err = cli(["ingest", str(article), "--db", str(tmp_path / "x.db"),
                        "--stance-model", str(bad)])  # fmt: skip
    assert code == 2 and "bad.json" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.db").exists()


def test_quotes_label_only_the_sentences_that_state_a_claim():
    from detente.evidence.lexicon import Mention
    from detente.evidence.stance_model import Candidate
    from detente.evidence.stance_training import Annotated, _labels

    text = "Russia wants Donbas. Russia talked about Donbas. Ukraine rejects a ceasefire."
    russia = Mention(0, 6, "russia", "Russia")
    ukraine = Mention(49, 56, "ukraine", "Ukraine")
    candidates = [
        Candidate(0, 20, russia, "territory", (), (), ""),
        Candidate(21, 48, russia, "territory", (), (), ""),
        Candidate(49, 78, ukraine, "ceasefire", (), (), ""),
    ]
    demand, reject = ("russia", "territory", "demand"), ("ukraine", "ceasefire", "reject")
    quoted = Annotated("a.txt", candidates, frozenset(), frozenset({demand, reject}),
                       {demand: ((0, 20),)})  # fmt: skip
    labels = _labels(quoted)
    d, r = STANCES.index("demand"), STANCES.index("reject")
    assert labels[:, d].tolist() == [1, 0, 0]  # only the quoted sentence states the demand
    assert labels[:, r].tolist() == [0, 0, 1]  # no quotes: the document's label
    assert text[0:20] == "Russia wants Donbas."


def test_train_command_defaults_are_the_training_defaults():
    from typer.main import get_command

    from detente.cli import build_app
    from detente.evidence.stance_training import DEFAULT_FOLDS, DEFAULT_L2, DEFAULT_THRESHOLD

    train = get_command(build_app()).commands["evidence"].commands["train"]
    defaults = {p.name: p.default for p in train.params}
    assert (defaults["l2"], defaults["threshold"], defaults["folds"]) == (
        DEFAULT_L2, DEFAULT_THRESHOLD, DEFAULT_FOLDS,
    )  # fmt: skip


@needs_parser
def test_a_unit_too_long_for_the_model_keeps_the_cue_rules_claims(gaz, lex):
    from detente.evidence.extract import extract
    from detente.evidence.stance_model import MAX_UNIT_CHARS

    short = "Russia demands territory and Ukraine rejects it. "
    run_on = "Russia demands territory and Ukraine rejects it and " * 30 + "so on."
    assert len(short) < MAX_UNIT_CHARS < len(run_on)
    found = extract(short + run_on, gaz, lex, stance_model=bundled_model()).claims
    rules = extract(short + run_on, gaz, lex).claims
    in_run_on = [c for c in found if c.start >= len(short)]
    assert in_run_on == [c for c in rules if c.start >= len(short)] and in_run_on
    assert all(c.confidence is None for c in in_run_on)
    scored = [c for c in found if c.start < len(short)]
    assert scored and all(c.confidence is not None for c in scored)
