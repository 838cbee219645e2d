"""Credit management: a credit limit per customer, holds on orders that would exceed it, and their release.

A customer's exposure is its open receivables (invoices less what payments, credit notes and
write-offs applied to them) plus its open orders (order amounts not yet invoiced). An order that
would take the exposure over the limit is ``held`` with the reason; only a user with the
``finance`` role releases it, and the release records who, when and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cradletrace.commerce.document_lists import applied_totals
from cradletrace.commerce.documents import currency_code, get, money, party_id, require_status
from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.models import Account, Application, CreditHold, Document, DocumentKind, DocumentStatus
from cradletrace.timestamps import aware, naive_utc

FINANCE_ROLE = "finance"
OPEN_INVOICE = (DocumentStatus.ISSUED, DocumentStatus.PARTIALLY_PAID)
OPEN_ORDER = (DocumentStatus.HELD, DocumentStatus.CONFIRMED, DocumentStatus.PARTIALLY_SHIPPED,
              DocumentStatus.SHIPPED, DocumentStatus.DELIVERED)


def set_account(session: Session, customer: str | int, *, currency: str, credit_limit: Any = None,
                payment_terms_days: int = 30) -> Account:
    """Create or update a customer's credit limit (``None``: no limit) and payment terms."""
    pid = party_id(session, customer)
    if payment_terms_days < 0:
        raise InvalidInput("payment terms cannot be negative", where="payment_terms_days")
    account = session.get(Account, pid) or Account(party_id=pid)
    account.currency = currency_code(currency)
    account.credit_limit = None if credit_limit is None else money(credit_limit, where="credit_limit")
    account.payment_terms_days = payment_terms_days
    session.add(account)
    session.flush()
    return account


def exposure(session: Session, customer: str | int, *, excluding: int | None = None) -> Decimal:
    """Open receivables plus open (not yet invoiced) orders of a customer, two statements."""
    pid = party_id(session, customer)
    applied = applied_totals(Application.invoice_id)
    receivable = session.execute(
        select(func.coalesce(func.sum(Document.amount - func.coalesce(applied.c.applied, 0)), 0))
        .outerjoin(applied, applied.c.id == Document.id)
        .where(Document.party_id == pid, Document.kind == DocumentKind.INVOICE, Document.status.in_(OPEN_INVOICE))
    ).scalar_one()
    invoice = Document.__table__.alias("inv")
    invoiced = (select(invoice.c.order_id, func.sum(invoice.c.amount).label("invoiced"))
                .where(invoice.c.kind == DocumentKind.INVOICE.value, invoice.c.order_id.is_not(None))
                .group_by(invoice.c.order_id).subquery())
    orders = select(Document.amount, func.coalesce(invoiced.c.invoiced, 0)).outerjoin(
        invoiced, invoiced.c.order_id == Document.id).where(
        Document.party_id == pid, Document.kind == DocumentKind.ORDER, Document.status.in_(OPEN_ORDER))
    if excluding is not None:
        orders = orders.where(Document.id != excluding)
    open_orders = sum((max(Decimal(a or 0) - Decimal(i or 0), Decimal(0)) for a, i in session.execute(orders)),
                      Decimal(0))
    return money(Decimal(receivable or 0) + open_orders)


def check_credit(session: Session, order: Document, *, when: datetime | None = None) -> CreditHold | None:
    """Hold ``order`` if the customer's exposure with it would exceed the credit limit; return the hold."""
    account = session.get(Account, order.party_id) if order.party_id is not None else None
    if account is None or account.credit_limit is None:
        return None
    if order.currency != account.currency:
        raise RuleViolation(f"order {order.number} is in {order.currency} but the customer's credit limit is in "
                            f"{account.currency}", where=f"order {order.number}.currency")
    total = exposure(session, order.party_id, excluding=order.id) + (order.amount or Decimal(0))  # type: ignore[arg-type]
    if total <= account.credit_limit:
        return None
    reason = (f"open receivables and orders would be {total} {account.currency}, over the credit limit of "
              f"{account.credit_limit} {account.currency}")
    hold = CreditHold(order_id=order.id, reason=reason, held_at=naive_utc(aware(when)), exposure=total,
                      credit_limit=account.credit_limit)
    order.status = DocumentStatus.HELD
    session.add(hold)
    session.flush()
    return hold


def release_hold(session: Session, order: str | Document, *, by: str, roles: Iterable[str], reason: str,
                 when: datetime | None = None) -> CreditHold:
    """Release a held order; ``by`` must hold the ``finance`` role. Records who, when and why.

    Raises
    ------
    RuleViolation
        If the order is not held or ``by`` lacks the finance role.
    """
    doc = get(session, DocumentKind.ORDER, order)
    if FINANCE_ROLE not in set(roles):
        raise RuleViolation(f"{by} cannot release order {doc.number}: releasing a credit hold needs the finance role",
                            where="roles")
    if not (reason and reason.strip()):
        raise InvalidInput("a release needs a reason", where="reason")
    require_status(doc, [DocumentStatus.HELD], "released")
    hold = session.execute(select(CreditHold).where(CreditHold.order_id == doc.id, CreditHold.released_at.is_(None))
                           .order_by(CreditHold.id.desc())).scalars().first()
    if hold is None:
        raise RuleViolation(f"order {doc.number} has no open credit hold", where=f"order {doc.number}")
    hold.released_at, hold.released_by, hold.release_reason = naive_utc(aware(when)), by, reason.strip()
    doc.status = DocumentStatus.CONFIRMED
    session.flush()
    return hold
