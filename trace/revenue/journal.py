"""Journal lines (debit and credit, by account) for the revenue entries, to load into a ledger.

Each entry of :mod:`cradletrace.revenue.recognition` becomes balanced lines, contract by contract, with
the contract's position (billed less recognised) deciding between a contract liability and a contract
asset, so that after every entry the contract's liability account holds ``max(position, 0)`` and its
asset account ``max(-position, 0)`` (IFRS 15.105-107: a contract is presented as one net position):

============  =====================================================================================
entry         lines
============  =====================================================================================
billed        Dr receivables (net + tax); Cr tax (tax); Cr contract assets (up to the asset), Cr
              contract liabilities (the rest of the net)
credited      Dr tax; Cr receivables; Dr contract liabilities (up to the liability), Dr contract
              assets (the rest)
recognised    Dr contract liabilities (up to the liability), Dr contract assets (the rest); Cr
              product or service revenue
reversed      Dr product or service revenue; Cr contract assets (up to the asset), Cr contract
              liabilities (the rest)
============  =====================================================================================

Cash (payments) is not here: it moves receivables, not revenue. Account codes are
:class:`Accounts` (1100 receivables, 1150 contract assets, 2200 tax, 2400 contract liabilities and
deferred revenue, 4000 product revenue, 4100 service revenue by default), each one configurable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from decimal import Decimal

from cradletrace.errors import InvalidInput
from cradletrace.revenue.recognition import Entry

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Accounts:
    """The ledger accounts the journal posts to, by role.

    Examples
    --------
    >>> Accounts().contract_liabilities, Accounts.parse(["product_revenue=4010"]).product_revenue
    ('2400', '4010')
    """

    receivables: str = "1100"
    contract_assets: str = "1150"
    tax: str = "2200"
    contract_liabilities: str = "2400"
    product_revenue: str = "4000"
    service_revenue: str = "4100"

    @classmethod
    def parse(cls, settings: Iterable[str]) -> Accounts:
        """Accounts from ``ROLE=CODE`` settings (the others keep their default).

        Examples
        --------
        >>> Accounts.parse(["bogus=1"])
        Traceback (most recent call last):
        ...
        cradletrace.errors.InvalidInput: --account: unknown account role 'bogus' (one of receivables, contract_assets, tax, contract_liabilities, product_revenue, service_revenue)
        """
        roles = [f.name for f in fields(cls)]
        chosen: dict[str, str] = {}
        for setting in settings:
            role, sep, code = setting.partition("=")
            role, code = role.strip(), code.strip()
            if not sep or not code:
                raise InvalidInput(f"{setting!r} is not ROLE=CODE (e.g. product_revenue=4010)", where="--account")
            if role not in roles:
                raise InvalidInput(f"unknown account role {role!r} (one of {', '.join(roles)})", where="--account")
            chosen[role] = code
        return replace(cls(), **chosen)


@dataclass(frozen=True)
class JournalLine:
    """One line of the journal: a debit or a credit of an account, for a contract (and obligation)."""

    date: date
    account: str
    debit: Decimal
    credit: Decimal
    contract: str
    obligation: str
    reference: str
    currency: str


def journal(entries: Sequence[Entry], accounts: Accounts | None = None, since: datetime | None = None,
            until: datetime | None = None) -> list[JournalLine]:
    """The journal lines of ``entries`` (in their order) dated from ``since`` up to ``until``; pure.

    Every entry before ``until`` moves its contract's position, so the lines of the period split
    between contract assets and liabilities as the whole history says.

    Examples
    --------
    An invoice of 100.00 + 20.00 tax, then 100.00 of product revenue: billing first makes a contract
    liability, which the revenue then uses up.

    >>> from cradletrace.revenue.recognition import Entry
    >>> bill = Entry(datetime(2026, 3, 1), "order SO1", None, "billed", None, Decimal("100.00"), Decimal("20.00"),
    ...              "INV-1", "EUR")
    >>> sale = Entry(datetime(2026, 3, 5), "order SO1", "SO1 line 1: P1", "recognised", "product",
    ...              Decimal("100.00"), ZERO, "urn:uuid:1", "EUR")
    >>> [(ln.account, str(ln.debit), str(ln.credit)) for ln in journal([bill, sale])]
    [('1100', '120.00', '0.00'), ('2200', '0.00', '20.00'), ('2400', '0.00', '100.00'), ('2400', '100.00', '0.00'), ('4000', '0.00', '100.00')]
    """
    accounts = accounts or Accounts()
    position: dict[str, Decimal] = defaultdict(Decimal)
    lines: list[JournalLine] = []
    for entry in entries:
        if until is not None and entry.at >= until:
            break
        before = position[entry.contract]
        posted = _post(entry, before, accounts)
        position[entry.contract] = before + (entry.amount if entry.kind in ("billed", "credited") else -entry.amount)
        if since is not None and entry.at < since:
            continue
        lines += [JournalLine(entry.at.date(), account, debit, credit, entry.contract, entry.obligation or "",
                              entry.reference, entry.currency)
                  for account, debit, credit in posted if debit or credit]
    return lines


def _post(entry: Entry, position: Decimal, accounts: Accounts) -> list[tuple[str, Decimal, Decimal]]:
    """The (account, debit, credit) of one entry, given its contract's billed less recognised before it."""
    liability, asset = max(position, ZERO), max(-position, ZERO)
    revenue = accounts.product_revenue if entry.revenue_class == "product" else accounts.service_revenue
    if entry.kind == "billed":
        net, tax = entry.amount, entry.tax
        from_asset = min(net, asset)
        return [(accounts.receivables, net + tax, ZERO), (accounts.tax, ZERO, tax),
                (accounts.contract_assets, ZERO, from_asset), (accounts.contract_liabilities, ZERO, net - from_asset)]
    if entry.kind == "credited":
        net, tax = -entry.amount, -entry.tax
        from_liability = min(net, liability)
        return [(accounts.tax, tax, ZERO), (accounts.receivables, ZERO, net + tax),
                (accounts.contract_liabilities, from_liability, ZERO), (accounts.contract_assets, net - from_liability, ZERO)]
    if entry.kind == "recognised":
        amount = entry.amount
        from_liability = min(amount, liability)
        return [(accounts.contract_liabilities, from_liability, ZERO),
                (accounts.contract_assets, amount - from_liability, ZERO), (revenue, ZERO, amount)]
    amount = -entry.amount  # reversed
    from_asset = min(amount, asset)
    return [(revenue, amount, ZERO), (accounts.contract_assets, ZERO, from_asset),
            (accounts.contract_liabilities, ZERO, amount - from_asset)]


__all__ = ["Accounts", "JournalLine", "journal"]
