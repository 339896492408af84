"""``detente scenario validate|show|export``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from detente.cli.layout import Col, err_console, out_console, say, show
from detente.cli.output import check_output, write_output
from detente.cli.safe import shown
from detente.errors import InputError
from detente.scenario import FORMATS, Judgment, Scenario, Uncertain, export_scenario, load_scenario

SCENARIO_ARG = typer.Argument(
    None, help="Scenario file (.yaml, .json, KTAB .csv) or bundled name; default: ukraine-2025."
)


def fmt_judgment(value: Judgment | None) -> str:
    """A judgment as text: ``42`` or ``42 (30–55)``."""
    if value is None:
        return "–"
    if isinstance(value, Uncertain):
        return f"{value.mode:g} ({value.low:g}–{value.high:g})"
    return f"{value:g}"


def show_scenario(scenario: Scenario, out: Console | None = None) -> None:
    """Print a scenario's actors, issues, positions and tables, fitted to the terminal."""
    out = out or out_console()
    head = f"{scenario.name} ({scenario.id})"
    say(out, head + (f", as of {scenario.as_of}" if scenario.as_of else ""), "bold")
    if scenario.description:
        say(out, " ".join(scenario.description.split()))

    show(
        out,
        "Actors",
        [Col("id"), Col("name", prose=True), Col("kind"), Col("capability"),
         Col("roles", prose=True)],
        [[a.id, a.name, a.kind, fmt_judgment(a.capability), ", ".join(a.roles)]
         for a in scenario.actors],
    )  # fmt: skip

    rows = []
    for i in scenario.issues:
        low = min(i.anchors, key=lambda x: x.value)
        high = max(i.anchors, key=lambda x: x.value)
        rows.append([i.id, i.name, low.label, high.label, fmt_judgment(i.status_quo)])
    show(
        out,
        "Issues (0–100)",
        [Col("id"), Col("name", prose=True), Col("0 means", prose=True),
         Col("100 means", prose=True), Col("status quo")],
        rows,
    )  # fmt: skip

    rows = []
    for a in scenario.actors:
        cells = []
        for i in scenario.issues:
            p = scenario.position(a.id, i.id)
            cells.append(
                "" if p is None else f"{fmt_judgment(p.ideal)}\n/ {fmt_judgment(p.salience)}"
            )
        if any(cells):
            rows.append([a.id, *cells])
    show(
        out,
        "Positions: ideal point / salience",
        [Col("actor"), *(Col(i.id, "right") for i in scenario.issues)],
        rows,
        fallback=("panels",),
    )

    if scenario.tables:
        rows = []
        for t in scenario.tables:
            mediator = (
                "–"
                if t.mediator is None
                else f"{t.mediator.actor} (leverage {fmt_judgment(t.mediator.leverage)})"
            )
            rows.append([t.id, t.name, ", ".join(t.parties), mediator, t.protocol,
                         str(t.deadline), ", ".join(t.mechanisms) or "–"])  # fmt: skip
        show(
            out,
            "Negotiation tables",
            [Col("id"), Col("name", prose=True), Col("parties", prose=True),
             Col("mediator", prose=True), Col("protocol"), Col("deadline", "right"),
             Col("mechanisms", prose=True)],
            rows,
        )  # fmt: skip
    say(
        out,
        f"{len(scenario.sources)} sources, {len(scenario.mechanisms)} mechanisms, "
        f"{len(scenario.timeline)} dated events",
    )


def register(app: typer.Typer, groups) -> None:
    """Add the scenario commands."""
    group = groups.scenario

    @group.command("validate")
    def validate(file: Path = typer.Argument(..., help="Scenario file to check.")) -> None:
        """Check a scenario file; print a one-line verdict (exit code 2 when invalid)."""
        scenario = load_scenario(file)
        console = out_console()
        console.print(
            f"[green]valid[/]: {shown(file)} — {len(scenario.actors)} actors, "
            f"{len(scenario.issues)} issues, {len(scenario.positions)} positions, "
            f"{len(scenario.tables)} tables"
        )

    @group.command("show")
    def show(scenario: str = SCENARIO_ARG) -> None:
        """Show a scenario's actors, issues, positions and tables."""
        show_scenario(load_scenario(scenario))

    @group.command("export")
    def export(
        scenario: str = SCENARIO_ARG,
        to: str = typer.Option(..., "--to", help=f"Output format: {', '.join(FORMATS)}."),
        out: Path | None = typer.Option(None, "--out", "-o", help="Write here instead of stdout."),
    ) -> None:
        """Export a scenario as YAML, JSON or KTAB CSV."""
        if to not in FORMATS:
            raise InputError(
                f"unknown format {to!r}, expected one of {', '.join(FORMATS)}", field="--to"
            )
        check_output(out, "--out")
        console = out_console()
        loaded = load_scenario(scenario)
        text = export_scenario(loaded, to)
        if to == "ktab-csv":
            from detente.scenario import ktab_losses

            lost = ktab_losses(loaded)
            say(
                err_console(),
                "warning: KTAB CSV cannot hold: " + "; ".join(lost),
                "yellow",
                one_line=True,
            )
        if out is None:
            typer.echo(text, nl=False)
        else:
            write_output(out, text, "--out")
            console.print(f"wrote {shown(out)}")
