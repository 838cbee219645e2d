"""The payment forms as a person fills them in: what was typed (kept as text, to show again when the core
refuses it) and the input :mod:`cradletrace.commerce.payment_drafts` takes.

The form lists the customer's open invoices, each a row ``apply-N-invoice`` (hidden: the invoice's number, which
may hold slashes) and ``apply-N-amount`` (blank: not applied); the apply form on a payment's page sends the same
rows. Reading them (a blank amount is skipped, a bad one refused naming its row) is the core's, as for the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

PAYMENT_FIELDS = ("customer", "amount", "currency", "date", "number")


@dataclass
class PaymentForm:
    """The values of the form's fields, as text; ``applications`` is the amount typed per invoice number."""

    customer: str = ""
    amount: str = ""
    currency: str = ""
    date: str = ""
    number: str = ""
    applications: dict[str, str] = field(default_factory=dict)

    def applied(self, invoice: str) -> str:
        """The amount typed for ``invoice`` (blank for none)."""
        return self.applications.get(invoice, "")


def typed_applications(form: MultiDict[str, str]) -> dict[str, str]:
    """The application rows posted, as {invoice number: amount typed}, in the order of the form.

    Examples
    --------
    >>> typed_applications(MultiDict({"apply-0-invoice": "INV-1", "apply-0-amount": " 60 ",
    ...                               "apply-1-invoice": "BNK/2026/7", "apply-1-amount": ""}))
    {'INV-1': '60', 'BNK/2026/7': ''}
    """
    count = sum(1 for key in form if key.startswith("apply-") and key.endswith("-invoice"))
    rows = ((form.get(f"apply-{i}-invoice", "").strip(), form.get(f"apply-{i}-amount", "").strip())
            for i in range(count))
    return {invoice: amount for invoice, amount in rows if invoice}


def from_form(form: MultiDict[str, str]) -> PaymentForm:
    """What was typed into the payment form."""
    return PaymentForm(**{name: form.get(name, "").strip() for name in PAYMENT_FIELDS},
                       applications=typed_applications(form))


def rows_of(applications: dict[str, str]) -> list[dict[str, str]]:
    """The typed applications as the rows :func:`~cradletrace.commerce.payment_drafts.read_applications` reads."""
    return [{"invoice": invoice, "amount": amount} for invoice, amount in applications.items()]


def payment_input(form: PaymentForm) -> dict[str, Any]:
    """The form as :func:`~cradletrace.commerce.payment_drafts.record_payment` takes it."""
    return {"customer": form.customer, "amount": form.amount, "currency": form.currency, "date": form.date or None,
            "number": form.number or None, "applications": rows_of(form.applications)}


__all__ = ["PAYMENT_FIELDS", "PaymentForm", "from_form", "payment_input", "rows_of", "typed_applications"]
