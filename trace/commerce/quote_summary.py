"""Quotes as pages, the API and the command line show them: a list of quotes, and one quote version with its
prices explained, its configurations, approvals, versions and the order it became.

:func:`list_quotes` and :func:`summarise_quote` read in a fixed number of statements whatever the number
of quotes, lines or versions; their results are plain data with ``to_dict()`` for JSON (money as decimal
strings, as :meth:`cradletrace.commerce.pricing.Pricing.as_dict` gives it), so every interface shows the
same thing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from cradletrace.commerce.approvals import covering_approval, needs_approval, threshold_of
from cradletrace.commerce.document_lists import MAX_LIMIT, check_page
from cradletrace.commerce.documents import party_id
from cradletrace.commerce.pricing import Pricing, amount_text, explain, number_text
from cradletrace.commerce.quotes import quote_version
from cradletrace.configure import ConfigurationSummary, describe_many
from cradletrace.errors import InvalidInput
from cradletrace.models import Approval, Document, DocumentKind, DocumentStatus, Edge, EdgeKind, Node, Party
from cradletrace.timestamps import aware, naive_utc

STATUSES = ("draft", "sent", "accepted", "rejected", "expired")
"""The states a quote (its latest version) can be listed by."""


@dataclass(frozen=True)
class QuoteRow:
    """A quote in a list: its latest version, how many versions it has, whether an approval is pending (a draft
    whose discount request is undecided, as :func:`cradletrace.commerce.approvals.pending_approvals` counts),
    its order."""

    number: str
    version: int
    versions: int
    customer: str | None
    customer_id: str | None
    status: str
    currency: str | None
    amount: Decimal | None
    tax: Decimal | None
    discount: Decimal
    created_at: datetime
    sent_at: datetime | None
    valid_until: datetime | None
    decided_at: datetime | None
    approval_pending: bool
    order: str | None

    def to_dict(self) -> dict[str, Any]:
        """The row as plain data (money and the discount as decimal strings)."""
        return {**asdict(self), "amount": _money(self.amount), "tax": _money(self.tax),
                "discount": number_text(self.discount)}


@dataclass(frozen=True)
class VersionRow:
    """One version of a quote: its state and dates; ``frozen`` once it was sent (every state but draft)."""

    version: int
    status: str
    created_at: datetime
    sent_at: datetime | None
    decided_at: datetime | None
    valid_until: datetime | None
    amount: Decimal | None
    frozen: bool


@dataclass(frozen=True)
class ApprovalRow:
    """A discount approval request of a version and its decision (``approved`` is ``None`` while pending)."""

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
class QuoteSummary:
    """One version of a quote: its head, the prices explained line by line, the configuration of each configured
    line (by id), its approvals, every version of the quote, and the order it became.

    ``approvals`` are this version's requests, ``all_approvals`` those of every version (oldest first);
    ``threshold`` is the approval threshold the discount was measured against.
    """

    number: str
    version: int
    status: str
    customer: str | None
    customer_id: str | None
    currency: str | None
    created_at: datetime
    sent_at: datetime | None
    decided_at: datetime | None
    valid_until: datetime | None
    reason: str | None
    pricing: Pricing
    configurations: dict[int, ConfigurationSummary]
    all_approvals: tuple[ApprovalRow, ...]
    covering_approval: ApprovalRow | None
    versions: tuple[VersionRow, ...]
    order: str | None
    threshold: Decimal

    @property
    def frozen(self) -> bool:
        """Whether this version was sent: then nothing in it changes any more (a change is a new version)."""
        return self.status != DocumentStatus.DRAFT.value

    @property
    def approvals(self) -> tuple[ApprovalRow, ...]:
        """The discount approval requests made on this version, oldest first."""
        return tuple(a for a in self.all_approvals if a.version == self.version)

    @property
    def needs_approval(self) -> bool:
        """Whether the discount (the largest line's) is above the threshold: then it is sent only once approved."""
        return needs_approval(self.pricing.discount, self.threshold)

    @property
    def approved(self) -> bool:
        """Whether a sales manager's approval, on any version, covers a discount that needs one."""
        return self.covering_approval is not None

    @property
    def latest(self) -> int:
        """The quote's latest version."""
        return self.versions[-1].version if self.versions else self.version

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain data (for JSON): numbers of money, quantities and discounts as decimal strings."""
        return {
            "number": self.number, "version": self.version, "status": self.status, "frozen": self.frozen,
            "customer": self.customer, "customer_id": self.customer_id, "currency": self.currency,
            "created_at": self.created_at, "sent_at": self.sent_at, "decided_at": self.decided_at,
            "valid_until": self.valid_until, "reason": self.reason, "order": self.order,
            "pricing": {**self.pricing.as_dict(), "at": self.pricing.at},  # a time, as the other times are
            "configurations": [c.to_dict() for c in self.configurations.values()],
            "approvals": [_approval(a) for a in self.approvals],
            "covering_approval": _approval(self.covering_approval) if self.covering_approval else None,
            "versions": [{**asdict(v), "amount": _money(v.amount)} for v in self.versions],
        }


def summarise_quote(session: Session, quote: str | Document, version: int | None = None) -> QuoteSummary:
    """Everything about one version of a quote (the latest unless ``version`` is given); a fixed number of
    statements.

    ``approvals`` are the requests made on this version; ``covering_approval`` is the approval, given on any
    version, that covers this version's discount when it is above the threshold (what lets it be sent).

    Raises
    ------
    NotFound
        If there is no such quote, or no such version of it.
    """
    doc = quote_version(session, quote, version)
    pricing = explain(session, doc)
    configurations = describe_many(session, sorted({ln.terms.configuration_id for ln in pricing.lines
                                                    if ln.terms.configuration_id is not None}))
    every = list(session.execute(select(Document).where(Document.kind == DocumentKind.QUOTE,
                                                        Document.number == doc.number)
                                 .order_by(Document.version)).scalars())
    version_of = {v.id: v.version for v in every}

    def row(a: Approval) -> ApprovalRow:
        return ApprovalRow(version_of[a.document_id], a.discount, a.threshold, a.requested_at, a.requested_by,
                           a.decided_at, a.decided_by, a.approved, a.note)

    threshold = threshold_of()
    covering = covering_approval(session, doc, pricing.discount)  # read always: the statements stay the same
    if not needs_approval(pricing.discount, threshold):
        covering = None
    versions = tuple(VersionRow(v.version, v.status.value, v.created_at, _sent(v), v.decided_at, v.valid_until,
                                v.amount, v.status is not DocumentStatus.DRAFT) for v in every)
    customer = session.execute(select(Party.name, Node.identifier).join(Node, Node.id == Party.node_id)
                               .where(Party.id == doc.party_id)).first()
    requests = session.execute(select(Approval).where(Approval.document_id.in_(list(version_of)))
                               .order_by(Approval.requested_at, Approval.id)).scalars()
    return QuoteSummary(doc.number, doc.version, doc.status.value, customer[0] if customer else None,
                        customer[1] if customer else None, doc.currency, doc.created_at, _sent(doc), doc.decided_at,
                        doc.valid_until, doc.reason, pricing, configurations, tuple(row(a) for a in requests),
                        row(covering) if covering else None, versions,
                        _orders(session, [doc.number]).get(doc.number), threshold)


def list_quotes(session: Session, *, status: str | None = None, customer: str | None = None,
                since: datetime | None = None, until: datetime | None = None, limit: int = 100,
                offset: int = 0) -> tuple[list[QuoteRow], int]:
    """Quotes by number (their latest version), newest first, and how many match in all: three statements.

    ``status`` is the latest version's (:data:`STATUSES`), ``customer`` a party identifier, ``since`` and
    ``until`` bound the latest version's date (``until`` excluded); ``limit`` and ``offset`` page the list.

    Raises
    ------
    InvalidInput
        For an unknown status or a page out of bounds.
    NotFound
        For a customer that is no party.
    """
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"{status!r} is not one of {', '.join(STATUSES)}", where="status")
    check_page(limit, offset)
    D = Document
    latest = (select(D.number, func.max(D.version).label("version"), func.count().label("versions"))
              .where(D.kind == DocumentKind.QUOTE).group_by(D.number).subquery("latest"))
    pending = exists().where(Approval.document_id == D.id, Approval.decided_at.is_(None))
    where = [D.kind == DocumentKind.QUOTE]
    if status is not None:
        where.append(D.status == DocumentStatus(status))
    if customer is not None:
        where.append(D.party_id == party_id(session, customer))
    if since is not None:
        where.append(D.created_at >= naive_utc(aware(since)))
    if until is not None:
        where.append(D.created_at < naive_utc(aware(until)))
    base = select(D).join(latest, and_(latest.c.number == D.number, latest.c.version == D.version)).where(*where)
    total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    rows = session.execute(
        base.with_only_columns(D, latest.c.versions, Party.name, Node.identifier, pending)
        .outerjoin(Party, Party.id == D.party_id).outerjoin(Node, Node.id == Party.node_id)
        .order_by(D.created_at.desc(), D.number.desc()).limit(limit).offset(offset)).all()
    orders = _orders(session, [doc.number for doc, *_rest in rows])
    return [QuoteRow(doc.number, doc.version, versions, name, identifier, doc.status.value, doc.currency, doc.amount,
                     doc.tax, doc.discount or Decimal(0), doc.created_at, _sent(doc), doc.valid_until, doc.decided_at,
                     bool(waiting) and doc.status is DocumentStatus.DRAFT, orders.get(doc.number))
            for doc, versions, name, identifier, waiting in rows], total


def _orders(session: Session, numbers: list[str]) -> dict[str, str]:
    """The order each quote number became (an order following any of its versions): one statement."""
    if not numbers:
        return {}
    quote, order = aliased(Document), aliased(Document)
    return dict(session.execute(
        select(quote.number, order.number).select_from(Edge)
        .join(quote, and_(quote.node_id == Edge.src, quote.kind == DocumentKind.QUOTE))
        .join(order, and_(order.node_id == Edge.dst, order.kind == DocumentKind.ORDER))
        .where(Edge.kind == EdgeKind.FOLLOWS, Edge.retracted.is_(False), quote.number.in_(numbers))
        .order_by(order.created_at)).all())


def _approval(a: ApprovalRow) -> dict[str, Any]:
    return {**asdict(a), "discount": number_text(a.discount), "threshold": number_text(a.threshold)}


def _sent(doc: Document) -> datetime | None:
    text = (doc.attributes or {}).get("sent_at")
    return naive_utc(datetime.fromisoformat(text)) if text else None


def _money(value: Decimal | None) -> str | None:
    return None if value is None else amount_text(value)


__all__ = ["ApprovalRow", "MAX_LIMIT", "QuoteRow", "QuoteSummary", "STATUSES", "VersionRow", "list_quotes",
           "summarise_quote"]
