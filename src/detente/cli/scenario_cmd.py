"""``detente scenario validate|show|export``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table as RichTable

from detente.cli.output import check_output, write_output
from detente.cli.safe import shown
from detente.errors import InputError
from detente.scenario import FORMATS, Judgment, Scenario, Uncertain, export_scenario, load_scenario

console = Console(emoji=False)

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


def show_scenario(scenario: Scenario, out: Console = console) -> None:
    """Print a scenario's actors, issues, positions and tables as rich tables."""
    out.print(
        f"[bold]{shown(scenario.name)}[/] ({scenario.id})"
        + (f", as of {scenario.as_of}" if scenario.as_of else "")
    )
    if scenario.description:
        out.print(shown(scenario.description))

    actors = RichTable(title="Actors")
    for col in ("id", "name", "kind", "capability", "roles"):
        actors.add_column(col)
    for a in scenario.actors:
        actors.add_row(a.id, shown(a.name), a.kind, fmt_judgment(a.capability), ", ".join(a.roles))
    out.print(actors)

    issues = RichTable(title="Issues (0–100)")
    for col in ("id", "name", "0 means", "100 means", "status quo"):
        issues.add_column(col)
    for i in scenario.issues:
        low = min(i.anchors, key=lambda x: x.value)
        high = max(i.anchors, key=lambda x: x.value)
        issues.add_row(
            i.id, shown(i.name), shown(low.label), shown(high.label), fmt_judgment(i.status_quo)
        )
    out.print(issues)

    positions = RichTable(title="Positions: ideal point / salience")
    positions.add_column("actor")
    for i in scenario.issues:
        positions.add_column(i.id, justify="right")
    for a in scenario.actors:
        cells = []
        for i in scenario.issues:
            p = scenario.position(a.id, i.id)
            cells.append(
                "" if p is None else f"{fmt_judgment(p.ideal)} / {fmt_judgment(p.salience)}"
            )
        if any(cells):
            positions.add_row(a.id, *cells)
    out.print(positions)

    if scenario.tables:
        tables = RichTable(title="Negotiation tables")
        tables.add_column("id", min_width=max(len(t.id) for t in scenario.tables))
        for col in ("name", "parties", "mediator", "protocol", "deadline", "mechanisms"):
            tables.add_column(col)
        for t in scenario.tables:
            mediator = (
                "–"
                if t.mediator is None
                else f"{t.mediator.actor} (leverage {fmt_judgment(t.mediator.leverage)})"
            )
            tables.add_row(
                t.id,
                shown(t.name),
                ", ".join(t.parties),
                mediator,
                t.protocol,
                str(t.deadline),
                ", ".join(t.mechanisms) or "–",
            )
        out.print(tables)
    out.print(
        f"{len(scenario.sources)} sources, {len(scenario.mechanisms)} mechanisms, "
        f"{len(scenario.timeline)} dated events"
    )


def register(app: typer.Typer, groups) -> None:
    """Add the scenario commands."""
    group = groups.scenario

    @group.command("validate")
    def validate(file: Path = typer.Argument(..., help="Scenario file to check.")) -> None:
        """Check a scenario file; print a one-line verdict (exit code 2 when invalid)."""
        scenario = load_scenario(file)
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
        text = export_scenario(load_scenario(scenario), to)
        if out is None:
            typer.echo(text, nl=False)
        else:
            write_output(out, text, "--out")
            console.print(f"wrote {shown(out)}")
