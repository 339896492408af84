"""The report: one self-contained HTML file, and a Markdown variant."""

from __future__ import annotations

import re

import pytest

from detente.cli import main


@pytest.fixture(scope="module")
def html_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    main(["report", "-n", "1000", "--out", str(out)])
    return out.read_text(encoding="utf-8")


def test_html_is_self_contained(html_report):
    assert not re.search(r"<script|<link|src=\"https?:|href=\"https?:|@import", html_report)
    assert html_report.count("<svg") >= 5


def test_html_has_every_section_and_the_provenance(html_report):
    for anchor in ("scenario", "formats", "sensitivity", "path", "evidence", "metadata"):
        assert f'id="{anchor}"' in html_report
    for table_id in ("bilateral", "us_mediated", "trilateral", "backchannel", "europe_led"):
        assert table_id in html_report
    assert "input hash" in html_report and "seed 0" in html_report
    assert "Russia is a nuclear-armed power" in html_report  # a citation's quote


def test_markdown_variant(tmp_path):
    out = tmp_path / "report.md"
    main(["report", "-n", "1000", "--out", str(out)])
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# ") and "| bilateral |" in text and "<svg" not in text


def test_report_with_an_evidence_store(tmp_path, capsys):
    from detente.evidence import ingest, open_store

    article = tmp_path / "a.txt"
    article.write_text(
        "Talks stall\nRussia insists on territorial concessions from Ukraine. "
        "Ukraine rejects any territorial concessions.\n",
        encoding="utf-8",
    )
    db = tmp_path / "e.db"
    ingest(open_store(db), [article])
    out = tmp_path / "r.html"
    main(["report", "-n", "500", "--db", str(db), "--out", str(out)])
    assert "judgments audited against the evidence store" in out.read_text(encoding="utf-8")


def test_report_bad_format_and_missing_store_exit_2(tmp_path, capsys):
    for args in (["--format", "pdf"], ["--db", str(tmp_path / "none.db")]):
        with pytest.raises(SystemExit) as exit_info:
            main(["report", "-n", "100", "--out", str(tmp_path / "r.html"), *args])
        assert exit_info.value.code == 2
