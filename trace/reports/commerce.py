"""Order-to-cash and lead-to-cash KPIs (METRICS §5): pure functions over DataFrames, and the queries that feed them.

Money stays Decimal (one reporting currency: the frames carry it, and a report over several
currencies says so in a note); durations are in days (mean **and** median). The scalar formulas
(:func:`dso_standard`, :func:`dso_countback`, :func:`cei`, ...) take numbers; the frame functions
(:func:`open_items`, :func:`aging`, :func:`o2c_figures`, :func:`l2c_figures`) take the frames that
:func:`load_frames` reads in a fixed number of statements, for a period, a customer and a product.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from cradletrace.models import (
    Allocation,
    Application,
    CreditHold,
    Document,
    DocumentKind,
    DocumentStatus,
    Edge,
    EdgeKind,
    Line,
    Node,
    Party,
    Product,
)

CENT = Decimal("0.01")
AGING_BUCKETS = ("current", "1-30", "31-60", "61-90", ">90")
DAY = timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# Scalar formulas (METRICS §5, with its worked values as examples)
# ---------------------------------------------------------------------------------------------

def dso_standard(ar_end: Decimal | float, credit_sales: Decimal | float, days: float) -> float | None:
    """Days sales outstanding: ``AR_end / credit_sales_period x days_in_period`` (``None`` without sales).

    Examples
    --------
    >>> dso_standard(420_000, 300_000, 30)
    42.0
    """
    if not credit_sales:
        return None
    return round(float(Decimal(str(ar_end)) / Decimal(str(credit_sales)) * Decimal(str(days))), 2)


def dso_countback(ar_end: Decimal | float, months: Sequence[tuple[Decimal | float, float]]) -> float | None:
    """Countback DSO: from ``AR_end``, walk back month by month (``months``: (credit sales, calendar days),
    newest first), subtracting each month's sales and adding its days while AR covers them; for the
    last month add ``remaining / month_sales x month_days``. ``None`` when there are no months.

    Examples
    --------
    >>> dso_countback(500_000, [(300_000, 30), (250_000, 31)])
    54.8
    """
    if not months:
        return None
    remaining, total = Decimal(str(ar_end)), Decimal(0)
    for sales, days in months:
        sales, days = Decimal(str(sales)), Decimal(str(days))
        if remaining >= sales:
            remaining -= sales
            total += days
        else:
            total += remaining / sales * days
            remaining = Decimal(0)
            break
    return round(float(total), 2)


def cei(ar_begin: Decimal | float, credit_sales: Decimal | float, ar_end_total: Decimal | float,
        ar_end_current: Decimal | float) -> float | None:
    """Collection effectiveness index, in %: ``(AR_begin + S - AR_end_total) / (AR_begin + S - AR_end_current) x 100``.

    Examples
    --------
    >>> cei(400_000, 300_000, 420_000, 310_000)
    71.79
    """
    b, s = Decimal(str(ar_begin)), Decimal(str(credit_sales))
    denominator = b + s - Decimal(str(ar_end_current))
    if not denominator:
        return None
    return round(float((b + s - Decimal(str(ar_end_total))) / denominator * 100), 2)


def ar_turnover(net_credit_sales: Decimal | float, average_ar: Decimal | float) -> tuple[float | None, float | None]:
    """AR turnover ``net_credit_sales / average_AR`` and its days ``365 / turnover``.

    Examples
    --------
    >>> ar_turnover(1_200_000, 300_000)
    (4.0, 91.25)
    """
    if not average_ar or not net_credit_sales:
        return None, None
    turnover = Decimal(str(net_credit_sales)) / Decimal(str(average_ar))
    return round(float(turnover), 4), round(float(365 / turnover), 2)


def rate(numerator: int, denominator: int) -> float | None:
    """A percentage to two decimals (``None`` for an empty denominator).

    Examples
    --------
    >>> rate(2, 3)
    66.67
    """
    return round(100 * numerator / denominator, 2) if denominator else None


def durations(start: pd.Series, end: pd.Series) -> dict[str, Any]:
    """Mean and median of ``end - start`` in days, over the rows where both are known.

    Examples
    --------
    >>> s = pd.Series(pd.to_datetime(["2026-01-01", "2026-01-01", "2026-01-01"]))
    >>> durations(s, s + pd.to_timedelta([1, 2, 6], unit="D"))
    {'mean': 3.0, 'median': 2.0, 'count': 3}
    """
    start, end = pd.to_datetime(start), pd.to_datetime(end)
    days = ((end - start) / pd.Timedelta(days=1)).dropna()
    if days.empty:
        return {"mean": None, "median": None, "count": 0}
    return {"mean": round(float(days.mean()), 2), "median": round(float(days.median()), 2), "count": int(len(days))}


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


def _sum(series: pd.Series) -> Decimal:
    return sum((Decimal(str(v)) for v in series if v is not None and not pd.isna(v)), Decimal(0))


# ---------------------------------------------------------------------------------------------
# Receivables over frames
# ---------------------------------------------------------------------------------------------

def open_items(invoices: pd.DataFrame, applications: pd.DataFrame, at: datetime) -> pd.DataFrame:
    """The invoices issued before ``at`` with what is open on them at ``at`` (column ``open``), open ones only.

    ``invoices`` has ``id``, ``amount``, ``issued_at``, ``due_at``; ``applications`` has
    ``invoice_id``, ``amount``, ``applied_at`` (payments, credit notes and write-offs).
    """
    issued = invoices[pd.to_datetime(invoices["issued_at"]) < at].copy()
    if issued.empty:
        return issued.assign(open=[])
    applied = applications[pd.to_datetime(applications["applied_at"]) < at] if not applications.empty else applications
    paid = {k: _sum(g["amount"]) for k, g in applied.groupby("invoice_id")} if not applied.empty else {}
    issued["open"] = [_money(a) - paid.get(i, Decimal(0)) for i, a in zip(issued["id"], issued["amount"])]
    return issued[[v > 0 for v in issued["open"]]]


def aging(items: pd.DataFrame, at: datetime, *, by: str = "due_at") -> dict[str, Decimal]:
    """AR aging: open amount by days past the due date (or ``by="issued_at"``) at ``at``:
    ``current``, ``1-30``, ``31-60``, ``61-90``, ``>90``; the buckets sum to the total AR.

    Examples
    --------
    >>> items = pd.DataFrame({"open": [Decimal("60"), Decimal("1000")],
    ...                       "due_at": pd.to_datetime(["2026-03-12", "2026-02-19"])})
    >>> aging(items, datetime(2026, 4, 1))["31-60"]
    Decimal('1000.00')
    """
    buckets = {name: Decimal("0.00") for name in AGING_BUCKETS}
    for amount, ref in zip(items["open"] if len(items) else [], items[by] if len(items) else []):
        late = (at - pd.Timestamp(ref).to_pydatetime()) // DAY
        name = ("current" if late <= 0 else "1-30" if late <= 30 else "31-60" if late <= 60
                else "61-90" if late <= 90 else ">90")
        buckets[name] += amount
    assert sum(buckets.values(), Decimal(0)) == _sum(items["open"]) if len(items) else True
    return buckets


def _months(since: datetime, until: datetime) -> list[tuple[datetime, datetime]]:
    """Calendar months (clipped to the period), newest first."""
    found, start = [], since
    while start < until:
        nxt = (start.replace(day=1) + timedelta(days=32)).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        found.append((start, min(nxt, until)))
        start = nxt
    return found[::-1]


# ---------------------------------------------------------------------------------------------
# The frames and the queries that feed them
# ---------------------------------------------------------------------------------------------

@dataclass
class Frames:
    """What the KPIs read: one DataFrame per kind of fact (columns in :func:`load_frames`)."""

    invoices: pd.DataFrame
    applications: pd.DataFrame
    credit_notes: pd.DataFrame
    orders: pd.DataFrame
    billing: pd.DataFrame
    leads: pd.DataFrame
    opportunities: pd.DataFrame
    quotes: pd.DataFrame
    currencies: list[str]


def _frame(session: Session, query: Any, columns: Sequence[str]) -> pd.DataFrame:
    rows = session.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(columns))


def load_frames(session: Session, *, customer: str | None = None, product: str | None = None) -> Frames:
    """Read the commercial facts for the KPIs, optionally for one customer (party identifier) or product (GTIN).

    A fixed number of statements, whatever the data: the period is applied by the figure functions.
    """
    party_filter = _party_filter(session, customer)
    doc_filter = [Document.party_id == party_filter] if party_filter is not None else []
    if product is not None:
        gtin = product.strip().zfill(14)
        doc_filter.append(exists().where(Line.document_id == Document.id, Line.product_id == Product.id,
                                         Product.gtin == gtin))
    D = Document

    invoices = _frame(session, select(D.id, D.number, D.party_id, D.currency, D.amount, D.tax, D.created_at, D.due_at,
                                      D.closed_at, D.order_id, D.status)
                      .where(D.kind == DocumentKind.INVOICE, *doc_filter),
                      ["id", "number", "party_id", "currency", "amount", "tax", "issued_at", "due_at", "closed_at",
                       "order_id", "status"])
    source = aliased(Document)
    target = aliased(Document)
    target_filter = [target.party_id == party_filter] if party_filter is not None else []
    if product is not None:
        target_filter.append(target.id.in_(invoices["id"].tolist() or [-1]))
    applications = _frame(session, select(Application.invoice_id, Application.amount, Application.applied_at,
                                          source.kind, target.created_at)
                          .join(source, source.id == Application.source_id)
                          .join(target, target.id == Application.invoice_id).where(*target_filter),
                          ["invoice_id", "amount", "applied_at", "source_kind", "issued_at"])
    applications["source_kind"] = [getattr(k, "value", k) for k in applications["source_kind"]]
    credit_notes = _frame(session, select(D.id, D.amount, D.tax, D.created_at, D.order_id, D.currency)
                          .where(D.kind == DocumentKind.CREDIT_NOTE, *doc_filter),
                          ["id", "amount", "tax", "issued_at", "order_id", "currency"])
    orders = _orders(session, doc_filter)
    billing = _billing(session, party_filter, invoices)
    leads, opportunities, quotes = _pipeline(session, doc_filter, party_filter)
    currencies = sorted({c for c in [*invoices["currency"], *orders["currency"]] if c})
    return Frames(invoices, applications, credit_notes, orders, billing, leads, opportunities, quotes, currencies)


def _party_filter(session: Session, customer: str | None) -> int | None:
    if customer is None:
        return None
    from cradletrace.errors import NotFound
    from cradletrace.lifecycle.common import party_identifier

    found = session.execute(select(Party.id).join(Node, Node.id == Party.node_id)
                            .where(Node.identifier == party_identifier(customer))).scalar()
    if found is None:
        raise NotFound(f"no customer {customer!r}", where="--customer")
    return found


def _orders(session: Session, doc_filter: list[Any]) -> pd.DataFrame:
    D = Document
    shipment = aliased(Document)
    shipped = (select(shipment.order_id, func.min(shipment.created_at).label("first"),
                      func.max(shipment.created_at).label("last"), func.max(shipment.delivered_at).label("delivered"),
                      func.max(func.coalesce(shipment.damaged, False).cast(_int())).label("damaged"))
               .where(shipment.kind == DocumentKind.SHIPMENT).group_by(shipment.order_id).subquery())
    released = (select(CreditHold.order_id, func.max(CreditHold.released_at).label("released"))
                .group_by(CreditHold.order_id).subquery())
    note = aliased(Document)
    noted = (select(note.order_id, func.count().label("notes")).where(note.kind == DocumentKind.CREDIT_NOTE)
             .group_by(note.order_id).subquery())
    frame = _frame(session, select(D.id, D.number, D.party_id, D.currency, D.amount, D.status, D.created_at,
                                   D.requested_at, released.c.released, shipped.c.first, shipped.c.last,
                                   shipped.c.delivered, shipped.c.damaged, noted.c.notes)
                   .outerjoin(shipped, shipped.c.order_id == D.id).outerjoin(released, released.c.order_id == D.id)
                   .outerjoin(noted, noted.c.order_id == D.id).where(D.kind == DocumentKind.ORDER, *doc_filter),
                   ["id", "number", "party_id", "currency", "amount", "status", "created_at", "requested_at",
                    "released_at", "first_shipped_at", "last_shipped_at", "delivered_at", "damaged", "credit_notes"])
    # Ordered against shipped quantity per order: complete = every line shipped in full.
    ordered = select(Line.document_id, Line.id, Line.quantity).join(D, D.id == Line.document_id).where(
        D.kind == DocumentKind.ORDER, *doc_filter)
    quantities = _frame(session, ordered, ["order_id", "line_id", "quantity"])
    shipped_qty = _frame(session, select(Allocation.line_id, func.sum(Allocation.quantity))
                         .where(Allocation.shipment_id.is_not(None)).group_by(Allocation.line_id),
                         ["line_id", "shipped"])
    got = {k: Decimal(str(v)) for k, v in zip(shipped_qty["line_id"], shipped_qty["shipped"])}
    complete: dict[int, bool] = {}
    exact: dict[int, bool] = {}
    for order_id, line_id, qty in zip(quantities["order_id"], quantities["line_id"], quantities["quantity"]):
        have = got.get(line_id, Decimal(0))
        complete[order_id] = complete.get(order_id, True) and have >= Decimal(str(qty))
        exact[order_id] = exact.get(order_id, True) and have == Decimal(str(qty))
    frame["status"] = [getattr(s, "value", s) for s in frame["status"]]
    frame["complete"] = [complete.get(i, False) for i in frame["id"]]
    frame["exact"] = [exact.get(i, False) for i in frame["id"]]
    frame["authorised_at"] = [r if r is not None and not pd.isna(r) else c
                              for r, c in zip(frame["released_at"], frame["created_at"])]
    return frame


def _int() -> Any:
    from sqlalchemy import Integer

    return Integer()


def _billing(session: Session, party_filter: int | None, invoices: pd.DataFrame) -> pd.DataFrame:
    """Shipment -> invoice links (``follows`` edges) with both times."""
    ship, inv = aliased(Document), aliased(Document)
    query = (select(ship.id, ship.created_at, inv.id, inv.created_at).select_from(Edge)
             .join(ship, and_(ship.node_id == Edge.src, ship.kind == DocumentKind.SHIPMENT))
             .join(inv, and_(inv.node_id == Edge.dst, inv.kind == DocumentKind.INVOICE))
             .where(Edge.kind == EdgeKind.FOLLOWS, Edge.retracted.is_(False), inv.id.in_(invoices["id"].tolist() or [-1])))
    return _frame(session, query, ["shipment_id", "shipped_at", "invoice_id", "invoiced_at"])


def _pipeline(session: Session, doc_filter: list[Any], party_filter: int | None
              ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    D = Document
    nxt, edge = aliased(Document), aliased(Edge)
    led_to = (select(edge.src.label("src"), nxt.kind.label("kind")).join(nxt, nxt.node_id == edge.dst)
              .where(edge.kind == EdgeKind.FOLLOWS)).subquery()
    lead_filter = [D.party_id == party_filter] if party_filter is not None else []
    leads = _frame(session, select(D.id, D.created_at, D.status, D.source, func.count(led_to.c.src))
                   .outerjoin(led_to, and_(led_to.c.src == D.node_id, led_to.c.kind == DocumentKind.OPPORTUNITY.value))
                   .where(D.kind == DocumentKind.LEAD, *lead_filter).group_by(D.id, D.created_at, D.status, D.source),
                   ["id", "created_at", "status", "source", "opportunities"])
    lead = aliased(Document)
    came_from = (select(edge.dst.label("dst"), func.min(lead.created_at).label("lead_created"))
                 .join(lead, and_(lead.node_id == edge.src, lead.kind == DocumentKind.LEAD))
                 .where(edge.kind == EdgeKind.FOLLOWS).group_by(edge.dst)).subquery()
    opportunities = _frame(session, select(D.id, D.created_at, D.status, D.decided_at, D.amount, D.currency,
                                           came_from.c.lead_created)
                           .outerjoin(came_from, came_from.c.dst == D.node_id)
                           .where(D.kind == DocumentKind.OPPORTUNITY, *lead_filter),
                           ["id", "created_at", "status", "decided_at", "amount", "currency", "lead_created_at"])
    quotes = _frame(session, select(D.id, D.created_at, D.status, func.count(led_to.c.src))
                    .outerjoin(led_to, and_(led_to.c.src == D.node_id, led_to.c.kind == DocumentKind.ORDER.value))
                    .where(D.kind == DocumentKind.QUOTE, *doc_filter).group_by(D.id, D.created_at, D.status),
                    ["id", "created_at", "status", "orders"])
    for frame in (leads, opportunities, quotes):
        frame["status"] = [getattr(s, "value", s) for s in frame["status"]]
    return leads, opportunities, quotes


# ---------------------------------------------------------------------------------------------
# The figures of the two reports
# ---------------------------------------------------------------------------------------------

def _within(frame: pd.DataFrame, column: str, since: datetime, until: datetime) -> pd.DataFrame:
    if frame.empty:
        return frame
    times = pd.to_datetime(frame[column])
    return frame[(times >= since) & (times < until)]


def o2c_figures(frames: Frames, since: datetime, until: datetime) -> dict[str, Any]:
    """The order-to-cash KPIs for ``[since, until)`` (naive UTC), by name (METRICS §5)."""
    days = (until - since) / DAY
    inv = frames.invoices
    sales_rows = _within(inv, "issued_at", since, until)
    sales = _sum(sales_rows["amount"])
    notes = _sum(_within(frames.credit_notes, "issued_at", since, until)["amount"])
    end_items = open_items(inv, frames.applications, until)
    ar_end = _sum(end_items["open"]) if len(end_items) else Decimal(0)
    ar_begin_items = open_items(inv, frames.applications, since)
    ar_begin = _sum(ar_begin_items["open"]) if len(ar_begin_items) else Decimal(0)
    current = (_sum(end_items[pd.to_datetime(end_items["due_at"]) >= until]["open"]) if len(end_items)
               else Decimal(0))
    months = [(_sum(_within(inv, "issued_at", a, b)["amount"]), (b - a) / DAY) for a, b in _months(since, until)]
    dso = dso_standard(ar_end, sales, days)
    best = dso_standard(current, sales, days)
    turnover, turnover_days = ar_turnover(sales - notes, (ar_begin + ar_end) / 2)

    orders = _within(frames.orders, "created_at", since, until)
    delivered = orders[orders["delivered_at"].notna()] if len(orders) else orders
    fully = orders[orders["complete"]] if len(orders) else orders
    flags = pd.DataFrame({
        "on_time": [bool(d <= r) if r is not None and not pd.isna(r) else True
                    for d, r in zip(delivered["delivered_at"], delivered["requested_at"])],
        "complete": list(delivered["complete"]),
        "damage_free": [not bool(x) for x in delivered["damaged"]],
        "accurate": [not (n and n > 0) for n in delivered["credit_notes"]],
    })
    perfect = int(flags.all(axis=1).sum()) if len(flags) else 0
    shares = {c: (flags[c].mean() if len(flags) else None) for c in flags.columns}
    shipped = orders[orders["first_shipped_at"].notna()] if len(orders) else orders

    paid = sales_rows[sales_rows["status"].map(lambda s: getattr(s, "value", s)) == DocumentStatus.PAID.value]
    cash = frames.applications[frames.applications["source_kind"] == DocumentKind.PAYMENT.value]
    cash = cash[cash["invoice_id"].isin(sales_rows["id"])]
    weights = [(Decimal(str(a)), (pd.Timestamp(p) - pd.Timestamp(i)) / pd.Timedelta(days=1))
               for a, p, i in zip(cash["amount"], cash["applied_at"], cash["issued_at"])]
    total_cash = sum((a for a, _d in weights), Decimal(0))
    weighted = (round(float(sum(a * Decimal(str(d)) for a, d in weights) / total_cash), 2) if total_cash else None)
    billing = _within(frames.billing, "shipped_at", since, until)
    invoice_count = len(sales_rows)
    noted = set(frames.credit_notes["order_id"]) if len(frames.credit_notes) else set()
    paid_orders = paid.groupby("order_id")["closed_at"].max() if len(paid) else pd.Series(dtype=object)
    settled = [(o, paid_orders.get(o)) for o in orders["id"]
               if o in paid_orders.index and not (sales_rows[sales_rows["order_id"] == o]["status"].map(
                   lambda s: getattr(s, "value", s)) != DocumentStatus.PAID.value).any()]
    o2c_start = orders.set_index("id")["created_at"] if len(orders) else pd.Series(dtype=object)
    return {
        "currency": frames.currencies[0] if len(frames.currencies) == 1 else frames.currencies,
        "credit_sales": _money(sales),
        "ar_begin": _money(ar_begin),
        "ar_end": _money(ar_end),
        "dso": dso,
        "dso_countback": dso_countback(ar_end, months),
        "best_possible_dso": best,
        "average_days_delinquent": None if dso is None or best is None else round(dso - best, 2),
        "cei": cei(ar_begin, sales, ar_end, current),
        "aging": aging(end_items, until),
        "ar_turnover": turnover,
        "ar_turnover_days": turnover_days,
        "order_cycle_time": durations(delivered["authorised_at"], delivered["delivered_at"]),
        "order_to_ship": durations(fully["created_at"], fully["last_shipped_at"]),
        "order_to_first_ship": durations(shipped["created_at"], shipped["first_shipped_at"]),
        "billing_speed": durations(billing["shipped_at"], billing["invoiced_at"]),
        "invoice_to_cash": durations(paid["issued_at"], paid["closed_at"]),
        "invoice_to_cash_weighted": weighted,
        "o2c_cycle": durations(pd.Series([o2c_start[o] for o, _t in settled], dtype="datetime64[ns]"),
                               pd.Series([t for _o, t in settled], dtype="datetime64[ns]")),
        "perfect_order_rate": rate(perfect, len(flags)),
        "perfect_order_index": (round(float(shares["on_time"] * shares["complete"] * shares["damage_free"]
                                            * shares["accurate"] * 100), 2) if len(flags) else None),
        "on_time_rate": rate(int(flags["on_time"].sum()), len(flags)) if len(flags) else None,
        "order_accuracy": rate(int(shipped["exact"].sum()), len(shipped)) if len(shipped) else None,
        "billing_accuracy": rate(sum(1 for o in sales_rows["order_id"] if o not in noted), invoice_count)
        if invoice_count else None,
        "orders": len(orders),
        "invoices": invoice_count,
    }


def l2c_figures(frames: Frames, since: datetime, until: datetime) -> dict[str, Any]:
    """The lead-to-cash KPIs for the cohort created in ``[since, until)`` (naive UTC), by name (METRICS §5)."""
    leads = _within(frames.leads, "created_at", since, until)
    decided_leads = leads[leads["status"] != DocumentStatus.OPEN.value]
    opps = _within(frames.opportunities, "created_at", since, until)
    won = opps[opps["status"] == DocumentStatus.WON.value]
    lost = opps[opps["status"] == DocumentStatus.LOST.value]
    quotes = _within(frames.quotes, "created_at", since, until)
    decided = quotes[quotes["status"].isin([DocumentStatus.ACCEPTED.value, DocumentStatus.REJECTED.value,
                                            DocumentStatus.EXPIRED.value])]
    won_amount = _sum(won["amount"])
    start = [lc if lc is not None and not pd.isna(lc) else oc for lc, oc in zip(won["lead_created_at"], won["created_at"])]
    revenue_rows = _within(frames.invoices, "issued_at", since, until)
    notes = _within(frames.credit_notes, "issued_at", since, until)
    revenue = (_sum(revenue_rows["amount"]) - _sum(revenue_rows["tax"])) - (_sum(notes["amount"]) - _sum(notes["tax"]))
    return {
        "currency": frames.currencies[0] if len(frames.currencies) == 1 else frames.currencies,
        "leads": len(leads),
        "conversion_rate": rate(int((decided_leads["opportunities"] > 0).sum()), len(decided_leads)),
        "sales_cycle_length": durations(pd.Series(start, dtype="datetime64[ns]"),
                                        pd.Series(list(won["decided_at"]), dtype="datetime64[ns]")),
        "win_rate": rate(len(won), len(won) + len(lost)),
        "quote_to_order_rate": rate(int((decided["orders"] > 0).sum()), len(decided)),
        "average_deal_size": _money(won_amount / len(won)) if len(won) else None,
        "revenue": _money(revenue),
    }


def kpi_table(figures: dict[str, Any]) -> pd.DataFrame:
    """The figures as one ``kpi, value`` table (nested ones as ``aging.1-30``, ``billing_speed.mean``), for CSV and XLSX.

    Examples
    --------
    >>> kpi_table({"dso": 42.0, "aging": {"current": 1}}).to_dict("records")
    [{'kpi': 'dso', 'value': 42.0}, {'kpi': 'aging.current', 'value': 1}]
    """
    rows = []
    for name, value in figures.items():
        if isinstance(value, dict):
            rows.extend({"kpi": f"{name}.{key}", "value": v} for key, v in value.items())
        else:
            rows.append({"kpi": name, "value": ", ".join(value) if isinstance(value, list) else value})
    return pd.DataFrame(rows, columns=["kpi", "value"], dtype=object)


def tables(frames: Frames, since: datetime, until: datetime) -> dict[str, pd.DataFrame]:
    """The open items at the end of the period, for the report's table."""
    items = open_items(frames.invoices, frames.applications, until)
    columns = ["number", "currency", "amount", "issued_at", "due_at", "open"]
    return {"open_items": items[columns].reset_index(drop=True) if len(items) else pd.DataFrame(columns=columns)}
