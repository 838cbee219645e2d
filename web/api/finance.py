"""The ``/api`` views for finance and managers: the revenue schedule and journal (JSON, or CSV with ``Accept:
text/csv`` or ``?format=csv``) and the quote-to-cash KPIs; invoices and payments, a payment recorded, its cash
applied and a balance written off.

Each report builds the same report as its command (``cradletrace revenue schedule``, ``revenue journal``, ``report
q2c``) with :mod:`cradletrace.reports` and writes it with :func:`cradletrace.reports.output.write_report`, so
the API and the command line give the same numbers under the same names. Invoices and payments are read by the
pages' readers (:mod:`cradletrace.commerce.document_lists`, :mod:`cradletrace.commerce.document_summary`) and
written through :mod:`cradletrace.commerce.payment_drafts`, as the pages' forms are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import g, request, url_for
from flask.wrappers import Response

from cradletrace.commerce.document_lists import MAX_LIMIT, list_invoices, list_payments
from cradletrace.commerce.document_summary import summarise_invoice, summarise_payment
from cradletrace.commerce.payment_drafts import apply_cash, record_payment, write_off_balance
from cradletrace.errors import InvalidInput, NotFound
from cradletrace.timestamps import naive_utc, utc_now
from cradletrace.web.api.common import (
    body,
    body_text,
    csv_response,
    int_arg,
    json_response,
    only,
    period_args,
    text_arg,
    this_month,
    this_year,
    wanted_format,
)
from cradletrace.web.db import get_session

if TYPE_CHECKING:  # the reports (and pandas) load with the first call, not with the app
    from cradletrace.reports.output import Report

REVENUE_ROLES = ("finance", "admin")
"""Who may read the revenue schedule and journal."""
KPI_ROLES = ("sales_manager", "finance", "admin")
"""Who may read the quote-to-cash KPIs (they hold discounts and revenue)."""
PERIOD_LENGTHS = ("month", "quarter", "year")
INVOICE_ROLES = ("finance", "admin")
"""Who may read invoices and payments (admin reads, as everywhere in /api)."""
CASHIERS = ("finance",)
"""Who records payments, applies their cash and writes off a balance (the write-off's approver is the caller)."""


def _length() -> str:
    length = request.args.get("period", "month")
    if length not in PERIOD_LENGTHS:
        raise InvalidInput(f"{length!r} is not one of {', '.join(PERIOD_LENGTHS)}", where="query parameter period")
    return length


def _report_json(report: Report) -> Response:
    from cradletrace.reports.output import write_report

    return Response(write_report(report, "json"), mimetype="application/json")


def revenue_schedule() -> Response:
    from cradletrace.reports.output import plain_csv
    from cradletrace.reports.revenue import schedule_report
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
    from cradletrace.reports.output import plain_csv
    from cradletrace.reports.revenue import journal_report
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


def invoices() -> Response:
    limit = int_arg("limit", 100, 1, MAX_LIMIT) or 100
    offset = int_arg("offset", 0, 0, 10**9) or 0
    now = naive_utc(utc_now())
    rows, total = list_invoices(get_session(), status=text_arg("status"), customer=text_arg("customer"), at=now,
                                limit=limit, offset=offset)
    return json_response({"total": total, "limit": limit, "offset": offset,
                          "invoices": [{**r.to_dict(), "overdue": r.overdue(now)} for r in rows]})


def invoice(number: str) -> Response:
    page = summarise_invoice(get_session(), number)
    return json_response({**page.to_dict(), "overdue": page.overdue(naive_utc(utc_now()))})


def payments() -> Response:
    limit = int_arg("limit", 100, 1, MAX_LIMIT) or 100
    offset = int_arg("offset", 0, 0, 10**9) or 0
    rows, total = list_payments(get_session(), customer=text_arg("customer"), limit=limit, offset=offset)
    return json_response({"total": total, "limit": limit, "offset": offset, "payments": [r.to_dict() for r in rows]})


def payment(number: str) -> Response:
    return json_response(summarise_payment(get_session(), number).to_dict())


def new_payment() -> Response:
    data = only(body(), ("customer", "amount", "currency", "date", "number", "applications"))
    session = get_session()
    made = record_payment(session, customer=body_text(data, "customer", required=True, limit=200) or "",
                          amount=data.get("amount"), currency=body_text(data, "currency", required=True, limit=3) or "",
                          date=data.get("date"), number=body_text(data, "number", limit=64),
                          applications=data.get("applications"))
    return json_response(summarise_payment(session, made.number).to_dict(), status=201,
                         headers={"Location": url_for("api.payment", number=made.number)})


def apply_payment_cash(number: str) -> Response:
    data = only(body(), ("applications",))
    session = get_session()
    apply_cash(session, number, data.get("applications"))
    return json_response(summarise_payment(session, number).to_dict())


def write_off_invoice(number: str) -> Response:
    data = only(body(), ("reason", "amount"))
    session = get_session()
    write_off_balance(session, number, approver=g.user.name, reason=data.get("reason"), amount=data.get("amount"))
    page = summarise_invoice(session, number)
    return json_response({**page.to_dict(), "overdue": page.overdue(naive_utc(utc_now()))})
