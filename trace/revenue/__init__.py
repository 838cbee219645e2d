"""Revenue recognition in the five steps of IFRS 15 and ASC 606: a contract's performance obligations
(each unit delivered, each service plan), its transaction price after discounts, the allocation in
proportion to standalone selling prices (to the cent, nothing left over), recognition when control of
a unit passes (its receiving or delivery event at the customer's location) and straight-line over a
plan's coverage, and the schedule per period with deferred revenue, contract assets and liabilities
and journal lines (docs/quote-to-cash.md).

Read-only functions of the documents and the lineage graph; money is Decimal. Modules, in the order of
the steps: :mod:`~cradletrace.revenue.allocation` (pure splitting to the cent),
:mod:`~cradletrace.revenue.obligations` (steps 1-3), :mod:`~cradletrace.revenue.recognition` (step 4),
:mod:`~cradletrace.revenue.schedule` and :mod:`~cradletrace.revenue.journal` (step 5).
"""

from cradletrace.revenue.allocation import allocate, prorate
from cradletrace.revenue.journal import Accounts, JournalLine, journal
from cradletrace.revenue.obligations import Bill, Obligation, RevenueContract, identify
from cradletrace.revenue.recognition import Entry, Revenue, entries, plan_parts, recognise
from cradletrace.revenue.schedule import PERIODS, ScheduleRow, periods, range_totals, revenue_schedule, schedule

__all__ = [
    "PERIODS", "Accounts", "Bill", "Entry", "JournalLine", "Obligation", "Revenue", "RevenueContract", "ScheduleRow",
    "allocate", "entries", "identify", "journal", "periods", "plan_parts", "prorate", "range_totals", "recognise",
    "revenue_schedule", "schedule",
]
