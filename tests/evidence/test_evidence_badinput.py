"""Bad input: each bad file is skipped or ingested with one warning; the run goes on."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from detente.evidence import ingest, open_store
from detente.evidence.reader import Article, Skipped, read_article

DATED = "Outlet: Test wire\nDate: 2025-06-01\n\n"
GOOD = DATED + "Russia insists on territorial concessions. Ukraine demands security guarantees.\n"


@pytest.fixture
def bad_dir(tmp_path) -> Path:
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "good.txt").write_text(GOOD, encoding="utf-8")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (d / "latin1.txt").write_bytes(
        (DATED + "Kyiv’s envoy met Moscow’s négociateur.").encode("cp1252")
    )
    (d / "sub" / "broken.md").write_bytes(
        DATED.encode() + b"Ukraine and Russia \xff talks " + b"and the " * 300
    )
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.md").write_text("\n\n   \n")
    with open(d / "huge.txt", "wb") as f:  # 50 MB, sparse: written without filling the disk
        f.truncate(50 * 1024 * 1024)
    (d / "script.html").write_text(
        '<html><head><title>T</title><meta name="date" content="2025-06-02">'
        "<script>alert('Putin')</script></head><body><article>"
        "<p>Zelenskyy demands security guarantees from Washington before any ceasefire, "
        "aides said in a statement issued on Tuesday evening in Kyiv.</p></article>"
        "<script>document.write('x')</script></body></html>",
        encoding="utf-8",
    )
    (d / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return d


def test_each_bad_file_gets_one_line(bad_dir, tmp_path):
    conn = open_store(tmp_path / "e.db")
    report = ingest(conn, [bad_dir, tmp_path / "missing"])
    skipped = dict(report.skipped)
    warned = dict(report.warnings)
    assert "binary" in skipped[str(bad_dir / "binary.txt")]
    assert "too large" in skipped[str(bad_dir / "huge.txt")]
    assert "empty" in skipped[str(bad_dir / "empty.txt")]
    assert "empty" in skipped[str(bad_dir / "blank.md")]
    assert "no such file" in skipped[str(tmp_path / "missing")]
    assert "Windows-1252" in warned[str(bad_dir / "latin1.txt")]
    assert "invalid UTF-8" in warned[str(bad_dir / "sub" / "broken.md")]
    assert "script" in warned[str(bad_dir / "script.html")]
    assert all("\n" not in reason for reason in [*skipped.values(), *warned.values()])
    names = {r[0] for r in conn.execute("SELECT name FROM documents")}
    assert names == {"good.txt", "latin1.txt", "broken.md", "script.html"}
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    html = conn.execute("SELECT text FROM documents WHERE name='script.html'").fetchone()[0]
    assert "alert" not in html and "document.write" not in html


def test_latin1_text_is_readable(bad_dir):
    article = read_article(bad_dir / "latin1.txt")
    assert isinstance(article, Article)
    assert "négociateur" in article.text and "Kyiv’s" in article.text


def test_unsupported_suffix_named_directly_is_skipped(bad_dir):
    assert isinstance(read_article(bad_dir / "image.png"), Skipped)


def test_max_size_is_configurable(bad_dir):
    assert isinstance(read_article(bad_dir / "good.txt", max_bytes=10), Skipped)


def test_undated_future_foreign_and_huge_pages_are_skipped(tmp_path):
    d = tmp_path / "more"
    d.mkdir()
    body = "Russia insists on territorial concessions while Ukraine demands security guarantees. "
    (d / "undated.txt").write_text(body * 3, encoding="utf-8")
    (d / "future.txt").write_text("Date: 2031-01-01\nOutlet: Wire\n\n" + body, encoding="utf-8")
    (d / "italian.txt").write_text(
        "Date: 2025-05-16\nOutlet: Wire\n\nLe delegazioni russa e ucraina si sono incontrate a "
        "Istanbul il 16 maggio per negoziati diretti, sfociati in un accordo per uno scambio di "
        "prigionieri. Il ministro degli Esteri turco ha esortato entrambe le parti a concordare "
        "un cessate il fuoco il prima possibile.\n",
        encoding="utf-8",
    )
    with open(d / "huge.html", "wb") as f:  # a 50 MB page, sparse
        f.write(b"<html><body><p>" + b"x" * 100)
        f.truncate(50 * 1024 * 1024)
    (d / "ok.txt").write_text("Date: 2025-05-16\nOutlet: Wire\n\n" + body, encoding="utf-8")
    conn = open_store(tmp_path / "e.db")
    report = ingest(conn, [d], today=date(2026, 1, 1))
    skipped = {Path(p).name: reason for p, reason in report.skipped}
    assert "no publication date" in skipped["undated.txt"]
    assert "in the future" in skipped["future.txt"]
    assert "not English" in skipped["italian.txt"]
    assert "too large" in skipped["huge.html"]
    assert all("\n" not in r for r in skipped.values())
    assert [Path(p).name for p in report.added] == ["ok.txt"]
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Undated articles are kept on request, without a date on their items.
    kept = ingest(conn, [d / "undated.txt"], require_date=False)
    assert len(kept.added) == 1


def test_cli_skips_with_one_line_each(tmp_path, capsys):
    from detente.cli import main

    (tmp_path / "undated.txt").write_text("Russia rejects the plan, Moscow said.\n")
    main(["ingest", str(tmp_path / "undated.txt"), "--db", str(tmp_path / "e.db")])
    err = capsys.readouterr().err
    assert "skipped" in err and "no publication date" in err
    assert len([line for line in err.splitlines() if "skipped" in line]) == 1
