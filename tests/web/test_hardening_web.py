"""The dashboard refuses rebinding hosts, cross-site posts, overwrites and out-of-range ids."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

from detente.cli import main  # noqa: E402
from detente.web import create_app  # noqa: E402
from detente.web.guard import allowed_hosts_for, host_name  # noqa: E402
from detente.web.serving import bound_socket, default_data_dir  # noqa: E402

LOCAL = "http://127.0.0.1:8000"
ARTICLES = Path(__file__).parents[1] / "data" / "evidence" / "articles"
UPLOAD = (Path(__file__).parents[1] / "data" / "minimal.yaml").read_bytes()


@pytest.fixture()
def client(tmp_path):
    return TestClient(create_app(tmp_path / "data"), base_url=LOCAL, raise_server_exceptions=False)


def _upload(client, content=UPLOAD, name="case.yaml", **kwargs):
    return client.post("/api/scenarios", files={"file": (name, content)}, **kwargs)


@pytest.mark.parametrize("host", ["evil.example.com", "127.0.0.1.evil.example", "", "localhost.:1"])
def test_foreign_host_is_refused(client, host):
    response = client.get("/api/engines", headers={"Host": host})
    assert response.status_code == 421 and "Host" in response.json()["error"]


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST"])
def test_loopback_hosts_are_served(client, host):
    assert client.get("/api/engines", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example.com"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:9999"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_cross_origin_post_is_refused(client, headers):
    response = _upload(client, headers=headers)
    assert response.status_code == 403
    forecast = client.post("/api/forecast", json={"draws": 10}, headers=headers)
    assert forecast.status_code == 403
    assert all(s["bundled"] for s in client.get("/api/scenarios").json())  # nothing uploaded


def test_same_origin_and_non_browser_posts_are_served(client):
    assert _upload(client, headers={"Origin": LOCAL}).status_code == 200
    assert (
        client.post("/api/forecast", json={"draws": 10, "scenario": "minimal"}).status_code == 200
    )


def test_upload_with_an_existing_id_is_refused(client):
    assert _upload(client).status_code == 200
    again = _upload(client, UPLOAD.replace(b"Minimal two-party case", b"Changed"))
    assert again.status_code == 409
    assert "'minimal-2'" in again.json()["error"]
    assert client.get("/api/scenarios/minimal").json()["name"] == "Minimal two-party case"
    replaced = client.post(
        "/api/scenarios?replace=true",
        files={"file": ("case.yaml", UPLOAD.replace(b"Minimal two-party case", b"Changed"))},
    )
    assert replaced.status_code == 200
    assert client.get("/api/scenarios/minimal").json()["name"] == "Changed"


@pytest.mark.parametrize("run_id", ["0", "-5", "999999", str(2**63), "9" * 40])
def test_missing_or_impossible_run_is_404(client, run_id):
    response = client.get(f"/api/runs/{run_id}")
    assert response.status_code == 404


@pytest.mark.parametrize("limit, status", [(-1, 422), (0, 422), (1001, 422), (1, 200)])
def test_run_list_limit_bounds(client, limit, status):
    client.post("/api/forecast", json={"draws": 10})
    client.post("/api/forecast", json={"draws": 11})
    response = client.get(f"/api/runs?limit={limit}")
    assert response.status_code == status
    if status == 200:
        assert len(response.json()) == 1


@pytest.fixture()
def evidence_client(tmp_path):
    from detente.evidence import ingest, open_store

    db = tmp_path / "e.db"
    ingest(open_store(db), [ARTICLES])
    return TestClient(create_app(tmp_path / "d", db), base_url=LOCAL, raise_server_exceptions=False)


@pytest.mark.parametrize(
    "query, status",
    [("x" * 60_000, 422), (" ".join(["word"] * 40), 400), ("Russia", 200)],
)
def test_evidence_search_is_capped(evidence_client, query, status):
    assert evidence_client.get("/api/evidence/search", params={"q": query}).status_code == status


@pytest.mark.parametrize("limit", [0, -1, 201])
def test_evidence_search_limit_bounds(evidence_client, limit):
    response = evidence_client.get("/api/evidence/search", params={"q": "Russia", "limit": limit})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "name, content",
    [
        ("deep.json", b'{"id": "x", "actors": ' + b"[" * 500 + b"]" * 500 + b"}"),
        ("deep.yaml", b"id: x\nactors: " + b"[" * 500 + b"]" * 500),
        ("dup.json", b'{"id": "x", "id": "y"}'),
    ],
)
def test_hostile_upload_is_400(client, name, content):
    response = _upload(client, content, name=name)
    assert response.status_code == 400, response.text
    assert name in response.json()["error"]


def test_host_names():
    assert host_name("[::1]:8000") == "::1" and host_name("LocalHost:1") == "localhost"
    assert host_name("::1") == "::1"
    assert "10.0.0.5" in allowed_hosts_for("10.0.0.5", ("box.lan",))
    assert "box.lan" in allowed_hosts_for("10.0.0.5", ("box.lan",))


def test_serve_on_a_port_in_use_says_so_without_a_banner(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as exit_info:
            main(["serve", "--port", str(port), "--data-dir", str(tmp_path / "d")])
    out = capsys.readouterr()
    assert exit_info.value.code == 2
    assert "already in use" in out.err and "dashboard on" not in out.out


def test_bound_socket_listens(tmp_path):
    sock = bound_socket("127.0.0.1", 0)
    try:
        assert sock.getsockname()[0] == "127.0.0.1"
    finally:
        sock.close()


def test_default_data_dir_is_in_the_user_data_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    folder = default_data_dir()
    assert folder.is_relative_to(tmp_path / "xdg")
    assert "detente" in folder.parts and not folder.is_relative_to(tmp_path / "detente-data")


def test_large_forecast_body_is_refused_unread(client):
    body = json.dumps({"draws": 10, "pad": "x" * 300_000})
    response = client.post(
        "/api/forecast", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413 and "larger than 256 KiB" in response.json()["error"]
