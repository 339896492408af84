"""Where the dashboard keeps its data and the socket it listens on."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

from detente.errors import InputError


def default_data_dir() -> Path:
    """The dashboard's data folder in the user's data directory (platformdirs), never the
    current directory."""
    from platformdirs import user_data_path

    return user_data_path("detente", appauthor=False) / "web"


def bound_socket(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; a port in use or an address this machine does not
    have is an InputError (before any banner says the server is up)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise InputError(f"cannot resolve {host!r}: {exc.strerror}", field="--host") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        reason = (
            "is already in use"
            if exc.errno == errno.EADDRINUSE
            else f"cannot be bound ({exc.strerror})"
        )
        raise InputError(f"port {port} on {host} {reason}", field="--port") from None
    sock.set_inheritable(True)
    return sock
