"""``cradletrace capture FILE...``: load EPCIS 2.0 documents (JSON-LD or XML, detected from the content)."""

from __future__ import annotations

import gc
from pathlib import Path

import click

from cradletrace.log.capture import capture_document
from cradletrace.cli.options import database_option, format_option, session_scope
from cradletrace.cli.progress import progress_bar
from cradletrace.errors import TraceError, ValidationFailed

MAX_REASONS = 20


@click.command("capture")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only validate; write nothing.")
@format_option("text", "json")
@database_option
def capture_command(files: tuple[Path, ...], dry_run: bool, fmt: str, database: str | None) -> None:
    """Capture each FILE as one all-or-nothing transaction, then print a summary.

    A rejected file changes nothing and its reasons are listed; the other files are
    still captured. The exit status is 1 when any file was rejected.
    """
    results = []
    # The cyclic collector made large parses several times slower (DESIGN, performance notes). Pausing
    # it is process-wide, so it is done here, where the process is the command's own, not in the library.
    gc.disable()
    for path in files:
        try:
            with session_scope(database, commit=not dry_run) as session, progress_bar(path.name) as update:
                # A path (not an open file) lets a large document be read in a second process.
                report = capture_document(session, path, name=path.name, dry_run=dry_run, progress=update,
                                          reader_process=None)
            results.append({"file": str(path), "captured": report.captured, "duplicates": len(report.duplicates),
                            "rejected": False, "capture_id": report.capture_id, "summary": report.summary()})
        except ValidationFailed as exc:
            reasons = [str(e) for e in exc.errors]
            results.append({"file": str(path), "captured": 0, "duplicates": 0, "rejected": True, "reasons": reasons})
        except TraceError as exc:
            results.append({"file": str(path), "captured": 0, "duplicates": 0, "rejected": True, "reasons": [str(exc)]})
    gc.enable()
    _print(results, fmt, dry_run)
    if any(r["rejected"] for r in results):
        raise SystemExit(1)


def _print(results: list[dict], fmt: str, dry_run: bool) -> None:
    if fmt == "json":
        import orjson

        click.echo(orjson.dumps({"dryRun": dry_run, "files": results}, option=orjson.OPT_INDENT_2).decode())
        return
    for r in results:
        if r["rejected"]:
            click.echo(f"{r['file']}: rejected, nothing written ({len(r['reasons'])} reasons)")
            for reason in r["reasons"][:MAX_REASONS]:
                click.echo(f"  - {reason}")
            if len(r["reasons"]) > MAX_REASONS:
                click.echo(f"  ... and {len(r['reasons']) - MAX_REASONS} more")
        else:
            click.echo(r["summary"])
    captured = sum(r["captured"] for r in results)
    duplicates = sum(r["duplicates"] for r in results)
    rejected = sum(1 for r in results if r["rejected"])
    verb = "would capture" if dry_run else "captured"
    click.echo(f"total: {verb} {captured} events, {duplicates} duplicates, {rejected} of {len(results)} files rejected")
