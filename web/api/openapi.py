"""The OpenAPI 3.1 document of ``/api``, built from the blueprint's route table (so the two cannot disagree)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cradletrace.lineage.queries import RECALL_CSV_COLUMNS
from cradletrace.reports.revenue import JOURNAL_COLUMNS, SCHEDULE_COLUMNS
from cradletrace.web.api.q2c_schemas import PARAMETERS as Q2C_PARAMETERS
from cradletrace.web.api.q2c_schemas import SCHEMAS as Q2C_SCHEMAS

_TIME = {"type": ["string", "null"], "format": "date-time"}
_TEXT = {"type": ["string", "null"]}
_NUMBER = {"type": ["number", "null"]}

PARAMETERS: dict[str, dict[str, Any]] = {
    "id": {"name": "id", "in": "query", "required": True,
           "description": "The identifier in any form: GS1 Digital Link URI, element string, EPC URN, or a unique serial.",
           "schema": {"type": "string", "minLength": 1}, "example": "https://id.gs1.org/01/09506000134352/21/1"},
    "as_of": {"name": "as_of", "in": "query", "required": False,
              "description": "A date (its end, UTC) or an ISO 8601 date-time; now when not given.",
              "schema": {"type": "string", "format": "date-time"}},
    "max_depth": {"name": "max_depth", "in": "query", "required": False,
                  "description": "How many edges deep the walk goes.",
                  "schema": {"type": "integer", "minimum": 0, "maximum": 1000, "default": 50}},
    "format": {"name": "format", "in": "query", "required": False, "description": "json (default) or csv.",
               "schema": {"type": "string", "enum": ["json", "csv"]}},
    **Q2C_PARAMETERS,
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "Problem": {
        "type": "object", "required": ["type", "title", "status"],
        "description": "An RFC 9457 problem: what was wrong and where.",
        "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                       "detail": {"type": "string"}, "where": _TEXT,
                       "errors": {"type": "array", "items": {"type": "object"}}},
    },
    "LineageRow": {
        "type": "object",
        "required": ["identifier", "kind", "via", "depth", "edge_kind", "edge_id"],
        "properties": {
            "identifier": {"type": "string"}, "kind": {"type": "string"}, "via": {"type": "string"},
            "depth": {"type": "integer", "minimum": 0}, "edge_kind": {"type": "string", "enum": ["part_of", "input_of"]},
            "quantity": _NUMBER, "uom": _TEXT, "mass_kg": _NUMBER, "valid_from": _TIME, "valid_to": _TIME,
            "event_id": _TEXT, "closed_by": _TEXT, "edge_id": {"type": "integer"},
        },
    },
    "Lineage": {
        "type": "object", "required": ["identifier", "kind", "direction", "rows"],
        "properties": {"identifier": {"type": "string"}, "kind": {"type": "string"},
                       "direction": {"type": "string", "enum": ["upstream", "downstream"]}, "as_of": _TIME,
                       "rows": {"type": "array", "items": {"$ref": "#/components/schemas/LineageRow"}}},
    },
    "RecallRow": {
        "type": "object", "required": ["identifier", "depth"],
        "properties": {
            "identifier": {"type": "string"}, "depth": {"type": "integer", "minimum": 0}, "gtin": _TEXT,
            "serial": _TEXT, "status": _TEXT, "disposition": _TEXT, "biz_step": _TEXT, "biz_location": _TEXT,
            "biz_location_name": _TEXT, "owner": _TEXT, "owner_name": _TEXT, "possessor": _TEXT,
            "last_event_time": _TIME, "possessor_name": _TEXT, "product": _TEXT, "in_service": {"type": "boolean"},
            "on_hold": {"type": "boolean"}, "recycled": {"type": "boolean"}, "destroyed": {"type": "boolean"},
        },
    },
    "Recall": {
        "type": "object", "required": ["identifier", "count", "units"],
        "properties": {"identifier": {"type": "string"}, "count": {"type": "integer", "minimum": 0},
                       "units": {"type": "array", "items": {"$ref": "#/components/schemas/RecallRow"}}},
    },
    "Passport": {
        "type": "object", "required": ["identifier", "kind", "sections"],
        "properties": {"identifier": {"type": "string"}, "kind": {"type": "string"}, "as_of": _TIME,
                       "generated_at": _TIME,
                       "sections": {"type": "array", "items": {
                           "type": "object", "required": ["name"],
                           "properties": {"name": {"type": "string"}, "title": {"type": "string"}}}}},
    },
    "Footprint": {
        "type": "object",
        "required": ["unit", "stages", "total_kg_co2e", "credits_kg_co2e", "rows", "gaps", "complete"],
        "description": "kg CO2e by stage (EN 15804 names); recovery credits (D) apart, never netted.",
        "properties": {"unit": {"type": "string"}, "at": _TIME, "factor_set": _TEXT,
                       "stages": {"type": "object", "additionalProperties": {"type": "number"}},
                       "ghg_stages": {"type": "object"}, "total_kg_co2e": {"type": "number"},
                       "credits_kg_co2e": {"type": "number"}, "mass_kg": _NUMBER, "per_kg": _NUMBER,
                       "complete": {"type": "boolean"},
                       "rows": {"type": "array", "items": {"type": "object"}},
                       "gaps": {"type": "array", "items": {"type": "object"}}},
    },
    "Materials": {"type": "object", "required": ["unit"], "properties": {"unit": {"type": "string"}}},
    "ComplianceStatus": {
        "type": "object", "required": ["unit", "status", "rules", "reasons"],
        "properties": {"unit": {"type": "string"}, "gtin": _TEXT, "at": _TIME,
                       "status": {"type": "string", "enum": ["compliant", "non_compliant", "incomplete"]},
                       "rules": {"type": "object"}, "responsible": {"type": "array", "items": {"type": "string"}},
                       "reasons": {"type": "array", "items": {"type": "object"}}},
    },
    "OpenAPI": {"type": "object", "required": ["openapi", "paths"]},
    **Q2C_SCHEMAS,
}

_ERRORS = {
    400: "A parameter or the body is missing or malformed (the problem names it).",
    401: "No login or token, or the token is not valid.",
    403: "The caller's roles do not allow this.",
    404: "The identifier or document was never recorded.",
    422: "A business rule refuses it: the problem says which and why (for a configuration, `where` names the "
         "broken rule).",
}
_CSV = {
    "Recall": RECALL_CSV_COLUMNS,
    "RevenueSchedule": SCHEDULE_COLUMNS,
    "RevenueJournal": JOURNAL_COLUMNS,
}
"""The columns of each CSV answer, by its response schema."""


def _content(route: Any) -> dict[str, Any]:
    content: dict[str, Any] = {}
    for media_type in route.media_types or ("application/json",):
        if media_type == "text/csv":
            content[media_type] = {"schema": {"type": "string", "description": "A header line, then one line per row: "
                                              + ", ".join(_CSV[route.response])}}
        else:
            content[media_type] = {"schema": {"$ref": f"#/components/schemas/{route.response}"}}
    return content


def _operation(route: Any) -> dict[str, Any]:
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    success: dict[str, Any] = {"description": route.summary, "content": _content(route)}
    if route.status == 201:
        success["headers"] = {"Location": {"description": "The new resource.", "schema": {"type": "string"}}}
    responses: dict[str, Any] = {str(route.status): success}
    statuses = {400, 401, 403, *route.errors}
    if "id" in route.parameters:
        statuses.add(404)
    for status in sorted(statuses):
        if status == 400 and not route.parameters and route.body is None:
            continue
        if status == 403 and not route.roles:
            continue
        responses[str(status)] = {"description": _ERRORS[status], "content": problem}
    operation: dict[str, Any] = {
        "operationId": route.view.__name__, "summary": route.summary,
        "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in route.parameters],
        "responses": responses,
    }
    if route.body is not None:
        operation["requestBody"] = {"required": route.body not in ("Empty", "Note", "Acceptance", "QuoteChange"), "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{route.body}"}}}}
    notes = []
    if route.roles:
        notes.append(f"Needs one of the roles: {', '.join(route.roles)}.")
    if route.method != "GET":
        notes.append("A signed-in browser session sends its CSRF token in the X-CSRF-Token header; a bearer token "
                     "needs none.")
    if notes:
        operation["description"] = " ".join(notes)
    return operation


def document(routes: Iterable[Any]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``routes`` (the blueprint's :data:`~cradletrace.web.api.ROUTES`)."""
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.1.0",
        "info": {"title": "cradletrace API", "version": "1",
                 "description": "Lineage, recall, passports and unit metrics; quotes, configurations, contracts, "
                                "entitlement, revenue and the quote-to-cash KPIs of a cradletrace deployment. Every "
                                "call needs a bearer token (`cradletrace token add USER`) or a signed-in session."},
        "servers": [{"url": "/api"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "parameters": PARAMETERS,
            "schemas": SCHEMAS,
        },
    }
