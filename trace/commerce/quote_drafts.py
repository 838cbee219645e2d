"""Drafting quotes from what a person or a client sends: the lines of a form or a JSON body checked and
turned into the lines :func:`~cradletrace.commerce.quotes.create_quote` prices, the next free quote
number, a change that is made in place on a draft and as a new version on a sent quote, and the
choices a quote form offers (customers, priced products, configurations, price lists).

The pages (``/sales/quotes/new``, a version's ``/revise``) and the JSON API (``POST /api/quotes``,
``POST /api/quotes/{number}/versions``) both draft through here, so a line is read, checked and
refused with the same words whichever way it came. Pricing, the approval of a deep discount and the
freezing of a sent version stay where they are (:mod:`cradletrace.commerce.quotes`); this module
only reads the input and picks the service.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from cradletrace.commerce.documents import find
from cradletrace.commerce.invoices import free_number
from cradletrace.commerce.quotes import create_quote, quote_version, revise_quote, update_quote
from cradletrace.configure import latest_configurations
from cradletrace.configure.configurations import ConfigurationSummary
from cradletrace.errors import InvalidInput
from cradletrace.models import Document, DocumentKind, DocumentStatus, Node, Party, PriceList, PriceListItem, Product
from cradletrace.timestamps import aware, naive_utc, typed_day_or_moment

QUOTE_SERIES = "Q"
"""The number series of quotes drafted without a number (``Q-000001``, ...)."""
LINE_KEYS = frozenset({"product", "configuration", "quantity", "discount", "tax_rate", "unit_price"})
"""What a drafted line may say: a product (GTIN or identifier) or a saved configuration (its id), the
quantity, the line's discount (a fraction), its tax rate, and a unit price that overrides the lists."""
MAX_LINES = 200
"""Lines a quote drafted here may have."""


def draft_lines(rows: Sequence[Mapping[str, Any]], *, where: str = "lines") -> list[dict[str, Any]]:
    """The lines of a draft as :func:`~cradletrace.commerce.quotes.create_quote` takes them.

    Each row names a product or a configuration (not both: a configuration's product is its variant);
    its quantity defaults to 1; numbers may be given as text. A row with nothing in it is skipped (a
    form has spare rows).

    Raises
    ------
    InvalidInput
        Naming the line and the field: an unknown field, a value that is not a number, a line with
        neither or both of a product and a configuration, no line at all, or more than :data:`MAX_LINES`.

    Examples
    --------
    >>> draft_lines([{"product": "09506000134352", "quantity": "2", "discount": "0.1"},
    ...              {"product": "", "quantity": ""}, {"configuration": "7"}])
    [{'product': '09506000134352', 'quantity': Decimal('2'), 'discount': Decimal('0.1')}, \
{'configuration_id': 7, 'quantity': Decimal('1')}]
    >>> draft_lines([{"product": "09506000134352", "configuration": 7}])
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: lines line 1: a line sells a product or a configuration, not both
    """
    if not isinstance(rows, Sequence) or isinstance(rows, (str, bytes)):
        raise InvalidInput("lines is a list of lines", where=where)
    made = []
    for no, row in enumerate(rows, start=1):
        at = f"{where} line {no}"
        if not isinstance(row, Mapping):
            raise InvalidInput("a line is an object (product or configuration, quantity, discount)", where=at)
        unknown = sorted(set(row) - LINE_KEYS)
        if unknown:
            raise InvalidInput(f"a line has no field {unknown[0]!r} (it may have {', '.join(sorted(LINE_KEYS))})",
                               where=at)
        given = {k: v.strip() if isinstance(v, str) else v for k, v in row.items() if v is not None and v != ""}
        if not given:
            continue
        product, configuration = given.pop("product", None), given.pop("configuration", None)
        if product is None and configuration is None:
            raise InvalidInput("a line needs a product or a configuration", where=at)
        if product is not None and configuration is not None:
            raise InvalidInput("a line sells a product or a configuration, not both", where=at)
        line: dict[str, Any] = {}
        if product is not None:
            if not isinstance(product, str):
                raise InvalidInput("product is a GTIN or a product identifier (text)", where=f"{at}.product")
            line["product"] = product
        else:
            line["configuration_id"] = _whole(configuration, where=f"{at}.configuration")
        line["quantity"] = _decimal(given.pop("quantity", 1), where=f"{at}.quantity")
        for name in ("discount", "tax_rate", "unit_price"):
            if name in given:
                line[name] = _decimal(given.pop(name), where=f"{at}.{name}")
        made.append(line)
    if not made:
        raise InvalidInput("a quote needs at least one line", where=where)
    if len(made) > MAX_LINES:
        raise InvalidInput(f"a quote drafted here has at most {MAX_LINES} lines, got {len(made)}", where=where)
    return made


def quote_number(session: Session) -> str:
    """The next number of the quote series that no quote has yet (a number typed or imported earlier is
    skipped, not reused)."""
    return free_number(session, QUOTE_SERIES, DocumentKind.QUOTE)


def draft_quote(session: Session, *, customer: str | int, currency: str, lines: Sequence[Mapping[str, Any]],
                number: str | None = None, discount: Any = 0, valid_until: datetime | date | str | None = None,
                price_list: str | None = None, by: str | None = None, when: datetime | None = None) -> Document:
    """Draft a new quote from input :func:`draft_lines` reads, numbered ``number`` or the next of the series.

    Raises
    ------
    InvalidInput
        If a quote of that number exists already, or a line or the discount is wrong (the pricing's own
        errors name the line).
    """
    if number is not None:
        number = number.strip()
        if not number or len(number) > 64:
            raise InvalidInput("a quote number is 1 to 64 characters", where="number")
        if find(session, DocumentKind.QUOTE, number) is not None:
            raise InvalidInput(f"quote {number} exists already: revise it, or give another number", where="number")
    return create_quote(session, number or quote_number(session), party=customer, currency=currency,
                        lines=draft_lines(lines), discount=_decimal(discount or 0, where="discount"),
                        valid_until=_future(valid_until, when), price_list=price_list or None, by=by, when=when)


def change_quote(session: Session, number: str, version: int | None = None, *,
                 lines: Sequence[Mapping[str, Any]] | None = None, discount: Any = None,
                 valid_until: datetime | date | str | None = None, price_list: str | None = None,
                 by: str | None = None, when: datetime | None = None) -> Document:
    """Change a quote: a draft in place, a sent version as a new version (the sent one is frozen).

    ``version`` is the version the change was made from (default the latest); it must be the latest, so that a
    change made on an old page does not silently drop a newer version. What is not given is kept.

    Raises
    ------
    InvalidInput
        If ``version`` is not the latest version.
    RuleViolation
        If the version is neither a draft nor sent (accepted, rejected, expired or superseded).
    """
    latest = quote_version(session, number)
    if version is not None and version != latest.version:
        raise InvalidInput(f"quote {latest.number} has a newer version (v{latest.version}) than v{version}: change "
                           "the latest", where=f"quote {latest.number} v{version}")
    changes = {"lines": None if lines is None else draft_lines(lines),
               "discount": None if discount is None or discount == "" else _decimal(discount, where="discount"),
               "valid_until": _future(valid_until, when), "price_list": price_list or None, "by": by, "when": when}
    if latest.status is DocumentStatus.DRAFT:
        return update_quote(session, latest, **changes)
    return revise_quote(session, latest, **changes)


@dataclass(frozen=True)
class QuoteChoices:
    """What a quote form offers: customers, products with a price on a list valid now, the newest saved
    configurations, the price lists valid now and their currencies (each list of pairs is (value, label))."""

    customers: list[tuple[str, str]]
    products: list[tuple[str, str]]
    configurations: list[ConfigurationSummary]
    price_lists: list[tuple[str, str]]
    currencies: list[str]


def quote_choices(session: Session, *, at: datetime | None = None, configurations: int = 50) -> QuoteChoices:
    """The choices of a quote form at ``at`` (default now): seven statements whatever the catalogue's size.

    Customers are the parties with a commercial document or a price list of their own (anyone else can be
    typed by identifier); products are those some list valid at ``at`` prices.
    """
    moment = naive_utc(aware(at))
    lists = price_list_choices(session, moment)
    products = session.execute(
        select(Product.gtin, Product.name)
        .where(Product.id.in_(select(PriceListItem.product_id).join(PriceList).where(valid_lists(moment))))
        .order_by(Product.name, Product.gtin)).all()
    return QuoteChoices(
        customers=customer_choices(session),
        products=[(gtin, name or gtin) for gtin, name in products],
        configurations=latest_configurations(session, configurations),
        price_lists=[(code, label) for code, label, _currency in lists],
        currencies=sorted({currency for _code, _label, currency in lists}))


def valid_lists(moment: datetime) -> ColumnElement[bool]:
    """The condition of a price list valid at ``moment`` (naive UTC): started, and not ended."""
    return (PriceList.valid_from <= moment) & or_(PriceList.valid_until.is_(None), PriceList.valid_until > moment)


def customer_choices(session: Session) -> list[tuple[str, str]]:
    """The customers a form offers, as (identifier, name): the parties with a commercial document or a price list of
    their own (anyone else can be typed by identifier). One statement."""
    known = select(Document.party_id).where(Document.party_id.is_not(None)).union(
        select(PriceList.party_id).where(PriceList.party_id.is_not(None)))
    return [(ident, name or ident) for ident, name in session.execute(
        select(Node.identifier, Party.name).join(Party, Party.node_id == Node.id)
        .where(Party.id.in_(known)).order_by(Party.name, Node.identifier))]


def price_list_choices(session: Session, moment: datetime) -> list[tuple[str, str, str]]:
    """The price lists valid at ``moment`` (naive UTC) as (code, label, currency), by currency and code; the label
    names the list, its currency and the customer it is for. One statement."""
    return [(code, f"{code}: {name} ({currency}{', ' + owner if owner else ''})", currency)
            for code, name, currency, owner in session.execute(
                select(PriceList.code, PriceList.name, PriceList.currency, Party.name)
                .outerjoin(Party, Party.id == PriceList.party_id).where(valid_lists(moment))
                .order_by(PriceList.currency, PriceList.code))]


def _decimal(value: Any, *, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise InvalidInput(f"{where.rpartition('.')[2] or where} is a number, got {value!r}", where=where)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidInput(f"{value!r} is not a number", where=where) from None
    if not number.is_finite():
        raise InvalidInput(f"{value!r} is not a number", where=where)
    return number


def _whole(value: Any, *, where: str) -> int:
    number = _decimal(value, where=where)
    if number != number.to_integral_value() or number < 1:
        raise InvalidInput(f"a configuration is named by its id, a whole number, got {value!r}", where=where)
    return int(number)


def validity_end(value: datetime | date | str | None) -> datetime | None:
    """When a quote's validity ends, from a date (the end of that day, UTC: "valid until 30 April" includes the
    30th) or an ISO 8601 date-time (naive = UTC); ``None`` for no end.

    Examples
    --------
    >>> validity_end("2026-04-30"), validity_end("2026-04-30T12:00:00+02:00")
    (datetime.datetime(2026, 4, 30, 23, 59, 59), datetime.datetime(2026, 4, 30, 10, 0))
    >>> validity_end("end of April")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: valid_until: 'end of April' is not a date (YYYY-MM-DD) or an ISO 8601 date-time
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = typed_day_or_moment(text)
        except ValueError:
            raise InvalidInput(f"{text!r} is not a date (YYYY-MM-DD) or an ISO 8601 date-time",
                               where="valid_until") from None
    if isinstance(value, datetime):
        return naive_utc(aware(value))
    if isinstance(value, date):
        return datetime.combine(value, time(23, 59, 59))
    raise InvalidInput(f"valid_until is a date or a date-time, got {value!r}", where="valid_until")


def _future(valid_until: datetime | date | str | None, when: datetime | None) -> datetime | None:
    """A validity end, refused when it is not after the quote's date (the quote would be born expired)."""
    end = validity_end(valid_until)
    if end is not None and end <= naive_utc(aware(when)):
        raise InvalidInput(f"valid until {end:%Y-%m-%d} is not after the quote's date", where="valid_until")
    return end


__all__ = ["LINE_KEYS", "MAX_LINES", "QUOTE_SERIES", "QuoteChoices", "change_quote", "customer_choices", "draft_lines",
           "draft_quote", "price_list_choices", "quote_choices", "quote_number", "valid_lists",
           "validity_end"]
