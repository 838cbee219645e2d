"""Prices: price lists, and :func:`price_lines`, the one function that prices document lines and explains them.

A price list (``price_lists``) is in one currency and valid from ``valid_from`` (included) to
``valid_until`` (excluded; open-ended when null), for one customer or for all. Its items are unit
prices of products from a ``min_quantity`` up (volume tiers), its surcharges per-unit amounts for
configuration options.

How a line is priced (:func:`price_lines`):

1. **List price.** Among the lists of the currency valid at the date that are general or the
   customer's own, the line's product is looked up in this order: the list asked for
   (``price_list=``, a contract's say), then the customer's lists, then the general ones; among
   lists of the same rank the newest (latest ``valid_from``) first. The first list with a tier
   for the quantity prices the line, at its tier with the largest ``min_quantity`` not above the
   quantity. A customer's list need only hold the prices that differ: what it lacks comes from the
   general lists.
2. **Surcharges.** Each option chosen in the line's configuration (``configuration_options``) adds
   its surcharge per unit, looked up in the same order (an option no list names adds nothing).
3. **Unit price** = list price + surcharges; or the price given with the line (``unit_price``), which
   wins: the list price and surcharges are still looked up, to measure the discount against them.
4. **Discounts**: the line's own (a fraction), then the document's (``discount=``) on what is left;
   **net** = quantity x unit price x (1 - line discount) x (1 - document discount) and **tax** = net x
   rate, each rounded half up to the cent (:func:`cradletrace.commerce.lines.line_total`, which
   makes the documents' amounts: one formula).
5. **Effective discount** of a line, against its list: 1 - net / (quantity x (list price +
   surcharges)), before rounding to the cent, at least 0 (a price above the list is no discount); a
   line priced without a list is measured against its own unit price. The largest of a document's
   lines is *the* discount an approval is needed for (:mod:`cradletrace.commerce.approvals`).

The arithmetic is pure (:func:`price_line`, :func:`pricing_of`: a dataclass in, a dataclass out);
the lookup is set-based (one statement for the candidate list items of all lines, one for the
surcharges of all their configurations). A quote keeps how each line was priced (list, tier,
surcharges by option) in its ``attributes["pricing"]``, so :func:`explain` tells a stored document's
prices as they were made, whatever the lists say later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from cradletrace.commerce.documents import CENT, currency_code, decimal, money, party_id
from cradletrace.commerce.lines import line_products, line_total, line_values, lines_of, product_ids
from cradletrace.errors import InvalidInput, NotFound, RuleViolation
from cradletrace.models import (
    ConfigModel,
    ConfigOption,
    ConfigOptionGroup,
    Configuration,
    ConfigurationOption,
    Document,
    Node,
    Party,
    PriceList,
    PriceListItem,
    PriceSurcharge,
    Product,
)
from cradletrace.timestamps import aware, naive_utc

RATE = Decimal("0.000001")
"""Effective discounts are kept to six places, as the ``Rate`` columns hold them."""

_EPOCH = datetime(1970, 1, 1)

PRICING_ATTRIBUTE = "pricing"
"""The key of a document's ``attributes`` under which its lines' pricing is kept (by line number)."""


@dataclass(frozen=True)
class Surcharge:
    """The per-unit surcharge of one option chosen in a line's configuration (0 when no list names it)."""

    option: str
    name: str
    amount: Decimal
    price_list: str | None = None


@dataclass(frozen=True)
class LineTerms:
    """What prices one line: its list price and surcharges (found on the lists) or a given price, the
    quantity, the discounts and the tax rate; the rest says where the price came from."""

    quantity: Decimal
    list_price: Decimal | None = None
    surcharges: tuple[Surcharge, ...] = ()
    given_price: Decimal | None = None
    discount: Decimal = Decimal(0)
    document_discount: Decimal = Decimal(0)
    tax_rate: Decimal = Decimal(0)
    line_no: int = 1
    product: str | None = None
    product_name: str | None = None
    price_list: str | None = None
    tier: Decimal | None = None
    configuration_id: int | None = None


@dataclass(frozen=True)
class LinePrice:
    """One line priced: its terms and what they make (amounts in the document's currency, to the cent).

    ``gross - line_discount_amount - document_discount_amount == net`` exactly.
    """

    terms: LineTerms
    surcharge: Decimal
    unit_price: Decimal
    reference: Decimal
    gross: Decimal
    line_discount_amount: Decimal
    document_discount_amount: Decimal
    net: Decimal
    tax: Decimal
    effective_discount: Decimal

    @property
    def price_given(self) -> bool:
        """Whether the unit price was given with the line rather than made from the list."""
        return self.terms.given_price is not None


@dataclass(frozen=True)
class Pricing:
    """The lines of a document priced, their totals, and the largest effective discount (``discount``)."""

    currency: str
    lines: tuple[LinePrice, ...]
    document_discount: Decimal = Decimal(0)
    gross: Decimal = Decimal(0)
    line_discounts: Decimal = Decimal(0)
    document_discounts: Decimal = Decimal(0)
    net: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    discount: Decimal = Decimal(0)
    customer: str | None = None
    at: datetime | None = None
    price_list: str | None = None
    price_list_id: int | None = field(default=None, compare=False)

    def explain(self) -> str:
        """The pricing as text, line by line, then the totals.

        Examples
        --------
        >>> line = price_line(LineTerms(Decimal(2), Decimal("10"), product="09506000134352", price_list="PL",
        ...                           tier=Decimal(1)))
        >>> print(pricing_of([line], currency="EUR").explain())
        line 1: 2 x 09506000134352
          list price 10.00 (PL, from 1)
          unit price 10.00
          gross 20.00, net 20.00, tax 0.00 (rate 0), effective discount 0 %
        net 20.00 EUR, tax 0.00 EUR, total 20.00 EUR; largest discount 0 %
        """
        out = []
        for ln in self.lines:
            t = ln.terms
            name = f" {t.product_name}" if t.product_name else ""
            out.append(f"line {t.line_no}: {number_text(t.quantity)} x {t.product or '-'}{name}"
                       + (f" (configuration {t.configuration_id})" if t.configuration_id else ""))
            if t.list_price is not None:
                out.append(f"  list price {amount_text(t.list_price)} ({t.price_list}, from {number_text(t.tier)})")
            out += [f"  + {s.option} {s.name}: {amount_text(s.amount)}" + (f" ({s.price_list})" if s.price_list else "")
                    for s in t.surcharges]
            out.append(f"  unit price {amount_text(ln.unit_price)}" + (" (given)" if ln.price_given else ""))
            if t.discount:
                out.append(f"  line discount {percent(t.discount)}: -{amount_text(ln.line_discount_amount)}")
            if t.document_discount:
                out.append(f"  document discount {percent(t.document_discount)}: "
                           f"-{amount_text(ln.document_discount_amount)}")
            out.append(f"  gross {amount_text(ln.gross)}, net {amount_text(ln.net)}, tax {amount_text(ln.tax)} "
                       f"(rate {number_text(t.tax_rate)}), effective discount {percent(ln.effective_discount)}")
        c = self.currency
        out.append(f"net {amount_text(self.net)} {c}, tax {amount_text(self.tax)} {c}, "
                   f"total {amount_text(self.total)} {c}; largest discount {percent(self.discount)}")
        return "\n".join(out)

    def as_dict(self) -> dict[str, Any]:
        """The pricing as JSON-able data (numbers as decimal strings, so money stays exact)."""

        def money(value: Decimal | None) -> str | None:
            return None if value is None else amount_text(value)

        def number(value: Decimal | None) -> str | None:
            return None if value is None else number_text(value)

        return {
            "currency": self.currency, "customer": self.customer, "at": self.at.isoformat() if self.at else None,
            "price_list": self.price_list, "document_discount": number(self.document_discount),
            "lines": [{
                "line_no": ln.terms.line_no, "product": ln.terms.product, "product_name": ln.terms.product_name,
                "configuration_id": ln.terms.configuration_id, "quantity": number(ln.terms.quantity),
                "price_list": ln.terms.price_list, "tier": number(ln.terms.tier),
                "list_price": money(ln.terms.list_price),
                "surcharges": [{"option": s.option, "name": s.name, "amount": money(s.amount),
                                "price_list": s.price_list} for s in ln.terms.surcharges],
                "surcharge": money(ln.surcharge), "unit_price": money(ln.unit_price), "price_given": ln.price_given,
                "discount": number(ln.terms.discount), "gross": money(ln.gross),
                "line_discount_amount": money(ln.line_discount_amount),
                "document_discount_amount": money(ln.document_discount_amount), "net": money(ln.net),
                "tax_rate": number(ln.terms.tax_rate), "tax": money(ln.tax),
                "effective_discount": number(ln.effective_discount),
            } for ln in self.lines],
            "gross": money(self.gross), "line_discounts": money(self.line_discounts),
            "document_discounts": money(self.document_discounts), "net": money(self.net), "tax": money(self.tax),
            "total": money(self.total), "discount": number(self.discount),
        }


def price_line(terms: LineTerms) -> LinePrice:
    """Price one line: unit price, gross, the two discounts as amounts, net, tax, effective discount.

    Examples
    --------
    10 units at a list price of 90.00 with a 15.00 surcharge, 5 % off the line, 10 % off the document,
    20 % tax: unit price 105.00, gross 1 050.00; less 5 % = 997.50 (52.50 off); less 10 % = 897.75
    (99.75 off); tax 179.55; effective discount 1 - 0.95 x 0.90 = 0.145.

    >>> lp = price_line(LineTerms(Decimal(10), Decimal("90.00"), (Surcharge("LFP", "LFP cells", Decimal("15.00")),),
    ...                           discount=Decimal("0.05"), document_discount=Decimal("0.10"), tax_rate=Decimal("0.2")))
    >>> lp.unit_price, lp.gross, lp.line_discount_amount, lp.document_discount_amount, lp.net, lp.tax
    (Decimal('105.00'), Decimal('1050.00'), Decimal('52.50'), Decimal('99.75'), Decimal('897.75'), Decimal('179.55'))
    >>> lp.effective_discount
    Decimal('0.145000')

    A given price below the list is a discount too: 80.00 against 100.00 is 20 %.

    >>> price_line(LineTerms(Decimal(1), Decimal(100), given_price=Decimal(80))).effective_discount
    Decimal('0.200000')
    """
    surcharge = sum((s.amount for s in terms.surcharges), Decimal(0))
    listed = None if terms.list_price is None else terms.list_price + surcharge
    if terms.given_price is not None:
        unit_price = terms.given_price
    elif listed is not None:
        unit_price = listed
    else:
        raise InvalidInput("a line needs a list price or a given unit price", where=f"line {terms.line_no}")
    net, tax = line_total(terms.quantity, unit_price, terms.discount, terms.tax_rate, terms.document_discount)
    gross = _cents(terms.quantity * unit_price)
    after_line = _cents(terms.quantity * unit_price * (1 - terms.discount))
    reference = unit_price if listed is None else listed
    kept = unit_price * (1 - terms.discount) * (1 - terms.document_discount)
    effective = 1 - kept / reference if reference > 0 else Decimal(0)
    return LinePrice(terms=terms, surcharge=surcharge, unit_price=unit_price, reference=reference, gross=gross,
                     line_discount_amount=gross - after_line, document_discount_amount=after_line - net, net=net,
                     tax=tax, effective_discount=min(max(effective, Decimal(0)), Decimal(1)).quantize(
                         RATE, rounding=ROUND_HALF_UP))


def pricing_of(lines: Iterable[LinePrice], *, currency: str, document_discount: Decimal = Decimal(0),
               customer: str | None = None, at: datetime | None = None, price_list: str | None = None,
               price_list_id: int | None = None) -> Pricing:
    """The totals of priced lines: each total is the sum of the lines', total = net + tax.

    Examples
    --------
    >>> a = price_line(LineTerms(Decimal(3), given_price=Decimal("19.99"), discount=Decimal("0.1"),
    ...                          tax_rate=Decimal("0.2")))
    >>> b = price_line(LineTerms(Decimal(1), Decimal("100"), discount=Decimal("0.25"), line_no=2))
    >>> p = pricing_of([a, b], currency="EUR")
    >>> p.net, p.tax, p.total, p.discount
    (Decimal('128.97'), Decimal('10.79'), Decimal('139.76'), Decimal('0.250000'))
    """
    lines = tuple(lines)
    net = sum((ln.net for ln in lines), Decimal(0))
    tax = sum((ln.tax for ln in lines), Decimal(0))
    return Pricing(currency=currency, lines=lines, document_discount=document_discount,
                   gross=sum((ln.gross for ln in lines), Decimal(0)),
                   line_discounts=sum((ln.line_discount_amount for ln in lines), Decimal(0)),
                   document_discounts=sum((ln.document_discount_amount for ln in lines), Decimal(0)),
                   net=net, tax=tax, total=net + tax,
                   discount=max((ln.effective_discount for ln in lines), default=Decimal(0)).quantize(RATE),
                   customer=customer, at=at, price_list=price_list, price_list_id=price_list_id)


def define_price_list(session: Session, code: str, *, name: str, currency: str, valid_from: datetime,
                      valid_until: datetime | None = None, customer: str | int | None = None,
                      items: Sequence[Mapping[str, Any]] = (), surcharges: Sequence[Mapping[str, Any]] = (),
                      when: datetime | None = None) -> PriceList:
    """Create a price list with its items (``product``, ``unit_price``, ``min_quantity`` = 1) and option
    surcharges (``model`` and ``option`` codes, ``amount`` per unit); flush.

    Raises
    ------
    RuleViolation
        If a list of that code exists already.
    InvalidInput
        If the validity is not ordered, a price is negative, a quantity not positive, or a product appears
        twice with the same ``min_quantity`` (the error names the item).
    NotFound
        If a product, configuration model or option does not exist.
    """
    code = (code or "").strip()
    if not code or len(code) > 40:
        raise InvalidInput(f"a price list code is 1 to 40 characters, got {code!r}", where="price_list.code")
    if session.execute(select(PriceList.id).where(PriceList.code == code)).first() is not None:
        raise RuleViolation(f"price list {code} exists already", where="price_list.code")
    currency = currency_code(currency)
    start, end = naive_utc(aware(valid_from)), naive_utc(valid_until) if valid_until else None
    if end is not None and end <= start:
        raise InvalidInput(f"valid_until {end:%Y-%m-%d %H:%M} is not after valid_from {start:%Y-%m-%d %H:%M}",
                           where=f"price list {code}.valid_until")
    owner = party_id(session, customer)
    ids = product_ids(session, [item["product"] for item in items])
    prices: dict[tuple[int, Decimal], Decimal] = {}
    for no, item in enumerate(items, start=1):
        where = f"price list {code} item {no}"
        tier = decimal(item.get("min_quantity", 1), where=f"{where}.min_quantity")
        price = decimal(item.get("unit_price"), where=f"{where}.unit_price")
        if tier <= 0:
            raise InvalidInput(f"min_quantity must be positive, got {tier}", where=f"{where}.min_quantity")
        if price < 0:
            raise InvalidInput(f"unit_price cannot be negative, got {price}", where=f"{where}.unit_price")
        key = (ids[item["product"]], tier)
        if key in prices:
            raise InvalidInput(f"product {item['product']} has a price from {number_text(tier)} already",
                               where=f"{where}.min_quantity")
        prices[key] = price
    options = _option_ids(session, surcharges, code)
    extras: dict[int, Decimal] = {}
    for no, extra in enumerate(surcharges, start=1):
        where = f"price list {code} surcharge {no}"
        amount = decimal(extra.get("amount"), where=f"{where}.amount")
        if amount < 0:
            raise InvalidInput(f"amount cannot be negative, got {amount}", where=f"{where}.amount")
        option = options[(extra.get("model"), extra.get("option"))]
        if option in extras:
            raise InvalidInput(f"option {extra['option']} of {extra['model']} has a surcharge already",
                               where=f"{where}.option")
        extras[option] = amount
    # Everything checked before the first row is written: a refused list leaves nothing behind.
    plist = PriceList(code=code, name=name, currency=currency, valid_from=start, valid_until=end,
                      party_id=owner, created_at=naive_utc(aware(when)))
    session.add(plist)
    session.flush()
    session.add_all([PriceListItem(price_list_id=plist.id, product_id=p, min_quantity=t, unit_price=v)
                     for (p, t), v in prices.items()])
    session.add_all([PriceSurcharge(price_list_id=plist.id, option_id=o, amount=v) for o, v in extras.items()])
    session.flush()
    return plist


def _option_ids(session: Session, surcharges: Sequence[Mapping[str, Any]], code: str) -> dict[tuple[Any, Any], int]:
    wanted = {(s.get("model"), s.get("option")) for s in surcharges}
    if not wanted:
        return {}
    found = {(m, o): i for m, o, i in session.execute(
        select(ConfigModel.code, ConfigOption.code, ConfigOption.id)
        .join(ConfigModel, ConfigModel.id == ConfigOption.model_id)
        .where(ConfigModel.code.in_({m for m, _o in wanted if m}),
               ConfigOption.code.in_({o for _m, o in wanted if o})))}
    for no, s in enumerate(surcharges, start=1):
        if (s.get("model"), s.get("option")) not in found:
            raise NotFound(f"no option {s.get('option')!r} in configuration model {s.get('model')!r}",
                           where=f"price list {code} surcharge {no}")
    return found


def get_price_list(session: Session, price_list: str | int | PriceList) -> PriceList:
    """A price list by code, id or itself; a missing one is :class:`~cradletrace.errors.NotFound`."""
    if isinstance(price_list, PriceList):
        return price_list
    column = PriceList.id if isinstance(price_list, int) else PriceList.code
    found = session.execute(select(PriceList).where(column == price_list)).scalar()
    if found is None:
        raise NotFound(f"no price list {price_list!r}", where="price_list")
    return found


def set_standalone_price(session: Session, product: str | int, amount: Any, currency: str) -> Product:
    """Set the standalone selling price of a product (what it sells for on its own; revenue allocation)."""
    pid = product_ids(session, [product])[product]
    item = session.get(Product, pid)
    assert item is not None  # product_ids found it
    item.standalone_price = money(amount, where="standalone_price")
    if item.standalone_price < 0:
        raise InvalidInput(f"a standalone price cannot be negative, got {item.standalone_price}",
                           where="standalone_price")
    item.standalone_currency = currency_code(currency)
    session.flush()
    return item


@dataclass(frozen=True)
class _Listed:
    """A candidate list row: a list item or surcharge with the list it is on, and that list's rank."""

    rank: tuple[int, int, float, int]
    code: str
    list_id: int
    amount: Decimal
    tier: Decimal = Decimal(0)


def price_lines(session: Session, *, customer: str | int | None, currency: str, at: datetime | None,
                lines: Sequence[Mapping[str, Any]], discount: Any = 0,
                price_list: str | int | PriceList | None = None, where: str = "") -> Pricing:
    """Price ``lines`` (``product``, ``quantity``, and optionally ``unit_price``, ``discount``, ``tax_rate``,
    ``configuration_id``, ``line_no``) for ``customer`` in ``currency`` at ``at``, with the document
    discount ``discount``, and explain each line (see the module's rules).

    ``price_list`` (code, id or object) is looked up first; it must be in ``currency``, valid at
    ``at`` and general or the customer's. The result's ``price_list`` is that list, else the
    highest-ranked list that priced a line.

    Raises
    ------
    NotFound
        If a line that has no ``unit_price`` finds no price: the error names the product, the
        customer, the currency and the date.
    """
    currency = currency_code(currency)
    moment = naive_utc(aware(at))
    customer_id = party_id(session, customer)
    document_discount = decimal(discount or 0, where="discount")
    if not 0 <= document_discount <= 1:
        raise InvalidInput(f"discount is a fraction from 0 to 1, got {document_discount}", where="discount")
    chosen = _chosen_list(session, price_list, customer_id, currency, moment)
    values = [line_values(ln, where=f"{where} line {no}".lstrip()) for no, ln in enumerate(lines, start=1)]
    sold = line_products(session, lines, where=where)
    for no, (ln, product) in enumerate(zip(lines, sold), start=1):
        if product is None:
            raise InvalidInput("a line to price needs a product", where=f"{where} line {no}.product".lstrip())
    lines = [{**ln, "product": product} for ln, product in zip(lines, sold)]
    ids = product_ids(session, [ln["product"] for ln in lines])
    products = {pid: (gtin, name) for pid, gtin, name in session.execute(
        select(Product.id, Product.gtin, Product.name).where(Product.id.in_(set(ids.values()))))}
    valid = _valid_lists(currency, moment, customer_id)
    items: dict[int, list[_Listed]] = {}
    for pid, tier, price, lid, code, owner, start in session.execute(
            select(PriceListItem.product_id, PriceListItem.min_quantity, PriceListItem.unit_price, PriceList.id,
                   PriceList.code, PriceList.party_id, PriceList.valid_from)
            .join(PriceList, PriceList.id == PriceListItem.price_list_id)
            .where(valid, PriceListItem.product_id.in_(set(ids.values())))):
        items.setdefault(pid, []).append(_Listed(_rank(lid, owner, start, chosen), code, lid, price, tier))
    extras = _surcharges(session, {ln.get("configuration_id") for ln in lines} - {None}, valid, chosen)
    priced, used = [], []
    for no, (ln, vals) in enumerate(zip(lines, values), start=1):
        pid = ids[ln["product"]]
        gtin, name = products[pid]
        quantity = vals["quantity"]
        assert quantity is not None
        best = min((c for c in items.get(pid, ()) if c.tier <= quantity), key=lambda c: (c.rank, -c.tier),
                   default=None)
        if best is None and vals["unit_price"] is None:
            raise _no_price(session, no, quantity, gtin, name, customer_id, currency, moment, items.get(pid, ()))
        config = ln.get("configuration_id")
        options = extras.get(config, ()) if config is not None else ()
        used += [best] if best is not None else []
        terms = LineTerms(quantity=quantity, list_price=best.amount if best else None,
                          surcharges=tuple(s for s, _c in options), given_price=vals["unit_price"],
                          discount=vals["discount"] or Decimal(0), document_discount=document_discount,
                          tax_rate=vals["tax_rate"] or Decimal(0), line_no=int(ln.get("line_no") or no), product=gtin,
                          product_name=name, price_list=best.code if best else None,
                          tier=best.tier if best else None, configuration_id=config)
        used += [c for _s, c in options if c is not None]
        priced.append(price_line(terms))
    top = min(used, key=lambda c: c.rank, default=None)
    head = chosen or (session.get(PriceList, top.list_id) if top else None)
    return pricing_of(priced, currency=currency, document_discount=document_discount,
                      customer=_party_text(session, customer_id), at=moment, price_list=head.code if head else None,
                      price_list_id=head.id if head else None)


def _chosen_list(session: Session, price_list: str | int | PriceList | None, customer_id: int | None,
                 currency: str, moment: datetime) -> PriceList | None:
    if price_list is None:
        return None
    plist = get_price_list(session, price_list)
    where = f"price list {plist.code}"
    if plist.currency != currency:
        raise RuleViolation(f"the list is in {plist.currency}, the document in {currency}", where=where)
    if plist.valid_from > moment or (plist.valid_until is not None and plist.valid_until <= moment):
        until = f" until {plist.valid_until:%Y-%m-%d}" if plist.valid_until else ""
        raise RuleViolation(f"the list is valid from {plist.valid_from:%Y-%m-%d}{until}, not on {moment:%Y-%m-%d}",
                            where=where)
    if plist.party_id is not None and plist.party_id != customer_id:
        raise RuleViolation(f"the list is for another customer: {_party_text(session, plist.party_id)}", where=where)
    return plist


def _valid_lists(currency: str, moment: datetime, customer_id: int | None) -> Any:
    """The condition on ``price_lists`` for the lists a document of ``customer_id`` may be priced from."""
    return and_(PriceList.currency == currency, PriceList.valid_from <= moment,
                or_(PriceList.valid_until.is_(None), PriceList.valid_until > moment),
                or_(PriceList.party_id.is_(None), PriceList.party_id == customer_id))


def _rank(list_id: int, owner: int | None, start: datetime, chosen: PriceList | None) -> tuple[int, int, float, int]:
    # The list asked for, then the customer's own, then the newest, then the last made: lower ranks first.
    return (0 if chosen is not None and list_id == chosen.id else 1, 0 if owner is not None else 1,
            -(start - _EPOCH).total_seconds(), -list_id)


def _surcharges(session: Session, configurations: set[int], valid: Any,
                chosen: PriceList | None) -> dict[int, list[tuple[Surcharge, _Listed | None]]]:
    """The options of each configuration, in group and option order, each with its best-ranked surcharge."""
    if not configurations:
        return {}
    offered = (select(PriceSurcharge.option_id, PriceSurcharge.amount, PriceList.id.label("list_id"),
                      PriceList.code, PriceList.party_id, PriceList.valid_from)
               .join(PriceList, PriceList.id == PriceSurcharge.price_list_id).where(valid).subquery())
    rows = session.execute(
        select(Configuration.id, ConfigOption.id, ConfigOption.code, ConfigOption.name, offered.c.amount,
               offered.c.list_id, offered.c.code, offered.c.party_id, offered.c.valid_from)
        .outerjoin(ConfigurationOption, ConfigurationOption.configuration_id == Configuration.id)
        .outerjoin(ConfigOption, ConfigOption.id == ConfigurationOption.option_id)
        .outerjoin(ConfigOptionGroup, ConfigOptionGroup.id == ConfigOption.group_id)
        .outerjoin(offered, offered.c.option_id == ConfigOption.id)
        .where(Configuration.id.in_(configurations))
        .order_by(Configuration.id, ConfigOptionGroup.position, ConfigOption.position, ConfigOption.code)).all()
    best: dict[int, dict[int, tuple[Surcharge, _Listed | None]]] = {c: {} for c in configurations if c}
    seen = set()
    for config, option, code, name, amount, list_id, list_code, owner, start in rows:
        seen.add(config)
        if option is None:
            continue
        found = None if list_id is None else _Listed(_rank(list_id, owner, start, chosen), list_code, list_id, amount)
        current = best[config].get(option)
        if current is None or (found is not None and (current[1] is None or found.rank < current[1].rank)):
            best[config][option] = (Surcharge(code, name, found.amount if found else Decimal(0),
                                              found.code if found else None), found)
    missing = configurations - seen
    if missing:
        raise NotFound(f"no configuration {min(missing)}", where="configuration_id")
    return {c: list(options.values()) for c, options in best.items()}


def _no_price(session: Session, no: int, quantity: Decimal, gtin: str, name: str, customer_id: int | None,
              currency: str, moment: datetime, candidates: Iterable[_Listed]) -> NotFound:
    tiers = sorted({c.tier for c in candidates})
    why = (f"the lowest tier on a valid list starts at {number_text(tiers[0])}" if tiers
           else "no price list valid then has it")
    customer = _party_text(session, customer_id)
    return NotFound(f"no price for {number_text(quantity)} x {gtin} ({name}) for "
                    f"{'customer ' + customer if customer else 'no customer'} "
                    f"in {currency} on {moment:%Y-%m-%d}: {why}", where=f"line {no}.product")


def _party_text(session: Session, pid: int | None) -> str | None:
    """A party as ``NAME (identifier)``; ``None`` for none."""
    if pid is None:
        return None
    found = session.execute(select(Party.name, Node.identifier).join(Node, Node.id == Party.node_id)
                            .where(Party.id == pid)).first()
    return f"{found[0]} ({found[1]})" if found else str(pid)


def pricing_snapshot(pricing: Pricing) -> dict[str, Any]:
    """How each line was priced, for a document's ``attributes["pricing"]`` (by line number, as text)."""
    return {str(ln.terms.line_no): {
        "price_list": ln.terms.price_list, "tier": None if ln.terms.tier is None else number_text(ln.terms.tier),
        "price_given": ln.price_given,
        "surcharges": [{"option": s.option, "name": s.name, "amount": str(s.amount), "price_list": s.price_list}
                       for s in ln.terms.surcharges],
    } for ln in pricing.lines}


def explain(session: Session, document: Document) -> Pricing:
    """The pricing of a stored document, from its lines (their prices, discounts and tax) and, for a
    quote, how each line was priced then (``attributes["pricing"]``); two statements."""
    snapshot = (document.attributes or {}).get(PRICING_ATTRIBUTE) or {}
    lines = lines_of(session, document)
    products = {pid: (gtin, name) for pid, gtin, name in session.execute(
        select(Product.id, Product.gtin, Product.name).where(Product.id.in_({ln.product_id for ln in lines})))}
    discount = document.discount or Decimal(0)
    priced = []
    for ln in lines:
        made = snapshot.get(str(ln.line_no), {})
        surcharges = tuple(Surcharge(s["option"], s["name"], Decimal(s["amount"]), s.get("price_list"))
                           for s in made.get("surcharges", ()))
        if not surcharges and ln.surcharge:
            surcharges = (Surcharge("", "options", ln.surcharge),)
        listed = None if ln.list_price is None else ln.list_price + sum((s.amount for s in surcharges), Decimal(0))
        given = None if listed is not None and not made.get("price_given") and ln.unit_price == listed \
            else ln.unit_price
        gtin, name = products.get(ln.product_id, (None, None))
        priced.append(price_line(LineTerms(
            quantity=ln.quantity, list_price=ln.list_price, surcharges=surcharges, given_price=given,
            discount=ln.discount, document_discount=discount, tax_rate=ln.tax_rate, line_no=ln.line_no, product=gtin,
            product_name=name, price_list=made.get("price_list"),
            tier=Decimal(made["tier"]) if made.get("tier") else None, configuration_id=ln.configuration_id)))
    plist = session.get(PriceList, document.price_list_id) if document.price_list_id else None
    return pricing_of(priced, currency=document.currency or "", document_discount=discount,
                      customer=_party_text(session, document.party_id),
                      at=document.created_at, price_list=plist.code if plist else None,
                      price_list_id=document.price_list_id)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def amount_text(value: Decimal, *, grouped: bool = False) -> str:
    """Money as text: to the cent, or to its own places when it has more (a price per gram); ``grouped``
    puts commas between thousands (for documents people read).

    Examples
    --------
    >>> amount_text(Decimal("105.0000")), amount_text(Decimal("0.1234")), amount_text(Decimal("3"))
    ('105.00', '0.1234', '3.00')
    >>> amount_text(Decimal("4345.6800"), grouped=True), amount_text(Decimal("1234.5678"), grouped=True)
    ('4,345.68', '1,234.5678')
    """
    exact, cents = value.normalize(), _cents(value)
    shown = cents if exact == cents else exact
    return f"{shown:,f}" if grouped else f"{shown:f}"


def number_text(value: Decimal | None) -> str:
    """A quantity as text without trailing zeros.

    Examples
    --------
    >>> number_text(Decimal("10.000000")), number_text(Decimal("2.5")), number_text(None)
    ('10', '2.5', '-')
    """
    return "-" if value is None else f"{value.normalize():f}"


def percent(fraction: Decimal) -> str:
    """A fraction as a percentage.

    Examples
    --------
    >>> percent(Decimal("0.145000")), percent(Decimal("0.2")), percent(Decimal("0.1234567"))
    ('14.5 %', '20 %', '12.34567 %')
    """
    return f"{(fraction * 100).normalize():f} %"


__all__ = [
    "LinePrice", "LineTerms", "PRICING_ATTRIBUTE", "Pricing", "Surcharge", "amount_text", "define_price_list",
    "explain", "get_price_list", "number_text", "percent", "price_line", "price_lines", "pricing_of",
    "pricing_snapshot", "set_standalone_price",
]
