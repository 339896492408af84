"""Forecasts for the dashboard: the same public functions the CLI calls, cached per inputs so a
what-if's baseline is computed once, and charts rendered to SVG on the server (vl-convert).

Forecasts run in a bounded pool of worker threads, apart from the event loop, so cheap requests
stay fast while forecasts run; a full queue answers 503 at once, work over budget is refused
with 400 before it starts (detente.web.budget), and a forecast whose client has gone stops at
its next chunk of draws."""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import threading
import time
from collections import OrderedDict
from functools import cache
from typing import Any, Literal

import anyio
import anyio.to_thread
from pydantic import BaseModel, ConfigDict, Field

from detente.scenario import Scenario, dump_json
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


CACHE_SIZE = 64
_cache: OrderedDict[tuple, str] = OrderedDict()
_cache_lock = threading.Lock()


class Cancelled(Exception):
    """The client went away before its forecast finished; the work was stopped."""


def _compute(key: tuple, scenario: Scenario, cancel: threading.Event | None) -> str:
    from detente.forecast import ForecastConfig, ForecastRun, run_forecast, table_drivers, to_data

    _, draws, seed, engine, drivers = key
    config = ForecastConfig(draws=draws, seed=seed, engine=engine).checked(scenario)

    def stop_if_cancelled(_size: int = 0) -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled()

    run = run_forecast(scenario, config, on_chunk=stop_if_cancelled)
    if drivers:
        stop_if_cancelled()
        found = table_drivers(scenario, config)
        run = ForecastRun(run.scenario, run.config, run.plans, run.aggregates, found)
    return json.dumps(to_data(run))


def forecast_data(
    scenario: Scenario, req: ForecastRequest, cancel: threading.Event | None = None
) -> dict[str, Any]:
    """The forecast's data (detente.forecast.to_data) for these inputs (kept for the last
    :data:`CACHE_SIZE` inputs); raises :class:`Cancelled` once ``cancel`` is set."""
    key = (dump_json(scenario), req.draws, req.seed, req.engine, req.sensitivity)
    with _cache_lock:
        text = _cache.get(key)
        if text is not None:
            _cache.move_to_end(key)
    if text is None:
        text = _compute(key, scenario, cancel)
        with _cache_lock:
            _cache[key] = text
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
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


def checked_request(base: Scenario, req: ForecastRequest) -> Scenario:
    """The scenario to forecast (the base with the request's edits), once the request's engine,
    tables and work are known to be acceptable; an InputError otherwise."""
    from detente.forecast import ForecastConfig
    from detente.web.budget import check_budget
    from detente.web.whatif import apply_edits

    scenario = apply_edits(base, req.edits)
    ForecastConfig(draws=req.draws, seed=req.seed, engine=req.engine).checked(scenario)
    runs = 1 if req.edits.is_empty() else 2
    check_budget(scenario, req.draws, req.engine, sensitivity=req.sensitivity, runs=runs)
    return scenario


def run_request(
    base: Scenario,
    req: ForecastRequest,
    cancel: threading.Event | None = None,
    scenario: Scenario | None = None,
) -> dict[str, Any]:
    """A forecast with its what-if difference and charts; ``elapsed_ms`` is the wall time.
    ``scenario`` is the edited scenario when :func:`checked_request` already made it."""
    start = time.perf_counter()
    scenario = scenario or checked_request(base, req)
    data = forecast_data(scenario, req, cancel)
    out: dict[str, Any] = {"forecast": data, "difference": None}
    if not req.edits.is_empty():
        plain = req.model_copy(update={"edits": Edits(), "sensitivity": False})
        out["difference"] = differences(data, forecast_data(base, plain, cancel))
    out["charts"] = chart_svgs(list(req.charts), data, out["difference"])
    out["elapsed_ms"] = round(1000 * (time.perf_counter() - start), 1)
    return out


class Busy(Exception):
    """Every forecast worker is busy and the queue is full: try again shortly."""


class ForecastPool:
    """At most ``workers`` forecasts at once, in threads apart from the event loop, and at most
    ``queue`` more waiting; a request beyond that is refused at once with :class:`Busy`."""

    def __init__(self, workers: int = 2, queue: int = 256) -> None:
        self.limiter = anyio.CapacityLimiter(workers)
        self.queue = queue
        self.pending = 0

    async def run(self, request: Any, fn: Any, *args: Any) -> Any:
        """``fn(*args, cancel)`` in a worker; ``cancel`` is set when the client disconnects
        (the work then stops at its next chunk and :class:`Cancelled` is raised)."""
        if self.pending >= self.limiter.total_tokens + self.queue:
            raise Busy()
        self.pending += 1
        cancel = threading.Event()
        try:
            async with anyio.create_task_group() as group:
                group.start_soon(_watch_disconnect, request, cancel)
                try:
                    return await anyio.to_thread.run_sync(fn, *args, cancel, limiter=self.limiter)
                finally:
                    group.cancel_scope.cancel()
        except ExceptionGroup as errors:  # the task group wraps the worker's own error
            if len(errors.exceptions) == 1:
                raise errors.exceptions[0] from None
            raise
        finally:
            self.pending -= 1
            cancel.set()
            if self.pending == 0:
                release_memory()


@cache
def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def release_memory() -> None:
    """Give the heap pages freed by finished forecasts back to the system (glibc's
    ``malloc_trim``), so that the server's memory returns near its baseline after a burst."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


async def _watch_disconnect(request: Any, cancel: threading.Event, every: float = 0.25) -> None:
    while not cancel.is_set():
        if await request.is_disconnected():
            cancel.set()
            return
        await anyio.sleep(every)
