"""Rewrite every golden output file and the README tour from the program as it is now.

Run after an intended change of output: ``PYTHONPATH=src python tests/golden/regen.py``, then
read the diff (``git diff tests/golden README.md``) before committing it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cases  # noqa: E402


def main() -> int:
    """Write the golden files (cases whose ../shared files are missing keep theirs) and the
    tour's outputs into README.md."""
    with tempfile.TemporaryDirectory(prefix="detente-golden-") as tmp:
        work = cases.prepare(Path(tmp) / "work")
        for case in cases.CASES:
            if not cases.available(case):
                print(f"kept {case.name} (needs ../shared)")
                continue
            for width in cases.WIDTHS:
                code, out = cases.run_in(work, case, width)
                if code != 0:
                    print(f"{case.name} at {width}: exit {code}", file=sys.stderr)
                    return 1
                cases.golden_path(case, width).write_text(out, encoding="utf-8")
            print(f"wrote {case.name}")
        tour = cases.prepare(Path(tmp) / "tour", fixtures=False)
        outputs = [now for _, _, now in cases.tour_outputs(tour)]
        text = cases.README.read_text(encoding="utf-8")
        start, end = cases.tour_section(text)
        new = text[:start] + cases.render_tour(text[start:end], outputs) + text[end:]
        cases.README.write_text(new, encoding="utf-8")
        print(f"README tour: {len(outputs)} commands")
    return 0


if __name__ == "__main__":
    sys.exit(main())
