"""``detente forecast`` and ``detente compare``."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from detente.cli.output import check_output, write_output
from detente.cli.safe import shown
from detente.errors import InputError

console = Console(emoji=False)

SCENARIO_ARG = typer.Argument(
    None, help="Scenario file (.yaml, .json) or bundled name; default: ukraine-2025."
)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def parse_date(text: str | None, flag: str) -> dt.date | None:
    """A YYYY-MM-DD option, or an InputError naming the flag."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"expected a date YYYY-MM-DD, got {text!r}", field=flag) from None


def parse_tables(tables: str | None) -> tuple[str, ...] | None:
    """``a,b`` → ("a", "b"); None or empty → all tables."""
    if not tables:
        return None
    return tuple(t.strip() for t in tables.split(",") if t.strip())


def summary_table(data: dict[str, Any]) -> RichTable:
    """Formats side by side: outcome classes, coercion, durability."""
    out = RichTable(title=f"Forecast: {shown(data['meta']['scenario_name'])}")
    out.add_column("table", min_width=max(map(len, data["tables"]), default=5))
    for col in ("settlement", "frozen ceasefire", "war", "coerced", "treaty holds 2y", "peace 5y"):
        out.add_column(col, justify="right")
    for table_id, t in data["tables"].items():
        c = t["outcome_classes"]
        out.add_row(
            shown(table_id),
            _pct(c["comprehensive_settlement"]["p"]),
            _pct(c["ceasefire_frozen_conflict"]["p"]),
            _pct(c["collapse_war"]["p"]),
            _pct(t["coercion"]["rate_among_settlements"]),
            _pct(t["durability"]["settlement"]["2y"]),
            _pct(t["durability"]["peace_holds"]["5y"]),
        )
    return out


def dated_table(data: dict[str, Any]) -> RichTable | None:
    """The dated questions at the date of interest, per table, with the base rate and the
    range over engines; None when the forecast has no dated questions."""
    meta = data["meta"]
    if not meta.get("by"):
        return None
    out = RichTable(title=f"By {meta['by']} (as of {meta['as_of']}): probability that…")
    out.add_column("table")
    for q in ("ceasefire", "agreement", "abandoned", "ongoing"):
        out.add_column(q, justify="right")
    out.add_column("agreement\nby engine", justify="right")
    for table_id, t in data["tables"].items():
        if "by" not in t:
            continue
        spread = t.get("engine_spread", {}).get("agreement")
        engines = f"{_pct(spread['min'])}–{_pct(spread['max'])}" if spread else "–"
        out.add_row(table_id, *(_pct(t["by"][q]) for q in _QUESTIONS), engines)
    base = meta["base_rate"]["by"]
    out.add_row("[dim]base rate[/]", *(f"[dim]{_pct(base[q])}[/]" for q in _QUESTIONS), "")
    skill = meta.get("hazard_model", {}).get("skill", {})
    beats = [q for q, s in skill.items() if s.get("beats_base_rate")]
    misses = [q for q, s in skill.items() if not s.get("beats_base_rate")]
    verdict = ""
    if skill:
        verdict = (
            f" In the backtest the model beats the base rate at 6 and 12 months on "
            f"{' and '.join(beats) or 'no question'}"
            + (f", not on {' or '.join(misses)}." if misses else ".")
        )
    out.caption = (
        "by engine: range of P(agreement) over the engines; base rate: how often wars of this "
        "kind and age reach each event (UCDP). Criteria: docs/forecast-questions.md." + verdict
    )
    return out


_QUESTIONS = ("ceasefire", "agreement", "abandoned", "ongoing")


def settlement_table(data: dict[str, Any]) -> RichTable:
    """Per-issue settlement median [10th–90th percentile] per table."""
    out = RichTable(title=escape("Settlement terms if agreed: median [p10–p90] on 0–100"))
    out.add_column("issue")
    tables = list(data["tables"])
    for t in tables:
        out.add_column(t, justify="right")
    for issue in data["meta"]["issues"]:
        cells = []
        for t in tables:
            s = data["tables"][t]["settlement"][issue]
            cells.append(f"{_num(s['median'])} [{_num(s['p10'])}–{_num(s['p90'])}]")
        out.add_row(shown(issue), *cells)
    return out


def drivers_lines(data: dict[str, Any]) -> list[str]:
    """Top sensitivity drivers of P(settlement) per table, one line each."""
    lines = []
    for table_id, t in data["tables"].items():
        ranked = t.get("drivers", {}).get("p_settlement", [])
        if ranked:
            names = ", ".join(f"{d['input']} ({d['mu_star']:.2f})" for d in ranked[:3])
            lines.append(f"{table_id}: {names}")
    return lines


def run_with_progress(
    scenario,
    config,
    sensitivity: bool,
    backend: str,
    scheduler: str | None,
    engine_spread: bool = True,
):
    """Run the forecast behind a rich progress bar; add sensitivity drivers."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from detente.forecast import backend_for, run_forecast, table_drivers

    config = config.checked(scenario)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True, emoji=False),
        transient=True,
    ) as progress:
        task = progress.add_task("draws", total=config.draws)
        run = run_forecast(
            scenario,
            config,
            backend=backend_for(backend, scheduler),
            on_chunk=lambda n: progress.advance(task, n),
            compare_engines=engine_spread,
        )
        if sensitivity:
            progress.add_task("sensitivity (Morris)", total=None)
            drivers = table_drivers(scenario, config)
            run = dataclasses.replace(run, drivers=drivers)
    return run


def register(app: typer.Typer, groups) -> None:
    """Add the forecast commands."""

    @app.command("forecast")
    def forecast(
        scenario: str = SCENARIO_ARG,
        draws: int = typer.Option(10_000, "--draws", "-n", help="Monte Carlo draws."),
        seed: int = typer.Option(0, "--seed", help="Seed; the same seed gives the same bytes."),
        tables: str | None = typer.Option(None, "--tables", help="Comma-separated table ids."),
        engine: str = typer.Option("compromise", "--engine", help="Engine predicting the text."),
        json_out: Path | None = typer.Option(None, "--json", help="Write the forecast JSON here."),
        sensitivity: bool = typer.Option(True, help="Rank input drivers (SALib Morris)."),
        by: str | None = typer.Option(
            None,
            "--by",
            help="Date (YYYY-MM-DD) of the dated questions; default as_of + 12 months.",
        ),
        horizon: int = typer.Option(24, "--horizon", help="Months after as_of to forecast."),
        backend: str = typer.Option("local", "--backend", help="local or dask."),
        scheduler: str | None = typer.Option(
            None, "--scheduler", help="Dask scheduler address (default: a LocalCluster)."
        ),
    ) -> None:
        """Forecast every negotiation table: outcome classes, terms, coercion, durability."""
        from detente.forecast import ForecastConfig, to_data, to_json
        from detente.scenario import load_scenario

        check_output(json_out, "--json")
        loaded = load_scenario(scenario)
        config = ForecastConfig(
            draws=draws,
            seed=seed,
            tables=parse_tables(tables),
            engine=engine,
            horizon_months=horizon,
            by=parse_date(by, "--by"),
        )
        config.checked(loaded)
        run = run_with_progress(loaded, config, sensitivity, backend, scheduler)
        data = to_data(run)
        dated = dated_table(data)
        if dated is not None:
            console.print(dated)
        console.print(summary_table(data))
        console.print(settlement_table(data))
        for table_id, t in data["tables"].items():
            for issue, holders in t.get("unsettled_issues", {}).items():
                console.print(
                    f"[dim]{escape(table_id)} cannot settle {escape(issue)}: "
                    f"{escape(', '.join(holders))} not at the table[/]"
                )
        for line in drivers_lines(data):
            console.print(f"[dim]drivers of P(settlement)[/] {escape(line)}")
        meta = data["meta"]
        console.print(
            f"[dim]engine {meta['engine']} {meta['engine_version']}, seed {meta['seed']}, "
            f"{meta['draws']:,} draws, input {meta['input_hash'][:12]}[/]"
        )
        if json_out is not None:
            write_output(json_out, to_json(run), "--json")
            console.print(f"wrote {shown(json_out)}")

    @app.command("compare")
    def compare(
        scenario: str = SCENARIO_ARG,
        from_json: Path | None = typer.Option(
            None, "--from", help="A forecast JSON to compare instead of running one."
        ),
        baseline: str | None = typer.Option(None, "--baseline", help="Table to compare against."),
        draws: int = typer.Option(10_000, "--draws", "-n"),
        seed: int = typer.Option(0, "--seed"),
        engine: str = typer.Option("compromise", "--engine"),
    ) -> None:
        """Print the tables side by side with the differences that matter."""
        from detente.forecast import ForecastConfig, differences, to_data
        from detente.scenario import load_scenario

        if from_json is not None:
            from detente.cli.forecast_file import read_forecast

            data = read_forecast(from_json)
        else:
            config = ForecastConfig(draws=draws, seed=seed, engine=engine)
            run = run_with_progress(load_scenario(scenario), config, False, "local", None, False)
            data = to_data(run)
        console.print(summary_table(data))
        console.print(settlement_table(data))
        for line in differences(data, baseline):
            console.print(escape(line))
