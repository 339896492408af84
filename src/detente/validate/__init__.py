"""Backtests and reference checks: engines against published runs and data, durability fits."""

from detente.validate.backtest import run_backtest
from detente.validate.base_rate import fit_base_rate
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
    "fit_base_rate",
    "fit_durability",
    "load_case",
    "load_cases",
    "predict_engines",
    "read_deu",
    "run_backtest",
    "score_engines",
    "score_ensemble",
]
