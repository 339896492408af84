"""The report's parts: judgments as text, citations, typical paths, charts, escaping."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.forecast import ForecastConfig, run_forecast, to_data
from detente.forecast.typical import engine_path, negotiation_path
from detente.report import build_report, render_html, render_markdown
from detente.report.build import citations, judgment_text
from detente.scenario import Uncertain, load_scenario, validate_data
from detente.scenario.io import scenario_to_data

MINIMAL = Path(__file__).parents[1] / "data" / "minimal.yaml"


@pytest.fixture(scope="module")
def minimal():
    return load_scenario(MINIMAL)


def test_judgment_text():
    assert judgment_text(40.0) == "40"
    assert judgment_text(Uncertain(low=20, mode=30, high=40)) == "30 (20–40)"
    assert judgment_text(None) == "–"


def test_every_position_and_capability_is_listed_with_its_quotes(minimal):
    rows = citations(minimal)
    judgments = {r["judgment"] for r in rows}
    assert {f"{p.actor} on {p.issue}" for p in minimal.positions} <= judgments
    assert {f"capability of {a.id}" for a in minimal.actors} <= judgments
    cited = next(r for r in rows if r["judgment"] == "capability of a")
    assert cited["quotes"][0]["quote"] == "A is strong" and cited["quotes"][0]["source"] == "s1"
    uncited = next(r for r in rows if r["judgment"] == "capability of b")
    assert uncited["quotes"] == []


def test_negotiation_path_ends_at_the_agreement(minimal):
    for table in ("direct", "mediated"):
        path = negotiation_path(minimal, table)
        assert path.offers.shape[1] == len(minimal.issues)
        assert np.all((path.offers >= 0) & (path.offers <= 100))
        assert len(path.proposers) == path.offers.shape[0]
        if path.agreed:
            assert path.offers.shape[0] == path.round + 1
        else:
            assert path.reason


def test_engine_path_starts_at_the_modal_ideals(minimal):
    path = engine_path(minimal, "direct", "compromise")
    assert path.actors == ["a", "b"]
    assert path.positions.shape == (2, 2, 2)  # one-step engine: start and finish
    assert path.positions[0, 0].tolist() == [0.0, 0.0]
    assert path.positions[0, 1].tolist() == [100.0, 90.0]
    mediated = engine_path(minimal, "mediated", "compromise")
    assert mediated.actors[-1] == "m (mediator)"


def test_html_escapes_scenario_text(minimal):
    data = scenario_to_data(minimal)
    data["name"] = "<script>alert(1)</script> talks"
    data["actors"][0]["citations"] = [{"source": "s1", "quote": "<img src=x onerror=alert(1)>"}]
    hostile = validate_data(data)
    run = run_forecast(hostile, ForecastConfig(draws=200, seed=1))
    html = render_html(build_report(hostile, run))
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; talks" in html
    markdown = render_markdown(build_report(hostile, run))
    assert markdown.startswith("# <script>")  # Markdown is plain text: left as written


def test_report_without_sensitivity_says_so(minimal):
    run = run_forecast(minimal, ForecastConfig(draws=200, seed=0))
    context = build_report(minimal, run)
    assert context["charts"]["sensitivity"] == ""
    html = render_html(context)
    assert 'id="sensitivity-table"' in html and "direct" in html


def test_settlement_terms_chart_says_so_when_no_draw_settles(minimal):
    """No settled draw anywhere: the chart is a sentence saying so, not empty axes."""
    from detente.report import charts

    data = to_data(run_forecast(minimal, ForecastConfig(draws=200, seed=0)))
    for t in data["tables"].values():
        for st in t["settlement"].values():
            st["median"] = None
    svg = charts.to_svg(charts.settlement_chart(data))
    assert "No draw at any format reaches a comprehensive settlement" in svg
