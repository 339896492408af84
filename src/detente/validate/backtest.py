"""The backtest: the dated forecast scored on historical negotiation episodes.

Each case (validate/cases.py) is a scenario coded as of a date inside an episode; its
resolution says when a ceasefire, an agreement or the format's abandonment happened. For every
case we compute the table's monthly inside-view signals once per engine (forecast.monthly),
then score these forecasters at 3, 6, 12 and 24 months with the Brier score and the log score:

- ``uniform``: 0.5 for every question;
- ``base_rate``: the outside view alone (UCDP base rates for the war's kind and age; the other
  cases' abandonment rate);
- ``recalibrated``: the base rate with intercepts fitted on the other cases (no inside view);
- one row per engine: the full hazard model (questions.py) with that engine's signals, its
  coefficients fitted on the other cases;
- ``model``: the default engine's row; ``ensemble``: the engines' forecasts averaged.

Everything fitted is fitted leave-one-out: the case scored never informs its own forecast.
Coefficients are maximum a posteriori under independent normal priors (:data:`PRIOR_SD`),
which keeps 27-case fits from running to the extremes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import minimize

from detente.conflict import monthly_hazard
from detente.engines import engine_names
from detente.errors import InputError
from detente.forecast import (
    COEFFICIENTS,
    QUESTIONS,
    TEXT_EVERY,
    ForecastConfig,
    HazardModel,
    Signals,
    chunk_inputs,
    chunks,
    cumulative,
    hazards,
    hazards_from,
    meeting_factor,
    month_of,
    months_between,
    observed_states,
    path_probability,
    plan_table,
    question_curves,
    table_signals,
    transition_codes,
)
from detente.validate.cases import Case

HORIZONS = (3, 6, 12, 24)
HORIZON = max(HORIZONS)
DEFAULT_ENGINE = "compromise"
PRIOR_SD = 1.5
FIT_DRAWS = 200
"""Draws per case in the likelihood when fitting (a Monte Carlo estimate of the mixture)."""
SIGN_BOUNDS = {
    "a_c": (None, None),
    "b_c": (0.0, None),
    "a_a": (None, None),
    "b_a": (0.0, None),
    "a_x": (None, None),
    "b_x": (None, 0.0),
}
"""Signs theory fixes (docs/decisions.md, ## Dated forecast): a ceasefire or an agreement
within reach never lowers its hazard (a wider zone of agreement never hurts; Fearon 1995), and
a deal within reach never makes abandoning the talks likelier."""
LOG_FLOOR = 1e-6
"""Probabilities are clipped to [LOG_FLOOR, 1 − LOG_FLOOR] in the log score."""


@dataclass(frozen=True)
class CaseData:
    """What the backtest needs of one case: its signals per engine, base-rate setting and the
    observed monthly state path."""

    case: Case
    signals: dict[str, Signals]
    kind: str
    age: float
    path: np.ndarray
    event_months: dict[str, int | None]

    @property
    def id(self) -> str:
        return self.case.id


def event_months(case: Case, horizon: int = HORIZON) -> dict[str, int | None]:
    """The month (1-based after as_of) of each event, None if it did not happen by the
    horizon; an error if the resolution was not observed for the whole horizon."""
    r = case.resolution
    as_of = case.scenario.as_of
    assert as_of is not None
    if month_of(as_of, r.observed_until) < horizon:
        raise InputError(
            f"resolution observed only until {r.observed_until}, less than {horizon} months",
            file=case.path,
            field="observed_until",
        )
    out: dict[str, int | None] = {}
    for name in ("ceasefire", "agreement", "abandoned"):
        day: dt.date | None = getattr(r, name)
        m = None if day is None else month_of(as_of, day)
        out[name] = m if m is not None and m <= horizon else None
    return out


def case_signals(
    case: Case, engine: str, draws: int, seed: int, text_every: int = TEXT_EVERY
) -> Signals:
    """The case table's monthly signals under one engine."""
    scenario = case.scenario
    config = ForecastConfig(
        draws=draws,
        seed=seed,
        tables=(case.resolution.table,),
        engine=engine,
        chunk_size=draws,
        horizon_months=HORIZON,
        text_every=text_every,
    ).checked(scenario)
    x = chunk_inputs(scenario, chunks(config)[0])
    plan = plan_table(scenario, case.resolution.table)
    rng = np.random.default_rng([seed, 7])
    return table_signals(plan, x, engine, rng, HORIZON, text_every, config.engine_kwargs)


def prepare(
    case: Case,
    engines: Sequence[str],
    draws: int,
    engine_draws: int,
    seed: int,
) -> CaseData:
    """Signals for every engine (the default one at ``draws`` with a text every
    :data:`TEXT_EVERY` months, the others at ``engine_draws`` with one text at the start) and
    the observed path."""
    scenario = case.scenario
    assert scenario.war is not None and scenario.war.started and scenario.as_of
    signals = {}
    for engine in engines:
        full = engine == DEFAULT_ENGINE
        try:
            signals[engine] = case_signals(
                case,
                engine,
                draws if full else min(draws, engine_draws),
                seed,
                TEXT_EVERY if full else HORIZON,
            )
        except InputError:
            continue  # an engine this case cannot run
    months = event_months(case)
    path = observed_states(HORIZON, months["ceasefire"], months["agreement"], months["abandoned"])
    return CaseData(
        case,
        signals,
        scenario.war.kind,
        months_between(scenario.war.started, scenario.as_of),
        path,
        months,
    )


# ---------------------------------------------------------------- fitting


@dataclass(frozen=True)
class Stacked:
    """Several cases' distinct signal paths stacked as rows, with the share of the case's
    draws each row stands for, for fast likelihoods."""

    base_c: np.ndarray
    base_a: np.ndarray
    f: np.ndarray
    z_c: np.ndarray
    z_a: np.ndarray
    codes: np.ndarray
    share: np.ndarray
    starts: np.ndarray  # first row of each case


def stack(cases: Sequence[CaseData], engine: str) -> Stacked:
    """Each case's first :data:`FIT_DRAWS` draws under ``engine`` collapsed to their distinct
    (ceasefire, agreement) signal paths, weighted by frequency; the meeting factor enters at its
    mean over those draws (docs/decisions.md, ## Dated forecast)."""
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("bc", "ba", "f", "zc", "za", "w")}
    starts, codes, row = [], [], 0
    for c in cases:
        sig = c.signals[engine]
        paths = np.concatenate([sig.ceasefire_ok, sig.agreement_ok], axis=1)[:FIT_DRAWS]
        distinct, counts = np.unique(paths, axis=0, return_counts=True)
        n = distinct.shape[0]
        ages = c.age + np.arange(HORIZON)
        parts["bc"].append(np.repeat(monthly_hazard("ceasefire", c.kind, ages)[None], n, 0))
        parts["ba"].append(np.repeat(monthly_hazard("agreement", c.kind, ages)[None], n, 0))
        parts["f"].append(np.full((n, 1), meeting_factor(sig.meetings[:FIT_DRAWS]).mean()))
        parts["zc"].append(distinct[:, :HORIZON].astype(float))
        parts["za"].append(distinct[:, HORIZON:].astype(float))
        parts["w"].append(counts / counts.sum())
        codes.append(np.repeat(transition_codes(c.path)[None], n, 0))
        starts.append(row)
        row += n
    cat = {k: np.concatenate(v) for k, v in parts.items()}
    return Stacked(
        cat["bc"],
        cat["ba"],
        cat["f"],
        cat["zc"],
        cat["za"],
        np.concatenate(codes),
        cat["w"],
        np.array(starts),
    )


def log_likelihood(data: Stacked, model: HazardModel) -> float:
    """Σ over cases of log mean over draws of the probability of the case's observed path."""
    hz = hazards_from(data.base_c, data.base_a, data.f, data.z_c, data.z_a, model)
    prob = path_probability(hz, data.codes)
    mean = np.add.reduceat(prob * data.share, data.starts)
    return float(np.log(np.maximum(mean, 1e-300)).sum())


def abandon_rate(cases: Sequence[CaseData]) -> float:
    """Abandonments per month at risk among the cases ((events + 0.5) / months)."""
    events = sum(c.event_months["abandoned"] is not None for c in cases)
    months = 0
    for c in cases:
        ends = [m for m in (c.event_months["abandoned"], c.event_months["agreement"]) if m]
        months += min(ends) if ends else HORIZON
    return (events + 0.5) / max(months, 1)


def fit(
    cases: Sequence[CaseData],
    engine: str,
    free: Sequence[str] = COEFFICIENTS,
    start: HazardModel | None = None,
) -> HazardModel:
    """Maximum a posteriori coefficients on ``cases``: normal priors with sd :data:`PRIOR_SD`
    around the base rate (zero, and the cases' own abandonment rate for a_x); coefficients
    not in ``free`` stay at their prior mean. ``start`` is where the search begins."""
    data = stack(cases, engine)
    prior = HazardModel(a_x=float(np.log(abandon_rate(cases)))).vector()
    mask = np.array([k in free for k in COEFFICIENTS])

    def objective(theta_free: np.ndarray) -> float:
        theta = prior.copy()
        theta[mask] = theta_free
        penalty = ((theta - prior) ** 2).sum() / (2 * PRIOR_SD**2)
        return -log_likelihood(data, HazardModel.from_vector(theta)) + penalty

    low = [-np.inf if lo is None else lo for lo, _ in SIGN_BOUNDS.values()]
    high = [np.inf if hi is None else hi for _, hi in SIGN_BOUNDS.values()]
    begin = np.clip(prior if start is None else start.vector(), low, high)
    bounds = [SIGN_BOUNDS[k] for k in COEFFICIENTS if k in free]
    result = minimize(objective, begin[mask], method="L-BFGS-B", bounds=bounds)
    theta = prior.copy()
    theta[mask] = result.x
    return HazardModel.from_vector(theta)


def base_rate_only(cases: Sequence[CaseData]) -> HazardModel:
    """The outside view: base-rate hazards, the cases' abandonment rate."""
    return HazardModel(a_x=float(np.log(abandon_rate(cases))))


# ---------------------------------------------------------------- scoring


def forecast_curves(c: CaseData, engine: str, model: HazardModel) -> np.ndarray:
    """The case's four cumulative curves (months, 4) under an engine's signals and a model."""
    return question_curves(c.signals[engine], model, c.kind, c.age).mean(0)


def outside_curves(c: CaseData, model: HazardModel) -> np.ndarray:
    """Curves that do not depend on the table's signals (base rates)."""
    never = np.zeros((1, HORIZON), dtype=bool)
    return question_curves(Signals(never, never, np.ones(1)), model, c.kind, c.age)[0]


def observed_curves(c: CaseData) -> np.ndarray:
    """The observed answers (months, 4) as 0/1."""
    return cumulative(np.eye(6)[c.path])


@dataclass
class Forecasts:
    """Leave-one-out forecasts (months, 4) per forecaster per case."""

    by_forecaster: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    coefficients: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)

    def add(self, forecaster: str, case: str, curves: np.ndarray) -> None:
        self.by_forecaster.setdefault(forecaster, {})[case] = curves


def leave_one_out(
    cases: Sequence[CaseData],
    engines: Sequence[str],
    on_case: Callable[[str], None] | None = None,
) -> Forecasts:
    """Every forecaster's forecast of every case, fitted on the other cases."""
    out = Forecasts()
    starts = {e: fit(cases, e) for e in engines if all(e in c.signals for c in cases)}
    for i, c in enumerate(cases):
        rest = [d for j, d in enumerate(cases) if j != i]
        out.add("uniform", c.id, np.full((HORIZON, len(QUESTIONS)), 0.5))
        out.add("base_rate", c.id, outside_curves(c, base_rate_only(rest)))
        recal = fit(rest, DEFAULT_ENGINE, free=("a_c", "a_a", "a_x"))
        out.add("recalibrated", c.id, outside_curves(c, recal))
        per_engine = []
        for engine in engines:
            usable = [d for d in rest if engine in d.signals]
            if engine not in c.signals or len(usable) < 3:
                continue
            model = fit(usable, engine, start=starts.get(engine))
            curves = forecast_curves(c, engine, model)
            out.add(engine, c.id, curves)
            out.coefficients.setdefault(engine, {})[c.id] = dict(
                zip(COEFFICIENTS, np.round(model.vector(), 4).tolist(), strict=True)
            )
            per_engine.append(curves)
            if engine == DEFAULT_ENGINE:
                out.add("model", c.id, curves)
        if per_engine:
            out.add("ensemble", c.id, np.mean(per_engine, axis=0))
        if on_case is not None:
            on_case(c.id)
    return out


def brier(p: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((p - y) ** 2))


def log_score(p: np.ndarray, y: np.ndarray) -> float:
    """Mean log probability of what happened (higher is better, at most 0)."""
    q = np.clip(p, LOG_FLOOR, 1.0 - LOG_FLOOR)
    return float(np.mean(np.where(y > 0.5, np.log(q), np.log(1.0 - q))))


def score_rows(cases: Sequence[CaseData], forecasts: Forecasts) -> list[dict[str, Any]]:
    """Brier and log scores per question, horizon, forecaster and group of cases (all,
    contemporaneous, hindsight)."""
    groups = {
        "all": [c for c in cases],
        "contemporaneous": [c for c in cases if not c.case.hindsight],
        "hindsight": [c for c in cases if c.case.hindsight],
    }
    rows = []
    for group, members in groups.items():
        for forecaster, by_case in forecasts.by_forecaster.items():
            scored = [c for c in members if c.id in by_case]
            if not scored:
                continue
            for j, question in enumerate(QUESTIONS):
                for h in HORIZONS:
                    p = np.array([by_case[c.id][h - 1, j] for c in scored])
                    y = np.array([observed_curves(c)[h - 1, j] for c in scored])
                    rows.append(
                        {
                            "group": group,
                            "question": question,
                            "horizon_months": h,
                            "forecaster": forecaster,
                            "brier": round(brier(p, y), 6),
                            "log_score": round(log_score(p, y), 6),
                            "n": len(scored),
                        }
                    )
    return rows


def reliability(
    cases: Sequence[CaseData], forecasts: Forecasts, forecaster: str, bins: int = 5
) -> list[dict[str, Any]]:
    """Reliability table: forecasts of every question at every horizon pooled, binned by
    predicted probability; mean prediction, observed frequency and count per bin."""
    by_case = forecasts.by_forecaster.get(forecaster, {})
    p, y = [], []
    for c in cases:
        if c.id not in by_case:
            continue
        obs = observed_curves(c)
        for h in HORIZONS:
            p.extend(by_case[c.id][h - 1])
            y.extend(obs[h - 1])
    p_arr, y_arr = np.array(p), np.array(y)
    edges = np.linspace(0, 1, bins + 1)
    out = []
    for b in range(bins):
        inside = (p_arr >= edges[b]) & ((p_arr < edges[b + 1]) | (b == bins - 1))
        if inside.any():
            out.append(
                {
                    "forecaster": forecaster,
                    "bin": [round(edges[b], 2), round(edges[b + 1], 2)],
                    "predicted": round(float(p_arr[inside].mean()), 4),
                    "observed": round(float(y_arr[inside].mean()), 4),
                    "n": int(inside.sum()),
                }
            )
    return out


def case_rows(cases: Sequence[CaseData], forecasts: Forecasts) -> list[dict[str, Any]]:
    """Per case: what happened and what the model and the base rate said at each horizon."""
    rows = []
    for c in cases:
        obs = observed_curves(c)
        entry: dict[str, Any] = {
            "case": c.id,
            "name": c.case.scenario.name,
            "as_of": str(c.case.scenario.as_of),
            "table": c.case.resolution.table,
            "hindsight": c.case.hindsight,
            "events": {k: (None if v is None else int(v)) for k, v in c.event_months.items()},
            "engines": sorted(c.signals),
        }
        for forecaster in ("model", "base_rate"):
            curves = forecasts.by_forecaster.get(forecaster, {}).get(c.id)
            if curves is None:
                continue
            entry[forecaster] = {
                str(h): dict(zip(QUESTIONS, np.round(curves[h - 1], 4).tolist(), strict=True))
                for h in HORIZONS
            }
        entry["observed"] = {
            str(h): dict(zip(QUESTIONS, obs[h - 1].astype(int).tolist(), strict=True))
            for h in HORIZONS
        }
        rows.append(entry)
    return rows


SKILL_HORIZONS = (6, 12)


def skill_summary(scores: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per question, the leave-one-out Brier scores of the model and the base rate at 6 and 12
    months over all cases, and whether the model beats the base rate at both."""
    index = {
        (r["question"], r["horizon_months"], r["forecaster"]): r["brier"]
        for r in scores
        if r["group"] == "all"
    }
    out = {}
    for q in QUESTIONS:
        rows = {
            str(h): {f: index.get((q, h, f)) for f in ("model", "base_rate")}
            for h in SKILL_HORIZONS
        }
        beats = all(
            r["model"] is not None and r["base_rate"] is not None and r["model"] < r["base_rate"]
            for r in rows.values()
        )
        out[q] = {"brier": rows, "beats_base_rate": beats}
    return out


def run_backtest(
    cases: Sequence[Case],
    draws: int = 10_000,
    engine_draws: int = 1_000,
    seed: int = 0,
    engines: Sequence[str] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """The whole backtest as plain data: ``cases``, ``scores``, ``reliability``, and the
    coefficients of a fit on every case (what ``--fit-out`` writes)."""
    engines = list(engines or engine_names())
    if len(cases) < 4:
        raise InputError(f"the backtest needs at least 4 cases, got {len(cases)}", field="cases")
    prepared = []
    for case in cases:
        prepared.append(prepare(case, engines, draws, engine_draws, seed))
        if on_step is not None:
            on_step(f"signals {case.id}")
    forecasts = leave_one_out(prepared, engines, on_case=lambda c: on_step and on_step(f"fit {c}"))
    full = fit(prepared, DEFAULT_ENGINE)
    scores = score_rows(prepared, forecasts)
    return {
        "meta": {
            "draws": draws,
            "engine_draws": engine_draws,
            "seed": seed,
            "engines": engines,
            "default_engine": DEFAULT_ENGINE,
            "horizons_months": list(HORIZONS),
            "prior_sd": PRIOR_SD,
            "fit_draws": FIT_DRAWS,
            "n_cases": len(prepared),
            "n_hindsight": sum(c.case.hindsight for c in prepared),
        },
        "cases": case_rows(prepared, forecasts),
        "scores": scores,
        "reliability": {
            f: reliability(prepared, forecasts, f) for f in ("model", "base_rate", "ensemble")
        },
        "loo_coefficients": forecasts.coefficients,
        "fit": {
            "coefficients": dict(
                zip(COEFFICIENTS, np.round(full.vector(), 6).tolist(), strict=True)
            ),
            "abandon_rate": round(abandon_rate(prepared), 6),
            "fitted": True,
            "engine": DEFAULT_ENGINE,
            "cases": [c.id for c in prepared],
            "fitted_by": "detente backtest --fit-out",
            "skill": skill_summary(scores),
        },
    }


__all__ = ["HORIZONS", "run_backtest", "hazards"]
