"""The contract form as a person fills it in: what it shows (a new contract blank, a negotiation prefilled with the
latest terms) and what it sends, kept as text to show again when the core refuses it.

The form's fields are the terms :mod:`cradletrace.contracts.drafts` reads (its reading is the one the API uses
too); warranties and plans are rows of a table, with spare rows that the core skips when left empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from cradletrace.contracts.drafts import PLAN_KEYS, WARRANTY_KEYS
from cradletrace.contracts.terms import Terms

SPARE_ROWS = 2
"""Empty rows the form offers after the warranties and plans it shows (at least :data:`MIN_ROWS` rows in all)."""
MIN_ROWS = 3
TERM_FIELDS = ("starts_at", "ends_at", "price_list", "payment_terms_days", "renewal_notice_days")
"""The form's fields for the terms that are one value each."""


@dataclass
class ContractForm:
    """The values of the form's fields, as text (what was typed, or what the latest terms hold)."""

    number: str = ""
    customer: str = ""
    currency: str = "EUR"
    starts_at: str = ""
    ends_at: str = ""
    price_list: str = ""
    payment_terms_days: str = "30"
    renewal_notice_days: str = "60"
    note: str = ""
    warranties: list[dict[str, str]] = field(default_factory=list)
    plans: list[dict[str, str]] = field(default_factory=list)

    @property
    def warranty_rows(self) -> list[dict[str, str]]:
        """The warranty rows to show: the warranties, then spare rows."""
        return _with_spares(self.warranties, WARRANTY_KEYS)

    @property
    def plan_rows(self) -> list[dict[str, str]]:
        """The plan rows to show: the plans, then spare rows."""
        return _with_spares(self.plans, PLAN_KEYS)


def _with_spares(rows: list[dict[str, str]], keys: tuple[str, ...]) -> list[dict[str, str]]:
    return rows + [dict.fromkeys(keys, "") for _ in range(max(SPARE_ROWS, MIN_ROWS - len(rows)))]


def _table(form: MultiDict[str, str], prefix: str, keys: tuple[str, ...]) -> list[dict[str, str]]:
    count = sum(1 for key in form if key.startswith(f"{prefix}-") and key.endswith(f"-{keys[0]}"))
    rows = [{name: form.get(f"{prefix}-{i}-{name}", "").strip() for name in keys} for i in range(count)]
    return [row for row in rows if any(row.values())]


def from_form(form: MultiDict[str, str]) -> ContractForm:
    """What was typed, kept as text to show again if the core refuses it (empty rows dropped: the spare rows come
    back after the others)."""
    return ContractForm(**{name: form.get(name, "").strip() for name in (
        "number", "customer", "currency", *TERM_FIELDS, "note")},
        warranties=_table(form, "warranty", WARRANTY_KEYS), plans=_table(form, "plan", PLAN_KEYS))


def from_terms(terms: Terms) -> ContractForm:
    """The latest terms, to negotiate from: dates as days, products by GTIN; the note left for what is agreed now."""
    return ContractForm(
        starts_at=f"{terms.starts_at:%Y-%m-%d}", ends_at=f"{terms.ends_at:%Y-%m-%d}", price_list=terms.price_list or "",
        payment_terms_days=str(terms.payment_terms_days), renewal_notice_days=str(terms.renewal_notice_days),
        warranties=[{"product": w.gtin, "months": str(w.months)} for w in terms.warranties],
        plans=[{"plan": p.code, "product": p.product or "",
                "starts_at": f"{p.starts_at:%Y-%m-%d}" if p.starts_at else ""} for p in terms.plans])


def terms_input(form: ContractForm) -> dict[str, Any]:
    """The form's terms as :func:`~cradletrace.contracts.drafts.negotiate` reads them (every term: what did not
    change is found equal and kept)."""
    return {**{name: getattr(form, name) for name in TERM_FIELDS},
            "warranties": form.warranties, "plans": form.plans}


def draft_input(form: ContractForm) -> dict[str, Any]:
    """The form as :func:`~cradletrace.contracts.drafts.draft_contract` reads it."""
    return {"number": form.number or None, "customer": form.customer, "currency": form.currency,
            "note": form.note, **terms_input(form)}


__all__ = ["ContractForm", "MIN_ROWS", "SPARE_ROWS", "TERM_FIELDS", "draft_input", "from_form", "from_terms",
           "terms_input"]
