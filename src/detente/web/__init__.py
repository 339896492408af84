"""The web dashboard (FastAPI): pages and the JSON API they use."""

from detente.web.app import create_app

__all__ = ["create_app"]
