"""Every package declares its public names; the import layers hold (import-linter)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import detente

PACKAGES = sorted(m.name for m in pkgutil.iter_modules(detente.__path__, "detente.") if m.ispkg) + [
    "detente.errors",
    "detente.options",
    "detente.spatial",
]
SRC = Path(detente.__file__).resolve().parent


@pytest.mark.parametrize("name", PACKAGES)
def test_every_package_lists_its_public_names(name):
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names what it lacks: {missing}"


def _imports_from_other_packages(path: Path):
    """(line, module, names) of every ``from detente.… import`` in ``path`` that reaches into
    another package."""
    own = path.relative_to(SRC).parts[0] if len(path.relative_to(SRC).parts) > 1 else None
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("detente."):
            package = node.module.split(".")[1]
            if package != own:
                yield node.lineno, node.module, [a.name for a in node.names]


def test_nothing_imports_past_a_package_s_public_names():
    """Another package is used through its ``__init__`` and only for what its ``__all__``
    lists, never through a submodule."""
    wrong = []
    for path in sorted(SRC.rglob("*.py")):
        for line, module, names in _imports_from_other_packages(path):
            where = f"{path.relative_to(SRC)}:{line}"
            if module.count(".") > 1:
                wrong.append(f"{where} imports from the submodule {module}")
                continue
            public = set(getattr(importlib.import_module(module), "__all__", names))
            wrong += [
                f"{where} imports {n}, not in {module}.__all__" for n in names if n not in public
            ]
    assert not wrong, "\n".join(wrong)


def test_the_layers_contract_holds():
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(exe).exists():
        pytest.skip("import-linter is not installed")
    root = Path(__file__).resolve().parents[1]
    env = {"PYTHONPATH": str(root / "src"), "PATH": str(Path(sys.executable).parent)}
    done = subprocess.run([exe], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]


def test_the_test_layout_mirrors_the_packages():
    """Tests of one package live in tests/<package>/; only cross-cutting tests, the conformance
    suite and test data sit elsewhere."""
    tests = Path(__file__).resolve().parent
    folders = {p.name for p in tests.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
    packages = {m.name for m in pkgutil.iter_modules(detente.__path__) if m.ispkg}
    assert folders - {"conformance", "data", "golden"} <= packages
    for folder in (folders & packages) - {"data"}:  # tests/data is test data
        assert any((tests / folder).glob("test_*.py")), f"tests/{folder} holds no tests"
