"""Survival of a ceasefire or settlement: a Weibull proportional-hazards model.

S(t | x) = exp(−(t / λ)^ρ · exp(Σ_j β_j x_j)), the baseline (λ, ρ) a truce without mechanisms,
β the log hazard ratios of a treaty and of each mechanism. Coefficients come from
``detente/data/durability.json`` (fitted by ``detente validate durability``; their sources are
in that file and in docs/validation.md). Parameter uncertainty is carried by drawing every
coefficient from a normal with its standard error, independently (covariances are ignored).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from detente.errors import InputError

MECHANISM_EFFECTS = (
    "security_guarantee",
    "peacekeeping",
    "demilitarized_zone",
    "monitoring",
    "joint_commission",
)


@lru_cache(maxsize=1)
def coefficients() -> dict[str, Any]:
    """The shipped durability model (package data)."""
    text = resources.files("detente.data").joinpath("durability.json").read_text("utf-8")
    return json.loads(text)


def draw_parameters(n: int, rng: np.random.Generator, model: dict | None = None) -> dict:
    """``n`` draws of the baseline shape and scale and of every log hazard ratio."""
    model = model or coefficients()
    base = model["baseline"]
    shape = base["shape"] * np.exp(rng.normal(0.0, base["shape_log_se"], n))
    scale = base["scale_years"] * np.exp(rng.normal(0.0, base["scale_log_se"], n))
    effects = {
        name: rng.normal(e["log_hr"], e["se"], n) for name, e in sorted(model["effects"].items())
    }
    return {"shape": shape, "scale": scale, "effects": effects}


def survival(
    years: np.ndarray,
    treaty: np.ndarray,
    mechanisms: tuple[str, ...],
    params: dict,
) -> np.ndarray:
    """Survival probability at ``years`` per draw: (draws, len(years)).

    ``treaty`` (draws,) is 1 for a comprehensive settlement and 0 for a truce; ``mechanisms``
    lists the mechanism kinds in force; ``params`` comes from :func:`draw_parameters`.
    """
    unknown = [m for m in mechanisms if m not in params["effects"]]
    if unknown:
        raise InputError(f"no durability effect for mechanism {unknown[0]!r}", field="mechanisms")
    log_hr = params["effects"]["treaty"] * treaty
    for m in mechanisms:
        log_hr = log_hr + params["effects"][m]
    t = np.asarray(years, dtype=float)[None, :]
    cumulative = (t / params["scale"][:, None]) ** params["shape"][:, None]
    return np.exp(-cumulative * np.exp(log_hr)[:, None])
