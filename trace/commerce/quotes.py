"""Quotes: lines, validity, versions, sent, accepted or rejected.

A quote is a ``draft`` until ``sent``; a sent quote is ``accepted`` or ``rejected`` (or
``expired`` past its validity). A revision is a new version of the same number (its own
document and node, following the old version, which becomes ``superseded``). The header's
``attributes`` leave room for the configuration, price list and contract references that
quote-to-cash adds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cradletrace.commerce.documents import currency_code, get, new_document, require_status
from cradletrace.commerce.lines import add_lines
from cradletrace.errors import RuleViolation
from cradletrace.models import Document, DocumentKind, DocumentStatus
from cradletrace.timestamps import aware, naive_utc

DRAFT, SENT = DocumentStatus.DRAFT, DocumentStatus.SENT


def create_quote(session: Session, number: str, *, party: str | int, currency: str,
                 lines: Sequence[Mapping[str, Any]], valid_until: datetime | None = None,
                 opportunity: str | Document | None = None, when: datetime | None = None,
                 attributes: Mapping[str, Any] | None = None) -> Document:
    """Draft a quote for a customer, from an opportunity or directly."""
    follows = [get(session, DocumentKind.OPPORTUNITY, opportunity)] if opportunity is not None else []
    doc = new_document(session, DocumentKind.QUOTE, number, status=DRAFT, when=when, party=party, follows=follows,
                       currency=currency_code(currency), valid_until=naive_utc(valid_until) if valid_until else None)
    doc.attributes = dict(attributes or {})
    add_lines(session, doc, lines)
    session.flush()
    return doc


def revise_quote(session: Session, quote: str | Document, *, lines: Sequence[Mapping[str, Any]],
                 valid_until: datetime | None = None, when: datetime | None = None) -> Document:
    """A new version of a draft or sent quote; the old version is superseded."""
    old = get(session, DocumentKind.QUOTE, quote)
    require_status(old, [DRAFT, SENT], "revised")
    old.status = DocumentStatus.SUPERSEDED
    doc = new_document(session, DocumentKind.QUOTE, old.number, version=old.version + 1, status=DRAFT, when=when,
                       party=old.party_id, follows=[old], currency=old.currency,
                       valid_until=naive_utc(valid_until) if valid_until else old.valid_until)
    doc.attributes = dict(old.attributes or {})
    add_lines(session, doc, lines)
    session.flush()
    return doc


def send_quote(session: Session, quote: str | Document, *, when: datetime | None = None) -> Document:
    """Mark a draft quote sent to the customer."""
    doc = get(session, DocumentKind.QUOTE, quote)
    require_status(doc, [DRAFT], "sent")
    doc.status = SENT
    doc.attributes = {**(doc.attributes or {}), "sent_at": aware(when).isoformat()}
    session.flush()
    return doc


def accept_quote(session: Session, quote: str | Document, *, when: datetime | None = None) -> Document:
    """Record the customer's acceptance of a sent quote that is still valid."""
    doc = get(session, DocumentKind.QUOTE, quote)
    require_status(doc, [SENT], "accepted")
    moment = naive_utc(aware(when))
    if doc.valid_until is not None and moment > doc.valid_until:
        doc.status = DocumentStatus.EXPIRED
        session.flush()
        raise RuleViolation(f"quote {doc.number} expired on {doc.valid_until:%Y-%m-%d}", where=f"quote {doc.number}")
    doc.status, doc.decided_at = DocumentStatus.ACCEPTED, moment
    session.flush()
    return doc


def reject_quote(session: Session, quote: str | Document, *, reason: str | None = None,
                 when: datetime | None = None) -> Document:
    """Record the customer's rejection of a sent quote."""
    doc = get(session, DocumentKind.QUOTE, quote)
    require_status(doc, [SENT], "rejected")
    doc.status, doc.decided_at, doc.reason = DocumentStatus.REJECTED, naive_utc(aware(when)), reason
    session.flush()
    return doc
