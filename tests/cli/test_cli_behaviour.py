"""What users expect of the command line: a version, help without noise, one engine list,
PDF or a clear refusal, a closed pipe, KTAB's losses said aloud, and messages that agree."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import detente
from detente.cli import build_app, main
from detente.cli.common import forecast_engines

REPO = Path(__file__).resolve().parents[2]
MINIMAL = REPO / "tests" / "data" / "minimal.yaml"
ENV = {"COLUMNS": "80", "FORCE_COLOR": None, "NO_COLOR": "1"}


def flat(text: str) -> str:
    """Text with line breaks and box borders collapsed to single spaces."""
    return " ".join(re.split(r"[\s│┃]+", text)).strip()


def invoke(*argv):
    return CliRunner().invoke(build_app(), list(argv), env=ENV, prog_name="detente")


def fails(argv, capsys) -> str:
    """The one-line error of a command that must exit 2."""
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("error:")
    return " ".join(err.split())


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0 and result.stdout == f"detente {detente.__version__}\n"


def all_commands():
    from typer.main import get_command

    root = get_command(build_app())
    out = [()]
    for name, cmd in root.commands.items():
        out.append((name,))
        out += [(name, sub) for sub in getattr(cmd, "commands", {})]
    return out


@pytest.mark.parametrize("words", all_commands(), ids=" ".join)
def test_help_screens_show_no_type_for_flags(words):
    result = invoke(*words, "--help")
    assert result.exit_code == 0
    assert "<bool>" not in result.stdout and "Usage: detente" in result.stdout


def test_one_engine_list_in_help_errors_and_api(capsys):
    import asyncio

    from detente.web.api import list_engines

    assert list(forecast_engines()) == asyncio.run(list_engines())
    names = forecast_engines()
    forecast_help = flat(invoke("forecast", "--help").stdout)
    for name in names:
        assert name in forecast_help
    run_help = flat(invoke("run", "--help").stdout)
    assert f"{', '.join(names[:-2])} or {names[-2]}" in run_help
    err = fails(["forecast", "--engine", "moon"], capsys)
    assert err.endswith(f"expected one of {', '.join(names)}") and "--engine" in err
    err = fails(["run", "moon"], capsys)
    assert err.endswith(f"expected one of {', '.join(names[:-1])}")


def test_report_refuses_unknown_suffixes_with_the_supported_ones(tmp_path, capsys):
    err = fails(["report", "-n", "50", "--out", str(tmp_path / "x.docx")], capsys)
    assert "cannot write .docx" in err and ".html" in err and ".md" in err
    assert not (tmp_path / "x.docx").exists()


def test_report_pdf_without_chromium_is_refused(tmp_path, capsys, monkeypatch):
    from detente.cli import report_cmd

    monkeypatch.setattr(report_cmd, "CHROMIUM", tmp_path / "no-chromium")
    err = fails(["report", "-n", "50", "--out", str(tmp_path / "x.pdf")], capsys)
    assert "PDF needs Chromium" in err and ".pdf" not in err.split("supported:")[1]
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.browser
@pytest.mark.slow
def test_report_pdf_is_printed_by_chromium(tmp_path):
    if not Path("/usr/bin/chromium").is_file():
        pytest.skip("no /usr/bin/chromium")
    out = tmp_path / "r.pdf"
    main(["report", "-n", "100", "--out", str(out)])
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 10_000


def test_a_closed_pipe_ends_quietly_after_writing_the_json(tmp_path):
    target = tmp_path / "n.json"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "80"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "detente", "negotiate", "-t", "us_mediated", "--json", str(target)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader goes away, as `| head -1` does
    err = proc.stderr.read()
    code = proc.wait(timeout=120)
    assert first.startswith((b"agreement in round", b"no agreement"))
    assert code == 141 and err == b""
    assert json.loads(target.read_text(encoding="utf-8"))["table"] == "us_mediated"


def test_single_text_trace_stops_at_the_agreement(tmp_path):
    dayton = REPO / "src" / "detente" / "data" / "cases" / "dayton-1995.yaml"
    out = tmp_path / "n.json"
    result = invoke("negotiate", str(dayton), "--table", "us_shuttle", "--json", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["agreed"] and data["protocol"] == "single_text"
    assert len(data["trace"]) > data["round"] + 1  # the protocol's trace runs on past it
    lines = result.stdout.splitlines()
    heading = f"Offers on the table, round by round to the agreement in round {data['round']}"
    assert flat(result.stdout).count(heading) == 1
    cells = [flat(x).split() for x in lines]
    rounds = [int(c[0]) for c in cells if c and c[0].isdigit()]
    assert rounds == list(range(data["round"] + 1))


def test_trace_rounds_thin_long_traces_but_keep_the_last():
    from detente.cli.negotiate_cmd import trace_heading, trace_rounds

    assert trace_rounds(5) == [0, 1, 2, 3, 4, 5]
    long = trace_rounds(99, max_rows=40)
    assert long[0] == 0 and long[-1] == 99 and len(long) <= 41
    assert trace_heading(long, True).startswith("Offers on the table, every 3 rounds")


def test_ktab_export_warns_and_keeps_issue_ids(tmp_path):
    from detente.scenario import load_scenario

    out = tmp_path / "case.csv"
    result = invoke("scenario", "export", "--to", "ktab-csv", "-o", str(out))
    assert result.exit_code == 0
    warning = " ".join(result.stderr.split())
    n_tables = len(load_scenario("ukraine-2025").tables)
    lost_phrases = (
        f"{n_tables} negotiation tables",
        "ranges",
        "citations",
        "sources",
        "issue names",
    )
    for lost in (*lost_phrases, "2 separable issues (prisoners, energy_strikes)"):
        assert lost in warning, lost
    header = out.read_text(encoding="utf-8").splitlines()[1]
    assert "territory Position,territory Salience" in header
    back = load_scenario(out)
    linked = load_scenario("ukraine-2025").linked_issues
    assert [i.id for i in back.issues] == [i.id for i in linked]


def test_ktab_files_without_names_keep_numbered_dimensions():
    from detente.scenario import load_scenario

    back = load_scenario(REPO / "tests" / "data" / "ktab" / "dummyData_3Dim.csv")
    assert [i.id for i in back.issues] == ["dim1", "dim2", "dim3"]
    named = load_scenario(REPO / "tests" / "data" / "ktab" / "SOE-Pol-Comp.csv")
    assert [i.id for i in named.issues] == ["policy", "competitive"]


def test_max_mb_message_uses_the_flag_units(tmp_path):
    from detente.evidence.reader import MB, read_article

    big = tmp_path / "big.txt"
    big.write_text("peace " * 400_000, encoding="utf-8")
    skipped = read_article(big, max_bytes=int(1 * MB))
    assert skipped.reason == f"too large ({big.stat().st_size / MB:.3g} MB, the limit is 1 MB)"


def test_utf16_text_is_reported_as_utf16(tmp_path, capsys):
    from detente.evidence.reader import read_article

    article = tmp_path / "a.txt"
    article.write_bytes("Talks resumed in Geneva.".encode("utf-16"))
    assert "UTF-16" in read_article(article).reason
    bare = tmp_path / "b.txt"
    bare.write_bytes("Talks resumed in Geneva on Monday.".encode("utf-16-le"))
    assert "UTF-16" in read_article(bare).reason
    scenario = tmp_path / "s.yaml"
    scenario.write_bytes(MINIMAL.read_text(encoding="utf-8").encode("utf-16"))
    assert "UTF-16 text, expected UTF-8" in fails(["scenario", "validate", str(scenario)], capsys)


def test_compare_tells_a_missing_file_from_a_wrong_one(tmp_path, capsys):
    assert "no such file" in fails(["compare", "--from", str(tmp_path / "none.json")], capsys)
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"a": 1}', encoding="utf-8")
    message = fails(["compare", "--from", str(wrong)], capsys)
    assert "missing in this forecast JSON" in message and "no such file" not in message


def test_compare_refuses_an_unknown_baseline_before_running(capsys, monkeypatch):
    from detente.cli import forecast_cmd

    def no_run(*args, **kwargs):
        raise AssertionError("the forecast ran")

    monkeypatch.setattr(forecast_cmd, "run_with_progress", no_run)
    err = fails(["compare", "--baseline", "moon"], capsys)
    assert "--baseline: unknown table 'moon'" in err and "us_mediated" in err


def test_library_field_names_become_flags(capsys):
    err = fails(["validate", "durability"], capsys)
    assert err.startswith("error: --fortna:")
    err = fails(["forecast", str(MINIMAL), "-n", "0"], capsys)
    assert "--draws" in err
