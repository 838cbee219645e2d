"""Dependency rules: the core imports no Flask, web or labels, and nothing imports the stdlib-shadowing `trace`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PY_FILES = sorted(
    p for folder in ("trace", "web", "labels", "migrations", "scripts", "tests") for p in (REPO / folder).rglob("*.py")
)
CORE_FILES = sorted((REPO / "trace").rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", PY_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_nothing_imports_trace(path: Path) -> None:
    bad = {m for m in imported_modules(path) if m == "trace" or m.startswith("trace.")}
    assert not bad, f"{path}: import cradletrace..., never {sorted(bad)}"


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_core_imports_no_flask_web_or_labels(path: Path) -> None:
    forbidden = ("flask", "werkzeug", "cradletrace.web", "cradletrace.labels")
    bad = {m for m in imported_modules(path) if any(m == f or m.startswith(f + ".") for f in forbidden)}
    assert not bad, f"{path}: the core must not import {sorted(bad)}"


def test_no_root_conftest_or_tests_package() -> None:
    # Either would put the repo root on sys.path, where trace/ shadows the standard library.
    assert not (REPO / "conftest.py").exists()
    assert not (REPO / "tests" / "__init__.py").exists()


def test_every_core_package_is_listed_in_setup_cfg() -> None:
    listed = set()
    in_packages = False
    for line in (REPO / "setup.cfg").read_text().splitlines():
        if line.startswith("packages ="):
            in_packages = True
            continue
        if in_packages:
            if line.startswith((" ", "\t")) and line.strip():
                listed.add(line.strip())
            else:
                in_packages = False
    mapping = {"trace": "cradletrace", "web": "cradletrace.web", "labels": "cradletrace.labels",
               "migrations": "cradletrace.migrations"}
    found = set()
    for folder, name in mapping.items():
        for init in (REPO / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(REPO / folder)
            found.add(".".join([name, *rel.parts]) if rel.parts else name)
    # Data folders (no __init__.py) are listed too, so setuptools ships them as package data.
    data = {"cradletrace.data"}
    assert (REPO / "trace" / "data").is_dir()
    assert found | data == listed, (f"setup.cfg packages out of date: missing {found | data - listed}, "
                                    f"extra {listed - found - data}")
