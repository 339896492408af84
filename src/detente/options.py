"""Typed options of engines, protocols and strategies.

Every component declares its options as a frozen pydantic model (:class:`Options`); callers pass
plain ``name → value`` mappings (from ``-o name=value`` on the command line, a config object or
the web API) and :func:`checked` turns them into the model or an :class:`InputError` naming the
option. Values given as text are converted by pydantic's lax mode (``"3"`` → 3, ``"true"`` →
True); ``none`` stands for None where an option may be None.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError

from detente.errors import InputError

NONE_WORDS = ("none", "null")
T = TypeVar("T", bound=BaseModel)


class Options(BaseModel):
    """Base of every options model: immutable, unknown names rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class NoOptions(Options):
    """A component without options."""


def _message(exc: ValidationError, model: type[BaseModel]) -> tuple[str, str | None]:
    """One line for the first error: the option it concerns and what was expected."""
    err = exc.errors(include_url=False)[0]
    name = ".".join(str(p) for p in err["loc"]) or None
    if err["type"] == "extra_forbidden":
        known = ", ".join(model.model_fields) or "none"
        return f"unknown option {name!r}, expected one of: {known}", name
    return str(err["msg"]).removeprefix("Value error, "), name


def input_error(exc: ValidationError, model: type[BaseModel], field: str = "") -> InputError:
    """The InputError for a pydantic validation error of ``model``'s options."""
    message, name = _message(exc, model)
    return InputError(message, field=".".join(p for p in (field, name) if p) or None)


def checked(model: type[T], values: Mapping[str, Any] | None, field: str = "") -> T:
    """``values`` validated into ``model``; an invalid or unknown option is an InputError whose
    field is ``field.option`` (or the option alone)."""
    try:
        return model.model_validate(dict(values or {}))
    except ValidationError as exc:
        raise input_error(exc, model, field) from None


def parse_assignments(pairs: Iterable[str], field: str = "options") -> dict[str, Any]:
    """``["name=value", …]`` → ``{name: value}`` (text values; ``none`` → None)."""
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"expected name=value, got {pair!r}", field=field)
        out[name] = None if value.strip().lower() in NONE_WORDS else value.strip()
    return out


def describe(model: type[BaseModel]) -> list[tuple[str, str, str, str]]:
    """(name, type, default, description) of every option of ``model``."""
    rows = []
    for name, info in model.model_fields.items():
        if get_origin(info.annotation) is Literal:
            kind = "one of " + "|".join(map(str, get_args(info.annotation)))
        else:
            kind = getattr(info.annotation, "__name__", None) or str(info.annotation)
            kind = kind.replace("typing.", "").replace("NoneType", "None")
        rows.append((name, kind, repr(info.default), info.description or ""))
    return rows


def split(values: Mapping[str, Any], *models: type[BaseModel]) -> list[dict[str, Any]]:
    """Share ``values`` among ``models`` by option name (a name may serve several); a name no
    model knows is an InputError listing the known ones."""
    known = [set(m.model_fields) for m in models]
    unknown = sorted(set(values) - set().union(*known))
    if unknown:
        names = ", ".join(sorted(set().union(*known))) or "none"
        raise InputError(
            f"unknown option {unknown[0]!r}, expected one of: {names}", field="options"
        )
    return [{k: v for k, v in values.items() if k in names} for names in known]


__all__ = [
    "NoOptions",
    "Options",
    "checked",
    "describe",
    "input_error",
    "parse_assignments",
    "split",
]
