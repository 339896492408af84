"""Forecasts for the dashboard: the same public functions the CLI calls, cached per inputs so a
what-if's baseline is computed once, and charts rendered to SVG on the server (vl-convert)."""

from __future__ import annotations

import dataclasses
import json
import time
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from detente.scenario import Scenario, dump_json, validate_data
from detente.web.whatif import Edits

EDIT_DRAWS = 2_000
"""Draws while editing a what-if: about ±2 points on a probability, fast enough to feel live."""
FULL_DRAWS = 20_000
MAX_WEB_DRAWS = 100_000
ChartName = Literal["classes", "intervals", "settlement", "survival", "sensitivity", "difference"]


class ForecastRequest(BaseModel):
    """A forecast asked for by a page or an API client."""

    model_config = ConfigDict(extra="forbid")

    scenario: str = "ukraine-2025"
    draws: int = Field(EDIT_DRAWS, ge=1, le=MAX_WEB_DRAWS)
    seed: int = Field(0, ge=0, le=2**63 - 1)
    engine: str = "compromise"
    edits: Edits = Field(default_factory=Edits)
    sensitivity: bool = False
    charts: list[ChartName] = Field(default_factory=list)


@lru_cache(maxsize=64)
def _cached(scenario_json: str, draws: int, seed: int, engine: str, drivers: bool) -> str:
    from detente.forecast import ForecastConfig, run_forecast, table_drivers, to_data

    scenario = validate_data(json.loads(scenario_json))
    config = ForecastConfig(draws=draws, seed=seed, engine=engine).checked(scenario)
    run = run_forecast(scenario, config)
    if drivers:
        found = table_drivers(scenario, config)
        run = dataclasses.replace(run, drivers=found)
    return json.dumps(to_data(run))


def forecast_data(scenario: Scenario, req: ForecastRequest) -> dict[str, Any]:
    """The forecast's data (detente.forecast.to_data) for these inputs."""
    text = _cached(dump_json(scenario), req.draws, req.seed, req.engine, req.sensitivity)
    return json.loads(text)


def differences(edited: dict[str, Any], baseline: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Per table and outcome class, the edited probability minus the baseline's (same seed, so
    common random numbers: the difference is not mostly Monte Carlo noise)."""
    return {
        t: {
            c: round(v["p"] - baseline["tables"][t]["outcome_classes"][c]["p"], 6)
            for c, v in table["outcome_classes"].items()
        }
        for t, table in edited["tables"].items()
        if t in baseline["tables"]
    }


def chart_svgs(
    names: list[str], data: dict[str, Any], difference: dict[str, Any] | None
) -> dict[str, str]:
    """The asked-for charts as SVG (a chart without data is left out)."""
    from detente.report import charts

    makers = {
        "classes": lambda: charts.classes_chart(data),
        "intervals": lambda: charts.intervals_chart(data),
        "settlement": lambda: charts.settlement_chart(data),
        "survival": lambda: charts.survival_chart(data),
        "sensitivity": lambda: charts.sensitivity_chart(data),
        "difference": lambda: charts.difference_chart(difference) if difference else None,
    }
    out = {}
    for name in dict.fromkeys(names):
        chart = makers[name]()
        if chart is not None:
            out[name] = charts.to_svg(chart)
    return out


def run_request(base: Scenario, req: ForecastRequest) -> dict[str, Any]:
    """A forecast with its what-if difference and charts; ``elapsed_ms`` is the wall time."""
    from detente.web.whatif import apply_edits

    start = time.perf_counter()
    scenario = apply_edits(base, req.edits)
    data = forecast_data(scenario, req)
    out: dict[str, Any] = {"forecast": data, "difference": None}
    if not req.edits.is_empty():
        plain = req.model_copy(update={"edits": Edits(), "sensitivity": False})
        out["difference"] = differences(data, forecast_data(base, plain))
    out["charts"] = chart_svgs(list(req.charts), data, out["difference"])
    out["elapsed_ms"] = round(1000 * (time.perf_counter() - start), 1)
    return out
