"""The web dashboard (FastAPI): pages and the JSON API they use."""

from detente.web.app import create_app
from detente.web.guard import allowed_hosts_for
from detente.web.serving import bound_socket, default_data_dir

__all__ = [
    "allowed_hosts_for",
    "bound_socket",
    "create_app",
    "default_data_dir",
]
