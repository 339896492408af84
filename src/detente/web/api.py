"""The JSON API under /api (described by OpenAPI at /api/openapi.json); the pages call it too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, File, Request, UploadFile
from pydantic import BaseModel

from detente.errors import InputError
from detente.scenario import bundled_scenarios
from detente.web.service import ForecastRequest, run_request
from detente.web.store import MAX_UPLOAD_BYTES, DataDir

router = APIRouter(prefix="/api", tags=["api"])


class ScenarioEntry(BaseModel):
    """A scenario the dashboard can open."""

    id: str
    bundled: bool


class ForecastResponse(BaseModel):
    """A forecast (detente.forecast.to_data), its difference from the unedited baseline per
    table and outcome class (when edited), charts as SVG, the run's id and its wall time."""

    run: int
    forecast: dict[str, Any]
    difference: dict[str, dict[str, float]] | None
    charts: dict[str, str]
    elapsed_ms: float


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
def list_scenarios(request: Request) -> list[ScenarioEntry]:
    """The bundled and uploaded scenarios."""
    bundled = set(bundled_scenarios())
    names = _data_dir(request).scenario_names()
    return [ScenarioEntry(id=n, bundled=n in bundled) for n in names]


@router.get("/scenarios/{name}")
def get_scenario(request: Request, name: str) -> dict[str, Any]:
    """A scenario as data (the same fields as its YAML)."""
    return _data_dir(request).load(name).model_dump(mode="json")


@router.post("/scenarios")
async def upload_scenario(request: Request, file: UploadFile = File(...)) -> dict[str, str]:
    """Upload a YAML, JSON or KTAB CSV scenario (at most 1 MiB): parsed and validated, never
    executed, kept as YAML in the data directory under its id."""
    raw = await file.read(MAX_UPLOAD_BYTES + 1)
    scenario = _data_dir(request).save_upload(file.filename or "", raw)
    return {"id": scenario.id, "name": scenario.name}


@router.get("/engines")
def list_engines() -> list[str]:
    """Engines a forecast can use, and "protocol" for each table's own negotiation protocol."""
    from detente.engines import engine_choices

    return list(engine_choices())


@router.post("/forecast")
def forecast(request: Request, req: ForecastRequest) -> ForecastResponse:
    """Forecast a scenario, optionally with what-if edits (then also the difference from the
    unedited baseline, same seed and draws); every run is kept in the history."""
    store = _data_dir(request)
    out = run_request(store.load(req.scenario), req)
    kind = "whatif" if out["difference"] is not None else "forecast"
    request_data = req.model_dump(mode="json", exclude={"charts"})
    run_id = store.record(kind, request_data, out["forecast"], out["elapsed_ms"])
    return ForecastResponse(run=run_id, **out)


@router.get("/runs")
def list_runs(request: Request, limit: int = 100) -> list[dict[str, Any]]:
    """The run history, newest first (without each run's full data)."""
    return _data_dir(request).history(max(1, min(limit, 1000)))


@router.get("/runs/{run_id}")
def get_run(request: Request, run_id: int) -> dict[str, Any]:
    """One run with its request and full forecast data."""
    return _data_dir(request).run(run_id)


@router.get("/evidence/status")
def evidence_status(request: Request) -> dict[str, Any]:
    """Whether an evidence store is open, and how many documents it holds."""
    if request.app.state.evidence_db is None:
        return {"available": False, "documents": 0}
    from detente.evidence import documents

    conn = evidence_connection(request)
    try:
        return {"available": True, "documents": len(documents(conn))}
    finally:
        conn.close()


@router.get("/evidence/search")
def evidence_search(request: Request, q: str, limit: int = 20) -> list[dict[str, Any]]:
    """Sentences matching every word of the query, best first, with document and span."""
    from detente.evidence import search

    conn = evidence_connection(request)
    try:
        return search(conn, q, limit=max(1, min(limit, 200)))
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
def evidence_timeline(request: Request, actor: str | None = None) -> list[dict[str, Any]]:
    """Dated events in date order, optionally those naming one actor."""
    from detente.evidence import timeline

    conn = evidence_connection(request)
    try:
        return timeline(conn, actor=actor or None)
    finally:
        conn.close()
