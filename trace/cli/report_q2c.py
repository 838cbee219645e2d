"""``cradletrace report q2c``: the quote-to-cash KPIs (issue 23, section 7) for a period."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from cradletrace.cli.options import database_option, session_scope
from cradletrace.cli.report import emit, output_options, period_options
from cradletrace.cli.report_commerce import FORMATS, month_so_far

PERIOD_LENGTHS = ("month", "quarter", "year")


@click.command("q2c")
@period_options
@click.option("--customer", default=None, help="Only this customer (party GLN or Digital Link).")
@click.option("--product", default=None, help="Only quotes and order lines of this product (GTIN).")
@click.option("--period", "length", type=click.Choice(PERIOD_LENGTHS), default="month", show_default=True,
              help="Length of each period of the revenue table.")
@output_options(*FORMATS)
@database_option
def q2c_command(since: datetime | None, until: datetime | None, customer: str | None, product: str | None,
                length: str, fmt: str, output: Path | None, database: str | None) -> None:
    """Quote-to-cash: quote turnaround, approval cycle, discount against list, quote-to-order rate per version
    count, contract cycle and renewal rate, revenue recognised, billed and deferred, configuration mismatch rate
    (default period: this month so far)."""
    from cradletrace.reports import quote_to_cash as q2c
    from cradletrace.revenue import periods

    start, end = month_so_far(since, until)
    periods(start, end, length)
    with session_scope(database, commit=False) as session:
        frames = q2c.load_frames(session, customer=customer, product=product)
    report = q2c.q2c_report(frames, start, end, length=length,
                            filters={k: v for k, v in (("customer", customer), ("product", product)) if v})
    if fmt in ("csv", "xlsx"):
        # The figures as a table too, so a CSV file or a sheet holds them (text and JSON show them already).
        report.tables = {"kpis": q2c.kpis(report.figures), **report.tables}
    emit(report, fmt, output)


COMMANDS = (q2c_command,)
