"""The dashboard's pages: Jinja templates whose scripts call the JSON API under /api."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from detente import __version__
from detente.scenario import DEFAULT_SCENARIO
from detente.web.service import EDIT_DRAWS, FULL_DRAWS

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
router = APIRouter(include_in_schema=False)


def render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    """A page with the navigation's shared context."""
    from detente.report import GLOSSARY

    state = request.app.state
    context.update(
        glossary=GLOSSARY,
        scenarios=state.data_dir.scenario_names(),
        version=__version__,
        has_evidence=state.evidence_db is not None,
        edit_draws=EDIT_DRAWS,
        full_draws=FULL_DRAWS,
        path=request.url.path,
    )
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status)


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, scenario: str = DEFAULT_SCENARIO):
    """The scenario at a glance, and loading another one."""
    from detente.report import charts, citations

    loaded = request.app.state.data_dir.load(scenario)
    chart = charts.to_svg(charts.positions_chart(loaded))
    cited = sum(1 for c in citations(loaded) if c["quotes"])
    return render(
        request,
        "overview.html",
        scenario=loaded,
        name=scenario,
        chart=chart,
        cited=cited,
        judgments=len(citations(loaded)),
    )


@router.get("/forecast", response_class=HTMLResponse)
def forecast_page(request: Request, scenario: str = DEFAULT_SCENARIO, run: int | None = None):
    """The bottom line and the formats side by side; the page asks /api/forecast for the
    numbers and charts (or /api/runs/ID/view for a stored run, with ``run``)."""
    store = request.app.state.data_dir
    if run is not None:
        scenario = store.run(run)["scenario"]
    loaded = store.load(scenario)
    return render(request, "forecast.html", scenario=loaded, name=scenario, run=run)


@router.get("/over-time", response_class=HTMLResponse)
def over_time_page(request: Request, scenario: str = "ukraine-2026-01"):
    """The forecast over time of the scenario's series; the page asks /api/timeline."""
    loaded = request.app.state.data_dir.load(scenario)
    return render(request, "over_time.html", scenario=loaded, name=scenario)


@router.get("/whatif", response_class=HTMLResponse)
def whatif_page(request: Request, scenario: str = DEFAULT_SCENARIO):
    """Form controls for judgments; the page asks /api/forecast with the edits."""
    from detente.report import Labels, scale_ends

    loaded = request.app.state.data_dir.load(scenario)
    return render(
        request,
        "whatif.html",
        scenario=loaded,
        name=scenario,
        labels=Labels(loaded),
        scale_ends=scale_ends(loaded),
    )


@router.get("/evidence", response_class=HTMLResponse)
def evidence_page(request: Request, scenario: str = DEFAULT_SCENARIO):
    """Search, claims by actor and issue, timeline; the page asks /api/evidence/*."""
    loaded = request.app.state.data_dir.load(scenario)
    return render(request, "evidence.html", scenario=loaded, name=scenario)


@router.get("/history", response_class=HTMLResponse)
def history_page(request: Request):
    """Every run kept in the data directory; the page asks /api/runs."""
    return render(request, "history.html", name=None)


@router.get("/api", response_class=HTMLResponse)
def api_page(request: Request):
    """The JSON API's endpoints, read from its OpenAPI schema (no external assets)."""
    return render(request, "apidocs.html", schema=request.app.openapi(), name=None)
