"""Bad input: each bad file is skipped or ingested with one warning; the run goes on."""

from __future__ import annotations

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
