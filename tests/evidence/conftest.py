"""Fixtures shared by the evidence tests."""

from __future__ import annotations

import pytest

from detente.evidence import load_gazetteer, load_lexicon


@pytest.fixture(scope="session")
def gaz():
    return load_gazetteer()


@pytest.fixture(scope="session")
def lex():
    return load_lexicon()
