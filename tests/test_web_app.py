"""The dashboard's pages and JSON API, through FastAPI's test client."""

from __future__ import annotations

import pytest

pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

from detente.web import create_app  # noqa: E402

MINIMAL_UPLOAD = b"""id: uploaded
name: Uploaded case
actors:
  - {id: a, name: A, kind: state, capability: 2}
  - {id: b, name: B, kind: state, capability: 1}
issues:
  - id: x
    name: X
    anchors: [{value: 0, label: a}, {value: 100, label: b}]
    status_quo: 50
positions:
  - {actor: a, issue: x, ideal: 0, salience: 50}
  - {actor: b, issue: x, ideal: 100, salience: 50}
tables:
  - {id: t, name: Talks, parties: [a, b]}
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return TestClient(create_app(tmp_path_factory.mktemp("web")))


@pytest.mark.parametrize("path", ["/", "/forecast?draws=1000", "/whatif", "/evidence", "/history"])
def test_pages_render(client, path):
    response = client.get(path)
    assert response.status_code == 200 and "<nav>" in response.text


def test_api_is_described_by_openapi(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/forecast", "/api/scenarios", "/api/runs"} <= set(paths)


def test_whatif_reports_the_difference_from_the_baseline(client):
    body = client.post(
        "/api/forecast", json={"draws": 1000, "edits": {"capability": {"ukraine": 5}}}
    ).json()
    assert set(body["difference"]) == set(body["forecast"]["tables"])
    bilateral = body["difference"]["bilateral"]
    assert sum(bilateral.values()) == pytest.approx(0.0, abs=1e-9)
    assert any(abs(v) > 0.01 for v in bilateral.values())


def test_runs_are_kept_in_history(client):
    client.post("/api/forecast", json={"draws": 500, "seed": 3})
    runs = client.get("/api/runs").json()
    assert runs[0]["seed"] == 3 and runs[0]["draws"] == 500


def test_bad_requests_are_clear(client):
    assert client.post("/api/forecast", json={"draws": 0}).status_code == 422
    bad = client.post("/api/forecast", json={"edits": {"capability": {"nobody": 1}}})
    assert bad.status_code == 400 and "nobody" in bad.json()["error"]
    page = client.get("/?scenario=atlantis")
    assert page.status_code == 400 and "atlantis" in page.text and "Traceback" not in page.text


def test_upload_is_validated_and_kept_in_the_data_dir(client):
    ok = client.post("/api/scenarios", files={"file": ("case.yaml", MINIMAL_UPLOAD)})
    assert ok.json()["id"] == "uploaded"
    assert "uploaded" in client.get("/api/scenarios").json()
    broken = client.post("/api/scenarios", files={"file": ("case.yaml", b"id: [")})
    assert broken.status_code == 400 and "malformed YAML" in broken.json()["error"]
    script = client.post("/api/scenarios", files={"file": ("x.py", b"import os")})
    assert script.status_code == 400
    huge = client.post("/api/scenarios", files={"file": ("big.yaml", b"#" * (1024 * 1024 + 10))})
    assert huge.status_code == 400


def test_evidence_api_without_a_store_says_so(client):
    response = client.get("/api/evidence/search", params={"q": "ceasefire"})
    assert response.status_code == 400 and "--db" in response.json()["error"]
