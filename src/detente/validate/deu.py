"""Backtest engines on DEU III (Arregui & Perarnaud 2021, doi:10.34810/data53, CC BY 4.0).

One row per issue: positions ``p<actor>`` and saliences ``s<actor>`` on 0–100 for the
Commission, the Parliament and the member states, the reference point ``rp`` and the observed
outcome ``out``; the file's second row holds GDP weights per actor. Issues are scored in one
batch: issues are the engines' draws axis, absent actors get zero salience.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detente.engines import EngineInput, engine_names, get_engine
from detente.errors import InputError

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
    ``outcome`` per issue, and the capability of each actor under each scheme."""

    actors: tuple[str, ...]
    position: np.ndarray
    salience: np.ndarray
    reference: np.ndarray
    outcome: np.ndarray
    capability: dict[str, np.ndarray]


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
    gdp = frame.iloc[0][[f"p{a}" for a in actors]].to_numpy(dtype=float)
    issues = frame.iloc[1:]
    issues = issues[issues["out"].notna()]
    position = issues[[f"p{a}" for a in actors]].to_numpy(dtype=float)
    salience = issues[[f"s{a}" for a in actors]].to_numpy(dtype=float)
    present = ~np.isnan(position)
    salience = np.where(present, np.nan_to_num(salience, nan=DEFAULT_SALIENCE), 0.0)
    state_votes = [NICE_VOTES.get(a, np.nan) for a in actors if a not in INSTITUTIONS]
    mean_vote = float(np.nanmean(state_votes)) if state_votes else 1.0
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
            "gdp": np.nan_to_num(gdp, nan=float(np.nanmean(gdp))),
        },
    )


@dataclass(frozen=True)
class Score:
    """One engine's accuracy under one capability scheme."""

    engine: str
    capabilities: str
    reference_point: bool
    mae: float
    issues: int


def _batch(data: DeuData, scheme: str, mask: np.ndarray, with_reference: bool) -> EngineInput:
    n = int(mask.sum())
    capability = np.broadcast_to(data.capability[scheme], (n, len(data.actors))).copy()
    reference = data.reference[mask][:, None] if with_reference else None
    return EngineInput(
        data.position[mask][:, :, None], data.salience[mask][:, :, None], capability, reference
    )


VARIANTS: dict[str, tuple[dict, ...]] = {"bdm": ({}, {"outcome": "mean"})}
"""Engine options scored besides the defaults: BDM's forecast as the weighted mean of the final
positions instead of their median."""


def score_engines(
    data: DeuData,
    engines: tuple[str, ...] | None = None,
    on_engine: Callable[[str], None] | None = None,
) -> list[Score]:
    """Mean absolute error (0–100) of every engine and capability scheme, without the
    reference point on every issue and with it on the issues that have one; best first.
    ``on_engine`` is called with each engine's name once it is scored (for progress)."""
    scores = []
    has_weight = data.salience.sum(axis=1) > 0
    with_rp = has_weight & ~np.isnan(data.reference)
    for name in engines or engine_names():
        spec = get_engine(name)
        for options in VARIANTS.get(name, ({},)):
            label = name + "".join(f" ({k}={v})" for k, v in options.items())
            for scheme in CAPABILITY_SCHEMES:
                for use_rp, mask in ((False, has_weight), (True, with_rp)):
                    if use_rp and not spec.uses_status_quo:
                        continue  # the engine ignores the reference point
                    inp = _batch(data, scheme, mask, use_rp)
                    predicted = spec.run(
                        inp, rng=np.random.default_rng(0), record_trajectory=False, **options
                    )
                    error = np.abs(predicted.outcome[:, 0] - data.outcome[mask])
                    scores.append(
                        Score(label, scheme, use_rp, float(error.mean()), int(mask.sum()))
                    )
        if on_engine is not None:
            on_engine(name)
    scores += _median_baselines(data, has_weight)
    return sorted(scores, key=lambda s: s.mae)


def _median_baselines(data: DeuData, mask: np.ndarray) -> list[Score]:
    """The weighted median actor (capability × salience), a classic reference model."""
    out = []
    for scheme in CAPABILITY_SCHEMES:
        weight = data.capability[scheme][None, :] * data.salience[mask]
        position = data.position[mask]
        order = np.argsort(position, axis=1)
        sorted_pos = np.take_along_axis(position, order, axis=1)
        cum = np.cumsum(np.take_along_axis(weight, order, axis=1), axis=1)
        half = cum[:, -1:] / 2
        idx = (cum < half).sum(axis=1)
        median = sorted_pos[np.arange(len(idx)), idx]
        mae = float(np.abs(median - data.outcome[mask]).mean())
        out.append(Score("weighted median (baseline)", scheme, False, mae, int(mask.sum())))
    return out
