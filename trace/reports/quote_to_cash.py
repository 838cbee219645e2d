"""Quote-to-cash KPIs (issue 23, section 7): pure functions over DataFrames, and the queries that feed them.

As :mod:`cradletrace.reports.commerce` does for order-to-cash: :func:`load_frames` reads the facts in a
fixed number of statements (for one customer or product when asked), and each KPI is a pure function
of those frames and a half-open period ``[since, until)`` (naive UTC), with its definition and formula
in its docstring. Durations are in days (mean, median and count: :func:`~cradletrace.reports.commerce.durations`),
rates in percent (:func:`~cradletrace.reports.commerce.rate`), money ``Decimal`` per currency.

=================================  ==========================================================================
figure                             function
=================================  ==========================================================================
quote turnaround, approval cycle   :func:`quote_turnaround`, :func:`approval_cycle`
discount given against list        :func:`discounts` (over :func:`discount_table`, per customer or product)
quote-to-order rate per versions   :func:`quote_to_order`
contract cycle time, renewal rate  :func:`contract_cycle`, :func:`renewals`
revenue recognised/billed/deferred :func:`revenue_figures` (over :func:`cradletrace.revenue.revenue_schedule`)
configuration mismatch rate        :func:`mismatch_rates` (over :func:`cradletrace.configure.mismatches`)
=================================  ==========================================================================

:func:`q2c_figures` gathers them by name and :func:`q2c_tables` the tables beside them;
:func:`q2c_report` is the report ``cradletrace report q2c`` and ``GET /api/reports/q2c`` write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from cradletrace.commerce.lines import line_total
from cradletrace.configure import mismatches
from cradletrace.models import (
    Approval,
    ContractStateChange,
    ContractTerms,
    Document,
    DocumentKind,
    DocumentStatus,
    Edge,
    EdgeKind,
    Line,
    Party,
    Product,
)
from cradletrace.reports.commerce import _frame, _money, _party_filter, _within, durations, kpi_table, rate
from cradletrace.reports.output import Report
from cradletrace.reports.revenue import schedule_figures, schedule_table
from cradletrace.revenue import Revenue, ScheduleRow, recognise, schedule
from cradletrace.revenue.schedule import periods
from cradletrace.timestamps import naive_utc

DECIDED = ("accepted", "rejected", "expired")
"""The states in which a quote is decided: the customer accepted or rejected it, or its validity ran out."""
ZERO = Decimal("0.00")


@dataclass
class Frames:
    """What the quote-to-cash KPIs read: one DataFrame per kind of fact (columns in :func:`load_frames`),
    and the revenue recognised (:func:`cradletrace.revenue.recognise`), cut to the customer when asked."""

    quotes: pd.DataFrame
    approvals: pd.DataFrame
    lines: pd.DataFrame
    state_changes: pd.DataFrame
    terms: pd.DataFrame
    units: pd.DataFrame
    revenue: Revenue


# ---------------------------------------------------------------------------------------------
# The figures, pure
# ---------------------------------------------------------------------------------------------

def quote_turnaround(quotes: pd.DataFrame, since: datetime, until: datetime) -> dict[str, Any]:
    """Quote turnaround: from the request to the version sent, over the versions sent in the period.

    ``turnaround = sent_at - requested_at`` per quote version sent in ``[since, until)``, where the
    request is the creation of the opportunity the quote answers (for its first version), else the
    version's own creation (a revision is drafted when the customer asks for a change). Mean and
    median in days (METRICS §5: ``quote_issued_at - request_at``).

    ``quotes`` has ``version``, ``created_at``, ``sent_at`` and ``opportunity_created_at``.

    Examples
    --------
    >>> q = pd.DataFrame({"version": [1, 2], "created_at": pd.to_datetime(["2026-01-10", "2026-01-20"]),
    ...                   "sent_at": pd.to_datetime(["2026-01-12", "2026-01-21"]),
    ...                   "opportunity_created_at": pd.to_datetime(["2026-01-06", "2026-01-06"])})
    >>> quote_turnaround(q, datetime(2026, 1, 1), datetime(2026, 2, 1))
    {'mean': 3.5, 'median': 3.5, 'count': 2}
    """
    sent = _within(quotes[quotes["sent_at"].notna()], "sent_at", since, until) if len(quotes) else quotes
    if not len(sent):
        return durations(pd.Series(dtype="datetime64[ns]"), pd.Series(dtype="datetime64[ns]"))
    start = [o if v == 1 and _known(o) else c
             for v, o, c in zip(sent["version"], sent["opportunity_created_at"], sent["created_at"])]
    return durations(pd.Series(pd.to_datetime(start)), pd.Series(pd.to_datetime(list(sent["sent_at"]))))


def approval_cycle(approvals: pd.DataFrame, since: datetime, until: datetime) -> dict[str, Any]:
    """Approval cycle time: ``decided_at - requested_at`` of the discount approvals decided in the period
    (approved or refused), in days; ``pending`` counts the requests open at the period's end.

    Examples
    --------
    >>> a = pd.DataFrame({"requested_at": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-30"]),
    ...                   "decided_at": pd.to_datetime(["2026-01-03", "2026-01-02", None])})
    >>> approval_cycle(a, datetime(2026, 1, 1), datetime(2026, 2, 1))
    {'mean': 1.0, 'median': 1.0, 'count': 2, 'pending': 1}
    """
    decided = _within(approvals[approvals["decided_at"].notna()], "decided_at", since, until) if len(approvals) \
        else approvals
    found = durations(decided["requested_at"] if len(decided) else pd.Series(dtype="datetime64[ns]"),
                      decided["decided_at"] if len(decided) else pd.Series(dtype="datetime64[ns]"))
    if len(approvals):
        asked = pd.to_datetime(approvals["requested_at"]) < until
        open_then = approvals["decided_at"].isna() | (pd.to_datetime(approvals["decided_at"]) >= until)
        found["pending"] = int((asked & open_then).sum())
    else:
        found["pending"] = 0
    return found


def discount_lines(lines: pd.DataFrame, since: datetime, until: datetime) -> pd.DataFrame:
    """The order lines of the orders made in the period (not cancelled), each with its ``list_value``,
    ``net`` and ``discount_given`` (see :func:`discounts`).

    Examples
    --------
    Two at a list price of 90.00 with 15.00 of surcharges, sold at 105.00 less 10 %: 210.00 at list, 189.00 net.

    >>> lines = pd.DataFrame({"created_at": pd.to_datetime(["2026-03-02"]), "status": ["confirmed"],
    ...                       "quantity": [2], "unit_price": ["105.00"], "discount": ["0.1"],
    ...                       "document_discount": ["0"], "list_price": ["90.00"], "surcharge": ["15.00"]})
    >>> made = discount_lines(lines, datetime(2026, 3, 1), datetime(2026, 4, 1))
    >>> made[["list_value", "net", "discount_given"]].values.tolist()
    [[Decimal('210.00'), Decimal('189.00'), Decimal('21.00')]]
    """
    made = _within(lines, "created_at", since, until) if len(lines) else lines
    made = made[made["status"] != DocumentStatus.CANCELLED.value] if len(made) else made
    out = made.copy()
    list_values, nets = [], []
    for q, price, disc, doc_disc, listed, surcharge in zip(made["quantity"], made["unit_price"], made["discount"],
                                                             made["document_discount"], made["list_price"],
                                                             made["surcharge"]):
        q, price = Decimal(str(q)), _decimal(price)
        reference = price if not _known(listed) else Decimal(str(listed)) + _decimal(surcharge)
        list_values.append(_money(q * reference))
        nets.append(line_total(q, price, _decimal(disc), Decimal(0), _decimal(doc_disc))[0])
    out["list_value"], out["net"] = list_values, nets
    out["discount_given"] = [a - b for a, b in zip(list_values, nets)]
    return out


def discount_table(lines: pd.DataFrame, by: str) -> pd.DataFrame:
    """Discount given per ``by`` (``customer`` or ``product``) and currency: list value, net value, the
    discount (list - net) and its share of the list value in percent, largest discount first.

    Examples
    --------
    >>> d = pd.DataFrame({"customer": ["A", "A", "B"], "currency": ["EUR"] * 3,
    ...                   "list_value": [Decimal("100.00"), Decimal("50.00"), Decimal("10.00")],
    ...                   "net": [Decimal("90.00"), Decimal("45.00"), Decimal("10.00")]})
    >>> discount_table(d.assign(discount_given=d["list_value"] - d["net"]), "customer").to_dict("records")[0]
    {'customer': 'A', 'currency': 'EUR', 'list_value': Decimal('150.00'), 'net': Decimal('135.00'), \
'discount': Decimal('15.00'), 'share': 10.0}
    """
    columns = [by, "currency", "list_value", "net", "discount", "share"]
    if not len(lines):
        return pd.DataFrame(columns=columns)
    rows = []
    for (key, currency), group in lines.groupby([by, "currency"], sort=True):
        listed, net = sum(group["list_value"], ZERO), sum(group["net"], ZERO)
        rows.append({by: key, "currency": currency, "list_value": listed, "net": net, "discount": listed - net,
                     "share": _share(listed - net, listed)})
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["discount", by], ascending=[False, True], kind="stable").reset_index(drop=True)


def discounts(table: pd.DataFrame) -> dict[str, Any]:
    """Discount given against list in all, per currency, from a :func:`discount_table` (per customer or product).

    ``list_value = quantity x (list price + surcharges)`` (the line's own unit price when no list priced
    it), ``net`` the line's net after the line and document discounts (:func:`cradletrace.commerce.lines.line_total`),
    ``discount = list_value - net`` and ``share = discount / list_value`` in percent. A single currency
    gives plain values, several a value per currency.

    Examples
    --------
    >>> t = pd.DataFrame({"currency": ["EUR", "EUR"], "list_value": [Decimal("150.00"), Decimal("50.00")],
    ...                   "net": [Decimal("135.00"), Decimal("50.00")]})
    >>> discounts(t)
    {'list_value': Decimal('200.00'), 'net_value': Decimal('185.00'), 'discount_given': Decimal('15.00'), \
'discount_share': 7.5}
    """
    if not len(table):
        return {"list_value": None, "net_value": None, "discount_given": None, "discount_share": None}
    values: dict[str, dict[str, Any]] = {"list_value": {}, "net_value": {}, "discount_given": {}, "discount_share": {}}
    for currency, group in table.groupby("currency", sort=True):
        listed, net = sum(group["list_value"], ZERO), sum(group["net"], ZERO)
        values["list_value"][currency], values["net_value"][currency] = listed, net
        values["discount_given"][currency] = listed - net
        values["discount_share"][currency] = _share(listed - net, listed)
    return {name: next(iter(v.values())) if len(v) == 1 else v for name, v in values.items()}


def quote_to_order(quotes: pd.DataFrame, since: datetime, until: datetime) -> pd.DataFrame:
    """Quote-to-order rate per version count: of the quote numbers decided in the period, the share that
    became an order, grouped by how many versions the quote had.

    A quote number is decided when its latest version is accepted or rejected (at ``decided_at``) or
    expired (when its validity ended, ``valid_until``); it became an order when any of its versions is
    followed by an order. ``rate = ordered / decided`` in percent, per ``versions`` (METRICS §5:
    quotes converted to an order / quotes decided).

    ``quotes`` has ``number``, ``version``, ``status``, ``decided_at``, ``valid_until`` and ``orders``
    (the orders that follow the version).

    Examples
    --------
    >>> q = pd.DataFrame({"number": ["Q1", "Q2", "Q2", "Q3"], "version": [1, 1, 2, 1],
    ...                   "status": ["accepted", "superseded", "accepted", "rejected"],
    ...                   "decided_at": pd.to_datetime(["2026-01-05", None, "2026-01-09", "2026-01-07"]),
    ...                   "valid_until": pd.to_datetime([None] * 4), "orders": [1, 0, 1, 0]})
    >>> quote_to_order(q, datetime(2026, 1, 1), datetime(2026, 2, 1)).to_dict("records")
    [{'versions': 1, 'decided': 2, 'ordered': 1, 'rate': 50.0}, {'versions': 2, 'decided': 1, 'ordered': 1, \
'rate': 100.0}]
    """
    columns = ["versions", "decided", "ordered", "rate"]
    if not len(quotes):
        return pd.DataFrame(columns=columns)
    by_number = quotes.groupby("number", sort=False)
    numbers = quotes.sort_values("version", kind="stable").groupby("number", sort=False).tail(1).set_index("number")
    numbers = numbers.assign(versions=by_number["version"].max(), ordered=by_number["orders"].sum() > 0)
    numbers = numbers[numbers["status"].isin(DECIDED)]
    at = pd.to_datetime(numbers["valid_until"].where(numbers["status"] == "expired", numbers["decided_at"]))
    decided = numbers[(at >= since) & (at < until)]
    rows = [{"versions": int(v), "decided": len(group), "ordered": int(group["ordered"].sum()),
             "rate": rate(int(group["ordered"].sum()), len(group))}
            for v, group in decided.groupby("versions", sort=True)]
    return pd.DataFrame(rows, columns=columns)


def contract_cycle(changes: pd.DataFrame, since: datetime, until: datetime) -> dict[str, Any]:
    """Contract cycle time: from draft to signed, ``signed_at - drafted_at`` (each contract's first entry
    into those states, from ``contract_state_changes``), over the contracts signed in the period; days.

    Examples
    --------
    >>> c = pd.DataFrame({"contract_id": [1, 1, 1, 2], "state": ["draft", "approved", "signed", "draft"],
    ...                   "at": pd.to_datetime(["2026-01-01", "2026-01-05", "2026-01-11", "2026-01-02"]),
    ...                   "version": [1, 1, 1, 1]})
    >>> contract_cycle(c, datetime(2026, 1, 1), datetime(2026, 2, 1))
    {'mean': 10.0, 'median': 10.0, 'count': 1}
    """
    if not len(changes):
        return durations(pd.Series(dtype="datetime64[ns]"), pd.Series(dtype="datetime64[ns]"))
    first = changes.groupby(["contract_id", "state"])["at"].min().unstack()
    if "signed" not in first or "draft" not in first:
        return durations(pd.Series(dtype="datetime64[ns]"), pd.Series(dtype="datetime64[ns]"))
    signed = first[first["signed"].notna()]
    signed = signed[(pd.to_datetime(signed["signed"]) >= since) & (pd.to_datetime(signed["signed"]) < until)]
    return durations(signed["draft"], signed["signed"])


def renewals(changes: pd.DataFrame, terms: pd.DataFrame, since: datetime, until: datetime) -> pd.DataFrame:
    """The contract periods that reached their end in the period, each with its outcome.

    A period in force is the one the contract was signed with and each renewal's (the terms versions of
    its ``signed`` and ``renewed`` state changes); it reaches its end at its terms' ``ends_at``, unless
    the contract was terminated before then (it ended early, and is not counted). Its outcome is
    ``renewed`` when a renewal followed it, ``expired`` when the contract expired (or was terminated
    after its end) instead, else ``undecided`` (still active past its end).
    ``renewal rate = renewed / (renewed + expired)`` (:func:`renewal_rate`).

    ``changes`` has ``contract_id``, ``number``, ``state``, ``version``, ``at``; ``terms`` has
    ``contract_id``, ``version``, ``ends_at``.

    Examples
    --------
    >>> changes = pd.DataFrame({"contract_id": [1, 1, 1], "number": ["C1"] * 3,
    ...                         "state": ["signed", "active", "renewed"], "version": [1, 1, 2], "at": pd.to_datetime(["2026-01-02", "2026-01-02", "2026-03-20"])})
    >>> terms = pd.DataFrame({"contract_id": [1, 1], "version": [1, 2],
    ...                       "ends_at": pd.to_datetime(["2026-03-31", "2027-03-31"])})
    >>> renewals(changes, terms, datetime(2026, 3, 1), datetime(2026, 4, 1))[["contract", "outcome"]].values.tolist()
    [['C1', 'renewed']]
    """
    columns = ["contract", "version", "ends_at", "outcome"]
    if not len(changes):
        return pd.DataFrame(columns=columns)
    ends = {(c, v): e for c, v, e in zip(terms["contract_id"], terms["version"], terms["ends_at"])}
    rows = []
    for contract_id, group in changes.sort_values(["at"], kind="stable").groupby("contract_id", sort=False):
        states = list(zip(group["state"], group["version"], pd.to_datetime(group["at"])))
        signed = [v for s, v, _a in states if s == "signed"][:1]
        in_force = signed + [v for s, v, _a in states if s == "renewed"] if signed else []
        terminated = next((a for s, _v, a in states if s == "terminated"), None)
        expired = {v for s, v, _a in states if s == "expired"}
        for i, version in enumerate(in_force):
            end = ends.get((contract_id, version))
            if end is None or not since <= pd.Timestamp(end).to_pydatetime() < until:
                continue
            if terminated is not None and terminated < pd.Timestamp(end):
                continue
            outcome = ("renewed" if i + 1 < len(in_force) else
                       "expired" if version in expired or terminated is not None else "undecided")
            rows.append({"contract": group["number"].iloc[0], "version": int(version), "ends_at": end,
                         "outcome": outcome})
    return pd.DataFrame(sorted(rows, key=lambda r: (r["ends_at"], r["contract"])), columns=columns)


def renewal_rate(ends: pd.DataFrame) -> float | None:
    """``renewed / (renewed + expired)`` in percent over :func:`renewals`' rows (undecided ones left out).

    Examples
    --------
    >>> renewal_rate(pd.DataFrame({"outcome": ["renewed", "expired", "renewed", "undecided"]}))
    66.67
    """
    renewed = int((ends["outcome"] == "renewed").sum()) if len(ends) else 0
    expired = int((ends["outcome"] == "expired").sum()) if len(ends) else 0
    return rate(renewed, renewed + expired)


def revenue_table(rows: Sequence[ScheduleRow]) -> pd.DataFrame:
    """The revenue per period and currency: recognised and billed in the period, deferred at its end."""
    return schedule_table(rows)[["period", "start", "end", "currency", "recognised", "billed", "deferred"]]


def revenue_figures(rows: Sequence[ScheduleRow]) -> dict[str, Any]:
    """Revenue recognised and billed over the range (sums of its periods), and deferred at its end
    (the last period's balance), per currency (plain values for one): the revenue report's figures
    (:func:`cradletrace.reports.revenue.schedule_figures`), under the KPIs' names.

    The rows are :func:`cradletrace.revenue.schedule`'s: ``recognised`` = revenue recognised less
    reversed, ``billed`` = invoices less credit notes, net of tax, ``deferred`` = the allocated price of
    the obligations still owed and not recognised yet.

    Examples
    --------
    >>> from cradletrace.revenue import ScheduleRow
    >>> z = Decimal("0.00")
    >>> rows = [ScheduleRow("2026-03", datetime(2026, 3, 1), datetime(2026, 4, 1), "EUR", Decimal("10.00"), z, z,
    ...                     Decimal("20.00"), Decimal("10.00"), z, z),
    ...         ScheduleRow("2026-04", datetime(2026, 4, 1), datetime(2026, 5, 1), "EUR", Decimal("5.00"), z, z,
    ...                     z, Decimal("5.00"), z, z)]
    >>> revenue_figures(rows)
    {'revenue_recognised': Decimal('15.00'), 'revenue_billed': Decimal('20.00'), 'revenue_deferred': Decimal('5.00')}
    >>> revenue_figures([])
    {'revenue_recognised': None, 'revenue_billed': None, 'revenue_deferred': None}
    """
    figures = schedule_figures(rows)
    return {f"revenue_{name}": figures.get(name) for name in ("recognised", "billed", "deferred")}


def mismatch_rates(units: pd.DataFrame, since: datetime, until: datetime) -> dict[str, Any]:
    """Configuration mismatch rate: of the configured units built in the period (their as-built moment),
    the share whose as-built composition differs from their as-sold configuration, and the share that
    differs at some moment before the period's end, changes in service included.

    ``mismatch_rate = as_built / checked``, ``mismatch_rate_including_service = maintained / checked``
    (percent), where ``checked`` counts the units of :func:`cradletrace.configure.mismatches` (allocated to
    a configured order line, with a recorded build).

    ``units`` has ``built_at``, ``as_built`` (bool) and ``differs_at`` (the first moment reported as
    differing, or none).

    Examples
    --------
    >>> u = pd.DataFrame({"built_at": pd.to_datetime(["2026-03-04", "2026-03-04", "2026-03-05"]),
    ...                   "as_built": [False, True, False],
    ...                   "differs_at": pd.to_datetime([None, "2026-03-04", "2026-03-20"])})
    >>> mismatch_rates(u, datetime(2026, 3, 1), datetime(2026, 4, 1))["mismatch_rate_including_service"]
    66.67
    """
    built = _within(units, "built_at", since, until) if len(units) else units
    checked = len(built)
    as_built = int(built["as_built"].sum()) if checked else 0
    maintained = int((pd.to_datetime(built["differs_at"]) < until).sum()) if checked else 0
    return {"configured_units_checked": checked, "mismatches_as_built": as_built,
            "mismatch_rate": rate(as_built, checked), "mismatches_including_service": maintained,
            "mismatch_rate_including_service": rate(maintained, checked)}


def q2c_tables(frames: Frames, since: datetime, until: datetime, revenue: Sequence[ScheduleRow]
               ) -> dict[str, pd.DataFrame]:
    """The tables beside the figures: discount per customer and per product, quote-to-order per version
    count, the contract periods that ended, revenue per period (``revenue``: :func:`revenue_rows`)."""
    lines = discount_lines(frames.lines, since, until)
    return {"discount_by_customer": discount_table(lines, "customer"),
            "discount_by_product": discount_table(lines, "product"),
            "quote_to_order": quote_to_order(frames.quotes, since, until),
            "contract_periods": renewals(frames.state_changes, frames.terms, since, until),
            "revenue": revenue_table(revenue)}


def q2c_figures(frames: Frames, since: datetime, until: datetime, tables: Mapping[str, pd.DataFrame],
                revenue: Sequence[ScheduleRow]) -> dict[str, Any]:
    """Every quote-to-cash KPI for ``[since, until)``, by name; ``tables`` are :func:`q2c_tables`' for the period
    (the figures that sum a table are taken from it), ``revenue`` the schedule's rows (:func:`revenue_rows`)."""
    quotes = frames.quotes
    sent = _within(quotes[quotes["sent_at"].notna()], "sent_at", since, until) if len(quotes) else quotes
    by_versions, ends = tables["quote_to_order"], tables["contract_periods"]
    decided, ordered = int(by_versions["decided"].sum()), int(by_versions["ordered"].sum())
    signed = contract_cycle(frames.state_changes, since, until)
    return {
        "quotes_sent": len(sent),
        "quote_turnaround": quote_turnaround(quotes, since, until),
        "approval_cycle_time": approval_cycle(frames.approvals, since, until),
        **discounts(tables["discount_by_customer"]),
        "quotes_decided": decided,
        "quote_to_order_rate": rate(ordered, decided),
        "quote_to_order_rate_by_versions": {str(v): r for v, r in zip(by_versions["versions"], by_versions["rate"])},
        "contracts_signed": signed["count"],
        "contract_cycle_time": signed,
        "contract_periods_ended": len(ends),
        "renewal_rate": renewal_rate(ends),
        **revenue_figures(revenue),
        **mismatch_rates(frames.units, since, until),
    }


def is_empty(figures: Mapping[str, Any]) -> bool:
    """Whether nothing of quote-to-cash happened in the period (every count zero, no revenue moved)."""
    counts = ("quotes_sent", "quotes_decided", "contracts_signed", "contract_periods_ended",
              "configured_units_checked")
    moved = [figures.get(n) for n in ("revenue_recognised", "revenue_billed")]
    return (not any(figures.get(n) for n in counts) and figures["approval_cycle_time"]["count"] == 0
            and figures.get("list_value") is None and not any(_nonzero(v) for v in moved))


# ---------------------------------------------------------------------------------------------
# The frames and the queries that feed them
# ---------------------------------------------------------------------------------------------

def load_frames(session: Session, *, customer: str | None = None, product: str | None = None) -> Frames:
    """Read the quote-to-cash facts, optionally for one customer (party identifier) or product (GTIN).

    A fixed number of statements whatever the data (revenue and the configuration check have their
    own fixed counts): the period is applied by the figure functions. The product filter keeps the
    quotes with a line of it, its order lines and the units sold on them; contracts and revenue are
    not filtered by product (a contract's terms and bills are not split by product).
    """
    party = _party_filter(session, customer)
    gtin = product.strip().zfill(14) if product is not None else None
    D = Document
    mine = [D.party_id == party] if party is not None else []
    has_product = ([exists().where(Line.document_id == D.id, Line.product_id == Product.id, Product.gtin == gtin)]
                   if gtin else [])

    opportunity, edge, order, to_order = aliased(Document), aliased(Edge), aliased(Document), aliased(Edge)
    # The earliest opportunity a quote answers (one row per quote, however many it follows).
    asked = (select(edge.dst.label("dst"), func.min(opportunity.created_at).label("at"))
             .join(opportunity, and_(opportunity.node_id == edge.src, opportunity.kind == DocumentKind.OPPORTUNITY))
             .where(edge.kind == EdgeKind.FOLLOWS, edge.retracted.is_(False)).group_by(edge.dst).subquery())
    ordered = (select(to_order.src.label("src")).join(order, and_(order.node_id == to_order.dst,
                                                                  order.kind == DocumentKind.ORDER))
               .where(to_order.kind == EdgeKind.FOLLOWS, to_order.retracted.is_(False)).subquery())
    quotes = _frame(session, select(D.id, D.number, D.version, D.party_id, D.status, D.created_at, D.decided_at,
                                    D.valid_until, D.attributes, asked.c.at,
                                    select(ordered.c.src).where(ordered.c.src == D.node_id).exists())
                    .outerjoin(asked, asked.c.dst == D.node_id)
                    .where(D.kind == DocumentKind.QUOTE, *mine, *has_product).order_by(D.number, D.version),
                    ["id", "number", "version", "party_id", "status", "created_at", "decided_at", "valid_until",
                     "attributes", "opportunity_created_at", "orders"])
    quotes["status"] = [getattr(s, "value", s) for s in quotes["status"]]
    quotes["sent_at"] = pd.to_datetime([_sent_at(a) for a in quotes["attributes"]])
    quotes["orders"] = quotes["orders"].astype(int)
    quotes = quotes.drop(columns=["attributes"])

    approvals = _frame(session, select(Approval.document_id, D.number, Approval.requested_at, Approval.decided_at,
                                       Approval.approved)
                       .join(D, D.id == Approval.document_id).where(*mine, *has_product),
                       ["quote_id", "number", "requested_at", "decided_at", "approved"])

    lines = _frame(session, select(D.number, D.party_id, Party.name, D.currency, D.created_at, D.status, D.discount,
                                   Line.line_no, Product.gtin, Product.name, Line.quantity, Line.unit_price,
                                   Line.discount, Line.list_price, Line.surcharge)
                   .join(Line, Line.document_id == D.id).outerjoin(Product, Product.id == Line.product_id)
                   .outerjoin(Party, Party.id == D.party_id)
                   .where(D.kind == DocumentKind.ORDER, *mine, *([Product.gtin == gtin] if gtin else [])),
                   ["order", "party_id", "customer_name", "currency", "created_at", "status", "document_discount",
                    "line_no", "gtin", "product_name", "quantity", "unit_price", "discount", "list_price",
                    "surcharge"])
    lines["status"] = [getattr(s, "value", s) for s in lines["status"]]
    lines["customer"] = [n or "-" for n in lines["customer_name"]]
    lines["product"] = [f"{g} {n}" if n else str(g) for g, n in zip(lines["gtin"], lines["product_name"])]

    contract = aliased(Document)
    changes = _frame(session, select(ContractStateChange.contract_id, contract.number, ContractStateChange.state,
                                     ContractStateChange.version, ContractStateChange.at)
                     .join(contract, contract.id == ContractStateChange.contract_id)
                     .where(*([contract.party_id == party] if party is not None else []))
                     .order_by(ContractStateChange.at, ContractStateChange.id),
                     ["contract_id", "number", "state", "version", "at"])
    terms = _frame(session, select(ContractTerms.contract_id, ContractTerms.version, ContractTerms.ends_at)
                   .where(ContractTerms.contract_id.in_(sorted(set(changes["contract_id"])) or [-1])),
                   ["contract_id", "version", "ends_at"])

    units = _units(session, lines if (party is not None or gtin) else None)
    revenue = recognise(session)
    if party is not None:
        keys = set(session.execute(select(D.kind, D.number).where(D.party_id == party)).all())
        revenue = revenue_of(revenue, {f"{getattr(k, 'value', k)} {n}" for k, n in keys})
    return Frames(quotes, approvals, lines, changes, terms, units, revenue)


def _units(session: Session, lines: pd.DataFrame | None) -> pd.DataFrame:
    """The configured units checked against their configuration (``configure.mismatches``), one row each;
    with ``lines``, only the units sold on those order lines (a customer's, a product's)."""
    found = mismatches(session).units
    wanted = set(zip(lines["order"], lines["line_no"])) if lines is not None else None
    rows = [{"unit": u.unit, "order": u.order, "line_no": u.line_no, "built_at": naive_utc(u.moments[0].at),
             "as_built": u.built_differs, "differs_at": naive_utc(u.reported[0].at) if u.reported else None}
            for u in found if wanted is None or (u.order, u.line_no) in wanted]
    frame = pd.DataFrame(rows, columns=["unit", "order", "line_no", "built_at", "as_built", "differs_at"])
    frame["differs_at"] = pd.to_datetime(frame["differs_at"])
    return frame


def revenue_of(revenue: Revenue, keys: Iterable[str]) -> Revenue:
    """``revenue`` cut to the revenue contracts named in ``keys`` (``contract C1``, ``order SO2`` ...): their
    obligations, entries and closings, for a schedule of one customer's revenue; pure.

    Examples
    --------
    >>> revenue_of(Revenue([], [], {}), ["order SO1"])
    Revenue(contracts=[], entries=[], closed={})
    """
    wanted = set(keys)
    contracts = [c for c in revenue.contracts if c.key in wanted]
    obligations = {ob.key for c in contracts for ob in c.obligations}
    return replace(revenue, contracts=contracts, entries=[e for e in revenue.entries if e.contract in wanted],
                   closed={k: v for k, v in revenue.closed.items() if k in obligations})


def revenue_rows(frames: Frames, since: datetime, until: datetime, length: str = "month") -> list[ScheduleRow]:
    """The revenue schedule of ``frames.revenue`` per period (:func:`cradletrace.revenue.schedule`)."""
    periods(since, until, length)
    return schedule(frames.revenue, since, until, length)


def q2c_report(frames: Frames, since: datetime, until: datetime, *, length: str = "month",
               filters: Mapping[str, Any] | None = None) -> Report:
    """The quote-to-cash report: every figure by name, and the tables (see :func:`q2c_tables`)."""
    revenue = revenue_rows(frames, since, until, length)
    tables = q2c_tables(frames, since, until, revenue)
    figures = q2c_figures(frames, since, until, tables, revenue)
    report = Report("q2c", "Quote-to-cash", period=(since, until), filters=dict(filters or {}, periods=length),
                    figures=figures, tables=tables)
    if is_empty(figures):
        report.notes.append(f"nothing in the period: no quote sent or decided, no discount approval, order, contract "
                            f"signed or ended, revenue or configured unit built from {since:%Y-%m-%d} to "
                            f"{until:%Y-%m-%d}")
    if filters and filters.get("product"):
        report.notes.append("contracts and revenue are not filtered by product")
    return report


def kpis(figures: Mapping[str, Any]) -> pd.DataFrame:
    """The figures as one ``kpi, value`` table, for CSV and XLSX (:func:`cradletrace.reports.commerce.kpi_table`)."""
    return kpi_table(dict(figures))


# ---------------------------------------------------------------------------------------------

def _known(value: Any) -> bool:
    return value is not None and not pd.isna(value)


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value)) if _known(value) else Decimal(0)


def _share(part: Decimal, whole: Decimal) -> float | None:
    return round(float(part / whole * 100), 2) if whole else None


def _nonzero(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(_nonzero(v) for v in value.values())
    return value is not None and value != 0


def _sent_at(attributes: Any) -> datetime | None:
    text = (attributes or {}).get("sent_at") if isinstance(attributes, Mapping) else None
    return naive_utc(datetime.fromisoformat(text)) if text else None


__all__ = [
    "DECIDED", "Frames", "approval_cycle", "contract_cycle", "discount_lines", "discount_table", "discounts",
    "is_empty", "kpis", "load_frames", "mismatch_rates", "q2c_figures", "q2c_report", "q2c_tables", "quote_to_order",
    "quote_turnaround", "renewal_rate", "renewals", "revenue_figures", "revenue_of", "revenue_rows",
    "revenue_table",
]
