"""``detente validate durability``: fit the durability model on Fortna's and UCDP's data and
compare it with the published reference figures and with the shipped coefficients."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table as RichTable

from detente.cli.output import check_output, write_output
from detente.cli.safe import shown
from detente.errors import InputError

console = Console(emoji=False)

# MODELS.md §6: Cox hazard ratios on Fortna's civil-war data (war controls) and Kaplan–Meier
# failure shares at 1, 2 and 5 years.
REFERENCE_HR = {"peacekeeping": 0.55, "victory": 0.13, "treaty": 0.39}
REFERENCE_KM = {
    "truce": (0.46, 0.58, 0.71),
    "treaty": (0.21, 0.26, 0.44),
    "victory": (0.06, 0.10, 0.23),
}
REFERENCE_SHAPE = 0.5


def register(app: typer.Typer, groups) -> None:
    """Add the durability validation command."""

    @groups.validate.command("durability")
    def durability(
        fortna: Path | None = typer.Option(
            None, "--fortna", help="Fortna's civil-war peacekeeping spells (CSV)."
        ),
        ucdp_agreements: Path | None = typer.Option(
            None, "--ucdp-agreements", help="UCDP Peace Agreement dataset v22.1 (CSV)."
        ),
        ucdp_termination: Path | None = typer.Option(
            None,
            "--ucdp-termination",
            help="UCDP Conflict Termination dataset, dyad v3-2021 (CSV); an optional check.",
        ),
        out: Path | None = typer.Option(
            None, "--out", help="Write the fitted model (the shipped durability.json format)."
        ),
    ) -> None:
        """Fit the survival model of ceasefires and settlements; print hazard ratios, the
        Kaplan–Meier reference figures and whether the shipped coefficients are reproduced."""
        from detente.conflict.durability import coefficients
        from detente.validate.durability import fit_durability

        check_output(out, "--out")
        if fortna is None:
            raise InputError("pass --fortna PATH (Fortna's civil-war spells CSV)", field="fortna")
        if ucdp_agreements is None:
            raise InputError(
                "pass --ucdp-agreements PATH (UCDP Peace Agreement dataset CSV)",
                field="ucdp_agreements",
            )
        with console.status("fitting survival models (lifelines)"):
            model = fit_durability(fortna, ucdp_agreements, ucdp_termination)
        console.print(_effects_table(model))
        console.print(_checks_table(model))
        base = model["baseline"]
        console.print(
            f"baseline (truce, no mechanisms): Weibull shape {base['shape']:.2f} "
            f"(reference ≈ {REFERENCE_SHAPE}), scale {base['scale_years']:.2f} years"
        )
        console.print(
            "matches the shipped coefficients"
            if _same_effects(model, coefficients())
            else "[yellow]differs from the shipped coefficients[/]"
        )
        if out is not None:
            write_output(out, json.dumps(model, indent=2, sort_keys=True) + "\n", "--out")
            console.print(f"wrote {shown(out)}")


def _effects_table(model: dict) -> RichTable:
    table = RichTable(title="Durability model: hazard ratios of renewed fighting")
    for col in ("effect", "HR", "95% interval", "source"):
        table.add_column(col)
    for name, e in model["effects"].items():
        low, high = e["hr_95"]
        table.add_row(name, f"{e['hr']:.2f}", f"{low:.2f}–{high:.2f}", e["source"])
    return table


def _checks_table(model: dict) -> RichTable:
    checks = model["checks"]
    table = RichTable(title="Checks against MODELS.md §6 (Fortna's civil-war data)")
    for col in ("figure", "fitted", "reference"):
        table.add_column(col)
    cox = checks["fortna_cox_war_controls"]
    for name, ref in REFERENCE_HR.items():
        table.add_row(f"Cox HR {name} (war controls)", f"{cox[name]['hr']:.2f}", f"{ref:.2f}")
    for kind, ref in REFERENCE_KM.items():
        got = checks["kaplan_meier_failure"][kind]
        fitted = "/".join(f"{got[f'{y}y']:.0%}" for y in (1, 2, 5))
        table.add_row(f"KM failure {kind} 1/2/5 y", fitted, "/".join(f"{r:.0%}" for r in ref))
    term = checks.get("ucdp_termination_cox")
    if term is not None:
        for name in ("treaty", "victory"):
            table.add_row(
                f"UCDP termination Cox HR {name} vs ceasefire", f"{term[name]['hr']:.2f}", "—"
            )
    return table


def _same_effects(model: dict, shipped: dict) -> bool:
    names = model["effects"].keys()
    return names == shipped["effects"].keys() and all(
        abs(shipped["effects"][k]["log_hr"] - model["effects"][k]["log_hr"]) < 1e-6
        and abs(shipped["effects"][k]["se"] - model["effects"][k]["se"]) < 1e-6
        for k in names
    )
