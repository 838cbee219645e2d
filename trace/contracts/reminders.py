"""Renewal reminders: active contracts whose end is within their notice period and that are not renewed yet.

A contract is due for renewal from ``ends_at - renewal_notice_days`` (its latest terms) for as long as it
is ``active``: renewing it (state ``renewed``), letting it expire or terminating it takes it off the list.
A contract past its end but not yet expired stays on it, with a negative number of days left, since
somebody still has to decide.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from cradletrace.contracts.terms import latest_versions
from cradletrace.models import Document, DocumentStatus, Party
from cradletrace.timestamps import aware, naive_utc


@dataclass(frozen=True)
class RenewalDue:
    """A contract to renew: its end, since when the reminder is due, and the calendar days left at the time asked
    (negative once the end has passed)."""

    contract: str
    customer: str | None
    ends_at: datetime
    remind_from: datetime
    days_left: int
    version: int

    def to_dict(self) -> dict[str, Any]:
        """The reminder as plain data (for JSON)."""
        return asdict(self)


def remind_from(ends_at: datetime, notice_days: int) -> datetime:
    """When a renewal reminder is due: the end less the notice.

    Examples
    --------
    >>> remind_from(datetime(2027, 1, 1), 60)
    datetime.datetime(2026, 11, 2, 0, 0)
    """
    return ends_at - timedelta(days=notice_days)


def renewals_due(session: Session, at: datetime | None = None) -> list[RenewalDue]:
    """Active contracts due for renewal at ``at`` (default now), soonest end first; one query.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> upgrade("sqlite:///doctest.db")
    >>> session = Session(create_db_engine("sqlite:///doctest.db"))
    >>> renewals_due(session, datetime(2026, 12, 1))
    []
    """
    now = naive_utc(aware(at))
    statement = (latest_versions(DocumentStatus.ACTIVE).add_columns(Party.name)
                 .outerjoin(Party, Party.id == Document.party_id))
    due = []
    for doc, terms, customer in session.execute(statement):
        start = remind_from(terms.ends_at, terms.renewal_notice_days)
        if start <= now:
            left = (terms.ends_at.date() - now.date()).days  # calendar days, as people count to a deadline
            due.append(RenewalDue(doc.number, customer, terms.ends_at, start, left, terms.version))
    return sorted(due, key=lambda r: (r.ends_at, r.contract))


__all__ = ["RenewalDue", "remind_from", "renewals_due"]
