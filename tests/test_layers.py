"""Every package declares its public names; the import layers hold (import-linter)."""

from __future__ import annotations

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
WITHOUT_ALL = {"detente.conflict"}
"""Packages whose public names are not listed yet (each listed here fails strictly once it is)."""


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            n,
            marks=pytest.mark.xfail(strict=True, reason="no __all__ yet")
            if n in WITHOUT_ALL
            else [],
        )
        for n in PACKAGES
    ],
)
def test_every_package_lists_its_public_names(name):
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names what it lacks: {missing}"


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
