"""A contract's documents and the units it covers, through the lineage graph; the contract of a unit or document.

:func:`link_documents` writes ``follows`` edges from the contract's node to quotes, orders and invoices.
The commerce services continue the chain (quote -> revision -> order -> shipment -> invoice), so the
contract's documents are what a walk down ``follows`` edges from its node reaches through quotes,
orders, shipments and invoices (a cancelled order and what follows it are left out; payments, returns
and credit notes are not the contract's own documents, though they follow them). The units it covers
are the units those documents are linked to by the EPCIS events that name them (``documented_by``
edges, written by capture): the units allocated to its orders, shipped on its shipments, billed on its
invoices. Each is one recursive statement (:func:`documents`, :func:`covered_units`).

The other way, :func:`contract_of` walks up: from a document, or from every document a unit's events
name, up ``follows`` edges (invoice -> shipment -> order -> quote -> contract) to a contract. A unit
sold twice (returned and sold again) may reach two; the most recently created is its contract.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.commerce.documents import link
from cradletrace.contracts.lifecycle import EXPIRED, TERMINATED, get_contract
from cradletrace.errors import NotFound, RuleViolation
from cradletrace.lineage.resolve import DEFAULT_MAX_DEPTH, dialect, resolve_many, run
from cradletrace.lineage.sql import DOWN_INDEX, UP_INDEX, Dialect
from cradletrace.models import Document, DocumentKind, Party
from cradletrace.timestamps import aware, naive_utc

LINKABLE = (DocumentKind.QUOTE, DocumentKind.ORDER, DocumentKind.INVOICE)
"""What :func:`link_documents` links a contract to directly."""
WALKED = ("quote", "order", "shipment", "invoice")
"""The kinds of document the walk down from a contract passes through: the contract's own documents."""
_EDGE_OK = "e.kind = 'follows' AND NOT e.retracted"


@dataclass(frozen=True)
class LinkedDocument:
    """A document of a contract, and how many ``follows`` steps from the contract it is."""

    kind: str
    number: str
    version: int
    status: str
    amount: Decimal | None
    currency: str | None
    created_at: datetime
    depth: int


@dataclass(frozen=True)
class CoveredUnit:
    """A unit a contract covers: its identifier, GTIN, serial and product name."""

    identifier: str
    gtin: str | None
    serial: str | None
    product: str | None


def _documents_cte(d: Dialect) -> str:
    kinds = ", ".join(f"'{k}'" for k in WALKED)
    return f"""docs(node, depth) AS (
    SELECT n.id, 0 FROM nodes AS n WHERE n.id IN :starts
    UNION
    SELECT e.dst, w.depth + 1
    FROM docs AS w {d.step_join(DOWN_INDEX)} ON e.src = w.node
      JOIN commerce_documents AS t ON t.node_id = e.dst
    WHERE w.depth < :max_depth AND {d.tied(_EDGE_OK)} AND t.kind IN ({kinds}) AND t.status <> 'cancelled'
  )"""


@lru_cache(maxsize=4)
def documents_sql(d: Dialect) -> str:
    """The statement of :func:`documents`: the walk down ``follows`` from the contract's node."""
    return f"""WITH RECURSIVE {_documents_cte(d)},
  reached AS (SELECT node, MIN(depth) AS depth FROM docs WHERE depth > 0 GROUP BY node)
SELECT doc.id, r.depth
FROM reached AS r
  {d.lookup("commerce_documents", "doc", "doc.node_id = r.node")}"""


@lru_cache(maxsize=4)
def covered_sql(d: Dialect) -> str:
    """The statement of :func:`covered_units`: the contract's documents, then the units linked to them."""
    return f"""WITH RECURSIVE {_documents_cte(d)},
  reached AS (
    SELECT DISTINCT e.src AS node
    FROM docs AS w {d.step_join(UP_INDEX)} ON e.dst = w.node
    WHERE w.depth > 0 AND {d.tied("e.kind = 'documented_by' AND NOT e.retracted")}
  )
SELECT n.identifier, u.gtin, u.serial, p.name
FROM reached AS r
  {d.lookup("units", "u", "u.node_id = r.node")}
  {d.lookup("nodes", "n", "n.id = r.node")}
  {d.lookup("products", "p", "p.gtin = u.gtin", outer=True)}
ORDER BY n.identifier"""


@lru_cache(maxsize=4)
def contracts_sql(d: Dialect) -> str:
    """The statement of :func:`contracts_of`: from each start (a document, or a unit's documents) up ``follows``
    edges to contracts, rooted so one walk answers for many starts."""
    return f"""WITH RECURSIVE up(root, node, depth) AS (
    SELECT a.root, a.node, 0 FROM (
      SELECT n.id AS root, n.id AS node FROM nodes AS n WHERE n.id IN :starts
      UNION
      SELECT e.src AS root, e.dst AS node FROM edges AS e
      WHERE e.src IN :starts AND e.kind = 'documented_by' AND NOT e.retracted
    ) AS a
    UNION
    SELECT w.root, e.src, w.depth + 1
    FROM up AS w JOIN commerce_documents AS d ON d.node_id = w.node {d.step_join(UP_INDEX)} ON e.dst = w.node
    WHERE w.depth < :max_depth AND d.kind <> 'contract' AND {d.tied(_EDGE_OK)}
  )
SELECT DISTINCT w.root, c.id, c.created_at
FROM up AS w JOIN commerce_documents AS c ON c.node_id = w.node
WHERE c.kind = 'contract'"""


def documents(session: Session, contract: str | Document, *, max_depth: int = DEFAULT_MAX_DEPTH) -> list[LinkedDocument]:
    """The contract's quotes, orders, shipments and invoices (linked, or following those linked), in
    chain order and then by creation; two statements (the walk, the documents)."""
    doc = get_contract(session, contract)
    rows = run(session, documents_sql(dialect(session)), {"max_depth": max_depth}, starts=[doc.node_id])
    depth = {r.id: r.depth for r in rows}
    found = session.execute(select(Document).where(Document.id.in_(list(depth) or [-1]))).scalars()
    rank = {k: i for i, k in enumerate(WALKED)}
    return sorted((LinkedDocument(f.kind.value, f.number, f.version, f.status.value, f.amount, f.currency,
                                  f.created_at, depth[f.id]) for f in found),
                  key=lambda x: (rank[x.kind], x.created_at, x.number, x.version))


def covered_units(session: Session, contract: str | Document, *, max_depth: int = DEFAULT_MAX_DEPTH
                  ) -> list[CoveredUnit]:
    """Every unit the contract covers: the units its documents' events named (one recursive statement).

    Raises
    ------
    NotFound
        If there is no such contract.
    """
    doc = get_contract(session, contract)
    rows = run(session, covered_sql(dialect(session)), {"max_depth": max_depth}, starts=[doc.node_id])
    return [CoveredUnit(r.identifier, r.gtin, r.serial, r.name) for r in rows]


def contracts_of(session: Session, nodes: Iterable[int], *, max_depth: int = DEFAULT_MAX_DEPTH) -> dict[int, Document]:
    """The contract of each node (a unit or a document, by node id) that has one: two statements."""
    starts = sorted(set(nodes))
    if not starts:
        return {}
    rows = run(session, contracts_sql(dialect(session)), {"max_depth": max_depth}, starts=starts)
    best: dict[int, tuple[str, int]] = {}
    for root, contract_id, created_at in rows:
        # The most recent contract: created_at comes back as text on SQLite, which sorts as the time does.
        key = (str(created_at), contract_id)
        if root not in best or key > best[root]:
            best[root] = key
    chosen = {contract_id for _created, contract_id in best.values()}
    docs = {d.id: d for d in session.execute(select(Document).where(Document.id.in_(chosen or {-1}))).scalars()}
    return {root: docs[contract_id] for root, (_created, contract_id) in best.items()}


def has_contract(session: Session, node: int, *, max_depth: int = DEFAULT_MAX_DEPTH) -> bool:
    """Whether a unit or document (by node id) has a contract (:func:`contracts_of` finds one): the walk alone,
    one statement."""
    return bool(run(session, contracts_sql(dialect(session)), {"max_depth": max_depth}, starts=[node]))


def contract_of(session: Session, target: str | Document, *, max_depth: int = DEFAULT_MAX_DEPTH) -> Document | None:
    """The contract of a unit (in any identifier form) or of a document, or ``None``.

    Raises
    ------
    NotFound
        If ``target`` is an identifier nothing has recorded.
    """
    node = target.node_id if isinstance(target, Document) else resolve_many(session, [target], where="unit")[0].id
    return contracts_of(session, [node], max_depth=max_depth).get(node)


def link_documents(session: Session, contract: str | Document, documents: Sequence[Document | str], *,
                   when: datetime | None = None) -> list[Document]:
    """Link quotes, orders and invoices (documents, or their business-transaction IDs) to a contract; flush.

    The orders made from a linked quote, and their shipments and invoices, need no link of their own:
    the walk reaches them. Linking a document twice does nothing more.

    Raises
    ------
    RuleViolation
        If the contract has expired or is terminated, a document is of another kind or another customer,
        or belongs to another contract already.
    NotFound
        If a business-transaction ID names no document.
    """
    doc = get_contract(session, contract)
    where = f"contract {doc.number}"
    if doc.status.value in (EXPIRED, TERMINATED):
        raise RuleViolation(f"contract {doc.number} is {doc.status.value}: no documents can join it", where=where)
    targets = _documents_given(session, documents)
    for target in targets:
        label = f"{target.kind.value} {target.number}"
        if target.kind not in LINKABLE:
            raise RuleViolation(f"a contract links to quotes, orders and invoices, not to {label}", where=where)
        if target.party_id is not None and target.party_id != doc.party_id:
            names = dict(session.execute(select(Party.id, Party.name)
                                         .where(Party.id.in_([target.party_id, doc.party_id]))).all())
            raise RuleViolation(f"{label} is for {names.get(target.party_id)}, contract {doc.number} for "
                                f"{names.get(doc.party_id)}", where=where)
    owners = contracts_of(session, [t.node_id for t in targets])
    for target in targets:
        other = owners.get(target.node_id)
        if other is not None and other.id != doc.id:
            raise RuleViolation(f"{target.kind.value} {target.number} belongs to contract {other.number} already",
                                where=where)
    link(session, [doc], targets, when=naive_utc(aware(when)))
    return targets


def _documents_given(session: Session, docs: Sequence[Document | str]) -> list[Document]:
    given = [d for d in docs if isinstance(d, Document)]
    names = [d for d in docs if not isinstance(d, Document)]
    if names:
        nodes = {n.id: n.identifier for n in resolve_many(session, names, where="document")}
        found = {d.node_id: d for d in session.execute(select(Document).where(Document.node_id.in_(list(nodes))))
                 .scalars()}
        missing = [nodes[n] for n in nodes if n not in found]
        if missing:
            raise NotFound(f"{missing[0]!r} is not a document cradletrace holds", where="document")
        given += list(found.values())
    return list({d.id: d for d in given}.values())


__all__ = ["LINKABLE", "WALKED", "CoveredUnit", "LinkedDocument", "contract_of", "contracts_of", "covered_units",
           "documents", "has_contract", "link_documents"]
