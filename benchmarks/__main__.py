"""Run every benchmark section and write docs/benchmarks.md.

Each section module exposes ``run(quick: bool) -> str``, returning Markdown. ``--quick`` uses
small sizes (for a smoke test); ``--only NAME`` runs one section.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECTIONS = tuple(sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_")))
OUT = HERE.parent / "docs" / "benchmarks.md"


def machine() -> str:
    """One line describing the machine the numbers were measured on."""
    import numpy

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"NumPy {numpy.__version__}, {platform.system()} {platform.release()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="small sizes, smoke test only")
    parser.add_argument("--only", choices=SECTIONS, help="run one section")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    names = [args.only] if args.only else list(SECTIONS)
    parts = [
        "# Benchmarks",
        "",
        f"Measured {dt.date.today().isoformat()} with `make bench` "
        f"(`python -m benchmarks{' --quick' if args.quick else ''}`) on: {machine()}.",
        "",
    ]
    for name in names:
        print(f"benchmark section: {name}", file=sys.stderr)
        module = importlib.import_module(f"benchmarks.{name}")
        parts.append(module.run(quick=args.quick).rstrip() + "\n")
    args.out.write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
