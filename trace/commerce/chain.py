"""The commercial chain of a unit, and the serials an invoice covered: one recursive query each.

Every step that involves units names its document on an EPCIS event (allocation and shipping:
``po``; shipping: ``desadv``; invoicing: ``inv``; return: ``rma``; credit note: cradletrace's
credit-note type), so capture links the unit to each of them (``documented_by``). The documents
before the order (quote, opportunity, lead) and after the invoice (payments, write-offs) involve
no units: the walk reaches them over the ``follows`` edges the commerce services write, upwards
from the order (order <- quote <- opportunity <- lead) and downwards from the invoice
(invoice -> payment). It steps only where a step stays on the unit's own chain: not down from an
order to its other shipments, nor up from a payment to the other invoices it paid.

:func:`for_unit` and :func:`covered_serials` are what the passport shows (:func:`has_documents` says whether a
unit has a chain without walking it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.errors import NotFound
from cradletrace.lineage.resolve import DEFAULT_MAX_DEPTH, dialect, resolve, run
from cradletrace.lineage.sql import DOWN_INDEX, UP_INDEX, Dialect, walk_cte
from cradletrace.models import Document, DocumentKind, Edge, EdgeKind

# Reading order: a contract governs the quotes and orders under it, so it comes before them; service orders
# (repairs, quote-to-cash) come after the sale.
CHAIN_ORDER = ["lead", "opportunity", "contract", "quote", "order", "shipment", "invoice", "payment", "rma",
               "credit_note", "write_off", "service_order"]
_UP_FROM = ("order", "quote", "opportunity")
_DOWN_FROM = ("invoice",)
_DOWN_TO = ("payment", "write_off")


@dataclass(frozen=True)
class ChainDocument:
    """One document of a unit's commercial chain.

    ``document`` is ``None`` for a business transaction an event named that cradletrace holds
    no document for (yet: an ERP import links it when it arrives); ``kind`` is then ``None``.
    """

    identifier: str
    kind: str | None
    number: str | None
    version: int | None
    status: str | None
    amount: Decimal | None
    currency: str | None
    created_at: datetime | None
    depth: int


@lru_cache(maxsize=4)
def chain_sql(d: Dialect) -> str:
    """The statement of :func:`for_unit`: documents named on the unit's events, then up and down ``follows``."""
    edge_ok = "e.kind = 'follows' AND NOT e.retracted"
    up_from = ", ".join(f"'{k}'" for k in _UP_FROM)
    down_from = ", ".join(f"'{k}'" for k in _DOWN_FROM)
    down_to = ", ".join(f"'{k}'" for k in _DOWN_TO)
    return f"""WITH RECURSIVE
  direct(node) AS (
    SELECT e.dst FROM edges AS e
    WHERE e.src IN :starts AND e.kind = 'documented_by' AND NOT e.retracted
  ),
  up(node, depth) AS (
    SELECT node, 0 FROM direct
    UNION
    SELECT e.src, w.depth + 1
    FROM up AS w JOIN commerce_documents AS d ON d.node_id = w.node {d.step_join(UP_INDEX)} ON e.dst = w.node
    WHERE w.depth < :max_depth AND d.kind IN ({up_from}) AND {d.tied(edge_ok)}
  ),
  down(node, depth) AS (
    SELECT node, 0 FROM direct
    UNION
    SELECT e.dst, w.depth + 1
    FROM down AS w JOIN commerce_documents AS d ON d.node_id = w.node {d.step_join(DOWN_INDEX)} ON e.src = w.node
      JOIN commerce_documents AS t ON t.node_id = e.dst
    WHERE w.depth < :max_depth AND d.kind IN ({down_from}) AND t.kind IN ({down_to}) AND {d.tied(edge_ok)}
  ),
  reached AS (
    SELECT node, MIN(depth) AS depth FROM (SELECT node, depth FROM up UNION ALL SELECT node, depth FROM down) AS r
    GROUP BY node
  )
SELECT n.identifier, doc.kind, doc.number, doc.version, doc.status, doc.amount, doc.currency, doc.created_at, r.depth
FROM reached AS r
  {d.lookup("nodes", "n", "n.id = r.node")}
  {d.lookup("commerce_documents", "doc", "doc.node_id = r.node", outer=True)}
ORDER BY doc.created_at, n.identifier"""


def for_unit(session: Session, unit: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> list[ChainDocument]:
    """The commercial chain of a unit: lead, opportunity, quote, order, shipments, invoices, payments, RMA, credit notes.

    Two statements: one resolves ``unit`` (any identifier form), one recursive query walks.

    Parameters
    ----------
    unit : str
        The unit, in any form (Digital Link, element string, EPC URN, unique bare serial).

    Returns
    -------
    list of ChainDocument
        In chain order (lead first), then by creation time.

    Raises
    ------
    NotFound
        If the identifier is unknown.
    """
    node = resolve(session, unit, where="unit")
    rows = run(session, chain_sql(dialect(session)), {"max_depth": max_depth}, starts=[node.id])
    found = [ChainDocument(r.identifier, _value(r.kind), r.number, r.version, _value(r.status),
                           None if r.amount is None else Decimal(str(r.amount)).quantize(Decimal("0.01")), r.currency,
                           _time(r.created_at), r.depth) for r in rows]
    rank = {k: i for i, k in enumerate(CHAIN_ORDER)}
    return sorted(found, key=lambda c: (rank.get(c.kind or "", len(rank)), c.created_at or datetime.min, c.identifier))


def has_documents(session: Session, unit: int) -> bool:
    """Whether the unit (by node id) has a commercial chain, that is whether :func:`for_unit` finds any document:
    an event names one for it (the walk starts from those). One statement."""
    return session.execute(select(Edge.id).where(Edge.src == unit, Edge.kind == EdgeKind.DOCUMENTED_BY,
                                                 Edge.retracted.is_(False)).limit(1)).first() is not None


@dataclass(frozen=True)
class CoveredSerial:
    """A unit (or lot) named on an event with the invoice: its identifier, GTIN and serial or lot."""

    identifier: str
    kind: str
    gtin: str | None
    serial: str | None
    lot: str | None


@lru_cache(maxsize=4)
def covered_sql(d: Dialect) -> str:
    """The statement of :func:`covered_serials`: the lineage walk up ``documented_by`` edges from the invoice."""
    walk = walk_cte(d, "walk", "up", kinds=("documented_by",))
    return f"""WITH RECURSIVE {walk},
  reached AS (SELECT node, MIN(depth) AS depth FROM walk WHERE depth > 0 GROUP BY node)
SELECT n.identifier, n.kind, COALESCE(u.gtin, l.gtin) AS gtin, u.serial, l.lot_number
FROM reached AS r
  {d.lookup("nodes", "n", "n.id = r.node")}
  {d.lookup("units", "u", "u.node_id = r.node", outer=True)}
  {d.lookup("lots", "l", "l.node_id = r.node", outer=True)}
WHERE {d.tied("n.kind IN ('unit', 'lot')", "r.depth")}
ORDER BY n.identifier"""


def covered_serials(session: Session, invoice: str | Document, *, max_depth: int = DEFAULT_MAX_DEPTH
                    ) -> list[CoveredSerial]:
    """Every serial (and lot) an invoice covered: what the events naming the invoice named.

    ``invoice`` is an invoice number, a :class:`~cradletrace.models.Document`, or the invoice's
    business-transaction ID (an ERP's, say). Two statements at most: the invoice, the walk.

    Raises
    ------
    NotFound
        If there is no such invoice.
    """
    if isinstance(invoice, Document):
        node_id = invoice.node_id
    else:
        node_id = session.execute(select(Document.node_id).where(Document.kind == DocumentKind.INVOICE,
                                                                 Document.number == invoice)
                                  .order_by(Document.version.desc()).limit(1)).scalar()
        if node_id is None:
            try:
                node_id = resolve(session, invoice, where="invoice").id
            except NotFound:
                raise NotFound(f"no invoice {invoice!r}", where="invoice") from None
    rows = run(session, covered_sql(dialect(session)), {"max_depth": max_depth}, starts=[node_id])
    return [CoveredSerial(r.identifier, _value(r.kind), r.gtin, r.serial, r.lot_number) for r in rows]


def _time(value: datetime | str | None) -> datetime | None:
    # A text statement's column comes back as SQLite's text form (the lineage runner types only its own columns).
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _value(member: object) -> object:
    return getattr(member, "value", member)
