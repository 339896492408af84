"""``detente sweep``: forecasts over a grid of scenario variants, written to Parquet."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import typer

from detente.cli.common import check_engine, engines_help
from detente.cli.forecast_cmd import OPTION_HELP, engine_options
from detente.cli.layout import out_console, progress, say
from detente.cli.output import check_output, write_output
from detente.errors import InputError


@contextmanager
def scheduler_for(backend: str, scheduler: str | None):
    """A scheduler address for the whole sweep: the given one, or one LocalCluster for all
    points (local backend: None)."""
    if backend == "local":
        if scheduler is not None:
            raise InputError("--scheduler needs --backend dask", field="--scheduler")
        yield None
    elif backend != "dask":
        raise InputError(f"unknown backend {backend!r}, expected local or dask", field="--backend")
    elif scheduler is not None:
        yield scheduler
    else:
        from dask.distributed import LocalCluster

        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            yield cluster.scheduler_address


def check_grid_size(specs: list[str]) -> None:
    """Refuse a grid with more points than the sweep allows, reading only each ``--vary``'s
    count (before any array is made or scenario validated)."""
    from detente.forecast import MAX_POINTS

    total = 1
    for spec in specs:
        count = spec.rpartition(":")[2].strip()
        if not count.isdigit():
            raise InputError("expected PATH=START:STOP:COUNT", field=f"--vary {spec}")
        total *= int(count)
        if total > MAX_POINTS:
            counts = " × ".join(s.rpartition(":")[2] for s in specs)
            raise InputError(
                f"the grid has more than {MAX_POINTS:,} points ({counts})", field="--vary"
            )


def register(app: typer.Typer, groups) -> None:
    """Add the sweep command."""

    @app.command("sweep")
    def sweep(
        scenario: str | None = typer.Argument(None, help="Scenario file or bundled name."),
        vary: list[str] = typer.Option(..., "--vary", help="PATH=START:STOP:COUNT, repeatable."),
        out: Path = typer.Option(..., "--out", "-o", help="Parquet file to write."),
        draws: int = typer.Option(5_000, "--draws", "-n"),
        seed: int = typer.Option(0, "--seed"),
        engine: str = typer.Option(
            "compromise", "--engine", help=f"Engine predicting the text: {engines_help(True)}."
        ),
        option: list[str] = typer.Option([], "--option", help=OPTION_HELP),
        backend: str = typer.Option("local", "--backend", help="local or dask."),
        scheduler: str | None = typer.Option(None, "--scheduler"),
    ) -> None:
        """Run the forecast at every point of a grid and write one row per point and table."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        from detente.forecast import ForecastConfig, backend_for, input_hash, run_sweep
        from detente.scenario import load_scenario

        check_output(out, "--out")
        check_grid_size(vary)
        check_engine(engine, True)
        options = engine_options(option)
        base = load_scenario(scenario)
        config = ForecastConfig(
            draws=draws, seed=seed, engine=engine, engine_options=options
        ).checked(base)
        with scheduler_for(backend, scheduler) as address, progress() as bar:
            run_on = backend_for("dask", address) if address else backend_for("local")
            task = bar.add_task("sweep", total=None)
            rows = run_sweep(
                base,
                vary,
                config,
                run_on,
                on_point=lambda done, total: bar.update(task, completed=done, total=total),
            )
        points = len(rows) // len(config.tables or base.tables)
        table = pa.Table.from_pylist(rows)
        meta = {
            "seed": str(seed),
            "draws": str(draws),
            "engine": engine,
            "engine_options": json.dumps(dict(config.engine_options), sort_keys=True),
            "scenario": base.id,
            "input_hash": input_hash(base),
            "vary": ";".join(vary),
        }
        table = table.replace_schema_metadata({f"detente.{k}": v for k, v in meta.items()})
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        write_output(out, sink.getvalue().to_pybytes(), "--out")
        say(out_console(), f"wrote {out}: {points} points × {len(base.tables)} tables")
