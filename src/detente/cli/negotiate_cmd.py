"""``detente negotiate``: one table's negotiation, move by move, on the most likely inputs."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table as RichTable

from detente.cli.output import check_output, write_output
from detente.cli.safe import shown

console = Console(emoji=False)


def register(app: typer.Typer, groups) -> None:
    """Add the negotiate command."""

    @app.command("negotiate")
    def negotiate(
        scenario: str | None = typer.Argument(None, help="Scenario file or bundled name."),
        table: str = typer.Option(..., "--table", "-t", help="Table id."),
        strategy: list[str] = typer.Option(
            [],
            "--strategy",
            "-s",
            help="boulware, linear, conceder, tit_for_tat, aspiration, time:E or aspiration:R; one "
            "for all parties or one per party in table order.",
        ),
        option: list[str] = typer.Option(
            [],
            "--option",
            "-o",
            help="name=value: an option of the table's protocol (deadline; mediator_step on a "
            "single text) or of the strategies (acceptance, threshold, e, rate); none for None.",
        ),
        seed: int = typer.Option(
            0, "--seed", help="Recorded for provenance (protocols are deterministic)."
        ),
        json_out: Path | None = typer.Option(None, "--json", help="Write the negotiation here."),
    ) -> None:
        """Negotiate one table move by move and print the agreement (or why none)."""
        from detente.forecast.typical import negotiate_typical, negotiation_data
        from detente.options import parse_assignments
        from detente.scenario import load_scenario

        check_output(json_out, "--json")
        loaded = load_scenario(scenario)
        neg = negotiate_typical(loaded, table, strategy or None, parse_assignments(option))
        data = negotiation_data(neg, seed)
        if data["agreed"]:
            console.print(f"[green]agreement[/] in round {data['round']} ({data['reason']})")
        else:
            console.print(f"[red]no agreement[/]: {data['reason']}")
        util = RichTable(title="Utilities (0–1)")
        for col in ("party", "outcome", "outside option"):
            util.add_column(col)
        for party, value in data["utility"].items():
            util.add_row(party, f"{value:.3f}", f"{data['outside_option'][party]:.3f}")
        console.print(util)
        trace = RichTable(title="Offers on the table (every few rounds)")
        trace.add_column("round")
        trace.add_column("by")
        issues = [i.id for i in loaded.issues]
        for issue in issues:
            trace.add_column(issue, justify="right")
        step = max(1, len(data["trace"]) // 12)
        for move in data["trace"][::step]:
            offer = move["offer"]
            trace.add_row(str(move["round"]), move["by"], *(f"{offer[i]:.0f}" for i in issues))
        console.print(trace)
        if json_out is not None:
            write_output(json_out, json.dumps(data, indent=2) + "\n", "--json")
            console.print(f"wrote {shown(json_out)}")
