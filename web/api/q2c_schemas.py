"""The OpenAPI parameters and schemas of the quote-to-cash operations of ``/api`` (quotes, configurations,
contracts, entitlement, revenue, the KPIs; invoices and payments), merged into the document by
:mod:`cradletrace.web.api.openapi`.

Money, quantities and discounts in the quote, configuration and contract documents are decimal strings
(exact); the report-shaped answers (revenue, KPIs) are those of :func:`cradletrace.reports.output.write_report`,
whose numbers are JSON numbers, as the command line writes them.
"""

from __future__ import annotations

from typing import Any

_TIME = {"type": ["string", "null"], "format": "date-time"}
_TEXT = {"type": ["string", "null"]}
_STRING = {"type": "string"}
_INT = {"type": "integer"}
_BOOL = {"type": "boolean"}
_DECIMAL = {"type": "string", "description": "A decimal number as text (exact)."}
_DECIMAL_OR_NULL = {"type": ["string", "null"], "description": "A decimal number as text (exact), or null."}
_REPORT_TIME = {"type": ["string", "null"],
                "description": "An ISO 8601 time in UTC without an offset, as the report writer gives it."}
_FIGURE = {"description": "A number, or an object of numbers per currency when there are several; null when "
                         "there is nothing to measure."}
_DURATION = {"type": "object", "required": ["mean", "median", "count"],
             "description": "Days: mean and median over count cases (null when there are none).",
             "properties": {"mean": {"type": ["number", "null"]}, "median": {"type": ["number", "null"]},
                            "count": _INT}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


def _new_document(series: str) -> dict[str, Any]:
    """The members that name a new document's number (of ``series`` by default), customer and currency."""
    return {"number": {"type": ["string", "null"], "maxLength": 64,
                       "description": f"Its number (default: the next free of the {series} series)."},
            "customer": {"type": "string", "minLength": 1, "maxLength": 200,
                         "description": "The customer's identifier (a GLN, or a party URI)."},
            "currency": {"type": "string", "minLength": 3, "maxLength": 3}}


def _query(name: str, description: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema, **extra}


PARAMETERS: dict[str, dict[str, Any]] = {
    "number": {"name": "number", "in": "path", "required": True, "description": "The document's number (a slash in it is sent as %2F).",
               "schema": {"type": "string", "minLength": 1, "maxLength": 64}, "example": "Q-2"},
    "configuration": {"name": "configuration", "in": "path", "required": True,
                      "description": "The configuration's id.",
                      "schema": {"type": "integer", "minimum": 1, "maximum": 2**53}},
    "version": _query("version", "The version (default: the latest).", {"type": "integer", "minimum": 1}),
    "status": _query("status", "Only those in this state: for quotes draft, sent, accepted, rejected or expired "
                     "(of their latest version); for contracts draft, negotiation, approved, signed, active, "
                     "renewed, expired or terminated.", _STRING),
    "customer": _query("customer", "Only this customer: a party's GLN, Digital Link or URI.", _STRING),
    "product": _query("product", "Only quotes and order lines of this product (GTIN); contracts and revenue "
                      "are not split by product.", _STRING),
    "from": _query("from", "Start of the period, included: a date (its start, UTC) or an ISO 8601 date-time.",
                   _STRING, example="2026-03-01"),
    "to": _query("to", "End of the period, excluded: a date (its start, UTC) or an ISO 8601 date-time; now when "
                 "not given.", _STRING, example="2026-04-01"),
    "at": _query("at", "The date asked about: a date (its end, UTC) or an ISO 8601 date-time; now when not given.",
                 _STRING, example="2026-06-30"),
    "limit": _query("limit", "How many to give at most.", {"type": "integer", "minimum": 1, "maximum": 1000,
                                                            "default": 100}),
    "offset": _query("offset", "How many to skip.", {"type": "integer", "minimum": 0, "default": 0}),
    "period": _query("period", "The length of each period.", {"type": "string", "enum": ["month", "quarter", "year"],
                                                               "default": "month"}),
    "invoice_status": _query("status", "Only invoices in this state, or overdue: past their due date with a balance "
                             "open.", {"type": "string", "enum": ["issued", "partially_paid", "paid", "written_off",
                                                                  "overdue"]}),
}

_PRICED_LINE = {
    "type": "object", "required": ["line_no", "quantity", "unit_price", "net", "effective_discount"],
    "properties": {
        "line_no": _INT, "product": _TEXT, "product_name": _TEXT, "configuration_id": {"type": ["integer", "null"]},
        "quantity": _DECIMAL, "price_list": _TEXT, "tier": _DECIMAL_OR_NULL, "list_price": _DECIMAL_OR_NULL,
        "surcharges": _array({"type": "object", "properties": {"option": _STRING, "name": _STRING,
                                                               "amount": _DECIMAL, "price_list": _TEXT}}),
        "surcharge": _DECIMAL, "unit_price": _DECIMAL, "price_given": _BOOL, "discount": _DECIMAL, "gross": _DECIMAL,
        "line_discount_amount": _DECIMAL, "document_discount_amount": _DECIMAL, "net": _DECIMAL,
        "tax_rate": _DECIMAL, "tax": _DECIMAL, "effective_discount": _DECIMAL,
    },
}
_APPROVAL = {
    "type": "object", "required": ["version", "discount", "threshold", "requested_at", "approved"],
    "properties": {"version": _INT, "discount": _DECIMAL, "threshold": _DECIMAL, "requested_at": _TIME,
                   "requested_by": _TEXT, "decided_at": _TIME, "decided_by": _TEXT,
                   "approved": {"type": ["boolean", "null"]}, "note": _TEXT},
}
_CONFIGURATION = {
    "type": "object", "required": ["id", "model_code", "gtin", "options", "bom"],
    "description": "A saved configuration: its model, variant (or base product), options in group order and bill "
                   "of materials (quantities as decimal text).",
    "properties": {
        "id": _INT, "model_code": _STRING, "model_name": _STRING, "base_gtin": _STRING, "base_name": _TEXT,
        "variant_gtin": _TEXT, "variant_name": _TEXT, "gtin": _STRING, "created_at": _TIME, "created_by": _TEXT,
        "options": _array({"type": "object", "required": ["group", "code", "name"],
                           "properties": {"group": _STRING, "code": _STRING, "name": _STRING}}),
        "bom": _array({"type": "object", "required": ["gtin", "quantity"],
                       "properties": {"gtin": _STRING, "name": _TEXT, "quantity": _DECIMAL}}),
    },
}
_COMPONENT = {"type": "object", "required": ["product", "quantity"],
              "properties": {"product": _STRING, "name": _TEXT, "quantity": _DECIMAL}}
_COVERAGE = {"type": ["object", "null"], "required": ["kind", "name", "months", "covers", "active", "reason"],
             "properties": {"kind": _STRING, "name": _STRING, "code": _TEXT, "months": _INT, "starts_at": _TIME,
                            "ends_at": _TIME, "covers": _array(_STRING), "active": _BOOL, "reason": _STRING}}
_REPORT = {"report": _STRING, "title": _STRING,
           "period": {"type": "object", "properties": {"from": _REPORT_TIME, "to": _REPORT_TIME}},
           "filters": {"type": "object"}, "notes": _array(_STRING)}
_SCHEDULE_ROW = {"type": "object", "required": ["period", "currency", "recognised", "billed", "deferred"],
                 "properties": {"period": _STRING, "start": _REPORT_TIME, "end": _REPORT_TIME, "currency": _STRING,
                                **{c: {"type": "number"} for c in ("recognised", "products", "services", "billed",
                                                                   "deferred", "contract_assets",
                                                                   "contract_liabilities")}}}
_JOURNAL_ROW = {"type": "object", "required": ["date", "account", "debit", "credit"],
                "properties": {"date": _REPORT_TIME, "account": _STRING, "debit": {"type": "number"},
                               "credit": {"type": "number"}, "contract": _STRING, "obligation": _TEXT,
                               "reference": _STRING, "currency": _STRING}}
_DOCUMENT_HEAD = {
    "kind": _STRING, "number": _STRING, "version": _INT, "status": _STRING, "customer": _TEXT, "customer_id": _TEXT,
    "currency": _TEXT, "amount": _DECIMAL_OR_NULL, "tax": _DECIMAL_OR_NULL, "created_at": _TIME,
    "requested_at": _TIME, "due_at": _TIME, "closed_at": _TIME, "reason": _TEXT, "order": _TEXT,
}
_APPLIED = {"type": "object", "required": ["kind", "number", "amount", "applied_at", "document_status"],
            "description": "An application seen from one side: the document on the other side as it is now (its "
                           "amount and status) and the amount applied.",
            "properties": {"kind": _STRING, "number": _STRING, "amount": _DECIMAL, "applied_at": _TIME,
                           "document_amount": _DECIMAL_OR_NULL, "document_status": _STRING}}
_MONEY_ROW = {"number": _STRING, "customer": _TEXT, "customer_id": _TEXT, "currency": _TEXT, "amount": _DECIMAL,
              "applied": _DECIMAL}
_APPLICATIONS_INPUT = _array({
    "type": "object", "additionalProperties": False,
    "description": "An invoice and the amount applied to it; a row without an amount applies nothing.",
    "properties": {"invoice": {"type": "string", "maxLength": 64}, "amount": {"type": ["string", "integer", "null"]}}})

_DATE_INPUT = {"type": "string", "example": "2026-01-01",
               "description": "A date (YYYY-MM-DD: its midnight, UTC) or an ISO 8601 date-time, from 1900 to 2999."}
_DAYS_INPUT = {"type": ["integer", "string", "null"], "minimum": 0, "maximum": 3650,
               "description": "Whole days (a number, or its digits as text); null or left out: 30 and 60 when "
                              "drafting, kept when negotiating."}
_NOTE_INPUT = {"type": ["string", "null"], "maxLength": 500, "description": "Why, or what was agreed."}
_CONTRACT_TERMS: dict[str, Any] = {
    "starts_at": _DATE_INPUT, "ends_at": _DATE_INPUT,
    "price_list": {"type": ["string", "null"], "maxLength": 40,
                   "description": "The code of a price list in the contract's currency; null or blank: none."},
    "payment_terms_days": _DAYS_INPUT, "renewal_notice_days": _DAYS_INPUT,
    "warranties": {"type": ["array", "null"], "description": "The warranty of each product's units, in months from "
                   "delivery (empty rows are skipped).", "items": {
                       "type": "object", "additionalProperties": False,
                       "properties": {"product": {"type": "string", "description": "A GTIN."},
                                      "months": {"type": ["integer", "string"], "minimum": 1, "maximum": 1200}}}},
    "plans": {"type": ["array", "null"], "description": "Service plans of the catalogue (empty rows are skipped).",
              "items": {"type": "object", "additionalProperties": False, "properties": {
                  "plan": {"type": "string", "description": "The plan's code."},
                  "product": {"type": ["string", "null"], "description": "The GTIN whose units it covers (null: all)."},
                  "starts_at": {**_DATE_INPUT, "type": ["string", "null"],
                                "description": "Its start (null: when each unit is delivered)."}}}},
}
"""The terms a contract is drafted or negotiated with, as :mod:`cradletrace.contracts.drafts` reads them."""

Q2C_FIGURES: dict[str, Any] = {
    "quotes_sent": _INT, "quote_turnaround": _DURATION,
    "approval_cycle_time": {**_DURATION, "required": ["mean", "median", "count", "pending"],
                            "properties": {**_DURATION["properties"], "pending": _INT}},
    "list_value": _FIGURE, "net_value": _FIGURE, "discount_given": _FIGURE, "discount_share": _FIGURE,
    "quotes_decided": _INT, "quote_to_order_rate": {"type": ["number", "null"]},
    "quote_to_order_rate_by_versions": {"type": "object", "additionalProperties": {"type": ["number", "null"]},
                                        "description": "The rate per number of versions the quote had."},
    "contracts_signed": _INT, "contract_cycle_time": _DURATION, "contract_periods_ended": _INT,
    "renewal_rate": {"type": ["number", "null"]},
    "revenue_recognised": _FIGURE, "revenue_billed": _FIGURE, "revenue_deferred": _FIGURE,
    "configured_units_checked": _INT, "mismatches_as_built": _INT, "mismatch_rate": {"type": ["number", "null"]},
    "mismatches_including_service": _INT, "mismatch_rate_including_service": {"type": ["number", "null"]},
}
"""The figures of the quote-to-cash report by name (docs/quote-to-cash.md, KPIs, defines each)."""

SCHEMAS: dict[str, dict[str, Any]] = {
    "QuoteRow": {
        "type": "object", "required": ["number", "version", "versions", "status", "approval_pending"],
        "properties": {"number": _STRING, "version": _INT, "versions": _INT, "customer": _TEXT, "customer_id": _TEXT,
                       "status": _STRING, "currency": _TEXT, "amount": _DECIMAL_OR_NULL, "tax": _DECIMAL_OR_NULL,
                       "discount": _DECIMAL, "created_at": _TIME, "sent_at": _TIME, "valid_until": _TIME,
                       "decided_at": _TIME, "approval_pending": _BOOL, "order": _TEXT},
    },
    "QuoteList": {"type": "object", "required": ["total", "limit", "offset", "quotes"],
                  "properties": {"total": _INT, "limit": _INT, "offset": _INT, "quotes": _array(_ref("QuoteRow"))}},
    "Quote": {
        "type": "object",
        "required": ["number", "version", "status", "frozen", "pricing", "configurations", "approvals", "versions"],
        "description": "A quote version with its prices explained line by line (list used, tier, list price, "
                       "surcharges by option, unit price, line and document discount, net, tax), the configuration "
                       "of each configured line, its approval requests, the approval that covers its discount, "
                       "every version of the quote and the order it became.",
        "properties": {
            "number": _STRING, "version": _INT, "status": _STRING, "frozen": _BOOL, "customer": _TEXT,
            "customer_id": _TEXT, "currency": _TEXT, "created_at": _TIME, "sent_at": _TIME, "decided_at": _TIME,
            "valid_until": _TIME, "reason": _TEXT, "order": _TEXT,
            "pricing": {"type": "object", "required": ["currency", "lines", "net", "tax", "total", "discount"],
                        "properties": {"currency": _STRING, "customer": _TEXT, "at": _TIME, "price_list": _TEXT,
                                       "document_discount": _DECIMAL, "lines": _array(_PRICED_LINE),
                                       **{k: _DECIMAL for k in ("gross", "line_discounts", "document_discounts", "net",
                                                                "tax", "total", "discount")}}},
            "configurations": _array(_CONFIGURATION),
            "approvals": _array(_APPROVAL),
            "covering_approval": {"oneOf": [{"type": "null"}, _APPROVAL]},
            "versions": _array({"type": "object", "required": ["version", "status", "frozen"],
                                "properties": {"version": _INT, "status": _STRING, "created_at": _TIME,
                                               "sent_at": _TIME, "decided_at": _TIME, "valid_until": _TIME,
                                               "amount": _DECIMAL_OR_NULL, "frozen": _BOOL}}),
        },
    },
    "PDF": {"type": "string", "contentMediaType": "application/pdf"},
    "Note": {"type": "object", "properties": {"note": {"type": ["string", "null"], "maxLength": 500}},
             "description": "An optional note kept with the decision."},
    "Reason": {"type": "object", "required": ["note"],
               "properties": {"note": {"type": "string", "minLength": 1, "maxLength": 500}},
               "description": "Why the discount is refused (sending the quote then names it)."},
    "Empty": {"type": "object", "description": "Nothing (an empty object, or no body)."},
    "Acceptance": {"type": "object",
                   "properties": {"order_number": {"type": ["string", "null"], "maxLength": 64}},
                   "description": "The number of the order to make (default: the next of the SO series)."},
    "QuoteDraft": {
        "type": "object", "required": ["customer", "currency", "lines"], "additionalProperties": False,
        "description": "A new quote: its lines are priced from the customer's lists at today's date (a line with a "
                       "unit_price keeps it); a discount above the threshold opens a request for approval.",
        "properties": {
            **_new_document("Q"),
            "lines": _ref("QuoteLinesInput"),
            **{name: schema for name, schema in (("discount", _ref("Fraction")), ("valid_until", _ref("ValidUntil")),
                                                 ("price_list", _ref("PriceListCode")))},
        },
        "example": {"customer": "9520999999983", "currency": "EUR", "discount": "0.05", "valid_until": "2026-12-31",
                    "lines": [{"product": "09506000134352", "quantity": "10"}, {"configuration": 3}]},
    },
    "QuoteChange": {
        "type": "object", "additionalProperties": False,
        "description": "A change to a quote: a draft is changed in place, a sent version gets a new version (the "
                       "sent one is frozen). What is not given is kept; lines priced from a list are priced again.",
        "properties": {
            "version": {"type": ["integer", "null"], "minimum": 1,
                        "description": "The version the change was made from: refused unless it is the latest."},
            "lines": _ref("QuoteLinesInput"),
            **{name: schema for name, schema in (("discount", _ref("Fraction")), ("valid_until", _ref("ValidUntil")),
                                                 ("price_list", _ref("PriceListCode")))},
        },
    },
    "QuoteLinesInput": _array({
        "type": "object", "additionalProperties": False,
        "description": "A product (GTIN or identifier) or a saved configuration (its id), not both.",
        "properties": {"product": _STRING, "configuration": {"type": "integer", "minimum": 1},
                       "quantity": _ref("Amount"), "discount": _ref("Fraction"), "tax_rate": _ref("Fraction"),
                       "unit_price": _ref("Amount")}}),
    "Amount": {"type": ["string", "number"], "description": "A decimal number (as text, to stay exact)."},
    "Fraction": {"type": ["string", "number"], "description": "A fraction from 0 to 1 (0.1 is 10 %)."},
    "ValidUntil": {"type": ["string", "null"],
                   "description": "A date (the quote is valid to the end of that day, UTC) or an ISO 8601 date-time."},
    "PriceListCode": {"type": ["string", "null"], "maxLength": 40,
                      "description": "The code of a price list to price from first (a contract's, say)."},
    "ConfigurationRequest": {"type": "object", "required": ["model", "options"],
                             "properties": {"model": {"type": "string", "minLength": 1, "maxLength": 40},
                                            "options": _array(_STRING)},
                             "example": {"model": "PACK", "options": ["c10", "lfp", "hv"]}},
    "Configuration": _CONFIGURATION,
    "ConfigurationModels": {
        "type": "object", "required": ["models"],
        "properties": {"models": _array({
            "type": "object", "required": ["code", "name", "product", "groups", "components", "rules", "variants"],
            "description": "A model in the shape cradletrace.configure.define_model takes, with names.",
            "properties": {
                "code": _STRING, "name": _STRING, "description": _TEXT, "product": _STRING, "product_name": _TEXT,
                "created_at": _TIME,
                "groups": _array({"type": "object", "required": ["code", "name", "required", "multiple", "options"],
                                  "properties": {"code": _STRING, "name": _STRING, "required": _BOOL,
                                                 "multiple": _BOOL, "options": _array({
                                                     "type": "object", "required": ["code", "name", "components"],
                                                     "properties": {"code": _STRING, "name": _STRING,
                                                                    "components": _array(_COMPONENT)}})}}),
                "components": _array(_COMPONENT),
                "rules": _array({"type": "object", "required": ["code", "kind", "option", "other"],
                                 "properties": {"code": _STRING, "kind": {"enum": ["requires", "excludes"]},
                                                "option": _STRING, "other": _STRING, "message": _TEXT}}),
                "variants": _array({"type": "object", "required": ["product", "options"],
                                    "properties": {"product": _STRING, "name": _TEXT, "options": _array(_STRING)}}),
            }})},
    },
    "ContractList": {"type": "object", "required": ["contracts"], "properties": {"contracts": _array({
        "type": "object", "required": ["number", "status", "version", "starts_at", "ends_at", "renewal_due"],
        "properties": {"number": _STRING, "customer": _TEXT, "customer_id": _TEXT, "status": _STRING,
                       "currency": _TEXT, "version": _INT, "starts_at": _TIME, "ends_at": _TIME,
                       "renewal_due": _BOOL}})}},
    "Contract": {
        "type": "object", "required": ["number", "status", "terms", "history", "documents", "units"],
        "description": "A contract: state, dates, every terms version (in_force names the one in force at `at`), "
                       "the history of its states (who, when, why), its documents and the units it covers.",
        "properties": {
            "number": _STRING, "customer": _TEXT, "customer_id": _TEXT, "currency": _TEXT, "status": _STRING,
            "created_at": _TIME, "signed_at": _TIME, "approved_by": _TEXT, "closed_at": _TIME, "reason": _TEXT,
            "at": _TIME, "in_force": {"type": ["integer", "null"]},
            "terms": _array({"type": "object", "required": ["version", "starts_at", "ends_at"], "properties": {
                "contract": _STRING, "version": _INT, "price_list": _TEXT, "payment_terms_days": _INT,
                "starts_at": _TIME, "ends_at": _TIME, "renewal_notice_days": _INT, "changed_at": _TIME,
                "changed_by": _TEXT, "note": _TEXT, "warranties": _array({"type": "object"}),
                "plans": _array({"type": "object"})}}),
            "history": _array({"type": "object", "required": ["state", "at", "version"],
                               "properties": {"state": _STRING, "at": _TIME, "by": _TEXT, "note": _TEXT,
                                              "version": _INT}}),
            "documents": _array({"type": "object", "required": ["kind", "number", "status"],
                                 "properties": {"kind": _STRING, "number": _STRING, "version": _INT,
                                                "status": _STRING, "amount": _DECIMAL_OR_NULL, "currency": _TEXT,
                                                "created_at": _TIME, "depth": _INT}}),
            "units": _array({"type": "object", "required": ["identifier"],
                             "properties": {"identifier": _STRING, "gtin": _TEXT, "serial": _TEXT,
                                            "product": _TEXT}}),
        },
    },
    "ContractDraft": {
        "type": "object", "required": ["customer", "currency", "starts_at", "ends_at"], "additionalProperties": False,
        "description": "A new contract: version 1 of its terms, state draft. Payment terms and renewal notice left out "
                       "are 30 and 60 days.",
        "properties": {
            **_new_document("CT"), **_CONTRACT_TERMS, "note": _NOTE_INPUT,
        },
        "example": {"customer": "9520999999983", "currency": "EUR", "starts_at": "2026-01-01", "ends_at": "2027-01-01",
                    "payment_terms_days": 45, "warranties": [{"product": "09506000134352", "months": 24}],
                    "plans": [{"plan": "GOLD-36", "product": "09506000134352"}], "note": "framework agreement"},
    },
    "ContractTermsChange": {
        "type": "object", "additionalProperties": False,
        "description": "The terms as negotiated: compared with the latest version, the next version is written with "
                       "what differs (warranties and plans each replace the list as a whole); what is not given is "
                       "kept. Nothing that differs is refused (400).",
        "properties": {**_CONTRACT_TERMS, "note": _NOTE_INPUT},
        "example": {"payment_terms_days": 60, "note": "60 days agreed"},
    },
    "Renewal": {"type": "object", "required": ["ends_at"], "additionalProperties": False,
                "properties": {"ends_at": _DATE_INPUT, "note": _NOTE_INPUT},
                "description": "The end of the new period (it starts where the current one ends)."},
    "Termination": {"type": "object", "required": ["reason"], "additionalProperties": False,
                    "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 500}},
                    "description": "Why the contract ends before its time."},
    "Reminders": {"type": "object", "required": ["at", "reminders"], "properties": {
        "at": _TIME, "reminders": _array({
            "type": "object", "required": ["contract", "ends_at", "remind_from", "days_left", "version"],
            "properties": {"contract": _STRING, "customer": _TEXT, "ends_at": _TIME, "remind_from": _TIME,
                           "days_left": _INT, "version": _INT}})}},
    "Entitlement": {
        "type": "object", "required": ["unit", "at", "covered", "under_warranty", "plans", "reasons"],
        "description": "Whether the unit is under warranty or a service plan at `at`, each coverage with its "
                       "period and what it covers, and the reasons in words.",
        "properties": {
            "unit": _STRING, "gtin": _TEXT, "product": _TEXT, "at": _TIME, "contract": _TEXT,
            "contract_status": _TEXT, "customer": _TEXT, "terms_version": {"type": ["integer", "null"]},
            "control": {"type": ["object", "null"], "description": "When and by which event control passed."},
            "warranty": _COVERAGE, "plans": _array(_COVERAGE), "reasons": _array(_STRING),
            "covered": _BOOL, "under_warranty": _BOOL,
        },
    },
    "RevenueSchedule": {
        "type": "object", "required": ["report", "period", "tables"],
        "description": "The schedule report: its figures (recognised, billed over the range; deferred, "
                       "contract_assets, contract_liabilities at its end; per currency when several) and the "
                       "table of periods.",
        "properties": {**_REPORT, "currency": _STRING,
                       **{k: _FIGURE for k in ("recognised", "billed", "deferred", "contract_assets",
                                               "contract_liabilities")},
                       "tables": {"type": "object", "required": ["schedule"],
                                  "properties": {"schedule": _array(_SCHEDULE_ROW)}}},
    },
    "RevenueJournal": {"type": "object", "required": ["report", "period", "tables"],
                       "properties": {**_REPORT, "tables": {"type": "object", "required": ["journal"],
                                                            "properties": {"journal": _array(_JOURNAL_ROW)}}}},
    "Q2CReport": {
        "type": "object", "required": ["report", "period", "tables", *Q2C_FIGURES],
        "description": "Every quote-to-cash KPI of the period by name, and the tables discount_by_customer, "
                       "discount_by_product, quote_to_order, contract_periods and revenue.",
        "properties": {**_REPORT, **Q2C_FIGURES,
                       "tables": {"type": "object", "additionalProperties": _array({"type": "object"})}},
    },
    "InvoiceRow": {"type": "object", "required": ["number", "status", "amount", "applied", "balance", "overdue"],
                   "properties": {**_MONEY_ROW, "status": _STRING, "balance": _DECIMAL, "created_at": _TIME,
                                  "due_at": _TIME, "overdue": _BOOL}},
    "InvoiceList": {"type": "object", "required": ["total", "limit", "offset", "invoices"],
                    "properties": {"total": _INT, "limit": _INT, "offset": _INT,
                                   "invoices": _array(_ref("InvoiceRow"))}},
    "Invoice": {
        "type": "object", "required": ["number", "status", "balance", "overdue", "pricing", "applied", "related",
                                       "serials"],
        "description": "An invoice: its lines priced, the payments, credit notes and write-offs applied to it, the "
                       "balance left, the documents next to it in the chain and the serials it covered.",
        "properties": {
            **_DOCUMENT_HEAD, "balance": _DECIMAL, "overdue": _BOOL,
            "pricing": {"type": "object", "required": ["currency", "lines", "net", "tax", "total"],
                        "properties": {"lines": _array(_PRICED_LINE)}},
            "applied": _array(_APPLIED),
            "related": _array({"type": "object", "required": ["identifier", "kind", "number"],
                               "properties": {"identifier": _STRING, "kind": _TEXT, "number": _TEXT,
                                              "version": {"type": ["integer", "null"]}, "status": _TEXT,
                                              "amount": _DECIMAL_OR_NULL, "currency": _TEXT, "created_at": _TIME,
                                              "depth": _INT}}),
            "serials": _array({"type": "object", "required": ["identifier", "kind"],
                               "properties": {"identifier": _STRING, "kind": _STRING, "gtin": _TEXT, "serial": _TEXT,
                                              "lot": _TEXT, "product": _TEXT}}),
        },
    },
    "PaymentRow": {"type": "object", "required": ["number", "amount", "applied", "unapplied", "received_at"],
                   "properties": {**_MONEY_ROW, "unapplied": _DECIMAL, "received_at": _TIME}},
    "PaymentList": {"type": "object", "required": ["total", "limit", "offset", "payments"],
                    "properties": {"total": _INT, "limit": _INT, "offset": _INT,
                                   "payments": _array(_ref("PaymentRow"))}},
    "Payment": {"type": "object", "required": ["number", "amount", "applied", "unapplied", "applications"],
                "description": "A payment, what of it is applied and to which invoices, and what is not.",
                "properties": {**_DOCUMENT_HEAD, "applied": _DECIMAL, "unapplied": _DECIMAL,
                               "applications": _array(_APPLIED)}},
    "PaymentRecord": {
        "type": "object", "required": ["customer", "amount", "currency"], "additionalProperties": False,
        "description": "A payment received: applied to the invoices of its applications (each checked against the "
                       "invoice's open balance and the cash left); what is not applied stays on the payment.",
        "properties": {
            "customer": {"type": "string", "minLength": 1, "maxLength": 200,
                         "description": "The customer's identifier (a GLN, or a party URI)."},
            "amount": {"type": ["string", "integer"], "description": "The amount received, as text (to the cent)."},
            "currency": {"type": "string", "minLength": 3, "maxLength": 3},
            "date": {"type": ["string", "null"], "description": "The day it was received, YYYY-MM-DD (default "
                                                                "today; not after today)."},
            "number": {"type": ["string", "null"], "maxLength": 64,
                       "description": "Its number (default: the next free of the PAY series)."},
            "applications": _APPLICATIONS_INPUT,
        },
        "example": {"customer": "9520999999983", "amount": "200.00", "currency": "EUR", "date": "2026-03-19",
                    "applications": [{"invoice": "INV-000002", "amount": "60.00"},
                                     {"invoice": "INV-000005", "amount": "100.00"}]},
    },
    "PaymentApplications": {"type": "object", "required": ["applications"], "additionalProperties": False,
                            "description": "Unapplied cash of the payment to apply, per invoice.",
                            "properties": {"applications": _APPLICATIONS_INPUT}},
    "WriteOff": {"type": "object", "required": ["reason"], "additionalProperties": False,
                 "description": "Write off what cannot be collected (the caller approves it).",
                 "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 500},
                                "amount": {"type": ["string", "integer", "null"],
                                           "description": "How much (default: all that is open)."}}},
}
