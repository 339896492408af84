"""End to end in a real browser: Debian's headless Chromium driven by Playwright."""

from __future__ import annotations

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
    config = uvicorn.Config(create_app(tmp / "data", db), host="127.0.0.1", port=port,
                            log_level="warning")  # fmt: skip
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", tmp
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(server):
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        yield context.new_page()
        browser.close()


def test_dashboard_forecast_whatif_and_evidence(server, page):
    base, tmp = server
    shots = Path(__import__("os").environ.get("DETENTE_SCREENSHOTS", tmp / "screens"))
    shots.mkdir(parents=True, exist_ok=True)

    page.goto(base + "/")
    assert "Russia–Ukraine" in page.inner_text("#title")
    page.screenshot(path=str(shots / "overview.png"), full_page=True)

    page.goto(base + "/forecast?draws=2000")
    assert page.locator("#formats tr").count() == 6
    page.screenshot(path=str(shots / "forecast.png"), full_page=True)

    page.goto(base + "/whatif")
    page.wait_for_function("document.getElementById('status').textContent.startsWith('updated')")
    before = page.inner_text("#result")
    status = page.inner_text("#status")
    page.fill("#cap-ukraine", "5")
    page.dispatch_event("#cap-ukraine", "change")
    page.wait_for_function(
        "s => document.getElementById('status').textContent.startsWith('updated') && "
        "document.getElementById('status').textContent !== s",
        arg=status,
    )
    after = page.inner_text("#result")
    assert after != before
    assert "-" in after  # a Δ column shows a fall somewhere
    page.screenshot(path=str(shots / "whatif.png"), full_page=True)

    page.goto(base + "/evidence")
    page.fill("#q", "ceasefire")
    page.click("#search")
    page.wait_for_selector("#results")
    assert "nothing found" not in page.inner_text("#results")
    page.screenshot(path=str(shots / "evidence.png"), full_page=True)

    for name in ("overview", "forecast", "whatif", "evidence"):
        assert (shots / f"{name}.png").stat().st_size > 10_000
