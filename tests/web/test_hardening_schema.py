"""Schemathesis over the dashboard's OpenAPI schema: generated requests to every operation never
get a server error (500) and every response is JSON."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
pytest.importorskip("httpx")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from detente.evidence import ingest, open_store  # noqa: E402
from detente.web import create_app  # noqa: E402

ARTICLES = Path(__file__).parents[1] / "data" / "evidence" / "articles"


def _app():
    folder = Path(tempfile.mkdtemp(prefix="detente-schema-"))
    db = folder / "e.db"
    ingest(open_store(db), [ARTICLES])
    # schemathesis's ASGI client sends Host: testserver
    return create_app(folder / "data", db, allowed_hosts=("testserver", "127.0.0.1"))


schema = schemathesis.openapi.from_asgi("/api/openapi.json", _app())


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_never_answers_500(case):
    response = case.call(headers={"Host": "testserver"})
    case.validate_response(response, checks=[not_a_server_error])
    content_type = response.headers.get("content-type") or [""]
    assert content_type[0].startswith("application/json"), (
        response.status_code,
        response.text[:200],
    )
