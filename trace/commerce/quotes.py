"""Quotes: priced lines, versions, approval of deep discounts, sending (which freezes a version), validity,
expiry, and acceptance, which converts the version into a sales order.

A quote is a ``draft`` until ``sent``; a sent quote is ``accepted`` or ``rejected``, or ``expired``
past its validity (``valid_until``). A revision is a new version of the same number (its own
document and node, following the old version, which becomes ``superseded``).

Lines without a ``unit_price`` are priced from the customer's price lists at the quote's date
(:func:`cradletrace.commerce.pricing.price_lines`): each stores its list price, surcharge and unit
price, the quote its discount and price list, and ``attributes["pricing"]`` how each line was
priced (list, tier, surcharges by option). A line with a ``unit_price`` keeps it.

Only a draft changes (:func:`update_quote`, the approval services); sending a version freezes its
lines and prices, and every service that would change them refuses any other status: a change
after sending is a new version (:func:`revise_quote`). A discount above the threshold needs a sales
manager's approval before the version can be sent (:mod:`cradletrace.commerce.approvals`).
``attributes["sent_at"]`` keeps when it was sent (quote turnaround: ``created_at`` to ``sent_at``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cradletrace.commerce.approvals import request_approval, require_approval
from cradletrace.commerce.documents import currency_code, find, get, new_document, require_status
from cradletrace.commerce.invoices import next_number
from cradletrace.commerce.lines import add_lines, lines_of
from cradletrace.commerce.orders import create_order
from cradletrace.commerce.pricing import PRICING_ATTRIBUTE, Pricing, price_lines, pricing_snapshot
from cradletrace.errors import NotFound, RuleViolation
from cradletrace.models import Document, DocumentKind, DocumentStatus, Line
from cradletrace.timestamps import aware, naive_utc

DRAFT, SENT = DocumentStatus.DRAFT, DocumentStatus.SENT
ASKED_PRICE_LIST = "asked_price_list"
"""The key of a quote's ``attributes`` naming the price list asked for (a contract's, say): its versions keep it."""
ORDER_SERIES = "SO"
"""The number series of orders made by accepting a quote (``SO-000001``, ...) when no number is given."""


class Acceptance(NamedTuple):
    """An accepted quote version and the sales order it became (``None`` when no order was asked for)."""

    quote: Document
    order: Document | None


def create_quote(session: Session, number: str, *, party: str | int, currency: str,
                 lines: Sequence[Mapping[str, Any]], valid_until: datetime | None = None,
                 opportunity: str | Document | None = None, when: datetime | None = None,
                 attributes: Mapping[str, Any] | None = None, discount: Any = 0, price_list: Any = None,
                 by: str | None = None, threshold: Any = None) -> Document:
    """Draft a quote for a customer, from an opportunity or directly, its lines priced (module docstring).

    ``discount`` is the quote's own discount (a fraction, after the lines'); ``price_list`` a list to
    price from first; ``by`` who drafts it (the requester, when its discount needs approval).
    """
    follows = [get(session, DocumentKind.OPPORTUNITY, opportunity)] if opportunity is not None else []
    currency = currency_code(currency)
    pricing = price_lines(session, customer=party, currency=currency, at=when, lines=lines, discount=discount,
                          price_list=price_list, where=f"quote {number}")
    doc = new_document(session, DocumentKind.QUOTE, number, status=DRAFT, when=when, party=party, follows=follows,
                       currency=currency, valid_until=naive_utc(valid_until) if valid_until else None,
                       discount=pricing.document_discount, price_list_id=pricing.price_list_id)
    doc.attributes = dict(attributes or {})
    _store(session, doc, lines, pricing, asked=price_list is not None, by=by, when=when, threshold=threshold)
    return doc


def revise_quote(session: Session, quote: str | Document, *, lines: Sequence[Mapping[str, Any]] | None = None,
                 valid_until: datetime | None = None, discount: Any = None, price_list: Any = None,
                 when: datetime | None = None, by: str | None = None, threshold: Any = None) -> Document:
    """A new version of a draft or sent quote; the old version is superseded.

    What is not given is taken from the old version (its lines, discount, validity, the price list
    asked for); lines that were priced from a list are priced again at the revision's date (lines
    with a given price keep it).
    """
    old = get(session, DocumentKind.QUOTE, quote)
    require_status(old, [DRAFT, SENT], "revised")
    lines, pricing, asked = _reprice(session, old, lines=lines, discount=discount, price_list=price_list, when=when)
    old.status = DocumentStatus.SUPERSEDED
    doc = new_document(session, DocumentKind.QUOTE, old.number, version=old.version + 1, status=DRAFT, when=when,
                       party=old.party_id, follows=[old], currency=old.currency,
                       valid_until=naive_utc(valid_until) if valid_until else old.valid_until,
                       discount=pricing.document_discount, price_list_id=pricing.price_list_id)
    doc.attributes = {k: v for k, v in (old.attributes or {}).items() if k not in (PRICING_ATTRIBUTE, "sent_at")}
    _store(session, doc, lines, pricing, asked=asked, by=by, when=when, threshold=threshold)
    return doc


def update_quote(session: Session, quote: str | Document, *, lines: Sequence[Mapping[str, Any]] | None = None,
                 discount: Any = None, valid_until: datetime | None = None, price_list: Any = None,
                 when: datetime | None = None, by: str | None = None, threshold: Any = None) -> Document:
    """Change a draft quote in place (its lines, discount, validity, the price list asked for), priced again at
    ``when``.

    Raises
    ------
    RuleViolation
        If the quote is not a draft: a sent version is frozen (revise it instead).
    """
    doc = get(session, DocumentKind.QUOTE, quote)
    require_draft(doc, "changed")
    lines, pricing, asked = _reprice(session, doc, lines=lines, discount=discount, price_list=price_list, when=when)
    session.execute(delete(Line).where(Line.document_id == doc.id))
    doc.discount, doc.price_list_id = pricing.document_discount, pricing.price_list_id
    if valid_until is not None:
        doc.valid_until = naive_utc(valid_until)
    _store(session, doc, lines, pricing, asked=asked, by=by, when=when, threshold=threshold)
    return doc


def send_quote(session: Session, quote: str | Document, *, when: datetime | None = None,
               threshold: Any = None) -> Document:
    """Send a draft quote to the customer; from now on its version is frozen.

    Raises
    ------
    RuleViolation
        If it is not a draft, its validity has passed, or its discount is above the approval threshold
        without a sales manager's approval that covers it.
    """
    doc = get(session, DocumentKind.QUOTE, quote)
    require_draft(doc, "sent")
    moment = aware(when)
    if doc.valid_until is not None and naive_utc(moment) > doc.valid_until:
        raise RuleViolation(f"its validity ended on {doc.valid_until:%Y-%m-%d}: revise it with a new valid_until",
                            where=f"quote {doc.number} v{doc.version}")
    require_approval(session, doc, threshold=threshold)
    doc.status = SENT
    doc.attributes = {**(doc.attributes or {}), "sent_at": moment.isoformat()}
    session.flush()
    return doc


def accept_quote(session: Session, quote: str | Document, *, when: datetime | None = None, order: bool = True,
                 order_number: str | None = None, requested_at: datetime | None = None) -> Acceptance:
    """Record the customer's acceptance of a sent quote that is still valid, and convert the version into a
    sales order (:func:`cradletrace.commerce.orders.create_order`): its lines with their prices, discounts,
    tax rates and configurations, its discount and price list; numbered ``order_number`` or the next of
    the ``SO`` series. ``order=False`` records the acceptance only (for an order made later).

    Raises
    ------
    RuleViolation
        If the quote is not sent, or is past its validity (it is then marked ``expired``).
    """
    doc = get(session, DocumentKind.QUOTE, quote)
    require_status(doc, [SENT], "accepted")
    moment = naive_utc(aware(when))
    if doc.valid_until is not None and moment > doc.valid_until:
        doc.status = DocumentStatus.EXPIRED
        session.flush()
        raise RuleViolation(f"quote {doc.number} expired on {doc.valid_until:%Y-%m-%d}", where=f"quote {doc.number}")
    doc.status, doc.decided_at = DocumentStatus.ACCEPTED, moment
    session.flush()
    if not order:
        return Acceptance(doc, None)
    made = create_order(session, order_number or next_number(session, ORDER_SERIES), quote=doc,
                        requested_at=requested_at, when=when)
    return Acceptance(doc, made)


def reject_quote(session: Session, quote: str | Document, *, reason: str | None = None,
                 when: datetime | None = None) -> Document:
    """Record the customer's rejection of a sent quote."""
    doc = get(session, DocumentKind.QUOTE, quote)
    require_status(doc, [SENT], "rejected")
    doc.status, doc.decided_at, doc.reason = DocumentStatus.REJECTED, naive_utc(aware(when)), reason
    session.flush()
    return doc


def expire_quotes(session: Session, at: datetime | None = None) -> list[Document]:
    """Mark every sent quote whose validity ended before ``at`` (default now) ``expired``; return them."""
    moment = naive_utc(aware(at))
    expired = list(session.execute(
        select(Document).where(Document.kind == DocumentKind.QUOTE, Document.status == SENT,
                               Document.valid_until.is_not(None), Document.valid_until < moment)
        .order_by(Document.number, Document.version)).scalars())
    for doc in expired:
        doc.status = DocumentStatus.EXPIRED
    session.flush()
    return expired


def quote_version(session: Session, quote: str | Document, version: int | None = None) -> Document:
    """A version of a quote (by number or document): ``version``, or the latest when none is given."""
    doc = get(session, DocumentKind.QUOTE, quote)
    if version is None or doc.version == version:
        return doc
    found = find(session, DocumentKind.QUOTE, doc.number, version=version)
    if found is None:
        raise NotFound(f"quote {doc.number} has no version {version}", where="version")
    return found


def require_draft(doc: Document, action: str) -> None:
    """Refuse to change a quote version that is not a draft: sending froze it (a change is a new version)."""
    if doc.status is not DRAFT:
        raise RuleViolation(f"quote {doc.number} v{doc.version} is {doc.status.value}: only a draft can be {action} "
                            "(a sent version is frozen; revise it for a new version)",
                            where=f"quote {doc.number} v{doc.version}")


def _reprice(session: Session, doc: Document, *, lines: Sequence[Mapping[str, Any]] | None, discount: Any,
             price_list: Any, when: datetime | None) -> tuple[Sequence[Mapping[str, Any]], Pricing, bool]:
    """Price ``lines`` (default: the quote's own) for a new version or a change: the quote's customer and
    currency, its discount and the list it asked for unless others are given. Also: whether a list is asked for."""
    lines = _input_lines(session, doc) if lines is None else lines
    asked = price_list if price_list is not None else (doc.attributes or {}).get(ASKED_PRICE_LIST)
    pricing = price_lines(session, customer=doc.party_id, currency=doc.currency or "", at=when, lines=lines,
                          discount=doc.discount if discount is None else discount, price_list=asked,
                          where=f"quote {doc.number}")
    return lines, pricing, asked is not None


def _store(session: Session, doc: Document, lines: Sequence[Mapping[str, Any]], pricing: Pricing, *, asked: bool,
           by: str | None, when: datetime | None, threshold: Any) -> None:
    """Write the priced lines and how they were priced (and the list asked for); open an approval request when
    the discount needs one."""
    stored = []
    for ln, priced in zip(lines, pricing.lines):
        listed = priced.terms.list_price is not None or bool(priced.terms.surcharges)
        stored.append({**ln, "line_no": priced.terms.line_no, "unit_price": priced.unit_price,
                       "list_price": priced.terms.list_price, "surcharge": priced.surcharge if listed else None})
    add_lines(session, doc, stored)
    doc.attributes = {**(doc.attributes or {}), PRICING_ATTRIBUTE: pricing_snapshot(pricing)}
    if asked:
        doc.attributes[ASKED_PRICE_LIST] = pricing.price_list
    session.flush()
    request_approval(session, doc, discount=pricing.discount, by=by, when=when, threshold=threshold)


def _input_lines(session: Session, doc: Document) -> list[dict[str, Any]]:
    """A quote's lines as the input that made them: a line priced from a list has no ``unit_price``, so it is
    priced again; a given price stays."""
    snapshot = (doc.attributes or {}).get(PRICING_ATTRIBUTE) or {}
    return [{"product": ln.product_id, "quantity": ln.quantity, "discount": ln.discount, "tax_rate": ln.tax_rate,
             "configuration_id": ln.configuration_id, "line_no": ln.line_no,
             **({"unit_price": ln.unit_price}
                if snapshot.get(str(ln.line_no), {}).get("price_given", True) else {})}
            for ln in lines_of(session, doc)]


__all__ = [
    "ASKED_PRICE_LIST", "Acceptance", "ORDER_SERIES", "accept_quote", "create_quote", "expire_quotes",
    "quote_version", "reject_quote", "require_draft", "revise_quote", "send_quote", "update_quote",
]
