"""Document lines: product, quantity, unit price, discount and tax, and the totals they make.

A line's net amount is ``quantity x unit_price x (1 - discount) x (1 - document discount)`` and its
tax ``net x tax_rate``, each rounded to the cent (half up); a document's amount is the sum of its
lines' net plus tax. The document discount (``Document.discount``, quote-to-cash) applies to every
line, after the line's own; a following document (order from quote, invoice from order, credit note
from invoice) carries its source's document discount and the lines' fields (:func:`carried`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.commerce.documents import CENT, decimal
from cradletrace.configure.configurations import configured_products
from cradletrace.errors import InvalidInput
from cradletrace.lifecycle.masterdata import product_ids
from cradletrace.models import Document, DocumentKind, Line, Product


def line_total(quantity: Decimal, unit_price: Decimal | None, discount: Decimal = Decimal(0),
               tax_rate: Decimal = Decimal(0), document_discount: Decimal = Decimal(0)) -> tuple[Decimal, Decimal]:
    """Net amount and tax of one line, each rounded to the cent.

    Examples
    --------
    >>> line_total(Decimal(3), Decimal("19.99"), Decimal("0.1"), Decimal("0.2"))
    (Decimal('53.97'), Decimal('10.79'))

    A document discount of 5 % on top: 3 x 19.99 x 0.9 x 0.95 = 51.2744 -> 51.27, tax 10.254 -> 10.25.

    >>> line_total(Decimal(3), Decimal("19.99"), Decimal("0.1"), Decimal("0.2"), Decimal("0.05"))
    (Decimal('51.27'), Decimal('10.25'))
    """
    gross = quantity * (unit_price or Decimal(0))
    net = (gross * (1 - discount) * (1 - document_discount)).quantize(CENT, rounding=ROUND_HALF_UP)
    return net, (net * tax_rate).quantize(CENT, rounding=ROUND_HALF_UP)


def add_lines(session: Session, doc: Document, lines: Sequence[Mapping[str, Any]]) -> list[Line]:
    """Add lines (``product``, ``quantity``, ``unit_price``, ``discount``, ``tax_rate``, ``source_line_id``,
    and for quote-to-cash ``configuration_id``, ``list_price``, ``surcharge``) to ``doc`` and set its
    amount and tax; flush. A line with a ``configuration_id`` is for the configuration's product
    (:func:`cradletrace.configure.configured_products`), which it may leave out."""
    if not lines:
        raise InvalidInput("a document needs at least one line", where=f"{doc.kind.value} {doc.number}")
    prefix = f"{doc.kind.value} {doc.number}"
    products = line_products(session, lines, where=prefix)
    frozen = standalone_prices(session, doc, products)
    made = []
    for no, (ln, product_id) in enumerate(zip(lines, products), start=1):
        where = f"{prefix} line {no}"
        made.append(Line(document_id=doc.id, line_no=int(ln.get("line_no") or no), product_id=product_id,
                         source_line_id=ln.get("source_line_id"), configuration_id=ln.get("configuration_id"),
                         standalone_price=frozen.get(product_id) if product_id is not None else None,
                         **line_values(ln, where=where)))
    session.add_all(made)
    session.flush()
    set_totals(doc, made)
    return made


SALE_KINDS = frozenset({DocumentKind.ORDER, DocumentKind.SERVICE_ORDER, DocumentKind.INVOICE})
"""The documents whose lines keep their products' standalone selling prices: what revenue allocates (an order, or
an invoice that follows none)."""


def standalone_prices(session: Session, doc: Document, products: Iterable[int | None]) -> dict[int, Decimal]:
    """The standalone selling prices of ``products`` in ``doc``'s currency now, for a sale's lines to keep (IFRS 15
    allocates by the prices at the contract's inception, not by later ones); nothing for other documents. One
    query, none when there is nothing to keep."""
    wanted = {p for p in products if p is not None}
    if doc.kind not in SALE_KINDS or not wanted or not doc.currency:
        return {}
    return {pid: price for pid, price in session.execute(
        select(Product.id, Product.standalone_price).where(
            Product.id.in_(wanted), Product.standalone_currency == doc.currency,
            Product.standalone_price.is_not(None)))}


def line_products(session: Session, lines: Sequence[Mapping[str, Any]], *, where: str = "") -> list[int | None]:
    """The ``products.id`` each line sells: its ``product`` (an id or a GTIN in any form), or for a line with a
    ``configuration_id`` the configuration's product (its variant, or the model's base product), which the
    line may leave out but must not contradict. Two queries for all lines; errors name ``where`` and the line.
    """
    ids = product_ids(session, [ln["product"] for ln in lines if ln.get("product") is not None])
    configured = configured_products(session, [ln["configuration_id"] for ln in lines
                                               if ln.get("configuration_id") is not None])
    found: list[int | None] = []
    for no, ln in enumerate(lines, start=1):
        product_id = ids.get(ln["product"]) if ln.get("product") is not None else None
        if ln.get("configuration_id") is not None:
            sold = configured[ln["configuration_id"]]
            if product_id not in (None, sold):
                raise InvalidInput(f"the product is not configuration {ln['configuration_id']}'s (its variant or "
                                   "base product): leave it out to take the configuration's",
                                   where=f"{where} line {no}.product".lstrip())
            product_id = sold
        found.append(product_id)
    return found


def line_values(line: Mapping[str, Any], *, where: str) -> dict[str, Decimal | None]:
    """The numbers of a line given as a mapping, checked: ``quantity`` (positive), ``unit_price``, ``discount``
    (a fraction), ``tax_rate``, ``list_price`` and ``surcharge`` (none of them negative); errors name ``where``.

    Examples
    --------
    >>> line_values({"quantity": "2", "unit_price": "9.50", "discount": "0.1"}, where="quote Q1 line 1")["discount"]
    Decimal('0.1')
    >>> line_values({"quantity": 0}, where="quote Q1 line 2")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: quote Q1 line 2.quantity: quantity must be positive, got 0
    """
    quantity = decimal(line.get("quantity"), where=f"{where}.quantity")
    if quantity <= 0:
        raise InvalidInput(f"quantity must be positive, got {quantity}", where=f"{where}.quantity")
    discount = decimal(line.get("discount") or 0, where=f"{where}.discount")
    if not 0 <= discount <= 1:
        raise InvalidInput(f"discount is a fraction from 0 to 1, got {discount}", where=f"{where}.discount")
    values: dict[str, Decimal | None] = {"quantity": quantity, "discount": discount,
                                         "tax_rate": decimal(line.get("tax_rate") or 0, where=f"{where}.tax_rate")}
    for name in ("unit_price", "list_price", "surcharge"):
        value = line.get(name)
        values[name] = None if value is None else decimal(value, where=f"{where}.{name}")
    for name, value in values.items():
        if name != "discount" and value is not None and value < 0:
            raise InvalidInput(f"{name} cannot be negative, got {value}", where=f"{where}.{name}")
    return values


def carried(line: Line, **changes: Any) -> dict[str, Any]:
    """The fields of ``line`` that a following document's line takes over (its source line is ``line``)."""
    return {"product": line.product_id, "quantity": line.quantity, "unit_price": line.unit_price,
            "discount": line.discount, "tax_rate": line.tax_rate, "configuration_id": line.configuration_id,
            "list_price": line.list_price, "surcharge": line.surcharge, "source_line_id": line.id, **changes}


def set_totals(doc: Document, lines: Iterable[Line]) -> None:
    """Set ``doc.amount`` (net + tax) and ``doc.tax`` from its lines and the document discount."""
    net = tax = Decimal(0)
    document_discount = doc.discount or Decimal(0)
    for ln in lines:
        n, t = line_total(ln.quantity, ln.unit_price, ln.discount, ln.tax_rate, document_discount)
        net, tax = net + n, tax + t
    doc.amount, doc.tax = net + tax, tax


def lines_of(session: Session, doc: Document) -> list[Line]:
    """The lines of a document in line order."""
    return list(session.execute(select(Line).where(Line.document_id == doc.id).order_by(Line.line_no)).scalars())
