"""Ingesting files into the store: read, extract, write one document per transaction."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from detente.evidence.extract import extract
from detente.evidence.lexicon import Gazetteer, IssueLexicon, load_gazetteer, load_lexicon
from detente.evidence.reader import (
    DEFAULT_MAX_BYTES,
    Article,
    Skipped,
    english_share,
    iter_article_files,
    language_guess,
    read_article,
)
from detente.evidence.stance_model import StanceModel, bundled_model
from detente.evidence.store import add_document, has_document


@dataclass
class IngestReport:
    """What an ingest run did: documents added, duplicates seen, files skipped, warnings."""

    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


def extractor_tag(
    gazetteer: Gazetteer, lexicon: IssueLexicon, stance_model: StanceModel | None = None
) -> str:
    """Which gazetteer, lexicon and stance model a document was extracted with."""
    from detente.evidence import parsed_claims

    claims = f"parse:{parsed_claims.MODEL}" if parsed_claims.available() else "claims:rules"
    if stance_model is not None and parsed_claims.available():
        claims += f" stance:{stance_model.digest}"
    return f"rules-2 {claims} gazetteer:{gazetteer.digest} lexicon:{lexicon.digest}"


MIN_ENGLISH_SHARE = 0.15
MIN_WORDS_FOR_LANGUAGE = 20


def admissible(article: Article, *, today: dt.date, require_date: bool) -> Skipped | None:
    """Why an article that was read must still be skipped (no date, a future date, not
    English), or None when it may be stored."""
    if article.date is None:
        if require_date:
            return Skipped(
                article.path,
                "no publication date (add a 'Date: YYYY-MM-DD' header line, or --allow-undated)",
            )
    elif dt.date.fromisoformat(article.date[:10].ljust(10, "1")[:10]) > today:
        return Skipped(article.path, f"publication date {article.date} is in the future")
    lang, _, words = language_guess(article.text)
    english, _ = english_share(article.text)
    if words >= MIN_WORDS_FOR_LANGUAGE and lang != "en" and english < MIN_ENGLISH_SHARE:
        label = "mostly non-Latin letters" if lang == "xx" else f"reads as '{lang}'"
        return Skipped(article.path, f"not English ({label}; {english:.0%} English function words)")
    return None


def ingest_paths(
    conn: sqlite3.Connection,
    paths: list[Path],
    *,
    gazetteer: Gazetteer | None = None,
    lexicon: IssueLexicon | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_file: Callable[[Path], None] | None = None,
    files: list[Path] | None = None,
    require_date: bool = True,
    today: dt.date | None = None,
    stance_model: StanceModel | Literal["bundled", "cue rules"] = "bundled",
) -> IngestReport:
    """Ingest files and directories (recursively); bad files are skipped with a reason.

    An article without a publication date is skipped unless ``require_date`` is False; one
    dated after ``today`` (default: the current UTC date) and one not in English are skipped.
    ``on_file`` is called after each file (for a progress bar); ``files`` may pass the list
    from :func:`iter_article_files` when the caller has it already. Stance claims come from a
    stance model (:mod:`detente.evidence.stance_model`): the bundled one, or ``stance_model``
    when one is given; ``"cue rules"`` takes them from the cue rules instead.
    """
    today = today or dt.datetime.now(dt.UTC).date()
    gazetteer = gazetteer or load_gazetteer()
    lexicon = lexicon or load_lexicon()
    model = _resolved(stance_model)
    tag = extractor_tag(gazetteer, lexicon, model)
    report = IngestReport()
    if files is None:
        files, bad = iter_article_files(paths)
        report.skipped.extend((s.path, s.reason) for s in bad)
    for path in files:
        result = read_article(path, max_bytes=max_bytes)
        if isinstance(result, Article) and not has_document(conn, result.content_hash):
            result = admissible(result, today=today, require_date=require_date) or result
        if isinstance(result, Article):
            report.warnings.extend((result.path, w) for w in result.warnings)
            _store_one(conn, result, (gazetteer, lexicon, model), tag, report)
        else:
            report.skipped.append((result.path, result.reason))
        if on_file is not None:
            on_file(path)
    return report


def _resolved(stance_model: StanceModel | str) -> StanceModel | None:
    """The model claims come from, or None for the cue rules."""
    if isinstance(stance_model, StanceModel):
        return stance_model
    if stance_model == "bundled":
        return bundled_model()
    if stance_model == "cue rules":
        return None
    raise ValueError(
        f"stance_model must be a StanceModel, 'bundled' or 'cue rules': {stance_model}"
    )


def _store_one(conn, article: Article, knowledge, tag: str, report: IngestReport):
    if has_document(conn, article.content_hash):
        report.duplicates.append(article.path)
        return
    year = int(article.date[:4]) if article.date else None
    day = dt.date.fromisoformat(article.date) if article.date_precision == "day" else None
    gazetteer, lexicon, model = knowledge
    found = extract(
        article.text, gazetteer, lexicon, default_year=year, doc_date=day, stance_model=model
    )
    if add_document(conn, article, found, extractor=tag) is None:
        report.duplicates.append(article.path)
    else:
        report.added.append(article.path)
