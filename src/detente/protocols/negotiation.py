"""Negotiation protocols, batched over many tables or draws at once.

- :func:`alternating_offers`: stacked alternating offers (bilateral or multilateral): parties
  propose in turn; an offer is agreed when every other party accepts; the deadline ends in
  disagreement.
- :func:`single_text`: a mediator drafts one text and revises it toward the objecting parties
  (Raiffa's single negotiating text); its leverage eases acceptance while it stays; when it
  withdraws at round k the parties continue with alternating offers.
- :func:`backchannel`: the drafters agree a text among themselves; the others take or leave it.

Every function takes :class:`~detente.protocols.utility.Preferences` for (B, P, K) and returns a
:class:`NegotiationResult`. Deterministic: no randomness is used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import Field

from detente.errors import InputError
from detente.protocols.offers import offer_at
from detente.protocols.registry import ProtocolOptions, ProtocolSpec, Setting
from detente.protocols.strategies import Moment, Strategy
from detente.protocols.utility import Preferences

LEVERAGE_UTILITY = 0.25
"""Utility a mediator of leverage 1 can add to a party's side of the deal (docs/decisions.md)."""
MEDIATOR_STEP = 0.3
"""Share of the objecting parties' pull by which the mediator revises its text each round."""
NO_AGREEMENT, AGREED = 0, 1


@dataclass(frozen=True)
class NegotiationResult:
    """``agreed`` (B,), ``point`` (B, K) with NaN where none, ``round`` (B,) (−1 where none),
    ``utility`` (B, P) of the agreement (reservation where none), ``trace`` (rounds, B, K) of
    the offers or texts on the table, ``proposer`` (rounds,) and the ``reason`` per draw."""

    agreed: np.ndarray
    point: np.ndarray
    round: np.ndarray
    utility: np.ndarray
    trace: np.ndarray
    proposer: np.ndarray
    reason: np.ndarray


def _check(prefs: Preferences, strategies: list[Strategy], deadline: int) -> None:
    if deadline < 1:
        raise InputError("deadline must be at least 1 round", field="deadline")
    if prefs.shape[1] < 2:
        raise InputError("a negotiation needs at least two parties", field="parties")
    if len(strategies) != prefs.shape[1]:
        raise InputError(
            f"{len(strategies)} strategies for {prefs.shape[1]} parties", field="strategy"
        )


def _aspirations(
    strategies: list[Strategy],
    t: int,
    deadline: int,
    reservation: np.ndarray,
    last_gain: np.ndarray,
    previous: np.ndarray,
    best_seen: np.ndarray,
) -> np.ndarray:
    """Each party's aspiration at round t (B, P), from its strategy."""
    out = np.empty_like(reservation)
    for p, s in enumerate(strategies):
        moment = Moment(
            t, deadline, reservation[:, p], previous[:, p], last_gain[:, p], best_seen[:, p]
        )
        out[:, p] = s.aspiration(moment)
    return out


def _finish(agreed, point, rounds, prefs, trace, proposer, reason) -> NegotiationResult:
    utility = np.where(agreed[:, None], prefs.utility(np.nan_to_num(point)), prefs.reservation)
    return NegotiationResult(
        agreed, point, rounds, utility, np.array(trace), np.array(proposer), reason
    )


def alternating_offers(
    prefs: Preferences, strategies: list[Strategy], deadline: int, start_round: int = 0
) -> NegotiationResult:
    """Parties propose in turn (party t mod P at round t); every other party must accept."""
    _check(prefs, strategies, deadline)
    b, p, k = prefs.shape
    agreed = np.zeros(b, dtype=bool)
    point = np.full((b, k), np.nan)
    rounds = np.full(b, -1)
    reason = np.full(b, "deadline reached", dtype=object)
    previous = np.ones((b, p))
    seen = np.full((b, p), np.nan)  # utility to each party of the others' latest offer
    seen_before = np.full((b, p), np.nan)
    best_seen = np.full((b, p), np.nan)  # the best any other party's offer gave each party
    ever_acceptable = np.zeros(b, dtype=bool)
    trace, proposers = [], []
    for t in range(start_round, deadline):
        proposer = t % p
        gain = np.zeros((b, p))  # a tit-for-tat proposer mirrors the others' last concession
        gain[:, proposer] = np.nan_to_num(seen - seen_before, nan=0.0)[:, proposer]
        seen_before[:, proposer] = seen[:, proposer]
        # only the proposer adapts an aspiration-adapting aspiration this round
        held = np.where(np.arange(p) == proposer, best_seen, np.nan)
        aspiration = _aspirations(strategies, t, deadline, prefs.reservation, gain, previous, held)
        offer = offer_at(prefs, np.full(b, proposer), aspiration[:, proposer])
        utility = prefs.utility(offer)
        responders = np.arange(p) != proposer
        best_now = np.where(responders, np.fmax(best_seen, utility), best_seen)
        aspiration_next = _aspirations(
            strategies, t + 1, deadline, prefs.reservation, np.zeros((b, p)), aspiration, best_now
        )
        acceptable = prefs.acceptable(offer)
        ever_acceptable |= acceptable.all(axis=1)
        ok = acceptable.copy()
        for q, s in enumerate(strategies):
            if q != proposer:
                ok[:, q] &= s.accepts(utility[:, q], aspiration_next[:, q], t, deadline)
        new = ok.all(axis=1) & ~agreed
        point[new], rounds[new], agreed[new] = offer[new], t, True
        reason[new] = "agreed"
        trace.append(offer)
        proposers.append(proposer)
        seen_before[:, responders] = np.where(
            np.isnan(seen_before[:, responders]), utility[:, responders], seen_before[:, responders]
        )
        seen[:, responders] = utility[:, responders]
        best_seen = best_now
        previous = aspiration
        if agreed.all():
            break
    blocked = ~agreed & ~ever_acceptable
    reason[blocked] = "no offer made was acceptable to every party (reservations or red lines)"
    return _finish(agreed, point, rounds, prefs, trace, proposers, reason)


def single_text(
    prefs: Preferences,
    strategies: list[Strategy],
    deadline: int,
    first_draft: np.ndarray,
    leverage: np.ndarray,
    withdraw_round: int | None = None,
    step: float = MEDIATOR_STEP,
) -> NegotiationResult:
    """A mediator's single negotiating text, revised each round toward the objecting parties.

        ``first_draft`` (B, K) is the mediator's opening text; ``leverage`` (B,) eases every party's
        reservation by ``LEVERAGE_UTILITY × leverage`` while the mediator stays. After
        ``withdraw_round`` the talks continue as alternating offers without pressure. Each round the
    mediator moves its text by ``step`` × the objecting parties' weighted pull.
    """
    _check(prefs, strategies, deadline)
    b, p, k = prefs.shape
    end = deadline if withdraw_round is None else min(withdraw_round, deadline)
    eased = Preferences(
        prefs.ideal,
        prefs.weight,
        prefs.red_line,
        prefs.reservation - LEVERAGE_UTILITY * np.asarray(leverage, float)[:, None],
    )
    text = np.asarray(first_draft, dtype=float).copy()
    agreed = np.zeros(b, dtype=bool)
    point = np.full((b, k), np.nan)
    rounds = np.full(b, -1)
    reason = np.full(b, "deadline reached", dtype=object)
    trace, proposers = [], []
    previous = np.ones((b, p))
    last_utility = eased.utility(text)
    best_seen = np.full((b, p), np.nan)
    for t in range(end):
        utility = eased.utility(text)
        best_seen = np.fmax(best_seen, utility)  # the best text any party has seen so far
        gain = utility - last_utility  # what the latest revision gave each party
        aspiration = _aspirations(
            strategies, t, deadline, eased.reservation, gain, previous, best_seen
        )
        previous, last_utility = aspiration, utility
        content = eased.acceptable(text)
        for q, s in enumerate(strategies):
            content[:, q] &= s.accepts(utility[:, q], aspiration[:, q], t, deadline)
        new = content.all(axis=1) & ~agreed
        point[new], rounds[new], agreed[new] = text[new], t, True
        reason[new] = "agreed on the mediator's text"
        trace.append(text.copy())
        proposers.append(-1)
        objecting = ~content
        n_obj = np.maximum(objecting.sum(axis=1, keepdims=True), 1)
        pull = (objecting[:, :, None] * eased.weight * (eased.ideal - text[:, None, :])).sum(axis=1)
        text = np.where(agreed[:, None], text, text + step * pull * k / n_obj)
        text = np.clip(text, 0.0, 100.0)
    if withdraw_round is not None and withdraw_round < deadline and not agreed.all():
        rest = alternating_offers(prefs, strategies, deadline, start_round=withdraw_round)
        late = ~agreed & rest.agreed
        point[late], rounds[late], agreed[late] = rest.point[late], rest.round[late], True
        reason[late] = "agreed after the mediator withdrew"
        trace += list(rest.trace)
        proposers += list(rest.proposer)
    result_prefs = eased if withdraw_round is None else prefs
    return _finish(agreed, point, rounds, result_prefs, trace, proposers, reason)


def backchannel(
    prefs: Preferences, strategies: list[Strategy], deadline: int, drafters: list[int]
) -> NegotiationResult:
    """The drafters negotiate a text by alternating offers; the other parties take it or leave
    it (they accept only what is acceptable to them)."""
    takers = [q for q in range(prefs.shape[1]) if q not in drafters]
    if len(drafters) < 2 or not takers:
        raise InputError(
            "a backchannel needs at least two drafters and one taker", field="drafters"
        )
    inner = Preferences(
        prefs.ideal[:, drafters],
        prefs.weight[:, drafters],
        prefs.red_line[:, drafters],
        prefs.reservation[:, drafters],
    )
    drafted = alternating_offers(inner, [strategies[d] for d in drafters], deadline)
    taken = prefs.acceptable(np.nan_to_num(drafted.point))[:, takers].all(axis=1)
    agreed = drafted.agreed & taken
    reason = drafted.reason.copy()
    reason[drafted.agreed & ~taken] = "the drafters' text was rejected by a party left out"
    point = np.where(agreed[:, None], drafted.point, np.nan)
    rounds = np.where(agreed, drafted.round, -1)
    return _finish(
        agreed, point, rounds, prefs, list(drafted.trace), list(drafted.proposer), reason
    )


VERSION = "1.0"


class SingleTextOptions(ProtocolOptions):
    """Options of the mediated single text."""

    mediator_step: float = Field(
        MEDIATOR_STEP, gt=0.0, le=1.0, description="share of the objectors' pull per revision"
    )


def _run_alternating(prefs, strategies, deadline, setting: Setting, options):
    return alternating_offers(prefs, strategies, deadline)


def _run_single_text(prefs, strategies, deadline, setting: Setting, options: SingleTextOptions):
    if setting.first_draft is None or setting.leverage is None:
        raise InputError("a single text needs a mediator's first draft", field="mediator")
    return single_text(
        prefs,
        strategies,
        deadline,
        setting.first_draft,
        setting.leverage,
        setting.withdraws,
        step=options.mediator_step,
    )


def _run_backchannel(prefs, strategies, deadline, setting: Setting, options):
    return backchannel(prefs, strategies, deadline, list(setting.drafters))


ALTERNATING_OFFERS = ProtocolSpec(
    name="alternating_offers",
    version=VERSION,
    run=_run_alternating,
    summary="parties propose in turn; an offer every other party accepts is agreed",
)
SINGLE_TEXT = ProtocolSpec(
    name="single_text",
    version=VERSION,
    run=_run_single_text,
    summary="a mediator's single negotiating text, revised toward the objecting parties",
    options=SingleTextOptions,
    needs_mediator=True,
    order_matters=False,
)
BACKCHANNEL = ProtocolSpec(
    name="backchannel",
    version=VERSION,
    run=_run_backchannel,
    summary="the drafters agree a text by alternating offers; the others take it or leave it",
    needs_drafters=True,
)

__all__ = [
    "ALTERNATING_OFFERS",
    "BACKCHANNEL",
    "LEVERAGE_UTILITY",
    "MEDIATOR_STEP",
    "NegotiationResult",
    "SINGLE_TEXT",
    "SingleTextOptions",
    "alternating_offers",
    "backchannel",
    "single_text",
]
