"""Concession strategies and acceptance rules, batched over negotiations.

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

import numpy as np

from detente.errors import InputError

NAMED_EXPONENTS = {"boulware": 0.2, "linear": 1.0, "conceder": 5.0}
ASPIRATION_RATE = 0.1
KINDS = ("time", "tit_for_tat", "aspiration")
ACCEPTANCE_RULES = ("next", "constant", "time")


@dataclass(frozen=True)
class Strategy:
    """How one party concedes and when it accepts.

    ``kind`` is ``time`` (exponent ``e``), ``tit_for_tat`` or ``aspiration`` (adaptation
    ``rate`` in (0, 1]); ``acceptance`` is ``next`` (accept
    what is at least my next offer's utility), ``constant`` (at least ``threshold``) or ``time``
    (anything acceptable once ``t/T >= threshold``).
    """

    kind: str = "time"
    e: float = 1.0
    acceptance: str = "next"
    threshold: float = 0.0
    rate: float = ASPIRATION_RATE

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InputError(f"unknown strategy kind {self.kind!r}", field="strategy")
        if not 0.0 < self.rate <= 1.0:
            raise InputError(
                f"aspiration rate must lie in (0, 1], got {self.rate}", field="strategy"
            )
        if not (np.isfinite(self.e) and self.e > 0):
            raise InputError(f"concession exponent e must be > 0, got {self.e}", field="strategy")
        if self.acceptance not in ACCEPTANCE_RULES:
            raise InputError(
                f"unknown acceptance rule {self.acceptance!r}, expected one of "
                f"{', '.join(ACCEPTANCE_RULES)}",
                field="strategy",
            )
        if not 0.0 <= self.threshold <= 1.0:
            raise InputError("acceptance threshold must lie in [0, 1]", field="strategy")


def strategy_named(name: str) -> Strategy:
    """``boulware``, ``linear``, ``conceder``, ``tit_for_tat``, ``aspiration``, ``time:E``
    (exponent E) or ``aspiration:R`` (rate R)."""
    if name in NAMED_EXPONENTS:
        return Strategy("time", NAMED_EXPONENTS[name])
    if name in ("tit_for_tat", "aspiration"):
        return Strategy(name)
    kind, _, value = name.partition(":")
    if kind in ("time", "aspiration") and value:
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is not None:
            return Strategy("time", number) if kind == "time" else Strategy(kind, rate=number)
    known = ", ".join([*NAMED_EXPONENTS, "tit_for_tat", "aspiration", "time:E", "aspiration:R"])
    raise InputError(f"unknown strategy {name!r}, expected one of {known}", field="--strategy")


def time_aspiration(t: float, deadline: int, reservation: np.ndarray, e: float) -> np.ndarray:
    """a(t) = 1 − (1 − r)(t/T)^(1/e) (Faratin et al. 1998)."""
    progress = min(max(t / deadline, 0.0), 1.0)
    return 1.0 - (1.0 - reservation) * progress ** (1.0 / e)


def accepts(
    strategy: Strategy,
    utility: np.ndarray,
    next_aspiration: np.ndarray,
    t: int,
    deadline: int,
) -> np.ndarray:
    """Whether the responder's rule takes an offer worth ``utility`` to it (acceptability —
    reservation and red lines — is checked separately)."""
    if strategy.acceptance == "next":
        return utility >= next_aspiration - 1e-12
    if strategy.acceptance == "constant":
        return utility >= strategy.threshold
    return np.full(utility.shape, t / deadline >= strategy.threshold)
