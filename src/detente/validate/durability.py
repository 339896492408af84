"""Fit the durability model shipped in ``detente/data/durability.json``.

Two public datasets, each for what it measures:

- Fortna's civil-war ceasefire spells (Fortna 2008, *Does Peacekeeping Work?*; the copy
  distributed with Gelman, Hill & Vehtari, *Regression and Other Stories*): a Weibull
  proportional-hazards model of renewed war with the settlement type (treaty, victory; truce the
  reference) and peacekeeping, time-varying spells with delayed entry. Kaplan–Meier failure at
  1, 2 and 5 years per type for reference.
- UCDP Peace Agreement dataset v22.1 (Pettersson et al.; CC BY 4.0): a Cox model of an
  agreement ending, with a third-party signatory (our proxy for an outside guarantee), a joint
  implementation commission, peacekeeping provisions and a ceasefire clause.

Demilitarized zones and monitoring are in neither dataset: their effects are stated priors.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from detente.errors import InputError

DAYS_PER_YEAR = 365.25
UCDP_END_OF_DATA = "2021-12-31"
KM_YEARS = (1, 2, 5)

PRIORS = {
    "demilitarized_zone": {
        "log_hr": math.log(0.7),
        "se": 0.35,
        "source": "assumption: Fortna (2003, 2004) finds demilitarized zones lengthen peace after "
        "interstate wars; the magnitude here is a prior, not an estimate",
    },
    "monitoring": {
        "log_hr": math.log(0.8),
        "se": 0.35,
        "source": "assumption: Fortna (2003, 2004) finds monitoring and verification lengthen "
        "peace; the magnitude here is a prior, not an estimate",
    },
}


def _read_csv(path: Path, columns: list[str]):
    import pandas as pd

    if not path.is_file():
        raise InputError("no such file", file=path)
    try:
        frame = pd.read_csv(path, low_memory=False)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"not a readable CSV: {exc}", file=path) from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"missing columns {', '.join(missing)}", file=path, field=missing[0])
    return frame


def fortna_spells(path: Path):
    """Fortna's spells in years: start, stop, event, treaty, victory, peacekeeping."""
    import pandas as pd

    f = _read_csv(path, ["_t0", "_t", "_d", "treaty", "victory", "truce", "pk_dum"])
    d = pd.DataFrame(
        {
            "start": f["_t0"] / DAYS_PER_YEAR,
            "stop": f["_t"] / DAYS_PER_YEAR,
            "event": f["_d"],
            "treaty": f["treaty"],
            "victory": f["victory"],
            "peacekeeping": f["pk_dum"],
        }
    ).dropna()
    return d[d["stop"] > d["start"]], f


def ucdp_agreements(path: Path):
    """UCDP agreements in years from signing to ending (censored at the end of the data)."""
    import pandas as pd

    u = _read_csv(path, ["pa_date", "duration", "pa_3rd", "pko", "co_impl", "cease"])
    start = pd.to_datetime(u["pa_date"], errors="coerce")
    end = pd.to_datetime(u["duration"], errors="coerce")
    ended = end.notna()
    end = end.fillna(pd.Timestamp(UCDP_END_OF_DATA))
    third = u["pa_3rd"].notna() & (u["pa_3rd"].astype(str).str.strip().str.lower() != "no")
    d = pd.DataFrame(
        {
            "years": ((end - start).dt.days / DAYS_PER_YEAR).clip(lower=1 / DAYS_PER_YEAR),
            "ended": ended.astype(int),
            "security_guarantee": third.astype(int),
            "joint_commission": u["co_impl"],
            "peacekeeping_provision": u["pko"],
            "ceasefire_clause": u["cease"],
        }
    )
    return d.dropna()


def kaplan_meier_failure(raw) -> dict[str, dict[str, float]]:
    """Share of spells failed by 1, 2 and 5 years, per settlement type (Kaplan–Meier)."""
    from lifelines import KaplanMeierFitter

    out = {}
    for kind in ("truce", "treaty", "victory"):
        g = raw[raw[kind] == 1]
        km = KaplanMeierFitter().fit(
            g["_t"] / DAYS_PER_YEAR, g["_d"], entry=g["_t0"] / DAYS_PER_YEAR
        )
        out[kind] = {f"{y}y": round(1 - float(km.predict(y)), 4) for y in KM_YEARS}
    return out


def fit_weibull_ph(spells) -> dict[str, Any]:
    """Weibull model of renewed war (lifelines' AFT form, converted to proportional hazards:
    log HR = −ρ·β_AFT for a Weibull)."""
    from lifelines import WeibullAFTFitter

    aft = WeibullAFTFitter().fit(spells, duration_col="stop", event_col="event", entry_col="start")
    s = aft.summary
    rho = float(np.exp(s.loc[("rho_", "Intercept"), "coef"]))
    covariates = {}
    for name in ("treaty", "victory", "peacekeeping"):
        beta = float(s.loc[("lambda_", name), "coef"])
        se = float(s.loc[("lambda_", name), "se(coef)"])
        covariates[name] = {"log_hr": -rho * beta, "se": rho * se}
    return {
        "shape": rho,
        "shape_log_se": float(s.loc[("rho_", "Intercept"), "se(coef)"]),
        "scale_years": float(np.exp(s.loc[("lambda_", "Intercept"), "coef"])),
        "scale_log_se": float(s.loc[("lambda_", "Intercept"), "se(coef)"]),
        "covariates": covariates,
        "n_spells": int(len(spells)),
        "n_failures": int(spells["event"].sum()),
    }


def fit_cox(frame, duration: str, event: str, covariates: list[str], entry: str | None = None):
    """Cox model hazard ratios: {covariate: {log_hr, se, hr, p}}."""
    from lifelines import CoxPHFitter

    cph = CoxPHFitter().fit(
        frame[[duration, event, *covariates, *([entry] if entry else [])]],
        duration_col=duration,
        event_col=event,
        entry_col=entry,
    )
    s = cph.summary
    return {
        c: {
            "log_hr": float(s.loc[c, "coef"]),
            "se": float(s.loc[c, "se(coef)"]),
            "hr": float(s.loc[c, "exp(coef)"]),
            "p": float(s.loc[c, "p"]),
        }
        for c in covariates
    }


def fit_durability(fortna: Path, ucdp_agreements_path: Path) -> dict[str, Any]:
    """The whole durability model as plain data, ready to ship as package data."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spells, raw = fortna_spells(fortna)
        agreements = ucdp_agreements(ucdp_agreements_path)
        weibull = fit_weibull_ph(spells)
        fortna_cox = fit_cox(
            spells, "stop", "event", ["treaty", "victory", "peacekeeping"], entry="start"
        )
        ucdp_cox = fit_cox(
            agreements,
            "years",
            "ended",
            [
                "security_guarantee",
                "joint_commission",
                "peacekeeping_provision",
                "ceasefire_clause",
            ],
        )
        km = kaplan_meier_failure(raw)
    effects = {
        "treaty": {**weibull["covariates"]["treaty"], "source": "Fortna civil-war spells, Weibull"},
        "peacekeeping": {
            **weibull["covariates"]["peacekeeping"],
            "source": "Fortna civil-war spells, Weibull",
        },
        "security_guarantee": {
            "log_hr": ucdp_cox["security_guarantee"]["log_hr"],
            "se": ucdp_cox["security_guarantee"]["se"],
            "source": "UCDP peace agreements v22.1, Cox: third-party signatory",
        },
        "joint_commission": {
            "log_hr": ucdp_cox["joint_commission"]["log_hr"],
            "se": ucdp_cox["joint_commission"]["se"],
            "source": "UCDP peace agreements v22.1, Cox: implementation commission",
        },
        **PRIORS,
    }
    return {
        "model": "Weibull proportional hazards; baseline a truce without mechanisms",
        "time_unit": "years",
        "baseline": {
            "shape": weibull["shape"],
            "shape_log_se": weibull["shape_log_se"],
            "scale_years": weibull["scale_years"],
            "scale_log_se": weibull["scale_log_se"],
        },
        "effects": effects,
        "checks": {
            "fortna_weibull": weibull,
            "fortna_cox": fortna_cox,
            "ucdp_agreements_cox": ucdp_cox,
            "kaplan_meier_failure": km,
            "n_agreements": int(len(agreements)),
        },
        "data": {
            "fortna": "Fortna (2008) civil-war peacekeeping spells, as distributed with Gelman, "
            "Hill & Vehtari, Regression and Other Stories",
            "ucdp": "UCDP Peace Agreement dataset v22.1 (CC BY 4.0)",
        },
        "command": "detente validate durability",
    }
