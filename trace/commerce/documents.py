"""What every commercial document shares: its business-transaction ID and node, lookup, ``follows`` edges, money.

A document's node identifier is its business-transaction ID (``urn:cradletrace:doc:KIND:NUMBER``
unless the caller gives one, such as the ID an ERP writes on its EPCIS events). EPCIS events that
name the ID link units to the document (``documented_by``, written by capture), whether they are
captured before or after the document is created: both meet at the one node. The services here
write the ``follows`` edges between documents (lead -> opportunity -> quote -> order -> shipment
-> invoice -> payment; RMA -> credit note).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.bulk import bulk_insert
from cradletrace.errors import InvalidInput, NotFound, RuleViolation
from cradletrace.identifiers import own_vocabulary
from cradletrace.lifecycle.common import instance_id, instance_ids, party_identifier, submit
from cradletrace.lifecycle.events import time_fields
from cradletrace.log.capture import CaptureReport
from cradletrace.models import Document, DocumentKind, DocumentStatus, Edge, EdgeKind, Node, Party
from cradletrace.projections.nodemap import node_ids
from cradletrace.timestamps import aware, naive_utc
from cradletrace.units import decimal  # noqa: F401  (commerce's services import it from here)

CENT = Decimal("0.01")

BIZ_TRANSACTION_TYPES: dict[DocumentKind, str] = {
    DocumentKind.QUOTE: own_vocabulary.QUOTE,
    DocumentKind.ORDER: "po",
    DocumentKind.SHIPMENT: "desadv",
    DocumentKind.INVOICE: "inv",
    DocumentKind.PAYMENT: own_vocabulary.PAYMENT,
    DocumentKind.RMA: "rma",
    DocumentKind.CREDIT_NOTE: own_vocabulary.CREDIT_NOTE,
}
"""The bizTransaction type each kind of document is named with on EPCIS events (CBV, or cradletrace's own)."""


def document_uri(kind: DocumentKind, number: str, version: int = 1) -> str:
    """The default business-transaction ID of a document.

    Examples
    --------
    >>> document_uri(DocumentKind.INVOICE, "INV-2026-000001")
    'urn:cradletrace:doc:invoice:INV-2026-000001'
    >>> document_uri(DocumentKind.QUOTE, "Q 7", 2)
    'urn:cradletrace:doc:quote:Q%207;v2'
    """
    from urllib.parse import quote

    text = f"urn:cradletrace:doc:{kind.value}:{quote(number, safe='-._~')}"
    return text + (f";v{version}" if version > 1 else "")


def money(value: Any, *, where: str = "amount") -> Decimal:
    """An amount as a Decimal rounded to the cent; never from a float's binary approximation.

    Examples
    --------
    >>> money("12.345"), money(3)
    (Decimal('12.35'), Decimal('3.00'))
    >>> money(0.1)
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: amount: give a string or Decimal, not a float (0.1)
    """
    return decimal(value, where=where).quantize(CENT, rounding=ROUND_HALF_UP)


def currency_code(value: str | None, *, where: str = "currency") -> str:
    """An ISO 4217 code (three letters, upper case).

    Examples
    --------
    >>> currency_code("eur")
    'EUR'
    """
    code = (value or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise InvalidInput(f"not an ISO 4217 currency code: {value!r}", where=where)
    return code


def party_id(session: Session, party: str | int | None) -> int | None:
    """The ``parties.id`` of a party given by id or by identifier (GLN, Digital Link, URI)."""
    if party is None or isinstance(party, int):
        return party
    ident = party_identifier(party)
    found = session.execute(select(Party.id).join(Node, Party.node_id == Node.id)
                            .where(Node.identifier == ident)).scalar()
    if found is None:
        raise NotFound(f"no party {party!r} (add it with cradletrace.lifecycle.add_party)", where="party")
    return found


def new_document(
    session: Session, kind: DocumentKind, number: str, *, status: DocumentStatus, when: datetime | None = None,
    party: str | int | None = None, uri: str | None = None, version: int = 1, follows: Iterable[Document] = (),
    **fields: Any,
) -> Document:
    """Create a document, its node and its ``follows`` edges from ``follows``; flush.

    Raises
    ------
    RuleViolation
        If a document of that kind, number and version exists already.
    """
    number = (number or "").strip()
    if not number:
        raise InvalidInput("a document needs a number", where=f"{kind.value}.number")
    if find(session, kind, number, version=version) is not None:
        raise RuleViolation(f"{kind.value} {number} exists already", where=f"{kind.value}.number")
    identifier = instance_id(uri) if uri else document_uri(kind, number, version)
    node = node_ids(session, [identifier])[identifier]
    doc = Document(kind=kind, number=number, version=version, node_id=node, party_id=party_id(session, party),
                   status=status, created_at=naive_utc(aware(when)), attributes={}, **fields)
    session.add(doc)
    session.flush()
    link(session, list(follows), [doc], when=doc.created_at)
    return doc


def link(session: Session, before: Sequence[Document], after: Sequence[Document], *,
         when: datetime | None = None) -> None:
    """``follows`` edges from every document of ``before`` to every one of ``after`` (each pair once)."""
    pairs = {(b.node_id, a.node_id) for b in before for a in after if b.node_id != a.node_id}
    if not pairs:
        return
    edges = Edge.__table__
    existing = set(session.execute(
        select(edges.c.src, edges.c.dst).where(edges.c.kind == EdgeKind.FOLLOWS,
                                               edges.c.src.in_({s for s, _ in pairs}),
                                               edges.c.dst.in_({d for _, d in pairs}))).all())
    rows = [{"kind": EdgeKind.FOLLOWS, "src": s, "dst": d, "valid_from": naive_utc(when), "retracted": False}
            for s, d in sorted(pairs - set(existing))]
    bulk_insert(session, edges, rows)


def find(session: Session, kind: DocumentKind, number: str, *, version: int | None = None) -> Document | None:
    """The document of that kind and number (its latest version when none is given), or ``None``."""
    query = select(Document).where(Document.kind == kind, Document.number == number)
    if version is not None:
        query = query.where(Document.version == version)
    return session.execute(query.order_by(Document.version.desc()).limit(1)).scalar()


def get(session: Session, kind: DocumentKind, number: str | Document, *, version: int | None = None) -> Document:
    """Like :func:`find`, but a missing document is :class:`~cradletrace.errors.NotFound`."""
    if isinstance(number, Document):
        if number.kind is not kind:
            raise InvalidInput(f"{number.kind.value} {number.number} is not a {kind.value}")
        return number
    doc = find(session, kind, number, version=version)
    if doc is None:
        raise NotFound(f"no {kind.value} {number!r}", where=kind.value)
    return doc


def require_status(doc: Document, allowed: Iterable[DocumentStatus], action: str) -> None:
    """Refuse ``action`` on ``doc`` unless its status is one of ``allowed``."""
    allowed = list(allowed)
    if doc.status not in allowed:
        wanted = " or ".join(s.value for s in allowed)
        raise RuleViolation(f"{doc.kind.value} {doc.number} is {doc.status.value}; it must be {wanted} to be {action}")


def identifier_of(session: Session, doc: Document) -> str:
    """The business-transaction ID (node identifier) of a document."""
    return session.get(Node, doc.node_id).identifier  # type: ignore[union-attr]


def transaction_event(
    objects: Sequence[str], documents: Mapping[str, str], *, when: datetime, action: str = "ADD",
    quantities: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """A TransactionEvent associating units (and lot quantities) with business documents ({type: ID}).

    Examples
    --------
    >>> from datetime import timezone
    >>> ev = transaction_event(["https://id.gs1.org/01/09506000134352/21/1"], {"inv": "urn:x:inv:1"},
    ...                        when=datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> ev["type"], ev["action"], ev["bizTransactionList"]
    ('TransactionEvent', 'ADD', [{'type': 'inv', 'bizTransaction': 'urn:x:inv:1'}])
    """
    event: dict[str, Any] = {"type": "TransactionEvent", "action": action, **time_fields(when)}
    if objects:
        event["epcList"] = list(objects)
    if quantities:
        event["quantityList"] = list(quantities)
    event["bizTransactionList"] = [{"type": t, "bizTransaction": uri} for t, uri in documents.items()]
    return event


def record_transaction(session: Session, objects: Sequence[str], docs: Sequence[tuple[Document, str]], *,
                       when: datetime, name: str, quantities: Sequence[dict[str, Any]] = ()) -> CaptureReport | None:
    """Capture one TransactionEvent linking ``objects`` to each (document, its ID); nothing when no objects."""
    if not objects and not quantities:
        return None
    mapping = {BIZ_TRANSACTION_TYPES[doc.kind]: uri for doc, uri in docs}
    return submit(session, [transaction_event(instance_ids(objects) if objects else [], mapping, when=aware(when),
                                              quantities=quantities)], name=name)


__all__ = [
    "BIZ_TRANSACTION_TYPES", "currency_code", "decimal", "document_uri", "find", "get",
    "identifier_of", "link", "money", "new_document", "party_id", "record_transaction", "require_status",
    "transaction_event",
]
