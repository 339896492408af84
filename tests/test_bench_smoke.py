"""The benchmark runner works (quick sizes, written to a temporary page)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.__main__ import SECTIONS, main  # noqa: E402


@pytest.mark.slow
def test_runner_rewrites_one_section_and_keeps_the_others(tmp_path):
    out = tmp_path / "benchmarks.md"
    out.write_text(
        "<!-- section:forecast -->\nold forecast numbers\n<!-- /section:forecast -->\n",
        encoding="utf-8",
    )
    assert main(["--quick", "--only", "engines", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "| compromise | 1,000 | 10 | 1 |" in text
    assert "old forecast numbers" in text
    assert {"engines", "forecast", "dask"} <= set(SECTIONS)
