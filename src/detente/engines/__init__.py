"""Collective-decision engines: pure functions over batched arrays (draws, actors, dims).

Each engine lives in its own module that defines ``SPEC``, an :class:`EngineSpec`; modules are
imported only when an engine is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any

from detente.engines.base import EngineInput, EngineResult, EngineSpec
from detente.errors import InputError

ENGINE_MODULES: dict[str, str] = {
    "compromise": "detente.engines.compromise",
    "nash": "detente.engines.nash",
    "bdm": "detente.engines.bdm",
    "smp": "detente.engines.smp",
    "exchange": "detente.engines.exchange",
}


PROTOCOL = "protocol"
"""Not an engine: the name under which a forecast runs each table's own negotiation protocol."""


def engine_names() -> tuple[str, ...]:
    """Names of every registered engine."""
    return tuple(ENGINE_MODULES)


def engine_choices() -> tuple[str, ...]:
    """What a forecast can predict texts with: every engine, then each table's own protocol.
    The one list shown in error messages, ``--help`` and the web API."""
    return (*ENGINE_MODULES, PROTOCOL)


def get_engine(name: str) -> EngineSpec:
    """The registered engine of this name; an unknown name is invalid input."""
    if name not in ENGINE_MODULES:
        known = ", ".join(engine_choices())
        raise InputError(f"unknown engine {name!r}, expected one of {known}", field="engine")
    return importlib.import_module(ENGINE_MODULES[name]).SPEC


def options_by_engine(
    values: Mapping[str, Any], engines: Iterable[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Share ``name=value`` options among engines: ``engine.name`` goes to that engine, a bare
    ``name`` to every engine that declares it; a name no engine takes is invalid input."""
    names = tuple(engines or engine_names())
    fields = {n: set(get_engine(n).options.model_fields) for n in names}
    out: dict[str, dict[str, Any]] = {n: {} for n in names}
    for key, value in values.items():
        engine, _, option = key.rpartition(".")
        targets = [engine] if engine else [n for n in names if option in fields[n]]
        if engine and engine not in fields:
            known = ", ".join(names)
            raise InputError(f"unknown engine {engine!r}, expected one of {known}", field=key)
        if not targets or any(option not in fields[t] for t in targets):
            known = ", ".join(sorted(f"{n}.{f}" for n in names for f in fields[n])) or "none"
            raise InputError(f"unknown option {key!r}, expected one of: {known}", field="options")
        for target in targets:
            out[target][option] = value
    return out


def weighted_median(x, weight):
    """The weighted median of every row (the position with the least weighted distance to all;
    an exact tie gives the mean of the tied positions): (G, A) positions and weights → (G,).
    The compiled kernel the bdm engine forecasts with."""
    from detente.engines.bdm import weighted_median as kernel

    return kernel(x, weight)


def describe_engines() -> str:
    """Every engine, its summary and its options, as plain text lines."""
    from detente.options import describe

    lines = []
    for name in engine_names():
        spec = get_engine(name)
        lines.append(f"{name}: {spec.summary}")
        for option, kind, default, text in describe(spec.options):
            lines.append(f"    -o {option}=…  {kind}, default {default}. {text}".rstrip())
    lines.append(f"{PROTOCOL}: (forecasts only) each table's own negotiation protocol")
    return "\n".join(lines)


__all__ = [
    "ENGINE_MODULES",
    "PROTOCOL",
    "EngineInput",
    "EngineResult",
    "EngineSpec",
    "describe_engines",
    "engine_choices",
    "engine_names",
    "get_engine",
    "options_by_engine",
    "weighted_median",
]
