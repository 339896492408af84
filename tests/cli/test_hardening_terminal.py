"""Text from files and articles cannot drive the terminal or restyle detente's messages."""

from __future__ import annotations

import re

import pytest
import typer

from detente.cli import build_app
from detente.cli.safe import clean, one_line, shown

HOSTILE = """id: inj
name: "Evil \\e]0;pwned\\a [bold red]BOLD[/] :smile:"
description: "\\e[31mred\\e[0m [link=http://x]click[/link]"
actors:
  - {id: a, name: "A \\e[2J", kind: state, capability: 1}
  - {id: b, name: "[blink]B[/blink]", kind: state, capability: 1}
issues:
  - {id: i, name: "I\\u202eevil", anchors: [{value: 0, label: "[x]"}, {value: 100, label: y}]}
positions:
  - {actor: a, issue: i, ideal: 0, salience: 50}
  - {actor: b, issue: i, ideal: 100, salience: 50}
tables:
  - {id: t, name: "T [i]x[/i]", parties: [a, b]}
"""


def _both(result) -> tuple[int, str]:
    """(exit code, stdout and stderr together) of a ``cli`` fixture run."""
    code, out, err = result
    return code, out + err


def test_helpers():
    assert clean("a\x1b[31mb\x07c\u202ed\n\te") == "a[31mbcd\n\te"
    assert one_line("a\nb\r\nc") == "a b c"
    assert shown("[bold]x[/bold]") == "\\[bold]x\\[/bold]"
    assert shown("PATH=a:b:n 10:30:2") == "PATH=a:\u2060b:n 10:30:2"


def test_scenario_text_is_printed_literally(tmp_path, cli):
    path = tmp_path / "inj.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    code, out = _both(cli(["scenario", "show", str(path)]))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    for literal in ("[bold red]BOLD[/]", "[blink]B[/blink]", "[link=http://x]click[/link]",
                    "T [i]x[/i]", ":smile:"):  # fmt: skip
        assert literal in out.replace("\u2060", "")


def test_file_name_with_markup_in_messages(tmp_path, cli):
    path = tmp_path / "[red]x[bold].yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    code, out = _both(cli(["scenario", "validate", str(path)]))
    assert code == 0 and "[red]x[bold].yaml" in out


def test_own_messages_keep_their_brackets(minimal_scenario_path, tmp_path, cli):
    path = tmp_path / "bad.yaml"
    path.write_text(
        minimal_scenario_path.read_text(encoding="utf-8").replace("id: minimal", "id: Bad!"),
        encoding="utf-8",
    )
    code, out = _both(cli(["scenario", "validate", str(path)]))
    assert code == 2 and r"'^[a-z0-9_\-]+$'" in out


def test_error_with_escape_sequences_stays_one_clean_line(tmp_path, cli):
    path = tmp_path / "bad.yaml"
    text = HOSTILE.replace("parties: [a, b]", 'parties: [a, "\\e]0;x\\a\\nzz"]')
    path.write_text(text, encoding="utf-8")
    code, out = _both(cli(["scenario", "validate", str(path)]))
    assert code == 2 and "\x1b" not in out and len(out.strip().splitlines()) == 1


def test_article_text_is_printed_literally(tmp_path, cli):
    article = tmp_path / "a.txt"
    article.write_text(
        "Kremlin talks\n\nRussia demands \x1b]0;owned\x07 [bold]territory[/bold] in the east "
        "and \x1b[31mUkraine\x1b[0m rejects the plan.\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "e.db")
    assert _both(cli(["ingest", str(article), "--db", db]))[0] == 0
    for args in (
        ["evidence", "search", "territory", "--db", db],
        ["evidence", "claims", "--db", db],
    ):
        code, out = _both(cli(args))
        assert code == 0 and "\x1b" not in out and "\x07" not in out
    code, out = _both(cli(["evidence", "search", "[bold]territory", "--db", db]))
    assert "[bold]" in out


def _commands(group, prefix=()):
    for name, command in getattr(group, "commands", {}).items():
        path = (*prefix, name)
        yield path, command
        yield from _commands(command, path)


def test_help_texts_are_not_rewritten_by_markup_or_emoji(cli):
    """Every option's help appears word for word in ``--help`` (no markup eaten, no emoji)."""
    root = typer.main.get_command(build_app())
    checked = 0
    for path, command in _commands(root):
        code, out = _both(cli([*path, "--help"]))
        assert code == 0
        words = set(re.sub(r"[│╭╮╰╯─]", " ", out).split())
        assert not re.search("[\U0001f000-\U0001ffff]", out), path
        for param in command.params:
            for word in (getattr(param, "help", None) or "").split():
                assert word in words or len(word) > 30, (path, param.name, word)
                checked += 1
    assert checked > 50


@pytest.mark.parametrize("text", ["[bold]", "[/]", "[link=x]y[/link]", ":b:", "\x1b[2J"])
def test_shown_round_trips_through_rich(text):
    from rich.console import Console

    console = Console(width=200, force_terminal=False, emoji=True)
    with console.capture() as capture:
        console.print(shown(text))
    assert capture.get().rstrip("\n").replace("\u2060", "") == clean(text)
