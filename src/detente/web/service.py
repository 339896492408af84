"""Forecasts for the dashboard: the same public functions the CLI calls, cached per inputs so a
what-if's baseline is computed once, and charts rendered to SVG on the server (vl-convert).

Forecasts run in a bounded pool of worker threads, apart from the event loop, so cheap requests
stay fast while forecasts run; a full queue answers 503 at once, work over budget is refused
with 400 before it starts (detente.web.budget), and a forecast whose client has gone stops at
its next chunk of draws."""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from typing import Any, Literal

import anyio
import anyio.to_thread
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt

from detente.scenario import Scenario, dump_json
from detente.web.whatif import Edits

EDIT_DRAWS = 2_000
"""Draws while editing a what-if: about ±2 points on a probability, fast enough to feel live."""
FULL_DRAWS = 20_000
MAX_WEB_DRAWS = 100_000
MAX_ENGINE_OPTIONS = 32
ChartName = Literal[
    "classes",
    "intervals",
    "settlement",
    "survival",
    "sensitivity",
    "sensitivity_war",
    "difference",
    "monthly",
    "ranking_ceasefire",
    "ranking_ongoing",
    "ceasefire_survival",
]


class ForecastRequest(BaseModel):
    """A forecast asked for by a page or an API client."""

    model_config = ConfigDict(extra="forbid")

    scenario: str = "ukraine-2025"
    draws: int = Field(EDIT_DRAWS, ge=1, le=MAX_WEB_DRAWS)
    seed: int = Field(0, ge=0, le=2**63 - 1)
    engine: str = "compromise"
    engine_options: dict[str, StrictBool | StrictInt | StrictFloat | str | None] = Field(
        default_factory=dict, max_length=MAX_ENGINE_OPTIONS
    )
    """The engine's typed options by name (as ``detente run --help`` lists them), validated
    against the engine's options model; none with ``protocol``."""
    edits: Edits = Field(default_factory=Edits)
    sensitivity: bool = False
    engines: bool = False
    """Also run every engine for the spread between them (about 5 s more); the forecast page
    and the what-if's full run ask for it, live what-if edits do not."""
    charts: list[ChartName] = Field(default_factory=list)


class JsonCache:
    """Results kept as JSON text for the last ``size`` inputs (the least recently used go
    first), safe to share between worker threads; each caller gets its own copy."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._texts: OrderedDict[tuple, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """The result for ``key``, computed (outside the lock) when it is not kept."""
        with self._lock:
            text = self._texts.get(key)
            if text is not None:
                self._texts.move_to_end(key)
        if text is None:
            text = json.dumps(compute())
            with self._lock:
                self._texts[key] = text
                while len(self._texts) > self.size:
                    self._texts.popitem(last=False)
        return json.loads(text)


CACHE_SIZE = 64
_forecasts = JsonCache(CACHE_SIZE)


class Cancelled(Exception):
    """The client went away before its forecast finished; the work was stopped."""


def cancel_check(cancel: threading.Event | None) -> Callable[..., None]:
    """A progress callback that stops the work (raises :class:`Cancelled`) once ``cancel`` is
    set."""

    def stop_if_cancelled(*_progress: Any) -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled()

    return stop_if_cancelled


def _compute(key: tuple, scenario: Scenario, cancel: threading.Event | None) -> dict[str, Any]:
    from detente.forecast import ForecastConfig, run_forecast, to_data

    _, draws, seed, engine, options, drivers, engines = key
    config = ForecastConfig(draws=draws, seed=seed, engine=engine, engine_options=options).checked(
        scenario
    )
    stop_if_cancelled = cancel_check(cancel)
    run = run_forecast(
        scenario,
        config,
        on_chunk=stop_if_cancelled,
        compare_engines=engines,
        sensitivity=drivers,
        on_stage=stop_if_cancelled,
    )
    return to_data(run)


def forecast_data(
    scenario: Scenario, req: ForecastRequest, cancel: threading.Event | None = None
) -> dict[str, Any]:
    """The forecast's data (detente.forecast.to_data) for these inputs (kept for the last
    :data:`CACHE_SIZE` inputs); raises :class:`Cancelled` once ``cancel`` is set."""
    options = tuple(sorted(req.engine_options.items()))
    key = (
        dump_json(scenario),
        req.draws,
        req.seed,
        req.engine,
        options,
        req.sensitivity,
        req.engines,
    )
    return _forecasts.get(key, lambda: _compute(key, scenario, cancel))


OUTPUTS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "ceasefire": (("by", "ceasefire"), None),
    "agreement": (("by", "agreement"), None),
    "abandoned": (("by", "abandoned"), None),
    "ongoing": (("by", "ongoing"), None),
    "comprehensive_settlement": (("outcome_classes", "comprehensive_settlement", "p"), None),
    "ceasefire_frozen_conflict": (("outcome_classes", "ceasefire_frozen_conflict", "p"), None),
    "partial_agreement": (("outcome_classes", "partial_agreement", "p"), None),
    "collapse_war": (("outcome_classes", "collapse_war", "p"), None),
    "coerced": (("coercion", "rate_among_settlements"), "settled"),
    "ceasefire_holds_2y": (("if_ceasefire", "holds", "2y"), "ceasefires"),
    "peace_holds_5y": (("durability", "peace_holds", "5y"), None),
}
"""Every output a what-if compares: its path in a table's data and what its count is over
(None: all draws; "settled": settled draws; "ceasefires": draws with a ceasefire)."""


def _value(table: dict[str, Any], path: tuple[str, ...]) -> float | None:
    value: Any = table
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _count(table: dict[str, Any], over: str | None) -> float:
    if over == "settled":
        return table["outcome_classes"]["comprehensive_settlement"]["draws"]
    if over == "ceasefires":
        return table.get("if_ceasefire", {}).get("expected_draws_with_ceasefire") or 0.0
    return table["draws"]


def differences(edited: dict[str, Any], baseline: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Per table and output (the dated questions, the outcome classes, coercion, durability),
    the edited value minus the baseline's (same seed, so common random numbers: the difference
    is not mostly Monte Carlo noise); outputs missing on either side are left out."""
    out: dict[str, dict[str, float]] = {}
    for t, table in edited["tables"].items():
        if t not in baseline["tables"]:
            continue
        row = {}
        for key, (path, _) in OUTPUTS.items():
            new, old = _value(table, path), _value(baseline["tables"][t], path)
            if new is not None and old is not None:
                row[key] = round(new - old, 6)
        out[t] = row
    return out


def noise_bands(edited: dict[str, Any], baseline: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Per table and output, the half-width of a 95% band for a difference of two independent
    Monte Carlo estimates, 1.96·√(p₁(1−p₁)/n₁ + p₀(1−p₀)/n₀): a bound, since both runs share
    their random numbers. A change inside it is shown as noise."""
    out: dict[str, dict[str, float]] = {}
    for t, table in edited["tables"].items():
        base = baseline["tables"].get(t)
        if base is None:
            continue
        row = {}
        for key, (path, over) in OUTPUTS.items():
            new, old = _value(table, path), _value(base, path)
            n1, n0 = _count(table, over), _count(base, over)
            if new is None or old is None or n1 <= 0 or n0 <= 0:
                continue
            var = new * (1 - new) / n1 + old * (1 - old) / n0
            row[key] = round(1.96 * math.sqrt(max(var, 0.0)), 6)
        out[t] = row
    return out


def summary_data(scenario: Scenario, data: dict[str, Any]) -> dict[str, Any]:
    """The bottom line (report.summary) as JSON: sentences with their facts, rankings."""
    from detente.report import Labels, bottom_line

    found = bottom_line(data, Labels(scenario))
    for sentence in found["sentences"]:
        sentence["facts"] = [
            {
                "path": list(f.path),
                "value": f.value,
                "kind": f.kind,
                "derived": f.derived,
                "text": f.text(),
            }
            for f in sentence["facts"]
        ]
    return found


def chart_svgs(
    names: list[str],
    data: dict[str, Any],
    difference: dict[str, Any] | None,
    scenario: Scenario | None = None,
    noise: dict[str, Any] | None = None,
) -> dict[str, str]:
    """The asked-for charts as SVG (a chart without data is left out)."""
    from detente.report import Labels, chart_objects, charts

    labels = Labels(scenario) if scenario is not None else Labels.from_data(data)
    made: dict[str, Any] = {}

    def dated(name: str):
        if not made:
            made.update(chart_objects(scenario, data))
        return made.get(name)

    makers = {
        "monthly": lambda: dated("monthly"),
        "ranking_ceasefire": lambda: dated("ranking_ceasefire"),
        "ranking_ongoing": lambda: dated("ranking_ongoing"),
        "ceasefire_survival": lambda: dated("ceasefire_survival"),
        "classes": lambda: charts.classes_chart(data),
        "intervals": lambda: charts.intervals_chart(data),
        "settlement": lambda: charts.settlement_chart(data),
        "survival": lambda: charts.survival_chart(data),
        "sensitivity": lambda: charts.sensitivity_chart(data, "p_settlement", labels),
        "sensitivity_war": lambda: charts.sensitivity_chart(data, "p_war", labels),
        "difference": lambda: (
            charts.difference_chart(difference, noise, labels) if difference else None
        ),
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
    config = ForecastConfig(
        draws=req.draws, seed=req.seed, engine=req.engine, engine_options=req.engine_options
    ).checked(scenario)
    runs = (1 if req.edits.is_empty() else 2) * rounds_factor(req.engine, config.engine_options)
    check_budget(scenario, req.draws, req.engine, sensitivity=req.sensitivity, runs=runs)
    return scenario


def rounds_factor(engine: str, options: tuple[tuple[str, Any], ...]) -> float:
    """How many times the engine's default round cap ``options`` allow (1 when they allow no
    more): the work budget scales with it, so a raised ``max_rounds`` cannot slip past it."""
    from detente.engines import get_engine
    from detente.forecast import PROTOCOL

    if engine == PROTOCOL:
        return 1.0
    field = get_engine(engine).options.model_fields.get("max_rounds")
    given = dict(options).get("max_rounds")
    if field is None or not given or not field.default:
        return 1.0
    return max(1.0, float(given) / float(field.default))


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
    out: dict[str, Any] = {"forecast": data, "difference": None, "noise": None}
    if not req.edits.is_empty():
        plain = req.model_copy(update={"edits": Edits(), "sensitivity": False})
        baseline = forecast_data(base, plain, cancel)
        out["difference"] = differences(data, baseline)
        out["noise"] = noise_bands(data, baseline)
    out["summary"] = summary_data(scenario, data)
    out["charts"] = chart_svgs(list(req.charts), data, out["difference"], scenario, out["noise"])
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


def request_key(base: Scenario, req: ForecastRequest) -> str:
    """The identity of a forecast request: the scenario's canonical JSON and every input that
    changes the numbers (not the charts asked for)."""
    inputs = req.model_dump(mode="json", exclude={"charts"})
    if not inputs["engine_options"]:  # the identity of requests made before engine options
        del inputs["engine_options"]
    text = dump_json(base) + json.dumps(inputs, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


FRAGMENT = re.compile(
    r"^(?:[a-z]|(?:In|On|By|Since|From|Until|As of)\s*[,.;]|Think back|Remember|Recall)"
    r"|\b(?:In|On|By|Since)\s+,|\s,\s|\(\s*\)"
)
"""A timeline title that is no event: it starts mid-sentence or in lower case, has a hole
where its date was ("In , the United States…"), or asks the reader to remember."""


def clean_timeline(rows: list[dict[str, Any]], since: str | None = None) -> list[dict[str, Any]]:
    """Timeline events fit to show: titles that are whole sentences of at least four words,
    dated on or after ``since`` (e.g. the war's start) when given."""
    kept = []
    for row in rows:
        title = (row.get("title") or "").strip()
        if len(title.split()) < 4 or FRAGMENT.search(title):
            continue
        if since and str(row.get("date") or "")[:10] < since[: len(str(row.get("date") or ""))]:
            continue
        kept.append(row)
    return kept
