"""A contract's terms, kept as versions: price list, payment terms, period, renewal notice, warranties, plans.

Every change writes a new version (``contract_terms`` with its ``contract_warranties`` and
``contract_plans``), copied from the one before with the changes applied, and keeps who changed it,
when and why; no version is ever updated. What a version holds:

* ``price_list``: the code of a price list in the contract's currency (or none);
* ``payment_terms_days``: days from an invoice to its due date;
* ``starts_at``, ``ends_at``: the contract's period (half open);
* ``renewal_notice_days``: how long before the end a renewal is due (:mod:`cradletrace.contracts.reminders`);
* ``warranties``: ``{GTIN: months}``, the warranty of each product, from the moment control of a unit
  passes to the customer (:mod:`cradletrace.contracts.control`);
* ``plans``: ``[{"plan": code, "product": GTIN or None, "starts_at": moment or None}]``, the catalogue's
  service plans for the units of one product (``None``: all products), from ``starts_at`` or, when it is
  ``None``, from the moment control of each unit passes.

Which version is in force is the lifecycle's question (:func:`in_force`): none before signing, then
the signed one, and each renewal's from the start of its period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cradletrace.commerce.lines import product_ids
from cradletrace.contracts.catalogue import plans_by_code
from cradletrace.errors import InvalidInput, NotFound, RuleViolation
from cradletrace.models import (
    ContractPlan,
    ContractTerms,
    ContractWarranty,
    Document,
    DocumentKind,
    DocumentStatus,
    PriceList,
    Product,
    ServicePlan,
)
from cradletrace.timestamps import aware, naive_utc

KEEP: Any = type("Keep", (), {"__repr__": lambda self: "KEEP"})()
"""The default of a term a change leaves as it is (``None`` is a value: no price list)."""

TERM_NAMES = ("starts_at", "ends_at", "price_list", "payment_terms_days", "renewal_notice_days", "warranties", "plans")


@dataclass(frozen=True)
class Warranty:
    """The warranty of a product under a version of the terms: months from the moment control passes."""

    gtin: str
    product: str
    months: int


@dataclass(frozen=True)
class PlanTerm:
    """A service plan under a version of the terms.

    ``product`` is the GTIN of the product whose units it covers (``None``: all products); ``starts_at``
    its start (``None``: when control of each unit passes to the customer).
    """

    code: str
    name: str
    product: str | None
    product_name: str | None
    starts_at: datetime | None
    months: int
    coverage: tuple[str, ...]

    def covers_product(self, gtin: str | None) -> bool:
        """Whether the plan covers units of the product ``gtin``."""
        return self.product is None or self.product == gtin


@dataclass(frozen=True)
class Terms:
    """One version of a contract's terms, as people read it (codes, GTINs and names, not row ids)."""

    contract: str
    version: int
    price_list: str | None
    payment_terms_days: int
    starts_at: datetime
    ends_at: datetime
    renewal_notice_days: int
    changed_at: datetime
    changed_by: str | None
    note: str | None
    warranties: tuple[Warranty, ...]
    plans: tuple[PlanTerm, ...]

    def warranty_months(self, gtin: str | None) -> int | None:
        """The warranty months of a product's units under these terms, or ``None`` if it has none."""
        return next((w.months for w in self.warranties if w.gtin == gtin), None)

    def to_dict(self) -> dict[str, Any]:
        """The terms as plain data (for JSON)."""
        return asdict(self)


def moment(value: datetime | date | None, *, where: str) -> datetime:
    """A datetime (aware, or naive = UTC) or a date (its midnight, UTC) as the naive UTC the columns hold.

    Examples
    --------
    >>> moment(date(2026, 1, 1), where="starts_at"), moment(datetime(2026, 1, 1, 12), where="x")
    (datetime.datetime(2026, 1, 1, 0, 0), datetime.datetime(2026, 1, 1, 12, 0))
    >>> moment("2026-01-01", where="starts_at")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: starts_at: give a date or datetime, not '2026-01-01'
    """
    if isinstance(value, datetime):
        return naive_utc(aware(value))
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=timezone.utc).replace(tzinfo=None)
    raise InvalidInput(f"give a date or datetime, not {value!r}", where=where)


def _days(value: Any, *, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidInput(f"a number of days is a whole number from 0, got {value!r}", where=where)
    return value


def _price_list(session: Session, value: str | int | None, currency: str, where: str) -> int | None:
    if value is None:
        return None
    column = PriceList.id if isinstance(value, int) else PriceList.code
    found = session.execute(select(PriceList).where(column == value)).scalar()
    if found is None:
        raise NotFound(f"no price list {value!r}", where=f"{where}.price_list")
    if found.currency != currency:
        raise RuleViolation(f"price list {found.code} is in {found.currency}, the contract in {currency}",
                            where=f"{where}.price_list")
    return found.id


def _warranties(session: Session, value: Mapping[str, int], where: str) -> dict[int, int]:
    ids = product_ids(session, list(value))
    found: dict[int, int] = {}
    for gtin, months in value.items():
        if not isinstance(months, int) or isinstance(months, bool) or months <= 0:
            raise InvalidInput(f"warranty months must be a positive whole number, got {months!r}",
                               where=f"{where}.warranties[{gtin}]")
        found[ids[gtin]] = months
    return found


def _plans(session: Session, value: Sequence[Mapping[str, Any]], currency: str, where: str,
           previous: Sequence[tuple[int, int | None, datetime | None, Decimal | None]] = ()
           ) -> list[tuple[int, int | None, datetime | None, Decimal]]:
    for i, entry in enumerate(value):
        if not isinstance(entry, Mapping) or not entry.get("plan"):
            raise InvalidInput("a plan entry is {'plan': code, 'product': GTIN or None, 'starts_at': ...}",
                               where=f"{where}.plans[{i}]")
    catalogue = plans_by_code(session, [e["plan"] for e in value])
    products = product_ids(session, [e["product"] for e in value if e.get("product") is not None])
    found: list[tuple[int, int | None, datetime | None, Decimal]] = []
    for i, entry in enumerate(value):
        plan = catalogue[str(entry["plan"]).strip()]
        if plan.currency != currency:
            raise RuleViolation(f"plan {plan.code} is priced in {plan.currency}, the contract in {currency}",
                                where=f"{where}.plans[{i}]")
        product = products[entry["product"]] if entry.get("product") is not None else None
        start = None if entry.get("starts_at") is None else moment(entry["starts_at"], where=f"{where}.plans[{i}]")
        if any(p == plan.id and q == product for p, q, _s, _price in found):
            raise InvalidInput(f"plan {plan.code} is named twice for the same product", where=f"{where}.plans[{i}]")
        # The plan's standalone selling price as agreed (revenue allocates by it, IFRS 15), kept while it stays.
        kept = next((price for p, q, _s, price in (previous or ()) if p == plan.id and q == product), None)
        found.append((plan.id, product, start, kept if kept is not None else plan.standalone_price))
    return found


@dataclass
class Draft:
    """The next version of a contract's terms, checked and resolved to rows' ids, not written yet."""

    row: ContractTerms
    warranties: dict[int, int]
    plans: list[tuple[int, int | None, datetime | None, Decimal | None]]


def prepare_version(session: Session, number: str, currency: str, *, changes: Mapping[str, Any],
                    previous: ContractTerms | None = None, by: str | None = None, when: datetime | None = None,
                    note: str | None = None) -> Draft:
    """Check the next version of contract ``number``'s terms: ``previous`` (the latest) with ``changes`` applied.

    ``changes`` maps term names (:data:`TERM_NAMES`) to new values; a term left out, or given as
    :data:`KEEP`, is copied (the warranties and plans too). Checks the whole version, not only the
    changes, and writes nothing, so a refused change leaves no trace (:func:`write_version` writes it).

    Raises
    ------
    InvalidInput
        A term that is malformed, or a period whose end is not after its start.
    NotFound, RuleViolation
        A product, plan or price list that does not exist, or is in another currency.
    """
    where = f"contract {number}"
    unknown = sorted(set(changes) - set(TERM_NAMES))
    if unknown:
        raise InvalidInput(f"no term {unknown[0]!r} (terms: {', '.join(TERM_NAMES)})", where=where)
    given = {k: v for k, v in changes.items() if v is not KEEP}
    row = ContractTerms(version=1 if previous is None else previous.version + 1,
                        changed_at=naive_utc(aware(when)), changed_by=by, note=note)
    for name in ("starts_at", "ends_at"):
        if name in given:
            setattr(row, name, moment(given[name], where=f"{where}.{name}"))
        elif previous is not None:
            setattr(row, name, getattr(previous, name))
        else:
            raise InvalidInput(f"a contract needs {name}", where=where)
    if row.ends_at <= row.starts_at:
        raise InvalidInput(f"the period must end after it starts ({row.starts_at:%Y-%m-%d} to {row.ends_at:%Y-%m-%d})",
                           where=f"{where}.ends_at")
    row.price_list_id = (_price_list(session, given["price_list"], currency, where) if "price_list" in given
                         else previous.price_list_id if previous is not None else None)
    for name, default in (("payment_terms_days", 30), ("renewal_notice_days", 60)):
        value = given[name] if name in given else getattr(previous, name) if previous is not None else default
        setattr(row, name, _days(value, where=f"{where}.{name}"))
    if "warranties" in given:
        warranties = _warranties(session, dict(given["warranties"] or {}), where)
    else:
        warranties = {w.product_id: w.months for w in _rows(session, ContractWarranty, previous)}
    agreed = [(p.plan_id, p.product_id, p.starts_at, p.standalone_price)
              for p in _rows(session, ContractPlan, previous)]
    plans = _plans(session, list(given["plans"] or ()), currency, where, agreed) if "plans" in given else agreed
    return Draft(row, warranties, plans)


def write_version(session: Session, contract: Document, draft: Draft) -> ContractTerms:
    """Write a prepared version of ``contract``'s terms with its warranties and plans; flush."""
    row = draft.row
    row.contract_id = contract.id
    session.add(row)
    session.flush()
    session.add_all([ContractWarranty(terms_id=row.id, product_id=p, months=m) for p, m in draft.warranties.items()])
    session.add_all([ContractPlan(terms_id=row.id, plan_id=p, product_id=q, starts_at=s, standalone_price=price)
                     for p, q, s, price in draft.plans])
    session.flush()
    return row


def _rows(session: Session, model: Any, terms: ContractTerms | None) -> list[Any]:
    if terms is None:
        return []
    return list(session.execute(select(model).where(model.terms_id == terms.id).order_by(model.id)).scalars())


def latest_row(session: Session, contract: Document) -> ContractTerms:
    """The latest version's row of ``contract``'s terms."""
    return session.execute(select(ContractTerms).where(ContractTerms.contract_id == contract.id)
                           .order_by(ContractTerms.version.desc()).limit(1)).scalar_one()


def latest_versions(*statuses: DocumentStatus) -> Select[tuple[Document, ContractTerms]]:
    """A statement of every contract (in one of ``statuses``, or any) with its latest terms row, by number."""
    latest = (select(ContractTerms.contract_id, func.max(ContractTerms.version).label("version"))
              .group_by(ContractTerms.contract_id).subquery("latest"))
    query = (select(Document, ContractTerms).join(latest, latest.c.contract_id == Document.id)
             .join(ContractTerms, (ContractTerms.contract_id == Document.id)
                   & (ContractTerms.version == latest.c.version))
             .where(Document.kind == DocumentKind.CONTRACT).order_by(Document.number))
    return query.where(Document.status.in_(statuses)) if statuses else query


def versions(session: Session, contract: Document, *, since: int = 1) -> list[Terms]:
    """Every version of ``contract``'s terms from version ``since`` on, oldest first (four queries)."""
    rows = list(session.execute(
        select(ContractTerms, PriceList.code).outerjoin(PriceList, PriceList.id == ContractTerms.price_list_id)
        .where(ContractTerms.contract_id == contract.id, ContractTerms.version >= since)
        .order_by(ContractTerms.version)).all())
    ids = [t.id for t, _code in rows]
    warranties: dict[int, list[Warranty]] = {i: [] for i in ids}
    for terms_id, gtin, name, months in session.execute(
            select(ContractWarranty.terms_id, Product.gtin, Product.name, ContractWarranty.months)
            .join(Product, Product.id == ContractWarranty.product_id)
            .where(ContractWarranty.terms_id.in_(ids or [-1])).order_by(Product.gtin)):
        warranties[terms_id].append(Warranty(gtin, name, months))
    plans: dict[int, list[PlanTerm]] = {i: [] for i in ids}
    for terms_id, plan, gtin, product_name, starts_at in session.execute(
            select(ContractPlan.terms_id, ServicePlan, Product.gtin, Product.name, ContractPlan.starts_at)
            .join(ServicePlan, ServicePlan.id == ContractPlan.plan_id)
            .outerjoin(Product, Product.id == ContractPlan.product_id)
            .where(ContractPlan.terms_id.in_(ids or [-1])).order_by(ContractPlan.id)):
        plans[terms_id].append(PlanTerm(plan.code, plan.name, gtin, product_name, starts_at, plan.months,
                                        tuple(plan.coverage or ())))
    return [Terms(contract.number, t.version, code, t.payment_terms_days, t.starts_at, t.ends_at,
                  t.renewal_notice_days, t.changed_at, t.changed_by, t.note, tuple(warranties[t.id]),
                  tuple(plans[t.id])) for t, code in rows]


def in_force(terms: Iterable[Terms], signed: int | None, at: datetime) -> Terms | None:
    """The version in force at ``at``: of the signed version and those after it (renewals), the latest
    whose period has started by ``at``, else the signed one; ``None`` when no version was signed.

    Examples
    --------
    >>> def v(n, start): return Terms("C", n, None, 30, start, datetime(2030, 1, 1), 60, start, None, None, (), ())
    >>> history = [v(1, datetime(2026, 1, 1)), v(2, datetime(2026, 1, 1)), v(3, datetime(2027, 1, 1))]
    >>> in_force(history, 2, datetime(2026, 6, 1)).version, in_force(history, 2, datetime(2027, 2, 1)).version
    (2, 3)
    >>> in_force(history, 2, datetime(2025, 1, 1)).version, in_force(history, None, datetime(2026, 6, 1))
    (2, None)
    """
    if signed is None:
        return None
    candidates = [t for t in terms if t.version >= signed]
    started = [t for t in candidates if t.starts_at <= at]
    if started:
        return max(started, key=lambda t: t.version)
    return next((t for t in candidates if t.version == signed), None)


__all__ = ["KEEP", "TERM_NAMES", "Draft", "PlanTerm", "Terms", "Warranty", "in_force", "latest_row", "latest_versions", "moment",
           "prepare_version", "versions", "write_version"]
