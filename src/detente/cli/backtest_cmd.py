"""``detente backtest`` and ``detente validate base-rate``: the dated forecast scored on history,
and the outside view refitted from UCDP data."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from detente.cli.layout import Col, err_console, fit, out_console, print_all, progress, say, show
from detente.cli.output import check_output, write_output
from detente.errors import InputError

SHOWN_FORECASTERS = ("uniform", "base_rate", "recalibrated", "model", "ensemble")


def scores_table(result: dict, width: int, group: str = "all") -> list:
    """Brier scores (lower is better) per question and horizon, forecasters side by side, the
    lowest in each row marked ``*``; fitted to ``width``."""
    rows = [r for r in result["scores"] if r["group"] == group]
    forecasters = [f for f in SHOWN_FORECASTERS if any(r["forecaster"] == f for r in rows)]
    n = max((r["n"] for r in rows), default=0)
    index = {(r["question"], r["horizon_months"], r["forecaster"]): r for r in rows}
    out_rows = []
    for question in ("ceasefire", "agreement", "abandoned", "ongoing"):
        for h in result["meta"]["horizons_months"]:
            cells = [index.get((question, h, f)) for f in forecasters]
            best = min((c["brier"] for c in cells if c), default=None)
            out_rows.append([
                question, str(h),
                *("–" if c is None else f"{c['brier']:.3f}" + ("*" if c["brier"] == best else "")
                  for c in cells),
            ])  # fmt: skip
    cols = [Col("question"), Col("months", "right"),
            *(Col(f.replace("_", " "), "right") for f in forecasters)]  # fmt: skip
    title = f"Backtest Brier scores ({group} cases, n={n}; lower is better, * lowest)"
    return fit(title, cols, out_rows, width, fallback=("compact", "abbrev", "panels"), key=2)


def register(app: typer.Typer, groups) -> None:
    """Add the backtest commands."""

    @app.command("backtest")
    def backtest(
        cases: Path | None = typer.Option(
            None, "--cases", help="Folder of case scenarios with resolutions/ (default: bundled)."
        ),
        draws: int = typer.Option(10_000, "--draws", "-n", help="Draws per case."),
        engine_draws: int = typer.Option(
            1_000, "--engine-draws", help="Draws per case for the engines other than the default."
        ),
        seed: int = typer.Option(0, "--seed"),
        json_out: Path | None = typer.Option(None, "--json", help="Write the backtest JSON here."),
        plot: Path | None = typer.Option(
            None, "--plot", help="Write the reliability diagram (.svg or .png)."
        ),
        fit_out: Path | None = typer.Option(
            None, "--fit-out", help="Write the hazard model fitted on every case (JSON)."
        ),
    ) -> None:
        """Score the dated forecast on historical episodes: Brier and log scores at 3, 6, 12
        and 24 months, leave-one-out, beside the base rate and a uniform forecast."""
        from detente.validate import load_cases, run_backtest

        for path, flag in ((json_out, "--json"), (fit_out, "--fit-out"), (plot, "--plot")):
            check_output(path, flag)
        if plot is not None and plot.suffix.lower() not in (".svg", ".png"):
            raise InputError("expected a .svg or .png file", field="--plot", file=plot)
        loaded = load_cases(cases)
        with progress() as bar:
            task = bar.add_task("backtest", total=2 * len(loaded))
            result = run_backtest(
                loaded,
                draws=draws,
                engine_draws=engine_draws,
                seed=seed,
                on_step=lambda step: bar.update(task, advance=1, description=step),
            )
        written = []
        if json_out is not None:
            write_output(json_out, json.dumps(result, indent=2, sort_keys=True) + "\n", "--json")
            written.append(json_out)
        if fit_out is not None:
            fitted = json.dumps(result["fit"], indent=2, sort_keys=True) + "\n"
            write_output(fit_out, fitted, "--fit-out")
            written.append(fit_out)
        if plot is not None:
            from detente.report import reliability_chart, to_png, to_svg

            chart = reliability_chart(result)
            if plot.suffix.lower() == ".svg":
                write_output(plot, to_svg(chart), "--plot")
            else:
                write_output(plot, to_png(chart), "--plot")
            written.append(plot)
        console = out_console()
        print_all(console, scores_table(result, console.width))
        meta = result["meta"]
        say(
            console,
            f"{meta['n_cases']} cases ({meta['n_hindsight']} coded with hindsight), "
            f"{meta['draws']:,} draws each, seed {meta['seed']}; every fitted number "
            "leave-one-out",
            "dim",
        )
        for path in written:
            say(console, f"wrote {path}")

    @groups.validate.command("base-rate")
    def base_rate(
        ucdp_termination: Path = typer.Option(
            ..., "--ucdp-termination", help="UCDP Conflict Termination dataset, dyad v3-2021."
        ),
        out: Path | None = typer.Option(
            None, "--out", help="Write the fitted model (the shipped base_rate.json format)."
        ),
    ) -> None:
        """Fit the outside view: monthly hazards of a ceasefire and of a peace agreement by
        war kind and age, from UCDP's conflict termination data."""
        from detente.conflict import base_rate_model
        from detente.validate import fit_base_rate

        check_output(out, "--out")
        with err_console().status("fitting the base rate"):
            model = fit_base_rate(ucdp_termination)
        if out is not None:
            write_output(out, json.dumps(model, indent=1) + "\n", "--out")
        rows = []
        for kind, per_event in model["hazards"].items():
            for event in ("ceasefire", "agreement"):
                h = per_event[event]
                rows.append([
                    kind, event,
                    *(f"{rate:.4f} ({n}/{m:,.0f})" for rate, n, m in zip(
                        h["monthly_hazard"], h["events"], h["months_at_risk"], strict=True)),
                ])  # fmt: skip
        cols = [Col("war kind"), Col("event"),
                *(Col(f"age ≥{a}m", "right") for a in model["age_bands_months"])]  # fmt: skip
        console = out_console()
        title = "Base rate: monthly hazard (events / months at risk)"
        show(console, title, cols, rows, fallback=("compact", "panels"), key=2)
        if model["hazards"] == base_rate_model()["hazards"]:
            say(console, "matches the shipped base rate")
        else:
            say(console, "differs from the shipped base rate", "yellow")
        if out is not None:
            say(console, f"wrote {out}")
