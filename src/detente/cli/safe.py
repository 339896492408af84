"""Text from files, articles and users, made safe to print: control characters (terminal escape
sequences, bidirectional overrides) are removed and Rich markup is escaped, so such text can
neither drive the terminal nor restyle or rewrite detente's own messages."""

from __future__ import annotations

import re
from functools import cache

from rich.markup import escape

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_EMOJI_CODE = re.compile(r":(\S*?):")


@cache
def _emoji_names() -> frozenset[str]:
    try:
        from rich._emoji_codes import EMOJI
    except ImportError:  # pragma: no cover - a rich without its emoji table
        return frozenset()
    return frozenset(EMOJI)


def _break_emoji(text: str) -> str:
    """``:name:`` codes Rich would turn into emoji, with a word joiner after the first colon."""
    names = _emoji_names()

    def fix(match: re.Match[str]) -> str:
        name = match.group(1).removesuffix("-emoji").removesuffix("-text").lower()
        return ":\u2060" + match.group(1) + ":" if name in names else match.group(0)

    return _EMOJI_CODE.sub(fix, text)


def clean(text: object) -> str:
    """``text`` as a string without control characters (newlines and tabs are kept)."""
    return _CONTROL.sub("", str(text))


def one_line(text: object) -> str:
    """``text`` cleaned, with line breaks and tabs turned into spaces."""
    return " ".join(clean(text).split())


def shown(text: object) -> str:
    """``text`` cleaned and escaped for printing inside Rich markup: square brackets stay
    literal and ``:name:`` is not turned into an emoji."""
    return _break_emoji(escape(clean(text)))
