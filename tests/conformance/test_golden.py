"""Every bundled table's negotiation trace and every bundled scenario's seeded forecast against
their golden files (regen_golden.py)."""

from __future__ import annotations

import json

import pytest
from regen_golden import (
    bundled,
    cases,
    forecast_golden_path,
    forecast_json,
    golden_path,
    negotiate_json,
)


def _same(got, want, where="") -> None:
    if isinstance(want, dict):
        assert isinstance(got, dict) and got.keys() == want.keys(), where
        for key in want:
            _same(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _same(g, w, f"{where}[{i}]")
    elif isinstance(want, float):
        assert got == pytest.approx(want, abs=1e-9), where
    else:
        assert got == want, where


@pytest.mark.parametrize(("scenario", "table"), cases())
def test_negotiation_trace_matches_golden(scenario, table, tmp_path):
    path = golden_path(scenario, table)
    assert path.is_file(), f"no golden file {path.name}: run tests/conformance/regen_golden.py"
    out = tmp_path / "negotiation.json"
    negotiate_json(scenario, table, out)
    _same(json.loads(out.read_text(encoding="utf-8")), json.loads(path.read_text("utf-8")))


@pytest.mark.slow
@pytest.mark.parametrize("scenario", bundled())
def test_seeded_forecast_matches_golden(scenario, tmp_path):
    path = forecast_golden_path(scenario)
    assert path.is_file(), f"no golden file {path.name}: run tests/conformance/regen_golden.py"
    out = tmp_path / "forecast.json"
    forecast_json(scenario, out)
    _same(json.loads(out.read_text(encoding="utf-8")), json.loads(path.read_text("utf-8")))


def test_every_golden_file_has_a_run():
    from regen_golden import GOLDEN

    expected = {golden_path(s, t).name for s, t in cases()}
    expected |= {forecast_golden_path(s).name for s in bundled()}
    assert {p.name for p in GOLDEN.glob("*.json")} == expected
