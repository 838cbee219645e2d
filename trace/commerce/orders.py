"""Sales orders: from an accepted quote or direct, with a requested date, lines and a status.

A new order is ``confirmed``, or ``held`` when it would take the customer over the credit limit
(:mod:`cradletrace.commerce.credit`). Shipping moves it to ``partially_shipped`` and ``shipped``,
delivery of every shipment to ``delivered``; an order can be ``cancelled`` before it ships.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cradletrace.commerce.credit import check_credit
from cradletrace.commerce.documents import currency_code, get, new_document, require_status
from cradletrace.commerce.lines import add_lines, carried, lines_of
from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.models import Allocation, Document, DocumentKind, DocumentStatus, Edge, EdgeKind, Line
from cradletrace.timestamps import naive_utc


def create_order(session: Session, number: str, *, party: str | int | None = None, currency: str | None = None,
                 lines: Sequence[Mapping[str, Any]] | None = None, quote: str | Document | None = None,
                 requested_at: datetime | None = None, uri: str | None = None,
                 when: datetime | None = None) -> Document:
    """Create a sales order from an accepted quote (its lines, customer and currency) or from ``lines``.

    The credit check runs at once: the order comes back ``confirmed`` or ``held``.
    """
    follows = []
    discount, price_list_id = Decimal(0), None
    if quote is not None:
        source = get(session, DocumentKind.QUOTE, quote)
        require_status(source, [DocumentStatus.ACCEPTED], "ordered")
        ordered = session.execute(select(Document.number).join(Edge, Edge.dst == Document.node_id).where(
            Edge.kind == EdgeKind.FOLLOWS, Edge.src == source.node_id, Document.kind == DocumentKind.ORDER)).scalar()
        if ordered is not None:
            # One quote, one order: accepting a quote converts it already (commerce.quotes.accept_quote).
            raise RuleViolation(f"quote {source.number} v{source.version} is ordered already (order {ordered})",
                                where=f"order {number}.quote")
        follows.append(source)
        party = party if party is not None else source.party_id
        currency = currency or source.currency
        if lines is None:
            # Everything the quote line says travels: price and how it was made, discount, configuration.
            lines = [carried(ln) for ln in lines_of(session, source)]
            discount, price_list_id = source.discount, source.price_list_id
    if party is None or not lines:
        raise InvalidInput("an order needs a customer and lines (or an accepted quote)", where=f"order {number}")
    doc = new_document(session, DocumentKind.ORDER, number, status=DocumentStatus.CONFIRMED, when=when, party=party,
                       follows=follows, currency=currency_code(currency), uri=uri,
                       requested_at=naive_utc(requested_at) if requested_at else None,
                       discount=discount, price_list_id=price_list_id)
    add_lines(session, doc, lines)
    check_credit(session, doc, when=when)
    return doc


def cancel_order(session: Session, order: str | Document, *, reason: str) -> Document:
    """Cancel an order that has not shipped; its allocated units are free again."""
    doc = get(session, DocumentKind.ORDER, order)
    require_status(doc, [DocumentStatus.CONFIRMED, DocumentStatus.HELD], "cancelled")
    if not (reason and reason.strip()):
        raise InvalidInput("a cancellation needs a reason", where=f"order {doc.number}")
    doc.status, doc.reason = DocumentStatus.CANCELLED, reason.strip()
    session.execute(update(Allocation).where(Allocation.line_id.in_(select(Line.id).where(Line.document_id == doc.id)))
                    .values(active=False))
    session.flush()
    return doc
