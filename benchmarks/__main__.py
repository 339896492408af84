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
import re
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
    sections = read_sections(args.out)
    for name in names:
        print(f"benchmark section: {name}", file=sys.stderr)
        module = importlib.import_module(f"benchmarks.{name}")
        command = f"python -m benchmarks --only {name}" + (" --quick" if args.quick else "")
        sections[name] = (
            f"<!-- measured {dt.date.today().isoformat()} with `{command}` on: {machine()} -->\n"
            + module.run(quick=args.quick).rstrip()
            + "\n"
        )
    args.out.write_text(render(sections), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def read_sections(path: Path) -> dict[str, str]:
    """Sections already in the file, so that one section can be re-measured alone."""
    if not path.exists():
        return {}
    found = re.findall(r"<!-- section:(\w+) -->\n(.*?)<!-- /section:\1 -->", path.read_text(), re.S)
    return {name: body for name, body in found if name in SECTIONS}


def render(sections: dict[str, str]) -> str:
    """The whole benchmarks page, sections in suite order."""
    parts = [
        "# Benchmarks",
        "",
        "`make bench` (`python -m benchmarks`) measures every section and rewrites this page;",
        "`python -m benchmarks --only NAME` re-measures one section. Each section names the",
        "machine and the command it was measured with.",
        "",
    ]
    for name in SECTIONS:
        if name in sections:
            parts += [
                f"<!-- section:{name} -->",
                sections[name].rstrip(),
                f"<!-- /section:{name} -->",
                "",
            ]
    return "\n".join(parts)


if __name__ == "__main__":
    raise SystemExit(main())
