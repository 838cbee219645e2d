"""The revenue dashboard: the revenue schedule per period (recognised, of it products and services; billed;
deferred; contract assets and liabilities) for a chosen range, as an SVG chart with the same numbers in a
table beside it and the totals, and the schedule and the journal to download as CSV or XLSX.

The numbers are :func:`cradletrace.revenue.revenue_schedule`'s (the totals :func:`cradletrace.revenue.range_totals`,
what the report's figures are), and the files are
:mod:`cradletrace.reports.revenue`'s reports written by :mod:`cradletrace.reports.output`, exactly as
``cradletrace revenue schedule`` and ``revenue journal`` write them: the schedule's CSV is its table, its
XLSX every sheet (summary, schedule, obligations, journal); the journal's CSV is the bare table a ledger
loads. The range is ``?from=`` (included) and ``?to=`` (excluded), as the command's ``--from`` and ``--to``;
by default the last twelve calendar months, this one included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Blueprint, render_template, request
from flask.wrappers import Response
from markupsafe import Markup

from cradletrace.contracts.periods import add_months
from cradletrace.errors import InvalidInput
from cradletrace.reports.revenue import journal_report, schedule_report
from cradletrace.revenue import PERIODS, ScheduleRow, periods, range_totals, recognise, revenue_schedule
from cradletrace.timestamps import naive_utc, utc_now
from cradletrace.web.auth import login_required
from cradletrace.web.charts import Series, bar_chart
from cradletrace.web.commercial import FINANCE_ROLES, register, report_attachment
from cradletrace.web.db import get_session

bp = Blueprint("revenue", __name__, url_prefix="/finance/revenue")
bp.record_once(register)

MONTHS_SHOWN = 12
"""The default range: this many calendar months, ending with the current one."""


@dataclass(frozen=True)
class Range:
    """The schedule asked for: from (included), to (excluded), the length of its periods."""

    since: datetime
    until: datetime
    length: str

    @property
    def query(self) -> dict[str, str]:
        """The range as the query of a link (the dashboard's and the downloads')."""
        return {"from": f"{self.since:%Y-%m-%d}", "to": f"{self.until:%Y-%m-%d}", "period": self.length}

    @property
    def stem(self) -> str:
        return f"{self.since:%Y-%m-%d}_{self.until:%Y-%m-%d}"


def default_range(now: datetime, months: int = MONTHS_SHOWN) -> tuple[datetime, datetime]:
    """The last ``months`` calendar months, the current one included: from the first of the month ``months - 1``
    before, to the first of the next.

    Examples
    --------
    >>> [f"{d:%Y-%m-%d}" for d in default_range(datetime(2026, 5, 17, 10))]
    ['2025-06-01', '2026-06-01']
    """
    until = add_months(datetime(now.year, now.month, 1), 1)
    return add_months(until, -months), until


def parse_day(text: str | None, where: str) -> datetime | None:
    """A ``YYYY-MM-DD`` query value as its midnight (UTC); ``None`` when empty; otherwise :class:`InvalidInput`.

    Examples
    --------
    >>> parse_day("2026-03-01", "from"), parse_day("", "to")
    (datetime.datetime(2026, 3, 1, 0, 0), None)
    >>> parse_day("March", "from")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: from: give a date as YYYY-MM-DD, not 'March'
    """
    if not text or not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"give a date as YYYY-MM-DD, not {text!r}", where=where) from None
    return datetime(day.year, day.month, day.day)


def asked_range(args: Any, now: datetime) -> Range:
    """The range of ``?from=``, ``?to=`` and ``?period=`` (month, quarter or year), the defaults filling the gaps;
    a malformed or empty range is :class:`InvalidInput` (400)."""
    since, until = parse_day(args.get("from"), "from"), parse_day(args.get("to"), "to")
    length = args.get("period") or "month"
    if since is None or until is None:
        start, end = default_range(now)
        since, until = since or (add_months(until, -MONTHS_SHOWN) if until else start), until or end
    periods(since, until, length)  # refuses an unknown period, or a start not before the end
    return Range(since, until, length)


def revenue_chart(rows: list[ScheduleRow], currency: str) -> Markup:
    """Recognised revenue per period (products and services stacked) beside billing, and the deferred balance."""
    return bar_chart([r.period for r in rows], [
        Series("products recognised", "products", [r.products for r in rows], "recognised"),
        Series("services recognised", "services", [r.services for r in rows], "recognised"),
        Series("billed", "billed", [r.billed for r in rows], "billed"),
        Series("deferred (balance)", "deferred", [r.deferred for r in rows], line=True),
    ], title=f"Revenue per period in {currency}: recognised (products and services) beside billed, and the "
             "deferred balance; the table beside the chart has the same numbers")


@bp.get("")
@login_required(*FINANCE_ROLES)
def dashboard() -> Any:
    """The schedule of the range asked for (``?from=&to=&period=&currency=``)."""
    span = asked_range(request.args, naive_utc(utc_now()))
    rows, _revenue = revenue_schedule(get_session(), span.since, span.until, span.length)
    currencies = sorted({r.currency for r in rows})
    currency = request.args.get("currency") if request.args.get("currency") in currencies else (
        currencies[0] if currencies else None)
    mine = [r for r in rows if r.currency == currency]
    return render_template("finance/revenue.html", span=span, rows=mine, currency=currency, currencies=currencies,
                           totals=range_totals(rows).get(currency or ""),
                           chart=revenue_chart(mine, currency) if mine else None,
                           lengths=list(PERIODS))


@bp.get("/<any(schedule, journal):table>.<any(csv, xlsx):fmt>")
@login_required(*FINANCE_ROLES)
def download(table: str, fmt: str) -> Response:
    """The schedule (CSV: the schedule table; XLSX: summary, schedule, obligations, journal) or the journal."""
    span = asked_range(request.args, naive_utc(utc_now()))
    session = get_session()
    if table == "schedule":
        rows, revenue = revenue_schedule(session, span.since, span.until, span.length)
        report = schedule_report(rows, revenue, span.since, span.until, span.length)
    else:
        report = journal_report(recognise(session), span.since, span.until)
    name = f"revenue-{table}_{span.stem}.{fmt}"
    return report_attachment(report, fmt, name)


__all__ = ["Range", "asked_range", "bp", "default_range", "parse_day", "revenue_chart"]
