"""The README's commands exist: every command in its table answers --help."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from detente.cli import main

REPO = Path(__file__).resolve().parents[1]

README = (REPO / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[list[str]]:
    """Command words (up to the first argument or option) of each `detente …` in the README."""
    found = []
    for snippet in re.findall(r"`detente ([^`]+)`", README):
        words = []
        for word in snippet.split():
            if not re.fullmatch(r"[a-z][a-z-]*", word):
                break
            words.append(word)
        if words and words not in found:
            found.append(words)
    return found


@pytest.mark.parametrize("words", readme_commands(), ids=" ".join)
def test_readme_command_answers_help(words, capsys):
    try:
        main([*words, "--help"])
    except SystemExit as exc:
        assert exc.code in (0, None)
    assert "Usage" in capsys.readouterr().out


def test_readme_shows_the_two_commands():
    assert "make demo" in README and "make test" in README
