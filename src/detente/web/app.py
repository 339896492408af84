"""The web dashboard: FastAPI pages (Jinja templates, a small script of our own in
static/detente.js) and the JSON API under /api that the pages call.

Uploaded scenarios are parsed and validated in memory, never executed, and stored only inside
the data directory; the run history lives in SQLite there too. Errors render as pages (or as
``{"error": ...}`` under /api), never as tracebacks.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from detente import __version__
from detente.errors import InputError
from detente.web import api, pages
from detente.web.guard import LOOPBACK_HOSTS, Refuse, add_host_and_origin_guard
from detente.web.service import Busy, Cancelled, ForecastPool
from detente.web.store import MAX_UPLOAD_BYTES, DataDir, UploadExists

MAX_REQUEST_BYTES = 256 * 1024
"""Largest body of any other POST (a forecast request with every what-if edit is a few KiB)."""
MULTIPART_SLACK = 64 * 1024
"""Bytes of multipart framing allowed on top of the largest accepted upload."""


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str):
    if _is_api(request):
        return JSONResponse({"error": message}, status_code=status)
    try:
        return pages.render(request, "error.html", status=status, message=message)
    except Exception:  # the error page itself failed: plain text, still no traceback
        return HTMLResponse(f"<h1>detente</h1><p>{status}: error</p>", status_code=status)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query"))
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", ""))
    return "; ".join(parts) or "invalid request"


def add_error_handlers(app: FastAPI) -> None:
    """Every error becomes a page or a JSON body, never a traceback."""

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError):
        return _error(request, 409 if isinstance(exc, UploadExists) else 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        return _error(request, 422, _validation_message(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and exc.detail == "Not Found":
            message = f"no page at {request.url.path}"
        return _error(request, exc.status_code, message)

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy):
        response = _error(request, 503, "every forecast worker is busy; try again shortly")
        response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(Cancelled)
    async def cancelled(request: Request, exc: Cancelled):
        return _error(request, 503, "the forecast was stopped: the client went away")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        return _error(request, 500, f"internal error ({type(exc).__name__})")


def add_upload_limit(app: FastAPI) -> None:
    """Refuse an upload (or any other POST body) larger than its limit before the body is read
    (no spooling to disk, no large body held in memory)."""

    def limit(request: Request) -> JSONResponse | None:
        if request.method != "POST":
            return None
        upload = request.url.path == "/api/scenarios"
        most = MAX_UPLOAD_BYTES + MULTIPART_SLACK if upload else MAX_REQUEST_BYTES
        length = request.headers.get("content-length")
        if length is None or not length.isdigit():
            return JSONResponse({"error": "requests need a Content-Length"}, status_code=411)
        if int(length) > most:
            shown_limit = MAX_UPLOAD_BYTES if upload else MAX_REQUEST_BYTES
            message = (
                f"{'upload' if upload else 'request body'} larger than {shown_limit // 1024} KiB"
            )
            return JSONResponse({"error": message}, status_code=413)
        return None

    app.add_middleware(Refuse, check=limit)


def create_app(
    data_dir: Path | None = None,
    evidence_db: Path | None = None,
    *,
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS,
    workers: int = 2,
    queue: int = 256,
) -> FastAPI:
    """The dashboard; ``data_dir`` holds uploads and run history (a fresh temporary directory
    when None), ``evidence_db`` an evidence store for the evidence browser. Requests for another
    ``Host`` than ``allowed_hosts``, and cross-origin POSTs, are refused. At most ``workers``
    forecasts run at once, with ``queue`` more waiting."""
    app = FastAPI(
        title="detente",
        version=__version__,
        summary="Forecasts of multi-party peace negotiations: the dashboard's JSON API.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.data_dir = DataDir(data_dir or Path(tempfile.mkdtemp(prefix="detente-web-")))
    app.state.evidence_db = evidence_db
    app.state.forecast_pool = ForecastPool(workers, queue)
    add_error_handlers(app)
    add_upload_limit(app)
    add_host_and_origin_guard(app, allowed_hosts)
    static = Path(__file__).parent / "static"
    app.mount("/static", StaticFiles(directory=static), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    return app
