"""The ``/api`` views for sales: quotes (and their discount approval, sending and acceptance), configurations,
contracts (drafted, negotiated and taken through their states), renewal reminders and a unit's entitlement.

Thin: each reads its parameters (:mod:`cradletrace.web.api.common`) and calls the core
(:mod:`cradletrace.commerce.quote_summary`, :mod:`cradletrace.configure`, :mod:`cradletrace.contracts`),
which checks the rules; a refused action is the core's error as problem+json (a ``RuleViolation`` is 422).
The writes flush and the request commits (:mod:`cradletrace.web.db`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g, url_for
from flask.wrappers import Response

from cradletrace.commerce.approvals import approve_discount, reject_discount
from cradletrace.commerce.documents import party_id
from cradletrace.commerce.quote_drafts import change_quote, draft_quote
from cradletrace.commerce.quote_summary import MAX_LIMIT, list_quotes, summarise_quote
from cradletrace.commerce.quotes import accept_quote, send_quote
from cradletrace.configure import configure, describe, describe_models
from cradletrace.contracts import activate, approve, entitlement, expire, renew, renewals_due, sign, terminate
from cradletrace.contracts.drafts import draft_contract, negotiate, read_moment
from cradletrace.contracts.summary import list_contracts, summarise
from cradletrace.contracts.terms import TERM_NAMES
from cradletrace.errors import InvalidInput
from cradletrace.web.api.common import (
    at_arg,
    body,
    body_text,
    identifier,
    int_arg,
    json_response,
    moment_arg,
    only,
    text_arg,
)
from cradletrace.web.db import get_session

QUOTE_ROLES = ("sales", "sales_manager", "compliance", "admin")
"""Who may read quotes, configurations and the models (compliance and admin read, as everywhere in /api)."""
SELLERS = ("sales", "sales_manager")
"""Who may save a configuration and draft, change, send or accept a quote."""
APPROVERS = ("sales_manager",)
"""Who decides on a discount above the threshold (the core checks the role too)."""
CONTRACT_ROLES = ("sales", "sales_manager", "finance", "compliance", "admin")
"""Who may read contracts and renewal reminders (finance for their payment terms and documents)."""
ENTITLEMENT_ROLES = ("sales", "sales_manager", "finance", "warehouse", "compliance", "admin")
"""Who may ask whether a unit is under warranty or a plan: the staff who sell, bill and service it."""


def _user() -> str:
    return g.user.name


def quotes() -> Response:
    session = get_session()
    limit = int_arg("limit", 100, 1, MAX_LIMIT) or 100
    offset = int_arg("offset", 0, 0, 10**9) or 0
    rows, total = list_quotes(session, status=text_arg("status"), customer=text_arg("customer"),
                              since=moment_arg("from"), until=moment_arg("to"), limit=limit, offset=offset)
    return json_response({"total": total, "limit": limit, "offset": offset, "quotes": [r.to_dict() for r in rows]})


def quote(number: str) -> Response:
    return json_response(summarise_quote(get_session(), number, int_arg("version", None, 1, 10**6)).to_dict())


def quote_pdf(number: str) -> Response:
    from cradletrace.reports.quote_pdf import file_name, quote_sheet, render

    sheet = quote_sheet(get_session(), number, version=int_arg("version", None, 1, 10**6))
    return Response(render(sheet), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{file_name(sheet.number, sheet.version)}"'})


def new_quote() -> Response:
    data = only(body(), ("number", "customer", "currency", "lines", "discount", "valid_until", "price_list"))
    session = get_session()
    made = draft_quote(session, customer=body_text(data, "customer", required=True, limit=200) or "",
                       currency=body_text(data, "currency", required=True, limit=3) or "", lines=data.get("lines"),
                       number=body_text(data, "number", limit=64), discount=data.get("discount") or 0,
                       valid_until=data.get("valid_until"), price_list=body_text(data, "price_list", limit=40),
                       by=_user())
    return json_response(summarise_quote(session, made.number, made.version).to_dict(), status=201,
                         headers={"Location": url_for("api.quote", number=made.number)})


def revise(number: str) -> Response:
    data = only(body(), ("version", "lines", "discount", "valid_until", "price_list"))
    version = data.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int) or version < 1):
        raise InvalidInput("version is a whole number from 1", where="request body version")
    session = get_session()
    changed = change_quote(session, number, version, lines=data.get("lines"), discount=data.get("discount"),
                           valid_until=data.get("valid_until"), price_list=body_text(data, "price_list", limit=40),
                           by=_user())
    return json_response(summarise_quote(session, changed.number, changed.version).to_dict())


def approve_quote(number: str) -> Response:
    data = body()
    approve_discount(get_session(), number, by=_user(), roles=g.roles, note=body_text(data, "note"))
    return json_response(summarise_quote(get_session(), number).to_dict())


def reject_quote_discount(number: str) -> Response:
    data = body()
    reject_discount(get_session(), number, by=_user(), roles=g.roles, note=body_text(data, "note", required=True) or "")
    return json_response(summarise_quote(get_session(), number).to_dict())


def send(number: str) -> Response:
    body()
    send_quote(get_session(), number)
    return json_response(summarise_quote(get_session(), number).to_dict())


def accept(number: str) -> Response:
    data = body()
    order = body_text(data, "order_number", limit=64)
    accept_quote(get_session(), number, order_number=order)
    return json_response(summarise_quote(get_session(), number).to_dict())


def configuration_models() -> Response:
    return json_response({"models": [m.to_dict() for m in describe_models(get_session())]})


def configuration(configuration: int) -> Response:
    return json_response(describe(get_session(), configuration).to_dict())


def save_configuration() -> Response:
    data = body()
    model = body_text(data, "model", required=True, limit=40)
    options = data.get("options")
    if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
        raise InvalidInput("options is a list of option codes", where="request body options")
    saved = configure(get_session(), model or "", options, by=_user())
    location = url_for("api.configuration", configuration=saved.id)
    return json_response(describe(get_session(), saved).to_dict(), status=201, headers={"Location": location})


def contracts() -> Response:
    session = get_session()
    customer = text_arg("customer")
    rows = list_contracts(session, status=text_arg("status"),
                          customer=party_id(session, customer) if customer else None, at=at_arg())
    return json_response({"contracts": [r.to_dict() for r in rows]})


def contract(number: str) -> Response:
    return json_response(summarise(get_session(), number, at_arg()).to_dict())


def new_contract() -> Response:
    data = only(body(), ("number", "customer", "currency", *TERM_NAMES, "note"))
    session = get_session()
    made = draft_contract(session, customer=body_text(data, "customer", required=True, limit=200) or "",
                          currency=body_text(data, "currency", required=True, limit=3) or "",
                          number=body_text(data, "number", limit=64), by=_user(), note=data.get("note"),
                          **{name: data.get(name) for name in TERM_NAMES})
    return json_response(summarise(session, made).to_dict(), status=201,
                         headers={"Location": url_for("api.contract", number=made.number)})


def negotiate_contract(number: str) -> Response:
    data = only(body(), (*TERM_NAMES, "note"))
    session = get_session()
    negotiate(session, number, by=_user(), note=data.get("note"), **{k: v for k, v in data.items() if k != "note"})
    return json_response(summarise(session, number).to_dict())


def _contract_action(number: str, names: tuple[str, ...], action: Callable[[dict[str, Any]], Any]) -> Response:
    """One state action on a contract with the members ``names`` of the body; answers the contract."""
    action(only(body(), names))
    return json_response(summarise(get_session(), number).to_dict())


def approve_contract(number: str) -> Response:
    return _contract_action(number, ("note",), lambda data: approve(
        get_session(), number, by=_user(), note=body_text(data, "note")))


def sign_contract(number: str) -> Response:
    return _contract_action(number, ("note",), lambda data: sign(
        get_session(), number, by=_user(), note=body_text(data, "note")))


def activate_contract(number: str) -> Response:
    return _contract_action(number, ("note",), lambda data: activate(
        get_session(), number, by=_user(), note=body_text(data, "note")))


def renew_contract(number: str) -> Response:
    return _contract_action(number, ("ends_at", "note"), lambda data: renew(
        get_session(), number, ends_at=read_moment(data.get("ends_at"), where="ends_at", required=True),
        by=_user(), note=body_text(data, "note")))


def expire_contract(number: str) -> Response:
    return _contract_action(number, ("note",), lambda data: expire(
        get_session(), number, by=_user(), note=body_text(data, "note")))


def terminate_contract(number: str) -> Response:
    return _contract_action(number, ("reason",), lambda data: terminate(
        get_session(), number, reason=body_text(data, "reason", required=True) or "", by=_user()))


def contract_reminders() -> Response:
    at = at_arg()
    found = renewals_due(get_session(), at)
    return json_response({"at": at, "reminders": [r.to_dict() for r in found]})


def unit_entitlement() -> Response:
    return json_response(entitlement(get_session(), identifier(), at_arg()).to_dict())
