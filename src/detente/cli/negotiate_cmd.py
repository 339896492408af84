"""``detente negotiate``: one table's negotiation, move by move, on the most likely inputs."""

from __future__ import annotations

from pathlib import Path

import typer

from detente.cli.common import write_json
from detente.cli.layout import Col, err_console, out_console, say, show
from detente.errors import InputError

MAX_TRACE_ROWS = 40
"""Longer traces show every k-th round (and always the first and the last)."""


def table_negotiation(scenario, table_id: str, strategy_names: list[str]):
    """Run the table's protocol once on the scenario's most likely inputs."""
    from detente.forecast.inputs import input_space
    from detente.forecast.tables import negotiate_table, plan_table

    plan = plan_table(scenario, table_id)
    x = {k: v[None].copy() for k, v in input_space(scenario).modes.items()}
    prefs, result = negotiate_table(plan, x, strategy_names or None)
    return plan, prefs, result


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
        seed: int = typer.Option(
            0, "--seed", help="Recorded for provenance (protocols are deterministic)."
        ),
        json_out: Path | None = typer.Option(None, "--json", help="Write the negotiation here."),
    ) -> None:
        """Negotiate one table move by move and print the agreement (or why none)."""
        from detente.scenario import load_scenario

        loaded = load_scenario(scenario)
        known = [t.id for t in loaded.tables]
        if not known:
            raise InputError("the scenario has no negotiation tables", field="--table")
        if table not in known:
            raise InputError(
                f"unknown table {table!r}, expected one of {', '.join(known)}", field="--table"
            )
        with err_console().status(f"negotiating {table}"):
            plan, prefs, result = table_negotiation(loaded, table, strategy)
        parties = [loaded.actors[p].id for p in plan.parties]
        issues = [i.id for i in loaded.issues]
        agreed = bool(result.agreed[0])
        if json_out is not None:
            write_json(json_out, {
                "scenario": loaded.id,
                "table": table,
                "protocol": plan.table.protocol,
                "strategies": strategy or ["linear"],
                "seed": seed,
                "agreed": agreed,
                "round": int(result.round[0]),
                "reason": str(result.reason[0]),
                "agreement": (
                    dict(zip(issues, map(float, result.point[0]), strict=True)) if agreed else None
                ),
                "utility": dict(zip(parties, map(float, result.utility[0]), strict=True)),
                "outside_option": dict(zip(parties, map(float, prefs.reservation[0]), strict=True)),
                "trace": [
                    {
                        "round": r,
                        "by": "mediator" if by < 0 else parties[by],
                        "offer": dict(zip(issues, map(float, result.trace[r, 0]), strict=True)),
                    }
                    for r, by in enumerate(map(int, result.proposer))
                ],
            })  # fmt: skip
        console = out_console()
        if agreed:
            console.print(
                f"[green]agreement[/] in round {int(result.round[0])} ({result.reason[0]})"
            )
        else:
            console.print(f"[red]no agreement[/]: {result.reason[0]}")
        show(
            console,
            "Utilities (0–1)",
            [Col("party"), Col("outcome", "right"), Col("outside option", "right")],
            [[p, f"{result.utility[0, i]:.3f}", f"{prefs.reservation[0, i]:.3f}"]
             for i, p in enumerate(parties)],
        )  # fmt: skip
        last = int(result.round[0]) if agreed else len(result.trace) - 1
        shown = trace_rounds(last)
        show(
            console,
            trace_heading(shown, agreed),
            [Col("round", "right"), Col("by"), *(Col(i, "right") for i in issues)],
            [[str(r), "mediator" if int(result.proposer[r]) < 0 else parties[result.proposer[r]],
              *(f"{v:.0f}" for v in result.trace[r, 0])] for r in shown],
            fallback=("compact", "abbrev", "panels"),
            key=2,
        )  # fmt: skip
        if json_out is not None:
            say(console, f"wrote {json_out}")
