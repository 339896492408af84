"""Every registered engine and every protocol × strategy through the same checks."""

from __future__ import annotations

import pytest
from conformance_checks import engine_cases, protocol_cases


@pytest.mark.parametrize(("name", "check"), engine_cases())
def test_engine(name, check):
    check(name)


@pytest.mark.parametrize(("protocol", "strategy", "check"), protocol_cases())
def test_protocol(protocol, strategy, check):
    check(protocol, strategy)
