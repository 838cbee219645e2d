"""The one error handler: core errors (the TraceError family) and HTTP errors to status codes,
as an HTML page for browsers and ``application/problem+json`` (RFC 9457) for API clients."""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import Flask, current_app, jsonify, render_template
from flask.wrappers import Response
from werkzeug.exceptions import HTTPException

from cradletrace.errors import TraceError, ValidationFailed, http_status
from cradletrace.web.db import mark_failed
from cradletrace.web.negotiation import is_api_request

PROBLEM_JSON = "application/problem+json"


def init_app(app: Flask) -> None:
    app.register_error_handler(TraceError, handle_error)
    app.register_error_handler(HTTPException, handle_error)
    app.register_error_handler(Exception, handle_error)


def problem(status: int, title: str, detail: str | None = None, **extra: Any) -> Response:
    """An ``application/problem+json`` response."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update({k: v for k, v in extra.items() if v is not None})
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    return response


class Described(NamedTuple):
    """What an error answers: its status, title, detail, headers and the problem's extra members."""

    status: int
    title: str
    detail: str
    headers: dict[str, str]
    extra: dict[str, Any]


def describe(error: Exception) -> Described | None:
    """The answer to ``error`` (logged when the server failed), or ``None`` for a redirect to pass on.

    One reading of the TraceError family and of HTTP errors for every handler (this one, and the
    EPCIS binding's, which adds its exception types to the same problem).
    """
    if isinstance(error, HTTPException):
        if error.code is not None and 300 <= error.code < 400:  # a RequestRedirect (canonical URL): pass on
            return None
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        return Described(error.code or 500, error.name, error.description or "", headers, {})
    if isinstance(error, TraceError):
        extra: dict[str, Any] = {"where": error.where}
        if isinstance(error, ValidationFailed):
            extra["errors"] = [{"where": e.where, "reason": e.message} for e in error.errors]
        status = http_status(error)
        if status >= 500:
            current_app.logger.error("request failed: %s", error, exc_info=error)
        return Described(status, type(error).__name__, str(error), {}, extra)
    current_app.logger.error("unexpected error", exc_info=error)
    return Described(500, "Internal Server Error", "the server could not complete the request; it has been logged",
                     {}, {})


def handle_error(error: Exception) -> Response | tuple[str, int] | HTTPException:
    """Answer ``error``: its status code, a problem document for an API client, a page for a browser."""
    mark_failed()
    described = describe(error)
    if described is None:
        return error  # type: ignore[return-value]
    status, title, detail, headers, extra = described
    if is_api_request():
        response = problem(status, title, detail, **extra)
    else:
        response = current_app.make_response(
            (render_template("error.html", status=status, title=title, detail=detail), status))
    response.headers.update(headers)
    return response
