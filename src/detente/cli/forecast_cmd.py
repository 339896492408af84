"""``detente forecast`` and ``detente compare``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.text import Text

from detente.cli.common import check_engine, engines_help, parse_date
from detente.cli.layout import Col, err_console, fit, out_console, print_all, progress, say
from detente.cli.output import check_output, write_output
from detente.errors import InputError

SCENARIO_ARG = typer.Argument(
    None, help="Scenario file (.yaml, .json) or bundled name; default: ukraine-2025."
)
SERIES_ARG = typer.Argument(
    None,
    help="Scenario file (.yaml, .json), bundled name, or (with --as-of or --over-time) a "
    "directory of dated snapshots; default: ukraine-2025.",
)


OPTION_HELP = (
    "name=value: an option of --engine (`detente run --help` lists them), repeatable; "
    "none for None."
)


def engine_options(pairs: list[str]) -> tuple[tuple[str, Any], ...]:
    """``-o name=value`` flags as the (name, value) pairs a ForecastConfig takes (validated
    there against the engine's typed options)."""
    from detente.options import parse_assignments

    return tuple(parse_assignments(pairs).items())


def engine_line(meta: dict[str, Any]) -> str:
    """``engine NAME VERSION`` with the options it ran with, when it has any."""
    options = meta.get("engine_options") or {}
    shown = ", ".join(f"{k}={v}" for k, v in options.items())
    return f"engine {meta['engine']} {meta['engine_version']}" + (f" ({shown})" if shown else "")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def parse_tables(tables: str | None) -> tuple[str, ...] | None:
    """``a,b`` → ("a", "b"); None or empty → all tables."""
    if not tables:
        return None
    return tuple(t.strip() for t in tables.split(",") if t.strip())


def summary_table(data: dict[str, Any], width: int) -> list:
    """Formats side by side: outcome classes, coercion, durability; one row per table, fitted
    to ``width`` (stacked rows when the columns do not fit). A partial-deal column (and the
    limited deal's terms) appear when the scenario has separable issues."""
    separable = data["meta"].get("separable_issues") or []
    classes = [
        ("comprehensive_settlement", "settlement"),
        ("ceasefire_frozen_conflict", "frozen ceasefire"),
        *([("partial_agreement", "partial deal")] if separable else []),
        ("collapse_war", "war"),
    ]
    heads = [h for _, h in classes] + ["coerced", "treaty holds 2y", "peace 5y"]
    cols = [Col("table")] + [Col(h, "right") for h in heads]
    rows = []
    for table_id, t in data["tables"].items():
        c = t["outcome_classes"]
        rows.append([
            table_id,
            *(_pct(c[name]["p"]) for name, _ in classes),
            _few(t["coercion"]["rate_among_settlements"], t["coercion"]["settled_draws"]),
            _few(t["durability"]["settlement"]["2y"], t["coercion"]["settled_draws"]),
            _pct(t["durability"]["peace_holds"]["5y"]),
        ])  # fmt: skip
    parts = fit(f"Forecast: {data['meta']['scenario_name']}", cols, rows, width)
    threshold = data["meta"].get("few_draws_threshold", 30)
    if any("(n=" in cell for row in rows for cell in row):
        note = f"(n=N): the figure rests on N < {threshold} settled draws; read it with care"
        parts.append(Text(note, style="dim"))
    if data["meta"].get("by"):
        note = f"Outcome classes: each table as it stands on {data['meta']['by']}"
        note += " (interventions due later do not apply)."
        if separable:
            note += (
                f" Partial deal: the war goes on with a limited deal on {', '.join(separable)};"
                " no dated question (docs/forecast-questions.md)."
            )
        parts.append(Text(note, style="dim"))
    if separable:
        parts += partial_terms_table(data, width)
    return parts


def partial_terms_table(data: dict[str, Any], width: int) -> list:
    """The limited deal's terms per separable issue and table over the partial-agreement draws:
    median [p10–p90], with the count when it rests on few draws."""
    tables = [t for t in data["tables"] if data["tables"][t].get("partial_agreement_terms")]
    if not tables:
        return []
    return _terms_table(
        "Limited deal's terms if a partial agreement: median [p10–p90] on 0–100",
        data, "partial_agreement_terms", tables, data["meta"]["separable_issues"], width,
        few=data["meta"].get("few_draws_threshold", 30),
    )  # fmt: skip


def _terms_table(title, data, key, tables, issues, width, few: int | None = None) -> list:
    """One row per issue, one column per table, each cell the table's ``key`` summary of the
    issue (compact, then panels of tables that repeat the issue column)."""
    rows = [
        [issue, *(_median_range(data["tables"][t][key][issue], few) for t in tables)]
        for issue in issues
    ]
    cols = [Col("issue"), *(Col(t, "right") for t in tables)]
    return fit(title, cols, rows, width, fallback=("compact", "panels"))


def _median_range(s: dict[str, Any], few: int | None) -> str:
    """A summary as median [p10–p90] ("–" without draws), with its count when below ``few``."""
    if s["median"] is None:
        return "–"
    cell = f"{_num(s['median'])} [{_num(s['p10'])}–{_num(s['p90'])}]"
    return cell + (f" (n={s['draws']})" if few is not None and s["draws"] < few else "")


def _few(value: float | None, draws: int, threshold: int = 30) -> str:
    """A percentage over settled draws, with its count when it rests on few of them."""
    if value is None or draws >= threshold:
        return _pct(value)
    return f"{_pct(value)} (n={draws})"


QUESTIONS = ("ceasefire", "agreement", "abandoned", "ongoing")


def dated_table(data: dict[str, Any], width: int) -> list:
    """The dated questions at the date of interest, per table, with the base rate and the
    range over engines, fitted to ``width``; empty when the forecast has no dated questions."""
    meta = data["meta"]
    if not meta.get("by"):
        return []
    rows = []
    for table_id, t in data["tables"].items():
        if "by" not in t:
            continue
        spread = t.get("engine_spread", {}).get("agreement")
        engines = f"{_pct(spread['min'])}–{_pct(spread['max'])}" if spread else "–"
        rows.append([table_id, *(_pct(t["by"][q]) for q in QUESTIONS), engines])
    base = meta["base_rate"]["by"]
    rows.append(["base rate", *(_pct(base[q]) for q in QUESTIONS), ""])
    cols = [
        Col("table"),
        *(Col(q, "right") for q in QUESTIONS),
        Col("agreement by engine", "right"),
    ]
    title = f"By {meta['by']} (as of {meta['as_of']}): probability of each outcome"
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
    note = (
        "by engine: range of P(agreement) over the engines; base rate: how often wars of this "
        "kind and age reach each event (UCDP). Criteria: docs/forecast-questions.md." + verdict
    )
    return [*fit(title, cols, rows, width), Text(note, style="dim")]


def settlement_table(data: dict[str, Any], width: int) -> list:
    """Per-issue settlement median [10th–90th percentile] per table, fitted to ``width``
    (compact, then panels of tables that repeat the issue column)."""
    return _terms_table(
        "Settlement terms if agreed: median [p10–p90] on 0–100",
        data, "settlement", list(data["tables"]), data["meta"]["issues"], width,
    )  # fmt: skip


def drivers_lines(data: dict[str, Any]) -> list[str]:
    """Top sensitivity drivers of P(settlement) per table, one line each."""
    lines = []
    for table_id, t in data["tables"].items():
        ranked = t.get("drivers", {}).get("p_settlement", [])
        if ranked:
            names = ", ".join(f"{d['input']} ({d['mu_star']:.2f})" for d in ranked[:3])
            lines.append(f"{table_id}: {names}")
    return lines


def check_baseline(baseline: str | None, tables: tuple[str, ...]) -> None:
    """Refuse an unknown ``--baseline`` before any work."""
    if baseline is not None and baseline not in tables:
        raise InputError(
            f"unknown table {baseline!r}, expected one of {', '.join(tables)}", field="--baseline"
        )


def run_with_progress(
    scenario,
    config,
    sensitivity: bool,
    backend: str,
    scheduler: str | None,
    engine_spread: bool = True,
):
    """Run the forecast behind a rich progress bar; add sensitivity drivers."""
    from detente.forecast import backend_for, run_forecast

    config = config.checked(scenario)
    with progress(err_console()) as bar:
        task = bar.add_task("draws", total=config.draws)
        run = run_forecast(
            scenario,
            config,
            backend=backend_for(backend, scheduler),
            on_chunk=lambda n: bar.advance(task, n),
            compare_engines=engine_spread,
            sensitivity=sensitivity,
            on_stage=lambda _stage: bar.add_task("sensitivity (Morris)", total=None),
        )
    return run


def chosen_scenario(spec: str | None, day):
    """The scenario to forecast: the argument itself, or with ``--as-of`` the latest snapshot of
    its series dated on or before that day (said on the terminal)."""
    from detente.scenario import load_scenario

    if day is None:
        return load_scenario(spec)
    import datetime as dt

    from detente.cli.over_time import used_snapshot_lines
    from detente.forecast import series_snapshots, snapshot_as_of

    snapshots = series_snapshots(spec)
    chosen = snapshot_as_of(snapshots, day, dt.date.today())
    console = out_console()
    for line in used_snapshot_lines(chosen, day, len(snapshots)):
        say(console, line)
    return chosen.scenario


def forecast_over_time(
    spec, day, draws, seed, by, engine, tables, attribution_draws, backend, json_out,
    options=(),
) -> None:  # fmt: skip
    """``detente forecast --over-time``: the timeline of the series, printed and written."""
    import datetime as dt

    from detente.cli.over_time import items_table, moved_lines, over_time_table
    from detente.forecast import (
        TimelineConfig,
        run_timeline,
        series_snapshots,
        snapshot_as_of,
        snapshots_until,
        timeline_json,
    )

    if backend != "local":
        raise InputError("--over-time runs on the local backend only", field="--backend")
    if not 1 <= attribution_draws <= 100_000:
        raise InputError(
            f"must be between 1 and 100,000, got {attribution_draws:,}",
            field="--attribution-draws",
        )
    snapshots = series_snapshots(spec)
    if day is not None:
        snapshot_as_of(snapshots, day, dt.date.today())
        snapshots = snapshots_until(snapshots, day)
    config = TimelineConfig(
        draws=draws,
        seed=seed,
        by=by,
        engine=engine,
        tables=tables,
        attribution_draws=attribution_draws,
        engine_options=options,
    )
    with progress(err_console()) as bar:
        task = bar.add_task("timeline", total=2 * len(snapshots) - 1)
        data = run_timeline(
            snapshots,
            config,
            on_step=lambda label: bar.update(task, description=label, advance=1),
        )
    if json_out is not None:
        write_output(json_out, timeline_json(data), "--json")
    console = out_console()
    print_all(console, over_time_table(data, console.width))
    for step in data["steps"]:
        for line in moved_lines(step):
            say(console, line)
        print_all(console, items_table(step, console.width))
    meta = data["meta"]
    for s in meta["snapshots"]:
        say(console, f"snapshot {s['id']}: as_of {s['as_of']}, input {s['input_hash'][:12]}")
    say(
        console,
        f"{engine_line(meta)}, seed {meta['seed']}, "
        f"{meta['draws']:,} draws per snapshot, {meta['attribution_draws']:,} per item",
    )
    if json_out is not None:
        say(console, f"wrote {json_out}")


def register(app: typer.Typer, groups) -> None:
    """Add the forecast commands."""

    @app.command("forecast")
    def forecast(
        scenario: str = SERIES_ARG,
        draws: int = typer.Option(10_000, "--draws", "-n", help="Monte Carlo draws."),
        seed: int = typer.Option(0, "--seed", help="Seed; the same seed gives the same bytes."),
        tables: str | None = typer.Option(None, "--tables", help="Comma-separated table ids."),
        engine: str = typer.Option(
            "compromise", "--engine", help=f"Engine predicting the text: {engines_help(True)}."
        ),
        option: list[str] = typer.Option([], "--option", "-o", help=OPTION_HELP),
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
        as_of: str | None = typer.Option(
            None,
            "--as-of",
            help="Date (YYYY-MM-DD): use the latest snapshot of the scenario's series dated on "
            "or before it.",
        ),
        over_time: bool = typer.Option(
            False,
            "--over-time",
            help="One forecast per snapshot of the series, all asking P(event by --by), with "
            "the items that moved them (--json writes the timeline).",
        ),
        attribution_draws: int = typer.Option(
            2_000,
            "--attribution-draws",
            help="Draws of each item's re-run with --over-time.",
        ),
    ) -> None:
        """Forecast every negotiation table: outcome classes, terms, coercion, durability."""
        from detente.forecast import ForecastConfig, to_data, to_json

        check_output(json_out, "--json")
        check_engine(engine, True)
        options = engine_options(option)
        day = parse_date(as_of, "--as-of")
        if over_time:
            forecast_over_time(
                scenario, day, draws, seed, parse_date(by, "--by"), engine,
                parse_tables(tables), attribution_draws, backend, json_out, options,
            )  # fmt: skip
            return
        loaded = chosen_scenario(scenario, day)
        config = ForecastConfig(
            draws=draws,
            seed=seed,
            tables=parse_tables(tables),
            engine=engine,
            engine_options=options,
            horizon_months=horizon,
            by=parse_date(by, "--by"),
        )
        config.checked(loaded)
        run = run_with_progress(loaded, config, sensitivity, backend, scheduler)
        data = to_data(run)
        if json_out is not None:
            write_output(json_out, to_json(run), "--json")
        console = out_console()
        print_all(console, dated_table(data, console.width))
        print_all(console, summary_table(data, console.width))
        print_all(console, settlement_table(data, console.width))
        for table_id, t in data["tables"].items():
            for issue, holders in t.get("unsettled_issues", {}).items():
                say(
                    console,
                    f"{table_id} cannot settle {issue}: {', '.join(holders)} not at the table",
                    "dim",
                )
        for line in drivers_lines(data):
            say(console, f"drivers of P(settlement) {line}")
        meta = data["meta"]
        say(
            console,
            f"{engine_line(meta)}, seed {meta['seed']}, "
            f"{meta['draws']:,} draws, input {meta['input_hash'][:12]}",
        )
        if json_out is not None:
            say(console, f"wrote {json_out}")

    @app.command("compare")
    def compare(
        scenario: str = SCENARIO_ARG,
        from_json: Path | None = typer.Option(
            None, "--from", help="A forecast JSON to compare instead of running one."
        ),
        baseline: str | None = typer.Option(None, "--baseline", help="Table to compare against."),
        draws: int = typer.Option(10_000, "--draws", "-n"),
        seed: int = typer.Option(0, "--seed"),
        engine: str = typer.Option(
            "compromise", "--engine", help=f"Engine predicting the text: {engines_help(True)}."
        ),
        option: list[str] = typer.Option([], "--option", "-o", help=OPTION_HELP),
    ) -> None:
        """Print the tables side by side with the differences that matter."""
        from detente.forecast import ForecastConfig, differences, to_data
        from detente.scenario import load_scenario

        if from_json is not None:
            from detente.cli.forecast_file import read_forecast

            data = read_forecast(from_json)
            check_baseline(baseline, tuple(data["tables"]))
            if option:
                raise InputError(
                    "engine options need a forecast to run, not --from", field="--option"
                )
        else:
            check_engine(engine, True)
            options = engine_options(option)
            loaded = load_scenario(scenario)
            check_baseline(baseline, tuple(t.id for t in loaded.tables))
            config = ForecastConfig(draws=draws, seed=seed, engine=engine, engine_options=options)
            data = to_data(run_with_progress(loaded, config, False, "local", None, False))
        console = out_console()
        print_all(console, summary_table(data, console.width))
        print_all(console, settlement_table(data, console.width))
        for line in differences(data, baseline):
            say(console, line)
