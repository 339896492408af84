"""Backtests and reference checks: engines against published runs and data, durability fits."""

from detente.validate.cases import Case, Resolution, load_case, load_cases
from detente.validate.deu import (
    DeuData,
    EnsembleScore,
    Prediction,
    Score,
    predict_engines,
    read_deu,
    score_engines,
    score_ensemble,
)
from detente.validate.durability import fit_durability

__all__ = [
    "Case",
    "DeuData",
    "EnsembleScore",
    "Prediction",
    "Resolution",
    "Score",
    "fit_durability",
    "load_case",
    "load_cases",
    "predict_engines",
    "read_deu",
    "score_engines",
    "score_ensemble",
]
