"""Backtests and reference checks: engines against published runs and data, durability fits."""

from detente.validate.cases import Case, Resolution, load_case, load_cases
from detente.validate.deu import (
    DeuData,
    Score,
    read_deu,
    score_engines,
)
from detente.validate.durability import fit_durability

__all__ = [
    "Case",
    "DeuData",
    "Resolution",
    "Score",
    "fit_durability",
    "load_case",
    "load_cases",
    "read_deu",
    "score_engines",
]
