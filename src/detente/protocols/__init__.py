"""Agent-based negotiation: how a table reaches (or misses) agreement, move by move.

Batched over negotiations: preferences are arrays shaped (batch, parties, issues).

    from detente.protocols import preferences, alternating_offers, strategy_named
    prefs = preferences(ideal, salience, reservation, red_line)      # (B, P, K), (B, P)
    result = alternating_offers(prefs, [strategy_named("boulware"),
                                        strategy_named("conceder")], deadline=100)
    result.agreed, result.point, result.round, result.utility, result.trace

Also :func:`single_text` (mediator with leverage and withdrawal), :func:`backchannel` (drafters
and takers), and the analysis in :mod:`detente.protocols.analysis` (Pareto frontier, Nash and
Kalai–Smorodinsky points). Protocols are registered as :class:`ProtocolSpec` (see
:mod:`detente.protocols.registry`); strategies are objects with ``aspiration()`` and
``accepts()``. :func:`discrete_alternating_offers` runs bilateral time-based
concession on an enumerated discrete domain with NegMAS's semantics (docs/decisions.md).
"""

from detente.protocols.discrete import DiscreteResult, discrete_alternating_offers
from detente.protocols.negotiation import (
    LEVERAGE_UTILITY,
    NegotiationResult,
    alternating_offers,
    backchannel,
    single_text,
)
from detente.protocols.registry import (
    PROTOCOL_MODULES,
    ProtocolOptions,
    ProtocolSpec,
    Setting,
    configure,
    get_protocol,
    negotiate,
    protocol_names,
    strategies_for,
)
from detente.protocols.strategies import (
    STRATEGIES,
    AspirationAdaptation,
    Moment,
    Strategy,
    TimeDependent,
    TitForTat,
    strategy_named,
    strategy_names,
)
from detente.protocols.utility import Preferences, preferences

__all__ = [
    "LEVERAGE_UTILITY",
    "PROTOCOL_MODULES",
    "STRATEGIES",
    "AspirationAdaptation",
    "DiscreteResult",
    "Moment",
    "NegotiationResult",
    "Preferences",
    "ProtocolOptions",
    "ProtocolSpec",
    "Setting",
    "Strategy",
    "TimeDependent",
    "TitForTat",
    "alternating_offers",
    "backchannel",
    "configure",
    "discrete_alternating_offers",
    "get_protocol",
    "negotiate",
    "preferences",
    "protocol_names",
    "single_text",
    "strategies_for",
    "strategy_named",
    "strategy_names",
]
