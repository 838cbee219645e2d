"""A contract's life: draft, negotiation, approved, signed, active, then renewed, expired or terminated.

A contract is a commercial document (``commerce_documents`` of kind ``contract``, with its node in the
lineage graph). Each action is allowed only in some states (:data:`TRANSITIONS`); any other is a
:class:`~cradletrace.errors.RuleViolation` that names the contract's state and the action. Every change
of state is a ``contract_state_changes`` row: the state entered, when, by whom, why, and the version of
the terms then in force.

* **Negotiation.** :func:`change_terms` writes a new version of the terms
  (:mod:`cradletrace.contracts.terms`), keeping every earlier one, and puts the contract in
  ``negotiation``; a change after approval takes it back there (the approval was of other terms).
* **Approval and signature.** :func:`approve` (who approved), then :func:`sign` (who signed): the signed
  version is recorded and from then on the terms are frozen.
* **Amendment is renewal.** Signed terms change only through :func:`renew`: a new version with the new
  period (from the old end unless given) and any changed terms; the contract is ``renewed`` until
  :func:`activate` starts the new period (:func:`advance_contracts` does it when the period starts). The
  same contract carries on: its documents, covered units and history stay in one place, and a
  renewal is one more version and two more state changes, not a second contract.
* **The end.** :func:`expire` once the period is over (not before), :func:`terminate` at any time
  before the end, with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.commerce.documents import currency_code, get, new_document
from cradletrace.contracts.periods import day_text
from cradletrace.contracts.terms import (
    KEEP,
    Terms,
    in_force,
    latest_row,
    latest_versions,
    moment,
    prepare_version,
    versions,
    write_version,
)
from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.models import ContractStateChange, ContractTerms, Document, DocumentKind, DocumentStatus
from cradletrace.timestamps import aware, naive_utc

DRAFT, NEGOTIATION, APPROVED, SIGNED = "draft", "negotiation", "approved", "signed"
ACTIVE, RENEWED, EXPIRED, TERMINATED = "active", "renewed", "expired", "terminated"
IN_FORCE = frozenset({SIGNED, ACTIVE, RENEWED, EXPIRED, TERMINATED})
"""States of a contract whose terms were signed (and so can be in force)."""

TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "change terms": (frozenset({DRAFT, NEGOTIATION, APPROVED}), NEGOTIATION, "have its terms changed"),
    "approve": (frozenset({DRAFT, NEGOTIATION}), APPROVED, "be approved"),
    "sign": (frozenset({APPROVED}), SIGNED, "be signed"),
    "activate": (frozenset({SIGNED, RENEWED}), ACTIVE, "be activated"),
    "renew": (frozenset({ACTIVE}), RENEWED, "be renewed"),
    "expire": (frozenset({ACTIVE}), EXPIRED, "expire"),
    "terminate": (frozenset({DRAFT, NEGOTIATION, APPROVED, SIGNED, ACTIVE, RENEWED}), TERMINATED, "be terminated"),
}
"""action -> (the states it is allowed in, the state it leads to, how a refusal says it)."""

_ORDER = (DRAFT, NEGOTIATION, APPROVED, SIGNED, ACTIVE, RENEWED, EXPIRED, TERMINATED)


def next_state(number: str, state: str, action: str) -> str:
    """The state ``action`` takes a contract in ``state`` to; a refusal names the state and the action.

    Examples
    --------
    >>> next_state("C-1", "draft", "approve"), next_state("C-1", "renewed", "activate")
    ('approved', 'active')
    >>> next_state("C-1", "draft", "sign")
    Traceback (most recent call last):
    ...
    cradletrace.errors.RuleViolation: contract C-1: contract C-1 is draft, so it cannot be signed (sign needs approved)
    >>> next_state("C-1", "active", "change terms")
    Traceback (most recent call last):
    ...
    cradletrace.errors.RuleViolation: contract C-1: contract C-1 is active, so it cannot have its terms changed (change terms needs draft, negotiation or approved); signed terms are frozen: renew the contract to amend them
    """
    if action not in TRANSITIONS:
        raise InvalidInput(f"no contract action {action!r} (actions: {', '.join(TRANSITIONS)})", where="action")
    allowed, target, done = TRANSITIONS[action]
    if state in allowed:
        return target
    wanted = [s for s in _ORDER if s in allowed]
    needs = ", ".join(wanted[:-1]) + " or " + wanted[-1] if len(wanted) > 1 else wanted[0]
    hint = "; signed terms are frozen: renew the contract to amend them" if (
        action == "change terms" and state in IN_FORCE) else ""
    raise RuleViolation(f"contract {number} is {state}, so it cannot {done} ({action} needs {needs}){hint}",
                        where=f"contract {number}")


@dataclass(frozen=True)
class StateChange:
    """A contract entering a state: when, by whom, why, and the terms version then in force."""

    state: str
    at: datetime
    by: str | None
    note: str | None
    version: int

    def to_dict(self) -> dict[str, Any]:
        """The change as plain data (for JSON)."""
        return asdict(self)


def get_contract(session: Session, contract: str | Document) -> Document:
    """A contract by number (or the document itself, checked to be a contract).

    Raises
    ------
    NotFound
        If there is no contract of that number.
    """
    return get(session, DocumentKind.CONTRACT, contract)


def create_contract(
    session: Session, number: str, *, customer: str | int, currency: str, starts_at: datetime | date,
    ends_at: datetime | date, price_list: str | int | None = None, payment_terms_days: int = 30,
    warranties: Mapping[str, int] | None = None, plans: Sequence[Mapping[str, Any]] = (),
    renewal_notice_days: int = 60, by: str | None = None, when: datetime | None = None, note: str | None = None,
    uri: str | None = None,
) -> Document:
    """Draft a contract for a customer: the document and node, version 1 of its terms, state ``draft``; flush.

    Parameters
    ----------
    customer : str or int
        The customer party (GLN, Digital Link or URI, or ``parties.id``).
    warranties : mapping of GTIN to months, optional
        The warranty of each product's units, from the moment control passes to the customer.
    plans : sequence of mapping
        ``{"plan": code, "product": GTIN or None, "starts_at": moment or None}`` (see
        :mod:`cradletrace.contracts.terms`).

    Raises
    ------
    InvalidInput
        A malformed term, or a period that does not end after it starts.
    NotFound
        The customer, a product, plan or price list.
    RuleViolation
        A contract of that number exists, or a price list or plan in another currency.
    """
    if customer is None:
        raise InvalidInput("a contract needs a customer", where=f"contract {number}")
    code = currency_code(currency)
    draft = prepare_version(session, number, code, changes=dict(
        starts_at=starts_at, ends_at=ends_at, price_list=price_list, payment_terms_days=payment_terms_days,
        renewal_notice_days=renewal_notice_days, warranties=warranties or {}, plans=plans),
        by=by, when=when, note=note or "drafted")
    doc = new_document(session, DocumentKind.CONTRACT, number, status=DocumentStatus.DRAFT, when=when,
                       party=customer, currency=code, uri=uri, owner=by)
    row = write_version(session, doc, draft)
    _mirror(doc, row)
    _record(session, doc, DRAFT, row.version, by=by, when=when, note=note)
    return doc


def change_terms(session: Session, contract: str | Document, *, by: str | None = None, when: datetime | None = None,
                 note: str | None = None, **changes: Any) -> ContractTerms:
    """Negotiate: a new version of the terms with ``changes`` (term names of
    :data:`~cradletrace.contracts.terms.TERM_NAMES`; ``warranties`` and ``plans`` replace the lists as a whole).

    A draft or approved contract moves to ``negotiation``. Returns the new version's row.

    Raises
    ------
    RuleViolation
        If the contract is signed or later (its terms are frozen: renew it), or a term is refused.
    InvalidInput
        If nothing changes, or a term is malformed.
    """
    doc, target = _act(session, contract, "change terms")
    if not any(v is not KEEP for v in changes.values()):
        raise InvalidInput("a change of terms needs at least one term", where=f"contract {doc.number}")
    row = write_version(session, doc, prepare_version(session, doc.number, doc.currency or "", changes=changes,
                                                      previous=latest_row(session, doc), by=by, when=when, note=note))
    _mirror(doc, row)
    if doc.status.value != target:  # further changes in negotiation are versions, not changes of state
        _record(session, doc, target, row.version, by=by, when=when, note=note)
    return row


def approve(session: Session, contract: str | Document, *, by: str, when: datetime | None = None,
            note: str | None = None) -> Document:
    """Approve the latest terms (a draft, or the outcome of negotiation); ``by`` is kept as the approver."""
    doc, target = _act(session, contract, "approve")
    who = _who(by, doc, "approved")
    doc.approved_by = who
    _record(session, doc, target, latest_row(session, doc).version, by=who, when=when, note=note)
    return doc


def sign(session: Session, contract: str | Document, *, by: str, when: datetime | None = None,
         note: str | None = None) -> Document:
    """Sign the approved terms: the version signed is recorded, and the terms are frozen from now on."""
    doc, target = _act(session, contract, "sign")
    who = _who(by, doc, "signed")
    doc.decided_at = naive_utc(aware(when))
    _record(session, doc, target, latest_row(session, doc).version, by=who, when=when, note=note)
    return doc


def activate(session: Session, contract: str | Document, *, by: str | None = None, when: datetime | None = None,
             note: str | None = None) -> Document:
    """Start a signed contract's period, or a renewed contract's new period.

    Raises
    ------
    RuleViolation
        If the contract is not signed or renewed, or its (new) period has not started at ``when``.
    """
    doc, target = _act(session, contract, "activate")
    row = latest_row(session, doc)
    now = naive_utc(aware(when))
    if now < row.starts_at:
        raise RuleViolation(f"contract {doc.number}'s period starts on {day_text(row.starts_at)}: it cannot be "
                            f"active on {day_text(now)}", where=f"contract {doc.number}")
    _record(session, doc, target, row.version, by=by, when=when, note=note)
    return doc


def renew(session: Session, contract: str | Document, *, ends_at: datetime | date,
          starts_at: datetime | date | None = None, by: str | None = None, when: datetime | None = None,
          note: str | None = None, **changes: Any) -> Document:
    """Renew an active contract: a new version of its terms for the new period (from the current end
    unless ``starts_at`` is given) with any other ``changes`` (an amendment); the contract is ``renewed``
    until :func:`activate` starts the new period.

    Raises
    ------
    RuleViolation
        If the contract is not active, or the new period does not end after the current one.
    """
    doc, target = _act(session, contract, "renew")
    previous = latest_row(session, doc)
    end = moment(ends_at, where=f"contract {doc.number}.ends_at")
    if end <= previous.ends_at:
        raise RuleViolation(f"a renewal must end after the current period ({day_text(previous.ends_at)}), "
                            f"not on {day_text(end)}", where=f"contract {doc.number}.ends_at")
    draft = prepare_version(session, doc.number, doc.currency or "", previous=previous, by=by, when=when,
                            note=note or "renewed",
                            changes={**changes, "starts_at": starts_at or previous.ends_at, "ends_at": end})
    row = write_version(session, doc, draft)
    _mirror(doc, row)
    _record(session, doc, target, row.version, by=by, when=when, note=note)
    return doc


def expire(session: Session, contract: str | Document, *, by: str | None = None, when: datetime | None = None,
           note: str | None = None) -> Document:
    """Close an active contract whose period is over.

    Raises
    ------
    RuleViolation
        If it is not active, or its period has not ended at ``when`` (terminate it instead).
    """
    doc, target = _act(session, contract, "expire")
    row = latest_row(session, doc)
    now = naive_utc(aware(when))
    if now < row.ends_at:
        raise RuleViolation(f"contract {doc.number} runs until {day_text(row.ends_at)}: it cannot expire on "
                            f"{day_text(now)} (terminate it instead)", where=f"contract {doc.number}")
    doc.closed_at = now
    _record(session, doc, target, row.version, by=by, when=when, note=note)
    return doc


def terminate(session: Session, contract: str | Document, *, reason: str, by: str | None = None,
              when: datetime | None = None) -> Document:
    """End a contract before its time (or abandon one never signed), with the reason.

    Service plans under it end at that moment; warranties of units already delivered run on
    (:mod:`cradletrace.contracts.entitlement`).
    """
    doc, target = _act(session, contract, "terminate")
    if not (reason and reason.strip()):
        raise InvalidInput("a termination needs a reason", where=f"contract {doc.number}")
    doc.closed_at, doc.reason = naive_utc(aware(when)), reason.strip()
    _record(session, doc, target, latest_row(session, doc).version, by=by, when=when, note=reason.strip())
    return doc


def advance_contracts(session: Session, at: datetime | None = None, *, by: str | None = None) -> list[Document]:
    """What the calendar does to contracts by ``at``: active ones whose period is over expire, renewed ones
    whose new period has started become active. Returns the contracts changed (two queries, then one
    flush for all)."""
    now = naive_utc(aware(at))
    rows = session.execute(latest_versions(DocumentStatus.ACTIVE, DocumentStatus.RENEWED)).all()
    changed = []
    for doc, terms in rows:
        if doc.status is DocumentStatus.ACTIVE and terms.ends_at <= now:
            doc.closed_at = now
            _record(session, doc, EXPIRED, terms.version, by=by, when=at, note="period over", flush=False)
        elif doc.status is DocumentStatus.RENEWED and terms.starts_at <= now:
            _record(session, doc, ACTIVE, terms.version, by=by, when=at, note="renewal period started", flush=False)
        else:
            continue
        changed.append(doc)
    session.flush()
    return changed


def history(session: Session, contract: str | Document) -> list[StateChange]:
    """Every state the contract entered, oldest first."""
    doc = get_contract(session, contract)
    rows = session.execute(select(ContractStateChange).where(ContractStateChange.contract_id == doc.id)
                           .order_by(ContractStateChange.at, ContractStateChange.id)).scalars()
    return [StateChange(r.state, r.at, r.by, r.note, r.version) for r in rows]


def signed_version(session: Session, contract: Document) -> int | None:
    """The terms version the contract was signed with, or ``None`` if it never was."""
    return session.execute(select(ContractStateChange.version).where(
        ContractStateChange.contract_id == contract.id, ContractStateChange.state == SIGNED)
        .order_by(ContractStateChange.id).limit(1)).scalar()


def terms_in_force(session: Session, contract: str | Document, at: datetime | None = None) -> Terms | None:
    """The terms in force at ``at`` (:func:`cradletrace.contracts.terms.in_force`); ``None`` before signing."""
    doc = get_contract(session, contract)
    signed = signed_version(session, doc)
    if signed is None:
        return None
    return in_force(versions(session, doc, since=signed), signed, naive_utc(aware(at)))


def _act(session: Session, contract: str | Document, action: str) -> tuple[Document, str]:
    """The contract and the state ``action`` takes it to (or the refusal, before anything is written)."""
    doc = get_contract(session, contract)
    return doc, next_state(doc.number, doc.status.value, action)


def _who(by: str | None, doc: Document, done: str) -> str:
    if not (by and by.strip()):
        raise InvalidInput(f"say who {done} the contract (by=)", where=f"contract {doc.number}")
    return by.strip()


def _mirror(doc: Document, row: ContractTerms) -> None:
    # The document shows its latest terms' end and price list, so lists of documents need no join.
    doc.valid_until, doc.price_list_id = row.ends_at, row.price_list_id


def _record(session: Session, doc: Document, state: str, version: int, *, by: str | None, when: datetime | None,
            note: str | None, flush: bool = True) -> None:
    doc.status = DocumentStatus(state)
    session.add(ContractStateChange(contract_id=doc.id, state=state, version=version, at=naive_utc(aware(when)),
                                    by=by, note=note))
    if flush:
        session.flush()


__all__ = ["ACTIVE", "APPROVED", "DRAFT", "EXPIRED", "IN_FORCE", "NEGOTIATION", "RENEWED", "SIGNED", "TERMINATED",
           "TRANSITIONS", "StateChange", "activate", "advance_contracts", "approve", "change_terms", "create_contract",
           "expire", "get_contract", "history", "next_state", "renew", "sign", "signed_version", "terminate",
           "terms_in_force"]
