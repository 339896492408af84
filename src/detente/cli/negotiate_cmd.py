"""``detente negotiate``: one table's negotiation, move by move, on the most likely inputs."""

from __future__ import annotations

from pathlib import Path

import typer

from detente.cli.common import write_json
from detente.cli.layout import Col, err_console, out_console, say, show
from detente.cli.output import check_output
from detente.errors import InputError

MAX_TRACE_ROWS = 40
"""Longer traces show every k-th round (and always the first and the last)."""


def trace_rounds(last: int, max_rows: int = MAX_TRACE_ROWS) -> list[int]:
    """Rounds of the trace to print: all of 0..last, or every k-th and the last."""
    step = max(1, -(-(last + 1) // max_rows))
    rounds = list(range(0, last + 1, step))
    return rounds if rounds[-1] == last else [*rounds, last]


def trace_heading(rounds: list[int], agreed: bool) -> str:
    """The trace table's title, saying which rounds it shows and where it stops."""
    step = rounds[1] - rounds[0] if len(rounds) > 2 else 1
    every = "round by round" if step == 1 else f"every {step} rounds"
    if agreed:
        return f"Offers on the table, {every} to the agreement in round {rounds[-1]}"
    return f"Offers on the table, {every} (rounds 0–{rounds[-1]}, no agreement)"


def check_table(scenario, table: str) -> None:
    """Refuse an unknown ``--table`` with the known ones."""
    known = [t.id for t in scenario.tables]
    if not known:
        raise InputError("the scenario has no negotiation tables", field="--table")
    if table not in known:
        raise InputError(
            f"unknown table {table!r}, expected one of {', '.join(known)}", field="--table"
        )


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
        from detente.forecast import negotiate_typical, negotiation_data
        from detente.options import parse_assignments
        from detente.scenario import load_scenario

        check_output(json_out, "--json")
        loaded = load_scenario(scenario)
        check_table(loaded, table)
        with err_console().status(f"negotiating {table}"):
            neg = negotiate_typical(loaded, table, strategy or None, parse_assignments(option))
            data = negotiation_data(neg, seed)
        if json_out is not None:
            write_json(json_out, data)
        console = out_console()
        if data["agreed"]:
            console.print(f"[green]agreement[/] in round {data['round']} ({data['reason']})")
        else:
            console.print(f"[red]no agreement[/]: {data['reason']}")
        show(
            console,
            "Utilities (0–1)",
            [Col("party"), Col("outcome", "right"), Col("outside option", "right")],
            [[party, f"{value:.3f}", f"{data['outside_option'][party]:.3f}"]
             for party, value in data["utility"].items()],
        )  # fmt: skip
        moves = {move["round"]: move for move in data["trace"]}
        last = data["round"] if data["agreed"] else max(moves)
        shown = [r for r in trace_rounds(last) if r in moves]
        issues = [i.id for i in loaded.linked_issues]
        show(
            console,
            trace_heading(shown, bool(data["agreed"])),
            [Col("round", "right"), Col("by"), *(Col(i, "right") for i in issues)],
            [[str(r), moves[r]["by"], *(f"{moves[r]['offer'][i]:.0f}" for i in issues)]
             for r in shown],
            fallback=("compact", "abbrev", "panels"),
            key=2,
        )  # fmt: skip
        if json_out is not None:
            say(console, f"wrote {json_out}")
