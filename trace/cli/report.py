"""``cradletrace report NAME``: the reports (order-to-cash, lead-to-cash, quote-to-cash, sustainability,
compliance, recall).

Each report is a subcommand of the ``report`` group, defined by the CLI module of its area and
added in :mod:`cradletrace.cli`; they share the options below and one writer
(:func:`cradletrace.reports.output.write_report`), so every report has the same formats.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


@click.group("report")
def report_group() -> None:
    """Reports over the tracked units: o2c, l2c, q2c, sustainability, compliance, recall."""


def period_options(func: F) -> F:
    """``--from`` and ``--to`` (ISO dates or times, UTC when no offset is given; ``--to`` excluded)."""
    func = click.option("--to", "until", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]), default=None,
                        help="End of the period (excluded), e.g. 2026-12-31.")(func)
    return click.option("--from", "since", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]), default=None,
                        help="Start of the period (included), e.g. 2026-01-01.")(func)


def output_options(*formats: str) -> Callable[[F], F]:
    """``--format`` (one of ``formats``, text first) and ``-o/--output FILE`` (stdout without it)."""

    def decorate(func: F) -> F:
        func = click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
                            default=None, help="Write to FILE (needed for xlsx).")(func)
        return click.option("--format", "fmt", type=click.Choice(list(formats)), default=formats[0],
                            show_default=True, help="Output format.")(func)

    return decorate


def emit(report: Any, fmt: str, output: Path | None) -> None:
    """Write ``report`` as ``fmt`` to ``output`` or stdout; a half-written file is never left behind."""
    from cradletrace.errors import InvalidInput
    from cradletrace.reports.output import write_report

    if output is None:
        if fmt == "xlsx":
            raise InvalidInput("an XLSX report needs an output file", where="-o/--output")
        click.echo(write_report(report, fmt), nl=False)
        return
    import shutil
    import tempfile

    # Written in a scratch folder beside the target and moved into place when complete, so a
    # failure leaves no half-written file (a CSV report may write one file per table).
    scratch = Path(tempfile.mkdtemp(prefix=".report-", dir=output.parent))
    try:
        write_report(report, fmt, scratch / output.name)
        for written in scratch.iterdir():
            written.replace(output.parent / written.name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    click.echo(f"wrote {output}", err=True)


def date_range(since: datetime | None, until: datetime | None, *,
               default_start: Callable[[datetime], datetime]) -> tuple[datetime, datetime]:
    """``--from`` and ``--to`` as naive UTC: ``--to`` now when not given, ``--from`` ``default_start(end)``.

    Examples
    --------
    >>> date_range(None, datetime(2026, 5, 17), default_start=lambda end: end.replace(day=1))
    (datetime.datetime(2026, 5, 1, 0, 0), datetime.datetime(2026, 5, 17, 0, 0))
    >>> date_range(datetime(2026, 6, 1), datetime(2026, 5, 1), default_start=lambda end: end)
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: --from: --from 2026-06-01 is not before --to 2026-05-01
    """
    from cradletrace.errors import InvalidInput
    from cradletrace.timestamps import naive_utc, utc_now

    end = naive_utc(as_utc(until)) if until else utc_now()
    start = naive_utc(as_utc(since)) if since else default_start(end)
    if start >= end:
        raise InvalidInput(f"--from {start:%Y-%m-%d} is not before --to {end:%Y-%m-%d}", where="--from")
    return start, end


def as_utc(value: datetime | None) -> datetime | None:
    """A ``--from``/``--to`` value as an aware UTC datetime (click parses them naive)."""
    from datetime import timezone

    return None if value is None else value.replace(tzinfo=timezone.utc)
