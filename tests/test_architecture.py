"""Dependency rules: the import contracts of setup.cfg (layers, no Flask/web/labels in the core, pandas only in
reports) hold and would be reported if broken; nothing imports the stdlib-shadowing `trace`; no module imports
its own package."""

from __future__ import annotations

import ast
import configparser
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = REPO / "scripts" / "lint-imports"
PY_FILES = sorted(
    p for folder in ("trace", "web", "labels", "migrations", "scripts", "tests") for p in (REPO / folder).rglob("*.py")
)
PACKAGE_FILES = sorted(p for folder in ("trace", "web", "labels", "migrations") for p in (REPO / folder).rglob("*.py"))


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


def lint_imports(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(LINT_IMPORTS), *args], capture_output=True, text=True, check=False,
                          timeout=300)


def contracts() -> dict[str, configparser.SectionProxy]:
    parser = configparser.ConfigParser()
    parser.read(REPO / "setup.cfg", encoding="utf-8")
    prefix = "importlinter:contract:"
    return {name[len(prefix):]: parser[name] for name in parser.sections() if name.startswith(prefix)}


def modules_of(section: configparser.SectionProxy, option: str) -> set[str]:
    return {line.strip() for line in section[option].splitlines() if line.strip()}


def test_import_contracts_are_kept() -> None:
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    for contract in contracts().values():
        assert f"{contract['name']} KEPT" in result.stdout, result.stdout
    assert f"Contracts: {len(contracts())} kept, 0 broken." in result.stdout


def test_a_broken_contract_is_reported(tmp_path: Path) -> None:
    # The services capture through the log, so forbidding that import must break the contract, naming the import.
    config = tmp_path / "broken.ini"
    config.write_text("""[importlinter]
root_package = cradletrace

[importlinter:contract:lifecycle-without-log]
name = lifecycle does not use the log
type = forbidden
source_modules = cradletrace.lifecycle
forbidden_modules = cradletrace.log
allow_indirect_imports = True
""", encoding="utf-8")
    result = lint_imports(str(config))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "lifecycle does not use the log BROKEN" in result.stdout
    assert "cradletrace.lifecycle.common -> cradletrace.log.capture" in result.stdout


def test_the_layers_contract_reports_an_upward_import(tmp_path: Path) -> None:
    # The real layers contract with log and projections swapped: log's use of projections becomes upward.
    parser = configparser.ConfigParser()
    parser.read(REPO / "setup.cfg", encoding="utf-8")
    layers = parser["importlinter:contract:layers"]
    swapped = layers["layers"].replace("log\n", "@\n").replace("projections\n", "log\n").replace("@\n", "projections\n")
    assert swapped != layers["layers"]
    broken = configparser.ConfigParser()
    broken["importlinter"] = dict(parser["importlinter"])
    broken["importlinter:contract:layers"] = {**dict(layers), "layers": swapped}
    config = tmp_path / "swapped.ini"
    with config.open("w", encoding="utf-8") as out:
        broken.write(out)
    result = lint_imports(str(config))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "cradletrace.log is not allowed to import cradletrace.projections" in result.stdout, result.stdout


def test_the_laid_out_package_includes_the_mapped_folders(tmp_path: Path) -> None:
    # web/, labels/ and migrations/ are subpackages only through setup.cfg's package_dir: the contracts must see them.
    config = tmp_path / "labels.ini"
    config.write_text("""[importlinter]
root_package = cradletrace

[importlinter:contract:migrations-without-db]
name = migrations do not use db
type = forbidden
source_modules = cradletrace.migrations
forbidden_modules = cradletrace.db
""", encoding="utf-8")
    result = lint_imports(str(config))
    assert "cradletrace.migrations.env -> cradletrace.db" in result.stdout, result.stdout + result.stderr


def core_modules() -> set[str]:
    """Every module and package directly under cradletrace that is part of the core (not web, labels or data)."""
    names = {p.stem for p in (REPO / "trace").glob("*.py") if p.stem != "__init__"}
    names |= {p.parent.name for p in (REPO / "trace").glob("*/__init__.py")}
    return {f"cradletrace.{name}" for name in names} | {"cradletrace.migrations"}


def test_forbidden_contracts_cover_the_whole_core() -> None:
    # A new package must be added to these lists, or Flask and pandas could enter the core through it.
    found = contracts()
    assert modules_of(found["core-without-web"], "source_modules") == core_modules()
    assert modules_of(found["pandas-only-in-reports"], "source_modules") == core_modules() - {"cradletrace.reports"}


def own_package_imports(path: Path, module: str) -> set[str]:
    """Imports in ``module`` of a package that contains it, other than the root (whose __init__ imports nothing)."""
    ancestors = {module.rsplit(".", n)[0] for n in range(1, module.count("."))}
    return {m for m in imported_modules(path) if m in ancestors}


def _module_name(path: Path) -> str:
    folder, root = next((f, r) for f, r in (("web", "cradletrace.web"), ("labels", "cradletrace.labels"),
                                             ("migrations", "cradletrace.migrations"), ("trace", "cradletrace"))
                        if path.is_relative_to(REPO / f))
    parts = path.relative_to(REPO / folder).with_suffix("").parts
    return ".".join([root, *(parts[:-1] if parts[-1] == "__init__" else parts)])


@pytest.mark.parametrize("path", PACKAGE_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_module_imports_its_own_package(path: Path) -> None:
    # The package's __init__ imports its modules: a module importing the package back is a cycle.
    module = _module_name(path)
    bad = own_package_imports(path, module)
    assert not bad, f"{path}: {module} imports its own package {sorted(bad)}: import the module that defines it"


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
