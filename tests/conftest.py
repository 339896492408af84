"""Shared fixtures. Tests that need the project's ../shared folder skip cleanly without it."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def shared_dir() -> Path:
    """The ../shared folder beside the repository; the test skips when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture
def minimal_scenario_path() -> Path:
    """A small valid two-party scenario file."""
    return TEST_DATA / "minimal.yaml"
