"""``detente run ENGINE`` and ``detente validate deu``."""

from __future__ import annotations

import hashlib
from pathlib import Path

import typer
from rich.console import Console
from typer.core import TyperCommand

from detente.cli.common import check_engine, engines_help, write_json
from detente.cli.layout import Col, err_console, out_console, progress, say, show
from detente.cli.output import check_output
from detente.errors import InputError


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
    from detente.scenario import (
        format_of,
        load_scenario,
        mode_arrays,
        parse_ktab_csv,
        read_text,
        resolve_scenario_path,
    )

    path = resolve_scenario_path(spec_path)
    text = read_text(path)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if format_of(path) == "ktab-csv":
        data = parse_ktab_csv(text, file=path)
        actors = data.actor_names
        issues = data.issue_ids()
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
        engine: str = typer.Argument(..., help=f"The engine: {engines_help(False)}."),
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
        spec = get_engine(check_engine(engine, False, "ENGINE"))
        options = checked(spec.options, parse_assignments(option)).model_dump()
        actors, issues, inp, digest = engine_input_from(scenario)
        with err_console().status(f"running {spec.name}"):
            result = spec.run(inp, rng=np.random.default_rng(seed), **options)
        rounds = [
            {
                actor: dict(zip(issues, map(float, step[0, a]), strict=True))
                for a, actor in enumerate(actors)
            }
            for step in result.trajectory
        ]
        outcome = dict(zip(issues, map(float, result.outcome[0]), strict=True))
        if json_out is not None:
            write_json(json_out, {
                "engine": spec.name,
                "version": result.version,
                "params": result.params,
                "options": options,
                "seed": seed,
                "input_sha256": digest,
                "rounds": rounds,
                "outcome": outcome,
            }, sort_keys=True)  # fmt: skip
        rows = [
            [str(r), actor, *(f"{pos[i]:.1f}" for i in issues)]
            for r, step in enumerate(rounds)
            for actor, pos in step.items()
        ]
        rows.append(["", "outcome", *(f"{outcome[i]:.1f}" for i in issues)])
        console = out_console()
        show(
            console,
            f"{spec.name}: positions by round (last row: outcome)",
            [Col("round", "right"), Col("actor"), *(Col(i, "right") for i in issues)],
            rows,
            fallback=("compact", "abbrev", "panels"),
            key=2,
        )
        if json_out is not None:
            say(console, f"wrote {json_out}")

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

        from detente.engines import engine_names, options_by_engine
        from detente.options import parse_assignments
        from detente.validate import predict_engines, read_deu, score_engines, score_ensemble

        options = options_by_engine(parse_assignments(option))
        check_output(json_out, "--json")
        data = read_deu(path)
        names = engine_names()
        with progress() as bar:
            task = bar.add_task("engines", total=len(names))
            predictions = predict_engines(
                data, names, options=options, on_engine=lambda _: bar.advance(task)
            )
        scores = score_engines(data, predictions=predictions)
        ensemble = score_ensemble(data, predictions)
        if json_out is not None:
            write_json(
                json_out, {"scores": [asdict(s) for s in scores], "ensemble": asdict(ensemble)}
            )
        console = out_console()
        show(
            console,
            f"DEU III: {len(data.outcome)} issues with an observed outcome",
            [Col("rank", "right"), Col("engine", prose=True), Col("capabilities", prose=True),
             Col("reference point"), Col("issues", "right", prose=True), Col("MAE", "right")],
            [[str(rank), s.engine, s.capabilities, "yes" if s.reference_point else "no",
              f"{s.issues}{' (by proposal)' if s.together else ''}", f"{s.mae:.2f}"]
             for rank, s in enumerate(scores, 1)],
        )  # fmt: skip
        say(
            console,
            f"ensemble of {len(ensemble.weights)} weighted members ({ensemble.folds}-fold "
            f"cross-validation by proposal, {ensemble.issues} issues): MAE "
            f"{ensemble.mae:.2f}; best single engine chosen on the same folds: "
            f"{ensemble.best_single_mae:.2f}",
        )
        top = ", ".join(f"{k} {v:.2f}" for k, v in list(ensemble.weights.items())[:5])
        say(console, f"weights fitted on the whole file: {top}")
        if json_out is not None:
            say(console, f"wrote {json_out}")
