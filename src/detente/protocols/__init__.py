"""Agent-based negotiation: how a table reaches (or misses) agreement, move by move.

Batched over negotiations: preferences are arrays shaped (batch, parties, issues).

    from detente.protocols import preferences, alternating_offers, strategy_named
    prefs = preferences(ideal, salience, reservation, red_line)      # (B, P, K), (B, P)
    result = alternating_offers(prefs, [strategy_named("boulware"),
                                        strategy_named("conceder")], deadline=100)
    result.agreed, result.point, result.round, result.utility, result.trace

Also :func:`single_text` (mediator with leverage and withdrawal), :func:`backchannel` (drafters
and takers), and the analysis in :mod:`detente.protocols.analysis` (Pareto frontier, Nash and
Kalai–Smorodinsky points). :func:`discrete_alternating_offers` runs bilateral time-based
concession on an enumerated discrete domain with NegMAS's semantics (docs/decisions.md).
"""

from detente.protocols.discrete import DiscreteResult, discrete_alternating_offers
from detente.protocols.negotiation import (
    NegotiationResult,
    alternating_offers,
    backchannel,
    single_text,
)
from detente.protocols.strategies import Strategy, strategy_named
from detente.protocols.utility import Preferences, preferences

__all__ = [
    "DiscreteResult",
    "NegotiationResult",
    "Preferences",
    "Strategy",
    "alternating_offers",
    "backchannel",
    "discrete_alternating_offers",
    "preferences",
    "single_text",
    "strategy_named",
]
