"""Backtest engines on DEU III (Arregui & Perarnaud 2021, doi:10.34810/data53, CC BY 4.0).

One row per issue: positions ``p<actor>`` and saliences ``s<actor>`` on 0–100 for the
Commission, the Parliament and the member states, the reference point ``rp`` and the observed
outcome ``out``; the file's second row holds GDP weights per actor. Issues are scored in one
batch: issues are the engines' draws axis, absent actors get zero salience.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from detente.engines import EngineInput, engine_names, get_engine, weighted_median
from detente.errors import InputError
from detente.options import checked

INSTITUTIONS = ("com", "ep")
DEFAULT_SALIENCE = 50.0
# Council votes under the Treaty of Nice (in force 2004–2014), for the member states; the
# Commission and the Parliament get the mean member-state weight (docs/decisions.md).
NICE_VOTES = {
    "de": 29, "fr": 29, "it": 29, "uk": 29, "es": 27, "pl": 27, "ro": 14, "nl": 13,
    "be": 12, "cz": 12, "el": 12, "hu": 12, "pt": 12, "at": 10, "bu": 10, "se": 10,
    "dk": 7, "ie": 7, "lt": 7, "sk": 7, "fi": 7, "cr": 7, "cy": 4, "ee": 4, "lv": 4,
    "lu": 4, "si": 4, "mt": 3,
}  # fmt: skip
CAPABILITY_SCHEMES = ("equal", "votes", "gdp")


@dataclass(frozen=True)
class DeuData:
    """Issues × actors arrays: ``position``, ``salience`` (0 where absent), ``reference`` and
    ``outcome`` per issue, the capability of each actor under each scheme, and the legislative
    ``proposal`` each issue belongs to (None when the file does not say)."""

    actors: tuple[str, ...]
    position: np.ndarray
    salience: np.ndarray
    reference: np.ndarray
    outcome: np.ndarray
    capability: dict[str, np.ndarray]
    proposal: np.ndarray | None = None


def read_deu(path: str | Path) -> DeuData:
    """Read a DEU III TSV; rows without an observed outcome are dropped."""
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", file=path)
    try:
        frame = pd.read_csv(path, sep="\t", low_memory=False)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"not a DEU tab-separated file: {exc}", file=path) from None
    actors = tuple(c[1:] for c in frame.columns if c.startswith("p") and f"s{c[1:]}" in frame)
    for column in ("rp", "out"):
        if column not in frame:
            raise InputError(f"missing column {column!r}", file=path, field=column)
    if not actors:
        raise InputError("no p<actor>/s<actor> column pairs", file=path)
    if len(frame) < 2:
        raise InputError("expected a GDP row and issue rows", file=path, line=2)
    columns = ["rp", "out", *(f"{k}{a}" for a in actors for k in "ps")]
    frame = frame.assign(**{c: _numbers(frame[c], path, c) for c in columns})
    gdp = frame.iloc[0][[f"p{a}" for a in actors]].to_numpy(dtype=float)
    issues = frame.iloc[1:]
    issues = issues[issues["out"].notna()]
    position = issues[[f"p{a}" for a in actors]].to_numpy(dtype=float)
    salience = issues[[f"s{a}" for a in actors]].to_numpy(dtype=float)
    present = ~np.isnan(position)
    salience = np.where(present, np.nan_to_num(salience, nan=DEFAULT_SALIENCE), 0.0)
    mean_vote = _mean_or_one([NICE_VOTES.get(a, np.nan) for a in actors if a not in INSTITUTIONS])
    votes = np.array([NICE_VOTES.get(a, mean_vote) for a in actors], dtype=float)
    return DeuData(
        actors=actors,
        position=np.nan_to_num(position, nan=0.0),
        salience=salience,
        reference=issues["rp"].to_numpy(dtype=float),
        outcome=issues["out"].to_numpy(dtype=float),
        capability={
            "equal": np.ones(len(actors)),
            "votes": votes,
            "gdp": np.nan_to_num(gdp, nan=_mean_or_one(gdp)),
        },
        proposal=issues["prnr"].astype(str).to_numpy() if "prnr" in issues else None,
    )


def _mean_or_one(values) -> float:
    """The mean of the known values, or 1 (equal weight) when none is known."""
    known = np.asarray(values, dtype=float)
    known = known[~np.isnan(known)]
    return float(known.mean()) if known.size else 1.0


def _numbers(column, path: Path, name: str):
    """A column as finite numbers or blanks; anything else is an InputError naming its line
    (line 1 is the header)."""
    import pandas as pd

    values = pd.to_numeric(column, errors="coerce")
    bad = (values.isna() & column.notna()) | np.isinf(values.fillna(0.0))
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"expected a number, got {str(column.iloc[row])[:20]!r}",
            file=path,
            line=row + 2,
            field=name,
        )
    return values.astype(float)


@dataclass(frozen=True)
class Score:
    """One engine's accuracy under one capability scheme. ``together`` says whether the issues
    of a proposal were given to the engine together (as its dimensions) or one at a time."""

    engine: str
    capabilities: str
    reference_point: bool
    mae: float
    issues: int
    options: dict[str, Any] = field(default_factory=dict)
    together: bool = False


@dataclass(frozen=True)
class Prediction:
    """One engine configuration's predicted outcome on the issues of ``mask``."""

    score: Score
    mask: np.ndarray
    predicted: np.ndarray


def _batch(data: DeuData, scheme: str, mask: np.ndarray, with_reference: bool) -> EngineInput:
    n = int(mask.sum())
    capability = np.broadcast_to(data.capability[scheme], (n, len(data.actors))).copy()
    reference = data.reference[mask][:, None] if with_reference else None
    return EngineInput(
        data.position[mask][:, :, None], data.salience[mask][:, :, None], capability, reference
    )


def _by_proposal(data: DeuData, mask: np.ndarray) -> list[np.ndarray]:
    """Issue indices (within ``mask``) of each proposal, proposals of equal size together:
    one index array (proposals, issues) per size."""
    where = np.flatnonzero(mask)
    groups: dict[int, list[np.ndarray]] = {}
    for name in dict.fromkeys(data.proposal[where]):
        members = np.flatnonzero(data.proposal[where] == name)
        groups.setdefault(len(members), []).append(members)
    return [np.stack(g) for _, g in sorted(groups.items())]


def _predict_together(spec, data: DeuData, scheme: str, mask: np.ndarray, typed) -> np.ndarray:
    """Run a multidimensional engine with each proposal's issues as its dimensions."""
    position, salience = data.position[mask], data.salience[mask]
    out = np.empty(int(mask.sum()))
    for index in _by_proposal(data, mask):
        n = index.shape[0]
        capability = np.broadcast_to(data.capability[scheme], (n, len(data.actors))).copy()
        inp = EngineInput(
            position[index].transpose(0, 2, 1), salience[index].transpose(0, 2, 1), capability
        )
        result = spec.run(inp, rng=np.random.default_rng(0), record_trajectory=False, **typed)
        out[index] = result.outcome
    return out


VARIANTS: dict[str, tuple[dict, ...]] = {
    "bdm": ({}, {"outcome": "mean"}),
    "exchange": ({}, {"max_rounds": 10}),
}
"""Engine options scored besides the defaults: BDM's forecast as the weighted mean of the final
positions instead of their median; the exchange model over ten rounds instead of one."""


def predict_engines(
    data: DeuData,
    engines: tuple[str, ...] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    on_engine: Callable[[str], None] | None = None,
) -> list[Prediction]:
    """Every engine's predictions under every capability scheme: one issue at a time without
    the reference point on every issue, with it on the issues that have one (engines that use
    it), and — for multidimensional engines, when the file names proposals — each proposal's
    issues together. ``options`` per engine name are passed to it (and recorded);
    ``on_engine`` is called with each engine's name once it is done (for progress)."""
    out = []
    has_weight = data.salience.sum(axis=1) > 0
    with_rp = has_weight & ~np.isnan(data.reference)
    for name in engines or engine_names():
        spec = get_engine(name)
        given = dict((options or {}).get(name, {}))
        for variant in VARIANTS.get(name, ({},)):
            chosen = {**given, **variant}
            label = name + "".join(f" ({k}={v})" for k, v in chosen.items())
            typed = checked(spec.options, chosen).model_dump()
            modes = [(False, False, has_weight), (True, False, with_rp)]
            if spec.multidimensional and data.proposal is not None:
                modes.append((False, True, has_weight))
            for scheme in CAPABILITY_SCHEMES:
                for use_rp, together, mask in modes:
                    if use_rp and not spec.uses_status_quo:
                        continue  # the engine ignores the reference point
                    if together:
                        predicted = _predict_together(spec, data, scheme, mask, typed)
                    else:
                        inp = _batch(data, scheme, mask, use_rp)
                        result = spec.run(
                            inp, rng=np.random.default_rng(0), record_trajectory=False, **typed
                        )
                        predicted = result.outcome[:, 0]
                    mae = float(np.abs(predicted - data.outcome[mask]).mean())
                    score = Score(label, scheme, use_rp, mae, int(mask.sum()), typed, together)
                    out.append(Prediction(score, mask, predicted))
        if on_engine is not None:
            on_engine(name)
    return out + _median_baselines(data, has_weight)


def score_engines(
    data: DeuData,
    engines: tuple[str, ...] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    predictions: list[Prediction] | None = None,
) -> list[Score]:
    """Mean absolute error (0–100) of every prediction of :func:`predict_engines` (or the
    ``predictions`` given), best first."""
    predictions = predictions or predict_engines(data, engines, options)
    return sorted((p.score for p in predictions), key=lambda s: s.mae)


def _median_baselines(data: DeuData, mask: np.ndarray) -> list[Prediction]:
    """The weighted median actor (capability × salience), a classic reference model: the
    engines' weighted median (the position with the least weighted distance to all; an exact
    tie gives the mean of the tied positions)."""
    out = []
    for scheme in CAPABILITY_SCHEMES:
        weight = data.capability[scheme][None, :] * data.salience[mask]
        median = weighted_median(data.position[mask], weight)
        mae = float(np.abs(median - data.outcome[mask]).mean())
        score = Score("weighted median (baseline)", scheme, False, mae, int(mask.sum()))
        out.append(Prediction(score, mask, median))
    return out


@dataclass(frozen=True)
class EnsembleScore:
    """The ensemble's out-of-fold error beside the best single predictor's (chosen on the
    same training folds), over ``issues`` issues in ``folds`` folds by proposal; ``weights``
    (fitted on the whole split) by member, largest first."""

    mae: float
    best_single_mae: float
    issues: int
    folds: int
    weights: dict[str, float]


def member_label(score: Score) -> str:
    """A short name of one ensemble member."""
    return f"{score.engine} / {score.capabilities}{' / by proposal' if score.together else ''}"


def score_ensemble(data: DeuData, predictions: list[Prediction]) -> EnsembleScore:
    """Fit convex weights over every prediction made on every issue without the reference
    point, by cross-validation over the proposals of this split (issues alone when it names
    none); see :mod:`detente.validate.ensemble`."""
    from detente.validate.ensemble import cross_validate

    mask = data.salience.sum(axis=1) > 0
    members = [
        p for p in predictions if not p.score.reference_point and np.array_equal(p.mask, mask)
    ]
    if len(members) < 2:
        raise InputError("an ensemble needs at least two engines", field="engines")
    matrix = np.stack([p.predicted for p in members], axis=1)
    groups = data.proposal[mask] if data.proposal is not None else np.arange(int(mask.sum()))
    cv = cross_validate(matrix, data.outcome[mask], groups.astype(str))
    order = np.argsort(-cv.weights, kind="stable")
    weights = {member_label(members[m].score): float(cv.weights[m]) for m in order}
    return EnsembleScore(
        cv.ensemble_mae, cv.best_single_mae, int(mask.sum()), cv.folds,
        {k: v for k, v in weights.items() if v > 1e-9},
    )  # fmt: skip
