"""``detente report``: a self-contained HTML (or Markdown) report of a forecast."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from detente.cli.output import check_output, write_output
from detente.cli.safe import shown
from detente.errors import InputError

console = Console(emoji=False)
GRACEFUL_SHUTDOWN_S = 5


def _build_with_progress(scenario, draws: int, seed: int, engine: str, db: Path | None):
    """Forecast, sensitivity and charts behind one progress bar (draws, then two steps)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from detente.report import build_report
    from detente.report.build import run_forecast_for_report

    steps = max(1, draws // 10)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        task = progress.add_task("forecasting", total=draws + 2 * steps)
        run = run_forecast_for_report(
            scenario, draws, seed, engine, on_chunk=lambda n: progress.advance(task, n)
        )
        progress.update(task, description="charts and evidence", advance=steps)
        context = build_report(scenario, run, db)
        progress.update(task, description="done", advance=steps)
    return context


def register(app: typer.Typer, groups) -> None:
    """Add the report command."""

    @app.command("report")
    def report(
        scenario: str | None = typer.Argument(
            None, help="Scenario file or bundled name; default: ukraine-2025."
        ),
        out: Path = typer.Option(..., "--out", "-o", help="report.html or report.md"),
        db: Path | None = typer.Option(None, "--db", help="Evidence store to audit against."),
        draws: int = typer.Option(10_000, "--draws", "-n"),
        seed: int = typer.Option(0, "--seed"),
        engine: str = typer.Option("compromise", "--engine"),
        fmt: str | None = typer.Option(None, "--format", help="html or md (default: by suffix)."),
        export: Path | None = typer.Option(
            None,
            "--export",
            help="Also write the forecast (JSON, Parquet), tables (CSV) and "
            "charts (SVG, PNG) into this directory.",
        ),
    ) -> None:
        """Write one self-contained report: formats side by side, charts, evidence, metadata."""
        from detente.report import render_html, render_markdown
        from detente.scenario import load_scenario

        kind = fmt or ("md" if out.suffix.lower() in (".md", ".markdown") else "html")
        if kind not in ("html", "md"):
            raise InputError(f"unknown format {kind!r}, expected html or md", field="--format")
        if db is not None and not db.is_file():
            raise InputError("no such evidence store", file=db)
        loaded = load_scenario(scenario)
        check_output(out, "--out")
        context = _build_with_progress(loaded, draws, seed, engine, db)
        text = render_html(context) if kind == "html" else render_markdown(context)
        write_output(out, text, "--out")
        console.print(f"wrote {shown(out)} ({len(text) / 1024:.0f} KiB)")
        if export is not None:
            from detente.report.export import export_bundle

            if export.exists() and not export.is_dir():
                raise InputError("not a directory", file=export)
            files = export_bundle(context, export)
            console.print(f"wrote {len(files)} files into {shown(export)}")

    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (loopback)."),
        port: int = typer.Option(8000, "--port"),
        db: Path | None = typer.Option(None, "--db", help="Evidence store for the browser."),
        data_dir: Path | None = typer.Option(
            None,
            "--data-dir",
            help="Uploads and run history live here (default: detente's folder in the user "
            "data directory).",
        ),
        allow_host: list[str] = typer.Option(
            [], "--allow-host", help="Another host name the dashboard answers to (repeatable)."
        ),
    ) -> None:
        """Serve the web dashboard and its JSON API (/api; OpenAPI at /api/openapi.json)."""
        import uvicorn

        from detente.web import create_app

        if db is not None and not db.is_file():
            raise InputError("no such evidence store", file=db)
        if not 0 < port < 65536:
            raise InputError(f"port must be between 1 and 65535, got {port}", field="--port")
        if host not in ("127.0.0.1", "localhost", "::1"):
            console.print(
                f"[yellow]warning:[/] binding to {shown(host)} exposes the dashboard beyond this "
                "machine; it answers only to the host names given with --allow-host"
            )
        from detente.web.guard import allowed_hosts_for
        from detente.web.serving import bound_socket, default_data_dir

        data_dir = data_dir or default_data_dir()
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            message = f"cannot create: {exc.strerror}"
            raise InputError(message, file=data_dir, field="--data-dir") from None
        app = create_app(data_dir, db, allowed_hosts=allowed_hosts_for(host, tuple(allow_host)))
        sock = bound_socket(host, port)
        console.print(
            f"detente dashboard on http://{shown(host)}:{port}/ (data in {shown(data_dir)}; Ctrl-C)"
        )
        # On Ctrl-C or SIGTERM, requests still running after a few seconds are cancelled, which
        # stops their forecasts at the next chunk of draws.
        config = uvicorn.Config(
            app, log_level="warning", timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S
        )
        uvicorn.Server(config).run(sockets=[sock])
