"""Work is bounded: request budgets, a bounded forecast pool, cancellation, sweep grids checked
first, concurrent history writes, and ingest that grows with the text, not its square."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import anyio
import pytest

pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

from detente.cli import main  # noqa: E402
from detente.scenario import load_scenario, validate_data  # noqa: E402
from detente.web import create_app, service  # noqa: E402
from detente.web.budget import MAX_WORK, check_budget, work_units  # noqa: E402
from detente.web.service import Cancelled, ForecastRequest, forecast_data  # noqa: E402
from detente.web.store import DataDir  # noqa: E402

LOCAL = "http://127.0.0.1:8000"


def big_scenario(actors: int, issues: int, deadline: int = 50) -> dict:
    ids = [f"a{i}" for i in range(actors)]
    return {
        "id": "big",
        "name": "Big",
        "actors": [
            {"id": a, "name": a, "kind": "state", "capability": 1 + i % 7}
            for i, a in enumerate(ids)
        ],  # fmt: skip
        "issues": [
            {
                "id": f"i{k}",
                "name": "I",
                "status_quo": 50,
                "anchors": [{"value": 0, "label": "x"}, {"value": 100, "label": "y"}],
            }
            for k in range(issues)
        ],  # fmt: skip
        "positions": [
            {
                "actor": a,
                "issue": f"i{k}",
                "ideal": (i * 37 + k * 11) % 101,
                "salience": 30 + (i % 5) * 10,
            }
            for i, a in enumerate(ids)
            for k in range(issues)
        ],  # fmt: skip
        "tables": [{"id": "t", "name": "T", "parties": ids, "deadline": deadline}],
    }


def test_budget_grows_with_every_factor():
    small = validate_data(big_scenario(4, 2))
    base = work_units(small, 1000, "compromise")
    assert work_units(small, 2000, "compromise") == 2 * base
    assert work_units(small, 1000, "protocol") > 10 * base
    assert work_units(small, 1000, "bdm") > base
    assert work_units(small, 1000, "compromise", sensitivity=True) > base
    assert work_units(validate_data(big_scenario(8, 2)), 1000, "compromise") > base
    assert work_units(validate_data(big_scenario(4, 4)), 1000, "compromise") > base


def test_bundled_case_fits_the_budget_at_the_dashboard_defaults():
    case = load_scenario()
    check_budget(case, 20_000, "compromise", sensitivity=True)
    check_budget(case, 2_000, "protocol", runs=2)
    assert work_units(case, 100_000, "protocol") > MAX_WORK


@pytest.fixture()
def client(tmp_path):
    return TestClient(create_app(tmp_path / "d"), base_url=LOCAL, raise_server_exceptions=False)


def test_request_over_budget_is_refused_before_running(client, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the forecast ran")

    monkeypatch.setattr(service, "forecast_data", never)
    response = client.post("/api/forecast", json={"draws": 100_000, "engine": "protocol"})
    assert response.status_code == 400
    assert "too large" in response.json()["error"] and "draws" in response.json()["error"]


def test_oversized_scenario_is_refused(client):
    upload = json.dumps(big_scenario(150, 50)).encode()
    assert len(upload) < 1024 * 1024
    ok = client.post("/api/scenarios", files={"file": ("big.json", upload)})
    assert ok.status_code == 200, ok.text
    response = client.post("/api/forecast", json={"scenario": "big", "draws": 5000})
    assert response.status_code == 400 and "too large" in response.json()["error"]


def test_full_pool_answers_503_at_once(tmp_path, monkeypatch):
    release = threading.Event()
    started = threading.Event()

    def slow(*args, **kwargs):
        started.set()
        release.wait(30)
        raise RuntimeError("released")

    monkeypatch.setattr(service, "forecast_data", slow)
    app = create_app(tmp_path / "d", workers=1, queue=0)
    client = TestClient(app, base_url=LOCAL, raise_server_exceptions=False)
    first = threading.Thread(target=lambda: client.post("/api/forecast", json={"draws": 10}))
    first.start()
    assert started.wait(30)
    start = time.perf_counter()
    second = client.post("/api/forecast", json={"draws": 10})
    engines = client.get("/api/engines")
    elapsed = time.perf_counter() - start
    release.set()
    first.join(30)
    assert second.status_code == 503 and second.headers["retry-after"]
    assert engines.status_code == 200 and elapsed < 5


def test_cancelled_forecast_stops():
    cancel = threading.Event()
    cancel.set()
    req = ForecastRequest(draws=12_000, seed=987_654)
    with pytest.raises(Cancelled):
        forecast_data(load_scenario(), req, cancel)


def test_disconnect_sets_the_cancel_flag():
    class Gone:
        async def is_disconnected(self) -> bool:
            return True

    cancel = threading.Event()
    anyio.run(service._watch_disconnect, Gone(), cancel)
    assert cancel.is_set()


def test_concurrent_history_writes_all_land(tmp_path):
    store = DataDir(tmp_path / "d")
    data = {"tables": {"t": {"outcome_classes": {"war": {"p": 1.0}}}}, "meta": {"input_hash": "x"}}
    request = {"scenario": "s", "seed": 0, "draws": 1, "engine": "compromise"}
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for _ in range(10):
                store.record("forecast", request, data, 1.0)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(store.history(1000)) == 200


def test_sweep_grid_size_is_checked_before_any_work(tmp_path, capsys):
    start = time.perf_counter()
    with pytest.raises(SystemExit) as exit_info:
        main(["sweep", "--vary", "actors[ukraine].capability=20:40:1000000000", "-o",
              str(tmp_path / "x.parquet")])  # fmt: skip
    assert exit_info.value.code == 2
    assert "more than 10,000 points" in capsys.readouterr().err
    assert time.perf_counter() - start < 10
    assert not (tmp_path / "x.parquet").exists()


def test_one_huge_sentence_is_extracted_in_near_linear_time():
    from detente.evidence import load_gazetteer, load_lexicon
    from detente.evidence.extract import extract

    gazetteer, lexicon = load_gazetteer(), load_lexicon()
    unit = "Russia demands territory and Ukraine rejects it "
    small, large = unit * 500, unit * 4000
    extract(small, gazetteer, lexicon)
    start = time.perf_counter()
    extract(small, gazetteer, lexicon)
    t_small = time.perf_counter() - start
    start = time.perf_counter()
    result = extract(large, gazetteer, lexicon)
    t_large = time.perf_counter() - start
    assert len(result.actors) == 8000
    # 8 times the text: a quadratic step would take about 64 times as long
    assert t_large < 24 * t_small + 1.0, (t_small, t_large)


def test_ingest_benchmark_section_runs():
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks.ingest import run

    assert "| sentences | 20 |" in run(quick=True)


def test_client_leaving_cancels_its_forecast_on_a_real_server(tmp_path, monkeypatch):
    import socket

    import httpx
    import uvicorn

    seen = threading.Event()
    cancelled = threading.Event()

    def until_cancelled(scenario, req, cancel=None):
        seen.set()
        if cancel is not None and cancel.wait(20):
            cancelled.set()
            raise Cancelled()
        raise RuntimeError("never cancelled")

    monkeypatch.setattr(service, "forecast_data", until_cancelled)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(tmp_path / "d"), host="127.0.0.1", port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.time() + 20
        while not server.started and time.time() < deadline:
            time.sleep(0.05)
        with pytest.raises(httpx.TimeoutException):
            httpx.post(f"http://127.0.0.1:{port}/api/forecast", json={"draws": 10}, timeout=1.0)
        assert seen.wait(10)
        assert cancelled.wait(5)
    finally:
        server.should_exit = True
        thread.join(10)


def test_release_memory_is_safe_to_call():
    service.release_memory()
    service.release_memory()
