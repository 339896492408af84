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


@pytest.fixture
def cli(capsys):
    """Run the command line: (exit code, stdout, stderr)."""
    from detente.cli import main

    def run(argv):
        try:
            main(argv)
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
