"""The CLI skeleton: `db upgrade` on any database, one-line errors, and a real (non-editable) install."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect

from cradletrace.cli import main
from cradletrace.db import create_db_engine

REPO = Path(__file__).resolve().parents[1]


def test_db_upgrade_creates_the_schema(backend: str, make_database: Callable[..., str]) -> None:
    url = make_database(backend, migrated=False)
    result = CliRunner().invoke(main, ["db", "upgrade", "--database", url])
    assert result.exit_code == 0, result.output
    assert "is at revision head" in result.output
    engine = create_db_engine(url)
    assert "events" in inspect(engine).get_table_names()
    engine.dispose()


def test_unreachable_database_is_one_line_not_a_traceback() -> None:
    result = CliRunner().invoke(main, ["db", "upgrade", "--database", "postgresql://nobody@127.0.0.1:9/none"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: database error:"), result.output
    assert "Traceback" not in result.output


def test_unsupported_url_is_named() -> None:
    result = CliRunner().invoke(main, ["db", "upgrade", "--database", "oracle://x"])
    assert result.exit_code == 1
    assert result.output.strip() == "error: --database: unsupported database 'oracle': use sqlite:/// or postgresql://"


def test_installed_package_migrates_from_another_directory(tmp_path: Path) -> None:
    """`pip install .` (not editable) ships the migrations; the installed command works from anywhere."""
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--target", str(target), str(REPO)],
        check=True, capture_output=True,
    )
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONSAFEPATH": "1"}
    env.pop("CRADLETRACE_DATABASE_URL", None)
    code = "import sys; from cradletrace.cli import main; sys.argv[0] = 'cradletrace'; main()"
    result = subprocess.run(
        [sys.executable, "-c", code, "db", "upgrade", "--database", "sqlite:///x.db"],
        cwd=workdir, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (workdir / "x.db").exists()
    check = subprocess.run(
        [sys.executable, "-c", "import cradletrace.migrate as m; print(m.MIGRATIONS_DIR)"],
        cwd=workdir, env=env, capture_output=True, text=True, check=True,
    )
    assert str(target) in check.stdout, "the migrations must come from the installed copy, not the checkout"
    engine = create_db_engine(f"sqlite:///{workdir / 'x.db'}")
    assert "unit_states" in inspect(engine).get_table_names()
    engine.dispose()


@pytest.mark.parametrize("args", [["--help"], ["db", "--help"], ["--version"]])
def test_help_and_version(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0


def test_capture_command_pauses_the_garbage_collector_of_its_own_process(
        backend: str, make_database: Callable[..., str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The library leaves the collector alone (tests/test_log_capture.py); the command, which owns
    its process, pauses it for the speed of large parses and turns it back on before it prints."""
    import gc

    calls: list[str] = []
    monkeypatch.setattr(gc, "disable", lambda: calls.append("disable"))
    monkeypatch.setattr(gc, "enable", lambda: calls.append("enable"))
    doc = tmp_path / "one.jsonld"
    doc.write_text('{"@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"], '
                   '"type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2025-01-01T00:00:00Z", '
                   '"epcisBody": {"eventList": [{"type": "ObjectEvent", "eventTime": "2025-01-01T10:00:00Z", '
                   '"eventTimeZoneOffset": "+00:00", "action": "OBSERVE", '
                   '"epcList": ["urn:epc:id:sgtin:9506000.013435.1"]}]}}')
    result = CliRunner().invoke(main, ["capture", str(doc), "--database", make_database(backend)])
    assert result.exit_code == 0, result.output
    assert calls == ["disable", "enable"]


@pytest.mark.postgres
def test_a_missing_postgresql_database_is_to_be_created_first() -> None:
    """`db upgrade` cannot create a PostgreSQL database: the hint says to create it (it said `db upgrade`)."""
    server = os.environ.get("CRADLETRACE_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("needs CRADLETRACE_TEST_POSTGRES_URL")
    from sqlalchemy.engine import make_url

    url = make_url(server).set(database="ct_never_created").render_as_string(hide_password=False)
    for args in (["db", "upgrade"], ["query"], ["audit", "verify"]):
        result = CliRunner().invoke(main, [*args, "--database", url])
        assert result.exit_code == 1 and "Traceback" not in result.output
        (line,) = result.output.splitlines()
        assert line.startswith("error: database error: ") and 'database "ct_never_created" does not exist' in line
        assert line.endswith("(create the database first, e.g. `createdb ct_never_created`, "
                             "then run `cradletrace db upgrade`)"), line


def test_a_database_without_the_schema_asks_for_db_upgrade(backend: str, make_database: Callable[..., str]) -> None:
    url = make_database(backend, migrated=False)
    if backend == "sqlite":
        Path(url.removeprefix("sqlite:///")).touch()  # an empty file, as `sqlite3 ct.db` leaves one
    result = CliRunner().invoke(main, ["query", "--database", url])
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert line.startswith("error: database error: ") and line.endswith("(has `cradletrace db upgrade` been run?)")


def test_commands_of_packages_above_the_core_plug_in_through_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    """``labels`` and ``serve`` come from cradletrace.labels and cradletrace.web, which the core never imports."""
    import importlib.metadata

    import click
    from click.testing import CliRunner

    import cradletrace.cli as cli

    @click.command("hello")
    @click.option("--name", default="world")
    def hello(name: str) -> None:
        """Say hello."""
        click.echo(f"hello {name}")

    class Point:
        name, value = "hello-plugin", "somewhere.above:hello"

        def load(self) -> click.Command:
            return hello

    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [Point()] if group == cli.PLUGIN_GROUP else [])
    monkeypatch.delitem(cli.main.commands, "hello-plugin", raising=False)
    cli._register_plugins()
    try:
        result = CliRunner().invoke(cli.main, ["hello-plugin", "--name", "you"])
        assert result.exit_code == 0 and result.output == "hello you\n"
        assert "Say hello." in CliRunner().invoke(cli.main, ["--help"]).output
    finally:
        cli.main.commands.pop("hello-plugin", None)
