"""How long a ceasefire or settlement holds: a Weibull proportional-hazards survival model.

S(t | x) = exp(−(t / λ)^ρ · exp(x·β)), h(t | x) = (ρ/λ)(t/λ)^(ρ−1) · exp(x·β). The baseline
(scale λ in years, shape ρ < 1: the hazard falls with time) is a truce without mechanisms;
β holds the log hazard ratios of the settlement type (treaty, victory) and of each mechanism in
force. Coefficients are package data (``detente/data/durability.json``), fitted by
``detente validate durability``; which coefficient comes from which dataset or paper is
recorded in that file and in docs/validation.md.

Parameter uncertainty: the baseline, the settlement types and peacekeeping (one Weibull fit on
Fortna's data) are drawn jointly from a normal with their delta-method covariance; every other
effect (other datasets, or stated priors) is drawn independently from a normal with its
standard error. One coefficient draw per Monte Carlo draw.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from detente.errors import InputError

SETTLEMENT_TYPES = ("truce", "treaty", "victory")
MECHANISM_EFFECTS = (
    "security_guarantee",
    "peacekeeping",
    "demilitarized_zone",
    "monitoring",
    "joint_commission",
)
REPORT_YEARS = (1, 2, 5)
"""The horizons (years) at which every survival figure is reported: forecast, report, validation."""


@lru_cache(maxsize=1)
def coefficients() -> dict[str, Any]:
    """The shipped durability model (package data)."""
    text = resources.files("detente.data").joinpath("durability.json").read_text("utf-8")
    return json.loads(text)


def draw_parameters(n: int, rng=None, model: dict | None = None) -> dict[str, Any]:
    """``n`` draws of the baseline shape and scale (years) and of every log hazard ratio.

    ``rng``: a numpy Generator or a seed. Returns {"shape": (n,), "scale": (n,),
    "effects": {name: (n,)}}.
    """
    if int(n) < 1:
        raise InputError(f"need at least one draw, got {n}", field="n")
    rng = np.random.default_rng(rng)
    model = model or coefficients()
    joint = model["joint"]
    mean = np.asarray(joint["mean"], dtype=float)
    chol = np.linalg.cholesky(np.asarray(joint["covariance"], dtype=float))
    block = mean + rng.standard_normal((int(n), mean.size)) @ chol.T
    named = dict(zip(joint["parameters"], block.T, strict=True))
    effects = {}
    for name, e in sorted(model["effects"].items()):
        effects[name] = (
            named[name] if name in named else e["log_hr"] + e["se"] * rng.standard_normal(int(n))
        )
    return {
        "shape": np.exp(named["log_shape"]),
        "scale": np.exp(named["log_scale"]),
        "effects": effects,
    }


def point_parameters(model: dict | None = None) -> dict[str, Any]:
    """The estimates themselves, as one draw (no parameter uncertainty)."""
    model = model or coefficients()
    named = dict(zip(model["joint"]["parameters"], model["joint"]["mean"], strict=True))
    return {
        "shape": np.array([np.exp(named["log_shape"])]),
        "scale": np.array([np.exp(named["log_scale"])]),
        "effects": {k: np.array([e["log_hr"]]) for k, e in sorted(model["effects"].items())},
    }


def log_hazard_ratio(settlement, mechanisms, params: dict) -> np.ndarray:
    """x·β per draw (n,): the settlement type's effect plus each mechanism in force.

    ``settlement``: "truce", "treaty" or "victory", an array of these names (one per draw), or a
    0/1 array (1 = treaty, 0 = truce). ``mechanisms``: names in force for every draw, or a
    mapping name → (n,) 0/1 array saying in which draws the mechanism is in force.
    """
    effects = params["effects"]
    n = params["shape"].shape[0]
    kind = _settlement_indicators(settlement)
    total = np.zeros(n)
    for name in ("treaty", "victory"):
        total = total + effects[name] * kind[name]
    in_force = mechanisms if isinstance(mechanisms, Mapping) else dict.fromkeys(mechanisms, 1.0)
    for name, on in in_force.items():
        if name not in MECHANISM_EFFECTS or name not in effects:
            raise InputError(
                f"no durability effect for mechanism {name!r}; "
                f"known: {', '.join(MECHANISM_EFFECTS)}",
                field="mechanisms",
            )
        total = total + effects[name] * np.asarray(on, dtype=float)
    return total


def survival(years, settlement="truce", mechanisms=(), params=None, *, rng=None, n_draws=None):
    """Probability that the settlement still holds after ``years``, per draw: (n, len(years)).

    Either pass ``params`` (:func:`draw_parameters` or :func:`point_parameters`), or an ``rng``
    (Generator or seed) and ``n_draws`` to draw them here. Settlement and mechanisms as in
    :func:`log_hazard_ratio`; survival at :data:`REPORT_YEARS` gives the 1-, 2- and 5-year
    figures.
    """
    t = _years(years)
    params = _params(params, rng, n_draws, settlement)
    xb = log_hazard_ratio(settlement, mechanisms, params)
    cumulative = (t[None, :] / params["scale"][:, None]) ** params["shape"][:, None]
    return np.exp(-cumulative * np.exp(xb)[:, None])


def hazard(years, settlement="truce", mechanisms=(), params=None, *, rng=None, n_draws=None):
    """Instantaneous hazard of renewed fighting (per year) at ``years``: (n, len(years))."""
    t = _years(years)
    params = _params(params, rng, n_draws, settlement)
    xb = log_hazard_ratio(settlement, mechanisms, params)
    rho, lam = params["shape"][:, None], params["scale"][:, None]
    with np.errstate(divide="ignore"):
        base = (rho / lam) * (t[None, :] / lam) ** (rho - 1.0)
    return base * np.exp(xb)[:, None]


def _params(params, rng, n_draws, settlement) -> dict:
    if params is not None:
        return params
    if rng is None:
        raise InputError("pass coefficient draws (params) or an rng to draw them", field="rng")
    n = n_draws if n_draws is not None else max(1, np.size(settlement))
    return draw_parameters(n, rng)


def _years(years) -> np.ndarray:
    t = np.atleast_1d(np.asarray(years, dtype=float))
    if t.ndim != 1 or not np.all((t >= 0) & np.isfinite(t)):
        raise InputError("years must be a 1-D list of finite numbers ≥ 0", field="years")
    return t


def _settlement_indicators(settlement) -> dict[str, np.ndarray]:
    if isinstance(settlement, str) or (
        isinstance(settlement, Sequence | np.ndarray) and np.asarray(settlement).dtype.kind in "UO"
    ):
        names = np.asarray(settlement)
        unknown = set(np.unique(names).tolist()) - set(SETTLEMENT_TYPES)
        if unknown:
            raise InputError(
                f"unknown settlement type {sorted(unknown)[0]!r}; "
                f"known: {', '.join(SETTLEMENT_TYPES)}",
                field="settlement",
            )
        return {k: (names == k).astype(float) for k in ("treaty", "victory")}
    treaty = np.asarray(settlement, dtype=float)
    if not np.all((treaty >= 0) & (treaty <= 1)):
        raise InputError("a numeric settlement is a treaty indicator in [0, 1]", field="settlement")
    return {"treaty": treaty, "victory": np.zeros_like(treaty)}
