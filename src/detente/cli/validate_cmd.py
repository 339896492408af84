"""``detente validate durability``: fit the durability model on Fortna's and UCDP's data."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table as RichTable

console = Console()


def register(app: typer.Typer, groups) -> None:
    """Add the durability validation command."""

    @groups.validate.command("durability")
    def durability(
        fortna: Path = typer.Option(
            ..., "--fortna", help="Fortna's civil-war peacekeeping spells (CSV)."
        ),
        ucdp_agreements: Path = typer.Option(
            ..., "--ucdp-agreements", help="UCDP Peace Agreement dataset v22.1 (CSV)."
        ),
        out: Path | None = typer.Option(
            None, "--out", help="Write the fitted model (the shipped durability.json format)."
        ),
    ) -> None:
        """Fit the survival model of ceasefires and settlements and print its hazard ratios."""
        import math

        from detente.conflict.durability import coefficients
        from detente.validate.durability import fit_durability

        with console.status("fitting survival models (lifelines)"):
            model = fit_durability(fortna, ucdp_agreements)
        table = RichTable(title="Durability: hazard ratios of renewed fighting / agreement end")
        for col in ("effect", "HR", "95% interval", "source"):
            table.add_column(col)
        for name, e in model["effects"].items():
            low, high = (math.exp(e["log_hr"] + z * e["se"]) for z in (-1.96, 1.96))
            table.add_row(
                name, f"{math.exp(e['log_hr']):.2f}", f"{low:.2f}–{high:.2f}", e["source"]
            )
        console.print(table)
        base = model["baseline"]
        console.print(
            f"baseline truce: Weibull shape {base['shape']:.2f}, "
            f"scale {base['scale_years']:.2f} years"
        )
        km = model["checks"]["kaplan_meier_failure"]
        for kind, values in km.items():
            console.print(
                f"Kaplan–Meier failure, {kind}: "
                + ", ".join(f"{k} {v:.0%}" for k, v in values.items())
            )
        shipped = coefficients()
        same = all(
            abs(shipped["effects"][k]["log_hr"] - v["log_hr"]) < 1e-6
            for k, v in model["effects"].items()
        )
        console.print(
            "matches the shipped coefficients"
            if same
            else "[yellow]differs from the shipped coefficients[/]"
        )
        if out is not None:
            out.write_text(json.dumps(model, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            console.print(f"wrote {out}")
