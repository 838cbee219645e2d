"""Runs the Examples sections of every public docstring in the package as doctests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import cradletrace

# Alembic's env.py and revision scripts run migrations when imported, so they have no doctests.
SKIP_PREFIXES = ("cradletrace.migrations",)


def _modules() -> list[str]:
    names = {"cradletrace", "cradletrace.web", "cradletrace.labels"}
    for info in pkgutil.walk_packages(cradletrace.__path__, prefix="cradletrace."):
        names.add(info.name)
    return sorted(n for n in names if not n.startswith(SKIP_PREFIXES))


@pytest.mark.parametrize("name", _modules())
def test_doctests(name: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # examples that create files write them here
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} doctest examples failed in {name}"
