"""``cradletrace capture FILE...``: load EPCIS 2.0 documents (JSON-LD or XML, detected from the content).

``-`` reads the document from standard input. Each file is one all-or-nothing
transaction; a rejected file is reported as one ``error:`` line naming its first
fault, followed by its faults (event index, field, reason) on indented lines, all on
stderr. ``--format json`` prints the same as data: per file the duplicate eventIDs
and the faults as ``{"index", "field", "where", "reason"}`` objects.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Any, BinaryIO

import click

from cradletrace.cli.options import (
    database_option,
    echo_error,
    format_option,
    one_line,
    print_json,
    require_database,
    resolve_url,
    session_scope,
)
from cradletrace.cli.progress import progress_bar
from cradletrace.errors import InvalidInput, TraceError, ValidationFailed, fault, faults  # noqa: F401 - fault is re-exported
from cradletrace.log.capture import MAX_ERRORS, capture_document

MAX_REASONS = 20
STDIN = "-"


def describe(item: dict[str, Any]) -> str:
    """A fault for people: ``event 3, action: reason`` (or ``where: reason`` outside an event).

    Examples
    --------
    >>> describe({"index": 3, "field": "action", "where": "event[3].action", "reason": "not an action"})
    'event 3, action: not an action'
    >>> describe({"index": None, "field": None, "where": "d.json byte 0", "reason": "empty document"})
    'd.json byte 0: empty document'
    """
    if item["index"] is not None:
        place = f"event {item['index']}" + (f", {item['field']}" if item["field"] else "")
    else:
        place = item["where"] or ""
    return f"{place}: {item['reason']}" if place else item["reason"]


@click.command("capture")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--dry-run", is_flag=True, help="Only validate; write nothing.")
@format_option("text", "json")
@database_option
def capture_command(files: tuple[str, ...], dry_run: bool, fmt: str, database: str | None) -> None:
    """Capture each FILE ('-' for standard input) as one all-or-nothing transaction, then print a summary.

    A rejected file changes nothing and its faults are listed; the other files are
    still captured. The exit status is 1 when any file was rejected. A missing FILE
    stops the command before anything is captured.
    """
    _check_files(files)
    require_database(resolve_url(database))  # once, not as a rejection of every file
    results = []
    # The cyclic collector made large parses several times slower (DESIGN, performance notes). Pausing
    # it is process-wide, so it is done here, where the process is the command's own, not in the library.
    gc.disable()
    for file in files:
        name = "stdin" if file == STDIN else Path(file).name
        try:
            with session_scope(database, commit=not dry_run) as session, progress_bar(name) as update:
                # A path (not an open file) lets a large document be read in a second process.
                source: Path | BinaryIO = sys.stdin.buffer if file == STDIN else Path(file)
                report = capture_document(session, source, name=name, dry_run=dry_run, progress=update,
                                          reader_process=None)
            results.append({"file": file, "captured": report.captured, "duplicates": len(report.duplicates),
                            "duplicate_ids": report.duplicates, "rejected": False,
                            "masterdata": report.masterdata, "masterdata_unchanged": report.masterdata_unchanged,
                            "capture_id": report.capture_id, "summary": report.summary()})
        except TraceError as exc:
            # Invalid events, or a document that cannot be read at all (not JSON or XML, truncated,
            # another encoding). Database errors are not the file's fault and stop the command.
            results.append(_rejected(file, exc))
        if fmt == "text":
            _print_file(results[-1])
    gc.enable()
    if fmt == "json":
        print_json({"dryRun": dry_run, "files": results})
    else:
        _print_total(results, dry_run)
    if any(r["rejected"] for r in results):
        raise SystemExit(1)


def _check_files(files: tuple[str, ...]) -> None:
    """Every FILE must be a readable file before the first is captured (a typo stops the command)."""
    if files.count(STDIN) > 1:
        raise InvalidInput("standard input can be given once", where="FILE -")
    for file in files:
        if file == STDIN:
            continue
        path = Path(file)
        if path.is_dir():
            raise InvalidInput("is a folder, not a file", where=file)
        if not path.exists():
            raise InvalidInput("no such file", where=file)


def _rejected(file: str, error: TraceError) -> dict[str, Any]:
    return {"file": file, "captured": 0, "duplicates": 0, "duplicate_ids": [], "rejected": True,
            "errors": faults(error)}


def _print_file(result: dict[str, Any]) -> None:
    if not result["rejected"]:
        click.echo(result["summary"])
        return
    errors = result["errors"]
    count = f"{len(errors)}{'+' if len(errors) >= MAX_ERRORS else ''}"  # capture stops counting there
    noun = "fault" if len(errors) == 1 else "faults"
    echo_error(f"{result['file']}: rejected, nothing written ({count} {noun}): {describe(errors[0])}")
    if len(errors) > 1:
        for item in errors[:MAX_REASONS]:
            click.echo(f"  {one_line(describe(item))}", err=True)
        if len(errors) > MAX_REASONS:
            click.echo(f"  ... and {len(errors) - MAX_REASONS} more (--format json lists them all)", err=True)


def _print_total(results: list[dict[str, Any]], dry_run: bool) -> None:
    captured = sum(r["captured"] for r in results)
    duplicates = sum(r["duplicates"] for r in results)
    rejected = sum(1 for r in results if r["rejected"])
    verb = "would capture" if dry_run else "captured"
    click.echo(f"total: {verb} {captured} events, {duplicates} duplicates, {rejected} of {len(results)} files rejected")
