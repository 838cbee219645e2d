"""The one error handler: core errors (the TraceError family) and HTTP errors to status codes,
as an HTML page for browsers and ``application/problem+json`` (RFC 9457) for API clients."""

from __future__ import annotations

from typing import Any

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


def handle_error(error: Exception) -> Response | tuple[str, int] | HTTPException:
    """Answer ``error``: its status code, a problem document for an API client, a page for a browser."""
    mark_failed()
    if isinstance(error, HTTPException):
        if error.code is not None and 300 <= error.code < 400:  # a RequestRedirect (canonical URL): pass on
            return error
        status, title, detail, extra = error.code or 500, error.name, error.description, {}
        headers = dict(error.get_headers())
        headers.pop("Content-Type", None)
    elif isinstance(error, TraceError):
        status, title, detail, headers = http_status(error), type(error).__name__, str(error), {}
        extra = {"where": error.where}
        if isinstance(error, ValidationFailed):
            extra["errors"] = [{"where": e.where, "reason": e.message} for e in error.errors]
        if status >= 500:
            current_app.logger.error("request failed: %s", error, exc_info=error)
    else:
        current_app.logger.error("unexpected error", exc_info=error)
        status, title, headers, extra = 500, "Internal Server Error", {}, {}
        detail = "the server could not complete the request; it has been logged"
    if is_api_request():
        response = problem(status, title, detail, **extra)
    else:
        response = current_app.make_response(
            (render_template("error.html", status=status, title=title, detail=detail), status))
    response.headers.update(headers)
    return response
