"""``cradletrace quote``: a quote as a PDF for the customer, its prices explained, and the expiry of quotes
past their validity."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from cradletrace.cli.options import (
    database_option,
    format_option,
    print_json,
    require_file_name,
    session_scope,
    write_file,
)


@click.group("quote")
def quote_group() -> None:
    """Quotes: pdf, show (prices explained), expire."""


def _version_option(func):  # type: ignore[no-untyped-def]
    return click.option("--version", "version", type=click.IntRange(min=1), default=None,
                        help="The version (default: the latest).")(func)


@quote_group.command("pdf")
@click.argument("number")
@_version_option
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="PDF file to write ('-' for standard output; default quote-NUMBER-vN.pdf here).")
@click.option("--seller", default=None, metavar="ID",
              help="The selling party (GLN, Digital Link or URI; default $CRADLETRACE_SELLER).")
@database_option
def pdf_command(number: str, version: int | None, output: Path | None, seller: str | None,
                database: str | None) -> None:
    """Write quote NUMBER as a PDF for the customer: its lines, configurations and totals."""
    from cradletrace.reports.quote_pdf import file_name, quote_sheet, render

    if output is not None and str(output) != "-":
        require_file_name(output)
    with session_scope(database, commit=False) as session:
        sheet = quote_sheet(session, number, version=version, seller=seller)
    data = render(sheet)
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(data)
        return
    target = output or Path(file_name(sheet.number, sheet.version))
    write_file(target, data)
    click.echo(f"wrote quote {sheet.number} version {sheet.version} to {target}", err=True)


@quote_group.command("show")
@click.argument("number")
@_version_option
@format_option("text", "json")
@database_option
def show_command(number: str, version: int | None, fmt: str, database: str | None) -> None:
    """Print quote NUMBER with its prices explained line by line (list, tier, surcharges, discounts, net)."""
    from cradletrace.commerce.pricing import percent
    from cradletrace.commerce.quote_summary import summarise_quote

    with session_scope(database, commit=False) as session:
        summary = summarise_quote(session, number, version)
    if fmt == "json":
        print_json(summary.to_dict())
        return
    valid = f", valid until {summary.valid_until:%Y-%m-%d}" if summary.valid_until else ""
    click.echo(f"quote {summary.number} version {summary.version} ({summary.status}), "
               f"customer {summary.pricing.customer}, dated {summary.created_at:%Y-%m-%d}{valid}")
    click.echo(summary.pricing.explain())
    for a in summary.approvals:
        decision = ("pending" if a.approved is None else
                    f"{'approved' if a.approved else 'refused'} by {a.decided_by} on {a.decided_at:%Y-%m-%d}")
        click.echo(f"approval of {percent(a.discount)} (threshold {percent(a.threshold)}), requested "
                   f"{a.requested_at:%Y-%m-%d}: {decision}")


@quote_group.command("expire")
@click.option("--at", "at", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]), default=None,
              help="Expire the quotes whose validity ended before this time (UTC; default now).")
@format_option("text", "json")
@database_option
def expire_command(at: datetime | None, fmt: str, database: str | None) -> None:
    """Mark the sent quotes whose validity has ended expired."""
    from cradletrace.commerce.quotes import expire_quotes

    with session_scope(database) as session:
        expired = [(q.number, q.version, q.valid_until) for q in
                   expire_quotes(session, at.replace(tzinfo=timezone.utc) if at else None)]
    if fmt == "json":
        print_json({"expired": [{"number": n, "version": v, "valid_until": u} for n, v, u in expired]})
        return
    if not expired:
        click.echo("no quotes to expire")
    for n, v, u in expired:
        click.echo(f"quote {n} version {v}: expired (valid until {u:%Y-%m-%d})")
