"""Bad arguments and unwritable outputs are one-line errors with exit code 2, never tracebacks."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from detente.cli import main
from detente.cli.output import check_output, write_output
from detente.errors import InputError
from detente.evidence import open_store

DATA = Path(__file__).parents[1] / "data"
ARTICLES = DATA / "evidence" / "articles"
MINIMAL = DATA / "minimal.yaml"


def _one_line_error(args, capsys) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("store") / "e.db"
    try:
        main(["ingest", str(ARTICLES), "--db", str(db)])
    except SystemExit as exc:
        assert not exc.code
    return db


def _outputs(db: Path) -> dict[str, list[str]]:
    """Every command writing a file, with ``{out}`` where the output path goes (cheap runs)."""
    return {
        "export": ["scenario", "export", str(MINIMAL), "--to", "yaml", "-o", "{out}"],
        "forecast": ["forecast", str(MINIMAL), "-n", "50", "--no-sensitivity", "--json", "{out}"],
        "run": ["run", "compromise", str(MINIMAL), "--json", "{out}"],
        "negotiate": ["negotiate", str(MINIMAL), "-t", "direct", "--json", "{out}"],
        "sweep": ["sweep", str(MINIMAL), "--vary", "actors[a].capability=40:60:2", "-o", "{out}"],
        "audit": ["scenario", "audit", str(MINIMAL), "--db", str(db), "--json", "{out}"],
        "evidence export": ["evidence", "export", "--db", str(db), "--json", "{out}"],
        "report": ["report", str(MINIMAL), "-n", "50", "--out", "{out}"],
    }


@pytest.mark.parametrize(
    "command",
    ["export", "forecast", "run", "negotiate", "sweep", "audit", "evidence export", "report"],
)
@pytest.mark.parametrize("where", ["directory", "missing directory"])
def test_unusable_output_path_is_one_line(command, where, store, tmp_path, capsys):
    out = tmp_path if where == "directory" else tmp_path / "nowhere" / "out.json"
    args = [str(out) if a == "{out}" else a for a in _outputs(store)[command]]
    message = _one_line_error(args, capsys)
    assert str(out) in message
    assert ("is a directory" if where == "directory" else "does not exist") in message


def test_write_failure_is_an_input_error(tmp_path, monkeypatch):
    target = tmp_path / "x.json"

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "write_text", refuse)
    with pytest.raises(InputError, match="Permission denied"):
        write_output(target, "{}", "--json")


def test_unwritable_place_is_refused_before_work(tmp_path, monkeypatch):
    monkeypatch.setattr("os.access", lambda path, mode: False)
    with pytest.raises(InputError, match="not writable"):
        check_output(tmp_path / "x.json", "--json")


@pytest.mark.parametrize("engine", ["bdm", "smp"])
def test_negative_seed(engine, capsys):
    message = _one_line_error(["run", engine, str(MINIMAL), "--seed", "-1"], capsys)
    assert "--seed" in message and ">= 0" in message


@pytest.mark.parametrize("value", ["inf", "nan", "0", "1e9"])
def test_ingest_max_mb_bounds(value, tmp_path, capsys):
    db = tmp_path / "e.db"
    message = _one_line_error(["ingest", str(ARTICLES), "--db", str(db), "--max-mb", value], capsys)
    assert "--max-mb" in message
    assert not db.exists()


def test_ingest_missing_path_creates_no_store(tmp_path, capsys):
    db = tmp_path / "e.db"
    missing = tmp_path / "nothere.txt"
    message = _one_line_error(["ingest", str(missing), "--db", str(db)], capsys)
    assert str(missing) in message and "no such file" in message
    assert not db.exists()


@pytest.mark.parametrize(
    "content",
    [
        '{"tables": 3, "meta": 1}',
        "[1, 2]",
        '{"meta": {"scenario_name": "x", "issues": ["a"]}, "tables": {"t": {}}}',
        b"\x89PNG\x00\x00",
        "{" * 1000,
    ],
)
def test_compare_from_malformed_forecast(content, tmp_path, capsys):
    path = tmp_path / "f.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert str(path) in _one_line_error(["compare", "--from", str(path)], capsys)


def test_compare_from_a_real_forecast_works(tmp_path, capsys):
    path = tmp_path / "f.json"
    main(["forecast", str(MINIMAL), "-n", "50", "--no-sensitivity", "--json", str(path)])
    capsys.readouterr()
    main(["compare", "--from", str(path)])
    assert "direct" in capsys.readouterr().out


def test_binary_gold_file(store, tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\xd0\xff")
    message = _one_line_error(["evidence", "evaluate", "--gold", str(gold), "--db", str(store)],
                              capsys)  # fmt: skip
    assert "binary file" in message


def test_deeply_nested_gold_line(store, tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("[" * 100_000 + "\n")
    message = _one_line_error(["evidence", "evaluate", "--gold", str(gold), "--db", str(store)],
                              capsys)  # fmt: skip
    assert f"{gold}:1" in message


def test_unknown_stance(store, capsys):
    message = _one_line_error(["evidence", "claims", "--stance", "bogus", "--db", str(store)],
                              capsys)  # fmt: skip
    assert "unknown stance 'bogus'" in message


def test_read_only_commands_open_the_store_read_only(store, tmp_path, capsys):
    copy = tmp_path / "ro.db"
    shutil.copy(store, copy)
    conn = open_store(copy, readonly=True)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM documents")
    conn.close()
    before = copy.read_bytes()
    for args in (
        ["evidence", "search", "Russia", "--db", str(copy)],
        ["evidence", "claims", "--db", str(copy)],
        ["timeline", "--db", str(copy)],
        ["scenario", "audit", "--db", str(copy)],
    ):
        main(args)
    capsys.readouterr()
    assert copy.read_bytes() == before


def test_read_only_open_of_a_missing_store(tmp_path):
    with pytest.raises(InputError, match="no evidence store"):
        open_store(tmp_path / "none.db", readonly=True)
    assert not (tmp_path / "none.db").exists()


def test_search_terms_are_capped(store, capsys):
    message = _one_line_error(["evidence", "search", " ".join(["word"] * 12_000), "--db",
                               str(store)], capsys)  # fmt: skip
    assert "at most" in message and len(message) < 200


def test_output_is_valid_json_after_checks(tmp_path, capsys):
    out = tmp_path / "run.json"
    main(["run", "compromise", str(MINIMAL), "--json", str(out)])
    assert json.loads(out.read_text())["engine"] == "compromise"


@pytest.mark.parametrize(
    "content, words",
    [
        ("actors:\n  x: " + "[" * 500 + "]" * 500 + "\n", "nested more than"),
        ("actors:\n  russia: {names: [Moscow]}\n  russia: {names: [Kremlin]}\n", "duplicate key"),
        (b"\xff\xfe", "UTF-8"),
    ],
)
def test_hostile_gazetteer_is_one_line(content, words, tmp_path, capsys):
    gazetteer = tmp_path / "gaz.yaml"
    if isinstance(content, bytes):
        gazetteer.write_bytes(content)
    else:
        gazetteer.write_text(content, encoding="utf-8")
    db = tmp_path / "e.db"
    message = _one_line_error(
        ["ingest", str(ARTICLES), "--db", str(db), "--gazetteer", str(gazetteer)], capsys
    )
    assert words in message and str(gazetteer) in message
