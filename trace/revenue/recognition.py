"""Step 4 of IFRS 15 / ASC 606: when each performance obligation's revenue is recognised, as dated entries.

* A unit (or lot quantity) at the point in time when control passes to the customer: its receiving (or
  delivery) event at the customer's location, from :func:`cradletrace.contracts.control.control_passed`
  (the one definition entitlement shares), never the invoice's date. A transfer counts for the sale it
  follows: at or after the unit's allocation to the order, and not after the return that ended it.
* A service plan straight-line over its coverage, in whole months from the day it starts (the contract's
  fixed start, or the day control of its unit passed): coverage month k runs from the start plus k - 1
  months to the start plus k months (:func:`cradletrace.contracts.periods.add_months`) and is recognised
  on its last day, so a 36-month plan recognises one part in each of 36 calendar months. Part k is
  ``prorate(allocated, k, months) - prorate(allocated, k - 1, months)``: the parts sum exactly to the
  allocation and never differ by more than a cent. A month that ended before the unit was delivered (a
  fixed start) is recognised on delivery; none is recognised after the contract was terminated or the
  unit credited.
* A service (a billed repair), and a line of an invoice without an order, on the document's date.
* A credit note for a returned unit reverses that unit's revenue on the credit note's date; its plan stops.

Billing (invoices less credit notes, net of tax) is an entry too, so the schedule and the journal fold
one list. Entries depend only on the documents and the live events, not on the order they arrived in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from cradletrace.contracts.control import control_passed
from cradletrace.contracts.periods import add_months
from cradletrace.revenue.allocation import prorate
from cradletrace.revenue.obligations import Obligation, RevenueContract, identify
from cradletrace.timestamps import naive_utc

ENTRY_KINDS = ("billed", "credited", "recognised", "reversed")
"""The kinds of entry, in the order they are taken at the same moment."""


@dataclass(frozen=True)
class Entry:
    """A dated amount of a revenue contract: revenue recognised (or reversed) for an obligation, or billed.

    ``amount`` is signed: positive for ``recognised`` and ``billed``, negative for ``reversed`` and
    ``credited``; ``tax`` is the billed tax (zero for revenue). ``reference`` names what shows it: the
    event ID of a control transfer, ``PLAN month k of n``, or the invoice or credit note number.
    """

    at: datetime
    contract: str
    obligation: str | None
    kind: str
    revenue_class: str | None
    amount: Decimal
    tax: Decimal
    reference: str
    currency: str

    def sort_key(self) -> tuple[Any, ...]:
        """Time, then contract, kind (billing first), obligation and reference: one order for every fold."""
        return (self.at, self.contract, ENTRY_KINDS.index(self.kind), self.obligation or "", self.reference)


@dataclass(frozen=True)
class Revenue:
    """The contracts with their obligations, every entry in order, and when obligations closed early.

    ``closed`` maps an obligation's key to the moment it stopped being owed: a unit credited (or
    returned before control passed), a plan stopped by a credit note or a termination.
    """

    contracts: list[RevenueContract]
    entries: list[Entry]
    closed: dict[str, datetime]


def recognise(session: Session, contracts: list[RevenueContract] | None = None) -> Revenue:
    """Every revenue contract's entries: :func:`~cradletrace.revenue.obligations.identify`, then
    :func:`control_passed` for all units at once, then :func:`entries`."""
    contracts = identify(session) if contracts is None else contracts
    units = [ob.unit for c in contracts for ob in c.obligations if ob.kind in ("unit", "goods") and ob.unit]
    control = control_passed(session, units) if units else {}
    return entries(contracts, {k: (naive_utc(v.at), str(v.event_id)) for k, v in control.items()})


def entries(contracts: Iterable[RevenueContract], control: Mapping[str, tuple[datetime, str]]) -> Revenue:
    """The entries of ``contracts`` given when control of each unit passed (``{unit: (time, event ID)}``); pure.

    Examples
    --------
    A unit of 100.00 (order of 2 January) delivered on 10 January, by event ``e1``:

    >>> from cradletrace.revenue.obligations import Obligation, RevenueContract
    >>> ob = Obligation(key="SO1 line 1: U1", contract="order SO1", order="SO1", kind="unit", revenue_class="product",
    ...                 item="09506000134352", unit="U1", quantity=Decimal(1), ssp=Decimal("120.00"),
    ...                 ssp_basis="standalone price", allocated=Decimal("100.00"), opened_at=datetime(2026, 1, 2))
    >>> c = RevenueContract("order SO1", "order", "SO1", None, "EUR", ("SO1",), Decimal("100.00"), (ob,))
    >>> [(e.at.date().isoformat(), e.kind, str(e.amount), e.reference)
    ...  for e in entries([c], {"U1": (datetime(2026, 1, 10), "e1")}).entries]
    [('2026-01-10', 'recognised', '100.00', 'e1')]
    """
    contracts = list(contracts)
    found: list[Entry] = []
    closed: dict[str, datetime] = {}
    for c in contracts:
        for bill in c.bills:
            found.append(Entry(bill.at, c.key, None, "billed" if bill.kind == "invoice" else "credited", None,
                               bill.net, bill.tax, bill.number, c.currency))
        delivered: dict[str, datetime] = {}
        first_delivery: dict[str, datetime] = {}
        obligations = {ob.key: ob for ob in c.obligations}
        for ob in c.obligations:
            if ob.kind in ("unit", "goods") and ob.unit is not None:
                transfer = control.get(ob.unit)
                at = transfer[0] if transfer and _for_this_sale(ob, transfer[0]) else None
                if at is not None:
                    found.append(_revenue(c, ob, at, "recognised", ob.allocated, transfer[1]))  # type: ignore[index]
                    delivered[ob.key] = at
                    first_delivery[ob.order] = min(at, first_delivery.get(ob.order, at))
                    if ob.credited_at is not None:
                        found.append(_revenue(c, ob, ob.credited_at, "reversed", -ob.allocated, ob.credit_note or ""))
                if ob.credited_at is not None:
                    closed[ob.key] = ob.credited_at
                elif at is None and ob.returned_at is not None:
                    closed[ob.key] = ob.returned_at  # back before control passed: this sale cannot be satisfied
            elif ob.satisfied_at is not None:
                found.append(_revenue(c, ob, ob.satisfied_at, "recognised", ob.allocated, ob.order))
        for ob in c.obligations:
            if ob.kind != "plan":
                continue
            if ob.covers is not None:
                available = delivered.get(ob.covers)
                covered = obligations.get(ob.covers)
                stop_by_credit = covered.credited_at if covered is not None else None
            else:
                available = ob.starts_at or first_delivery.get(ob.order)
                stop_by_credit = None
            if available is None:
                continue  # its unit has not been delivered: nothing to serve yet
            stops = [t for t in (ob.ends_at, stop_by_credit) if t is not None]
            stop = min(stops) if stops else None
            parts = plan_parts(ob.allocated, ob.months or 1, ob.starts_at or available)
            for k, (day, amount) in enumerate(parts, start=1):
                at = max(day, available)
                if stop is not None and at >= stop:
                    closed[ob.key] = stop
                    break
                if amount:
                    found.append(_revenue(c, ob, at, "recognised", amount, f"{ob.item} month {k} of {len(parts)}"))
    found.sort(key=Entry.sort_key)
    return Revenue(contracts, found, closed)


def _for_this_sale(ob: Obligation, at: datetime) -> bool:
    """A control transfer belongs to this sale if it is not before the allocation nor after the return."""
    if ob.allocated_at is not None and at < ob.allocated_at:
        return False
    return ob.returned_at is None or at <= ob.returned_at


def _revenue(c: RevenueContract, ob: Obligation, at: datetime, kind: str, amount: Decimal, reference: str) -> Entry:
    return Entry(at, c.key, ob.key, kind, ob.revenue_class, amount, Decimal("0.00"), reference, c.currency)


def plan_parts(amount: Decimal, months: int, start: datetime) -> list[tuple[datetime, Decimal]]:
    """A plan's monthly parts: (the last day of coverage month k, at midnight UTC; its part of ``amount``).

    Examples
    --------
    360.00 over 36 months from 10 March 2026 at 14:00: 10.00 on 9 April, 9 May, ... and the last on
    9 March 2029.

    >>> parts = plan_parts(Decimal("360.00"), 36, datetime(2026, 3, 10, 14))
    >>> parts[0], parts[1][0], parts[-1][0], sum(p for _, p in parts)
    ((datetime.datetime(2026, 4, 9, 0, 0), Decimal('10.00')), datetime.datetime(2026, 5, 9, 0, 0), datetime.datetime(2029, 3, 9, 0, 0), Decimal('360.00'))

    100.00 over 3 months from 31 January: the coverage months end on 28 February, 31 March and 30 April
    (one month from 31 January is 28 February), so their last days are 27 February, 30 March and
    29 April; the cents go 33.33, 33.34, 33.33.

    >>> [(d.date().isoformat(), str(p)) for d, p in plan_parts(Decimal("100.00"), 3, datetime(2026, 1, 31))]
    [('2026-02-27', '33.33'), ('2026-03-30', '33.34'), ('2026-04-29', '33.33')]
    """
    day = datetime(start.year, start.month, start.day)
    running = [prorate(amount, k, months) for k in range(months + 1)]
    return [(add_months(day, k) - timedelta(days=1), running[k] - running[k - 1]) for k in range(1, months + 1)]


__all__ = ["ENTRY_KINDS", "Entry", "Revenue", "entries", "plan_parts", "recognise"]
