"""The JSON API under ``/api``: lineage, recall (JSON or CSV) and passports, for bearer tokens (or a signed-in browser).

One table (:data:`ROUTES`) both registers the views and describes them in the OpenAPI 3.1 document
served at ``/api/openapi.json`` (:mod:`cradletrace.web.api.openapi`), so the two cannot drift
apart; a test checks every ``/api`` route is in the document and every documented path is a route.
Views are thin: they read parameters and call the core (:mod:`cradletrace.lineage`,
:mod:`cradletrace.passport`).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from flask import Blueprint, current_app, g, request
from flask.wrappers import Response

from cradletrace.compliance import status as compliance_status
from cradletrace.errors import InvalidInput
from cradletrace.metrics import footprint as unit_footprint
from cradletrace.metrics import materials as unit_materials
from cradletrace.lineage import DEFAULT_MAX_DEPTH, as_dict, downstream, recall, recall_csv, resolve, upstream
from cradletrace.passport import build_passport, parse_as_of, passport_for
from cradletrace.web.auth import login_required
from cradletrace.web.db import get_session

LINEAGE_ROLES = ("supply_chain", "compliance", "admin")
"""Who may ask lineage and recall questions."""
METRICS_ROLES = ("sustainability", "compliance", "supply_chain", "admin")
"""Who may read a unit's footprint, material metrics and compliance status with their explanations
(the rows name supplier lots and sites, which the public passport leaves out)."""
MAX_DEPTH_LIMIT = 1000

bp = Blueprint("api", __name__, url_prefix="/api")


def json_response(value: Any, status: int = 200) -> Response:
    """JSON with datetimes as ISO 8601 UTC (``...Z``)."""
    body = orjson.dumps(value, default=str, option=orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z)
    return Response(body, status=status, mimetype="application/json")


def _identifier() -> str:
    value = request.args.get("id", "").strip()
    if not value:
        raise InvalidInput("give the identifier: ?id=... (Digital Link, element string, EPC URN or serial)",
                           where="query parameter id")
    return value


def _max_depth() -> int:
    text = request.args.get("max_depth")
    if text is None:
        return DEFAULT_MAX_DEPTH
    try:
        value = int(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a whole number", where="query parameter max_depth") from None
    if not 0 <= value <= MAX_DEPTH_LIMIT:
        raise InvalidInput(f"must be between 0 and {MAX_DEPTH_LIMIT}", where="query parameter max_depth")
    return value


def lineage_upstream() -> Response:
    session = get_session()
    node = resolve(session, _identifier())
    as_of = parse_as_of(request.args.get("as_of"))
    rows = upstream(session, node.identifier, as_of, max_depth=_max_depth())
    return json_response({"identifier": node.identifier, "kind": node.kind, "direction": "upstream",
                          "as_of": as_of, "rows": [as_dict(r) for r in rows]})


def lineage_downstream() -> Response:
    session = get_session()
    node = resolve(session, _identifier())
    rows = downstream(session, node.identifier, max_depth=_max_depth())
    return json_response({"identifier": node.identifier, "kind": node.kind, "direction": "downstream",
                          "rows": [as_dict(r) for r in rows]})


def recall_units() -> Response:
    session = get_session()
    node = resolve(session, _identifier())
    rows = recall(session, node.identifier, max_depth=_max_depth())
    wanted = request.args.get("format") or ("csv" if request.accept_mimetypes.best_match(
        ["application/json", "text/csv"]) == "text/csv" else "json")
    if wanted == "csv":
        out = io.StringIO()
        recall_csv(rows, out)
        response = Response(out.getvalue(), mimetype="text/csv")
        response.headers["Content-Disposition"] = 'attachment; filename="recall.csv"'
        return response
    if wanted != "json":
        raise InvalidInput(f"{wanted!r} is not json or csv", where="query parameter format")
    return json_response({"identifier": node.identifier, "count": len(rows), "units": [as_dict(r) for r in rows]})


def passport() -> Response:
    session = get_session()
    full = build_passport(session, _identifier(), as_of=parse_as_of(request.args.get("as_of")),
                          company_prefixes=current_app.config.get("COMPANY_PREFIXES", ()))
    return json_response(passport_for(full, g.roles))


def footprint() -> Response:
    session = get_session()
    node = resolve(session, _identifier())
    return json_response(unit_footprint(session, node.identifier, at=parse_as_of(request.args.get("as_of"))).to_dict())


def materials() -> Response:
    session = get_session()
    node = resolve(session, _identifier())
    return json_response(unit_materials(session, node.identifier, at=parse_as_of(request.args.get("as_of"))).to_dict())


def compliance() -> Response:
    session = get_session()
    node = resolve(session, _identifier())
    return json_response(compliance_status(session, node.identifier, at=parse_as_of(request.args.get("as_of"))).to_dict())


def openapi_document() -> Response:
    from cradletrace.web.api.openapi import document

    return json_response(document(ROUTES))


@dataclass(frozen=True)
class Route:
    """One ``GET`` route of the API: its path, view, who may call it, and how the OpenAPI document describes it."""

    path: str
    view: Callable[[], Response]
    roles: tuple[str, ...]
    summary: str
    parameters: tuple[str, ...]
    response: str
    media_types: tuple[str, ...] = ("application/json",)


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
    Route("/openapi.json", openapi_document, (), "This document", (), "OpenAPI"),
)

for _route in ROUTES:
    bp.add_url_rule(_route.path, _route.view.__name__, login_required(*_route.roles)(_route.view), methods=["GET"])

__all__ = ["LINEAGE_ROLES", "METRICS_ROLES", "ROUTES", "Route", "bp"]
