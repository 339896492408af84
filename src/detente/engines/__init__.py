"""Collective-decision engines: pure functions over batched arrays (draws, actors, dims).

Each engine lives in its own module that defines ``SPEC``, an :class:`EngineSpec`; modules are
imported only when an engine is asked for.
"""

from __future__ import annotations

import importlib

from detente.engines.base import EngineInput, EngineResult, EngineSpec
from detente.errors import InputError

ENGINE_MODULES: dict[str, str] = {
    "compromise": "detente.engines.compromise",
    "nash": "detente.engines.nash",
    "bdm": "detente.engines.bdm",
    "smp": "detente.engines.smp",
}


def engine_names() -> tuple[str, ...]:
    """Names of every registered engine."""
    return tuple(ENGINE_MODULES)


def get_engine(name: str) -> EngineSpec:
    """The registered engine of this name; an unknown name is invalid input."""
    if name not in ENGINE_MODULES:
        known = ", ".join(ENGINE_MODULES)
        raise InputError(f"unknown engine {name!r}, expected one of {known}", field="engine")
    return importlib.import_module(ENGINE_MODULES[name]).SPEC


__all__ = [
    "ENGINE_MODULES",
    "EngineInput",
    "EngineResult",
    "EngineSpec",
    "engine_names",
    "get_engine",
]
