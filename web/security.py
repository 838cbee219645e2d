"""Security headers on every response, CSRF tokens on every form, and session cookies that are
HttpOnly, SameSite=Lax and Secure whenever the request arrived over TLS."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from flask import Flask, abort, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask.wrappers import Response

from cradletrace.web.negotiation import API_PREFIXES

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


class TLSAwareSessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure when the request came over TLS (or when configured so)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_app(app: Flask) -> None:
    app.session_interface = TLSAwareSessionInterface()
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.before_request(check_csrf)
    app.after_request(add_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token


def csrf_token() -> str:
    """This session's CSRF token (made on first use); forms carry it as the hidden field ``csrf_token``."""
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def check_csrf() -> None:
    """Refuse an unsafe request that a cookie could carry but whose CSRF token is missing or wrong.

    A request with a bearer token carries no cookie authority, so it needs none; neither does an
    anonymous request to the API (it is refused 401 by its view instead).
    """
    if request.method not in UNSAFE_METHODS or not request.endpoint or g.get("via_token"):
        return
    if request.path.startswith(API_PREFIXES) and g.get("user") is None:
        return
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    expected = session.get(CSRF_FIELD, "")
    if not expected or not hmac.compare_digest(sent, expected):
        abort(400, description="the form has expired or did not come from this site (CSRF token missing "
                               "or wrong): reload the page and try again")


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


