"""Parsing YAML and JSON text (scenarios, gazetteers, lexicons) into plain data, refusing what
such files never need: duplicate mapping keys (the later value would silently win), nesting
deeper than any of them has, and aliases in numbers that could expand a small file into a huge
one.

Every refusal is an :class:`~detente.errors.InputError` naming the file, the line and the key.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from detente.errors import InputError

MAX_DEPTH = 32
"""Deepest nesting of mappings and lists accepted; a scenario needs about six levels."""
MAX_ALIASES = 100
"""YAML aliases (``*name``) accepted in one file."""


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with a nesting limit and an alias budget, checked while composing
    (before Python recursion could run out)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                line = self.peek_event().start_mark.line + 1
                raise InputError(f"more than {MAX_ALIASES} YAML aliases", line=line)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                line = self.peek_event().start_mark.line + 1
                raise InputError(f"nested more than {MAX_DEPTH} levels deep", line=line)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _duplicate_key(node: Any) -> tuple[str, str, int] | None:
    """The first duplicate mapping key in a composed YAML tree: (field path, key, 1-based
    line), walking iteratively."""
    stack: list[tuple[Any, str]] = [(node, "")]
    while stack:
        current, path = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: set[Any] = set()
            for key, value in current.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else None
                child = f"{path}.{name}" if path else str(name)
                if name is not None and name in seen:
                    return child, name, key.start_mark.line + 1
                seen.add(name)
                stack.append((value, child))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(current.value))
    return None


def compose_yaml(text: str) -> Any:
    """The YAML node tree of ``text`` (nesting and aliases bounded); errors carry a line."""
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def parse_yaml(text: str, file: str | Path | None = None) -> Any:
    """Plain data from YAML text, refusing duplicate keys and deep nesting."""
    try:
        node = compose_yaml(text)
        duplicate = _duplicate_key(node)
        if duplicate is not None:
            path, key, line = duplicate
            raise InputError(f"duplicate key {key!r}", file=file, line=line, field=path)
        if node is None:
            return None
        loader = _Loader("")
        try:
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except InputError as exc:
        raise exc.located(file=file) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at_line: int | None = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or "malformed YAML"
        raise InputError(f"malformed YAML: {problem}", file=file, line=at_line) from None


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


_JSON_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|[\[\]{}\n]')


def _too_deep_line(text: str) -> int | None:
    """The line where JSON brackets (outside strings) first nest deeper than
    :data:`MAX_DEPTH`, found before parsing so a hostile file cannot exhaust recursion."""
    depth = 0
    line = 1
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token == "\n":
            line += 1
        elif token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif token in "]}":
            depth -= 1
    return None


def parse_json(text: str, file: str | Path | None = None) -> Any:
    """Plain data from JSON text, refusing duplicate keys and deep nesting."""
    line = _too_deep_line(text)
    if line is not None:
        raise InputError(f"nested more than {MAX_DEPTH} levels deep", file=file, line=line)
    try:
        data = json.loads(text, object_pairs_hook=_pairs)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg}", file=file, line=exc.lineno) from None
    except _DuplicateKey as exc:
        located = _yaml_duplicate(text)
        line, path = (located[2], located[0]) if located else (None, None)
        raise InputError(
            f"duplicate key {exc.key!r}", file=file, line=line, field=path or exc.key
        ) from None
    return data


def _yaml_duplicate(text: str) -> tuple[str, str, int] | None:
    """Where the duplicate key of a JSON text is, read through YAML (JSON is nearly a subset)."""
    try:
        return _duplicate_key(compose_yaml(text))
    except (yaml.YAMLError, InputError):
        return None
