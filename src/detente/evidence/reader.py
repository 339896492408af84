"""Reading article files into clean text: decoding, HTML extraction, boilerplate, title, date.

A file that cannot be read as an article (binary, too large, empty) yields a :class:`Skipped`
with a one-line reason; a file read with repairs (invalid UTF-8 bytes, scripts in HTML) yields
an :class:`Article` whose ``warnings`` say so.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from detente.evidence.dates import find_dates, normalise

SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}
MB = 1024 * 1024
"""One megabyte as ``--max-mb`` counts it (2**20 bytes)."""
DEFAULT_MAX_BYTES = 10 * MB
BINARY_SNIFF_BYTES = 8192
MAX_REPLACED_FRACTION = 0.01
TITLE_MAX_CHARS = 160


@dataclass(frozen=True)
class Article:
    """A readable article: the stored text and what was found about it."""

    path: str
    name: str
    kind: str
    text: str
    title: str | None
    date: str | None
    date_precision: str | None
    content_hash: str
    warnings: tuple[str, ...] = field(default=())
    outlet: str | None = None
    url: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class Skipped:
    """A file that was not ingested, and why (one line)."""

    path: str
    reason: str


def iter_article_files(paths: list[Path]) -> tuple[list[Path], list[Skipped]]:
    """Files to ingest under ``paths`` (directories recursively, sorted) and paths not usable."""
    files: list[Path] = []
    bad: list[Skipped] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in SUFFIXES
            )
        elif path.is_file():
            if path.suffix.lower() in SUFFIXES:
                files.append(path)
            else:
                bad.append(Skipped(str(path), f"unsupported file type {path.suffix or '(none)'}"))
        else:
            bad.append(Skipped(str(path), "no such file or directory"))
    return files, bad


def content_hash(text: str) -> str:
    """SHA-256 of the normalised text: NFKC, case-folded, whitespace collapsed."""
    norm = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def looks_utf16(raw: bytes) -> bool:
    """Whether ``raw`` is UTF-16 text: a UTF-16 byte-order mark, or NUL in every other byte of
    the first few hundred (ASCII-range text without a mark)."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    head = raw[:512]
    if len(head) < 8:
        return False
    even, odd = head[0::2], head[1::2]
    return even.count(0) >= 0.9 * len(even) or odd.count(0) >= 0.9 * len(odd)


def decode(raw: bytes) -> tuple[str | None, str | None]:
    """Text of ``raw`` and a warning, or None and the reason it is not text."""
    if looks_utf16(raw):
        return None, "UTF-16 text, expected UTF-8 (save the file as UTF-8)"
    if b"\x00" in raw[:BINARY_SNIFF_BYTES]:
        return None, "binary file (NUL bytes)"
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad > MAX_REPLACED_FRACTION * max(len(text), 1):
        # Not UTF-8 at all: a legacy single-byte encoding is the common case for articles.
        return raw.decode("cp1252", errors="replace"), "not UTF-8; read as Windows-1252"
    return text, f"{bad} invalid UTF-8 byte(s) replaced"


def read_article(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article | Skipped:
    """Read one file as an article, or say in one line why it is skipped."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        return Skipped(str(path), f"unsupported file type {path.suffix or '(none)'}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Skipped(
                str(path), f"too large ({size / MB:.3g} MB, the limit is {max_bytes / MB:g} MB)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        return Skipped(str(path), f"cannot read: {exc.strerror or exc}")
    text, note = decode(raw)
    if text is None:
        return Skipped(str(path), note or "not text")
    warnings = [note] if note else []
    meta: dict[str, str] = {}
    if kind == "html":
        text, meta, html_notes = html_to_text(text)
        warnings.extend(html_notes)
    else:
        meta, text = read_header(normalise_newlines(text))
    text = strip_boilerplate(normalise_newlines(text))
    if not text.strip():
        return Skipped(str(path), "empty (no article text)")
    title = meta.get("title") or guess_title(text, kind)
    date = meta.get("date")
    date_value, precision = (date, "day") if date else guess_date(text)
    return Article(
        path=str(path),
        name=path.name,
        kind=kind,
        text=text,
        title=title,
        date=date_value,
        date_precision=precision,
        content_hash=content_hash(text),
        warnings=tuple(warnings),
        outlet=meta.get("outlet"),
        url=meta.get("url"),
        author=meta.get("author"),
    )


HEADER_KEYS = {
    "title": "title", "headline": "title", "outlet": "outlet", "source": "outlet",
    "publisher": "outlet", "site": "outlet", "author": "author", "authors": "author",
    "by": "author", "byline": "author", "date": "date", "published": "date",
    "publication date": "date", "url": "url", "link": "url", "split": "split",
    "language": "language",
}  # fmt: skip
HEADER_LINE_RE = re.compile(r"([A-Za-z][A-Za-z ]{0,20}):\s*(.*\S)\s*")


def read_header(text: str) -> tuple[dict[str, str], str]:
    """A header block of ``Key: value`` lines at the top (title, outlet, author, date, URL),
    ended by a blank line, and the text after it; no header gives ``({}, text)``.

    A header needs at least two known keys, so a first line such as "Update: talks resume"
    stays part of the article. The date is kept only when it reads as a day (ISO).
    """
    lines = text.split("\n")
    meta: dict[str, str] = {}
    end = next((i for i, line in enumerate(lines) if not line.strip()), None)
    if end is None:
        return {}, text
    for line in lines[:end]:
        m = HEADER_LINE_RE.fullmatch(line)
        key = HEADER_KEYS.get(m.group(1).strip().lower()) if m else None
        if key is None:
            return {}, text
        meta[key] = m.group(2)
    if len(meta) < 2:
        return {}, text
    if "date" in meta:
        parsed = normalise(meta["date"])
        if parsed is None or parsed[1] != "day":
            del meta["date"]
        else:
            meta["date"] = parsed[0]
    return meta, "\n".join(lines[end + 1 :])


def normalise_newlines(text: str) -> str:
    """Unix newlines, no trailing spaces, no runs of blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    return "\n".join(out).strip("\n")


SCRIPT_RE = re.compile(r"<script\b", re.IGNORECASE)


def html_to_text(html: str) -> tuple[str, dict[str, str], list[str]]:
    """Main text (tables as Markdown rows) and metadata of an HTML page: title, outlet
    (site name), author, URL and ISO date (trafilatura, htmldate)."""
    import trafilatura

    notes = []
    if SCRIPT_RE.search(html):
        notes.append("HTML contains scripts (removed)")
    doc = trafilatura.bare_extraction(
        html,
        include_tables=True,
        include_comments=False,
        include_links=False,
        with_metadata=True,
        favor_recall=True,
    )
    if doc is None:
        return "", {}, notes
    data = doc if isinstance(doc, dict) else doc.as_dict()
    text = data.get("text") or ""
    meta = {
        "title": data.get("title"),
        "outlet": data.get("sitename") or data.get("hostname"),
        "author": data.get("author"),
        "url": data.get("url"),
        "date": data.get("date"),
    }
    if meta["date"] is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta["date"]):
        meta["date"] = None
    return text, {k: v for k, v in meta.items() if v}, notes


# Boilerplate of news sites, matched on whole lines (case-insensitive).
DROP_LINE_PATTERNS = [
    r"(leave|post|add) a comment\.?",
    r".*\b(share|tell us|let us know) (your|what you think)\b.*\b(comments?|below|thoughts)\b.*",
    r".*\bjoin the (discussion|conversation)\b.*",
    r".*\b(subscribe|sign up)\b.*\bnewsletter\b.*",
    r".*\bnewsletter\b.*\b(subscribe|sign up|inbox)\b.*",
    r"(explore|read) further:.*",
    r"read (more|our|also|next)\b.*",
    r"(related|recommended)( articles| stories| posts| reading)?:?",
    r"table of contents:?",
    r"(share|print|email) (this|the) (article|story|page)\.?",
    r"(advertisement|sponsored( content)?)",
    r"for further insights,? .*",
    r"follow us on .*",
    r"all rights reserved\.?.*",
]
DROP_LINE_RE = re.compile("|".join(f"(?:{p})" for p in DROP_LINE_PATTERNS), re.IGNORECASE)
# A line that starts the tail of a page: lists of other articles, comment sections.
TAIL_MARKER_RE = re.compile(
    r"(you (may|might) also like|more (stories|articles) from .*|related (articles|stories|posts)"
    r"|most (read|popular)|comments \(\d+\)|trending( now)?)\s*:?",
    re.IGNORECASE,
)
# A byline: "by Chief Editor", "Author: Jane Doe" (capitalised words only).
BYLINE_RE = re.compile(r"(?:[Bb]y|BY|Author:|AUTHOR:)\s+[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3}")
TEASER_RE = re.compile(r"(\.\.\.|…)\s*read more\s*$", re.IGNORECASE)


def strip_boilerplate(text: str) -> str:
    """The article without related-article lists, comment prompts and newsletter calls."""
    lines = text.split("\n")
    cut = len(lines)
    for i, line in enumerate(lines):
        if i >= len(lines) // 3 and TAIL_MARKER_RE.fullmatch(" ".join(line.split())):
            cut = i
            break
    lines = lines[:cut]
    keep = [True] * len(lines)
    for i, line in enumerate(lines):
        stripped = " ".join(line.split()).strip("*#_ ").strip()
        if DROP_LINE_RE.fullmatch(stripped) or BYLINE_RE.fullmatch(stripped):
            keep[i] = False
        elif TEASER_RE.search(stripped):
            keep[i] = False
            prev = _previous_nonblank(lines, i)
            if prev is not None and _looks_like_headline(lines[prev]):
                keep[prev] = False
    return normalise_newlines("\n".join(line for line, k in zip(lines, keep, strict=True) if k))


def _previous_nonblank(lines: list[str], i: int) -> int | None:
    for j in range(i - 1, -1, -1):
        if lines[j].strip():
            return j
    return None


def _looks_like_headline(line: str) -> bool:
    line = line.strip()
    return (
        0 < len(line) <= TITLE_MAX_CHARS
        and not line.endswith((".", "?", "!", ":"))
        or (0 < len(line) <= TITLE_MAX_CHARS and line.endswith("?") and line.count(" ") < 20)
    )


def guess_title(text: str, kind: str) -> str | None:
    """The first line when it reads as a headline (a Markdown heading in .md files)."""
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if kind == "md" and line.startswith("#"):
            return line.lstrip("#").strip() or None
        if len(line) <= TITLE_MAX_CHARS and not line.endswith("."):
            return line.lstrip("#").strip() or None
        return None
    return None


# Frequent function words of English and of languages news about these talks is often in: a
# text is English unless another list fits it better and English words are rare, or most of its
# letters are not Latin.
FUNCTION_WORDS = {
    "en": "the of and to in a is that for on with as was by at from it be are has have said an"
    " his not this which but were will its their had would been also who they after over more",
    "fr": "le la les de des du et un une est dans pour que qui sur par au aux pas avec ce il",
    "de": "der die das und den dem des ist nicht ein eine mit von zu im auf für sich auch dass",
    "es": "el la los las de del y en un una que es por para con se su al lo como más pero",
    "it": "il la le di del della e un una che per con non si è gli dei alla sono da al nel",
    "pt": "o a os as de do da e um uma que em para com não se por no na dos das ao",
    "id": "dan yang di untuk dengan pada dari ini itu dalam tidak akan oleh juga ke bahwa",
    "nl": "de het een en van in is dat op te met voor niet zijn aan er ook als bij",
}
STOPWORDS = {lang: frozenset(words.split()) for lang, words in FUNCTION_WORDS.items()}


def english_share(text: str) -> tuple[float, int]:
    """The share of words that are frequent English function words, and the number of words."""
    words = re.findall(r"[^\W\d_]+", text.casefold())
    if not words:
        return 0.0, 0
    return sum(w in STOPWORDS["en"] for w in words) / len(words), len(words)


def language_guess(text: str) -> tuple[str, float, int]:
    """``(language, share, words)``: the function-word list that fits the text best ("xx"
    when most letters are not Latin)."""
    words = re.findall(r"[^\W\d_]+", text.casefold())
    if not words:
        return "en", 0.0, 0
    letters = [c for c in text if c.isalpha()]
    latin = sum(c.isascii() or "\u00c0" <= c <= "\u024f" for c in letters)
    if letters and latin / len(letters) < 0.5:
        return "xx", 0.0, len(words)
    shares = {lang: sum(w in sw for w in words) / len(words) for lang, sw in STOPWORDS.items()}
    best = max(shares, key=lambda k: (shares[k], k == "en"))
    return best, shares[best], len(words)


DATELINE_CHARS = 400


def guess_date(text: str) -> tuple[str | None, str | None]:
    """A publication date written near the top (a dateline), with its precision, if any."""
    head = text[:DATELINE_CHARS]
    for found in find_dates(head):
        if found.precision == "day":
            return found.iso, found.precision
    return None, None
