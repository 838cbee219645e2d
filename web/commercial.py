"""What the sales and finance pages share: who may open them, links to document pages, the way an
action form is answered, and the template filters for money, dates and rates.

The areas and their roles (docs/web.md, "Quote-to-cash pages"):

- sales (:data:`SALES_ROLES`): quotes, configurations, contracts; a discount is decided by a sales
  manager (:data:`APPROVER_ROLES`, and the core checks the role again);
- finance (:data:`FINANCE_ROLES`): invoices, payments, revenue;
- orders (:data:`ORDER_ROLES`) are where the two meet: sales make them by accepting a quote, finance
  bills them.

The admin's role is users (docs/web.md), so it opens none of these pages, as it sees no commercial
section of the passport (:data:`cradletrace.passport.COMMERCIAL` has no admin either).

An action is a form that posts: it runs one core service (which flushes; the request commits), then
answers ``303 See Other`` back to the page with a short confirmation. A service that refuses (any
:class:`~cradletrace.errors.TraceError`) changes nothing: the request's transaction is rolled back
and the page shows the core's own message, plainly (:func:`act`); a form that drafts or changes a
document shows itself again as typed with the message, ``422`` (:func:`submit`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import Flask, flash, g, redirect, url_for
from flask.blueprints import BlueprintSetupState
from flask.wrappers import Response
from cradletrace.commerce.pricing import amount_text, number_text, percent
from cradletrace.errors import TraceError
from cradletrace.reports.output import Report, plain_csv, xlsx_bytes
from cradletrace.web.auth import has_role
from cradletrace.web.db import get_session

SALES_ROLES = ("sales", "sales_manager")
"""Who works on quotes, configurations and contracts."""
APPROVER_ROLES = ("sales_manager",)
"""Who decides on a discount above the approval threshold."""
FINANCE_ROLES = ("finance",)
"""Who works on invoices, payments and revenue."""
ORDER_ROLES = SALES_ROLES + FINANCE_ROLES
"""Who opens an order: sales made it, finance bills it."""

DOCUMENT_PAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "quote": ("quotes.quote", SALES_ROLES),
    "order": ("orders.order", ORDER_ROLES),
    "contract": ("contracts.contract", SALES_ROLES),
    "invoice": ("invoices.invoice", FINANCE_ROLES),
    "payment": ("payments.payment", FINANCE_ROLES),
}
"""The kinds of document that have a page: its endpoint, and the roles that may open it."""

AREAS = (
    ("Quotes", "quotes.quotes", SALES_ROLES),
    ("Contracts", "contracts.contracts", SALES_ROLES),
    ("Configurations", "configurations.models_page", SALES_ROLES),
    ("Invoices", "invoices.invoices", FINANCE_ROLES),
    ("Payments", "payments.payments", FINANCE_ROLES),
    ("Revenue", "revenue.dashboard", FINANCE_ROLES),
)
"""The header's links to the areas: label, endpoint, the roles that see the link."""

UNITS_SHOWN = 500
"""Units or serials a page lists at most (a contract may cover thousands); the rest are counted."""
OK, REFUSED = "ok", "error"
"""Flash categories: a confirmation, a refusal."""


def user_name() -> str:
    """The signed-in user's name, as the core records who did something (``by=``)."""
    return g.user.name


def user_roles() -> frozenset[str]:
    """The roles the signed-in user holds (the core checks some of them again, such as the approver's)."""
    return frozenset(g.get("roles", frozenset()))


def act(action: Callable[[], Any], *, back: str, done: str | Callable[[Any], str]) -> Response:
    """Run a core ``action`` for a form and answer ``303`` to ``back``.

    ``done`` is the confirmation (or makes it from the action's result). A refusal
    (:class:`~cradletrace.errors.TraceError`) is rolled back and its message shown instead.
    """
    session = get_session()
    try:
        result = action()
        session.flush()
    except TraceError as error:
        session.rollback()
        flash(refusal(error), REFUSED)
    else:
        flash(done(result) if callable(done) else done, OK)
    return redirect(back, code=303)


def submit(save: Callable[[], Any], *, again: Callable[[str], str], done: Callable[[Any], tuple[str, str]]) -> Any:
    """Run the core service of a posted form (``save``): answer ``303`` to the page ``done`` names with its
    confirmation (``done(result) -> (message, url)``), or, refused (any :class:`~cradletrace.errors.TraceError`),
    roll back and show the form again as typed with the core's reason (``again(reason)``), ``422``."""
    session = get_session()
    try:
        result = save()
        session.flush()
    except TraceError as error:
        session.rollback()
        return again(refusal(error)), 422
    message, url = done(result)
    flash(message, OK)
    return redirect(url, code=303)


def attachment(data: bytes, mimetype: str, name: str) -> Response:
    """A file to download (PDF, CSV, XLSX): private to the viewer, never cached."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_attachment(report: Report, fmt: str, name: str) -> Response:
    """A report to download: ``csv``, its first table bare (what a ledger or a spreadsheet loads); ``xlsx``,
    every table a sheet."""
    if fmt == "csv":
        return attachment(plain_csv(report).encode("utf-8"), "text/csv; charset=utf-8", name)
    return attachment(xlsx_bytes(report), XLSX, name)


def refusal(error: TraceError) -> str:
    """The core's message for a refused action, as the page shows it: "Refused: ..." and the message.

    Examples
    --------
    >>> from cradletrace.errors import RuleViolation
    >>> refusal(RuleViolation("contract C-1 is draft, so it cannot be signed", where="contract C-1"))
    'Refused: contract C-1: contract C-1 is draft, so it cannot be signed'
    """
    return f"Refused: {error}"


def document_page(document: Mapping[str, Any]) -> str | None:
    """The link to the page of a document (``kind``, ``number``, ``version``), if it has one the viewer may open."""
    kind, number = document.get("kind"), document.get("number")
    page = DOCUMENT_PAGES.get(str(kind))
    if page is None or not number or not has_role(*page[1]):
        return None
    endpoint, _roles = page
    if kind == "quote" and document.get("version"):
        return url_for("quotes.quote", number=number, version=document["version"])
    return url_for(endpoint, number=number)


def areas() -> list[tuple[str, str]]:
    """The areas the viewer may open, as (label, URL), for the header and the home page."""
    return [(label, url_for(endpoint)) for label, endpoint, roles in AREAS if has_role(*roles)]


def money(value: Decimal | None) -> str:
    """An amount with thousands separated, to the cent (``-`` for none).

    Examples
    --------
    >>> money(Decimal("12920")), money(Decimal("-950.5")), money(None)
    ('12,920.00', '-950.50', '-')
    """
    return "-" if value is None else amount_text(Decimal(value), grouped=True)


def day(value: datetime | str | None) -> str:
    """A moment as its date, ``YYYY-MM-DD`` (``-`` for none).

    Examples
    --------
    >>> day(datetime(2026, 3, 10, 14)), day("2026-03-10T14:00:00+00:00"), day(None)
    ('2026-03-10', '2026-03-10', '-')
    """
    if value is None:
        return "-"
    return value[:10] if isinstance(value, str) else f"{value:%Y-%m-%d}"


def moment(value: datetime | str | None) -> str:
    """A moment to the minute, UTC (``-`` for none).

    Examples
    --------
    >>> moment(datetime(2026, 3, 10, 14, 5)), moment("2026-03-10T14:05:00+00:00")
    ('2026-03-10 14:05', '2026-03-10 14:05')
    """
    if value is None:
        return "-"
    return value[:16].replace("T", " ") if isinstance(value, str) else f"{value:%Y-%m-%d %H:%M}"


def rate(value: Decimal | None) -> str:
    """A fraction as a percentage (``-`` for none).

    Examples
    --------
    >>> rate(Decimal("0.150000")), rate(Decimal("0")), rate(None)
    ('15 %', '0 %', '-')
    """
    return "-" if value is None else percent(Decimal(value))


def quantity(value: Decimal | None) -> str:
    """A quantity without trailing zeros.

    Examples
    --------
    >>> quantity(Decimal("10.000000")), quantity(Decimal("0.35"))
    ('10', '0.35')
    """
    return number_text(value)


FILTERS: dict[str, Callable[..., str]] = {"money": money, "day": day, "moment": moment, "rate": rate,
                                          "quantity": quantity}


def register(state: BlueprintSetupState) -> None:
    """Give the app the filters and helpers the commercial templates use (each blueprint of these pages
    calls it when registered; doing it twice changes nothing)."""
    install(state.app)


def install(app: Flask) -> None:
    """The template filters and helpers of :func:`register`, on ``app``."""
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals.update(document_page=document_page, areas=areas, units_shown=UNITS_SHOWN)


__all__ = [
    "APPROVER_ROLES", "AREAS", "DOCUMENT_PAGES", "FINANCE_ROLES", "ORDER_ROLES", "SALES_ROLES", "UNITS_SHOWN", "XLSX", "act",
    "areas", "attachment", "day", "document_page", "install", "moment", "money", "quantity", "rate", "refusal",
    "register", "submit", "user_name", "user_roles",
]
