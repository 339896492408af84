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


def table_negotiation(scenario, table_id: str, strategy_names: list[str]):
    """Run the table's protocol once on the scenario's most likely inputs."""
    from detente.forecast.inputs import input_space
    from detente.forecast.tables import negotiate_table, plan_table

    plan = plan_table(scenario, table_id)
    x = {k: v[None].copy() for k, v in input_space(scenario).modes.items()}
    prefs, result = negotiate_table(plan, x, strategy_names or None)
    return plan, prefs, result


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

        check_output(json_out, "--json")
        loaded = load_scenario(scenario)
        plan, prefs, result = table_negotiation(loaded, table, strategy)
        parties = [loaded.actors[p].id for p in plan.parties]
        issues = [i.id for i in loaded.issues]
        agreed = bool(result.agreed[0])
        if agreed:
            console.print(
                f"[green]agreement[/] in round {int(result.round[0])} ({result.reason[0]})"
            )
        else:
            console.print(f"[red]no agreement[/]: {result.reason[0]}")
        util = RichTable(title="Utilities (0–1)")
        for col in ("party", "outcome", "outside option"):
            util.add_column(col)
        for i, p in enumerate(parties):
            util.add_row(p, f"{result.utility[0, i]:.3f}", f"{prefs.reservation[0, i]:.3f}")
        console.print(util)
        trace = RichTable(title="Offers on the table (every few rounds)")
        trace.add_column("round")
        trace.add_column("by")
        for issue in issues:
            trace.add_column(issue, justify="right")
        step = max(1, len(result.trace) // 12)
        for r in range(0, len(result.trace), step):
            by = int(result.proposer[r])
            trace.add_row(
                str(r),
                "mediator" if by < 0 else parties[by],
                *(f"{v:.0f}" for v in result.trace[r, 0]),
            )
        console.print(trace)
        if json_out is not None:
            payload = {
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
            }  # fmt: skip
            write_output(json_out, json.dumps(payload, indent=2) + "\n", "--json")
            console.print(f"wrote {shown(json_out)}")
