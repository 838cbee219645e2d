"""``cradletrace import KIND FILE``: orders, invoices or payments from an ERP export (CSV or JSON)."""

from __future__ import annotations

from pathlib import Path

import click

from cradletrace.cli.options import database_option, format_option, session_scope
from cradletrace.commerce.imports import KINDS, import_file


@click.command("import")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@format_option("text", "json")
@database_option
def import_command(kind: str, file: Path, fmt: str, database: str | None) -> None:
    """Load ERP documents (orders, invoices or payments) from FILE (CSV or JSON), all or nothing.

    A re-import updates the documents by number, never duplicates them. See docs/commerce.md for
    the columns.
    """
    with session_scope(database) as session:
        report = import_file(session, kind, file)
    if fmt == "json":
        import orjson

        click.echo(orjson.dumps(report.to_dict(), option=orjson.OPT_INDENT_2).decode())
        return
    click.echo(f"{file}: {report.rows} rows, {len(report.created)} {kind} created, {len(report.updated)} updated")
