"""``cradletrace report sustainability|compliance|recall``: the metrics and compliance reports.

Each takes ``--product GTIN`` and the period (``--from``/``--to``: units commissioned in it;
the footprint and the statuses are evaluated at ``--to``, else now), ``--format`` and
``-o FILE``, and shows a progress bar over the units at a terminal.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from cradletrace.cli.options import database_option, session_scope
from cradletrace.cli.progress import progress_bar
from cradletrace.cli.report import as_utc, emit, output_options, period_options

FORMATS = ("text", "csv", "xlsx", "json", "html")


def _product_option(func):  # type: ignore[no-untyped-def]
    return click.option("--product", metavar="GTIN", default=None, help="Only the units of this product.")(func)


@click.command("sustainability")
@_product_option
@period_options
@output_options(*FORMATS)
@database_option
def sustainability_command(product: str | None, since: datetime | None, until: datetime | None, fmt: str,
                           output: Path | None, database: str | None) -> None:
    """Units produced, footprint by stage with its spread, recycled content, recovery, lifespans, top materials."""
    from cradletrace.reports.sustainability import sustainability_report

    with session_scope(database, commit=False) as session, progress_bar("footprints", unit="units") as update:
        report = sustainability_report(session, product=product, since=as_utc(since), until=as_utc(until),
                                       progress=update, charts=fmt == "html")
    emit(report, fmt, output)


@click.command("compliance")
@_product_option
@period_options
@output_options(*FORMATS)
@database_option
def compliance_command(product: str | None, since: datetime | None, until: datetime | None, fmt: str,
                       output: Path | None, database: str | None) -> None:
    """Units by compliance status (RoHS, REACH, 3TG, certificates, custody) with the reasons, and the findings."""
    from cradletrace.reports.compliance import compliance_report

    with session_scope(database, commit=False) as session, progress_bar("statuses", unit="units") as update:
        report = compliance_report(session, product=product, since=as_utc(since), until=as_utc(until),
                                   progress=update, charts=fmt == "html")
    emit(report, fmt, output)


@click.command("recall")
@click.argument("identifier")
@_product_option
@output_options(*FORMATS)
@database_option
def recall_report_command(identifier: str, product: str | None, fmt: str, output: Path | None,
                          database: str | None) -> None:
    """Every unit affected by a recall of IDENTIFIER (a lot or unit), with its state, place and owner."""
    from cradletrace.reports.recall import recall_report

    with session_scope(database, commit=False) as session:
        report = recall_report(session, identifier, product=product)
    emit(report, fmt, output)


COMMANDS = (sustainability_command, compliance_command, recall_report_command)
