"""Discount approvals: a quote whose discount is above the threshold is sent only once a sales manager approved it.

**How the discount is measured.** Each line's effective discount against its list price, 1 - net /
(quantity x (list price + surcharges)), before rounding to the cent (a line priced without a list:
against its own unit price; a given price below the list counts too), and the largest of the
quote's lines is *the* discount (:mod:`cradletrace.commerce.pricing`). The largest line, not the
quote's average: a deep discount on one line is not hidden by full-price lines beside it. It is
compared with the threshold (``CRADLETRACE_DISCOUNT_APPROVAL_THRESHOLD``, default 0.15; every
function here also takes ``threshold=``): a discount *above* it needs approval.

**The approval** is a ``commerce_approvals`` row: what was asked for (the discount, the threshold
then), when and by whom it was requested, and the decision: who, when, approved or not, a note.
Drafting a quote (or a version, or changing a draft) above the threshold opens a request (or
updates the open one), so the approval cycle time runs from ``requested_at`` to ``decided_at``.
:func:`approve_discount` needs the ``sales_manager`` role. An approval covers the discount it was
given for, on every version of the quote: a later version with a discount no larger needs no new
one; a larger one does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.commerce.documents import decimal, get, require_status
from cradletrace.commerce.pricing import explain, percent
from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.models import Approval, ApprovalKind, Document, DocumentKind, DocumentStatus
from cradletrace.settings import load_discount_threshold
from cradletrace.timestamps import aware, naive_utc

SALES_MANAGER_ROLE = "sales_manager"


def threshold_of(threshold: Any = None) -> Decimal:
    """The threshold given (a fraction from 0 to 1), else the setting ``CRADLETRACE_DISCOUNT_APPROVAL_THRESHOLD``.

    Examples
    --------
    >>> threshold_of("0.2")
    Decimal('0.2')
    >>> threshold_of("2")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: threshold: the approval threshold is a fraction from 0 to 1, got 2
    """
    if threshold is None:
        return load_discount_threshold()
    value = decimal(threshold, where="threshold")
    if not 0 <= value <= 1:
        raise InvalidInput(f"the approval threshold is a fraction from 0 to 1, got {value}", where="threshold")
    return value


def needs_approval(discount: Decimal, threshold: Decimal) -> bool:
    """Whether a discount needs approval: it is above the threshold (equal is allowed).

    Examples
    --------
    >>> needs_approval(Decimal("0.15"), Decimal("0.15")), needs_approval(Decimal("0.150001"), Decimal("0.15"))
    (False, True)
    """
    return discount > threshold


def discount_of(session: Session, quote: str | Document) -> Decimal:
    """The discount of a quote's (latest) version that an approval is measured against."""
    return explain(session, get(session, DocumentKind.QUOTE, quote)).discount


def covering_approval(session: Session, quote: Document, discount: Decimal) -> Approval | None:
    """The latest approval, given on any version of ``quote``, for a discount of at least ``discount``."""
    return session.execute(
        select(Approval).join(Document, Document.id == Approval.document_id)
        .where(Document.kind == DocumentKind.QUOTE, Document.number == quote.number,
               Approval.kind == ApprovalKind.DISCOUNT, Approval.approved.is_(True), Approval.discount >= discount)
        .order_by(Approval.decided_at.desc(), Approval.id.desc()).limit(1)).scalar()


def approvals_of(session: Session, quote: Document) -> list[Approval]:
    """Every approval request of a quote version, oldest first."""
    return list(session.execute(select(Approval).where(Approval.document_id == quote.id)
                                .order_by(Approval.requested_at, Approval.id)).scalars())


def pending_approvals(session: Session) -> list[Approval]:
    """The open requests (undecided) of draft quotes, oldest first: what sales managers have to decide."""
    return list(session.execute(
        select(Approval).join(Document, Document.id == Approval.document_id)
        .where(Approval.decided_at.is_(None), Document.status == DocumentStatus.DRAFT)
        .order_by(Approval.requested_at, Approval.id)).scalars())


def request_approval(session: Session, quote: str | Document, *, discount: Decimal | None = None,
                     by: str | None = None, when: datetime | None = None, threshold: Any = None) -> Approval | None:
    """Open a request for the draft quote's discount when it is above the threshold and no approval covers
    it; an open request of the quote is brought up to the discount instead. ``None`` when none is needed.

    ``discount`` is the quote's measured discount when the caller has just priced it.
    """
    doc = get(session, DocumentKind.QUOTE, quote)
    require_status(doc, [DocumentStatus.DRAFT], "submitted for approval")
    limit = threshold_of(threshold)
    measured = discount_of(session, doc) if discount is None else discount
    if not needs_approval(measured, limit) or covering_approval(session, doc, measured) is not None:
        return None
    pending = _pending(session, doc)
    if pending is not None:
        pending.discount, pending.threshold = measured, limit
    else:
        pending = Approval(document_id=doc.id, kind=ApprovalKind.DISCOUNT, discount=measured, threshold=limit,
                           requested_at=naive_utc(aware(when)), requested_by=by)
        session.add(pending)
    session.flush()
    return pending


def approve_discount(session: Session, quote: str | Document, *, by: str, roles: Iterable[str],
                     note: str | None = None, when: datetime | None = None, threshold: Any = None) -> Approval:
    """Approve the discount of a draft quote; ``by`` must hold the ``sales_manager`` role.

    Decides the open request (or records one requested and decided now). The approval covers the
    quote's discount as it is now.

    Raises
    ------
    RuleViolation
        If ``by`` is not a sales manager, the quote is not a draft, or its discount needs no approval.
    """
    return _decide(session, quote, by=by, roles=roles, approved=True, note=note, when=when, threshold=threshold)


def reject_discount(session: Session, quote: str | Document, *, by: str, roles: Iterable[str], note: str,
                    when: datetime | None = None, threshold: Any = None) -> Approval:
    """Refuse the discount of a draft quote (with the reason in ``note``); ``by`` must be a sales manager."""
    if not (note and note.strip()):
        raise InvalidInput("a refusal needs a reason", where="note")
    return _decide(session, quote, by=by, roles=roles, approved=False, note=note, when=when, threshold=threshold)


def _decide(session: Session, quote: str | Document, *, by: str, roles: Iterable[str], approved: bool,
            note: str | None, when: datetime | None, threshold: Any) -> Approval:
    doc = get(session, DocumentKind.QUOTE, quote)
    where = f"quote {doc.number} v{doc.version}"
    if SALES_MANAGER_ROLE not in set(roles):
        raise RuleViolation(f"{by} cannot decide on the discount of {where}: that needs the sales_manager role",
                            where="roles")
    require_status(doc, [DocumentStatus.DRAFT], "approved")
    limit = threshold_of(threshold)
    measured = discount_of(session, doc)
    if not needs_approval(measured, limit):
        raise RuleViolation(f"its discount of {percent(measured)} is not above the threshold of {percent(limit)}: "
                            "it needs no approval", where=where)
    moment = naive_utc(aware(when))
    decision = _pending(session, doc) or Approval(document_id=doc.id, kind=ApprovalKind.DISCOUNT,
                                                  requested_at=moment, requested_by=by)
    decision.discount, decision.threshold = measured, limit
    decision.decided_at, decision.decided_by, decision.approved = moment, by, approved
    decision.note = note.strip() if note and note.strip() else None
    session.add(decision)
    session.flush()
    return decision


def require_approval(session: Session, quote: Document, *, threshold: Any = None) -> Approval | None:
    """Refuse (RuleViolation) a quote whose discount is above the threshold and not covered by an approval;
    return the covering approval, if one was needed."""
    limit = threshold_of(threshold)
    measured = discount_of(session, quote)
    if not needs_approval(measured, limit):
        return None
    found = covering_approval(session, quote, measured)
    if found is not None:
        return found
    refused = session.execute(select(Approval).where(Approval.document_id == quote.id, Approval.approved.is_(False))
                              .order_by(Approval.decided_at.desc()).limit(1)).scalar()
    why = (f"; {refused.decided_by} refused it on {refused.decided_at:%Y-%m-%d}: {refused.note}" if refused
           else "; a sales manager must approve it first (approve_discount)")
    raise RuleViolation(f"its discount of {percent(measured)} is above the approval threshold of "
                        f"{percent(limit)}{why}", where=f"quote {quote.number} v{quote.version}")


def _pending(session: Session, doc: Document) -> Approval | None:
    return session.execute(select(Approval).where(Approval.document_id == doc.id, Approval.decided_at.is_(None),
                                                  Approval.kind == ApprovalKind.DISCOUNT)
                           .order_by(Approval.id.desc()).limit(1)).scalar()


__all__ = [
    "SALES_MANAGER_ROLE", "approvals_of", "approve_discount", "covering_approval", "discount_of", "needs_approval",
    "pending_approvals", "reject_discount", "request_approval", "require_approval", "threshold_of",
]
