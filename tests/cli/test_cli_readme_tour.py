"""The README's tour shows what the program prints now, at 80 columns (so it cannot drift).
After an intended change: ``PYTHONPATH=src python tests/golden/regen.py``."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "golden"))

import cases  # noqa: E402


def test_tour_output_is_what_the_commands_print(tmp_path):
    ran = cases.tour_outputs(cases.prepare(tmp_path / "tour", fixtures=False))
    assert len(ran) >= 5
    for argv, shown, now in ran:
        assert shown == now, f"README tour out of date for: detente {' '.join(argv)}"


def test_tour_has_no_placeholders_and_fits_80_columns():
    text = cases.README.read_text(encoding="utf-8")
    start, end = cases.tour_section(text)
    section = text[start:end]
    assert "TODO" not in section and "..." not in section and "…" not in section
    for argv, shown in cases.tour_blocks(section):
        assert shown.strip(), argv
        assert max(len(line) for line in shown.splitlines()) <= 80, argv
