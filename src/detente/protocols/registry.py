"""The registry of negotiation protocols, in the image of the engines' ``EngineSpec``.

Each protocol lives in a module of this package that defines a :class:`ProtocolSpec`; the
registry maps its name to ``module:ATTRIBUTE`` and imports it only when asked. A new
negotiation format is one module and one line here (docs/decisions.md, "Adding a negotiation
format").
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import Field, PositiveInt

from detente.errors import InputError
from detente.options import Options, checked, split
from detente.protocols.strategies import STRATEGIES, Strategy, strategy_named
from detente.protocols.utility import Preferences

PROTOCOL_MODULES: dict[str, str] = {
    "alternating_offers": "detente.protocols.negotiation:ALTERNATING_OFFERS",
    "single_text": "detente.protocols.negotiation:SINGLE_TEXT",
    "backchannel": "detente.protocols.negotiation:BACKCHANNEL",
}


class ProtocolOptions(Options):
    """Options every protocol takes."""

    deadline: PositiveInt | None = Field(
        None, description="rounds before the talks fail (none: the table's own deadline)"
    )


@dataclass(frozen=True)
class Setting:
    """What a table brings to its protocol besides preferences: the mediator's ``first_draft``
    (B, K) and ``leverage`` (B,), the round it ``withdraws`` in (None: stays), and the
    ``drafters`` (indices among the parties) of a backchannel."""

    first_draft: np.ndarray | None = None
    leverage: np.ndarray | None = None
    withdraws: int | None = None
    drafters: tuple[int, ...] = ()


@dataclass(frozen=True)
class ProtocolSpec:
    """A registered protocol: ``run(prefs, strategies, deadline, setting, options)`` returns a
    :class:`~detente.protocols.negotiation.NegotiationResult`; ``needs_mediator`` says whether
    the setting must carry a first draft and leverage, ``needs_drafters`` whether it must name
    drafters, ``order_matters`` whether the order of the parties is part of the protocol (who
    proposes first)."""

    name: str
    version: str
    run: Callable[..., Any]
    summary: str
    options: type[ProtocolOptions] = ProtocolOptions
    needs_mediator: bool = False
    needs_drafters: bool = False
    order_matters: bool = True


def protocol_names() -> tuple[str, ...]:
    """Names of every registered protocol."""
    return tuple(PROTOCOL_MODULES)


def get_protocol(name: str) -> ProtocolSpec:
    """The registered protocol of this name; an unknown name is invalid input."""
    if name not in PROTOCOL_MODULES:
        known = ", ".join(PROTOCOL_MODULES)
        raise InputError(f"unknown protocol {name!r}, expected one of {known}", field="protocol")
    module, _, attribute = PROTOCOL_MODULES[name].partition(":")
    return getattr(importlib.import_module(module), attribute)


def strategies_for(
    names: Sequence[str] | None, parties: int, options: Mapping[str, Any] | None = None
) -> list[Strategy]:
    """One strategy per party from one name for all or one name per party (default linear);
    ``options`` set the fields each strategy has (acceptance, threshold, e, rate)."""
    names = list(names or ["linear"])
    names = names * parties if len(names) == 1 else names
    if len(names) != parties:
        raise InputError(f"{len(names)} strategies for {parties} parties", field="strategies")
    out = []
    for name in names:
        kind = type(strategy_named(name))
        own = {k: v for k, v in (options or {}).items() if k in kind.model_fields}
        out.append(strategy_named(name, **own) if own else strategy_named(name))
    return out


def configure(
    protocol: str,
    strategies: Sequence[str] | None,
    parties: int,
    options: Mapping[str, Any] | None = None,
) -> tuple[ProtocolSpec, ProtocolOptions, list[Strategy]]:
    """A protocol, its checked options and one strategy per party. ``options`` are shared by
    name between the protocol and the strategies; a name neither knows is an InputError."""
    spec = get_protocol(protocol)
    strategy_fields = set().union(*(kind.model_fields for kind in STRATEGIES.values()))
    own, _ = split(options or {}, spec.options, _fields_model(strategy_fields))
    chosen = strategies_for(strategies, parties, options)
    used = set(spec.options.model_fields).union(*(type(s).model_fields for s in chosen))
    idle = sorted(set(options or {}) - used)
    if idle:
        kinds = ", ".join(sorted({s.kind for s in chosen}))
        raise InputError(
            f"option {idle[0]!r} applies to neither the {protocol} protocol nor the chosen "
            f"strategies ({kinds})",
            field="options",
        )
    return spec, checked(spec.options, own, field="options"), chosen


def _fields_model(fields: set[str]) -> type:
    """A stand-in with ``model_fields`` for :func:`split`."""
    return type("Fields", (), {"model_fields": dict.fromkeys(fields)})


def negotiate(
    spec: ProtocolSpec,
    prefs: Preferences,
    strategies: list[Strategy],
    deadline: int,
    setting: Setting,
    options: ProtocolOptions | None = None,
):
    """Run a protocol: the options' deadline (when set) replaces ``deadline``."""
    options = options or spec.options()
    return spec.run(prefs, strategies, options.deadline or deadline, setting, options)


__all__ = [
    "PROTOCOL_MODULES",
    "ProtocolOptions",
    "ProtocolSpec",
    "Setting",
    "configure",
    "get_protocol",
    "negotiate",
    "protocol_names",
    "strategies_for",
]
