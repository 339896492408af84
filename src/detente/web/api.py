"""The JSON API under /api (described by OpenAPI at /api/openapi.json); the pages call it too."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, get_args

import anyio.to_thread
from fastapi import APIRouter, Body, File, HTTPException, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from detente.errors import InputError
from detente.scenario import bundled_scenarios
from detente.web.service import (
    ChartName,
    ForecastRequest,
    chart_svgs,
    checked_request,
    request_key,
    run_request,
)
from detente.web.store import MAX_UPLOAD_BYTES, DataDir, TakenId

router = APIRouter(prefix="/api", tags=["api"])
MAX_RUNS_LISTED = 1000
MAX_SEARCH_RESULTS = 200
MAX_QUERY_CHARS = 1000


class ScenarioEntry(BaseModel):
    """A scenario the dashboard can open."""

    id: str
    bundled: bool


class ForecastResponse(BaseModel):
    """A forecast (detente.forecast.to_data), its difference from the unedited baseline per
    table and output with each difference's noise band (when edited), the bottom line, charts
    as SVG, the run's id, its wall time, and whether it came from the history (same inputs)."""

    run: int
    forecast: dict[str, Any]
    difference: dict[str, dict[str, float]] | None
    noise: dict[str, dict[str, float]] | None = None
    summary: dict[str, Any] | None = None
    charts: dict[str, str]
    elapsed_ms: float
    cached: bool = False


def _data_dir(request: Request) -> DataDir:
    return request.app.state.data_dir


def evidence_connection(request: Request):
    """A connection to the evidence store given with --db, or an InputError saying how."""
    db: Path | None = request.app.state.evidence_db
    if db is None:
        raise InputError("no evidence store: start the dashboard with --db FILE", field="db")
    from detente.evidence import open_store

    return open_store(db, create=False)


@router.get("/scenarios")
async def list_scenarios(request: Request) -> list[ScenarioEntry]:
    """The bundled and uploaded scenarios."""
    bundled = set(bundled_scenarios())
    names = _data_dir(request).scenario_names()
    return [ScenarioEntry(id=n, bundled=n in bundled) for n in names]


@router.get("/scenarios/{name}")
def get_scenario(request: Request, name: str) -> dict[str, Any]:
    """A scenario as data (the same fields as its YAML)."""
    return _data_dir(request).load(name).model_dump(mode="json")


@router.post("/scenarios")
async def upload_scenario(
    request: Request,
    file: UploadFile = File(...),
    replace: bool = False,
    rename: str | None = None,
):
    """Upload a YAML, JSON or KTAB CSV scenario (at most 1 MiB): parsed and validated, never
    executed, kept as YAML in the data directory under its id, or under ``rename``. An id
    uploaded before is refused (409) unless ``replace`` is true; an id taken by a bundled
    scenario is refused (409) with a free id to use in ``suggest``."""
    raw = await file.read(MAX_UPLOAD_BYTES + 1)
    try:
        scenario = _data_dir(request).save_upload(
            file.filename or "", raw, replace=replace, rename=rename
        )
    except TakenId as exc:
        return JSONResponse({"error": str(exc), "suggest": exc.suggest}, status_code=409)
    return {"id": scenario.id, "name": scenario.name}


@router.get("/engines")
async def list_engines() -> list[str]:
    """Engines a forecast can use, and "protocol" for each table's own negotiation protocol."""
    from detente.engines import engine_choices

    return list(engine_choices())


@router.post("/forecast", response_model=ForecastResponse)
async def forecast(request: Request, req: ForecastRequest) -> Response:
    """Forecast a scenario, optionally with what-if edits (then also the difference from the
    unedited baseline, same seed and draws); every run is kept in the history once: the same
    inputs again return the stored run (``cached``) without running or recording anything. A
    request over the work budget is refused (400) before it runs; when every worker is busy and
    the queue is full the answer is 503 with Retry-After."""
    store = _data_dir(request)
    base = await anyio.to_thread.run_sync(store.load, req.scenario)
    key = request_key(base, req)
    found = await anyio.to_thread.run_sync(store.find, key)
    if found is not None:
        stored = await anyio.to_thread.run_sync(_stored_response, found, list(req.charts), base)
        return Response(stored.model_dump_json(), media_type="application/json")
    if req.edits.is_empty():  # no re-validation: cheap enough for the event loop
        scenario = checked_request(base, req)
    else:
        scenario = await anyio.to_thread.run_sync(checked_request, base, req)
    job = functools.partial(_forecast_job, store, base, req, scenario=scenario, key=key)
    body = await request.app.state.forecast_pool.run(request, job)
    return Response(body, media_type="application/json")


def _forecast_job(
    store: DataDir, base, req: ForecastRequest, cancel, *, scenario, key: str
) -> bytes:
    """The forecast, its record in the history and its JSON body, all in a worker thread (the
    event loop only passes bytes on)."""
    out = run_request(base, req, cancel, scenario)
    kind = "whatif" if out["difference"] is not None else "forecast"
    request_data = req.model_dump(mode="json", exclude={"charts"})
    extra = {k: out[k] for k in ("difference", "noise", "summary")}
    run_id = store.record(kind, request_data, out["forecast"], out["elapsed_ms"], key, extra)
    return json.dumps({"run": run_id, "cached": False, **out}, separators=(",", ":")).encode()


def _stored_response(run: dict[str, Any], charts: list[str], base=None) -> ForecastResponse:
    """A stored run as a forecast response, its charts drawn again from its data."""
    from detente.web.service import summary_data
    from detente.web.whatif import Edits, apply_edits

    extra = run.get("extra") or {}
    scenario = None
    if base is not None:
        scenario = apply_edits(base, Edits.model_validate(run["edits"] or {}))
    summary = extra.get("summary") or (summary_data(scenario, run["data"]) if scenario else None)
    return ForecastResponse(
        run=run["id"],
        forecast=run["data"],
        difference=extra.get("difference"),
        noise=extra.get("noise"),
        summary=summary,
        charts=chart_svgs(
            charts, run["data"], extra.get("difference"), scenario, extra.get("noise")
        ),
        elapsed_ms=run["elapsed_ms"],
        cached=True,
    )


def _scenario_of(request: Request, run: dict[str, Any]):
    try:
        return _data_dir(request).load(run["scenario"])
    except InputError:
        return None


@router.get("/runs")
def list_runs(
    request: Request, limit: int = Query(100, ge=1, le=MAX_RUNS_LISTED)
) -> list[dict[str, Any]]:
    """The run history, newest first (without each run's full data)."""
    return _data_dir(request).history(limit)


@router.get("/runs/{run_id}")
def get_run(request: Request, run_id: int) -> dict[str, Any]:
    """One run with its request and full forecast data (404 when there is no such run)."""
    run = _data_dir(request).run(run_id)
    if run is None:
        raise HTTPException(404, f"no run {run_id}")
    return run


def _run(request: Request, run_id: int) -> dict[str, Any]:
    run = _data_dir(request).run(run_id)
    if run is None:
        raise HTTPException(404, f"no run {run_id}")
    return run


@router.get("/runs/{run_id}/view")
def view_run(request: Request, run_id: int, charts: str = "") -> ForecastResponse:
    """A stored run as the forecast page shows it (bottom line, charts), nothing re-run."""
    run = _run(request, run_id)
    names = [c for c in charts.split(",") if c]
    from detente.web.service import ForecastRequest as Req

    try:
        valid = Req(charts=names).charts if names else []
    except ValidationError:
        known = ", ".join(get_args(ChartName))
        message = f"unknown chart in {charts!r}, expected: {known}"
        raise InputError(message, field="charts") from None
    return _stored_response(run, list(valid), _scenario_of(request, run))


class Label(BaseModel):
    """A run's label."""

    label: str


@router.put("/runs/{run_id}/label")
def label_run(request: Request, run_id: int, body: Label = Body(...)) -> dict[str, Any]:
    """Name a run in the history (at most 80 characters; empty clears the name)."""
    if not _data_dir(request).label(run_id, body.label.strip()):
        raise HTTPException(404, f"no run {run_id}")
    return {"id": run_id, "label": body.label.strip()[:80] or None}


MEDIA = {
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
    "csv": "text/csv; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
}


def _download(content: bytes | str, name: str) -> Response:
    kind = name.rsplit(".", 1)[-1]
    return Response(
        content,
        media_type=MEDIA[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/runs/{run_id}/forecast.{fmt}")
def export_forecast(request: Request, run_id: int, fmt: str) -> Response:
    """A run's forecast as JSON (all of it) or Parquet (the monthly curves, long format, with
    the metadata and the probabilities at the date in the file's metadata)."""
    import json

    from detente.report import forecast_parquet

    data = _run(request, run_id)["data"]
    if fmt == "json":
        body: bytes | str = json.dumps(data, indent=1, sort_keys=True)
    elif fmt == "parquet":
        body = forecast_parquet(data)
    else:
        raise InputError(f"expected json or parquet, got {fmt!r}", field="format")
    return _download(body, f"detente-run-{run_id}.{fmt}")


@router.get("/runs/{run_id}/table/{name}.csv")
def export_table(request: Request, run_id: int, name: str) -> Response:
    """One of a run's tables as CSV: dated, monthly, ranking, classes or settlement."""
    from detente.report import Labels, table_csv

    run = _run(request, run_id)
    scenario = _scenario_of(request, run)
    labels = Labels(scenario) if scenario is not None else None
    return _download(table_csv(run["data"], name, labels), f"detente-run-{run_id}-{name}.csv")


@router.get("/runs/{run_id}/chart/{name}.{fmt}")
def export_chart(request: Request, run_id: int, name: str, fmt: str) -> Response:
    """One of a run's charts as SVG or PNG (drawn again from the stored data)."""
    from detente.report import Labels, bottom_line, chart_bytes, chart_objects

    run = _run(request, run_id)
    scenario = _scenario_of(request, run)
    made = chart_objects(None, run["data"], bottom_line(run["data"], Labels.from_data(run["data"])))
    if scenario is not None and name == "positions":
        from detente.report import charts as c

        made["positions"] = c.positions_chart(scenario)
    extra = run.get("extra") or {}
    if name == "difference" and extra.get("difference"):
        from detente.report import charts as c

        made["difference"] = c.difference_chart(extra["difference"], extra.get("noise"))
    chart = made.get(name)
    if chart is None:
        raise InputError(f"no chart {name!r} in run {run_id}", field="chart")
    return _download(chart_bytes(chart, fmt), f"detente-run-{run_id}-{name}.{fmt}")


@router.get("/timeline")
async def timeline(
    request: Request,
    scenario: str = "ukraine-2026-01",
    draws: int = Query(10_000, ge=1, le=100_000),
    seed: int = Query(0, ge=0, le=2**63 - 1),
    engine: str = "compromise",
) -> Response:
    """The forecast over time of a scenario's series (its snapshots up to its own as_of, among
    the bundled and uploaded scenarios): every snapshot asked P(event by the same date) with the
    same seed and draws, and between consecutive snapshots the items that moved each table's
    P(ceasefire) and P(agreement), with their sources; ``chart`` is the report's chart as SVG.
    Refused (400) over the work budget; 503 when every worker is busy."""
    from detente.web.over_time import check_timeline_budget, store_series, timeline_data

    snapshots = await anyio.to_thread.run_sync(store_series, _data_dir(request), scenario)
    if not snapshots:
        raise InputError(f"scenario {scenario!r} has no as_of date", field="scenario")
    check_timeline_budget(snapshots, draws, engine)

    def job(cancel) -> bytes:
        from detente.report import Labels, moved_rows, timeline_chart, to_svg

        data = timeline_data(snapshots, draws, seed, engine, cancel)
        labels = Labels(snapshots[-1].scenario)
        chart = to_svg(timeline_chart(data, labels)) if len(snapshots) > 1 else None
        moved = [moved_rows(step, labels) for step in data["steps"]]
        return json.dumps({"timeline": data, "chart": chart, "moved": moved}).encode()

    body = await request.app.state.forecast_pool.run(request, job)
    return Response(body, media_type="application/json")


EXAMPLE_QUERIES = (
    "ceasefire monitoring",
    "security guarantees",
    "ceasefire",
    "sanctions",
    "territory",
    "talks",
)
"""Example searches offered on the evidence page: the first one that finds something."""


@router.get("/evidence/status")
def evidence_status(request: Request) -> dict[str, Any]:
    """Whether an evidence store is open, how many documents it holds, and an example search
    that finds something in it."""
    if request.app.state.evidence_db is None:
        return {"available": False, "documents": 0, "example": None}
    from detente.evidence import documents, search

    conn = evidence_connection(request)
    try:
        example = next((q for q in EXAMPLE_QUERIES if search(conn, q, limit=1)), None)
        return {"available": True, "documents": len(documents(conn)), "example": example}
    finally:
        conn.close()


@router.get("/evidence/search")
def evidence_search(
    request: Request,
    q: str = Query(..., max_length=MAX_QUERY_CHARS),
    limit: int = Query(20, ge=1, le=MAX_SEARCH_RESULTS),
) -> list[dict[str, Any]]:
    """Sentences matching every word of the query, best first, with document and span."""
    from detente.evidence import search

    conn = evidence_connection(request)
    try:
        return search(conn, q, limit=limit)
    finally:
        conn.close()


@router.get("/evidence/claims")
def evidence_claims(
    request: Request, actor: str | None = None, issue: str | None = None
) -> list[dict[str, Any]]:
    """Stance claims with their sentences, optionally for one actor and one issue."""
    from detente.evidence import claims

    conn = evidence_connection(request)
    try:
        return claims(conn, actor=actor or None, issue=issue or None)
    finally:
        conn.close()


@router.get("/evidence/timeline")
def evidence_timeline(
    request: Request, actor: str | None = None, scenario: str | None = None
) -> dict[str, Any]:
    """Dated events in date order, optionally those naming one actor, without sentence
    fragments and (given a scenario with a war) without events from before the war; each
    event's source as outlet and date. ``hidden`` counts what was left out."""
    from detente.evidence import source_label, timeline
    from detente.web.service import clean_timeline

    since = None
    if scenario:
        loaded = _data_dir(request).load(scenario)
        if loaded.war is not None and loaded.war.started is not None:
            since = str(loaded.war.started)
    conn = evidence_connection(request)
    try:
        rows = timeline(conn, actor=actor or None)
    finally:
        conn.close()
    kept = clean_timeline(rows, since)
    for row in kept:
        row["source"] = source_label(row)
    return {"events": kept, "hidden": len(rows) - len(kept)}
