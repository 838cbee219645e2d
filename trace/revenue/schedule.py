"""Step 5: the revenue schedule per period (month, quarter or year), with the balances at each period's end.

Per period and currency:

* ``recognised``: revenue recognised in the period less revenue reversed (``products`` and ``services``
  are its two parts: units and goods; plans and services);
* ``billed``: invoices less credit notes issued in the period, net of tax;
* ``deferred``: at the period's end, the allocated transaction price of the obligations still owed that
  is not recognised yet (the remaining performance obligations, billed or not): an obligation is owed
  from its order's date until it is satisfied, or until it closed (credited, stopped);
* ``contract_assets`` and ``contract_liabilities``: at the period's end, per contract, recognised
  revenue beyond what was billed is a contract asset, billing beyond what was recognised a contract
  liability (the ledger's deferred revenue, account 2400); each column sums the contracts of its side.

A period is half open, from its first instant up to the next period's; an entry at midnight on the
first of a month belongs to that month. The first and last periods are cut at ``since`` and ``until``.
A period that has not ended shows what the facts say by its end (a plan's monthly parts are known
ahead). The balances count everything before the period's end, however long before ``since``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from cradletrace.contracts.periods import add_months
from cradletrace.errors import InvalidInput
from cradletrace.revenue.recognition import Revenue, recognise
from cradletrace.timestamps import naive_utc

PERIODS = {"month": 1, "quarter": 3, "year": 12}
"""The period lengths a schedule can have, in months."""

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ScheduleRow:
    """One period of the schedule in one currency (see the module for each column)."""

    period: str
    start: datetime
    end: datetime
    currency: str
    recognised: Decimal
    products: Decimal
    services: Decimal
    billed: Decimal
    deferred: Decimal
    contract_assets: Decimal
    contract_liabilities: Decimal


def periods(since: datetime, until: datetime, length: str = "month") -> list[tuple[str, datetime, datetime]]:
    """The calendar periods from ``since`` to ``until``: (label, start, end), the first and last cut to them.

    Examples
    --------
    >>> [(p, s.date().isoformat(), e.date().isoformat()) for p, s, e in
    ...  periods(datetime(2026, 2, 15), datetime(2026, 9, 1), "quarter")]
    [('2026-Q1', '2026-02-15', '2026-04-01'), ('2026-Q2', '2026-04-01', '2026-07-01'), ('2026-Q3', '2026-07-01', '2026-09-01')]
    >>> [p for p, _s, _e in periods(datetime(2026, 1, 1), datetime(2026, 3, 1))]
    ['2026-01', '2026-02']
    """
    if length not in PERIODS:
        raise InvalidInput(f"unknown period {length!r} (one of {', '.join(PERIODS)})", where="period")
    since, until = naive_utc(since), naive_utc(until)
    if since >= until:
        raise InvalidInput(f"the schedule's start {since:%Y-%m-%d} is not before its end {until:%Y-%m-%d}",
                           where="since")
    months = PERIODS[length]
    start = datetime(since.year, since.month - (since.month - 1) % months, 1)
    found = []
    while start < until:
        end = add_months(start, months)
        found.append((_label(start, length), max(start, since), min(end, until)))
        start = end
    return found


def _label(start: datetime, length: str) -> str:
    if length == "year":
        return f"{start:%Y}"
    if length == "quarter":
        return f"{start:%Y}-Q{(start.month - 1) // 3 + 1}"
    return f"{start:%Y-%m}"


@dataclass
class _Balances:
    """Running balances of one currency: deferred, and each contract's billed less recognised."""

    deferred: Decimal = ZERO
    position: dict[str, Decimal] = field(default_factory=dict)
    assets: Decimal = ZERO
    liabilities: Decimal = ZERO

    def move(self, contract: str, change: Decimal) -> None:
        """Billed less recognised of ``contract`` changes by ``change``; keep the asset and liability sums."""
        before = self.position.get(contract, ZERO)
        after = before + change
        self.position[contract] = after
        self.liabilities += max(after, ZERO) - max(before, ZERO)
        self.assets += max(-after, ZERO) - max(-before, ZERO)


def _moves(revenue: Revenue) -> list[tuple[datetime, int, str, str, str, Decimal, str | None]]:
    """Every change of the balances in time order: (time, rank, currency, contract, what, amount, class).

    At one moment obligations open first, then entries take effect, then obligations close, taking out of
    deferred what is still unrecognised of them then.
    """
    recognised: dict[str, list[tuple[datetime, Decimal]]] = defaultdict(list)
    for entry in revenue.entries:
        if entry.obligation is not None:
            recognised[entry.obligation].append((entry.at, entry.amount))
    moves: list[tuple[datetime, int, str, str, str, Decimal, str | None]] = []
    for c in revenue.contracts:
        for ob in c.obligations:
            moves.append((ob.opened_at, 0, c.currency, c.key, "open", ob.allocated, None))
            closed = revenue.closed.get(ob.key)
            if closed is not None:
                left = ob.allocated - sum((a for t, a in recognised[ob.key] if t <= closed), Decimal(0))
                moves.append((closed, 2, c.currency, c.key, "close", left, None))
    for entry in revenue.entries:
        moves.append((entry.at, 1, entry.currency, entry.contract, entry.kind, entry.amount, entry.revenue_class))
    moves.sort(key=lambda m: (m[0], m[1]))
    return moves


def schedule(revenue: Revenue, since: datetime, until: datetime, length: str = "month") -> list[ScheduleRow]:
    """The schedule of ``revenue`` per period from ``since`` to ``until`` (see the module); pure.

    One row per period and currency, for every currency that has an entry or an obligation before ``until``
    (currencies in alphabetical order within a period).

    Examples
    --------
    A unit of 100.00 ordered on 2 January, delivered on 10 February, billed on 20 January: owed (deferred)
    and billed ahead (a liability) at the end of January, recognised in February.

    >>> from cradletrace.revenue.obligations import Bill, Obligation, RevenueContract
    >>> from cradletrace.revenue.recognition import entries
    >>> ob = Obligation(key="u", contract="order SO1", order="SO1", kind="unit", revenue_class="product", item="G",
    ...                 unit="U1", quantity=Decimal(1), ssp=Decimal(1), ssp_basis="unit price",
    ...                 allocated=Decimal("100.00"), opened_at=datetime(2026, 1, 2))
    >>> bill = Bill(datetime(2026, 1, 20), "invoice", "INV-1", Decimal("100.00"), Decimal("0.00"))
    >>> c = RevenueContract("order SO1", "order", "SO1", None, "EUR", ("SO1",), Decimal("100.00"), (ob,), (bill,))
    >>> rows = schedule(entries([c], {"U1": (datetime(2026, 2, 10), "e1")}), datetime(2026, 1, 1), datetime(2026, 3, 1))
    >>> [(r.period, str(r.recognised), str(r.billed), str(r.deferred), str(r.contract_liabilities)) for r in rows]
    [('2026-01', '0.00', '100.00', '100.00', '100.00'), ('2026-02', '100.00', '0.00', '0.00', '0.00')]
    """
    spans = periods(since, until, length)
    balances: dict[str, _Balances] = defaultdict(_Balances)
    moves = _moves(revenue)
    currencies = sorted({m[2] for m in moves if m[0] < spans[-1][2]})
    rows: list[ScheduleRow] = []
    i = 0
    for label, start, end in spans:
        flows: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        while i < len(moves) and moves[i][0] < end:
            at, _rank, currency, contract, what, amount, detail = moves[i]
            i += 1
            b = balances[currency]
            if what == "open":
                b.deferred += amount
            elif what == "close":
                b.deferred -= amount
            elif what in ("recognised", "reversed"):
                b.deferred -= amount
                b.move(contract, -amount)
            else:
                b.move(contract, amount)
            if at >= start and what not in ("open", "close"):
                flow = flows[currency]
                if what in ("recognised", "reversed"):
                    flow["recognised"] += amount
                    flow["products" if detail == "product" else "services"] += amount
                else:
                    flow["billed"] += amount
        for currency in currencies:
            b, flow = balances[currency], flows[currency]
            rows.append(ScheduleRow(label, start, end, currency, _cents(flow["recognised"]), _cents(flow["products"]),
                                    _cents(flow["services"]), _cents(flow["billed"]), _cents(b.deferred),
                                    _cents(b.assets), _cents(b.liabilities)))
    return rows


def range_totals(rows: Sequence[ScheduleRow]) -> dict[str, ScheduleRow]:
    """The whole range of a schedule as one row per currency (period ``total``, from the first period's start to
    the last one's end): the flows (recognised, products, services, billed) summed over the periods, the
    balances (deferred, contract assets and liabilities) at the range's end; pure. Currencies in alphabetical
    order; nothing for no rows.

    What the revenue report's figures and the dashboard's totals both are.

    Examples
    --------
    >>> from datetime import datetime as t
    >>> def row(month, rec, billed, deferred, currency="EUR"):
    ...     rec, billed = Decimal(rec), Decimal(billed)
    ...     return ScheduleRow(f"2026-{month:02d}", t(2026, month, 1), t(2026, month + 1, 1), currency, rec, rec,
    ...                        ZERO, billed, Decimal(deferred), ZERO, billed - rec)
    >>> totals = range_totals([row(3, "5700.00", "7752.00", "7220.00"), row(3, "10.00", "0.00", "5.00", "CHF"),
    ...                        row(4, "-950.00", "0.00", "6000.00"), row(4, "0.00", "0.00", "5.00", "CHF")])
    >>> list(totals)
    ['CHF', 'EUR']
    >>> eur = totals["EUR"]
    >>> eur.period, f"{eur.start:%m-%d}", f"{eur.end:%m-%d}", eur.recognised, eur.billed, eur.deferred
    ('total', '03-01', '05-01', Decimal('4750.00'), Decimal('7752.00'), Decimal('6000.00'))
    >>> range_totals([])
    {}
    """
    by_currency: dict[str, list[ScheduleRow]] = defaultdict(list)
    for r in rows:
        by_currency[r.currency].append(r)
    return {currency: replace(mine[-1], period="total", start=mine[0].start,
                              **{name: sum((getattr(r, name) for r in mine), ZERO)
                                 for name in ("recognised", "products", "services", "billed")})
            for currency, mine in sorted(by_currency.items())}


def _cents(value: Decimal) -> Decimal:
    return (value + ZERO).quantize(ZERO)


def revenue_schedule(session: Session, since: datetime, until: datetime, length: str = "month"
                     ) -> tuple[list[ScheduleRow], Revenue]:
    """The schedule from the database: :func:`~cradletrace.revenue.recognition.recognise`, then :func:`schedule`."""
    periods(since, until, length)  # a bad period or range is refused before any query
    revenue = recognise(session)
    return schedule(revenue, since, until, length), revenue


__all__ = ["PERIODS", "ScheduleRow", "periods", "range_totals", "revenue_schedule", "schedule"]
