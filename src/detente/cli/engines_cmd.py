"""Commands of this area are registered here."""

from __future__ import annotations

import typer


def register(app: typer.Typer, groups) -> None:
    """Add this module's commands to the app (none yet)."""
