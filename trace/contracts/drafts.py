"""Drafting and negotiating contracts from what a person or a client sends: the terms of a form or a JSON body
read and checked, a new contract numbered from the ``CT`` series, a negotiation that writes the next version
of the terms with only what differs from the latest, and the choices a contract form offers.

The pages (``/sales/contracts/new``, a contract's ``/terms``) and the JSON API (``POST /api/contracts``,
``POST /api/contracts/{number}/terms``) both go through here, so a term is read, checked and refused with the
same words whichever way it came. The rules stay where they are (:mod:`cradletrace.contracts.lifecycle`:
which states may change their terms; :mod:`cradletrace.contracts.terms`: a version checked whole, prices
lists and plans in the contract's currency); this module only reads the input and picks what changed.

What a term looks like as typed:

* ``starts_at``, ``ends_at``: a date ``YYYY-MM-DD`` (its midnight, UTC) or an ISO 8601 date-time;
* ``price_list``: a price list's code; blank (or null) is no list;
* ``payment_terms_days``, ``renewal_notice_days``: whole days, as a number or as text;
* ``warranties``: rows ``{"product": GTIN, "months": n}``;
* ``plans``: rows ``{"plan": code, "product": GTIN or blank (all products), "starts_at": date or blank (from
  delivery)}``.

A row left empty is skipped (a form has spare rows); rows are numbered as sent, so a refusal names the row a
person sees (``warranties row 2.months``). A blank date or day count is not given: drafting, the dates are
needed and the day counts take their defaults (30 and 60); negotiating, what is not given is kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from cradletrace.commerce.documents import find
from cradletrace.commerce.invoices import free_number
from cradletrace.commerce.quote_drafts import customer_choices, price_list_choices, valid_lists
from cradletrace.contracts.lifecycle import change_terms, create_contract, get_contract, next_state
from cradletrace.contracts.terms import TERM_NAMES, Terms, latest_row, moment, versions
from cradletrace.errors import InvalidInput
from cradletrace.lifecycle.masterdata import product_ids
from cradletrace.models import (
    ContractPlan,
    ContractTerms,
    ContractWarranty,
    Document,
    DocumentKind,
    PriceList,
    PriceListItem,
    Product,
    ServicePlan,
)
from cradletrace.timestamps import aware, naive_utc, typed_day_or_moment

CONTRACT_SERIES = "CT"
"""The number series of contracts drafted without a number (``CT-000001``, ...)."""
WARRANTY_KEYS = ("product", "months")
"""What a warranty row says: the product (GTIN) and the months of warranty from delivery."""
PLAN_KEYS = ("plan", "product", "starts_at")
"""What a plan row says: the plan's code, the product whose units it covers (blank: all), its start (blank: from
delivery)."""
MAX_DAYS = 3650
"""Payment terms and renewal notice are at most ten years."""
MAX_MONTHS = 1200
"""A warranty is at most a hundred years."""
MAX_ROWS = 200
"""Warranty or plan rows a version may have."""
FIRST_YEAR, LAST_YEAR = 1900, 2999
"""The years a contract's dates may fall in (a typo such as 20266 is refused, not stored)."""


def read_moment(value: Any, *, where: str, required: bool = False) -> date | datetime | None:
    """A date or date-time as typed: ``YYYY-MM-DD`` is a date, anything longer an ISO 8601 date-time (naive = UTC);
    ``None`` when blank (refused when ``required``).

    Examples
    --------
    >>> read_moment("2026-01-01", where="starts_at"), read_moment("2026-01-01T09:30:00Z", where="starts_at")
    (datetime.date(2026, 1, 1), datetime.datetime(2026, 1, 1, 9, 30, tzinfo=datetime.timezone.utc))
    >>> read_moment(" ", where="starts_at") is None
    True
    >>> read_moment("1 January", where="plans row 2.starts_at")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: plans row 2.starts_at: give a date as YYYY-MM-DD (or an ISO 8601 date-time), \
not '1 January'
    """
    if isinstance(value, str):
        text = value.strip()
        if not text:
            value = None
        else:
            try:
                value = typed_day_or_moment(text)
            except ValueError:
                raise InvalidInput(f"give a date as YYYY-MM-DD (or an ISO 8601 date-time), not {text!r}",
                                   where=where) from None
    if value is None:
        if required:
            raise InvalidInput("give a date as YYYY-MM-DD", where=where)
        return None
    if not isinstance(value, date):
        raise InvalidInput(f"give a date as YYYY-MM-DD (or an ISO 8601 date-time), not {value!r}", where=where)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InvalidInput(f"a contract's dates lie between {FIRST_YEAR} and {LAST_YEAR}, not {value.isoformat()}",
                           where=where)
    return value


def read_days(value: Any, *, where: str) -> int | None:
    """Whole days from 0 to :data:`MAX_DAYS`, as a number or text; ``None`` when blank.

    Examples
    --------
    >>> read_days("45", where="payment_terms_days"), read_days(60, where="x"), read_days("", where="x")
    (45, 60, None)
    >>> read_days("30.5", where="payment_terms_days")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: payment_terms_days: days are a whole number from 0 to 3650, not '30.5'
    """
    return _whole(value, low=0, high=MAX_DAYS, what="days", where=where)


def _whole(value: Any, *, low: int, high: int, what: str, where: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= 6:
        text = int(text)
    if not isinstance(text, int) or isinstance(text, bool) or not low <= text <= high:
        raise InvalidInput(f"{what} are a whole number from {low} to {high}, not {value!r}", where=where)
    return text


def _code(value: Any, *, what: str, where: str) -> str | None:
    """A code (a price list's, a plan's) as typed: stripped, ``None`` when blank."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{what} is a code (text), not {value!r}", where=where)
    text = value.strip()
    if len(text) > 40:
        raise InvalidInput(f"{what} is a code of at most 40 characters", where=where)
    return text or None


def _rows(rows: Any, keys: Sequence[str], *, where: str) -> list[tuple[int, dict[str, Any]]]:
    """The rows that say something, numbered as sent, each with its values stripped (blank ones left out)."""
    if rows is None:
        return []
    if not isinstance(rows, Sequence) or isinstance(rows, (str, bytes)):
        raise InvalidInput(f"{where} is a list of rows ({', '.join(keys)})", where=where)
    found = []
    for no, row in enumerate(rows, start=1):
        at = f"{where} row {no}"
        if not isinstance(row, Mapping):
            raise InvalidInput(f"a row is an object ({', '.join(keys)})", where=at)
        unknown = sorted(set(row) - set(keys))
        if unknown:
            raise InvalidInput(f"a row has no field {unknown[0]!r} (it may have {', '.join(keys)})", where=at)
        given = {k: v.strip() if isinstance(v, str) else v for k, v in row.items()}
        given = {k: v for k, v in given.items() if v is not None and v != ""}
        if given:
            found.append((no, given))
    if len(found) > MAX_ROWS:
        raise InvalidInput(f"at most {MAX_ROWS} rows, got {len(found)}", where=where)
    return found


def _product(value: Any, *, where: str) -> str:
    if not isinstance(value, str) or len(value) > 200:
        raise InvalidInput("product is a GTIN or a product identifier (text)", where=where)
    return value


def read_warranties(rows: Any, *, where: str = "warranties") -> dict[str, int]:
    """Warranty rows as :func:`~cradletrace.contracts.lifecycle.create_contract` takes them: ``{GTIN: months}``.

    Raises
    ------
    InvalidInput
        Naming the row and the field: an unknown field, a row without its product or months, months that are not
        a whole number from 1 to :data:`MAX_MONTHS`, a product named twice.

    Examples
    --------
    >>> read_warranties([{"product": "09506000134352", "months": "24"}, {"product": "", "months": ""},
    ...                  {"product": "09506000134369", "months": 12}])
    {'09506000134352': 24, '09506000134369': 12}
    >>> read_warranties([{"product": "09506000134352", "months": "24"}, {"product": "09506000134369"}])
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: warranties row 2.months: give the months of warranty
    """
    found: dict[str, int] = {}
    for no, row in _rows(rows, WARRANTY_KEYS, where=where):
        at = f"{where} row {no}"
        if "product" not in row:
            raise InvalidInput("give the product (GTIN) the warranty is for", where=f"{at}.product")
        product = _product(row["product"], where=f"{at}.product")
        months = _whole(row.get("months"), low=1, high=MAX_MONTHS, what="months", where=f"{at}.months")
        if months is None:
            raise InvalidInput("give the months of warranty", where=f"{at}.months")
        if product in found:
            raise InvalidInput(f"product {product} has a warranty on an earlier row", where=f"{at}.product")
        found[product] = months
    return found


def read_plans(rows: Any, *, where: str = "plans") -> list[dict[str, Any]]:
    """Plan rows as :func:`~cradletrace.contracts.lifecycle.create_contract` takes them.

    Raises
    ------
    InvalidInput
        Naming the row and the field: an unknown field, a row without its plan, a malformed date.

    Examples
    --------
    >>> read_plans([{"plan": "GOLD-36", "product": "09506000134352", "starts_at": ""}, {},
    ...             {"plan": "CHECK-12", "starts_at": "2026-03-01"}])
    [{'plan': 'GOLD-36', 'product': '09506000134352', 'starts_at': None}, \
{'plan': 'CHECK-12', 'product': None, 'starts_at': datetime.date(2026, 3, 1)}]
    >>> read_plans([{"product": "09506000134352"}])
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: plans row 1.plan: give the plan's code
    """
    found = []
    for no, row in _rows(rows, PLAN_KEYS, where=where):
        at = f"{where} row {no}"
        plan = _code(row.get("plan"), what="plan", where=f"{at}.plan")
        if plan is None:
            raise InvalidInput("give the plan's code", where=f"{at}.plan")
        product = _product(row["product"], where=f"{at}.product") if "product" in row else None
        found.append({"plan": plan, "product": product,
                      "starts_at": read_moment(row.get("starts_at"), where=f"{at}.starts_at")})
    return found


def read_terms(typed: Mapping[str, Any]) -> dict[str, Any]:
    """The terms given in ``typed`` (names of :data:`~cradletrace.contracts.terms.TERM_NAMES`), read as the
    lifecycle takes them; a blank date or day count is left out (not given), a blank price list is none.

    Raises
    ------
    InvalidInput
        Naming the term (and the row): an unknown term or a malformed value.

    Examples
    --------
    >>> read_terms({"starts_at": "2026-01-01", "ends_at": "", "payment_terms_days": "45", "price_list": " ",
    ...             "warranties": [{"product": "09506000134352", "months": "24"}]})
    {'starts_at': datetime.date(2026, 1, 1), 'payment_terms_days': 45, 'price_list': None, \
'warranties': {'09506000134352': 24}}
    >>> read_terms({"colour": "red"})
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: colour: no term 'colour' (terms: starts_at, ends_at, price_list, \
payment_terms_days, renewal_notice_days, warranties, plans)
    """
    unknown = [name for name in typed if name not in TERM_NAMES]
    if unknown:
        raise InvalidInput(f"no term {unknown[0]!r} (terms: {', '.join(TERM_NAMES)})", where=str(unknown[0]))
    terms: dict[str, Any] = {}
    for name, value in typed.items():
        if name in ("starts_at", "ends_at"):
            read: Any = read_moment(value, where=name)
        elif name in ("payment_terms_days", "renewal_notice_days"):
            read = read_days(value, where=name)
        elif name == "price_list":
            terms[name] = _code(value, what="price_list", where=name)
            continue
        elif name == "warranties":
            read = read_warranties(value)
        else:
            read = read_plans(value)
        if read is not None:
            terms[name] = read
    return terms


def read_note(note: Any, *, where: str = "note") -> str | None:
    """A note as typed (why, what was agreed): stripped, ``None`` when blank, at most 500 characters."""
    if note is None:
        return None
    if not isinstance(note, str):
        raise InvalidInput("a note is text", where=where)
    if len(note.strip()) > 500:
        raise InvalidInput("a note is at most 500 characters", where=where)
    return note.strip() or None


def contract_number(session: Session) -> str:
    """The next number of the contract series that no contract has yet (a number typed or imported earlier is
    skipped, not reused)."""
    return free_number(session, CONTRACT_SERIES, DocumentKind.CONTRACT)


def draft_contract(session: Session, *, customer: str, currency: str, starts_at: Any, ends_at: Any,
                   number: str | None = None, price_list: Any = None, payment_terms_days: Any = None,
                   renewal_notice_days: Any = None, warranties: Any = (), plans: Any = (), by: str | None = None,
                   note: Any = None, when: datetime | None = None) -> Document:
    """Draft a contract from terms as typed (see the module), numbered ``number`` or the next of the ``CT`` series:
    version 1 of its terms, state ``draft``; flush.

    Raises
    ------
    InvalidInput
        A contract of that number exists already, a term is malformed or missing (a date), or the period does not
        end after it starts.
    NotFound, RuleViolation
        The customer, a product, plan or price list is unknown, or in another currency (the lifecycle's checks).
    """
    if number is not None:
        number = number.strip()
        if not number or len(number) > 64:
            raise InvalidInput("a contract number is 1 to 64 characters", where="number")
        if find(session, DocumentKind.CONTRACT, number) is not None:
            raise InvalidInput(f"contract {number} exists already: negotiate its terms, or give another number",
                               where="number")
    if not isinstance(customer, str) or not customer.strip():
        raise InvalidInput("a contract needs a customer (a GLN or party identifier)", where="customer")
    terms = read_terms({"starts_at": starts_at, "ends_at": ends_at, "price_list": price_list,
                        "payment_terms_days": payment_terms_days, "renewal_notice_days": renewal_notice_days,
                        "warranties": warranties, "plans": plans})
    for name, what in (("starts_at", "start"), ("ends_at", "end")):
        if name not in terms:
            raise InvalidInput(f"a contract needs the date its period should {what} (YYYY-MM-DD)", where=name)
    return create_contract(session, number or contract_number(session), customer=customer.strip(),
                           currency=currency, by=by, when=when, note=read_note(note), **terms)


def negotiate(session: Session, number: str | Document, *, by: str | None = None, note: Any = None,
              when: datetime | None = None, **typed: Any) -> ContractTerms:
    """Negotiate: the terms as typed compared with the latest version, and the next version written with only the
    terms that differ (:func:`~cradletrace.contracts.lifecycle.change_terms`); a draft or approved contract moves
    to ``negotiation``. What is not given is kept. A date typed without a time is a day: the moment stored on that
    day is no change. Warranties and plans are compared as a whole, whatever their order.

    Raises
    ------
    RuleViolation
        If the contract is signed or later (its terms are frozen: renew it), before anything is read.
    InvalidInput
        A malformed term, or nothing that differs from the latest version ("nothing changed": no version is
        written).
    """
    doc = get_contract(session, number)
    next_state(doc.number, doc.status.value, "change terms")
    given = read_terms(typed)
    note = read_note(note)
    latest = versions(session, doc, since=latest_row(session, doc).version)[-1]
    changes = differing(session, latest, given)
    if not changes:
        raise InvalidInput(f"nothing changed: these are the terms of version {latest.version}",
                           where=f"contract {doc.number}")
    return change_terms(session, doc, by=by, when=when, note=note, **changes)


def differing(session: Session, latest: Terms, given: Mapping[str, Any]) -> dict[str, Any]:
    """The terms of ``given`` (as :func:`read_terms` makes them) that differ from the ``latest`` version: one query
    for the products named, none when no warranty or plan is given."""
    out: dict[str, Any] = {}
    for name in ("starts_at", "ends_at"):
        if name in given and not _same_moment(given[name], getattr(latest, name)):
            out[name] = given[name]
    for name in ("price_list", "payment_terms_days", "renewal_notice_days"):
        if name in given and given[name] != getattr(latest, name):
            out[name] = given[name]
    if "warranties" not in given and "plans" not in given:
        return out
    ids = product_ids(session, [*given.get("warranties", {}), *(p["product"] for p in given.get("plans", ())
                                                                if p["product"] is not None),
                                *(w.gtin for w in latest.warranties),
                                *(p.product for p in latest.plans if p.product is not None)])
    if "warranties" in given:
        now = {ids[gtin]: months for gtin, months in given["warranties"].items()}
        if now != {ids[w.gtin]: w.months for w in latest.warranties}:
            out["warranties"] = given["warranties"]
    if "plans" in given:
        stored = [(p.code, None if p.product is None else ids[p.product], p.starts_at) for p in latest.plans]
        typed = []
        for row in given["plans"]:
            product = None if row["product"] is None else ids[row["product"]]
            start = row["starts_at"]
            # A day typed for a plan stored with a time on that day keeps the stored moment.
            kept = next((s for code, q, s in stored if (code, q) == (row["plan"], product) and s is not None
                         and start is not None and _same_moment(start, s)), None)
            typed.append((row, (row["plan"], product, kept or (None if start is None else moment(start, where="")))))
        if Counter(key for _row, key in typed) != Counter(stored):
            out["plans"] = [{**row, "starts_at": key[2]} for row, key in typed]
    return out


def _same_moment(typed: date | datetime, stored: datetime) -> bool:
    if isinstance(typed, datetime):
        return naive_utc(aware(typed)) == stored
    return typed == stored.date()


@dataclass(frozen=True)
class PlanChoice:
    """A service plan of the catalogue as a form offers it."""

    code: str
    name: str
    months: int
    currency: str

    @property
    def label(self) -> str:
        """``GOLD-36: Gold service (36 months, EUR)``."""
        return f"{self.code}: {self.name} ({self.months} months, {self.currency})"


@dataclass(frozen=True)
class ContractChoices:
    """What a contract form offers (each list of pairs is (value, label)): customers, the price lists valid now, the
    catalogue's service plans, products and the currencies of the lists and plans."""

    customers: list[tuple[str, str]]
    price_lists: list[tuple[str, str]]
    plans: list[PlanChoice]
    products: list[tuple[str, str]]
    currencies: list[str]


def contract_choices(session: Session, *, at: datetime | None = None) -> ContractChoices:
    """The choices of a contract form at ``at`` (default now): four statements whatever the catalogue's size.

    Customers are the parties with a commercial document or a price list of their own; products are those a list
    valid at ``at`` prices or some contract's terms name (any other can be typed by GTIN).
    """
    now = naive_utc(aware(at))
    lists = price_list_choices(session, now)
    plans = [PlanChoice(*row) for row in session.execute(
        select(ServicePlan.code, ServicePlan.name, ServicePlan.months, ServicePlan.currency)
        .order_by(ServicePlan.code))]
    named = union(select(PriceListItem.product_id).join(PriceList).where(valid_lists(now)),
                  select(ContractWarranty.product_id), select(ContractPlan.product_id)
                  .where(ContractPlan.product_id.is_not(None)))
    products = session.execute(select(Product.gtin, Product.name).where(Product.id.in_(select(named.subquery())))
                               .order_by(Product.name, Product.gtin)).all()
    return ContractChoices(
        customers=customer_choices(session),
        price_lists=[(code, label) for code, label, _currency in lists],
        plans=plans,
        products=[(gtin, name or gtin) for gtin, name in products],
        currencies=sorted({currency for _c, _l, currency in lists} | {p.currency for p in plans}))


__all__ = ["CONTRACT_SERIES", "ContractChoices", "MAX_DAYS", "MAX_MONTHS", "MAX_ROWS", "PLAN_KEYS", "PlanChoice",
           "WARRANTY_KEYS", "contract_choices", "contract_number", "differing", "draft_contract", "negotiate",
           "read_days", "read_moment", "read_note", "read_plans", "read_terms", "read_warranties"]
