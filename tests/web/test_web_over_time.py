"""The dashboard's forecast over time: its JSON endpoint and its page."""

from __future__ import annotations

import pytest

pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

from detente.web import create_app  # noqa: E402

LOCAL = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app(tmp_path_factory.mktemp("web"))
    return TestClient(app, base_url=LOCAL, raise_server_exceptions=False)


def test_the_endpoint_gives_the_series_with_what_moved_it(client):
    response = client.get("/api/timeline", params={"scenario": "ukraine-2026-01", "draws": 300})
    assert response.status_code == 200, response.text
    body = response.json()
    data = body["timeline"]
    assert [s["id"] for s in data["meta"]["snapshots"]] == ["ukraine-2025", "ukraine-2026-01"]
    assert data["meta"]["by"] == "2027-01-22" and data["meta"]["draws"] == 300
    assert body["chart"].startswith("<svg")
    (step,) = data["steps"]
    assert any(i["id"] == "position:russia/territory" for i in step["items"])
    assert {r["event"] for r in body["moved"][0]} == {"ceasefire", "agreement"}
    again = client.get("/api/timeline", params={"scenario": "ukraine-2026-01", "draws": 300})
    assert again.json()["timeline"] == data


def test_an_older_snapshot_sees_nothing_later(client):
    body = client.get("/api/timeline", params={"scenario": "ukraine-2025", "draws": 100}).json()
    assert [s["id"] for s in body["timeline"]["meta"]["snapshots"]] == ["ukraine-2025"]
    assert body["timeline"]["steps"] == [] and body["chart"] is None


def test_bad_requests_are_refused_before_running(client):
    unknown = client.get("/api/timeline", params={"scenario": "nope"})
    assert unknown.status_code == 400 and "no scenario" in unknown.json()["error"]
    too_many = client.get("/api/timeline", params={"draws": 100_001})
    assert too_many.status_code in (400, 422)


def test_the_page_renders_and_is_in_the_navigation(client):
    page = client.get("/over-time", params={"scenario": "ukraine-2026-01"})
    assert page.status_code == 200
    assert 'href="/over-time?scenario=ukraine-2026-01"' in page.text
    assert "/api/timeline" in page.text
