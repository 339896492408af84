"""Ingest time against article size: the test articles repeated to each size (many sentences),
and a single line with no sentence end (one huge sentence with many actors and cues)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from detente.evidence import ingest, load_gazetteer, load_lexicon, open_store

ARTICLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "evidence" / "articles"
ONE_LINE = "Russia demands territory and Ukraine rejects it "


def article_text(size: int) -> str:
    """The plain-text test articles, repeated and cut to ``size`` characters."""
    parts = [p.read_text(encoding="utf-8") for p in sorted(ARTICLES.glob("*.txt"))]
    block = "\n\n".join(parts) + "\n\n"
    return (block * (size // len(block) + 1))[:size]


def timed_ingest(
    text: str, folder: Path, name: str, claims_from: str = "bundled"
) -> tuple[float, int]:
    """Seconds to ingest ``text`` as one file into a fresh store, and the claims found
    (``claims_from``: the bundled stance model or the cue rules)."""
    path = folder / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    store = open_store(folder / f"{name}.db")
    gazetteer, lexicon = load_gazetteer(), load_lexicon()
    start = time.perf_counter()
    report = ingest(
        store,
        [path],
        gazetteer=gazetteer,
        lexicon=lexicon,
        max_bytes=len(text) * 4 + 1024,
        require_date=False,  # the benchmark texts carry no publication date
        stance_model=claims_from,
    )
    elapsed = time.perf_counter() - start
    if report.skipped:  # a skipped file would time nothing
        raise RuntimeError(f"benchmark file skipped: {report.skipped}")
    claims = store.execute("SELECT count(*) FROM claims").fetchone()[0]
    store.close()
    return elapsed, claims


def run(quick: bool = False) -> str:
    sizes = (20_000, 80_000) if quick else (100_000, 300_000, 1_000_000, 2_000_000)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        timed_ingest(article_text(5_000), folder, "warm")  # compile regexes, load dateparser
        for claims_from in ("bundled", "cue rules"):
            for size in sizes:
                seconds, claims = timed_ingest(
                    article_text(size), folder, f"m{size}{claims_from[0]}", claims_from
                )
                rows.append((claims_from, "sentences", size, seconds, claims))
            line = (ONE_LINE * ((sizes[-1] // 8) // len(ONE_LINE) + 1))[: sizes[-1] // 8]
            seconds, claims = timed_ingest(line, folder, f"line{claims_from[0]}", claims_from)
            rows.append((claims_from, "one line", len(line), seconds, claims))
    out = [
        "## Evidence ingest",
        "",
        "One file ingested into a fresh store (reading, extraction, storage), after a warm-up "
        "file. The articles are the test articles repeated; the one-line file is "
        f"`{ONE_LINE.strip()}` repeated without a sentence end. Claims come from the bundled "
        "stance model (the default), which parses each sentence with actors and issues a second "
        "time, or from the cue rules (`ingest --cue-rules`).",
        "",
        "| claims from | text | KB | seconds | ms per KB | claims |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for claims_from, kind, size, seconds, claims in rows:
        name = "stance model" if claims_from == "bundled" else claims_from
        out.append(
            f"| {name} | {kind} | {size / 1000:,.0f} | {seconds:.2f} "
            f"| {1000 * seconds / (size / 1000):.1f} | {claims:,} |"
        )
    return "\n".join(out)
