"""``cradletrace revenue schedule`` and ``revenue journal``: revenue recognition (IFRS 15 / ASC 606) per period.

``schedule`` prints the schedule per period (month, quarter or year) with recognised revenue, billing,
the deferred balance and the contract assets and liabilities; as CSV, XLSX or JSON it adds every
performance obligation and the journal lines. ``journal`` writes the journal alone (CSV by default):
the file finance loads into a ledger. The default range is this year so far; ``--to`` in the future
shows what is already scheduled (a plan's monthly parts).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from cradletrace.cli.options import database_option, session_scope
from cradletrace.cli.report import date_range, emit, output_options, period_options

PERIOD_LENGTHS = ("month", "quarter", "year")


@click.group("revenue")
def revenue_group() -> None:
    """Revenue recognition (IFRS 15 / ASC 606): the schedule per period and the journal."""


def _range(since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    return date_range(since, until, default_start=lambda end: datetime(end.year, 1, 1))  # this year so far


def account_option(func):  # type: ignore[no-untyped-def]
    """``--account ROLE=CODE`` (repeatable): a ledger account other than the default for one role."""
    return click.option("--account", "accounts", multiple=True, metavar="ROLE=CODE",
                        help="Ledger account for a role, e.g. product_revenue=4010 (roles: receivables, "
                             "contract_assets, tax, contract_liabilities, product_revenue, service_revenue).")(func)


@revenue_group.command("schedule")
@period_options
@click.option("--period", "length", type=click.Choice(PERIOD_LENGTHS), default="month", show_default=True,
              help="Length of each period of the schedule.")
@account_option
@output_options("text", "csv", "xlsx", "json")
@database_option
def schedule_command(since: datetime | None, until: datetime | None, length: str, accounts: tuple[str, ...],
                     fmt: str, output: Path | None, database: str | None) -> None:
    """The revenue schedule per period: recognised, billed, deferred, contract assets and liabilities."""
    from cradletrace.reports.revenue import schedule_report
    from cradletrace.revenue import Accounts, periods, revenue_schedule

    start, end = _range(since, until)
    chart = Accounts.parse(accounts)
    periods(start, end, length)
    with session_scope(database, commit=False) as session:
        rows, revenue = revenue_schedule(session, start, end, length)
    report = schedule_report(rows, revenue, start, end, length, chart)
    if fmt == "text":
        # A person reads the schedule; the obligations and journal lines (one per unit) go to files.
        report.tables = {"schedule": report.tables["schedule"]}
        report.notes.append("obligations and journal lines: --format csv, xlsx or json, or `cradletrace revenue journal`")
    emit(report, fmt, output)


@revenue_group.command("journal")
@period_options
@account_option
@output_options("csv", "text", "json", "xlsx")
@database_option
def journal_command(since: datetime | None, until: datetime | None, accounts: tuple[str, ...], fmt: str,
                    output: Path | None, database: str | None) -> None:
    """The journal lines of the range (date, account, debit, credit, contract, obligation, reference)."""
    from cradletrace.reports.output import plain_csv
    from cradletrace.reports.revenue import journal_report
    from cradletrace.revenue import Accounts, recognise

    start, end = _range(since, until)
    chart = Accounts.parse(accounts)
    with session_scope(database, commit=False) as session:
        revenue = recognise(session)
    report = journal_report(revenue, start, end, chart)
    if fmt == "csv" and output is None:
        click.echo(plain_csv(report), nl=False)  # the bare table: a ledger import reads it as it is
        return
    emit(report, fmt, output)

