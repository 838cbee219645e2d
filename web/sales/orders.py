"""An order's page, where sales (who made it by accepting a quote) and finance (who bill it) meet: its lines
priced, the quote it came from, its shipments and invoices, and the units allocated to it, each linked
to its passport. A fixed number of statements.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from cradletrace.commerce.documents import get
from cradletrace.contracts.links import LinkedDocument
from cradletrace.commerce.pricing import Pricing, explain
from cradletrace.models import Allocation, Document, DocumentKind, Line, Node
from cradletrace.web.auth import login_required
from cradletrace.web.commercial import ORDER_ROLES, register
from cradletrace.web.documents import party_name, related_documents
from cradletrace.web.db import get_session

bp = Blueprint("orders", __name__, url_prefix="/sales/orders")
bp.record_once(register)


@dataclass(frozen=True)
class AllocatedUnit:
    """A unit (or lot quantity) allocated to one of the order's lines, and where it is in the order's life."""

    identifier: str
    line_no: int
    quantity: Any
    active: bool
    shipment: str | None
    invoice: str | None
    rma: str | None


@dataclass(frozen=True)
class OrderPage:
    """Everything an order's page shows."""

    doc: Document
    customer: str | None
    pricing: Pricing
    related: tuple[LinkedDocument, ...]
    units: tuple[AllocatedUnit, ...]


def order_page(session: Session, number: str) -> OrderPage:
    """An order's page: its lines priced, its neighbours in the chain, the units allocated to it."""
    doc = get(session, DocumentKind.ORDER, number)
    shipment, invoice, rma = aliased(Document), aliased(Document), aliased(Document)
    units = tuple(AllocatedUnit(ident, line_no, a.quantity, a.active, s, i, r) for a, ident, line_no, s, i, r in
                  session.execute(
                      select(Allocation, Node.identifier, Line.line_no, shipment.number, invoice.number, rma.number)
                      .join(Line, Line.id == Allocation.line_id).join(Node, Node.id == Allocation.object_id)
                      .outerjoin(shipment, shipment.id == Allocation.shipment_id)
                      .outerjoin(invoice, invoice.id == Allocation.invoice_id)
                      .outerjoin(rma, rma.id == Allocation.rma_id)
                      .where(Line.document_id == doc.id).order_by(Line.line_no, Node.identifier)))
    return OrderPage(doc, party_name(session, doc.party_id), explain(session, doc),
                     tuple(related_documents(session, doc)), units)


@bp.get("/<number>")
@login_required(*ORDER_ROLES)
def order(number: str) -> Any:
    """An order's page."""
    page = order_page(get_session(), number)
    return render_template("sales/order.html", page=page, doc=page.doc, pricing=page.pricing)


__all__ = ["AllocatedUnit", "OrderPage", "bp", "order_page"]
