"""Recording payments from what a person or a client sends: a payment's amount, currency, date and number read
and checked, its applications to invoices read as rows, the next free number of the PAY series, cash applied
later to open invoices, a balance written off; and what the payment form offers (the customer's open invoices).

The pages (``/finance/payments/new``, a payment's apply form, an invoice's write-off form) and the JSON API
(``POST /api/payments``, ``/api/payments/{number}/apply``, ``/api/invoices/{number}/write-off``) all go through
here, so a value is read, checked and refused with the same words whichever way it came: a malformed value
names its field (``amount``, ``applications row 2.amount``), and a refusal of the core
(:func:`cradletrace.commerce.payments.apply`: more than the invoice's open balance, more than the cash left, a
currency or a customer that differs) names the invoice in its message and the row in its ``where``. The rules
themselves stay in :mod:`cradletrace.commerce.payments`; this module reads the input and calls it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from cradletrace.commerce.document_lists import InvoiceRow, customers, open_invoices
from cradletrace.commerce.documents import currency_code, find, get, party_id
from cradletrace.commerce.invoices import balance, free_number
from cradletrace.commerce.payments import apply, receive_payment, write_off
from cradletrace.errors import InvalidInput, NotFound, RuleViolation, TraceError
from cradletrace.models import Application, Document, DocumentKind
from cradletrace.timestamps import aware, naive_utc
from cradletrace.units import decimal

PAYMENT_SERIES = "PAY"
"""The number series of payments recorded without a number (``PAY-000001``, ...)."""
APPLICATION_KEYS = ("invoice", "amount")
"""What an application row says: the invoice's number and the amount applied to it (as text)."""
MAX_APPLICATIONS = 200
"""Application rows one request may hold (the form lists at most this many open invoices)."""
MAX_AMOUNT = Decimal(10) ** 16
"""Amounts are below this: the database keeps 16 digits before the point (NUMERIC(18,2))."""
MAX_REASON = 500
"""The longest reason a write-off keeps."""


def read_amount(value: Any, *, where: str = "amount") -> Decimal:
    """An amount typed or sent: a decimal as text (or a whole number), positive, to the cent at most.

    Raises
    ------
    InvalidInput
        Naming ``where``: not a number, a float (inexact), zero or less, finer than a cent, or too large.

    Examples
    --------
    >>> read_amount(" 1250.5 "), read_amount(40)
    (Decimal('1250.50'), Decimal('40.00'))
    >>> read_amount("12.345", where="applications row 2.amount")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: applications row 2.amount: an amount is in cents at most, got '12.345'
    """
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidInput("give an amount", where=where)
    if isinstance(value, str) and "," in value:
        raise InvalidInput(f"{value!r} is not an amount: digits and a decimal point, as 1250.00", where=where)
    if not isinstance(value, (str, int, float, Decimal)):
        raise InvalidInput(f"an amount is a decimal number as text, got {value!r}", where=where)
    number = decimal(value, where=where)
    if number <= 0:
        raise InvalidInput(f"an amount is positive, got {number}", where=where)
    if number.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidInput(f"an amount is in cents at most, got {str(value).strip()!r}", where=where)
    if number >= MAX_AMOUNT:
        raise InvalidInput(f"an amount is below 10^16, got {number}", where=where)
    return number.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Applying:
    """One application read from a row: the invoice, the amount, and the row it came from (for the messages)."""

    row: int
    invoice: str
    amount: Decimal

    @property
    def where(self) -> str:
        """The row, as a refusal names it."""
        return f"applications row {self.row}"


def read_applications(rows: Any, *, where: str = "applications") -> list[Applying]:
    """The applications of a payment from rows ``{"invoice": number, "amount": text}``.

    A row without an amount applies nothing and is skipped (the form lists every open invoice with its amount
    field blank); a row with an amount names its invoice, once.

    Raises
    ------
    InvalidInput
        Naming the row and the field: a row that is not an object or has another field, an amount without an
        invoice, a malformed amount, an invoice in two rows, or more than :data:`MAX_APPLICATIONS` rows.

    Examples
    --------
    >>> read_applications([{"invoice": "INV-000002", "amount": "60"}, {"invoice": "INV-000003", "amount": ""}])
    [Applying(row=1, invoice='INV-000002', amount=Decimal('60.00'))]
    >>> read_applications([{"invoice": "INV-1", "amount": "5"}, {"invoice": "INV-1", "amount": "7"}])
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: applications row 2.invoice: invoice INV-1 is in row 1 already: one row per \
invoice
    """
    if rows is None:
        return []
    if not isinstance(rows, Sequence) or isinstance(rows, (str, bytes)):
        raise InvalidInput('applications is a list of rows {"invoice": number, "amount": text}', where=where)
    if len(rows) > MAX_APPLICATIONS:
        raise InvalidInput(f"at most {MAX_APPLICATIONS} rows, got {len(rows)}", where=where)
    made: list[Applying] = []
    seen: dict[str, int] = {}
    for no, row in enumerate(rows, start=1):
        at = f"{where} row {no}"
        if not isinstance(row, Mapping):
            raise InvalidInput('a row is an object {"invoice": number, "amount": text}', where=at)
        unknown = sorted(set(row) - set(APPLICATION_KEYS))
        if unknown:
            raise InvalidInput(f"a row has no field {unknown[0]!r} (it has invoice and amount)", where=at)
        invoice, amount = row.get("invoice"), row.get("amount")
        if amount is None or (isinstance(amount, str) and not amount.strip()):
            continue
        if not isinstance(invoice, str) or not invoice.strip():
            raise InvalidInput("name the invoice the amount is applied to (its number)", where=f"{at}.invoice")
        invoice = invoice.strip()
        if invoice in seen:
            raise InvalidInput(f"invoice {invoice} is in row {seen[invoice]} already: one row per invoice",
                               where=f"{at}.invoice")
        seen[invoice] = no
        made.append(Applying(no, invoice, read_amount(amount, where=f"{at}.amount")))
    return made


def received_at(value: datetime | date | str | None, *, when: datetime | None = None) -> datetime:
    """When a payment was received, as naive UTC, from the date typed (``YYYY-MM-DD``; blank: today).

    Today is the moment it is recorded (``when``, default now); an earlier day is the end of that day, so that
    the payment follows what else is dated that day (the invoices it pays). A day after today is refused.

    Examples
    --------
    >>> now = datetime(2026, 3, 10, 14, 30)
    >>> received_at("2026-03-10", when=now), received_at("2026-03-02", when=now), received_at("", when=now)
    (datetime.datetime(2026, 3, 10, 14, 30), datetime.datetime(2026, 3, 2, 23, 59, 59), \
datetime.datetime(2026, 3, 10, 14, 30))
    >>> received_at("2026-03-11", when=now)
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: date: a payment is received today or before, not on 2026-03-11
    """
    now = naive_utc(aware(when))
    if value is None or (isinstance(value, str) and not value.strip()):
        return now
    if isinstance(value, datetime):
        day = naive_utc(aware(value)).date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput(f"{value.strip()!r} is not a date (YYYY-MM-DD)", where="date") from None
    else:
        raise InvalidInput(f"date is a date as text (YYYY-MM-DD), got {value!r}", where="date")
    if day > now.date():
        raise InvalidInput(f"a payment is received today or before, not on {day:%Y-%m-%d}", where="date")
    if isinstance(value, datetime):
        return naive_utc(aware(value))
    return now if day == now.date() else datetime.combine(day, time(23, 59, 59))


def payment_number(session: Session) -> str:
    """The next number of the PAY series that no payment has yet (a number typed or imported earlier is
    skipped, not reused)."""
    return free_number(session, PAYMENT_SERIES, DocumentKind.PAYMENT)


def record_payment(session: Session, *, customer: str | int, amount: Any, currency: str,
                   date: datetime | date | str | None = None, number: str | None = None,
                   applications: Any = None, when: datetime | None = None) -> Document:
    """Record a payment received from ``customer`` and apply it to the invoices of ``applications`` (rows, as
    :func:`read_applications` reads them); what is not applied stays on the payment. Numbered ``number``, or the
    next free of the PAY series. Everything is read and checked before anything is written.

    Raises
    ------
    InvalidInput
        Naming the field or the row: a malformed value, a number taken, an invoice dated after the payment.
    NotFound
        For a customer that is no party (``where="customer"``) or an invoice that does not exist (its row).
    RuleViolation
        From :func:`~cradletrace.commerce.payments.apply`, naming the invoice, with its row as ``where``.
    """
    value = read_amount(amount)
    code = currency_code(currency)
    moment = received_at(date, when=when)
    rows = read_applications(applications)
    if isinstance(customer, str) and not customer.strip():
        raise InvalidInput("give the customer (a GLN or party identifier)", where="customer")
    try:
        party = party_id(session, customer.strip() if isinstance(customer, str) else customer)
    except (NotFound, InvalidInput) as error:
        raise type(error)(error.message, where="customer") from None
    if number is not None and number.strip():
        number = number.strip()
        if len(number) > 64:
            raise InvalidInput("a payment number is at most 64 characters", where="number")
        if find(session, DocumentKind.PAYMENT, number) is not None:
            raise InvalidInput(f"payment {number} exists already: give another number, or none for the next of "
                               f"the {PAYMENT_SERIES} series", where="number")
    else:
        number = payment_number(session)
    payment = receive_payment(session, number, party=party, amount=value, currency=code, when=moment)
    _apply_rows(session, payment, rows, moment, dated=True)
    return payment


def apply_cash(session: Session, payment: str | Document, applications: Any, *,
               when: datetime | None = None) -> list[Application]:
    """Apply a payment's unapplied cash to invoices (``applications``: rows as :func:`read_applications` reads
    them), at ``when`` (default now).

    Raises
    ------
    InvalidInput
        If no row has an amount, or a row is malformed (naming it).
    NotFound
        For a payment or an invoice that does not exist.
    RuleViolation
        From :func:`~cradletrace.commerce.payments.apply`, naming the invoice, with its row as ``where``.
    """
    rows = read_applications(applications)
    doc = get(session, DocumentKind.PAYMENT, payment)
    if not rows:
        raise InvalidInput("give an amount for at least one invoice", where="applications")
    return _apply_rows(session, doc, rows, naive_utc(aware(when)), dated=False)


def _apply_rows(session: Session, payment: Document, rows: list[Applying], moment: datetime, *,
                dated: bool) -> list[Application]:
    """Apply each row at ``moment``; a refusal keeps its message (which names the invoice) and gets the row as
    ``where``. With ``dated``, an invoice dated after the payment is refused: it cannot have paid it then."""
    made = []
    for applying in rows:
        try:
            invoice = get(session, DocumentKind.INVOICE, applying.invoice)
        except NotFound as error:
            raise NotFound(error.message, where=f"{applying.where}.invoice") from None
        if dated and invoice.created_at > moment:
            raise InvalidInput(f"invoice {invoice.number} is dated {invoice.created_at:%Y-%m-%d}, after the payment "
                               f"({moment:%Y-%m-%d}): apply the cash from the payment's page once it is recorded",
                               where=f"{applying.where}.invoice")
        try:
            made.append(apply(session, payment, invoice, applying.amount, when=moment))
        except TraceError as error:
            raise type(error)(error.message, where=applying.where) from None
    return made


def write_off_balance(session: Session, invoice: str | Document, *, approver: str, reason: Any, amount: Any = None,
                      when: datetime | None = None) -> Document:
    """Write off what is open on an invoice (``amount``, all of it when blank), approved by ``approver`` for
    ``reason`` (required), numbered from the WO series.

    Raises
    ------
    InvalidInput
        For no reason, or a malformed amount (``where`` names the field).
    NotFound
        For an invoice that does not exist.
    RuleViolation
        If nothing is open on the invoice, or the amount is more than what is (``where="amount"``).
    """
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("give the reason the balance is written off", where="reason")
    if len(reason.strip()) > MAX_REASON:
        raise InvalidInput(f"a reason is at most {MAX_REASON} characters", where="reason")
    if not (approver or "").strip():
        raise InvalidInput("a write-off is approved by someone: give the approver", where="approver")
    blank = amount is None or (isinstance(amount, str) and not amount.strip())
    value = None if blank else read_amount(amount)
    doc = get(session, DocumentKind.INVOICE, invoice)
    still_open = balance(session, doc)
    if still_open <= 0:
        raise RuleViolation(f"invoice {doc.number} has nothing open to write off", where=f"invoice {doc.number}")
    # Checked here too (the core's apply would refuse it after taking a WO number), so the refusal names the field.
    if value is not None and value > still_open:
        raise RuleViolation(f"{value} is more than the {still_open} open on invoice {doc.number}", where="amount")
    return write_off(session, doc, approver=approver, reason=reason, amount=value, when=when)


@dataclass(frozen=True)
class PaymentChoices:
    """What the payment form offers: the customers that have invoices (value, label), and for the customer chosen
    its name, its open invoices (the oldest due first; ``open_count`` in all) and the currency to default to
    (its oldest open invoice's, else EUR)."""

    customers: list[tuple[str, str]]
    customer: str | None
    customer_name: str | None
    invoices: list[InvoiceRow]
    open_count: int
    currency: str


def payment_choices(session: Session, customer: str | None = None, *, currency: str | None = None,
                    limit: int = MAX_APPLICATIONS) -> PaymentChoices:
    """The choices of the payment form for ``customer`` (none yet: the customers only): four statements at most
    (the customers with invoices, then the customer and its open invoices, counted).

    Raises
    ------
    NotFound
        For a customer that is no party (``where="customer"``).
    """
    known = customers(session, DocumentKind.INVOICE)
    if not customer:
        return PaymentChoices(known, None, None, [], 0, currency or "EUR")
    try:
        rows, total = open_invoices(session, customer, currency=currency, limit=limit)
    except NotFound as error:
        raise NotFound(error.message, where="customer") from None
    name = dict(known).get(customer) or (rows[0].customer if rows else None)
    return PaymentChoices(known, customer, name, rows, total, currency or (rows[0].currency if rows else None)
                          or "EUR")


__all__ = ["APPLICATION_KEYS", "Applying", "MAX_AMOUNT", "MAX_APPLICATIONS", "PAYMENT_SERIES", "PaymentChoices",
           "apply_cash", "payment_choices", "payment_number", "read_amount", "read_applications", "received_at",
           "record_payment", "write_off_balance"]
