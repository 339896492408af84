"""``detente validate durability``: fit the durability model on Fortna's and UCDP's data and
compare it with the published reference figures and with the shipped coefficients."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from detente.cli.layout import Col, err_console, fit, out_console, print_all, say
from detente.cli.output import check_output, write_output
from detente.errors import InputError

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
        from detente.conflict import coefficients
        from detente.validate import fit_durability

        check_output(out, "--out")
        if fortna is None:
            raise InputError("pass --fortna PATH (Fortna's civil-war spells CSV)", field="--fortna")
        if ucdp_agreements is None:
            raise InputError(
                "pass --ucdp-agreements PATH (UCDP Peace Agreement dataset CSV)",
                field="--ucdp-agreements",
            )
        with err_console().status("fitting survival models (lifelines)"):
            model = fit_durability(fortna, ucdp_agreements, ucdp_termination)
        if out is not None:
            write_output(out, json.dumps(model, indent=2, sort_keys=True) + "\n", "--out")
        console = out_console()
        print_all(console, _effects_table(model, console.width))
        print_all(console, _checks_table(model, console.width))
        base = model["baseline"]
        say(
            console,
            f"baseline (truce, no mechanisms): Weibull shape {base['shape']:.2f} "
            f"(reference ≈ {REFERENCE_SHAPE}), scale {base['scale_years']:.2f} years",
        )
        if _same_effects(model, coefficients()):
            say(console, "matches the shipped coefficients")
        else:
            say(console, "differs from the shipped coefficients", "yellow")
        if out is not None:
            say(console, f"wrote {out}")


def _effects_table(model: dict, width: int) -> list:
    rows = []
    for name, e in model["effects"].items():
        low, high = e["hr_95"]
        rows.append([name, f"{e['hr']:.2f}", f"{low:.2f}–{high:.2f}", e["source"]])
    return fit(
        "Durability model: hazard ratios of renewed fighting",
        [Col("effect"), Col("HR", "right"), Col("95% interval"), Col("source", prose=True)],
        rows,
        width,
    )


def _checks_table(model: dict, width: int) -> list:
    checks = model["checks"]
    rows = []
    cox = checks["fortna_cox_war_controls"]
    for name, ref in REFERENCE_HR.items():
        rows.append([f"Cox HR {name} (war controls)", f"{cox[name]['hr']:.2f}", f"{ref:.2f}"])
    for kind, ref in REFERENCE_KM.items():
        got = checks["kaplan_meier_failure"][kind]
        fitted = "/".join(f"{v:.0%}" for v in got.values())
        rows.append([f"KM failure {kind} 1/2/5 y", fitted, "/".join(f"{r:.0%}" for r in ref)])
    term = checks.get("ucdp_termination_cox")
    if term is not None:
        for name in ("treaty", "victory"):
            rows.append(
                [f"UCDP termination Cox HR {name} vs ceasefire", f"{term[name]['hr']:.2f}", "—"]
            )
    return fit(
        "Checks against MODELS.md §6 (Fortna's civil-war data)",
        [Col("figure", prose=True), Col("fitted", "right"), Col("reference", "right")],
        rows,
        width,
    )


def _same_effects(model: dict, shipped: dict) -> bool:
    names = model["effects"].keys()
    return names == shipped["effects"].keys() and all(
        abs(shipped["effects"][k]["log_hr"] - model["effects"][k]["log_hr"]) < 1e-6
        and abs(shipped["effects"][k]["se"] - model["effects"][k]["se"]) < 1e-6
        for k in names
    )
