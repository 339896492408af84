"""Fit the durability model shipped in ``detente/data/durability.json``.

Each public dataset is used for what it measures (docs/decisions.md, ## Conflict and durability):

- Fortna's civil-war ceasefire spells (Fortna 2008, *Does Peacekeeping Work?*; the copy
  distributed with Gelman, Hill & Vehtari, *Regression and Other Stories*): a Weibull
  proportional-hazards model of renewed war — baseline shape and scale, settlement type (treaty,
  victory; truce the reference) and peacekeeping, with war controls (identity war, log deaths,
  war duration) centred at their sample means; spells are time-varying with delayed entry. A
  second fit splits peacekeeping into consent-based and enforcement (Chapter VII) missions; the
  enforcement effect stands in for a third-party security guarantee. Cox models and
  Kaplan–Meier failure at 1, 2 and 5 years check the fit against MODELS.md §6.
- UCDP Peace Agreement dataset v22.1 (Pettersson et al.; CC BY 4.0): a Cox model of an
  agreement ending, for the joint implementation commission (``co_impl``), controlling for the
  agreement's type, scope and other provisions (``pa_3rd``, ``pko``, ``cease``, ``withd``).
- UCDP Conflict Termination dataset, dyad level, v3-2021 (Kreutz 2010; CC BY 4.0), optional: an
  independent check of treaty and victory against ceasefire terminations (time to recurrence).

Demilitarized zones and monitoring are in none of these: their effects are stated priors.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from detente.conflict import REPORT_YEARS
from detente.errors import InputError

DAYS_PER_YEAR = 365.25
FORTNA_CONTROLS = ("wartype", "logdead", "wardur")
UCDP_AGREEMENTS_END = "2021-12-31"
UCDP_TERMINATION_END = "2020-12-31"
WEIBULL_PARAMETERS = ("log_scale", "log_shape", "treaty", "victory", "peacekeeping")

PRIORS = {
    "demilitarized_zone": {
        "log_hr": math.log(0.7),
        "se": 0.35,
        "source": "prior: Fortna (2003, 2004) finds demilitarized zones lengthen peace after "
        "interstate wars; HR 0.7 and its spread are our judgment, not an estimate",
    },
    "monitoring": {
        "log_hr": math.log(0.8),
        "se": 0.35,
        "source": "prior: Fortna (2003, 2004) finds monitoring and verification lengthen peace "
        "after interstate wars; HR 0.8 and its spread are our judgment, not an estimate",
    },
}


def _read_csv(path: Path, columns: list[str]):
    import pandas as pd

    path = Path(path)
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
    """Fortna's spells in years (start, stop, event), settlement type, peacekeeping (any,
    consent-based, enforcement) and the war controls centred at their means; and the raw file."""
    import pandas as pd

    cols = ["_t0", "_t", "_d", "treaty", "victory", "truce", "pk_dum", "consent", "enforce"]
    f = _read_csv(path, [*cols, *FORTNA_CONTROLS])
    d = pd.DataFrame(
        {
            "start": f["_t0"] / DAYS_PER_YEAR,
            "stop": f["_t"] / DAYS_PER_YEAR,
            "event": f["_d"],
            "treaty": f["treaty"],
            "victory": f["victory"],
            "peacekeeping": f["pk_dum"],
            "consent_pk": f["consent"],
            "enforcement_pk": f["enforce"],
            **{c: f[c] for c in FORTNA_CONTROLS},
        }
    ).dropna()
    d = d[d["stop"] > d["start"]].copy()
    for c in FORTNA_CONTROLS:
        d[c] = d[c] - d[c].mean()
    return d, f


def ucdp_agreements(path: Path):
    """UCDP agreements: years from signing to ending (censored at the end of the data), the
    implementation commission and the controls. Ended agreements without an end date drop out."""
    import pandas as pd

    cols = ["pa_date", "ended", "duration", "pa_3rd", "pko", "co_impl", "cease", "withd"]
    u = _read_csv(path, [*cols, "pa_type", "incompatibility"])
    start = pd.to_datetime(u["pa_date"], errors="coerce")
    end = pd.to_datetime(u["duration"], errors="coerce")
    ended = u["ended"].astype(str).str.lower().isin(("true", "1", "1.0"))
    keep = start.notna() & ~(ended & end.isna())
    end = end.where(ended, pd.Timestamp(UCDP_AGREEMENTS_END))
    d = pd.DataFrame(
        {
            "years": ((end - start).dt.days / DAYS_PER_YEAR).clip(lower=1 / DAYS_PER_YEAR),
            "ended": ended.astype(int),
            "joint_commission": u["co_impl"],
            "third_party_signatory": u["pa_3rd"].notna().astype(int),
            "peacekeeping_provision": u["pko"],
            "ceasefire_clause": u["cease"],
            "withdrawal_clause": u["withd"],
            "full_agreement": (u["pa_type"] == 1).astype(int),
            "process_agreement": (u["pa_type"] == 3).astype(int),
            "territorial": u["incompatibility"].astype(str).str.contains("1").astype(int),
        }
    )
    return d[keep].dropna()


def _two_digit_dates(values):
    """UCDP termination dates are m/d/yy; years after the data's end belong to the 1900s."""
    import pandas as pd

    dates = pd.to_datetime(values, format="%m/%d/%y", errors="coerce")
    late = dates.dt.year > 2021
    return dates.where(~late, dates - pd.DateOffset(years=100))


def ucdp_terminations(path: Path):
    """Dyad episodes that ended in a peace agreement, a ceasefire or a victory: years until the
    same dyad fights again (censored at the end of the data), with treaty and victory flags."""
    import pandas as pd

    cols = ["dyad_id", "dyadepisode", "dyadterm", "ependdate", "outcome", "start_date2"]
    t = _read_csv(path, cols)
    t = t.assign(end=_two_digit_dates(t["ependdate"]), begin=_two_digit_dates(t["start_date2"]))
    starts = t.groupby(["dyad_id", "dyadepisode"])["begin"].min()
    ends = t[(t["dyadterm"] == 1) & t["outcome"].isin([1, 2, 3, 4]) & t["end"].notna()]
    ends = ends.drop_duplicates(["dyad_id", "dyadepisode"])
    following = [
        starts.get((d, e + 1)) for d, e in zip(ends["dyad_id"], ends["dyadepisode"], strict=True)
    ]
    nxt = pd.Series(following, index=ends.index, dtype="datetime64[ns]")
    stop = nxt.fillna(pd.Timestamp(UCDP_TERMINATION_END))
    d = pd.DataFrame(
        {
            "years": ((stop - ends["end"]).dt.days / DAYS_PER_YEAR).clip(lower=1 / DAYS_PER_YEAR),
            "recurred": nxt.notna().astype(int),
            "treaty": (ends["outcome"] == 1).astype(int),
            "victory": ends["outcome"].isin([3, 4]).astype(int),
        }
    )
    return d[d["years"] > 0]


def kaplan_meier_failure(raw) -> dict[str, dict[str, float]]:
    """Share of Fortna's spells failed by 1, 2 and 5 years, per settlement type (Kaplan–Meier
    with delayed entry)."""
    from lifelines import KaplanMeierFitter

    out = {}
    for kind in ("truce", "treaty", "victory"):
        g = raw[raw[kind] == 1]
        km = KaplanMeierFitter().fit(
            g["_t"] / DAYS_PER_YEAR, g["_d"], entry=g["_t0"] / DAYS_PER_YEAR
        )
        out[kind] = {f"{y}y": round(1 - float(km.predict(y)), 4) for y in REPORT_YEARS}
    return out


def fit_weibull_ph(spells, covariates: list[str]) -> dict[str, Any]:
    """Weibull model of renewed war, fitted in lifelines' AFT form and converted to
    proportional hazards: for a Weibull, log HR_j = −ρ·β_j (AFT). Returns the baseline
    (covariates at 0), the log hazard ratios and the delta-method covariance of
    (log scale, log shape, log HR_1, …)."""
    from lifelines import WeibullAFTFitter

    frame = spells[["start", "stop", "event", *covariates]]
    aft = WeibullAFTFitter().fit(frame, duration_col="stop", event_col="event", entry_col="start")
    order = [("lambda_", "Intercept"), ("rho_", "Intercept")]
    order += [("lambda_", c) for c in covariates]
    cov = aft.variance_matrix_.loc[order, order].to_numpy()
    theta = aft.params_.loc[order].to_numpy()
    rho = float(np.exp(theta[1]))
    betas = theta[2:]
    jac = np.zeros_like(cov)
    jac[0, 0] = 1.0
    jac[1, 1] = 1.0
    for j, beta in enumerate(betas, start=2):
        jac[j, 1] = -rho * beta
        jac[j, j] = -rho
    ph_cov = jac @ cov @ jac.T
    log_hr = -rho * betas
    return {
        "shape": rho,
        "scale_years": float(np.exp(theta[0])),
        "log_hr": {c: float(v) for c, v in zip(covariates, log_hr, strict=True)},
        "se": {c: float(math.sqrt(ph_cov[j, j])) for j, c in enumerate(covariates, start=2)},
        "parameters": ["log_scale", "log_shape", *covariates],
        "covariance": ph_cov.tolist(),
        "n_spells": int(len(frame)),
        "n_failures": int(frame["event"].sum()),
    }


def fit_cox(frame, duration: str, event: str, covariates: list[str], entry: str | None = None):
    """Cox model hazard ratios: {covariate: {log_hr, se, hr, p}}."""
    from lifelines import CoxPHFitter

    cols = [duration, event, *covariates, *([entry] if entry else [])]
    cph = CoxPHFitter().fit(frame[cols], duration_col=duration, event_col=event, entry_col=entry)
    s = cph.summary
    return {
        c: {
            "log_hr": float(s.loc[c, "coef"]),
            "se": float(s.loc[c, "se(coef)"]),
            "hr": float(s.loc[c, "exp(coef)"]),
            "p": float(s.loc[c, "p"]),
        }
        for c in covariates
    } | {"n": int(len(frame)), "events": int(frame[event].sum())}


def _effect(log_hr: float, se: float, source: str) -> dict[str, Any]:
    return {
        "log_hr": log_hr,
        "se": se,
        "hr": math.exp(log_hr),
        "hr_95": [math.exp(log_hr - 1.96 * se), math.exp(log_hr + 1.96 * se)],
        "source": source,
    }


def fit_durability(
    fortna: Path, ucdp_agreements_path: Path, ucdp_termination_path: Path | None = None
) -> dict[str, Any]:
    """The whole durability model as plain data, ready to ship as package data."""
    import lifelines

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spells, raw = fortna_spells(fortna)
        controls = list(FORTNA_CONTROLS)
        main = fit_weibull_ph(spells, ["treaty", "victory", "peacekeeping", *controls])
        split = fit_weibull_ph(
            spells, ["treaty", "victory", "consent_pk", "enforcement_pk", *controls]
        )
        fortna_cox = fit_cox(
            spells, "stop", "event", ["treaty", "victory", "peacekeeping", *controls], "start"
        )
        fortna_cox_plain = fit_cox(
            spells, "stop", "event", ["treaty", "victory", "peacekeeping"], "start"
        )
        agreements = ucdp_agreements(ucdp_agreements_path)
        ucdp_cox = fit_cox(
            agreements,
            "years",
            "ended",
            [c for c in agreements.columns if c not in ("years", "ended")],
        )
        km = kaplan_meier_failure(raw)
        termination = None
        if ucdp_termination_path is not None:
            ends = ucdp_terminations(ucdp_termination_path)
            termination = fit_cox(ends, "years", "recurred", ["treaty", "victory"])
    block = WEIBULL_PARAMETERS[2:]
    index = [main["parameters"].index(p) for p in ("log_scale", "log_shape", *block)]
    covariance = np.asarray(main["covariance"])[np.ix_(index, index)]
    fortna_src = "Fortna (2008) civil-war spells, Weibull PH with war controls"
    effects = {
        "treaty": _effect(main["log_hr"]["treaty"], main["se"]["treaty"], fortna_src),
        "victory": _effect(main["log_hr"]["victory"], main["se"]["victory"], fortna_src),
        "peacekeeping": _effect(
            main["log_hr"]["peacekeeping"], main["se"]["peacekeeping"], fortna_src
        ),
        "security_guarantee": _effect(
            split["log_hr"]["enforcement_pk"],
            split["se"]["enforcement_pk"],
            "proxy: enforcement (Chapter VII) peacekeeping in Fortna (2008) civil-war spells, "
            "Weibull PH with war controls — a third party prepared to enforce the terms",
        ),
        "joint_commission": _effect(
            ucdp_cox["joint_commission"]["log_hr"],
            ucdp_cox["joint_commission"]["se"],
            "UCDP Peace Agreement dataset v22.1, Cox of agreement ending (co_impl), controls "
            "for agreement type, territory and other provisions",
        ),
        **{k: _effect(v["log_hr"], v["se"], v["source"]) for k, v in PRIORS.items()},
    }
    checks = {
        "fortna_weibull": main,
        "fortna_weibull_consent_enforcement": split,
        "fortna_cox_war_controls": fortna_cox,
        "fortna_cox_no_controls": fortna_cox_plain,
        "ucdp_agreements_cox": ucdp_cox,
        "kaplan_meier_failure": km,
    }
    if termination is not None:
        checks["ucdp_termination_cox"] = termination
    command = (
        f"detente validate durability --fortna {Path(fortna).name}"
        f" --ucdp-agreements {Path(ucdp_agreements_path).name}"
    )
    if ucdp_termination_path is not None:
        command += f" --ucdp-termination {Path(ucdp_termination_path).name}"
    return {
        "model": "Weibull proportional hazards S(t|x) = exp(-(t/scale)^shape * exp(x.beta)); "
        "baseline a truce without mechanisms, Fortna's war controls at their sample means",
        "time_unit": "years",
        "baseline": {"shape": main["shape"], "scale_years": main["scale_years"]},
        "joint": {
            "parameters": list(WEIBULL_PARAMETERS),
            "mean": [math.log(main["scale_years"]), math.log(main["shape"])]
            + [main["log_hr"][p] for p in block],
            "covariance": covariance.tolist(),
            "note": "delta-method covariance from the Fortna Weibull fit; drawn jointly",
        },
        "effects": effects,
        "checks": checks,
        "data": {
            "fortna": "Fortna (2008) civil-war peacekeeping spells, as distributed with Gelman, "
            "Hill & Vehtari, Regression and Other Stories",
            "ucdp_agreements": "UCDP Peace Agreement dataset v22.1 (Pettersson et al.; CC BY 4.0)",
            "ucdp_termination": "UCDP Conflict Termination dataset, dyad, v3-2021 (Kreutz 2010; "
            "CC BY 4.0)",
        },
        "command": command,
        "lifelines": lifelines.__version__,
    }
