"""The CLI's promises kept (issue 18): every user error is one ``error:`` line and exit status 1.

Every command (the test fails when ``cradletrace --help`` lists one it does not know) is run
with bad arguments: a missing file, a bad identifier, a bad query parameter, a missing
database, a bad ``--format``, an unknown option. Each must print exactly one line starting
with ``error:`` (on stderr), no traceback, and exit with status 1; a read-only command never
creates the database file it was pointed at.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
import orjson
import pytest
from click.testing import CliRunner, Result

from cradletrace.cli import LazyCommand, main

UNIT = "https://id.gs1.org/01/09506000134352/21/E1"
DOCUMENT = orjson.dumps({
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument",
    "schemaVersion": "2.0", "creationDate": "2025-01-01T00:00:00Z",
    "epcisBody": {"eventList": [{
        "type": "ObjectEvent", "action": "ADD", "epcList": [UNIT],
        "bizStep": "commissioning", "eventTime": "2025-01-01T10:00:00Z", "eventTimeZoneOffset": "+00:00"}]}})

#: The arguments each command needs to get as far as the database (placeholders filled per test).
NEEDS = {
    "db upgrade": [],
    "db downgrade": ["--revision", "base"],
    "capture": ["{file}"],
    "query": [],
    "export": ["-o", "{out}"],
    "audit verify": [],
    "rebuild": [],
    "findings": [],
    "trace": ["U1"],
    "recall": ["U1"],
    "history": ["U1"],
    "masterdata show": ["U1"],
    "passport": ["U1"],
    "user add": ["ann", "--password", "long enough pw"],
    "token add": ["ann"],
    "token revoke": ["1"],
    "serve": [],
    "labels": ["U1", "-o", "{tmp}/labels.pdf"],  # plugged in from cradletrace.labels; its --format is a label format
    "import": ["orders", "{file}"],
    "report o2c": [],
    "report l2c": [],
    "report q2c": [],
    "report sustainability": [],
    "report compliance": [],
    "report recall": ["U1"],
    "worker": ["--once"],
    "quote pdf": ["Q1", "-o", "{tmp}/q.pdf"],
    "quote show": ["Q1"],
    "quote expire": [],
    "entitlement": ["U1"],
    "contract show": ["C-1"],
    "contract reminders": [],
    "revenue schedule": [],
    "revenue journal": [],
    "demo": ["--if-empty"],  # plugged in from cradletrace.web
}
#: Commands that print data, and so take --format.
FORMATS = ("capture", "query", "export", "audit verify", "rebuild", "findings", "trace", "recall", "history",
           "masterdata show", "passport", "user add", "token add", "token revoke", "import", "report o2c",
           "report l2c", "labels", "report sustainability", "report compliance", "report recall", "worker",
           "quote show", "quote expire", "entitlement", "contract show", "contract reminders",
           "revenue schedule", "revenue journal", "demo", "report q2c")
#: Bad arguments beyond the database and --format: (command line, what the error line must name).
BAD = [
    (["capture", "{tmp}/nothere.json"], "nothere.json: no such file"),
    (["capture", "{tmp}"], "is a folder"),
    (["capture", "-", "-"], "standard input can be given once"),
    (["capture"], "Missing argument"),
    (["query", "-q", "EQ_nonsense=1"], "EQ_nonsense"),
    (["query", "-q", "noequals"], "is not NAME=VALUE"),
    (["query", "--per-page", "many"], "--per-page"),
    (["query", "--since", "yesterday"], "GE_eventTime"),
    (["export", "-q", "EQ_nonsense=1", "-o", "{out}"], "EQ_nonsense"),
    (["export", "-o", "{tmp}/no/such/folder/out.json"], "No such file or directory"),
    (["trace", "urn:example:missing"], "is not a recorded"),
    (["trace", "(01)09506000134353(21)1"], "is not a recorded"),
    (["trace", "U1", "--as-of", "yesterday"], "--as-of"),
    (["recall", "(01)123"], "identifier"),
    (["recall", UNIT, "-o", "{tmp}/no/such/folder/r.csv"], "No such file or directory"),
    (["history", "urn:example:missing"], "is not a recorded"),
    (["masterdata", "show", "urn:example:missing"], "is not a recorded"),
    (["passport", "urn:example:missing"], "is not a recorded"),
    (["passport", UNIT, "--as-of", "soon"], "as_of"),
    (["token", "revoke", "999"], "no active token 999"),
    (["token", "add", "nobody"], "no user 'nobody'"),
    (["user", "add", "x", "--role", "wizard", "--password", "long enough pw"], "unknown role 'wizard'"),
    (["findings", "--check", "nonsense"], "nonsense"),
    (["findings", "--tolerance", "-5"], "--tolerance"),
    (["db", "downgrade"], "--revision"),
    (["import", "orders", "{file}"], "a JSON import is a list of objects"),
    (["import", "bills", "{file}"], "'bills' is not one of 'orders', 'invoices', 'payments'"),
    (["report", "o2c", "--from", "someday"], "--from"),
    (["report", "o2c", "--format", "xlsx"], "an XLSX report needs an output file"),
    (["db", "upgrade", "--revision", "nonsense"], "--revision: can't locate revision identified by 'nonsense'"),
    (["db", "downgrade", "--revision", "nonsense"], "--revision: can't locate revision"),
    (["quote", "pdf", "NOPE", "-o", "{out}"], "quote: no quote 'NOPE'"),
    (["quote", "pdf", "Q1", "--version", "0"], "Invalid value for '--version'"),
    (["quote", "pdf", "Q1", "-o", "{tmp}"], "is a folder: give a file name"),
    (["quote", "show", "NOPE"], "quote: no quote 'NOPE'"),
    (["quote", "expire", "--at", "soon"], "Invalid value for '--at'"),
    (["entitlement", "urn:example:missing"], "is not a recorded"),
    (["entitlement", UNIT, "--at", "someday"], "--at: 'someday' is not a date"),
    (["contract", "show", "C-404"], "no contract 'C-404'"),
    (["contract", "reminders", "--at", "someday"], "--at: 'someday' is not a date"),
    (["revenue", "schedule", "--period", "week"], "Invalid value for '--period'"),
    (["revenue", "schedule", "--from", "2026-02-01", "--to", "2026-01-01"], "--from 2026-02-01 is not before --to"),
    (["revenue", "schedule", "--format", "xlsx"], "an XLSX report needs an output file"),
    (["revenue", "journal", "--account", "sales=4000"], "--account: unknown account role 'sales'"),
    (["demo", "--units", "3"], "Invalid value for '--units': 3 is not in the range x>=60"),
    (["report", "q2c", "--period", "week"], "Invalid value for '--period'"),
    (["report", "q2c", "--customer", "urn:example:nobody"], "no customer"),
    (["nonsense"], "No such command 'nonsense'"),
    (["--bogus"], "No such option '--bogus'"),
]


def leaf_commands(group: click.Group = main, prefix: str = "") -> set[str]:
    """Every command `cradletrace --help` reaches, by its full name ('audit verify')."""
    names = set()
    for name, command in group.commands.items():
        full = f"{prefix}{name}"
        if isinstance(command, LazyCommand):  # a plugin's command (serve, user, token): look at what it stands for
            command = command._target()  # noqa: SLF001
        names |= leaf_commands(command, f"{full} ") if isinstance(command, click.Group) else {full}
    return names


@pytest.fixture(scope="module")
def sqlite_db(make_database: Callable[..., str], tmp_path_factory: pytest.TempPathFactory) -> str:
    url = make_database("sqlite")
    document = tmp_path_factory.mktemp("documents") / "one.json"
    document.write_bytes(DOCUMENT)
    assert run(["capture", str(document), "--database", url]).exit_code == 0
    return url


@pytest.fixture
def places(tmp_path: Path, sqlite_db: str) -> dict[str, str]:
    (tmp_path / "good.json").write_bytes(DOCUMENT)
    return {"tmp": str(tmp_path), "file": str(tmp_path / "good.json"), "out": str(tmp_path / "out.json"),
            "db": sqlite_db}


def fill(args: list[str], places: dict[str, str]) -> list[str]:
    return [a.format(**places) for a in args]


def run(args: list[str], stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(main, args, input=stdin, prog_name="cradletrace")


def assert_one_error_line(result: Result, naming: str = "") -> str:
    """Exit status 1, exactly one line starting with ``error:`` (on stderr), no traceback."""
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.output
    assert errors[0] in result.stderr.splitlines(), "the error line goes to stderr"
    assert naming in errors[0], (naming, errors[0])
    return errors[0]


def test_the_table_knows_every_command() -> None:
    assert leaf_commands() == set(NEEDS), "add the new command to NEEDS (and FORMATS if it prints data)"
    for name in leaf_commands():
        *groups, leaf = name.split()
        command = main
        for part in [*groups, leaf]:
            command = command.commands[part]  # type: ignore[attr-defined]
            if isinstance(command, LazyCommand):
                command = command._target()  # noqa: SLF001
        takes_format = any(p.name == "fmt" for p in command.params)
        assert takes_format == (name in FORMATS), f"{name}: --format promised for commands that print data"


@pytest.mark.parametrize("command", sorted(set(NEEDS) - {"db upgrade"}))
def test_a_missing_database_is_an_error_and_is_not_created(command: str, places: dict[str, str],
                                                           tmp_path: Path) -> None:
    missing = tmp_path / "missing" / "ct.db"
    result = run([*command.split(), *fill(NEEDS[command], places), "--database", f"sqlite:///{missing}"])
    assert_one_error_line(result, f"no SQLite database at {missing} (create it with `cradletrace db upgrade`)")
    assert not missing.exists() and not missing.parent.exists()


def test_db_upgrade_on_a_path_it_cannot_create_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("")
    assert_one_error_line(run(["db", "upgrade", "--database", f"sqlite:///{tmp_path}/afile/ct.db"]), "afile")


@pytest.mark.parametrize("command", FORMATS)
def test_a_bad_format_is_one_error_line(command: str, places: dict[str, str]) -> None:
    result = run([*command.split(), *fill(NEEDS[command], places), "--format", "yaml", "--database", places["db"]])
    assert_one_error_line(result, "Invalid value for '--format': 'yaml' is not one of")


@pytest.mark.parametrize("command", sorted(NEEDS))
def test_an_unknown_option_is_one_error_line(command: str, places: dict[str, str]) -> None:
    result = run([*command.split(), *fill(NEEDS[command], places), "--bogus", "--database", places["db"]])
    line = assert_one_error_line(result, "No such option '--bogus'")
    assert line.endswith(f"(see `cradletrace {command} --help`)")
    assert "Usage:" not in result.output


@pytest.mark.parametrize(("args", "naming"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_arguments_are_one_error_line(args: list[str], naming: str, places: dict[str, str]) -> None:
    database = [] if args[0].startswith("--") or args == ["nonsense"] else ["--database", places["db"]]
    assert_one_error_line(run([*fill(args, places), *database]), naming)


def test_a_failed_export_leaves_no_partial_file(places: dict[str, str]) -> None:
    out = Path(places["out"])
    assert_one_error_line(run(["export", "-q", "EQ_nonsense=1", "-o", str(out), "--database", places["db"]]))
    assert list(out.parent.glob("*out.json*")) == []


def test_the_help_still_works() -> None:
    for args in (["--help"], ["capture", "--help"], ["audit", "verify", "-h"]):
        result = run(args)
        assert result.exit_code == 0 and result.output.startswith("Usage:"), result.output
