"""The actor gazetteer and the issue lexicon: package data, merged with a user's files.

Both compile to one regular expression each; matching returns character spans so every
extracted item can cite the text it came from.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from detente.errors import InputError
from detente.parse import parse_yaml

TERM_FIELDS = ("aliases", "demonyms", "capitals", "institutions", "people")
POLES = ("high", "low")
CASE_SENSITIVE_MAX = 5


@dataclass(frozen=True)
class Mention:
    """A span of text naming an actor or an issue (``pole``: the side of the scale, if any)."""

    start: int
    end: int
    key: str
    text: str
    person: bool = False
    pole: str | None = None


def _read_yaml(path: Path | None, package_file: str) -> dict[str, Any]:
    if path is None:
        text = resources.files("detente.data").joinpath(package_file).read_text("utf-8")
        where: str | Path = package_file
    else:
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", file=path) from None
        except UnicodeDecodeError:
            raise InputError("invalid UTF-8, expected YAML text", file=path) from None
        where = path
    data = parse_yaml(text, where) or {}
    if not isinstance(data, dict):
        raise InputError("expected a mapping at the top level", file=where, line=1)
    return data


def _term_list(value: Any, where: str | Path, field: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() for t in value):
        raise InputError("expected a list of non-empty strings", file=where, field=field)
    return [t.strip() for t in value]


class Gazetteer:
    """Actor names → actor ids (see ``src/detente/data/gazetteer.yaml`` for the rules)."""

    def __init__(
        self,
        actors: dict[str, dict[str, list[str]]],
        ignore: list[str],
        blocs: dict[str, list[str]] | None = None,
    ) -> None:
        self.actors = actors
        self.ignore = ignore
        self.blocs = blocs or {}
        entries: list[tuple[str, str | None, bool]] = []
        for actor, fields in actors.items():
            for field in TERM_FIELDS:
                entries.extend((t, actor, field == "people") for t in fields.get(field, []))
        entries.extend((t, None, False) for t in ignore)
        entries.sort(key=lambda e: -len(e[0]))
        self._lookup: dict[str, tuple[str | None, bool]] = {}
        parts = []
        for term, actor, person in entries:
            exact = term.isupper() and len(term.replace(".", "")) <= CASE_SENSITIVE_MAX
            key = term if exact else term.casefold()
            if key in self._lookup:
                continue
            self._lookup[key] = (actor, person)
            body = re.escape(term).replace(r"\ ", r"\s+")
            parts.append(body if exact else f"(?i:{body})")
        self._re = re.compile(r"(?<![\w.])(?:" + "|".join(parts) + r")(?![\w]|\.\w)")

    @property
    def digest(self) -> str:
        """A short hash of the gazetteer's content (recorded with each ingest)."""
        blob = json.dumps([self.actors, self.ignore, self.blocs], sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:12]

    def bloc_of(self) -> dict[str, str]:
        """Member actor id → the scenario bloc it belongs to (``blocs`` in the gazetteer)."""
        return {m: bloc for bloc, members in self.blocs.items() for m in members}

    def find(self, text: str) -> list[Mention]:
        """Actor mentions in ``text``, longest term first, ignoring ``ignore`` names."""
        out = []
        for m in self._re.finditer(text):
            term = " ".join(m.group().split())
            actor, person = self._lookup.get(term) or self._lookup.get(term.casefold(), (None, 0))
            if actor is not None:
                out.append(Mention(m.start(), m.end(), actor, m.group(), bool(person)))
        return out


def load_gazetteer(user_file: Path | None = None) -> Gazetteer:
    """The bundled gazetteer, with ``user_file`` merged over it when given."""
    base = _parse_gazetteer(_read_yaml(None, "gazetteer.yaml"), "gazetteer.yaml")
    if user_file is None:
        return Gazetteer(*base)
    actors, ignore, blocs = base
    extra_actors, extra_ignore, extra_blocs = _parse_gazetteer(_read_yaml(user_file, ""), user_file)
    blocs = {**blocs, **extra_blocs}
    for actor, fields in extra_actors.items():
        merged = actors.setdefault(actor, {f: [] for f in TERM_FIELDS})
        for field in TERM_FIELDS:
            merged[field] = merged.get(field, []) + fields.get(field, [])
    return Gazetteer(actors, ignore + extra_ignore, blocs)


def _parse_gazetteer(data: dict, where: str | Path) -> tuple[dict, list[str], dict]:
    actors_data = data.get("actors") or {}
    if not isinstance(actors_data, dict):
        raise InputError("expected a mapping of actor ids", file=where, field="actors")
    actors: dict[str, dict[str, list[str]]] = {}
    for actor, fields in actors_data.items():
        if not isinstance(fields, dict):
            raise InputError("expected a mapping of term lists", file=where, field=str(actor))
        unknown = set(fields) - set(TERM_FIELDS) - {"name"}
        if unknown:
            raise InputError(
                f"unknown field(s) {', '.join(sorted(unknown))}; expected {', '.join(TERM_FIELDS)}",
                file=where,
                field=f"actors.{actor}",
            )
        actors[str(actor)] = {
            f: _term_list(fields.get(f), where, f"actors.{actor}.{f}") for f in TERM_FIELDS
        }
    blocs_data = data.get("blocs") or {}
    if not isinstance(blocs_data, dict):
        raise InputError("expected a mapping of bloc ids to actor ids", file=where, field="blocs")
    blocs = {str(b): _term_list(m, where, f"blocs.{b}") for b, m in blocs_data.items()}
    return actors, _term_list(data.get("ignore"), where, "ignore"), blocs


class IssueLexicon:
    """Issue terms → issue ids, with the phrases that name either end of each issue's scale."""

    def __init__(self, issues: dict[str, dict[str, list[str]]]) -> None:
        self.issues = issues
        self._patterns: list[tuple[str, str | None, re.Pattern]] = []
        for issue, fields in issues.items():
            for pole in (None, *POLES):
                terms = fields.get(pole or "terms", [])
                if terms:
                    body = "|".join(f"(?:{t})" for t in terms)
                    self._patterns.append(
                        (issue, pole, re.compile(rf"\b(?:{body})\b", re.IGNORECASE))
                    )

    @property
    def digest(self) -> str:
        """A short hash of the lexicon's content."""
        return hashlib.sha256(json.dumps(self.issues, sort_keys=True).encode()).hexdigest()[:12]

    def find(self, text: str) -> list[Mention]:
        """Issue mentions in ``text``; where matches of one issue overlap, a phrase with a pole
        wins over a plain term, then the longer one."""
        found: dict[str, list[Mention]] = {}
        for issue, pole, pattern in self._patterns:
            for m in pattern.finditer(text):
                if m.end() > m.start():
                    found.setdefault(issue, []).append(
                        Mention(m.start(), m.end(), issue, m.group(), pole=pole)
                    )
        out: list[Mention] = []
        for mentions in found.values():
            out.extend(_non_overlapping(mentions))
        out.sort(key=lambda x: (x.start, x.end))
        # A plain term inside a longer phrase of another issue belongs to that phrase
        # ("NATO's Article 5" is about guarantees, not membership).
        longest = max((m.end - m.start for m in out), default=0)
        return [m for m in out if m.pole or not _inside_other(out, m, longest)]


def _non_overlapping(mentions: list[Mention]) -> list[Mention]:
    """Mentions of one issue, best first (a pole, then longer, then earlier), keeping each that
    overlaps none kept before; the kept spans are disjoint, so only the neighbours of a
    candidate in start order need checking."""
    starts: list[int] = []
    kept: list[Mention] = []
    for m in sorted(mentions, key=lambda x: (x.pole is None, x.start - x.end, x.start)):
        i = bisect_right(starts, m.start)
        if i > 0 and kept[i - 1].end > m.start:
            continue
        if i < len(kept) and kept[i].start < m.end:
            continue
        starts.insert(i, m.start)
        kept.insert(i, m)
    return kept


def _inside_other(out: list[Mention], m: Mention, longest: int) -> bool:
    """Whether a longer mention of another issue contains ``m`` (``out`` sorted by start; no
    mention is longer than ``longest``, so only those starting that far back are looked at)."""
    first = bisect_left(out, m.start - longest, key=lambda x: x.start)
    for i in range(first, len(out)):
        o = out[i]
        if o.start > m.start:
            break
        if o.key != m.key and _contains(o, m):
            return True
    return False


def _contains(outer: Mention, inner: Mention) -> bool:
    longer = outer.end - outer.start > inner.end - inner.start
    return longer and outer.start <= inner.start and inner.end <= outer.end


def load_lexicon(user_file: Path | None = None) -> IssueLexicon:
    """The bundled issue lexicon, with ``user_file``'s issues replacing or adding entries."""
    issues = _parse_lexicon(_read_yaml(None, "issue_lexicon.yaml"), "issue_lexicon.yaml")
    if user_file is not None:
        issues.update(_parse_lexicon(_read_yaml(user_file, ""), user_file))
    return IssueLexicon(issues)


def _parse_lexicon(data: dict, where: str | Path) -> dict[str, dict[str, list[str]]]:
    issues = data.get("issues") or {}
    if not isinstance(issues, dict):
        raise InputError("expected a mapping of issue ids", file=where, field="issues")
    out = {}
    for issue, fields in issues.items():
        if not isinstance(fields, dict):
            raise InputError("expected terms/high/low lists", file=where, field=f"issues.{issue}")
        entry = {}
        for name in ("terms", *POLES):
            terms = _term_list(fields.get(name), where, f"issues.{issue}.{name}")
            for term in terms:
                try:
                    re.compile(term)
                except re.error as exc:
                    raise InputError(
                        f"invalid regular expression {term!r}: {exc}",
                        file=where,
                        field=f"issues.{issue}.{name}",
                    ) from None
            entry[name] = terms
        out[str(issue)] = entry
    return out


def cue_regex(cues: dict[str, list[str]]) -> re.Pattern[str]:
    """One case-insensitive pattern for stance cues, a named group per stance (word-bounded)."""
    return re.compile(
        "|".join(f"(?P<{stance}>\\b(?:{'|'.join(words)})\\b)" for stance, words in cues.items()),
        re.IGNORECASE,
    )
