"""The web dashboard: FastAPI pages and a JSON API under /api that the pages themselves call.

Uploaded scenarios are parsed and validated, never executed, and stored only inside the data
directory; run history lives in SQLite there too. Errors render as pages (or JSON under /api),
never as tracebacks.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI, File, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from detente import __version__
from detente.errors import InputError
from detente.scenario import Scenario, bundled_scenarios, load_scenario, validate_data
from detente.web.whatif import Edits, apply_edits

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_WEB_DRAWS = 50_000
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


class ForecastRequest(BaseModel):
    """A forecast asked for by a page: few draws while editing, more on request."""

    scenario: str = "ukraine-2025"
    draws: int = Field(2_000, ge=1, le=MAX_WEB_DRAWS)
    seed: int = Field(0, ge=0)
    engine: str = "compromise"
    edits: Edits = Field(default_factory=Edits)
    sensitivity: bool = False


class Store:
    """The data directory: uploaded scenarios and the run history."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.uploads = data_dir / "scenarios"
        self.uploads.mkdir(parents=True, exist_ok=True)
        self.db = data_dir / "runs.db"
        with self._connect() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, created REAL, "
                "scenario TEXT, input_hash TEXT, seed INTEGER, draws INTEGER, engine TEXT, "
                "edits TEXT, summary TEXT)"
            )

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.db)
        conn.execute("PRAGMA journal_mode=WAL")
        return conn

    def scenario_names(self) -> list[str]:
        """Bundled scenarios, then uploaded ones."""
        return bundled_scenarios() + sorted(p.stem for p in self.uploads.glob("*.yaml"))

    def load(self, name: str) -> Scenario:
        """A bundled or uploaded scenario by name."""
        uploaded = self.uploads / f"{name}.yaml"
        if name not in self.scenario_names():
            raise InputError(f"no scenario {name!r}", field="scenario")
        return load_scenario(uploaded if uploaded.is_file() else name)

    def save_upload(self, filename: str, raw: bytes) -> Scenario:
        """Validate an uploaded YAML/JSON scenario and keep it as YAML under its own id."""
        from detente.scenario import dump_yaml
        from detente.scenario import load_scenario as load

        if len(raw) > MAX_UPLOAD_BYTES:
            raise InputError("upload larger than 1 MB", field="file")
        suffix = Path(filename or "upload.yaml").suffix.lower()
        if suffix not in (".yaml", ".yml", ".json"):
            raise InputError("expected a .yaml, .yml or .json scenario", field="file")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(raw)
            try:
                scenario = load(path)
            except InputError as exc:
                raise InputError(exc.message, line=exc.line, field=exc.field) from None
        if scenario.id in bundled_scenarios():
            raise InputError(f"id {scenario.id!r} is taken by a bundled scenario", field="id")
        (self.uploads / f"{scenario.id}.yaml").write_text(dump_yaml(scenario), encoding="utf-8")
        return scenario

    def record(self, request: ForecastRequest, data: dict[str, Any]) -> int:
        """Keep a run in the history; its id."""
        summary = {
            t: v["outcome_classes"]["comprehensive_settlement"]["p"]
            for t, v in data["tables"].items()
        }
        with self._connect() as conn:
            cur = conn.execute(
                "INSERT INTO runs (created, scenario, input_hash, seed, draws, engine, edits, "
                "summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    time.time(),
                    request.scenario,
                    data["meta"]["input_hash"],
                    request.seed,
                    request.draws,
                    request.engine,
                    request.edits.model_dump_json(),
                    json.dumps(summary),
                ),
            )
            return int(cur.lastrowid)

    def history(self, limit: int = 50) -> list[dict[str, Any]]:
        """The latest runs, newest first."""
        with self._connect() as conn:
            conn.row_factory = sqlite3.Row
            rows = conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [{**dict(r), "summary": json.loads(r["summary"])} for r in rows]


@lru_cache(maxsize=32)
def _cached_forecast(scenario_json: str, draws: int, seed: int, engine: str, drivers: bool):
    from detente.forecast import ForecastConfig, ForecastRun, run_forecast, table_drivers, to_data

    scenario = validate_data(json.loads(scenario_json))
    config = ForecastConfig(draws=draws, seed=seed, engine=engine).checked(scenario)
    run = run_forecast(scenario, config)
    if drivers:
        run = ForecastRun(run.scenario, run.config, run.plans, run.aggregates,
                          table_drivers(scenario, config))  # fmt: skip
    return json.dumps(to_data(run))


def forecast_data(scenario: Scenario, req: ForecastRequest) -> dict[str, Any]:
    """The forecast's data (cached per inputs, so the baseline of a what-if is computed once)."""
    from detente.scenario import dump_json

    text = _cached_forecast(dump_json(scenario), req.draws, req.seed, req.engine, req.sensitivity)
    return json.loads(text)


def differences(edited: dict[str, Any], baseline: dict[str, Any]) -> dict[str, Any]:
    """Per table and outcome class, the edited probability minus the baseline's."""
    return {
        t: {
            c: round(v["p"] - baseline["tables"][t]["outcome_classes"][c]["p"], 6)
            for c, v in table["outcome_classes"].items()
        }
        for t, table in edited["tables"].items()
    }


def create_app(data_dir: Path | None = None, db: Path | None = None) -> FastAPI:
    """The dashboard app; ``data_dir`` holds uploads and history, ``db`` an evidence store."""
    store = Store(data_dir or Path(tempfile.mkdtemp(prefix="detente-web-")))
    app = FastAPI(title="detente", version=__version__, docs_url="/api/docs",
                  openapi_url="/api/openapi.json")  # fmt: skip

    def page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        context.update(scenarios=store.scenario_names(), version=__version__, has_db=db is not None)
        return TEMPLATES.TemplateResponse(request, template, context, status_code=status)

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": str(exc)}, status_code=400)
        return page(request, "error.html", status=400, message=str(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        message = f"internal error ({type(exc).__name__})"
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=500)
        return HTMLResponse(f"<h1>detente</h1><p>{message}</p>", status_code=500)

    # ---- JSON API -------------------------------------------------------------------------

    @app.get("/api/scenarios")
    def api_scenarios() -> list[str]:
        """Names of the bundled and uploaded scenarios."""
        return store.scenario_names()

    @app.get("/api/scenarios/{name}")
    def api_scenario(name: str) -> dict[str, Any]:
        """A scenario as data."""
        return store.load(name).model_dump(mode="json")

    @app.post("/api/scenarios")
    async def api_upload(file: UploadFile = File(...)) -> dict[str, str]:
        """Upload a YAML or JSON scenario (validated, at most 1 MB)."""
        raw = await file.read(MAX_UPLOAD_BYTES + 1)
        scenario = store.save_upload(file.filename or "", raw)
        return {"id": scenario.id, "name": scenario.name}

    @app.post("/api/forecast")
    def api_forecast(req: ForecastRequest) -> dict[str, Any]:
        """Forecast a scenario, with what-if edits; with edits, also the baseline difference."""
        base_scenario = store.load(req.scenario)
        scenario = apply_edits(base_scenario, req.edits)
        data = forecast_data(scenario, req)
        run_id = store.record(req, data)
        out: dict[str, Any] = {"run": run_id, "forecast": data}
        if not req.edits.is_empty():
            baseline = forecast_data(base_scenario, req.model_copy(update={"edits": Edits()}))
            out["difference"] = differences(data, baseline)
        return out

    @app.get("/api/runs")
    def api_runs() -> list[dict[str, Any]]:
        """Run history, newest first."""
        return store.history()

    def evidence_store():
        if db is None:
            raise InputError("no evidence store: start the server with --db FILE", field="db")
        from detente.evidence import open_store

        return open_store(db)

    @app.get("/api/evidence/search")
    def api_search(q: str) -> list[dict[str, Any]]:
        """Sentences matching a full-text query."""
        from detente.evidence import search

        return [dict(r) for r in search(evidence_store(), q)]

    @app.get("/api/evidence/claims")
    def api_claims(actor: str | None = None, issue: str | None = None) -> list[dict[str, Any]]:
        """Stance claims, optionally by actor and issue."""
        from detente.evidence import claims

        return [dict(r) for r in claims(evidence_store(), actor=actor, issue=issue)]

    @app.get("/api/evidence/timeline")
    def api_timeline() -> list[dict[str, Any]]:
        """Dated events in date order."""
        from detente.evidence import timeline

        return [dict(r) for r in timeline(evidence_store())]

    # ---- pages ----------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    def overview(request: Request, scenario: str = "ukraine-2025"):
        from detente.report import charts

        loaded = store.load(scenario)
        chart = charts.to_svg(charts.positions_chart(loaded))
        return page(request, "overview.html", scenario=loaded, name=scenario, chart=chart)

    @app.get("/forecast", response_class=HTMLResponse)
    def forecast_page(request: Request, scenario: str = "ukraine-2025", draws: int = 5_000):
        from detente.report import charts

        req = ForecastRequest(scenario=scenario, draws=min(max(draws, 1), MAX_WEB_DRAWS),
                              sensitivity=True)  # fmt: skip
        data = forecast_data(store.load(scenario), req)
        store.record(req, data)
        svgs = {
            "classes": charts.to_svg(charts.classes_chart(data)),
            "survival": charts.to_svg(charts.survival_chart(data)),
        }
        return page(request, "forecast.html", data=data, name=scenario, charts=svgs)

    @app.get("/whatif", response_class=HTMLResponse)
    def whatif_page(request: Request, scenario: str = "ukraine-2025"):
        return page(request, "whatif.html", scenario=store.load(scenario), name=scenario)

    @app.get("/evidence", response_class=HTMLResponse)
    def evidence_page(request: Request, q: str = "", actor: str = "", issue: str = ""):
        from detente.evidence import claims, search, timeline

        if db is None:
            return page(request, "evidence.html", results=None, claims=None, events=None, q=q)
        conn = evidence_store()
        results = [dict(r) for r in search(conn, q)] if q else []
        found = [dict(r) for r in claims(conn, actor=actor or None, issue=issue or None)]
        events = [dict(r) for r in timeline(conn)]
        return page(request, "evidence.html", results=results, claims=found, events=events, q=q,
                    actor=actor, issue=issue)  # fmt: skip

    @app.get("/history", response_class=HTMLResponse)
    def history_page(request: Request):
        return page(request, "history.html", runs=store.history())

    return app
