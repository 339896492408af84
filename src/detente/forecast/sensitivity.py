"""Which uncertain inputs move each table's results most: Morris elementary effects (SALib).

The design runs on unit quantiles of every uncertain parameter (see forecast/inputs.py), so the
same evaluation code serves sampling and sensitivity. Results are ranked by μ* (Campolongo,
Cariboni & Saltelli 2007), the mean absolute elementary effect.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from SALib.analyze import morris as morris_analyze
from SALib.sample import morris as morris_sample

from detente.forecast.inputs import InputSpace, input_space, materialize
from detente.forecast.outcomes import SETTLEMENT, WAR
from detente.forecast.run import ForecastConfig
from detente.forecast.tables import evaluate_table, plan_table
from detente.scenario import Scenario

TRAJECTORIES = 12
LEVELS = 4
TOP = 5


def _problem(space: InputSpace) -> dict[str, Any]:
    return {
        "num_vars": space.dim,
        "names": [p.name for p in space.parameters],
        "bounds": [[0.0, 1.0]] * space.dim,
    }


def _ranked(names: list[str], mu_star: np.ndarray, top: int) -> list[tuple[str, float]]:
    mu = np.nan_to_num(np.asarray(mu_star, dtype=float))
    order = sorted(range(len(names)), key=lambda j: (-mu[j], names[j]))
    return [(names[j], float(mu[j])) for j in order[:top] if mu[j] > 0]


def table_drivers(
    scenario: Scenario,
    config: ForecastConfig,
    trajectories: int = TRAJECTORIES,
    top: int = TOP,
) -> dict[str, dict[str, list[tuple[str, float]]]]:
    """Per table, the top inputs by μ* for P(settlement), P(war) and each issue's outcome."""
    space = input_space(scenario)
    if space.dim < 2:
        return {}
    design_seed, eval_seed, analyze_seed = np.random.SeedSequence([config.seed, 1]).spawn(3)
    problem = _problem(space)
    u = morris_sample.sample(
        problem, trajectories, num_levels=LEVELS, seed=np.random.default_rng(design_seed)
    )
    x = materialize(space, u)
    names = problem["names"]
    out: dict[str, dict[str, list[tuple[str, float]]]] = {}
    for table_id in config.tables or ():
        plan = plan_table(scenario, table_id)
        rng = np.random.default_rng(eval_seed)
        draws = evaluate_table(plan, x, config.engine, rng, config.engine_kwargs)
        outputs = {
            "p_settlement": (draws.klass == SETTLEMENT).astype(float),
            "p_war": (draws.klass == WAR).astype(float),
        }
        for k, issue in enumerate(scenario.linked_issues):
            outputs[f"outcome:{issue.id}"] = draws.outcome[:, k]
        out[table_id] = {}
        for result, y in outputs.items():
            si = morris_analyze.analyze(
                problem,
                u,
                y,
                num_levels=LEVELS,
                num_resamples=10,
                seed=np.random.default_rng(analyze_seed),
            )
            out[table_id][result] = _ranked(names, si["mu_star"], top)
    return out
