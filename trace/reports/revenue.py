"""The revenue schedule and journal as reports (tables for text, CSV, XLSX and JSON).

:func:`schedule_report` holds the schedule per period (``schedule``), every performance obligation with
its standalone selling price, allocation and what is recognised of it by the end (``obligations``), and
the journal lines of the range (``journal``); its figures are the range's totals and the balances at
its end. :func:`journal_report` holds the journal alone, the file finance loads into a ledger (date,
account, debit, credit, contract, obligation, reference, currency). The numbers come from
:mod:`cradletrace.revenue`; this module only lays them out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import pandas as pd

from cradletrace.reports.output import Report
from cradletrace.revenue import Accounts, JournalLine, Revenue, ScheduleRow, journal, range_totals

SCHEDULE_COLUMNS = ["period", "start", "end", "currency", "recognised", "products", "services", "billed", "deferred",
                    "contract_assets", "contract_liabilities"]
OBLIGATION_COLUMNS = ["contract", "order", "obligation", "kind", "item", "unit", "quantity", "ssp", "ssp_basis",
                      "allocated", "recognised", "status", "currency"]
JOURNAL_COLUMNS = ["date", "account", "debit", "credit", "contract", "obligation", "reference", "currency"]


def schedule_table(rows: Sequence[ScheduleRow]) -> pd.DataFrame:
    """The schedule, one row per period and currency."""
    frame = pd.DataFrame([{c: getattr(r, c) for c in SCHEDULE_COLUMNS} for r in rows], columns=SCHEDULE_COLUMNS)
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def obligations_table(revenue: Revenue, until: datetime) -> pd.DataFrame:
    """Every obligation with what is recognised of it before ``until`` and its status then.

    Status: ``pending`` (no unit yet, or a plan whose unit is not delivered), ``open`` (not satisfied),
    ``in progress`` (a plan part way), ``satisfied``, ``credited`` (reversed by a credit note) or
    ``closed`` (stopped before it was satisfied).
    """
    recognised: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    touched: set[str] = set()
    for entry in revenue.entries:
        if entry.obligation is not None and entry.at < until:
            recognised[entry.obligation] += entry.amount
            touched.add(entry.obligation)
    rows = []
    for c in revenue.contracts:
        for ob in c.obligations:
            if ob.opened_at >= until:
                continue
            done = recognised[ob.key]
            closed = revenue.closed.get(ob.key)
            if closed is not None and closed < until:
                status = "credited" if ob.credited_at is not None else "closed"
            elif done == ob.allocated and ob.key in touched:
                status = "satisfied"
            elif ob.key in touched:
                status = "in progress"
            elif ob.kind == "plan" or ob.unit is None and ob.satisfied_at is None:
                status = "pending"
            else:
                status = "open"
            rows.append({"contract": c.key, "order": ob.order, "obligation": ob.key, "kind": ob.kind, "item": ob.item,
                         "unit": ob.unit or "", "quantity": ob.quantity, "ssp": ob.ssp, "ssp_basis": ob.ssp_basis,
                         "allocated": ob.allocated, "recognised": done, "status": status, "currency": c.currency})
    return pd.DataFrame(rows, columns=OBLIGATION_COLUMNS)


def journal_table(lines: Sequence[JournalLine]) -> pd.DataFrame:
    """Journal lines in order, one debit or credit each."""
    frame = pd.DataFrame([{c: getattr(ln, c) for c in JOURNAL_COLUMNS} for ln in lines], columns=JOURNAL_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def schedule_figures(rows: Sequence[ScheduleRow]) -> dict[str, Any]:
    """The range's totals (recognised, billed) and the balances at its end
    (:func:`cradletrace.revenue.range_totals`): plain values and the currency for one currency, a value per
    currency for several, nothing for no rows.

    Examples
    --------
    >>> from datetime import datetime as t
    >>> rows = [ScheduleRow(f"2026-0{m}", t(2026, m, 1), t(2026, m + 1, 1), "EUR", Decimal(r), Decimal(r),
    ...                     Decimal(0), Decimal(b), Decimal(d), Decimal(0), Decimal(0))
    ...         for m, r, b, d in ((3, "5700.00", "7752.00", "7220.00"), (4, "3857.00", "5168.00", "3363.00"))]
    >>> figures = schedule_figures(rows)
    >>> figures["recognised"], figures["billed"], figures["deferred"], figures["currency"]
    (Decimal('9557.00'), Decimal('12920.00'), Decimal('3363.00'), 'EUR')
    """
    totals = range_totals(rows)
    figures: dict[str, Any] = {}
    for name in ("recognised", "billed", "deferred", "contract_assets", "contract_liabilities"):
        values = {currency: getattr(total, name) for currency, total in totals.items()}
        figures[name] = next(iter(values.values())) if len(values) == 1 else values
    if len(totals) == 1:
        figures["currency"] = next(iter(totals))
    return figures if totals else {}


def schedule_report(rows: Sequence[ScheduleRow], revenue: Revenue, since: datetime, until: datetime,
                    length: str = "month", accounts: Accounts | None = None) -> Report:
    """The schedule report: figures, then the tables ``schedule``, ``obligations`` and ``journal``."""
    report = Report("revenue", "Revenue schedule", period=(since, until), filters={"periods": length},
                    figures=schedule_figures(rows),
                    tables={"schedule": schedule_table(rows), "obligations": obligations_table(revenue, until),
                            "journal": journal_table(journal(revenue.entries, accounts, since, until))})
    if len({r.currency for r in rows}) > 1:
        report.notes.append("contracts in several currencies: each row and figure is in its own currency")
    return report


def journal_report(revenue: Revenue, since: datetime, until: datetime, accounts: Accounts | None = None) -> Report:
    """The journal of the range, alone (one table, so a CSV file of it loads into a ledger)."""
    return Report("revenue_journal", "Revenue journal", period=(since, until),
                  tables={"journal": journal_table(journal(revenue.entries, accounts, since, until))})


__all__ = ["journal_report", "journal_table", "obligations_table", "schedule_figures", "schedule_report",
           "schedule_table"]
