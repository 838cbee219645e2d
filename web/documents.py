"""Reading commercial documents for the sales and finance pages: the customers that have documents of a kind
(for a filter), the documents next to one in the chain, a party's name. One statement each."""

from __future__ import annotations

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from cradletrace.contracts.links import LinkedDocument
from cradletrace.models import Document, DocumentKind, Edge, EdgeKind, Node, Party


def customers(session: Session, kind: DocumentKind) -> list[tuple[str, str]]:
    """The customers that have documents of ``kind``, as (identifier, name), by name: for a filter."""
    return [(ident, name or ident) for ident, name in session.execute(
        select(Node.identifier, Party.name).join(Party, Party.node_id == Node.id)
        .where(Party.id.in_(select(Document.party_id).where(Document.kind == kind)))
        .order_by(Party.name, Node.identifier))]


def related_documents(session: Session, doc: Document, kinds: tuple[DocumentKind, ...] | None = None
                      ) -> list[LinkedDocument]:
    """The documents one ``follows`` edge away from ``doc``, before or after it (of ``kinds``), at depth 1: one
    statement."""
    live = (Edge.kind == EdgeKind.FOLLOWS) & Edge.retracted.is_(False)
    neighbours = union(select(Edge.dst).where(live, Edge.src == doc.node_id),
                       select(Edge.src).where(live, Edge.dst == doc.node_id))
    query = (select(Document).where(Document.node_id.in_(neighbours))
             .order_by(Document.created_at, Document.number, Document.version))
    if kinds:
        query = query.where(Document.kind.in_(kinds))
    return [LinkedDocument(d.kind.value, d.number, d.version, d.status.value, d.amount, d.currency, d.created_at, 1)
            for d in session.execute(query).scalars()]


def party_name(session: Session, party_id: int | None) -> str | None:
    """A party's name (one statement), ``None`` for none."""
    if party_id is None:
        return None
    return session.execute(select(Party.name).where(Party.id == party_id)).scalar()


__all__ = ["customers", "party_name", "related_documents"]
