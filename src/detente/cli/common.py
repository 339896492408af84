"""What several commands share: the engine list, date options and writing files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from detente.errors import InputError


def parse_date(text: str | None, flag: str) -> dt.date | None:
    """A YYYY-MM-DD option, or an InputError naming the flag."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"expected a date YYYY-MM-DD, got {text!r}", field=flag) from None


def engine_names() -> tuple[str, ...]:
    """The collective-decision engines (``detente run ENGINE``)."""
    from detente.engines import engine_names as registered

    return registered()


def forecast_engines() -> tuple[str, ...]:
    """What ``--engine`` accepts for a forecast: every engine, then ``protocol`` (the registry's
    one list, also served at ``/api/engines``)."""
    from detente.engines import engine_choices

    return engine_choices()


def engines_help(with_protocol: bool) -> str:
    """The engine list for a help text."""
    names = forecast_engines() if with_protocol else engine_names()
    text = ", ".join(names[:-1]) + f" or {names[-1]}"
    if with_protocol:
        text += " (each table's own negotiation protocol)"
    return text


def check_engine(name: str, with_protocol: bool, flag: str = "--engine") -> str:
    """``name`` if it is a known engine, else an InputError listing them all."""
    names = forecast_engines() if with_protocol else engine_names()
    if name not in names:
        raise InputError(f"unknown engine {name!r}, expected one of {', '.join(names)}", field=flag)
    return name


def write_json(
    path: Path, data: Any, *, indent: int = 2, sort_keys: bool = False, option: str = "--json"
) -> None:
    """Write ``data`` as JSON (UTF-8, trailing newline); failures are one-line errors naming
    ``option``."""
    from detente.cli.output import write_output

    text = json.dumps(data, indent=indent, sort_keys=sort_keys) + "\n"
    write_output(path, text, option)
