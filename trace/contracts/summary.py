"""One contract as pages and the command line show it: header, every terms version, history, documents, units;
and the list of contracts.

:func:`summarise` gathers it in a fixed number of statements; :class:`ContractSummary` is plain data with
``to_dict()`` for JSON, so ``cradletrace contract show`` and a web page render the same thing.
:func:`list_contracts` is every contract with its latest terms' period and whether its renewal is due, in
one statement.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.contracts.lifecycle import StateChange, get_contract, history
from cradletrace.contracts.links import CoveredUnit, LinkedDocument, covered_units, documents
from cradletrace.contracts.reminders import remind_from
from cradletrace.contracts.terms import Terms, in_force, latest_versions, versions
from cradletrace.errors import InvalidInput
from cradletrace.models import Document, DocumentStatus, Node, Party
from cradletrace.timestamps import aware, naive_utc


@dataclass(frozen=True)
class ContractSummary:
    """A contract: who, state, dates, its terms (every version, and which is in force), history, documents, units."""

    number: str
    customer: str | None
    customer_id: str | None
    currency: str | None
    status: str
    created_at: datetime
    signed_at: datetime | None
    approved_by: str | None
    closed_at: datetime | None
    reason: str | None
    at: datetime
    in_force: int | None
    terms: tuple[Terms, ...]
    history: tuple[StateChange, ...]
    documents: tuple[LinkedDocument, ...]
    units: tuple[CoveredUnit, ...]

    @property
    def current(self) -> Terms:
        """The terms in force at ``at``, else the latest version."""
        return next((t for t in self.terms if t.version == self.in_force), self.terms[-1])

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain data (for JSON)."""
        return asdict(self)


def summarise(session: Session, contract: str | Document, at: datetime | None = None) -> ContractSummary:
    """Everything about one contract, with the terms in force at ``at`` (default now).

    Raises
    ------
    NotFound
        If there is no such contract.
    """
    doc = get_contract(session, contract)
    moment = naive_utc(aware(at))
    changes = history(session, doc)
    signed = next((c.version for c in changes if c.state == "signed"), None)
    terms = versions(session, doc)
    current = in_force(terms, signed, moment)
    customer = session.execute(select(Party.name, Node.identifier).join(Node, Node.id == Party.node_id)
                               .where(Party.id == doc.party_id)).first()
    return ContractSummary(
        doc.number, customer[0] if customer else None, customer[1] if customer else None, doc.currency,
        doc.status.value, doc.created_at, doc.decided_at, doc.approved_by, doc.closed_at, doc.reason, moment,
        current.version if current else None, tuple(terms), tuple(changes), tuple(documents(session, doc)),
        tuple(covered_units(session, doc)))


@dataclass(frozen=True)
class ContractRow:
    """A contract in a list: its state, customer, the period of its latest terms, and whether its renewal is
    due at the time asked (active, and within the notice before its end)."""

    number: str
    customer: str | None
    customer_id: str | None
    status: str
    currency: str | None
    version: int
    starts_at: datetime
    ends_at: datetime
    renewal_due: bool

    def to_dict(self) -> dict[str, Any]:
        """The row as plain data (for JSON)."""
        return asdict(self)


CONTRACT_STATES = tuple(s.value for s in (DocumentStatus.DRAFT, DocumentStatus.NEGOTIATION, DocumentStatus.APPROVED,
                                          DocumentStatus.SIGNED, DocumentStatus.ACTIVE, DocumentStatus.RENEWED,
                                          DocumentStatus.EXPIRED, DocumentStatus.TERMINATED))
"""The states a contract can be listed by, in the order of its life."""


def list_contracts(session: Session, *, status: str | None = None, customer: int | None = None,
                   at: datetime | None = None) -> list[ContractRow]:
    """Every contract (in ``status``, of the customer ``parties.id``), by number, with its latest terms' period and
    whether its renewal is due at ``at`` (default now): one statement.

    Raises
    ------
    InvalidInput
        For a state that is no contract state.
    """
    if status is not None and status not in CONTRACT_STATES:
        raise InvalidInput(f"{status!r} is not one of {', '.join(CONTRACT_STATES)}", where="status")
    moment = naive_utc(aware(at))
    query = (latest_versions(*([DocumentStatus(status)] if status else [])).add_columns(Party.name, Node.identifier)
             .outerjoin(Party, Party.id == Document.party_id).outerjoin(Node, Node.id == Party.node_id))
    if customer is not None:
        query = query.where(Document.party_id == customer)
    return [ContractRow(doc.number, name, identifier, doc.status.value, doc.currency, terms.version, terms.starts_at,
                        terms.ends_at, doc.status is DocumentStatus.ACTIVE
                        and remind_from(terms.ends_at, terms.renewal_notice_days) <= moment)
            for doc, terms, name, identifier in session.execute(query)]


__all__ = ["CONTRACT_STATES", "ContractRow", "ContractSummary", "list_contracts", "summarise"]
