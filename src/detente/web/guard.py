"""Requests the dashboard refuses before any work: a ``Host`` it is not served under (DNS
rebinding: a hostile page whose name resolves to 127.0.0.1) and a state-changing request from
another origin (cross-site request forgery)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def host_name(header: str) -> str:
    """The host name of a ``Host`` header value, lower-cased and without port or brackets."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def allowed_hosts_for(bind: str, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The host names a server bound to ``bind`` answers to: the loopback names, the bound
    address itself, and any names given explicitly."""
    names = [*LOOPBACK_HOSTS, host_name(bind), *(host_name(h) for h in extra)]
    return tuple(dict.fromkeys(n for n in names if n))


def refusal(request: Request, allowed: tuple[str, ...]) -> str | None:
    """Why this request must be refused, or None."""
    host = request.headers.get("host", "")
    if host_name(host) not in allowed:
        return f"unexpected Host header {host[:80]!r}; this server answers to {', '.join(allowed)}"
    if request.method in SAFE_METHODS:
        return None
    origin = request.headers.get("origin")
    if origin is not None:
        parts = urlsplit(origin)
        if origin == "null" or parts.netloc.lower() != host.strip().lower():
            return f"cross-origin {request.method} from {origin[:80]!r} refused"
    elif request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return f"cross-site {request.method} refused"
    return None


class Refuse:
    """Pure ASGI middleware: ``check(request)`` returns a response to send instead of the
    app's, or None. (Unlike ``@app.middleware``, it leaves ``receive`` untouched, so the app
    still learns when a client disconnects.)"""

    def __init__(self, app: Any, check: Callable[[Request], Response | None]) -> None:
        self.app = app
        self.check = check

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            response = self.check(Request(scope))
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def add_host_and_origin_guard(app: FastAPI, allowed: tuple[str, ...]) -> None:
    """Refuse, with 421 or 403 and a JSON error, requests :func:`refusal` names."""

    def check(request: Request) -> Response | None:
        reason = refusal(request, allowed)
        if reason is None:
            return None
        status = 421 if reason.startswith("unexpected Host") else 403
        return JSONResponse({"error": reason}, status_code=status)

    app.add_middleware(Refuse, check=check)
