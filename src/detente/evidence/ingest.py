"""Ingesting files into the store: read, extract, write one document per transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from detente.evidence.extract import extract
from detente.evidence.lexicon import Gazetteer, IssueLexicon, load_gazetteer, load_lexicon
from detente.evidence.reader import DEFAULT_MAX_BYTES, Article, iter_article_files, read_article
from detente.evidence.store import add_document, has_document


@dataclass
class IngestReport:
    """What an ingest run did: documents added, duplicates seen, files skipped, warnings."""

    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


def extractor_tag(gazetteer: Gazetteer, lexicon: IssueLexicon) -> str:
    """Which gazetteer and lexicon a document was extracted with."""
    return f"rules-1 gazetteer:{gazetteer.digest} lexicon:{lexicon.digest}"


def ingest_paths(
    conn: sqlite3.Connection,
    paths: list[Path],
    *,
    gazetteer: Gazetteer | None = None,
    lexicon: IssueLexicon | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_file: Callable[[Path], None] | None = None,
    files: list[Path] | None = None,
) -> IngestReport:
    """Ingest files and directories (recursively); bad files are skipped with a reason.

    ``on_file`` is called after each file (for a progress bar); ``files`` may pass the list
    from :func:`iter_article_files` when the caller has it already.
    """
    gazetteer = gazetteer or load_gazetteer()
    lexicon = lexicon or load_lexicon()
    tag = extractor_tag(gazetteer, lexicon)
    report = IngestReport()
    if files is None:
        files, bad = iter_article_files(paths)
        report.skipped.extend((s.path, s.reason) for s in bad)
    for path in files:
        result = read_article(path, max_bytes=max_bytes)
        if isinstance(result, Article):
            report.warnings.extend((result.path, w) for w in result.warnings)
            _store_one(conn, result, gazetteer, lexicon, tag, report)
        else:
            report.skipped.append((result.path, result.reason))
        if on_file is not None:
            on_file(path)
    return report


def _store_one(conn, article: Article, gazetteer, lexicon, tag: str, report: IngestReport):
    if has_document(conn, article.content_hash):
        report.duplicates.append(article.path)
        return
    year = int(article.date[:4]) if article.date else None
    found = extract(article.text, gazetteer, lexicon, default_year=year)
    if add_document(conn, article, found, extractor=tag) is None:
        report.duplicates.append(article.path)
    else:
        report.added.append(article.path)
