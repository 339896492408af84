"""End to end in a real browser: Debian's headless Chromium driven by Playwright.

The server runs with uvicorn on 127.0.0.1 and a free port in a background thread. Screenshots
of every page go to a temporary directory, or to $DETENTE_SCREENSHOTS when set.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Debian chromium is not installed (make test installs it)", allow_module_level=True)

ARTICLES = Path(__file__).parents[1] / "data" / "evidence" / "articles"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
UPDATED = "document.getElementById('status').textContent.startsWith('{}')"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from detente.evidence import ingest, open_store
    from detente.web import create_app

    tmp = tmp_path_factory.mktemp("browser")
    db = tmp / "evidence.db"
    ingest(open_store(db), [ARTICLES])
    port = _free_port()
    app = create_app(tmp / "data", db)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started, "the server did not start"
    yield f"http://127.0.0.1:{port}", tmp
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def shots(server):
    path = Path(os.environ.get("DETENTE_SCREENSHOTS") or server[1] / "screens")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def page(server):
    base = server[0]
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            server[1] / "profile",  # a fresh temporary user-data-dir
            executable_path=CHROMIUM,
            args=ARGS,
            viewport={"width": 1280, "height": 900},
        )
        outside: list[str] = []

        def only_local(route):  # the dashboard must need nothing from the network
            if route.request.url.startswith(base):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", only_local)
        errors: list[str] = []
        tab = context.new_page()
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.set_default_timeout(15_000)
        yield tab
        context.close()
        assert outside == [], f"requests left the machine: {outside}"
        assert errors == [], f"script errors: {errors}"


def _settlement(page, table: str, klass: str = "comprehensive_settlement") -> str:
    return page.inner_text(f"#formats tr[data-table='{table}'] td[data-class='{klass}']")


def test_overview(server, page, shots):
    page.goto(server[0] + "/")
    assert "Russia–Ukraine" in page.inner_text("#title")
    assert page.locator("#chart-positions svg").count() == 1
    page.screenshot(path=str(shots / "overview.png"), full_page=True)


def test_forecast_page_opens_with_the_bottom_line(server, page, shots):
    page.goto(server[0] + "/forecast")
    page.wait_for_function(UPDATED.format("run "), timeout=120_000)
    sentences = page.locator("#summary-list li").all_inner_texts()
    assert len(sentences) >= 5
    # the words' numbers are the run's: compare with the stored forecast
    run = int(re.match(r"run (\d+)", page.inner_text("#status")).group(1))
    data = page.request.get(f"{server[0]}/api/runs/{run}").json()["data"]
    us = round(100 * data["tables"]["us_mediated"]["by"]["ceasefire"])
    assert any(f"US-mediated talks ({us}%)" in s for s in sentences), sentences
    assert page.locator("#ranking tr").count() == 7  # header + six formats
    assert page.locator("#dated tr").count() == 8  # header + six formats + base rate
    assert "Monte Carlo 95%" in page.inner_text("#ranking tr >> nth=0")
    for chart in ("ranking_ceasefire", "monthly", "ceasefire_survival", "classes", "survival"):
        assert page.locator(f"#chart-{chart} svg").count() == 1, chart
    assert page.locator("#chart-sensitivity_war svg").count() == 1  # every format has a panel
    assert "sensitivity=1" in page.url and "draws=10000" in page.url
    assert page.locator("abbr.term").count() >= 5  # glossary tooltips
    page.screenshot(path=str(shots / "forecast.png"), full_page=True)
    # a second visit with the same inputs is served from the history: no new run
    runs = len(page.request.get(f"{server[0]}/api/runs").json())
    page.goto(server[0] + "/forecast")
    page.wait_for_function(UPDATED.format("run "))
    assert "from the history" in page.inner_text("#status")
    assert len(page.request.get(f"{server[0]}/api/runs").json()) == runs


def test_forecast_can_be_downloaded(server, page, tmp_path):
    page.goto(server[0] + "/forecast?draws=2000&seed=0&engine=compromise&sensitivity=0")
    page.wait_for_function(UPDATED.format("run "), timeout=60_000)
    assert "2,000 draws" in page.inner_text("#meta")
    with page.expect_download() as info:
        page.click("#exports a:has-text('forecast JSON')")
    path = tmp_path / "f.json"
    info.value.save_as(path)
    import json

    assert json.loads(path.read_text())["meta"]["draws"] == 2000
    with page.expect_download() as info:
        page.click("#exports .pill:has-text('monthly') a:has-text('PNG')")
    png = tmp_path / "m.png"
    info.value.save_as(png)
    assert png.read_bytes()[:4] == b"\x89PNG"
    with page.expect_download() as info:
        page.click("#exports a:has-text('dated.csv')")
    assert info.value.suggested_filename.endswith("-dated.csv")


def _updated_after(page, status):
    page.wait_for_function(
        "s => document.getElementById('status').textContent.startsWith('updated') && "
        "document.getElementById('status').textContent !== s",
        arg=status,
    )


def _open_whatif(server, page) -> str:
    """Open the what-if page, wait for its first forecast, and return the status line."""
    page.goto(server[0] + "/whatif")
    page.wait_for_function(UPDATED.format("updated"))
    return page.inner_text("#status")


def test_whatif_change_updates_the_numbers(server, page, shots):
    _open_whatif(server, page)
    assert page.locator("#chart-difference svg").count() == 0  # untouched: nothing edited
    before = page.inner_text("#dated tr[data-table='bilateral'] td[data-q='ceasefire']")
    status = page.inner_text("#status")
    page.fill("#cap-ukraine", "120")  # a much stronger Ukraine
    _updated_after(page, status)
    after = page.inner_text("#dated tr[data-table='bilateral'] td[data-q='ceasefire']")
    assert after != before
    row = page.inner_text("#dated tr[data-table='bilateral']")
    assert re.search(r"[+−±]\d+\.\d", row) and "-0.0" not in row
    assert page.locator("#chart-difference svg").count() == 1
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280  # no sideways
    elapsed = int(re.search(r"in (\d+) ms", page.inner_text("#status")).group(1))
    assert elapsed < 10_000
    page.screenshot(path=str(shots / "whatif.png"), full_page=True)


def test_whatif_permalink_round_trip(server, page):
    status = _open_whatif(server, page)
    page.fill("#cap-russia", "95")
    _updated_after(page, status)
    link = page.get_attribute("#permalink", "href")
    assert "edits=" in link and "russia" in link and link in page.url
    row = page.inner_text("#dated tr[data-table='bilateral']")
    page.goto(server[0] + "/history")
    page.goto(server[0] + link)
    page.wait_for_function(UPDATED.format("updated"))
    assert page.input_value("#cap-russia") == "95"
    assert page.inner_text("#dated tr[data-table='bilateral']") == row
    assert page.locator("#chart-difference svg").count() == 1


def test_removing_the_mediator_gives_unmediated_talks(server, page):
    status = _open_whatif(server, page)
    page.select_option("#med-us_mediated", "")
    _updated_after(page, status)
    assert "error" not in (page.get_attribute("#status", "class") or "")
    assert page.is_disabled("#lev-us_mediated") and page.is_disabled("#bias-us_mediated")
    cell = page.locator("#dated tr[data-table='us_mediated'] td:nth-child(3) span")
    assert cell.get_attribute("class") == "down"  # fewer ceasefires: worse for peace, red
    assert cell.inner_text().startswith("−")
    war = page.locator("#dated tr[data-table='us_mediated'] td:nth-child(9) span")
    assert war.get_attribute("class") == "down"  # more war is never green
    assert war.inner_text().startswith("+")


def test_evidence_search_and_claims(server, page, shots):
    page.goto(server[0] + "/evidence")
    page.wait_for_selector("#claims", state="attached")
    page.fill("#q", "ceasefire")
    page.click("#search")
    page.wait_for_selector("#results")
    results = page.inner_text("#results")
    assert "nothing found" not in results and "ceasefire" in results.lower()
    assert page.locator("#results mark").count() >= 1
    example = page.inner_text("#example-query")
    page.fill("#q", "")
    page.click("#example-query")
    page.wait_for_function(
        "q => document.querySelector('#results-slot h2') && "
        "document.querySelector('#results-slot h2').textContent.includes(q)",
        arg=example,
    )
    assert "nothing found" not in page.inner_text("#results")
    page.select_option("#actor", "russia")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#claims tr td:first-child')]"
        ".every(td => td.textContent === 'russia')"
    )
    page.wait_for_selector("#timeline")
    page.screenshot(path=str(shots / "evidence.png"), full_page=True)


def test_history_lists_the_runs(server, page, shots):
    page.goto(server[0] + "/history")
    page.wait_for_selector("#runs")
    kinds = page.locator("#runs tr td:nth-child(5)").all_inner_texts()
    assert "whatif" in kinds and "forecast" in kinds
    first = page.locator("#runs input.run-label").first
    first.fill("my baseline")
    first.dispatch_event("change")
    page.wait_for_function("() => document.getElementById('status').textContent.includes('named')")
    page.locator("input.pick").nth(0).check()
    page.locator("input.pick").nth(1).check()
    page.click("#compare")
    page.wait_for_selector("#comparison")
    assert page.locator("#comparison tr").count() == 1 + 6 * 4
    assert "compare=" in page.url
    page.screenshot(path=str(shots / "history.png"), full_page=True)
    forecast_run = page.locator("#runs tr", has_text="forecast").first.get_attribute("data-run")
    page.goto(f"{server[0]}/forecast?run={forecast_run}")
    page.wait_for_function(UPDATED.format("stored run"))
    assert page.locator("#summary-list li").count() >= 5


@pytest.mark.parametrize("path", ["/", "/forecast", "/whatif", "/evidence", "/history", "/api"])
def test_phone_layout(server, page, shots, path):
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        page.goto(server[0] + path)
        if path in ("/forecast", "/whatif"):
            page.wait_for_function(
                "() => /^(run|updated|stored)/.test(document.getElementById('status').textContent)"
            )
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways ({width} px)"
        for link in page.locator("nav a").all():
            box = link.bounding_box()
            assert link.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 390
        if path in ("/", "/forecast", "/whatif"):
            name = "overview" if path == "/" else path.strip("/")
            page.screenshot(path=str(shots / f"{name}-390.png"), full_page=False)
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def test_errors_are_pages(server, page):
    response = page.goto(server[0] + "/?scenario=atlantis")
    assert response.status == 400
    assert "atlantis" in page.inner_text("#error")


def test_over_time_page_charts_the_series_and_what_moved_it(server, page, shots):
    page.goto(server[0] + "/over-time?scenario=ukraine-2026-01")
    page.wait_for_function(UPDATED.format("done"), timeout=120_000)
    assert page.locator("#chart-over-time svg").count() == 1
    assert page.locator("#over-time tr").count() == 1 + 6 * 2 + 2  # header, tables, base rate
    assert page.locator("#moved tr").count() == 1 + 6 * 2
    assert "russia" in page.inner_text("#moved").lower()
    page.screenshot(path=str(shots / "over-time.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"/over-time scrolls sideways ({width} px)"
        page.screenshot(path=str(shots / "over-time-390.png"), full_page=True)
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
