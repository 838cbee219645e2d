"""The EPCIS 2.0 REST binding's protocol: GS1 headers, version negotiation, media types, problems, paging links.

Every response under ``/epcis`` carries ``GS1-EPCIS-Version`` and ``GS1-CBV-Version`` (and the
Min/Max this server supports); a request that asks for versions the server does not speak
(``GS1-EPCIS-Version``, ``GS1-EPCIS-Min``/``-Max``, ``GS1-CBV-Min``/``-Max``) is answered 406.
Errors are RFC 7807 problems typed with the EPCIS exception names of GS1's openapi.yaml.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

import orjson
from flask import current_app, g, request
from flask.wrappers import Response
from werkzeug.exceptions import HTTPException, NotAcceptable, UnsupportedMediaType

from cradletrace.epcis import write_jsonld, write_xml
from cradletrace.errors import InvalidInput, LimitExceeded
from cradletrace.query.epc_format import epc_format, wants_urns, with_epc_urns
from cradletrace.settings import load_limits
from cradletrace.web.db import mark_failed
from cradletrace.web.errors import describe, problem

EPCIS_VERSION = CBV_VERSION = "2.0.0"
CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
JSON_TYPES = ("application/json", "application/ld+json")
XML_TYPES = ("application/xml", "text/xml")

_EXCEPTIONS = {
    400: "epcisException:ValidationException", 401: "epcisException:SecurityException",
    403: "epcisException:SecurityException", 404: "epcisException:NoSuchNameException",
    406: "epcisException:NotAcceptableException", 409: "epcisException:ResourceAlreadyExistsException",
    413: "epcisException:CaptureLimitExceededException", 414: "epcisException:URITooLongException",
    415: "epcisException:UnsupportedMediaTypeException", 501: "epcisException:ImplementationException",
}


def limits_headers() -> dict[str, str]:
    """``GS1-EPCIS-Capture-Limit`` (events) and ``GS1-EPCIS-Capture-File-Size-Limit`` (bytes) of this server."""
    limits = current_app.config.get("CAPTURE_LIMITS") or load_limits()
    return {"GS1-EPCIS-Capture-Limit": str(limits.max_events),
            "GS1-EPCIS-Capture-File-Size-Limit": str(limits.max_document_bytes)}


def add_gs1_headers(response: Response) -> Response:
    """The version headers of every EPCIS response."""
    response.headers.setdefault("GS1-EPCIS-Version", EPCIS_VERSION)
    response.headers.setdefault("GS1-CBV-Version", CBV_VERSION)
    return response


def discovery(methods: Iterable[str], *, capture: bool = False) -> Response:
    """The ``204`` answer to ``OPTIONS``: the methods, versions, formats and (for capture) limits."""
    response = Response(status=204)
    allowed = sorted((set(methods) | {"OPTIONS"}) - {"HEAD"})
    response.headers.update({
        "Allow": ", ".join(allowed), "GS1-EPCIS-Min": EPCIS_VERSION, "GS1-EPCIS-Max": EPCIS_VERSION,
        "GS1-CBV-Min": CBV_VERSION, "GS1-CBV-Max": CBV_VERSION, "GS1-EPC-Format": "Always_GS1_Digital_Link",
        "GS1-CBV-XML-Format": "Always_Web_URI"})
    if capture:
        response.headers.update(limits_headers())
        response.headers["GS1-Capture-Error-Behaviour"] = "rollback"
    return response


def _version(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.strip().split("."))
    except ValueError:
        return ()


def check_versions() -> None:
    """406 when the request's EPCIS or CBV version headers exclude 2.0.0; 400 when they are not versions."""
    ours = _version(EPCIS_VERSION)
    for name, test in (("GS1-EPCIS-Version", lambda v: v[:1] == ours[:1]), ("GS1-CBV-Version", lambda v: v[:1] == ours[:1]),
                       ("GS1-EPCIS-Min", lambda v: v <= ours), ("GS1-EPCIS-Max", lambda v: v >= ours[:len(v)]),
                       ("GS1-CBV-Min", lambda v: v <= ours), ("GS1-CBV-Max", lambda v: v >= ours[:len(v)])):
        value = request.headers.get(name)
        if value is None:
            continue
        version = _version(value)
        if not version or not test(version):
            raise NotAcceptable(description=f"{name}: {value!r}: this server speaks EPCIS and CBV {EPCIS_VERSION}")


def handle_error(error: Exception) -> Response | HTTPException:
    """Every error under ``/epcis`` as an RFC 7807 problem with its EPCIS exception type."""
    mark_failed()
    described = describe(error)
    if described is None:
        return error  # type: ignore[return-value]
    status, title, detail, headers, extra = described
    kind = _EXCEPTIONS.get(status, "epcisException:ImplementationException")
    if status == 400 and g.get("epcis_query"):
        kind = "epcisException:QueryParameterException"
    if status == 413 and g.get("epcis_query"):
        kind = "epcisException:QueryTooLargeException"
    response = problem(status, title, detail, type=kind, **extra)
    response.headers.update(headers)
    if status == 413:
        response.headers.update(limits_headers())
    return add_gs1_headers(response)


def output_format() -> str:
    """``json`` or ``xml``, from the Accept header (JSON when it does not care); 406 for anything else."""
    accept = request.accept_mimetypes
    if not accept or accept.best == "*/*":
        return "json"
    best = accept.best_match([*JSON_TYPES, *XML_TYPES, "application/problem+json"])
    if best is None:
        raise NotAcceptable(description="this resource is served as application/json, application/ld+json "
                                        "or application/xml")
    return "xml" if best in XML_TYPES else "json"


def json_response(value: Any, status: int = 200, *, mimetype: str = "application/json") -> Response:
    return Response(orjson.dumps(value), status=status, mimetype=mimetype)


def collection(members: list[str]) -> dict[str, Any]:
    """A GS1 ``Collection`` of resource names or values."""
    return {"@context": CONTEXT, "type": "Collection", "member": members}


def rendered(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events with the identifiers in the ``GS1-EPC-Format`` asked for (Digital Link unless EPC URNs are asked for)."""
    fmt = epc_format(request.headers.get("GS1-EPC-Format"))
    if not wants_urns(fmt):
        return events
    prefixes = current_app.config.get("COMPANY_PREFIXES") or ()
    return [with_epc_urns(event, prefixes) for event in events]


def query_document(events: list[dict[str, Any]], next_page_token: str | None) -> Response:
    """An EPCISQueryDocument of ``events`` (JSON-LD or XML by Accept), with the ``Link`` to the next page."""
    fmt = output_format()
    buffer = io.BytesIO()
    (write_xml if fmt == "xml" else write_jsonld)(rendered(events), buffer, query=True)
    accept_ld = request.accept_mimetypes.best_match(JSON_TYPES) == "application/ld+json"
    mimetype = "application/xml" if fmt == "xml" else ("application/ld+json" if accept_ld else "application/json")
    response = Response(buffer.getvalue(), mimetype=mimetype)
    if next_page_token:
        response.headers["Link"] = next_link(next_page_token)
    return response


def next_link(token: str) -> str:
    """``Link: <this URL with nextPageToken=token>; rel="next"``."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "nextPageToken"]
    return f'<{request.base_url}?{urlencode([*args, ("nextPageToken", token)])}>; rel="next"'


def query_params(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The request's EPCIS query parameters (a repeated parameter as ``|`` alternatives), and ``extra`` from the path."""
    g.epcis_query = True
    params: dict[str, str] = {}
    for name in request.args:
        params[name] = "|".join(request.args.getlist(name))
    params.update(extra or {})
    return params


def per_page(default: int = 30) -> int:
    """``perPage`` as a whole number of 1 to 10,000."""
    text = request.args.get("perPage")
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a whole number", where="query parameter perPage") from None
    return value


def document_format() -> str:
    """The format of a posted document from its Content-Type: ``json`` or ``xml``; 415 for anything else."""
    mimetype = request.mimetype
    if mimetype in JSON_TYPES:
        return "json"
    if mimetype in XML_TYPES:
        return "xml"
    raise UnsupportedMediaType(description=f"{mimetype or 'no Content-Type'}: send application/json, "
                                           "application/ld+json or application/xml")


def read_body(limit: int) -> bytes:
    """The request body, refused with 413 beyond ``limit`` bytes (read no further than that)."""
    if request.content_length is not None and request.content_length > limit:
        raise LimitExceeded(f"{request.content_length} bytes is more than the {limit} a document may have "
                            "(CRADLETRACE_MAX_DOCUMENT_BYTES)", where="capture")
    body = request.stream.read(limit + 1)
    if len(body) > limit:
        raise LimitExceeded(f"more than the {limit} bytes a document may have (CRADLETRACE_MAX_DOCUMENT_BYTES)",
                            where="capture")
    return body

