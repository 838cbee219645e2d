"""``cradletrace report o2c`` and ``report l2c``: the order-to-cash and lead-to-cash KPIs (METRICS §5)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from cradletrace.cli.options import database_option, session_scope
from cradletrace.cli.report import date_range, emit, output_options, period_options

FORMATS = ("text", "csv", "xlsx", "json")


def month_so_far(since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    """The period of a commercial report: ``--from``/``--to``, by default this month so far."""
    return date_range(since, until, default_start=lambda end: end.replace(day=1, hour=0, minute=0, second=0,
                                                                           microsecond=0))


def _command(name: str, title: str):  # type: ignore[no-untyped-def]
    @click.command(name, help=f"{title}: the KPIs of METRICS §5 for a period (default: this month so far).")
    @period_options
    @click.option("--customer", default=None, help="Only this customer (party GLN or Digital Link).")
    @click.option("--product", default=None, help="Only documents with a line of this product (GTIN).")
    @output_options(*FORMATS)
    @database_option
    def command(since: datetime | None, until: datetime | None, customer: str | None, product: str | None,
                fmt: str, output: Path | None, database: str | None) -> None:
        from cradletrace.reports import commerce as kpi
        from cradletrace.reports.output import Report

        start, end = month_so_far(since, until)
        with session_scope(database, commit=False) as session:
            frames = kpi.load_frames(session, customer=customer, product=product)
        figures = kpi.o2c_figures(frames, start, end) if name == "o2c" else kpi.l2c_figures(frames, start, end)
        report = Report(name, title, period=(start, end),
                        filters={k: v for k, v in (("customer", customer), ("product", product)) if v},
                        figures=figures, tables=kpi.tables(frames, start, end) if name == "o2c" else {})
        if fmt in ("csv", "xlsx"):
            # The figures as a table too, so a CSV file or a sheet holds them (text and JSON show them already).
            report.tables = {"kpis": kpi.kpi_table(figures), **report.tables}
        if len(frames.currencies) > 1:
            report.notes.append(f"documents in several currencies ({', '.join(frames.currencies)}): "
                                "filter by customer for one reporting currency")
        emit(report, fmt, output)

    return command


o2c_command = _command("o2c", "Order-to-cash")
l2c_command = _command("l2c", "Lead-to-cash")
COMMANDS = (o2c_command, l2c_command)
