"""The quote form as a person fills it in: what it shows (a new quote blank, a change prefilled with the
version's lines) and what it sends, read into the input :mod:`cradletrace.commerce.quote_drafts` takes.

A person types discounts as percentages ("10" is 10 %); the core takes fractions, so the form converts
both ways here and nowhere else. Rows left empty are spare rows, skipped by the core's reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from werkzeug.datastructures import MultiDict

from cradletrace.commerce.pricing import number_text
from cradletrace.commerce.quote_summary import QuoteSummary
from cradletrace.errors import InvalidInput

SPARE_ROWS = 3
"""Empty line rows the form offers after the lines it shows (at least :data:`MIN_ROWS` rows in all)."""
MIN_ROWS = 5
LINE_FIELDS = ("product", "configuration", "quantity", "discount", "unit_price")


@dataclass
class QuoteForm:
    """The values of the form's fields, as text (what was typed, or what the version holds)."""

    number: str = ""
    customer: str = ""
    currency: str = "EUR"
    valid_until: str = ""
    discount: str = ""
    price_list: str = ""
    lines: list[dict[str, str]] = field(default_factory=list)

    @property
    def rows(self) -> list[dict[str, str]]:
        """The line rows to show: the lines, then spare rows."""
        spare = max(SPARE_ROWS, MIN_ROWS - len(self.lines))
        return self.lines + [dict.fromkeys(LINE_FIELDS, "") for _ in range(spare)]


def percent_text(fraction: Decimal | None) -> str:
    """A fraction as the percentage a person types (``""`` for none or zero).

    Examples
    --------
    >>> percent_text(Decimal("0.145000")), percent_text(Decimal("0")), percent_text(None)
    ('14.5', '', '')
    """
    return "" if not fraction else number_text(Decimal(fraction) * 100)


def from_form(form: MultiDict[str, str]) -> QuoteForm:
    """What was typed, kept as text to show again if the core refuses it."""
    count = sum(1 for key in form if key.startswith("line-") and key.endswith("-quantity"))
    lines = [{name: form.get(f"line-{i}-{name}", "").strip() for name in LINE_FIELDS} for i in range(count)]
    return QuoteForm(**{name: form.get(name, "").strip()
                        for name in ("number", "customer", "currency", "valid_until", "discount", "price_list")},
                     lines=[ln for ln in lines if any(ln.values())])


def from_quote(summary: QuoteSummary) -> QuoteForm:
    """A version's values, to change it: configured lines by configuration, the others by product, a price given by
    hand kept (the others are priced again); the price list is left blank, which keeps the one asked for before."""
    lines = []
    for line in summary.pricing.lines:
        configured = line.terms.configuration_id
        lines.append({"product": "" if configured else line.terms.product or "",
                      "configuration": str(configured or ""), "quantity": number_text(line.terms.quantity),
                      "discount": percent_text(line.terms.discount),
                      "unit_price": number_text(line.terms.given_price) if line.price_given else ""})
    return QuoteForm(number=summary.number, customer=summary.customer_id or "", currency=summary.currency or "",
                     valid_until=f"{summary.valid_until:%Y-%m-%d}" if summary.valid_until else "",
                     discount=percent_text(summary.pricing.document_discount), lines=lines)


def draft_input(form: QuoteForm) -> dict[str, Any]:
    """The form as :func:`~cradletrace.commerce.quote_drafts.draft_quote` takes it (percentages as fractions)."""
    lines = [{"product": ln["product"], "configuration": ln["configuration"], "quantity": ln["quantity"],
              "discount": _fraction(ln["discount"], where=f"line {no} discount"), "unit_price": ln["unit_price"]}
             for no, ln in enumerate(form.lines, start=1)]
    return {"number": form.number or None, "customer": form.customer, "currency": form.currency,
            "valid_until": form.valid_until or None, "price_list": form.price_list or None,
            "discount": _fraction(form.discount, where="discount") or 0, "lines": lines}


def _fraction(text: str, *, where: str) -> Decimal | None:
    """A percentage typed ("10", "12.5 %") as a fraction; ``None`` when left empty."""
    text = text.replace("%", "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(f"{text!r} is not a percentage", where=where) from None
    if not value.is_finite():
        raise InvalidInput(f"{text!r} is not a percentage", where=where)
    return value / 100


__all__ = ["LINE_FIELDS", "MIN_ROWS", "QuoteForm", "SPARE_ROWS", "draft_input", "from_form",
           "from_quote", "percent_text"]
