"""``detente report``: a self-contained HTML (or Markdown) report of a forecast."""

from __future__ import annotations

from pathlib import Path

import typer

from detente.cli.common import check_engine, engines_help
from detente.cli.layout import err_console, out_console, progress, say
from detente.cli.output import check_output, write_output
from detente.cli.safe import shown
from detente.errors import InputError

GRACEFUL_SHUTDOWN_S = 5
SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".pdf": "pdf"}
CHROMIUM = Path("/usr/bin/chromium")


def series_until(spec: str | None, scenario):
    """The snapshots of the scenario's series dated up to its own ``as_of`` (nothing later
    enters its report), or () when it belongs to no series or cannot have dated questions."""
    from detente.forecast import dated_problem, series_snapshots, snapshots_until

    if scenario.series is None or dated_problem(scenario) is not None:
        return ()
    return snapshots_until(series_snapshots(spec), scenario.as_of)


def _build_with_progress(
    scenario, draws: int, seed: int, engine: str, db: Path | None, snapshots=()
):
    """Forecast, sensitivity, the forecast over time (a series of more than one snapshot) and
    charts behind one progress bar (draws, then two steps)."""
    from detente.report import build_report, run_forecast_for_report

    steps = max(1, draws // 10)
    with progress(err_console()) as bar:
        task = bar.add_task("forecasting", total=draws + 2 * steps)
        run = run_forecast_for_report(
            scenario, draws, seed, engine, on_chunk=lambda n: bar.advance(task, n)
        )
        timeline = None
        if len(snapshots) > 1 and engine != "protocol":
            from detente.forecast import TimelineConfig, run_timeline

            bar.update(task, description="forecast over time")
            config = TimelineConfig(draws=draws, seed=seed, engine=engine)
            timeline = run_timeline(snapshots, config)
        bar.update(task, description="charts and evidence", advance=steps)
        context = build_report(scenario, run, db, timeline)
        bar.update(task, description="done", advance=steps)
    return context


def report_format(out: Path, fmt: str | None) -> str:
    """html, md or pdf, from ``--format`` or else the suffix of ``--out``; anything else (or a
    PDF without Chromium) is refused with what is supported."""
    pdf = CHROMIUM.is_file()
    suffixes = ", ".join(s for s, k in SUFFIX_FORMATS.items() if pdf or k != "pdf")
    if fmt is not None:
        kinds = ("html", "md", "pdf") if pdf else ("html", "md")
        if fmt not in kinds:
            why = " (pdf needs Chromium at /usr/bin/chromium)" if fmt == "pdf" else ""
            raise InputError(
                f"unknown format {fmt!r}, expected {', '.join(kinds)}{why}", field="--format"
            )
        return fmt
    kind = SUFFIX_FORMATS.get(out.suffix.lower())
    if kind is None or (kind == "pdf" and not pdf):
        why = " (PDF needs Chromium at /usr/bin/chromium)" if kind == "pdf" else ""
        raise InputError(
            f"cannot write {out.suffix or 'a file without a suffix'}{why}; supported: {suffixes}",
            field="--out",
        )
    return kind


def html_to_pdf(html: str, out: Path, timeout: float = 120.0) -> None:
    """Print the report's HTML (its print stylesheet applies) to a PDF with headless Chromium."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="detente-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        target = Path(tmp) / "report.pdf"
        cmd = [
            str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer",
            f"--print-to-pdf={target}", page.as_uri(),
        ]  # fmt: skip
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise InputError(f"Chromium could not print the PDF: {exc}", field="--out") from None
        if done.returncode != 0 or not target.is_file():
            last = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no output"]
            raise InputError(
                f"Chromium could not print the PDF (exit {done.returncode}): {last[-1]}",
                field="--out",
            )
        write_output(out, target.read_bytes(), "--out")


def register(app: typer.Typer, groups) -> None:
    """Add the report command."""

    @app.command("report")
    def report(
        scenario: str | None = typer.Argument(
            None, help="Scenario file or bundled name; default: ukraine-2025."
        ),
        out: Path = typer.Option(
            ..., "--out", "-o", help="report.html, report.md or report.pdf (needs Chromium)."
        ),
        db: Path | None = typer.Option(None, "--db", help="Evidence store to audit against."),
        draws: int = typer.Option(10_000, "--draws", "-n"),
        seed: int = typer.Option(0, "--seed"),
        engine: str = typer.Option(
            "compromise", "--engine", help=f"Engine predicting the text: {engines_help(True)}."
        ),
        fmt: str | None = typer.Option(
            None, "--format", help="html, md or pdf (default: by the suffix of --out)."
        ),
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

        check_output(out, "--out")
        kind = report_format(out, fmt)
        check_engine(engine, True)
        if db is not None and not db.is_file():
            raise InputError("no such evidence store", file=db)
        loaded = load_scenario(scenario)
        snapshots = series_until(scenario, loaded)
        context = _build_with_progress(loaded, draws, seed, engine, db, snapshots)
        if kind == "pdf":
            html_to_pdf(render_html(context), out)
            size = out.stat().st_size
        else:
            text = render_html(context) if kind == "html" else render_markdown(context)
            write_output(out, text, "--out")
            size = len(text.encode("utf-8"))
        console = out_console()
        say(console, f"wrote {out} ({size / 1024:.0f} KiB)")
        if export is not None:
            from detente.report import export_bundle

            if export.exists() and not export.is_dir():
                raise InputError("not a directory", file=export)
            files = export_bundle(context, export)
            say(console, f"wrote {len(files)} files into {export}")

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
        console = out_console()
        if host not in ("127.0.0.1", "localhost", "::1"):
            console.print(
                f"[yellow]warning:[/] binding to {shown(host)} exposes the dashboard beyond this "
                "machine; it answers only to the host names given with --allow-host"
            )
        from detente.web import allowed_hosts_for, bound_socket, default_data_dir

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
