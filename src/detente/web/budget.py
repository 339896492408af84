"""How much work a forecast request asks for, so that the dashboard can refuse one that would
run for minutes or exhaust memory before starting it.

The unit is one party's position on one issue in one draw for one round. A table costs
``parties × issues × rounds`` per draw, where the rounds are the table's deadline under its own
protocol, ten per party for the pairwise iterative engines (bdm, smp: every pair of actors is
compared in each of their rounds) and one for the closed-form engines. Sampling costs
``actors × issues`` per draw. Sensitivity (Morris) evaluates ``12 × (inputs + 1)`` further
draws per table, and a what-if runs its baseline too.
"""

from __future__ import annotations

from detente.errors import InputError
from detente.scenario import Scenario

MAX_WORK = 2e8
"""Largest request accepted, in party-issue-draw-rounds: about 10–40 s of one core on the
development machine for the slowest engines (docs/benchmarks.md)."""
MAX_CHUNK_CELLS = 6e6
"""Largest ``draws in one chunk × actors × issues``: sampled arrays take about 100 bytes a cell,
so one chunk stays near 600 MB."""
CHUNK_DRAWS = 5_000
MORRIS_TRAJECTORIES = 12
PAIRWISE_ENGINES = ("bdm", "smp")
PAIRWISE_ROUNDS_PER_PARTY = 10


def table_cost(scenario: Scenario, table_id: str, engine: str) -> float:
    """Work per draw of one table."""
    table = scenario.table(table_id)
    parties, issues = len(table.parties) + (table.mediator is not None), len(scenario.issues)
    if engine == "protocol":
        rounds = max([table.deadline] + [iv.deadline or 0 for iv in table.interventions])
    elif engine in PAIRWISE_ENGINES:
        rounds = PAIRWISE_ROUNDS_PER_PARTY * parties
    else:
        rounds = 1
    return float(parties * issues * rounds)


def work_units(
    scenario: Scenario, draws: int, engine: str, *, sensitivity: bool = False, runs: int = 1
) -> float:
    """The work of a forecast request (``runs`` forecasts of ``draws``, plus sensitivity)."""
    sampling = len(scenario.actors) * len(scenario.issues)
    tables = sum(table_cost(scenario, t.id, engine) for t in scenario.tables)
    total = runs * draws * (sampling + tables)
    if sensitivity:
        inputs = len(scenario.actors) * (1 + 4 * len(scenario.issues)) + 3 * len(scenario.tables)
        total += MORRIS_TRAJECTORIES * (inputs + 1) * (sampling + tables)
    return float(total)


def check_budget(
    scenario: Scenario, draws: int, engine: str, *, sensitivity: bool = False, runs: int = 1
) -> None:
    """An InputError (naming ``draws``) when the request is over :data:`MAX_WORK` or its chunks
    over :data:`MAX_CHUNK_CELLS`."""
    cells = min(draws, CHUNK_DRAWS) * len(scenario.actors) * len(scenario.issues)
    if cells > MAX_CHUNK_CELLS:
        raise InputError(
            f"scenario too large for the dashboard: {len(scenario.actors)} actors × "
            f"{len(scenario.issues)} issues × {min(draws, CHUNK_DRAWS):,} draws per chunk is over "
            f"{MAX_CHUNK_CELLS:,.0f}; use the command line",
            field="draws",
        )
    work = work_units(scenario, draws, engine, sensitivity=sensitivity, runs=runs)
    if work > MAX_WORK:
        per_draw = work_units(scenario, 1, engine, runs=runs)
        fixed = work - per_draw * draws
        most = max(0, int((MAX_WORK - fixed) // per_draw))
        hint = f"at most {most:,} draws" if most else "the command line"
        raise InputError(
            f"request too large: about {work:.2g} units of work (parties × issues × draws × "
            f"rounds), over the {MAX_WORK:.0g} the dashboard runs; use {hint}",
            field="draws",
        )
