"""``detente run ENGINE`` and ``detente validate deu``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table as RichTable

from detente.cli.output import check_output, write_output
from detente.cli.safe import shown
from detente.errors import InputError

console = Console(emoji=False)


def engine_input_from(spec_path: str | None):
    """Actor names, issue names and a one-draw EngineInput from a scenario or a KTAB CSV, plus
    the SHA-256 of the input file."""
    import numpy as np

    from detente.engines import EngineInput
    from detente.scenario import load_scenario, mode_arrays
    from detente.scenario.io import format_of, read_text, resolve_scenario_path
    from detente.scenario.ktab import parse_ktab_csv

    path = resolve_scenario_path(spec_path)
    text = read_text(path)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if format_of(path) == "ktab-csv":
        data = parse_ktab_csv(text, file=path)
        actors = data.actor_names
        issues = tuple(f"dim{k + 1}" for k in range(data.position.shape[1]))
        position, salience, capability, sq = data.position, data.salience, data.power, None
    else:
        arrays = mode_arrays(load_scenario(path))
        actors, issues = arrays.actor_ids, arrays.issue_ids
        position, salience, capability = arrays.ideal, arrays.salience, arrays.capability
        sq = None if np.isnan(arrays.status_quo).any() else arrays.status_quo[None, :]
    inp = EngineInput(position[None], salience[None], capability[None], sq)
    return actors, issues, inp, digest


def register(app: typer.Typer, groups) -> None:
    """Add the engine commands."""

    @app.command("run")
    def run(
        engine: str = typer.Argument(..., help="Engine name (see `detente run --help`)."),
        scenario: str | None = typer.Argument(
            None, help="Scenario file, bundled name or KTAB CSV; default: ukraine-2025."
        ),
        seed: int = typer.Option(0, "--seed", help="Seed for stochastic engines."),
        json_out: Path | None = typer.Option(None, "--json", help="Write the run as JSON here."),
    ) -> None:
        """Run one collective-decision engine once and print its path and outcome."""
        import numpy as np

        from detente.engines import get_engine

        check_output(json_out, "--json")
        if seed < 0:
            raise InputError(f"seed must be >= 0, got {seed}", field="--seed")
        spec = get_engine(engine)
        actors, issues, inp, digest = engine_input_from(scenario)
        result = spec.run(inp, rng=np.random.default_rng(seed))
        rounds = [
            {
                actor: dict(zip(issues, map(float, step[0, a]), strict=True))
                for a, actor in enumerate(actors)
            }
            for step in result.trajectory
        ]
        outcome = dict(zip(issues, map(float, result.outcome[0]), strict=True))
        table = RichTable(title=f"{spec.name}: positions by round (last row: outcome)")
        table.add_column("round")
        for issue in issues:
            table.add_column(issue, justify="right")
        for r, step in enumerate(rounds):
            for actor, pos in step.items():
                table.add_row(f"{r} {shown(actor)}", *(f"{pos[i]:.1f}" for i in issues))
        table.add_row("outcome", *(f"{outcome[i]:.1f}" for i in issues), style="bold")
        console.print(table)
        if json_out is not None:
            payload = {
                "engine": spec.name,
                "version": result.version,
                "params": result.params,
                "seed": seed,
                "input_sha256": digest,
                "rounds": rounds,
                "outcome": outcome,
            }
            write_output(json_out, json.dumps(payload, indent=2, sort_keys=True) + "\n", "--json")
            console.print(f"wrote {shown(json_out)}")

    @groups.validate.command("deu")
    def deu(
        path: Path = typer.Argument(..., help="A DEU III tab-separated file."),
        json_out: Path | None = typer.Option(None, "--json", help="Write the scores here."),
    ) -> None:
        """Score every engine on DEU III issues: mean absolute error on 0–100, best first."""
        from dataclasses import asdict

        from detente.validate.deu import read_deu, score_engines

        check_output(json_out, "--json")
        data = read_deu(path)
        scores = score_engines(data)
        table = RichTable(title=f"DEU III: {len(data.outcome)} issues with an observed outcome")
        for col in ("rank", "engine", "capabilities", "reference point", "issues", "MAE"):
            table.add_column(col)
        for rank, s in enumerate(scores, 1):
            table.add_row(
                str(rank), s.engine, s.capabilities, "yes" if s.reference_point else "no",
                str(s.issues), f"{s.mae:.2f}",
            )  # fmt: skip
        console.print(table)
        if json_out is not None:
            text = json.dumps([asdict(s) for s in scores], indent=2)
            write_output(json_out, text + "\n", "--json")
            console.print(f"wrote {shown(json_out)}")
