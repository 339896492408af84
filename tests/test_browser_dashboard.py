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

ARTICLES = Path(__file__).parent / "data" / "evidence" / "articles"
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


def test_forecast_page_runs_through_the_api(server, page, shots):
    page.goto(server[0] + "/forecast")
    page.wait_for_function(UPDATED.format("run "))
    assert page.locator("#formats tr").count() == 7  # header + six tables
    assert re.match(r"\d+%", _settlement(page, "bilateral"))
    # no sensitivity chart of P(settlement): no table of the bundled case settles in any draw
    for chart in ("classes", "intervals", "settlement", "survival"):
        assert page.locator(f"#chart-{chart} svg").count() == 1, chart
    page.select_option("#draws", "2000")
    page.uncheck("#sensitivity")
    status = page.inner_text("#status")
    page.click("#run")
    page.wait_for_function(
        "s => document.getElementById('status').textContent.startsWith('run ') && "
        "document.getElementById('status').textContent !== s",
        arg=status,
    )
    assert "2,000 draws" in page.inner_text("#meta")
    page.screenshot(path=str(shots / "forecast.png"), full_page=True)


def test_whatif_change_updates_the_numbers(server, page, shots):
    page.goto(server[0] + "/whatif")
    page.wait_for_function(UPDATED.format("updated"))
    assert page.locator("#chart-difference svg").count() == 0  # untouched: nothing edited
    # the war share moves (no draw of the bundled case settles, so the settlement share stays 0%)
    before = _settlement(page, "bilateral", "collapse_war")
    status = page.inner_text("#status")
    page.fill("#cap-ukraine", "120")  # a much stronger Ukraine
    page.wait_for_function(
        "s => document.getElementById('status').textContent.startsWith('updated') && "
        "document.getElementById('status').textContent !== s",
        arg=status,
    )
    after = _settlement(page, "bilateral", "collapse_war")
    assert after != before
    row = page.inner_text("#formats tr[data-table='bilateral']")
    assert re.search(r"[+-]\d+\.\d", row)  # the difference from the baseline is shown
    assert page.locator("#chart-difference svg").count() == 1
    elapsed = int(re.search(r"in (\d+) ms", page.inner_text("#status")).group(1))
    assert elapsed < 5_000
    page.screenshot(path=str(shots / "whatif.png"), full_page=True)


def test_evidence_search_and_claims(server, page, shots):
    page.goto(server[0] + "/evidence")
    page.wait_for_selector("#claims")
    page.fill("#q", "ceasefire")
    page.click("#search")
    page.wait_for_selector("#results")
    results = page.inner_text("#results")
    assert "nothing found" not in results and "ceasefire" in results.lower()
    assert page.locator("#results mark").count() >= 1
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
    kinds = page.locator("#runs tr td:nth-child(3)").all_inner_texts()
    assert "whatif" in kinds and "forecast" in kinds
    page.screenshot(path=str(shots / "history.png"), full_page=True)


def test_errors_are_pages(server, page):
    response = page.goto(server[0] + "/?scenario=atlantis")
    assert response.status == 400
    assert "atlantis" in page.inner_text("#error")
