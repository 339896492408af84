"""Concession strategies and acceptance rules, batched over negotiations.

A strategy is a small immutable object (its own typed options) with two methods that every
protocol calls: :meth:`Strategy.aspiration` (the utility a party asks for now, given a
:class:`Moment`) and :meth:`Strategy.accepts` (whether it takes an offer).

Time-dependent concession (Faratin, Sierra & Jennings 1998): the aspiration level falls from 1 to
the reservation value as a(t) = 1 − (1 − r)(t/T)^(1/e); e < 1 is Boulware (holds out),
e = 1 linear, e > 1 Conceder. Tit-for-tat (Faratin et al.'s relative imitation) concedes as
much, in its own utility, as the other side's last offer gave it. Aspiration adaptation
(Sauermann & Selten 1962; Pruitt 1981) lowers the aspiration, each time the party proposes, by a
share ``rate`` of its distance to the best offer received so far, and holds it until something
has been offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import Field, ValidationError

from detente.errors import InputError
from detente.options import Options, input_error

ASPIRATION_RATE = 0.1
MIN_ASPIRATION_STEP = 0.01
"""Smallest concession of an aspiration-adapting party that still has a gap to close, so that
geometric adaptation ends in agreement instead of approaching it for ever."""
ACCEPTANCE_RULES = ("next", "constant", "time")


@dataclass(frozen=True)
class Moment:
    """What one party knows when it sets its aspiration, arrays (B,): the round ``t`` of
    ``deadline``, its ``reservation``, its ``previous`` aspiration, the utility the others'
    latest move ``gained`` it, and the ``best_seen`` offer's utility to it (NaN: none yet)."""

    t: int
    deadline: int
    reservation: np.ndarray
    previous: np.ndarray
    gained: np.ndarray
    best_seen: np.ndarray


class Strategy(Options):
    """How one party concedes and when it accepts.

    ``acceptance`` is ``next`` (accept what is worth at least the level the protocol compares
    with — the party's next aspiration), ``constant`` (at least ``threshold``) or ``time``
    (anything acceptable once ``t/T >= threshold``). Construction checks every option and
    raises :class:`InputError`.
    """

    kind: ClassVar[str] = ""
    acceptance: Literal["next", "constant", "time"] = Field(
        "next", description="acceptance rule: next, constant or time"
    )
    threshold: float = Field(
        0.0, ge=0.0, le=1.0, description="utility (constant) or share of time (time) to accept"
    )

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise input_error(exc, type(self), "strategy") from None

    def aspiration(self, moment: Moment) -> np.ndarray:
        """The utility the party asks for now, (B,)."""
        raise NotImplementedError

    def accepts(self, utility: np.ndarray, level: np.ndarray, t: int, deadline: int) -> np.ndarray:
        """Whether the party's rule takes an offer worth ``utility`` to it, ``level`` being its
        aspiration the protocol compares with (acceptability — reservation and red lines — is
        checked separately)."""
        if self.acceptance == "next":
            return utility >= level - 1e-12
        if self.acceptance == "constant":
            return utility >= self.threshold
        return np.full(utility.shape, t / deadline >= self.threshold)


class TimeDependent(Strategy):
    """Concedes with time only: a(t) = 1 − (1 − r)(t/T)^(1/e) (Faratin et al. 1998)."""

    kind: ClassVar[str] = "time"
    e: float = Field(
        1.0, gt=0.0, allow_inf_nan=False, description="concession exponent (<1 Boulware)"
    )

    def aspiration(self, moment: Moment) -> np.ndarray:
        return time_aspiration(moment.t, moment.deadline, moment.reservation, self.e)


class TitForTat(Strategy):
    """Concedes what the others' last move gave it, never below its reservation."""

    kind: ClassVar[str] = "tit_for_tat"

    def aspiration(self, moment: Moment) -> np.ndarray:
        return np.maximum(moment.reservation, moment.previous - np.maximum(moment.gained, 0))


class AspirationAdaptation(Strategy):
    """Closes a share ``rate`` of the gap to the best offer received (Sauermann & Selten)."""

    kind: ClassVar[str] = "aspiration"
    rate: float = Field(
        ASPIRATION_RATE, gt=0.0, le=1.0, description="share of the gap closed per move"
    )

    def aspiration(self, moment: Moment) -> np.ndarray:
        best = np.nan_to_num(moment.best_seen, nan=1.0)
        gap = np.maximum(moment.previous - best, 0)
        step = np.maximum(self.rate * gap, MIN_ASPIRATION_STEP)
        floor = np.maximum(moment.reservation, best)
        adapted = np.maximum(floor, moment.previous - step)
        return np.where(gap > 0, adapted, moment.previous)


STRATEGIES: dict[str, type[Strategy]] = {
    "time": TimeDependent,
    "tit_for_tat": TitForTat,
    "aspiration": AspirationAdaptation,
}
"""Strategy kinds by name: the registry every protocol's strategies come from."""
NAMED_EXPONENTS = {"boulware": 0.2, "linear": 1.0, "conceder": 5.0}
"""Named time-dependent strategies → their exponent e."""
KINDS = tuple(STRATEGIES)


def strategy_names() -> tuple[str, ...]:
    """Every strategy name :func:`strategy_named` accepts without a parameter."""
    return (*NAMED_EXPONENTS, *(k for k in STRATEGIES if k != "time"))


def strategy_named(name: str, **options: Any) -> Strategy:
    """``boulware``, ``linear``, ``conceder``, ``tit_for_tat``, ``aspiration``, ``time:E``
    (exponent E) or ``aspiration:R`` (rate R); ``options`` set the strategy's fields
    (acceptance, threshold, and e or rate, which override the name's)."""
    if name in NAMED_EXPONENTS:
        return TimeDependent(**{"e": NAMED_EXPONENTS[name], **options})
    if name in STRATEGIES and name != "time":
        return STRATEGIES[name](**options)
    kind, _, value = name.partition(":")
    if kind in ("time", "aspiration") and value:
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is not None:
            key = "e" if kind == "time" else "rate"
            return STRATEGIES[kind](**{key: number, **options})
    known = ", ".join([*strategy_names(), "time:E", "aspiration:R"])
    raise InputError(f"unknown strategy {name!r}, expected one of {known}", field="strategy")


def time_aspiration(t: float, deadline: int, reservation: np.ndarray, e: float) -> np.ndarray:
    """a(t) = 1 − (1 − r)(t/T)^(1/e) (Faratin et al. 1998)."""
    progress = min(max(t / deadline, 0.0), 1.0)
    return 1.0 - (1.0 - reservation) * progress ** (1.0 / e)


__all__ = [
    "ACCEPTANCE_RULES",
    "AspirationAdaptation",
    "KINDS",
    "Moment",
    "NAMED_EXPONENTS",
    "STRATEGIES",
    "Strategy",
    "TimeDependent",
    "TitForTat",
    "strategy_named",
    "strategy_names",
    "time_aspiration",
]
