"""Steps 1 to 3 of IFRS 15 / ASC 606: the contracts, their performance obligations, the transaction price
and its allocation by standalone selling prices.

**Contracts.** A revenue contract is a signed contract (``commerce_documents`` of kind ``contract`` in
state signed, active, renewed, expired or terminated) with the orders it reaches over ``follows`` edges
(contract -> order, contract -> quote -> ... -> order, contract -> invoice -> its order: one recursive
statement for all contracts). An order no signed contract reaches is a revenue contract of its own, and
so is a service order (a billed repair) and an invoice without an order, so the schedule covers every
sale (an invoice belongs to its order, or to the order or service order it follows). Cancelled orders are
left out.

**Obligations.** Per order line of goods, one obligation per unit allocated to it (``unit``; a lot
quantity: ``goods``), in allocation order, and one for the quantity not allocated yet (``goods``, no
unit: pending). An allocation counts while it is active or once it shipped (a returned unit's counts:
it was delivered); a cancelled one does not. Under a contract, each service plan of the terms in force
when the order was made (the latest version changed at or before the order's date) covers the units of
the order's lines of its product (or of every product): one ``plan`` obligation per unit, beside the
unit's. A line whose product is a plan's trade item is the price of the contract's plan (no obligation
of its own); outside a contract (or for a plan the terms do not name) it is a ``plan`` obligation that
starts with the order's first delivery. A service order's lines are ``service`` obligations, satisfied
on the service order's date; an invoice without an order, its lines, on the invoice's date.

**Transaction price.** Per order (so a later order under the same contract never changes an earlier
one's allocation): the sum of its lines' net amounts, after line and document discounts, tax excluded
(:func:`cradletrace.commerce.lines.line_total`).

**Allocation.** The order's price is allocated over its groups of identical obligations (a line's
units; a plan's units of that line) in proportion to their standalone selling prices times quantity,
by largest remainder (:func:`cradletrace.revenue.allocation.allocate`); a group's amount is split over
its units by :func:`~cradletrace.revenue.allocation.prorate` (the first k units together get the exact
share of k, rounded), so every part is stable as more units are allocated and the parts add up to the
price to the cent. Standalone selling prices are those at the contract's inception (IFRS 15), so a price
changed later moves no allocation already made: an order line keeps its product's
(``commerce_lines.standalone_price``, written with the line) and a contract's plan the plan's when it was
agreed (``contract_plans.standalone_price``, carried through later versions of the terms); rows written
before they kept one read ``products.standalone_price`` and ``service_plans.standalone_price`` in the
contract's currency as they are now. A product without one (or with one in
another currency) falls back to the line's list price, then to its unit price before discounts (the
basis is kept with each obligation); a plan without one in the currency and without a line on the order
is an error naming the plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import Row, and_, or_, select, text
from sqlalchemy.orm import Session, aliased

from cradletrace.bulk import chunks
from cradletrace.commerce.lines import line_total
from cradletrace.commerce.returns import credited
from cradletrace.errors import RuleViolation
from cradletrace.lineage.sql import DOWN_INDEX, Dialect, dialect_of
from cradletrace.models import (
    Allocation,
    ContractPlan,
    ContractStateChange,
    ContractTerms,
    Document,
    DocumentKind,
    DocumentStatus,
    Edge,
    EdgeKind,
    Line,
    Node,
    Party,
    Product,
    ServicePlan,
)
from cradletrace.revenue.allocation import CENT, allocate, prorate

SIGNED_STATES = (DocumentStatus.SIGNED, DocumentStatus.ACTIVE, DocumentStatus.RENEWED, DocumentStatus.EXPIRED,
                 DocumentStatus.TERMINATED)
"""The states in which a contract is a contract for revenue (IFRS 15.9: approved and committed to, i.e. signed)."""

KINDS = ("unit", "goods", "plan", "service")
"""The kinds of performance obligation: a serialized unit, goods (a lot quantity, or a line's quantity not
allocated yet), a service plan for a unit (or for an order), a service performed (a billed repair)."""

MAX_DEPTH = 20
"""How many ``follows`` edges the walk from a contract to its orders takes at most (quote versions in between)."""


@dataclass(frozen=True)
class Obligation:
    """One performance obligation with its standalone selling price and its part of the transaction price.

    ``unit`` is the unit (or lot) that satisfies a ``unit`` or ``goods`` obligation (``None`` while the
    line's quantity is not allocated) and the unit a ``plan`` covers. A plan starts at ``starts_at`` (the
    contract's fixed start) or, without one, when control of ``covers`` (the key of the unit's own
    obligation) passes, or with the order's first delivery when it covers no unit; it runs ``months``
    and stops early at ``ends_at`` (the contract terminated) or when its unit is credited.
    """

    key: str
    contract: str
    order: str
    kind: str
    revenue_class: str
    item: str
    unit: str | None
    quantity: Decimal
    ssp: Decimal
    ssp_basis: str
    allocated: Decimal
    opened_at: datetime
    allocated_at: datetime | None = None
    returned_at: datetime | None = None
    credited_at: datetime | None = None
    credit_note: str | None = None
    satisfied_at: datetime | None = None
    months: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    covers: str | None = None


@dataclass(frozen=True)
class Bill:
    """An invoice (``net`` and ``tax`` positive) or a credit note (negative) of a revenue contract."""

    at: datetime
    kind: str
    number: str
    net: Decimal
    tax: Decimal


@dataclass(frozen=True)
class RevenueContract:
    """A contract for revenue: a signed contract with its orders, or an order, service order or invoice alone.

    ``key`` names it (``contract C1``, ``order SO2``, ``service_order SRV1``, ``invoice ERP-7``); ``price`` is
    the transaction price (its orders' net amounts), ``bills`` its invoices and credit notes, ``ends_at``
    when a contract was terminated.
    """

    key: str
    kind: str
    number: str
    customer: str | None
    currency: str
    orders: tuple[str, ...]
    price: Decimal
    obligations: tuple[Obligation, ...] = ()
    bills: tuple[Bill, ...] = ()
    ends_at: datetime | None = field(default=None, compare=False)


# --------------------------------------------------------------------------------------------- loading


@lru_cache(maxsize=4)
def contract_orders_sql(d: Dialect) -> str:
    """Every signed contract's orders: one recursive walk down ``follows`` edges through quotes (and invoices)."""
    states = ", ".join(f"'{s.value}'" for s in SIGNED_STATES)
    return f"""WITH RECURSIVE
  reach(contract, node, depth) AS (
    SELECT c.id, c.node_id, 0 FROM commerce_documents AS c WHERE c.kind = 'contract' AND c.status IN ({states})
    UNION
    SELECT w.contract, e.dst, w.depth + 1
    FROM reach AS w JOIN commerce_documents AS s ON s.node_id = w.node {d.step_join(DOWN_INDEX)} ON e.src = w.node
      JOIN commerce_documents AS t ON t.node_id = e.dst
    WHERE w.depth < :max_depth AND e.kind = 'follows' AND NOT e.retracted
      AND (s.kind = 'quote' OR (s.kind = 'contract' AND w.depth = 0)) AND t.kind IN ('quote', 'order', 'invoice')
  )
SELECT DISTINCT w.contract, t.id, t.kind, t.order_id
FROM reach AS w JOIN commerce_documents AS t ON t.node_id = w.node
WHERE w.depth > 0 AND t.kind IN ('order', 'invoice')"""


def _contract_of_orders(session: Session) -> dict[int, int]:
    """Order id -> the id of the signed contract it belongs to (the earliest contract when several reach it)."""
    d = dialect_of(session.get_bind().dialect.name)
    found: dict[int, int] = {}
    for contract, doc_id, kind, order_id in session.execute(text(contract_orders_sql(d)), {"max_depth": MAX_DEPTH}):
        order = doc_id if getattr(kind, "value", kind) == "order" else order_id
        if order is not None and (order not in found or contract < found[order]):
            found[order] = contract
    return found


def _documents(session: Session, kinds: Sequence[DocumentKind]) -> list[Row[Any]]:
    return list(session.execute(
        select(Document.id, Document.kind, Document.number, Document.status, Document.currency, Document.created_at,
               Document.discount, Document.order_id, Document.amount, Document.tax, Party.name.label("customer"))
        .outerjoin(Party, Party.id == Document.party_id)
        .where(Document.kind.in_(list(kinds)))
        .order_by(Document.created_at, Document.id)).all())


def _lines(session: Session, document_ids: Sequence[int]) -> dict[int, list[Row[Any]]]:
    query = (select(Line.id, Line.document_id, Line.line_no, Line.quantity, Line.unit_price, Line.discount,
                    Line.tax_rate, Line.list_price, Line.product_id, Product.gtin, Product.standalone_price,
                    Product.standalone_currency, ServicePlan.id.label("plan_id"),
                    Line.standalone_price.label("sold_ssp"))
             .outerjoin(Product, Product.id == Line.product_id)
             .outerjoin(ServicePlan, ServicePlan.product_id == Line.product_id)
             .order_by(Line.document_id, Line.line_no))
    found: dict[int, list[Row[Any]]] = defaultdict(list)
    for chunk in chunks(list(document_ids)):
        for row in session.execute(query.where(Line.document_id.in_(list(chunk)))):
            found[row.document_id].append(row)
    return found


def _allocations(session: Session, line_ids: Sequence[int]) -> dict[int, list[Row[Any]]]:
    rma = aliased(Document)
    query = (select(Allocation.id, Allocation.line_id, Allocation.serialized, Allocation.quantity,
                    Allocation.allocated_at, Node.identifier, rma.created_at.label("returned_at"))
             .join(Node, Node.id == Allocation.object_id)
             .outerjoin(rma, rma.id == Allocation.rma_id)
             .where(or_(Allocation.active, Allocation.shipment_id.is_not(None)))
             .order_by(Allocation.id))
    found: dict[int, list[Row[Any]]] = defaultdict(list)
    for chunk in chunks(list(line_ids)):
        for row in session.execute(query.where(Allocation.line_id.in_(list(chunk)))):
            found[row.line_id].append(row)
    return found


def _credited(session: Session) -> dict[int, tuple[datetime, str]]:
    """Allocation id -> (date, number) of the first credit note of the RMA that returned it, for invoiced units."""
    return {a: (at, number) for a, (at, number, _unit) in credited(session).items()}


def _followed_orders(session: Session) -> dict[int, int]:
    """Invoice id -> the order (or service order) it follows, for invoices that do not name their order.

    A billed repair's invoice follows its service order (``cradletrace.contracts.service_billing``)
    without ``order_id``; so may an ERP's.
    """
    source, invoice = aliased(Document), aliased(Document)
    rows = session.execute(
        select(invoice.id, source.id)
        .join(Edge, and_(Edge.dst == invoice.node_id, Edge.kind == EdgeKind.FOLLOWS, Edge.retracted.is_(False)))
        .join(source, and_(source.node_id == Edge.src,
                           source.kind.in_([DocumentKind.ORDER, DocumentKind.SERVICE_ORDER])))
        .where(invoice.kind == DocumentKind.INVOICE, invoice.order_id.is_(None))
        .order_by(source.id))
    found: dict[int, int] = {}
    for invoice_id, order_id in rows:
        found.setdefault(invoice_id, order_id)
    return found


@dataclass(frozen=True)
class _PlanTerm:
    plan_id: int
    product_id: int | None
    starts_at: datetime | None
    agreed_ssp: Decimal | None = None


def _terms(session: Session, contract_ids: Sequence[int]) -> dict[int, list[tuple[int, datetime, list[_PlanTerm]]]]:
    """Contract id -> its terms versions in order: (version, changed_at, plans)."""
    found: dict[int, dict[int, tuple[int, datetime, list[_PlanTerm]]]] = defaultdict(dict)
    for chunk in chunks(list(contract_ids)):
        for terms_id, contract, version, changed_at, plan_id, product_id, starts_at, agreed in session.execute(
            select(ContractTerms.id, ContractTerms.contract_id, ContractTerms.version, ContractTerms.changed_at,
                   ContractPlan.plan_id, ContractPlan.product_id, ContractPlan.starts_at,
                   ContractPlan.standalone_price)
            .outerjoin(ContractPlan, ContractPlan.terms_id == ContractTerms.id)
            .where(ContractTerms.contract_id.in_(list(chunk)))
            .order_by(ContractTerms.version, ContractPlan.id)
        ):
            entry = found[contract].setdefault(terms_id, (version, changed_at, []))
            if plan_id is not None:
                entry[2].append(_PlanTerm(plan_id, product_id, starts_at,
                                          None if agreed is None else Decimal(agreed)))
    return {c: sorted(v.values(), key=lambda t: t[0]) for c, v in found.items()}


def _terminated(session: Session, contract_ids: Sequence[int]) -> dict[int, datetime]:
    found: dict[int, datetime] = {}
    for chunk in chunks(list(contract_ids)):
        for contract, at in session.execute(
            select(ContractStateChange.contract_id, ContractStateChange.at)
            .where(ContractStateChange.contract_id.in_(list(chunk)), ContractStateChange.state == "terminated")
            .order_by(ContractStateChange.at)
        ):
            found.setdefault(contract, at)
    return found


@dataclass(frozen=True)
class _Plan:
    id: int
    code: str
    months: int
    ssp: Decimal
    currency: str


def _plans(session: Session) -> dict[int, _Plan]:
    return {r.id: _Plan(r.id, r.code, r.months, Decimal(r.standalone_price), r.currency) for r in session.execute(
        select(ServicePlan.id, ServicePlan.code, ServicePlan.months, ServicePlan.standalone_price, ServicePlan.currency))}


# --------------------------------------------------------------------------------------------- building


def identify(session: Session) -> list[RevenueContract]:
    """Every revenue contract with its obligations, transaction price, allocation and bills (see the module).

    A fixed number of statements, whatever the number of contracts, orders and units.

    Raises
    ------
    RuleViolation
        If a contract's orders are in another currency than the contract, or a plan has no standalone
        selling price in the contract's currency and no line on the order to take one from.
    """
    orders = _documents(session, [DocumentKind.ORDER, DocumentKind.SERVICE_ORDER])
    orders = [o for o in orders if o.status is not DocumentStatus.CANCELLED]
    contracts = {c.id: c for c in _documents(session, [DocumentKind.CONTRACT]) if c.status in SIGNED_STATES}
    billing = _documents(session, [DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE])
    of_contract = {o: c for o, c in _contract_of_orders(session).items() if c in contracts}
    followed = _followed_orders(session)
    loose_invoices = [b for b in billing if b.kind is DocumentKind.INVOICE and b.order_id is None
                      and b.id not in followed]
    lines = _lines(session, [o.id for o in orders] + [b.id for b in loose_invoices])
    allocations = _allocations(session, [ln.id for o in orders for ln in lines.get(o.id, [])])
    credited = _credited(session)
    terms = _terms(session, list(contracts))
    terminated = _terminated(session, list(contracts))
    plans = _plans(session)

    key_of_order: dict[int, str] = {}
    drafts: dict[str, _Draft] = {f"contract {c.number}": _Draft(c, c.currency) for c in contracts.values()}
    for o in orders:
        contract = contracts.get(of_contract.get(o.id, -1))
        key = f"contract {contract.number}" if contract is not None else f"{o.kind.value} {o.number}"
        key_of_order[o.id] = key
        draft = drafts.setdefault(key, _Draft(o, o.currency))
        draft.currency = draft.currency or o.currency
        if o.currency and draft.currency != o.currency:
            raise RuleViolation(f"order {o.number} is in {o.currency} but contract {draft.row.number} is in "
                                f"{draft.currency}: a contract's orders share its currency", where=key)
        in_force = _in_force(terms.get(contract.id, []), o.created_at) if contract is not None else []
        stop = terminated.get(contract.id) if contract is not None else None
        obligations, price = _order_obligations(o, key, draft.currency or "", lines.get(o.id, []), allocations,
                                                credited, in_force, plans, stop)
        draft.orders.append(o.number)
        draft.obligations += obligations
        draft.price += price
    for b in billing:
        order_id = b.order_id if b.order_id is not None else followed.get(b.id)
        key = key_of_order.get(order_id) if order_id is not None else None
        if key is None:
            key = f"{b.kind.value} {b.number}"
            draft = drafts[key] = _Draft(b, b.currency)
            if b.kind is DocumentKind.INVOICE:
                draft.obligations, draft.price = _invoice_obligations(b, key, lines.get(b.id, []))
        net = Decimal(b.amount or 0) - Decimal(b.tax or 0)
        sign = -1 if b.kind is DocumentKind.CREDIT_NOTE else 1
        drafts[key].bills.append(Bill(b.created_at, b.kind.value, b.number, sign * net, sign * Decimal(b.tax or 0)))
    return [RevenueContract(key=key, kind=d.row.kind.value, number=d.row.number, customer=d.row.customer,
                            currency=d.currency or "", orders=tuple(d.orders), price=d.price,
                            obligations=tuple(d.obligations), bills=tuple(d.bills),
                            ends_at=terminated.get(d.row.id) if d.row.kind is DocumentKind.CONTRACT else None)
            for key, d in drafts.items()]


@dataclass
class _Draft:
    """A revenue contract while :func:`identify` gathers it: the document it is named after, and what it holds."""

    row: Row[Any]
    currency: str | None
    orders: list[str] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)
    bills: list[Bill] = field(default_factory=list)
    price: Decimal = Decimal(0)


def _in_force(versions: list[tuple[int, datetime, list[_PlanTerm]]], at: datetime) -> list[_PlanTerm]:
    """The plans of the terms in force at ``at``: the latest version changed at or before it, else the first."""
    if not versions:
        return []
    chosen = versions[0]
    for version in versions:
        if version[1] <= at:
            chosen = version
    return chosen[2]


@dataclass
class _Group:
    """Identical obligations that share one part of the allocation: a line's units, or a plan's units of a line."""

    weight: Decimal
    line: Row[Any]
    plan: _Plan | None = None
    plan_term: _PlanTerm | None = None
    unit_ssp: Decimal = Decimal(0)
    basis: str = ""


def _line_ssp(line: Row[Any], currency: str) -> tuple[Decimal, str]:
    """A product's standalone selling price per unit, and where it came from: the one the line kept when it was
    sold (IFRS 15: at the contract's inception), else the catalogue's (a line written before lines kept it)."""
    if line.sold_ssp is not None:
        return Decimal(line.sold_ssp), "standalone price"
    if line.standalone_price is not None and line.standalone_currency == currency:
        return Decimal(line.standalone_price), "standalone price"
    if line.list_price is not None:
        return Decimal(line.list_price), "list price"
    return Decimal(line.unit_price or 0), "unit price"


def _plan_ssp(plan: _Plan, currency: str, line: Row[Any] | None, where: str,
              agreed: Decimal | None = None) -> tuple[Decimal, str]:
    """A plan's standalone selling price: as the contract agreed it, else the catalogue's, else its line's."""
    if agreed is not None:
        return agreed, "standalone price"
    if plan.currency == currency:
        return plan.ssp, "standalone price"
    if line is not None:
        return _line_ssp(line, currency)
    raise RuleViolation(f"service plan {plan.code} has its standalone selling price in {plan.currency}, not "
                        f"{currency}, and no line of the order prices it", where=where)


def _order_obligations(order: Row[Any], contract: str, currency: str, lines: list[Row[Any]],
                       allocations: Mapping[int, list[Row[Any]]], credited: Mapping[int, tuple[datetime, str]],
                       in_force: list[_PlanTerm], plans: Mapping[int, _Plan],
                       stop: datetime | None) -> tuple[list[Obligation], Decimal]:
    """The obligations of one order, with the order's price allocated over them."""
    discount = Decimal(order.discount or 0)
    price = sum((line_total(Decimal(ln.quantity), None if ln.unit_price is None else Decimal(ln.unit_price),
                            Decimal(ln.discount or 0), Decimal(ln.tax_rate or 0), discount)[0] for ln in lines),
                Decimal(0))
    where = f"{order.kind.value} {order.number}"
    if order.kind is DocumentKind.SERVICE_ORDER:
        groups = [_Group(Decimal(ln.quantity) * ssp, ln, unit_ssp=ssp, basis=basis)
                  for ln in lines for ssp, basis in [_line_ssp(ln, currency)]]
        amounts = allocate(price, [g.weight for g in groups]) if groups else []
        return [Obligation(key=f"{order.number} line {g.line.line_no}", contract=contract, order=order.number,
                           kind="service", revenue_class="service", item=g.line.gtin or "", unit=None,
                           quantity=_exact(Decimal(g.line.quantity)), ssp=_money(g.weight), ssp_basis=g.basis, allocated=amount,
                           opened_at=order.created_at, satisfied_at=order.created_at)
                for g, amount in zip(groups, amounts)], price
    covered_plans = {p.plan_id for p in in_force}
    plan_lines = {ln.plan_id: ln for ln in lines if ln.plan_id is not None}
    goods = [ln for ln in lines if ln.plan_id is None]
    groups: list[_Group] = []
    for ln in goods:
        ssp, basis = _line_ssp(ln, currency)
        groups.append(_Group(Decimal(ln.quantity) * ssp, ln, unit_ssp=ssp, basis=basis))
        for term in in_force:
            if term.product_id is None or term.product_id == ln.product_id:
                plan = plans[term.plan_id]
                pssp, pbasis = _plan_ssp(plan, currency, plan_lines.get(plan.id), where, term.agreed_ssp)
                groups.append(_Group(Decimal(ln.quantity) * pssp, ln, plan, term, pssp, pbasis))
    loose = [ln for ln in lines if ln.plan_id is not None and (ln.plan_id not in covered_plans or not groups)]
    for ln in loose:
        plan = plans[ln.plan_id]
        pssp, pbasis = _plan_ssp(plan, currency, ln, where)
        groups.append(_Group(Decimal(ln.quantity) * pssp, ln, plan, None, pssp, pbasis))
    if not groups:
        return [], price
    amounts = allocate(price, [g.weight for g in groups])
    obligations: list[Obligation] = []
    for group, amount in zip(groups, amounts):
        obligations += _split(group, amount, order, contract, allocations.get(group.line.id, []), credited, stop,
                              has_goods=bool(goods))
    return obligations, price


def _split(group: _Group, amount: Decimal, order: Row[Any], contract: str, allocations: list[Row[Any]],
           credited: Mapping[int, tuple[datetime, str]], stop: datetime | None, *, has_goods: bool) -> list[Obligation]:
    """A group's amount over its units, in allocation order, and the quantity still pending."""
    line, plan = group.line, group.plan
    prefix = f"{order.number} line {line.line_no}"
    common = {"contract": contract, "order": order.number, "opened_at": order.created_at}
    if plan is not None and group.plan_term is None:
        # A plan sold on a line, for no unit in particular: one obligation, from the order's first delivery.
        return [Obligation(key=f"{prefix}: {plan.code}", kind="plan", revenue_class="service", item=plan.code, unit=None,
                           quantity=_exact(Decimal(line.quantity)), ssp=_money(group.weight), ssp_basis=group.basis, allocated=amount,
                           months=plan.months, starts_at=None if has_goods else order.created_at, ends_at=stop,
                           **common)]
    whole = Decimal(line.quantity)
    made: list[Obligation] = []
    done = Decimal(0)
    for a in allocations:
        take = min(Decimal(a.quantity), whole - done)
        if take <= 0:
            break
        part = prorate(amount, done + take, whole) - prorate(amount, done, whole)
        done += take
        unit_key = f"{prefix}: {a.identifier}"
        credit = credited.get(a.id)
        if plan is None:
            made.append(Obligation(
                key=unit_key, kind="unit" if a.serialized else "goods", revenue_class="product", item=line.gtin or "",
                unit=a.identifier, quantity=_exact(take), ssp=_money(group.unit_ssp * take), ssp_basis=group.basis, allocated=part,
                allocated_at=a.allocated_at, returned_at=a.returned_at, credited_at=credit[0] if credit else None,
                credit_note=credit[1] if credit else None, **common))
        else:
            made.append(Obligation(
                key=f"{prefix}: {plan.code} for {a.identifier}", kind="plan", revenue_class="service", item=plan.code,
                unit=a.identifier, quantity=_exact(take), ssp=_money(group.unit_ssp * take), ssp_basis=group.basis, allocated=part,
                months=plan.months, starts_at=group.plan_term.starts_at if group.plan_term else None, ends_at=stop,
                covers=unit_key, **common))
    if done < whole:
        rest = amount - prorate(amount, done, whole)
        pending = whole - done
        label = f"{_quantity_text(pending)} pending"
        if plan is None:
            made.append(Obligation(key=f"{prefix}: {label}", kind="goods", revenue_class="product",
                                   item=line.gtin or "", unit=None, quantity=_exact(pending), ssp=_money(group.unit_ssp * pending),
                                   ssp_basis=group.basis, allocated=rest, **common))
        else:
            made.append(Obligation(key=f"{prefix}: {plan.code} for {label}", kind="plan", revenue_class="service",
                                   item=plan.code, unit=None, quantity=_exact(pending), ssp=_money(group.unit_ssp * pending),
                                   ssp_basis=group.basis, allocated=rest, months=plan.months,
                                   starts_at=group.plan_term.starts_at if group.plan_term else None, ends_at=stop,
                                   covers=f"{prefix}: {label}", **common))
    return made


def _invoice_obligations(invoice: Row[Any], contract: str, lines: list[Row[Any]]) -> tuple[list[Obligation], Decimal]:
    """An invoice without an order: its lines, satisfied on the invoice's date (nothing else says when)."""
    discount = Decimal(invoice.discount or 0)
    nets = [line_total(Decimal(ln.quantity), None if ln.unit_price is None else Decimal(ln.unit_price),
                       Decimal(ln.discount or 0), Decimal(ln.tax_rate or 0), discount)[0] for ln in lines]
    made = [Obligation(key=f"{invoice.number} line {ln.line_no}", contract=contract, order=invoice.number,
                       kind="goods", revenue_class="service" if ln.plan_id is not None else "product",
                       item=ln.gtin or "", unit=None, quantity=_exact(Decimal(ln.quantity)), ssp=net, ssp_basis="invoiced",
                       allocated=net, opened_at=invoice.created_at, satisfied_at=invoice.created_at)
            for ln, net in zip(lines, nets)]
    return made, sum(nets, Decimal(0))


def _exact(quantity: Decimal) -> Decimal:
    """A quantity without trailing zeros (``10``, ``2.5``), never in exponent form.

    Examples
    --------
    >>> _exact(Decimal("10.000000")), _exact(Decimal("2.500000"))
    (Decimal('10'), Decimal('2.5'))
    """
    return quantity.quantize(Decimal(1)) if quantity == quantity.to_integral_value() else quantity.normalize()


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _quantity_text(quantity: Decimal) -> str:
    """``3`` for a whole quantity, ``2.5`` otherwise.

    Examples
    --------
    >>> _quantity_text(Decimal("3.000000")), _quantity_text(Decimal("2.50"))
    ('3', '2.5')
    """
    return format(_exact(quantity), "f")


def by_key(contracts: Iterable[RevenueContract]) -> dict[str, Obligation]:
    """Every obligation of ``contracts`` by its key."""
    return {ob.key: ob for c in contracts for ob in c.obligations}


__all__ = ["KINDS", "SIGNED_STATES", "Bill", "Obligation", "RevenueContract", "by_key", "identify"]
