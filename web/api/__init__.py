"""The JSON API under ``/api``: lineage, recall (JSON or CSV), passports and unit metrics; quotes, configurations,
contracts and entitlement (:mod:`~cradletrace.web.api.sales`); revenue, the quote-to-cash KPIs, invoices and
payments (:mod:`~cradletrace.web.api.finance`), for bearer tokens (or a signed-in browser, whose writes carry the
CSRF token in ``X-CSRF-Token``).

One table (:data:`ROUTES`) both registers the views and describes them in the OpenAPI 3.1 document
served at ``/api/openapi.json`` (:mod:`cradletrace.web.api.openapi`), so the two cannot drift
apart; a test checks every ``/api`` route is in the document and every documented path is a route.
Views are thin: they read parameters and call the core (:mod:`cradletrace.lineage`,
:mod:`cradletrace.passport`, ...).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, g, request
from flask.wrappers import Response

from cradletrace.compliance import status as compliance_status
from cradletrace.errors import InvalidInput
from cradletrace.metrics import footprint as unit_footprint
from cradletrace.metrics import materials as unit_materials
from cradletrace.lineage import DEFAULT_MAX_DEPTH, as_dict, downstream, recall, recall_csv, resolve, upstream
from cradletrace.passport import parse_as_of, passport_of
from cradletrace.web.api import finance, sales
from cradletrace.web.api.common import csv_response, identifier, int_arg, json_response, wanted_format
from cradletrace.web.auth import login_required
from cradletrace.web.db import get_session

LINEAGE_ROLES = ("supply_chain", "compliance", "admin")
"""Who may ask lineage and recall questions."""
METRICS_ROLES = ("sustainability", "compliance", "supply_chain", "admin")
"""Who may read a unit's footprint, material metrics and compliance status with their explanations
(the rows name supplier lots and sites, which the public passport leaves out)."""
MAX_DEPTH_LIMIT = 1000

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.before_request
def refuse_nul() -> None:
    """Refuse a NUL character anywhere in the path, the query or the body: no identifier, number or code holds
    one, and PostgreSQL cannot compare text with it."""
    texts = [request.path, *request.args.keys(), *request.args.values()]
    if any("\x00" in t for t in texts) or b"\x00" in request.get_data() or b"\\u0000" in request.get_data():
        raise InvalidInput("a NUL character is not allowed", where="request")


def _max_depth() -> int:
    return int_arg("max_depth", DEFAULT_MAX_DEPTH, 0, MAX_DEPTH_LIMIT) or 0


def lineage_upstream() -> Response:
    session = get_session()
    node = resolve(session, identifier())
    as_of = parse_as_of(request.args.get("as_of"))
    rows = upstream(session, node.identifier, as_of, max_depth=_max_depth())
    return json_response({"identifier": node.identifier, "kind": node.kind, "direction": "upstream",
                          "as_of": as_of, "rows": [as_dict(r) for r in rows]})


def lineage_downstream() -> Response:
    session = get_session()
    node = resolve(session, identifier())
    rows = downstream(session, node.identifier, max_depth=_max_depth())
    return json_response({"identifier": node.identifier, "kind": node.kind, "direction": "downstream",
                          "rows": [as_dict(r) for r in rows]})


def recall_units() -> Response:
    session = get_session()
    node = resolve(session, identifier())
    rows = recall(session, node.identifier, max_depth=_max_depth())
    if wanted_format() == "csv":
        out = io.StringIO()
        recall_csv(rows, out)
        return csv_response(out.getvalue(), "recall.csv")
    return json_response({"identifier": node.identifier, "count": len(rows), "units": [as_dict(r) for r in rows]})


def passport() -> Response:
    session = get_session()
    return json_response(passport_of(session, identifier(), g.roles, as_of=parse_as_of(request.args.get("as_of")),
                                     company_prefixes=current_app.config.get("COMPANY_PREFIXES", ())))


def footprint() -> Response:
    session = get_session()
    node = resolve(session, identifier())
    return json_response(unit_footprint(session, node.identifier, at=parse_as_of(request.args.get("as_of"))).to_dict())


def materials() -> Response:
    session = get_session()
    node = resolve(session, identifier())
    return json_response(unit_materials(session, node.identifier, at=parse_as_of(request.args.get("as_of"))).to_dict())


def compliance() -> Response:
    session = get_session()
    node = resolve(session, identifier())
    return json_response(compliance_status(session, node.identifier, at=parse_as_of(request.args.get("as_of"))).to_dict())


def openapi_document() -> Response:
    from cradletrace.web.api.openapi import document

    return json_response(document(ROUTES))


@dataclass(frozen=True)
class Route:
    """One route of the API: its path, view, who may call it, and how the OpenAPI document describes it.

    ``path`` is the OpenAPI form (``/quotes/{number}``); a path parameter whose schema is an integer is an
    ``int`` in the Flask rule. ``body`` names the schema of a JSON request body, ``status`` the success
    status, ``errors`` the statuses beyond 400, 401 and 403 the operation can answer.
    """

    path: str
    view: Callable[..., Response]
    roles: tuple[str, ...]
    summary: str
    parameters: tuple[str, ...]
    response: str
    media_types: tuple[str, ...] = ("application/json",)
    method: str = "GET"
    body: str | None = None
    status: int = 200
    errors: tuple[int, ...] = ()

    @property
    def rule(self) -> str:
        """The Flask rule of :attr:`path`."""
        from cradletrace.web.api.q2c_schemas import PARAMETERS

        def converter(match: re.Match[str]) -> str:
            name = match.group(1)
            kind = PARAMETERS[name]["schema"]["type"]
            # A document number may hold slashes (ERPs number "INV/2026/0001"); a client sends them as %2F,
            # which the server decodes before routing, so the rule takes the rest of the path.
            return f"<int:{name}>" if kind == "integer" else f"<path:{name}>"

        return re.sub(r"\{(\w+)\}", converter, self.path)


LIST = ("from", "to")
"""The parameters of a period (``from`` included, ``to`` excluded)."""

ROUTES = (
    Route("/lineage/upstream", lineage_upstream, LINEAGE_ROLES,
          "Components and material lots of a unit, as of a time (part_of edges valid then, input_of backwards)",
          ("id", "as_of", "max_depth"), "Lineage"),
    Route("/lineage/downstream", lineage_downstream, LINEAGE_ROLES,
          "Everything made from or containing an identifier (input_of forwards, part_of upwards)",
          ("id", "max_depth"), "Lineage"),
    Route("/recall", recall_units, LINEAGE_ROLES,
          "Every unit downstream of an identifier with its state, place and owner (JSON, or CSV with format=csv)",
          ("id", "max_depth", "format"), "Recall", ("application/json", "text/csv")),
    Route("/passports", passport, (),
          "The passport of a unit, lot or other identifier, with the sections the caller's roles may see",
          ("id", "as_of"), "Passport"),
    Route("/metrics/footprint", footprint, METRICS_ROLES,
          "The carbon footprint of a unit by life-cycle stage at a time, with the explanation rows and the gaps",
          ("id", "as_of"), "Footprint"),
    Route("/metrics/materials", materials, METRICS_ROLES,
          "Mass by material, recycled content and recovery rate of a unit at a time",
          ("id", "as_of"), "Materials"),
    Route("/compliance", compliance, METRICS_ROLES,
          "The compliance status of a unit at a time (RoHS, REACH, 3TG, certificates, custody), with its reasons",
          ("id", "as_of"), "ComplianceStatus"),
    # Quote-to-cash: sales.
    Route("/quotes", sales.quotes, sales.QUOTE_ROLES,
          "Quotes by number (their latest version), newest first: filter by status, customer and date; paged",
          ("status", "customer", *LIST, "limit", "offset"), "QuoteList", errors=(404,)),
    Route("/quotes", sales.new_quote, sales.SELLERS,
          "Draft a quote for a customer: lines of products or saved configurations, priced from the customer's "
          "lists (a discount above the threshold opens a request for approval); answers the quote",
          (), "Quote", method="POST", body="QuoteDraft", status=201, errors=(404, 422)),
    Route("/quotes/{number}", sales.quote, sales.QUOTE_ROLES,
          "A quote version (the latest, or ?version=N): lines with the price explained, the configuration of each "
          "configured line, approvals, every version, the order it became", ("number", "version"), "Quote",
          errors=(404,)),
    Route("/quotes/{number}/pdf", sales.quote_pdf, sales.QUOTE_ROLES,
          "A quote version as the PDF for the customer", ("number", "version"), "PDF", ("application/pdf",),
          errors=(404,)),
    Route("/quotes/{number}/revise", sales.revise, sales.SELLERS,
          "Change a quote: its draft in place, or a sent version as a new version (the sent one stays frozen); "
          "what is not given is kept; answers the version changed or made", ("number",), "Quote", method="POST",
          body="QuoteChange", errors=(404, 422)),
    Route("/quotes/{number}/approve", sales.approve_quote, sales.APPROVERS,
          "Approve the discount of a draft quote above the threshold (sales managers); answers the quote",
          ("number",), "Quote", method="POST", body="Note", errors=(404, 422)),
    Route("/quotes/{number}/reject-discount", sales.reject_quote_discount, sales.APPROVERS,
          "Refuse the discount of a draft quote, with the reason (sales managers); answers the quote",
          ("number",), "Quote", method="POST", body="Reason", errors=(404, 422)),
    Route("/quotes/{number}/send", sales.send, sales.SELLERS,
          "Send a draft quote (refused past its validity, or with a discount that needs an approval it lacks); "
          "the version is frozen from then on", ("number",), "Quote", method="POST", body="Empty", errors=(404, 422)),
    Route("/quotes/{number}/accept", sales.accept, sales.SELLERS,
          "Record the customer's acceptance of a sent quote and make its sales order (numbered order_number, else "
          "the next SO number); answers the quote, which names the order", ("number",), "Quote", method="POST",
          body="Acceptance", errors=(404, 422)),
    Route("/configurations/models", sales.configuration_models, sales.QUOTE_ROLES,
          "The configurable models: option groups, options with their bill-of-materials rows, rules, variants",
          (), "ConfigurationModels"),
    Route("/configurations", sales.save_configuration, sales.SELLERS,
          "Check a choice of options against its model and save it as a configuration (422 names the broken rule)",
          (), "Configuration", method="POST", body="ConfigurationRequest", status=201, errors=(404, 422)),
    Route("/configurations/{configuration}", sales.configuration, sales.QUOTE_ROLES,
          "A saved configuration: model, variant, options in group order, bill of materials",
          ("configuration",), "Configuration", errors=(404,)),
    Route("/contracts", sales.contracts, sales.CONTRACT_ROLES,
          "Contracts by number with their state, customer, latest period and whether renewal is due at a date",
          ("status", "customer", "at"), "ContractList", errors=(404,)),
    Route("/contracts/reminders", sales.contract_reminders, sales.CONTRACT_ROLES,
          "Active contracts due for renewal at a date (within their notice before the end), soonest end first",
          ("at",), "Reminders"),
    Route("/contracts/{number}", sales.contract, sales.CONTRACT_ROLES,
          "A contract: state and history, every terms version (and which is in force at a date), documents, units",
          ("number", "at"), "Contract", errors=(404,)),
    Route("/contracts", sales.new_contract, sales.SELLERS,
          "Draft a contract for a customer: its period, price list, payment terms, renewal notice, warranties and "
          "service plans as version 1 of its terms (numbered number, else the next CT number); answers the contract",
          (), "Contract", method="POST", body="ContractDraft", status=201, errors=(404, 422)),
    Route("/contracts/{number}/terms", sales.negotiate_contract, sales.SELLERS,
          "Negotiate a draft, negotiation or approved contract: the next version of its terms with what differs from "
          "the latest (what is not given is kept; nothing differing is refused); the contract goes into negotiation",
          ("number",), "Contract", method="POST", body="ContractTermsChange", errors=(404, 422)),
    Route("/contracts/{number}/approve", sales.approve_contract, sales.SELLERS,
          "Approve a draft contract, or the outcome of its negotiation (422 in another state); answers the contract",
          ("number",), "Contract", method="POST", body="Note", errors=(404, 422)),
    Route("/contracts/{number}/sign", sales.sign_contract, sales.SELLERS,
          "Sign an approved contract: its terms are frozen from then on (422 in another state); answers the contract",
          ("number",), "Contract", method="POST", body="Note", errors=(404, 422)),
    Route("/contracts/{number}/activate", sales.activate_contract, sales.SELLERS,
          "Start a signed contract's period, or a renewed contract's new period (422 before it starts, or in another "
          "state); answers the contract", ("number",), "Contract", method="POST", body="Note", errors=(404, 422)),
    Route("/contracts/{number}/renew", sales.renew_contract, sales.SELLERS,
          "Renew an active contract until ends_at: a new version of its terms for the new period, from the current "
          "end (422 unless it is active and the new end is after the current one); answers the contract", ("number",),
          "Contract", method="POST", body="Renewal", errors=(404, 422)),
    Route("/contracts/{number}/expire", sales.expire_contract, sales.SELLERS,
          "Close an active contract whose period is over (422 before its end: terminate it instead); answers the "
          "contract", ("number",), "Contract", method="POST", body="Note", errors=(404, 422)),
    Route("/contracts/{number}/terminate", sales.terminate_contract, sales.SELLERS,
          "End a contract before its time, or abandon one never signed, with the reason (422 once expired or "
          "terminated); answers the contract", ("number",), "Contract", method="POST", body="Termination",
          errors=(404, 422)),
    Route("/entitlement", sales.unit_entitlement, sales.ENTITLEMENT_ROLES,
          "Is a unit under warranty or covered by a service plan at a date, and why", ("id", "at"), "Entitlement"),
    # Quote-to-cash: finance.
    Route("/revenue/schedule", finance.revenue_schedule, finance.REVENUE_ROLES,
          "The revenue schedule per period: recognised (products, services), billed, deferred, contract assets and "
          "liabilities (JSON, or CSV with format=csv or Accept: text/csv); default this year so far",
          (*LIST, "period", "format"), "RevenueSchedule", ("application/json", "text/csv")),
    Route("/revenue/journal", finance.revenue_journal, finance.REVENUE_ROLES,
          "The journal lines of a period: date, account, debit, credit, contract, obligation, reference (JSON, or "
          "CSV for a ledger); default this year so far", (*LIST, "format"), "RevenueJournal",
          ("application/json", "text/csv")),
    Route("/reports/q2c", finance.q2c_kpis, finance.KPI_ROLES,
          "The quote-to-cash KPIs of a period by name (default this month so far), with their tables",
          (*LIST, "customer", "product", "period"), "Q2CReport", errors=(404,)),
    Route("/invoices", finance.invoices, finance.INVOICE_ROLES,
          "Invoices, newest first, with what is applied to each and the balance left: filter by status (or overdue) "
          "and customer; paged", ("invoice_status", "customer", "limit", "offset"), "InvoiceList", errors=(404,)),
    Route("/invoices/{number}", finance.invoice, finance.INVOICE_ROLES,
          "An invoice: lines priced, the payments, credit notes and write-offs applied, the balance, the documents "
          "next to it, the serials it covered", ("number",), "Invoice", errors=(404,)),
    Route("/invoices/{number}/write-off", finance.write_off_invoice, finance.CASHIERS,
          "Write off what is open on an invoice (all of it, or amount), for the reason given, approved by the caller; "
          "answers the invoice", ("number",), "Invoice", method="POST", body="WriteOff", errors=(404, 422)),
    Route("/payments", finance.payments, finance.INVOICE_ROLES,
          "Payments, newest first, with what of each is applied and what is not: filter by customer; paged",
          ("customer", "limit", "offset"), "PaymentList", errors=(404,)),
    Route("/payments", finance.new_payment, finance.CASHIERS,
          "Record a payment received (numbered from the PAY series unless given) and apply it to invoices; what is "
          "not applied stays on it; answers the payment", (), "Payment", method="POST", body="PaymentRecord",
          status=201, errors=(404, 422)),
    Route("/payments/{number}", finance.payment, finance.INVOICE_ROLES,
          "A payment and the invoices it was applied to", ("number",), "Payment", errors=(404,)),
    Route("/payments/{number}/apply", finance.apply_payment_cash, finance.CASHIERS,
          "Apply a payment's unapplied cash to invoices (each checked against the invoice's open balance and the cash "
          "left); answers the payment", ("number",), "Payment", method="POST", body="PaymentApplications",
          errors=(404, 422)),
    Route("/openapi.json", openapi_document, (), "This document", (), "OpenAPI"),
)

for _route in ROUTES:
    bp.add_url_rule(_route.rule, _route.view.__name__, login_required(*_route.roles)(_route.view),
                    methods=[_route.method])

__all__ = ["LINEAGE_ROLES", "METRICS_ROLES", "ROUTES", "Route", "bp", "json_response"]
