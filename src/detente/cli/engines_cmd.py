"""``detente run ENGINE`` and ``detente validate deu``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table as RichTable
from typer.core import TyperCommand

from detente.cli.output import check_output, write_output
from detente.cli.safe import shown
from detente.errors import InputError

console = Console(emoji=False)


class RunCommand(TyperCommand):
    """``detente run``: its help ends with every registered engine and its options (read from
    the registry only when help is shown)."""

    def format_help(self, ctx, formatter) -> None:
        super().format_help(ctx, formatter)
        from detente.engines import describe_engines

        text = "Engines and their options:\n" + describe_engines()
        if formatter.getvalue():
            formatter.write("\n" + text + "\n")
        else:
            Console().print(text, highlight=False, markup=False)


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

    @app.command("run", cls=RunCommand)
    def run(
        engine: str = typer.Argument(..., help="Engine name (see `detente run --help`)."),
        scenario: str | None = typer.Argument(
            None, help="Scenario file, bundled name or KTAB CSV; default: ukraine-2025."
        ),
        seed: int = typer.Option(0, "--seed", help="Seed for stochastic engines."),
        option: list[str] = typer.Option(
            [], "--option", "-o", help="name=value: an engine option (listed below); none for None."
        ),
        json_out: Path | None = typer.Option(None, "--json", help="Write the run as JSON here."),
    ) -> None:
        """Run one collective-decision engine once and print its path and outcome."""
        import numpy as np

        from detente.engines import get_engine
        from detente.options import checked, parse_assignments

        check_output(json_out, "--json")
        if seed < 0:
            raise InputError(f"seed must be >= 0, got {seed}", field="--seed")
        spec = get_engine(engine)
        options = checked(spec.options, parse_assignments(option)).model_dump()
        actors, issues, inp, digest = engine_input_from(scenario)
        result = spec.run(inp, rng=np.random.default_rng(seed), **options)
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
                "options": options,
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
        option: list[str] = typer.Option(
            [],
            "--option",
            "-o",
            help="engine.name=value (one engine) or name=value (every engine that has it).",
        ),
        json_out: Path | None = typer.Option(None, "--json", help="Write the scores here."),
    ) -> None:
        """Score every engine on DEU III issues: mean absolute error on 0–100, best first."""
        from dataclasses import asdict

        from detente.engines import options_by_engine
        from detente.options import parse_assignments
        from detente.validate.deu import predict_engines, read_deu, score_engines, score_ensemble

        options = options_by_engine(parse_assignments(option))
        check_output(json_out, "--json")
        data = read_deu(path)
        with console.status("running every engine on every issue"):
            predictions = predict_engines(data, options=options)
        scores = score_engines(data, predictions=predictions)
        ensemble = score_ensemble(data, predictions)
        table = RichTable(title=f"DEU III: {len(data.outcome)} issues with an observed outcome")
        for col in ("rank", "engine", "capabilities", "reference point", "issues", "MAE"):
            table.add_column(col)
        for rank, s in enumerate(scores, 1):
            issues = f"{s.issues}{' (by proposal)' if s.together else ''}"
            table.add_row(
                str(rank), s.engine, s.capabilities, "yes" if s.reference_point else "no",
                issues, f"{s.mae:.2f}",
            )  # fmt: skip
        console.print(table)
        console.print(
            f"ensemble of {len(ensemble.weights)} weighted members ({ensemble.folds}-fold "
            f"cross-validation by proposal, {ensemble.issues} issues): MAE "
            f"{ensemble.mae:.2f}; best single engine chosen on the same folds: "
            f"{ensemble.best_single_mae:.2f}"
        )
        top = ", ".join(f"{k} {v:.2f}" for k, v in list(ensemble.weights.items())[:5])
        console.print(f"weights fitted on the whole file: {top}")
        if json_out is not None:
            payload = {"scores": [asdict(s) for s in scores], "ensemble": asdict(ensemble)}
            write_output(json_out, json.dumps(payload, indent=2) + "\n", "--json")
            console.print(f"wrote {shown(json_out)}")
