"""Leads and opportunities: the start of lead-to-cash.

A lead is ``open`` until it is ``qualified`` (it may then become an opportunity) or
``disqualified`` with a reason. An opportunity has a stage, an expected value (with its
currency) and a close date, and is ``open`` until ``won`` or ``lost`` (with a reason).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cradletrace.commerce.documents import currency_code, get, money, new_document, require_status
from cradletrace.errors import InvalidInput
from cradletrace.models import Document, DocumentKind, DocumentStatus
from cradletrace.timestamps import aware, naive_utc

OPEN, QUALIFIED, DISQUALIFIED = DocumentStatus.OPEN, DocumentStatus.QUALIFIED, DocumentStatus.DISQUALIFIED


def create_lead(session: Session, number: str, *, source: str | None = None, owner: str | None = None,
                party: str | int | None = None, when: datetime | None = None) -> Document:
    """Record a new lead (where it came from, who owns it)."""
    return new_document(session, DocumentKind.LEAD, number, status=OPEN, when=when, party=party, source=source,
                        owner=owner)


def qualify_lead(session: Session, lead: str | Document, *, when: datetime | None = None) -> Document:
    """Mark an open lead qualified."""
    doc = get(session, DocumentKind.LEAD, lead)
    require_status(doc, [OPEN], "qualified")
    doc.status, doc.decided_at = QUALIFIED, naive_utc(aware(when))
    session.flush()
    return doc


def disqualify_lead(session: Session, lead: str | Document, *, reason: str, when: datetime | None = None) -> Document:
    """Mark an open lead disqualified, with the reason."""
    doc = get(session, DocumentKind.LEAD, lead)
    require_status(doc, [OPEN], "disqualified")
    doc.status, doc.decided_at, doc.reason = DISQUALIFIED, naive_utc(aware(when)), _reason(reason)
    session.flush()
    return doc


def create_opportunity(session: Session, number: str, *, party: str | int | None = None, lead: str | Document | None = None,
                       stage: str = "prospecting", expected_value: Any = None, currency: str | None = None,
                       close_date: datetime | None = None, owner: str | None = None,
                       when: datetime | None = None) -> Document:
    """Open an opportunity, from a lead (which is qualified, if it was still open) or directly."""
    follows = []
    if lead is not None:
        source = get(session, DocumentKind.LEAD, lead)
        if source.status is OPEN:
            qualify_lead(session, source, when=when)
        require_status(source, [QUALIFIED], "converted to an opportunity")
        follows.append(source)
        party = party if party is not None else source.party_id
    amount = None if expected_value is None else money(expected_value, where="expected_value")
    return new_document(session, DocumentKind.OPPORTUNITY, number, status=OPEN, when=when, party=party,
                        follows=follows, stage=stage, amount=amount,
                        currency=currency_code(currency) if amount is not None or currency else None,
                        valid_until=naive_utc(close_date) if close_date else None, owner=owner)


def win_opportunity(session: Session, opportunity: str | Document, *, when: datetime | None = None) -> Document:
    """Close an open opportunity as won."""
    doc = get(session, DocumentKind.OPPORTUNITY, opportunity)
    require_status(doc, [OPEN], "won")
    doc.status, doc.decided_at, doc.stage = DocumentStatus.WON, naive_utc(aware(when)), "closed_won"
    session.flush()
    return doc


def lose_opportunity(session: Session, opportunity: str | Document, *, reason: str,
                     when: datetime | None = None) -> Document:
    """Close an open opportunity as lost, with the reason."""
    doc = get(session, DocumentKind.OPPORTUNITY, opportunity)
    require_status(doc, [OPEN], "lost")
    doc.status, doc.decided_at, doc.reason, doc.stage = DocumentStatus.LOST, naive_utc(aware(when)), _reason(reason), "closed_lost"
    session.flush()
    return doc


def _reason(reason: str | None) -> str:
    if not (reason and reason.strip()):
        raise InvalidInput("a reason is required", where="reason")
    return reason.strip()
