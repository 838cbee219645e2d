"""Contracts: the list (state, customer, period, renewal due) with the renewal reminders on top, and a
contract's page: its state and history (who, when, why), every version of its terms with what changed
from the version before, its documents (quotes, orders, invoices, each linked to its page) and the units
it covers (each linked to its passport), and its state actions as forms (approve, sign, activate,
renew, expire, terminate: those the core allows in its state; the core refuses the rest); the form that drafts a
new contract, and the one that negotiates its terms into the next version (:mod:`cradletrace.contracts.drafts`, as
the JSON API does).

Routing over the core's readers, the JSON API's too: the list is
:func:`cradletrace.contracts.summary.list_contracts` and :func:`cradletrace.contracts.renewals_due`, the page
:func:`cradletrace.contracts.summary.summarise`, what ``cradletrace contract show`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask.wrappers import Response

from cradletrace.contracts import activate, approve, expire, renew, renewals_due, sign, terminate
from cradletrace.contracts.drafts import contract_choices, draft_contract, negotiate, read_moment
from cradletrace.contracts.lifecycle import TRANSITIONS, get_contract, next_state
from cradletrace.contracts.periods import add_months
from cradletrace.contracts.summary import CONTRACT_STATES, ContractSummary, list_contracts, summarise
from cradletrace.contracts.terms import Terms
from cradletrace.errors import RuleViolation
from cradletrace.passport import parse_as_of
from cradletrace.web.auth import login_required
from cradletrace.web.commercial import SALES_ROLES, act, register, submit, user_name
from cradletrace.web.db import get_session
from cradletrace.web.sales.contract_form import ContractForm, draft_input, from_form, from_terms, terms_input

bp = Blueprint("contracts", __name__, url_prefix="/sales/contracts")
bp.record_once(register)

ACTIONS = ("approve", "sign", "activate", "renew", "expire", "terminate")
"""The state actions the page offers as buttons (a change of terms is a negotiation: a form of its own)."""


@dataclass(frozen=True)
class TermsVersion:
    """A version of the terms with what changed from the one before (nothing for the first)."""

    terms: Terms
    changes: tuple[str, ...]


def term_changes(before: Terms | None, after: Terms) -> tuple[str, ...]:
    """What a version of the terms changed from the version before, in words (nothing for the first).

    Examples
    --------
    >>> from cradletrace.contracts.terms import PlanTerm, Warranty
    >>> v1 = Terms("C-1", 1, None, 30, datetime(2026, 1, 1), datetime(2027, 1, 1), 60, datetime(2025, 12, 1),
    ...            "sam", None, (Warranty("0950", "Pump", 24),), ())
    >>> gold = PlanTerm("GOLD-36", "Gold service", "0950", "Pump", None, 36, ("repair",))
    >>> v2 = Terms("C-1", 2, "ALPHA", 45, datetime(2026, 1, 1), datetime(2028, 1, 1), 60, datetime(2025, 12, 5),
    ...            "sam", "longer", (Warranty("0950", "Pump", 36),), (gold,))
    >>> for change in term_changes(v1, v2): print(change)
    price list: none → ALPHA
    payment terms: 30 → 45 days
    ends: 2027-01-01 → 2028-01-01
    warranty of Pump (0950): 24 → 36 months
    plan GOLD-36 (Gold service) for Pump added
    >>> term_changes(None, v1)
    ()
    """
    if before is None:
        return ()
    out = []
    for label, old, new, unit in (
            ("price list", before.price_list or "none", after.price_list or "none", ""),
            ("payment terms", before.payment_terms_days, after.payment_terms_days, " days"),
            ("starts", f"{before.starts_at:%Y-%m-%d}", f"{after.starts_at:%Y-%m-%d}", ""),
            ("ends", f"{before.ends_at:%Y-%m-%d}", f"{after.ends_at:%Y-%m-%d}", ""),
            ("renewal notice", before.renewal_notice_days, after.renewal_notice_days, " days")):
        if old != new:
            out.append(f"{label}: {old} → {new}{unit}")
    old_w = {w.gtin: w for w in before.warranties}
    new_w = {w.gtin: w for w in after.warranties}
    for gtin in dict.fromkeys([*old_w, *new_w]):
        was, now = old_w.get(gtin), new_w.get(gtin)
        name = f"{(now or was).product} ({gtin})"  # type: ignore[union-attr]
        if was is None:
            out.append(f"warranty of {name}: {now.months} months added")  # type: ignore[union-attr]
        elif now is None:
            out.append(f"warranty of {name} removed")
        elif was.months != now.months:
            out.append(f"warranty of {name}: {was.months} → {now.months} months")

    def plan_key(p: Any) -> tuple[str, str | None, datetime | None]:
        return p.code, p.product, p.starts_at

    def plan_text(p: Any) -> str:
        start = f" from {p.starts_at:%Y-%m-%d}" if p.starts_at else ""
        return f"plan {p.code} ({p.name}) for {p.product_name or p.product or 'all products'}{start}"

    old_p = {plan_key(p): p for p in before.plans}
    new_p = {plan_key(p): p for p in after.plans}
    out += [f"{plan_text(p)} removed" for k, p in old_p.items() if k not in new_p]
    out += [f"{plan_text(p)} added" for k, p in new_p.items() if k not in old_p]
    return tuple(out)


def term_versions(summary: ContractSummary) -> list[TermsVersion]:
    """Every version of the contract's terms, newest first, each with what it changed."""
    made = [TermsVersion(t, term_changes(summary.terms[i - 1] if i else None, t)) for i, t in enumerate(summary.terms)]
    return made[::-1]


def allowed_actions(status: str) -> list[str]:
    """The state actions the core allows a contract in ``status``
    (:data:`~cradletrace.contracts.lifecycle.TRANSITIONS`).

    Examples
    --------
    >>> allowed_actions("draft"), allowed_actions("active"), allowed_actions("expired")
    (['approve', 'terminate'], ['renew', 'expire', 'terminate'], [])
    """
    return [a for a in ACTIONS if status in TRANSITIONS[a][0]]


@bp.get("")
@login_required(*SALES_ROLES)
def contracts() -> Any:
    """The contracts (``?state=`` filters), the renewals due on top (at ``?at=``, a date; default now)."""
    state = request.args.get("state", "")
    at = parse_as_of(request.args.get("at"))
    session = get_session()
    rows = list_contracts(session, status=state if state in CONTRACT_STATES else None, at=at)
    return render_template("sales/contracts.html", rows=rows, reminders=renewals_due(session, at),
                           states=CONTRACT_STATES, state=state, at=request.args.get("at", ""))


@bp.get("/<path:number>")
@login_required(*SALES_ROLES)
def contract(number: str) -> Any:
    """A contract's page, with the terms in force at ``?at=`` (a date; default now)."""
    summary = summarise(get_session(), number, parse_as_of(request.args.get("at")))
    current = summary.current
    return render_template("sales/contract.html", c=summary, current=current, versions=term_versions(summary),
                           actions=allowed_actions(summary.status), negotiable=frozen_terms(summary) is None,
                           renew_until=add_months(current.ends_at, 12))


def frozen_terms(summary: ContractSummary) -> str | None:
    """Why the contract's terms cannot change in its state (the core's words), or ``None`` when they can."""
    try:
        next_state(summary.number, summary.status, "change terms")
    except RuleViolation as refused:
        return refused.message
    return None


@bp.route("/new", methods=["GET", "POST"])
@login_required(*SALES_ROLES)
def new() -> Any:
    """The form for a new contract; posted, it is drafted (303 to its page) or refused (422, the form again with what
    was typed and the core's reason)."""
    shown = {"title": "New contract", "action": url_for("contracts.new")}
    if request.method == "GET":
        return _form(ContractForm(), **shown)
    typed = from_form(request.form)
    return submit(lambda: draft_contract(get_session(), **draft_input(typed), by=user_name()),
                  again=lambda error: _form(typed, **shown, error=error),
                  done=lambda made: (f"Contract {made.number} drafted.",
                                     url_for("contracts.contract", number=made.number)))


@bp.route("/<path:number>/terms", methods=["GET", "POST"])
@login_required(*SALES_ROLES)
def terms(number: str) -> Any:
    """The form that negotiates a contract's terms, prefilled with the latest version; posted, the next version is
    written with what differs (303 to the contract) or refused (422 with the reason). Signed or later, the terms
    are frozen: the page says so and offers no form."""
    session = get_session()
    summary = summarise(session, number)
    shown = {"title": f"Change the terms of contract {summary.number}", "contract": summary,
             "latest": summary.terms[-1], "frozen": frozen_terms(summary),
             "action": url_for("contracts.terms", number=summary.number)}
    if request.method == "GET":
        return _form(from_terms(summary.terms[-1]), **shown)
    typed = from_form(request.form)
    return submit(lambda: negotiate(session, summary.number, by=user_name(), note=typed.note, **terms_input(typed)),
                  again=lambda error: _form(typed, **shown, error=error),
                  done=lambda row: (f"Contract {summary.number}: terms v{row.version} saved; the contract is in "
                                    "negotiation.", url_for("contracts.contract", number=summary.number)))


def _form(form: ContractForm, *, title: str, action: str, error: str | None = None, **shown: Any) -> str:
    return render_template("sales/contract_form.html", form=form, title=title, action=action, error=error,
                           choices=contract_choices(get_session()), **shown)


def form_date(name: str) -> date:
    """A date field of the posted form (``YYYY-MM-DD``, or a date-time), read as the API reads it; a missing or
    malformed one is :class:`~cradletrace.errors.InvalidInput`."""
    # Required, so never None.
    return read_moment(request.form.get(name), where=name, required=True)  # type: ignore[return-value]


@bp.post("/<path:number>/<any(" + ", ".join(ACTIONS) + "):action>")
@login_required(*SALES_ROLES)
def change_state(number: str, action: str) -> Response:
    """One state action on a contract, by the signed-in user; the core refuses one its state does not allow."""
    session = get_session()
    doc = get_contract(session, number)
    back = url_for("contracts.contract", number=doc.number)
    note = request.form.get("note", "").strip() or None
    by = user_name()

    def run() -> Any:
        if action == "approve":
            return approve(session, doc, by=by, note=note)
        if action == "sign":
            return sign(session, doc, by=by, note=note)
        if action == "activate":
            return activate(session, doc, by=by, note=note)
        if action == "renew":
            return renew(session, doc, ends_at=form_date("ends_at"), by=by, note=note)
        if action == "expire":
            return expire(session, doc, by=by, note=note)
        return terminate(session, doc, reason=request.form.get("reason", ""), by=by)

    return act(run, back=back, done=lambda made: f"Contract {doc.number} is {made.status.value} now.")


__all__ = ["ACTIONS", "TermsVersion", "allowed_actions", "bp", "form_date", "frozen_terms", "term_changes",
           "term_versions"]
