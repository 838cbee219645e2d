"""Payments (partial or full, matched to one or more invoices; unapplied cash stays visible) and write-offs.

A payment is a document with its amount and currency; each application moves part of it to an
invoice (``commerce_applications``) and writes a ``follows`` edge invoice -> payment. What is not
applied stays on the payment (:func:`unapplied`) until :func:`apply_payment` matches it. A
write-off closes an uncollectable balance, naming who approved it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cradletrace.commerce.documents import currency_code, get, link, money, new_document
from cradletrace.commerce.invoices import balance, next_number, settle
from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.models import Application, Document, DocumentKind, DocumentStatus
from cradletrace.timestamps import aware, naive_utc


def receive_payment(session: Session, number: str, *, party: str | int, amount: Any, currency: str,
                    applications: Mapping[str, Any] | None = None, uri: str | None = None,
                    when: datetime | None = None) -> Document:
    """Record a payment and apply it to invoices (``{invoice number: amount}``); the rest stays unapplied."""
    value = money(amount, where="payment.amount")
    if value <= 0:
        raise InvalidInput(f"a payment is positive, got {value}", where="payment.amount")
    payment = new_document(session, DocumentKind.PAYMENT, number, status=DocumentStatus.RECEIVED, when=when,
                           party=party, currency=currency_code(currency), amount=value, uri=uri)
    for invoice, part in (applications or {}).items():
        apply_payment(session, payment, invoice, part, when=when)
    return payment


def unapplied(session: Session, source: Document) -> Decimal:
    """What of a payment or credit note is not applied to any invoice."""
    applied = session.execute(select(func.coalesce(func.sum(Application.amount), 0))
                              .where(Application.source_id == source.id)).scalar_one()
    return Decimal(source.amount or 0) - Decimal(applied or 0)


def apply_payment(session: Session, payment: str | Document, invoice: str | Document, amount: Any, *,
                  when: datetime | None = None) -> Application:
    """Apply part of a payment's unapplied cash to an open invoice of the same customer and currency."""
    source = payment if isinstance(payment, Document) else get(session, DocumentKind.PAYMENT, payment)
    return apply(session, source, get(session, DocumentKind.INVOICE, invoice), money(amount), when=when)


def apply(session: Session, source: Document, invoice: Document, amount: Decimal, *,
          when: datetime | None = None) -> Application:
    """Apply ``amount`` of a payment, credit note or write-off to an invoice; checks and settles it."""
    # Each message names the invoice (and the source) itself: a form or a request re-raises it with its own
    # where (the row), and a person must still read which invoice was refused.
    source_name, invoice_name = f"{source.kind.value.replace('_', ' ')} {source.number}", f"invoice {invoice.number}"
    where = f"{source.kind.value} {source.number} -> invoice {invoice.number}"
    if amount <= 0:
        raise InvalidInput(f"an amount applied to {invoice_name} is positive, got {amount}", where=where)
    if source.currency != invoice.currency:
        raise RuleViolation(f"{source.currency} cannot pay an invoice in {invoice.currency} ({invoice_name})",
                            where=where)
    if source.party_id != invoice.party_id:
        raise RuleViolation(f"{source_name} and {invoice_name} belong to different customers", where=where)
    # Two people applying the same payment, or paying the same invoice, at once must not together apply more than
    # is left: lock both rows (in id order, so two such transactions cannot deadlock) before reading what is left.
    # PostgreSQL waits here for the other transaction; SQLite takes one writer at a time anyway.
    session.execute(select(Document.id).where(Document.id.in_({source.id, invoice.id})).order_by(Document.id)
                    .with_for_update()).all()
    left = unapplied(session, source)
    if amount > left:
        raise RuleViolation(f"{amount} for {invoice_name} is more than the {left} left unapplied on {source_name}",
                            where=where)
    still_open = balance(session, invoice)
    if amount > still_open:
        raise RuleViolation(f"{amount} is more than the {still_open} open on {invoice_name}", where=where)
    application = Application(source_id=source.id, invoice_id=invoice.id, amount=amount,
                              applied_at=naive_utc(aware(when)))
    session.add(application)
    session.flush()
    link(session, [invoice], [source], when=application.applied_at)
    settle(session, invoice, aware(when))
    return application


def write_off(session: Session, invoice: str | Document, *, approver: str, reason: str, amount: Any = None,
              number: str | None = None, when: datetime | None = None) -> Document:
    """Write off an uncollectable balance (all of it by default), with the approver and the reason."""
    doc = get(session, DocumentKind.INVOICE, invoice)
    if not (approver and approver.strip()) or not (reason and reason.strip()):
        raise InvalidInput("a write-off needs an approver and a reason", where=f"invoice {doc.number}")
    value = balance(session, doc) if amount is None else money(amount)
    off = new_document(session, DocumentKind.WRITE_OFF, number or next_number(session, "WO"),
                       status=DocumentStatus.CLOSED, when=when, party=doc.party_id, currency=doc.currency,
                       amount=value, approved_by=approver.strip(), reason=reason.strip(), order_id=doc.order_id)
    apply(session, off, doc, value, when=when)
    return off
