"""The EPCIS 2.0 REST binding under ``/epcis`` (GS1's openapi.yaml): capture jobs, events, queries, discovery.

A short routing table over the core: capture jobs (:mod:`cradletrace.log.jobs`), single events
(:func:`cradletrace.log.capture.capture_events`), queries (:mod:`cradletrace.query`), named queries
(:mod:`cradletrace.query.named`) and the top-level resources (:mod:`cradletrace.query.resources`).
Reading needs a login or a token; capturing, one of :data:`CAPTURE_ROLES`. docs/epcis-rest.md
lists what of GS1's binding is served and what is not.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, request, url_for
from flask.wrappers import Response
from werkzeug.exceptions import Unauthorized
from werkzeug.routing import PathConverter

from cradletrace.epcis import read_event
from cradletrace.epcis.jsonld_writer import event_to_jsonld
from cradletrace.epcis.namespaces import PrefixAllocator
from cradletrace.errors import Conflict, InvalidInput
from cradletrace.log.capture import capture_events
from cradletrace.log.jobs import enqueue, error_behaviour, get_job, job_view, list_jobs
from cradletrace.query import query_events
from cradletrace.query.named import create_query, delete_query, get_query, list_queries, run_query
from cradletrace.query.resources import RESOURCES, events_by_id, list_values
from cradletrace.settings import load_limits
from cradletrace.web.auth import login_required
from cradletrace.web.db import get_session
from cradletrace.web.epcis import protocol
from cradletrace.web.epcis.protocol import collection, json_response, query_document
from cradletrace.web.epcis.worker import CAPTURE_WORKER

CAPTURE_ROLES = ("warehouse", "admin")
"""Who may capture events (``POST /epcis/capture``, ``POST /epcis/events``)."""

class ValueConverter(PathConverter):
    """A path value that may hold anything, slashes and line breaks included (``path`` stops at a line break)."""

    regex = "(?s:[^/].*?)"


bp = Blueprint("epcis", __name__, url_prefix="/epcis")
bp.record_once(lambda state: state.app.url_map.converters.setdefault("value", ValueConverter))
bp.register_error_handler(Exception, protocol.handle_error)
bp.after_request(protocol.add_gs1_headers)

#: The shortcut paths: ``/epcis/{resource}/{value}/events`` is ``/epcis/events?{parameter}={value}``.
SHORTCUTS = {"eventTypes": "eventType", "epcs": "MATCH_anyEPC", "bizSteps": "EQ_bizStep",
             "bizLocations": "EQ_bizLocation", "readPoints": "EQ_readPoint", "dispositions": "EQ_disposition"}
_OPTIONS = {"merge_slashes": False}  # identifiers in paths are URIs: "https://..." must not lose a slash


@bp.before_request
def _before() -> Response | None:
    protocol.check_versions()
    if request.method == "OPTIONS" and request.url_rule is not None:
        if g.get("user") is None:  # discovery is part of the binding: it needs a login too
            raise Unauthorized(description="sign in or send an API token (Authorization: Bearer TOKEN)",
                               www_authenticate=_challenge())
        path = request.url_rule.rule
        methods = {m for rule in current_app.url_map.iter_rules() if rule.rule == path for m in rule.methods or ()}
        return protocol.discovery(methods, capture=path == "/epcis/capture")
    return None


def _challenge() -> Any:
    from werkzeug.datastructures import WWWAuthenticate

    return WWWAuthenticate("bearer", {"realm": "cradletrace"})


def _limits() -> Any:
    return current_app.config.get("CAPTURE_LIMITS") or load_limits()


def _user_name() -> str | None:
    user = g.get("user")
    return getattr(user, "name", None)


# --- discovery ----------------------------------------------------------------------------------

@bp.route("/", methods=["GET", "OPTIONS"], provide_automatic_options=False)
@login_required()
def top_level() -> Response:
    return json_response(collection(["capture", "events", "eventTypes", "epcs", "bizSteps", "bizLocations",
                                     "readPoints", "dispositions", "queries"]))


@bp.route("/<any(eventTypes, epcs, bizSteps, bizLocations, readPoints, dispositions):resource>",
          methods=["GET", "OPTIONS"], provide_automatic_options=False)
@login_required()
def resource_values(resource: str) -> Response:
    page = list_values(get_session(), resource, per_page=protocol.per_page(),
                       page_token=request.args.get("nextPageToken"))
    response = json_response(collection(page.values))
    if page.next_page_token:
        response.headers["Link"] = protocol.next_link(page.next_page_token)
    return response


@bp.route("/<any(eventTypes, epcs, bizSteps, bizLocations, readPoints, dispositions):resource>/<value:value>",
          methods=["GET", "OPTIONS"], provide_automatic_options=False, **_OPTIONS)
@login_required()
def resource_value(resource: str, value: str) -> Response:
    return json_response(collection(["events"]))


@bp.route("/<any(eventTypes, epcs, bizSteps, bizLocations, readPoints, dispositions):resource>/<value:value>/events",
          methods=["GET", "OPTIONS"], provide_automatic_options=False, **_OPTIONS)
@login_required()
def resource_events(resource: str, value: str) -> Response:
    page = query_events(get_session(), protocol.query_params({SHORTCUTS[resource]: value}))
    return query_document(page.events, page.next_page_token)


# --- capture ------------------------------------------------------------------------------------

@bp.route("/capture", methods=["POST"])
@login_required(*CAPTURE_ROLES)
def capture() -> Response:
    behaviour = error_behaviour(request.headers.get("GS1-Capture-Error-Behaviour"))
    protocol.document_format()
    limits = _limits()
    job = enqueue(get_session(), protocol.read_body(limits.max_document_bytes), media_type=request.mimetype,
                  behaviour=behaviour, created_by=_user_name(), limits=limits)
    response = Response(status=202)
    response.headers["Location"] = url_for("epcis.capture_job", capture_id=job.id)
    response.headers.update(protocol.limits_headers())
    worker = current_app.extensions.get(CAPTURE_WORKER)
    if worker is not None:
        response.call_on_close(worker.wake)  # after the request's commit: the job is there to be taken
    return response


@bp.route("/capture", methods=["GET", "OPTIONS"], provide_automatic_options=False)
@login_required()
def capture_jobs() -> Response:
    return _list_jobs()


def _list_jobs() -> Response:
    jobs, after = list_jobs(get_session(), limit=_checked_per_page(), before=request.args.get("nextPageToken"))
    response = json_response([job_view(job) for job in jobs])
    if after:
        response.headers["Link"] = protocol.next_link(after)
    return response


def _checked_per_page() -> int:
    value = protocol.per_page()
    if not 1 <= value <= 1000:
        raise InvalidInput("must be between 1 and 1000", where="query parameter perPage")
    return value


@bp.route("/capture/<capture_id>", methods=["GET", "OPTIONS"], provide_automatic_options=False)
@login_required()
def capture_job(capture_id: str) -> Response:
    return json_response(job_view(get_job(get_session(), capture_id)))


# --- events -------------------------------------------------------------------------------------

@bp.route("/events", methods=["GET", "OPTIONS"], provide_automatic_options=False)
@login_required()
def events() -> Response:
    page = query_events(get_session(), protocol.query_params())
    return query_document(page.events, page.next_page_token)


@bp.route("/events", methods=["POST"])
@login_required(*CAPTURE_ROLES)
def post_event() -> Response:
    fmt = protocol.document_format()
    limits = _limits()
    event = read_event(protocol.read_body(limits.max_document_bytes), format=fmt, limits=limits)
    report = capture_events(get_session(), [event], name="POST /epcis/events")
    if report.duplicates:
        raise Conflict(f"event {report.duplicates[0]!r} is already in the log", where="eventID")
    [event_id] = report.event_ids
    stored = events_by_id(get_session(), event_id)[0]
    response = json_response(event_to_jsonld(protocol.rendered([stored])[0], PrefixAllocator()), 201)
    response.headers["Location"] = url_for("epcis.event", event_id=event_id)
    return response


@bp.route("/events/<value:event_id>", methods=["GET", "OPTIONS"], provide_automatic_options=False, **_OPTIONS)
@login_required()
def event(event_id: str) -> Response:
    return query_document(events_by_id(get_session(), event_id), None)


# --- named queries ------------------------------------------------------------------------------

@bp.route("/queries", methods=["GET", "POST", "OPTIONS"], provide_automatic_options=False)
@login_required()
def queries() -> Response:
    if request.method == "GET":
        return json_response([{"name": q.name, "query": q.query} for q in list_queries(get_session())])
    if request.mimetype not in protocol.JSON_TYPES:
        protocol.document_format()  # 415 for anything but JSON ...
        raise InvalidInput("send the query as JSON", where="body")  # ... and XML
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "name" not in body or not isinstance(body.get("query", {}), dict):
        raise InvalidInput('send {"name": NAME, "query": {PARAMETER: VALUE, ...}}', where="body")
    named = create_query(get_session(), body["name"], body.get("query", {}), created_by=_user_name())
    response = Response(status=201)
    response.headers["Location"] = url_for("epcis.named_query", name=named.name)
    return response


@bp.route("/queries/<name>", methods=["GET", "DELETE", "OPTIONS"], provide_automatic_options=False)
@login_required()
def named_query(name: str) -> Response:
    if request.method == "DELETE":
        delete_query(get_session(), name)
        return Response(status=204)
    named = get_query(get_session(), name)
    return json_response({"name": named.name, "query": named.query})


@bp.route("/queries/<name>/events", methods=["GET", "OPTIONS"], provide_automatic_options=False)
@login_required()
def named_query_events(name: str) -> Response:
    params = protocol.query_params()
    page = run_query(get_session(), name, {k: v for k, v in params.items() if k in ("perPage", "nextPageToken")})
    return query_document(page.events, page.next_page_token)


@bp.route("/nextPageToken/<value:token>", methods=["DELETE"], **_OPTIONS)
@login_required()
def release_token(token: str) -> Response:
    """Page tokens hold the position in the query itself (no server state), so there is nothing to release."""
    return Response(status=204)


__all__ = ["CAPTURE_ROLES", "RESOURCES", "SHORTCUTS", "bp"]
