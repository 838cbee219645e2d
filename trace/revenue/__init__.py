"""Revenue recognition in the five steps of IFRS 15 and ASC 606: a contract's performance obligations
(each unit delivered, each service plan), its transaction price after discounts, the allocation in
proportion to standalone selling prices (to the cent, nothing left over), recognition when control of
a unit passes (its receiving or delivery event at the customer's location) and straight-line over a
plan's coverage, and the schedule per period with deferred revenue, contract assets and liabilities
and journal lines (docs/quote-to-cash.md).

Read-only functions of the documents and the lineage graph; money is Decimal.
"""
