"""The ``/api`` views for finance and managers: the revenue schedule and journal (JSON, or CSV with ``Accept:
text/csv`` or ``?format=csv``) and the quote-to-cash KPIs.

Each builds the same report as its command (``cradletrace revenue schedule``, ``revenue journal``, ``report
q2c``) with :mod:`cradletrace.reports` and writes it with :func:`cradletrace.reports.output.write_report`, so
the API and the command line give the same numbers under the same names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import request
from flask.wrappers import Response

from cradletrace.errors import InvalidInput, NotFound
from cradletrace.web.api.common import csv_response, period_args, text_arg, this_month, this_year, wanted_format
from cradletrace.web.db import get_session

if TYPE_CHECKING:  # the reports (and pandas) load with the first call, not with the app
    from cradletrace.reports.output import Report

REVENUE_ROLES = ("finance", "admin")
"""Who may read the revenue schedule and journal."""
KPI_ROLES = ("sales_manager", "finance", "admin")
"""Who may read the quote-to-cash KPIs (they hold discounts and revenue)."""
PERIOD_LENGTHS = ("month", "quarter", "year")


def _length() -> str:
    length = request.args.get("period", "month")
    if length not in PERIOD_LENGTHS:
        raise InvalidInput(f"{length!r} is not one of {', '.join(PERIOD_LENGTHS)}", where="query parameter period")
    return length


def _report_json(report: Report) -> Response:
    from cradletrace.reports.output import write_report

    return Response(write_report(report, "json"), mimetype="application/json")


def revenue_schedule() -> Response:
    from cradletrace.reports.revenue import plain_csv, schedule_report
    from cradletrace.revenue import revenue_schedule as schedule_of

    fmt, length = wanted_format(), _length()
    start, end = period_args(this_year)
    rows, revenue = schedule_of(get_session(), start, end, length)
    report = schedule_report(rows, revenue, start, end, length)
    # The schedule only: the obligations (one per unit) are the command's files, the journal has its own route.
    report.tables = {"schedule": report.tables["schedule"]}
    if fmt == "csv":
        return csv_response(plain_csv(report), "revenue-schedule.csv")
    return _report_json(report)


def revenue_journal() -> Response:
    from cradletrace.reports.revenue import journal_report, plain_csv
    from cradletrace.revenue import recognise

    fmt = wanted_format()
    start, end = period_args(this_year)
    report = journal_report(recognise(get_session()), start, end)
    if fmt == "csv":
        return csv_response(plain_csv(report), "revenue-journal.csv")
    return _report_json(report)


def q2c_kpis() -> Response:
    from cradletrace.reports import quote_to_cash as q2c

    length = _length()
    start, end = period_args(this_month)
    customer, product = text_arg("customer"), text_arg("product")
    try:
        frames = q2c.load_frames(get_session(), customer=customer, product=product)
    except NotFound as error:
        raise NotFound(error.message, where="query parameter customer") from None
    return _report_json(q2c.q2c_report(frames, start, end, length=length,
                                       filters={k: v for k, v in (("customer", customer), ("product", product)) if v}))
