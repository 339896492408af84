"""The report: one self-contained HTML file, and a Markdown variant, through the CLI."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from detente.cli import main

TABLES = ("bilateral", "us_mediated", "trilateral", "backchannel", "europe_led")
SECTIONS = (
    "bottom-line",
    "questions",
    "scenario",
    "formats",
    "sensitivity",
    "path",
    "evidence",
    "glossary",
    "metadata",
)


class _References(HTMLParser):
    """Every resource the page would load: scripts, stylesheets, images, frames, objects."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[tuple[str, str]] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        values = dict(attrs)
        if tag in ("script", "img", "iframe", "embed", "source", "audio", "video"):
            if values.get("src"):
                self.loads.append((tag, values["src"]))
        if tag == "link" and values.get("href"):
            self.loads.append((tag, values["href"]))
        if tag == "object" and values.get("data"):
            self.loads.append((tag, values["data"]))
        for name in ("href", "xlink:href"):
            if tag in ("image", "use") and values.get(name):
                self.loads.append((tag, values[name]))


@pytest.fixture(scope="module")
def html_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    main(["report", "-n", "1000", "--out", str(out)])
    return out.read_text(encoding="utf-8")


def test_html_loads_nothing_from_anywhere(html_report):
    parser = _References()
    parser.feed(html_report)
    assert parser.loads == []
    assert "script" not in parser.tags
    assert not re.search(r"@import|url\(\s*['\"]?https?:", html_report)
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=\"https?:", html_report)


def test_html_has_every_chart_inline(html_report):
    # positions, classes, intervals, settlement, survival, sensitivity, negotiation, engine path;
    # the sensitivity chart of P(settlement) is left out when no table settles in any draw, as
    # in the bundled case as of August 2025 (no comprehensive settlement in 1,000 draws)
    assert html_report.count("<svg") >= 7
    assert "<img" not in html_report


def test_html_has_every_section_and_the_provenance(html_report):
    for anchor in SECTIONS:
        assert f'id="{anchor}"' in html_report
    for table_id in TABLES:
        assert table_id in html_report
    assert "input hash" in html_report and "seed 0" in html_report
    assert "Morris" in html_report and "top drivers of P(war)" in html_report
    assert re.search(r"agreed in round \d+|no agreement", html_report)
    assert "Russia is a nuclear-armed power" in html_report  # a citation's quote
    assert "[s000]" in html_report  # and its source id
    assert "Ukraine's capability" in html_report  # inputs in words, not ids
    assert "docs/validation.md" in html_report and "docs/forecast-questions.md" in html_report
    assert "@media print" in html_report and "<details>" in html_report
    sources = re.search(r'<table id="sources">(.*?)</table>', html_report, re.S).group(1)
    assert re.search(r'<a href="https?://[^"]+">', sources)  # sources carry their address
    assert "unnamed" not in sources
    meta = re.search(r'<table id="meta">(.*?)</table>', html_report, re.S).group(1)
    for key in ("engine", "engine_version", "seed", "draws", "input_hash", "sources"):
        assert f"<th>{key}</th>" in meta


def test_html_shows_the_forecast_numbers(html_report, tmp_path):
    """The formats table shows the same probabilities as `detente forecast --json`."""
    import json

    out = tmp_path / "f.json"
    main(["forecast", "-n", "1000", "--seed", "0", "--json", str(out)])
    data = json.loads(out.read_text(encoding="utf-8"))
    table = re.search(r'<table id="formats-table">(.*?)</table>', html_report, re.S).group(1)
    rows = dict(re.findall(r'<tr data-table="(\w+)"><td>.*?<td class="n">(\d+)%', table, re.S))
    for table_id in TABLES:
        p = data["tables"][table_id]["outcome_classes"]["comprehensive_settlement"]["p"]
        assert int(rows[table_id]) == round(100 * p)
    dated = re.search(r'<table id="dated-table">(.*?)</table>', html_report, re.S).group(1)
    for table_id in TABLES:
        row = re.search(rf'<tr data-table="{table_id}">(.*?)</tr>', dated, re.S).group(1)
        shown = [int(v) for v in re.findall(r'<td class="n">(\d+)%</td>', row)[:4]]
        by = data["tables"][table_id]["by"]
        assert shown == [
            round(100 * by[q]) for q in ("ceasefire", "agreement", "abandoned", "ongoing")
        ]
    summary = re.search(r'<div class="bluf" id="summary">(.*?)</div>', html_report, re.S).group(1)
    us = round(100 * data["tables"]["us_mediated"]["by"]["ceasefire"])
    assert f"US-mediated talks ({us}%)" in summary


def test_same_seed_same_report(tmp_path):
    texts = []
    for name in ("a.html", "b.html"):
        main(["report", "-n", "300", "--seed", "7", "--out", str(tmp_path / name)])
        texts.append((tmp_path / name).read_text(encoding="utf-8"))
    assert texts[0] == texts[1]


def test_markdown_variant(tmp_path):
    out = tmp_path / "report.md"
    main(["report", "-n", "500", "--out", str(out)])
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# ") and "<svg" not in text
    for heading in (
        "## Bottom line",
        "## Dated questions",
        "## If talks end in a deal",
        "## What moves the results",
        "## Evidence",
    ):
        assert heading in text
    assert re.search(r"\| Bilateral talks without Washington \| \d+% \[\d+%–\d+%\]", text)
    # every table row has as many cells as its header
    for block in re.split(r"\n\n", text):
        lines = [ln for ln in block.splitlines() if ln.startswith("|")]
        if lines:
            assert len({ln.count(" |") for ln in lines[:1] + lines[2:]}) <= 1, block[:200]


def test_format_option_overrides_the_suffix(tmp_path):
    out = tmp_path / "report.txt"
    main(["report", "-n", "200", "--format", "md", "--out", str(out)])
    assert out.read_text(encoding="utf-8").startswith("# ")


def test_report_with_an_evidence_store(tmp_path):
    from detente.evidence import ingest, open_store

    article = tmp_path / "a.txt"
    article.write_text(
        "Talks stall\nRussia insists on territorial concessions from Ukraine. "
        "Ukraine rejects any territorial concessions.\n",
        encoding="utf-8",
    )
    db = tmp_path / "e.db"
    ingest(open_store(db), [article], require_date=False)  # an undated test article
    out = tmp_path / "r.html"
    main(["report", "-n", "300", "--db", str(db), "--out", str(out)])
    text = out.read_text(encoding="utf-8")
    assert "judgments audited against the evidence store" in text
    audit = re.search(r'<table id="audit">(.*?)</table>', text, re.S).group(1)
    assert "Russia insists on territorial concessions" in audit


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "docx"],
        ["--db", "none.db"],
        ["--draws", "0"],
        ["--engine", "oracle"],
        ["atlantis"],
    ],
)
def test_bad_input_exits_2_without_a_traceback(tmp_path, capsys, args):
    args = [str(tmp_path / a) if a.endswith(".db") else a for a in args]
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "-n", "100", "--out", str(tmp_path / "r.html"), *args])
    assert exit_info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_report_exports_charts_tables_and_the_forecast(tmp_path):
    import io
    import json

    import pyarrow.parquet as pq

    out = tmp_path / "r.html"
    main(["report", "-n", "300", "--out", str(out), "--export", str(tmp_path / "x")])
    files = {p.name for p in (tmp_path / "x").iterdir()}
    for name in ("forecast.json", "forecast.parquet", "dated.csv", "ranking.csv", "monthly.csv"):
        assert name in files
    for chart in ("monthly", "ranking_ceasefire", "ceasefire_survival", "positions"):
        assert {f"{chart}.svg", f"{chart}.png"} <= files
    assert (tmp_path / "x" / "monthly.png").read_bytes()[:4] == b"\x89PNG"
    data = json.loads((tmp_path / "x" / "forecast.json").read_text(encoding="utf-8"))
    parquet = pq.read_table(io.BytesIO((tmp_path / "x" / "forecast.parquet").read_bytes()))
    first = parquet.to_pylist()[0]
    assert first["p"] == data["tables"][first["table"]]["monthly"][first["question"]][0]
