"""War and peace around the table: the bargaining model of war (bargaining.py), the war as
disagreement point and reservation value (outside_options.py) and the durability of what a
table produces (durability.py)."""

from detente.conflict.bargaining import commitment_problem
from detente.conflict.base_rate import base_rate_model, monthly_hazard
from detente.conflict.durability import (
    MECHANISM_EFFECTS,
    REPORT_YEARS,
    coefficients,
    draw_parameters,
    survival,
)
from detente.conflict.outside_options import (
    expected_war_outcome,
    salience_weights,
    war_outside_options,
    war_utility,
    win_probabilities,
)

__all__ = [
    "MECHANISM_EFFECTS",
    "REPORT_YEARS",
    "base_rate_model",
    "coefficients",
    "commitment_problem",
    "draw_parameters",
    "expected_war_outcome",
    "monthly_hazard",
    "salience_weights",
    "survival",
    "war_outside_options",
    "war_utility",
    "win_probabilities",
]
