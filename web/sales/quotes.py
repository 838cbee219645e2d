"""Quotes: the list (latest version of each, by status and customer) and a quote's page, with its versions,
its lines priced and explained, the configuration of each configured line, the discount approvals, the
order it became, and its actions as forms (send, accept, reject; approve or refuse the discount), and
the PDF for the customer.

The page reads the quote as the PDF does (:func:`cradletrace.reports.quote_pdf.quote_sheet`: the prices
explained by :func:`cradletrace.commerce.pricing.explain`, the customer, the configurations), so what
the customer gets and what sales see are one reading. Every page is a fixed number of statements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask.wrappers import Response
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from cradletrace.commerce import accept_quote, approve_discount, reject_discount, reject_quote, send_quote
from cradletrace.commerce.approvals import covering_approval, needs_approval, threshold_of
from cradletrace.commerce.quotes import quote_version
from cradletrace.models import Approval, Document, DocumentKind, DocumentStatus, Edge, EdgeKind, Node, Party
from cradletrace.reports.quote_pdf import QuoteSheet, file_name, quote_sheet, render
from cradletrace.web.auth import has_role, login_required
from cradletrace.web.commercial import APPROVER_ROLES, SALES_ROLES, act, attachment, register, user_name, user_roles
from cradletrace.web.documents import customers
from cradletrace.web.db import get_session

bp = Blueprint("quotes", __name__, url_prefix="/sales/quotes")
bp.record_once(register)

STATUSES = ("draft", "sent", "accepted", "rejected", "expired")
"""The statuses the list filters by (a superseded version is never the latest)."""
LIST_LIMIT = 500
"""Rows a list shows at most (newest first); filter to see others."""


@dataclass(frozen=True)
class QuoteRow:
    """A quote in the list: its latest version."""

    number: str
    version: int
    customer: str | None
    amount: Decimal | None
    currency: str | None
    status: str
    created_at: datetime
    valid_until: datetime | None
    approval_pending: bool


@dataclass(frozen=True)
class Version:
    """A version of a quote, for the list of versions on its page; ``frozen`` once sent."""

    version: int
    status: str
    created_at: datetime
    sent_at: str | None
    amount: Decimal | None

    @property
    def frozen(self) -> bool:
        """A version that is no longer a draft cannot change (sending froze it, or a revision replaced it)."""
        return self.status != DocumentStatus.DRAFT.value


@dataclass(frozen=True)
class ApprovalRow:
    """A discount approval of any version of the quote: what was asked, by whom, and the decision."""

    version: int
    discount: Decimal
    threshold: Decimal
    requested_at: datetime
    requested_by: str | None
    decided_at: datetime | None
    decided_by: str | None
    approved: bool | None
    note: str | None


@dataclass(frozen=True)
class QuotePage:
    """Everything a quote version's page shows."""

    doc: Document
    sheet: QuoteSheet
    versions: tuple[Version, ...]
    approvals: tuple[ApprovalRow, ...]
    order: str | None
    threshold: Decimal
    needs_approval: bool
    approved: bool

    @property
    def latest(self) -> int:
        return self.versions[-1].version if self.versions else self.doc.version


def quote_rows(session: Session, *, status: str | None = None, customer: str | None = None,
               limit: int = LIST_LIMIT) -> list[QuoteRow]:
    """The latest version of every quote, newest first, with whether an approval is pending: one statement."""
    latest = (select(Document.number, func.max(Document.version).label("version"))
              .where(Document.kind == DocumentKind.QUOTE).group_by(Document.number).subquery("latest"))
    pending = exists().where(Approval.document_id == Document.id, Approval.decided_at.is_(None))
    query = (select(Document, Party.name, pending.label("pending"))
             .join(latest, (latest.c.number == Document.number) & (latest.c.version == Document.version))
             .outerjoin(Party, Party.id == Document.party_id)
             .where(Document.kind == DocumentKind.QUOTE)
             .order_by(Document.created_at.desc(), Document.number).limit(limit))
    if status:
        query = query.where(Document.status == DocumentStatus(status))
    if customer:
        query = query.where(Document.party_id.in_(select(Party.id).join(Node, Node.id == Party.node_id)
                                                  .where(Node.identifier == customer)))
    return [QuoteRow(d.number, d.version, name, d.amount, d.currency, d.status.value, d.created_at, d.valid_until,
                     bool(waiting) and d.status is DocumentStatus.DRAFT)
            for d, name, waiting in session.execute(query)]


def quote_page(session: Session, number: str, version: int | None = None) -> QuotePage:
    """A quote version's page: the sheet (prices explained, customer, configurations), the versions, the
    approvals of every version, the order it became, and whether its discount needs an approval."""
    doc = quote_version(session, number, version)
    sheet = quote_sheet(session, doc)
    versions = tuple(Version(v, s.value, created, (attributes or {}).get("sent_at"), amount)
                     for v, s, created, attributes, amount in session.execute(
                         select(Document.version, Document.status, Document.created_at, Document.attributes,
                                Document.amount)
                         .where(Document.kind == DocumentKind.QUOTE, Document.number == doc.number)
                         .order_by(Document.version)))
    approvals = tuple(ApprovalRow(v, a.discount, a.threshold, a.requested_at, a.requested_by, a.decided_at,
                                  a.decided_by, a.approved, a.note)
                      for a, v in session.execute(
                          select(Approval, Document.version).join(Document, Document.id == Approval.document_id)
                          .where(Document.kind == DocumentKind.QUOTE, Document.number == doc.number)
                          .order_by(Approval.requested_at, Approval.id)))
    order = session.execute(select(Document.number).join(Edge, Edge.dst == Document.node_id).where(
        Edge.kind == EdgeKind.FOLLOWS, Edge.src == doc.node_id, Document.kind == DocumentKind.ORDER)).scalar()
    threshold = threshold_of()
    discount = sheet.pricing.discount
    needed = needs_approval(discount, threshold)
    approved = needed and covering_approval(session, doc, discount) is not None
    return QuotePage(doc, sheet, versions, approvals, order, threshold, needed, approved)


@bp.get("")
@login_required(*SALES_ROLES)
def quotes() -> Any:
    """The quotes, latest version each: ``?status=`` and ``?customer=`` (the customer's identifier) filter."""
    status = request.args.get("status", "")
    customer = request.args.get("customer", "")
    session = get_session()
    rows = quote_rows(session, status=status if status in STATUSES else None, customer=customer or None)
    return render_template("sales/quotes.html", rows=rows, statuses=STATUSES, status=status, customer=customer,
                           customers=customers(session, DocumentKind.QUOTE), limit=LIST_LIMIT)


@bp.get("/<number>")
@bp.get("/<number>/v<int:version>")
@login_required(*SALES_ROLES)
def quote(number: str, version: int | None = None) -> Any:
    """A quote version's page (the latest without a version)."""
    page = quote_page(get_session(), number, version)
    return render_template("sales/quote.html", page=page, doc=page.doc, sheet=page.sheet,
                           pricing=page.sheet.pricing, may_decide=has_role(*APPROVER_ROLES))


@bp.get("/<number>/v<int:version>/pdf")
@login_required(*SALES_ROLES)
def pdf(number: str, version: int) -> Response:
    """The quote version as the PDF the customer gets (:mod:`cradletrace.reports.quote_pdf`)."""
    sheet = quote_sheet(get_session(), quote_version(get_session(), number, version))
    return attachment(render(sheet), "application/pdf", file_name(sheet.number, sheet.version))


def _version(number: str, version: int) -> tuple[Document, str]:
    """The version an action is for (a missing one is 404), and its page to come back to."""
    doc = quote_version(get_session(), number, version)
    return doc, url_for("quotes.quote", number=doc.number, version=doc.version)


@bp.post("/<number>/v<int:version>/send")
@login_required(*SALES_ROLES)
def send(number: str, version: int) -> Response:
    """Send a draft version to the customer, which freezes it."""
    doc, back = _version(number, version)
    return act(lambda: send_quote(get_session(), doc), back=back, done=f"Quote {doc.number} v{doc.version} sent.")


@bp.post("/<number>/v<int:version>/accept")
@login_required(*SALES_ROLES)
def accept(number: str, version: int) -> Response:
    """Record the customer's acceptance: the version becomes a sales order."""
    doc, back = _version(number, version)
    return act(lambda: accept_quote(get_session(), doc), back=back,
               done=lambda made: f"Quote {doc.number} v{doc.version} accepted: order {made.order.number}.")


@bp.post("/<number>/v<int:version>/reject")
@login_required(*SALES_ROLES)
def reject(number: str, version: int) -> Response:
    """Record the customer's rejection of a sent version, with the reason given."""
    doc, back = _version(number, version)
    reason = request.form.get("reason", "").strip() or None
    return act(lambda: reject_quote(get_session(), doc, reason=reason), back=back,
               done=f"Quote {doc.number} v{doc.version} rejected by the customer.")


@bp.post("/<number>/v<int:version>/<any(approve, refuse):decision>-discount")
@login_required(*APPROVER_ROLES)
def decide(number: str, version: int, decision: str) -> Response:
    """A sales manager approves or refuses the draft's discount (a refusal needs a reason); the core checks the
    role again."""
    doc, back = _version(number, version)
    decide_discount = approve_discount if decision == "approve" else reject_discount
    note = request.form.get("note", "")
    return act(lambda: decide_discount(get_session(), doc, by=user_name(), roles=user_roles(), note=note),
               back=back, done=f"Discount of quote {doc.number} v{doc.version} {decision}d.")


__all__ = ["ApprovalRow", "QuotePage", "QuoteRow", "Version", "bp", "quote_page", "quote_rows"]
