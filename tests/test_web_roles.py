"""The role matrix: every route of ``app.url_map`` x every role (anonymous included), each answer
derived from what the view declared (``public`` or ``login_required(*roles)``) and asserted.

Routes added by other blueprints (``epcis``, ``api``) are covered as soon as they are registered:
the test reads the declarations from the views, and fails for a view that declares nothing.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule

from cradletrace.web.auth import ROLES, access_of
from web_support import bearer, create_token, app  # noqa: F401

ANONYMOUS = None
SAMPLE = {"gtin": "09506000134352", "serial": "P1", "lot": "L1", "sscc": "095060001343520000",
          "ai": "01", "rest": "09506000134352/21/UNKNOWN", "value": "nothing-here", "filename": "style.css"}
SKIP_METHODS = {"HEAD", "OPTIONS"}


def _url(rule: Rule) -> str:
    values: dict[str, Any] = {}
    for name in rule.arguments:
        converter = rule._converters[name]  # noqa: SLF001 - the converter type picks a sample value
        kind = type(converter).__name__
        if name in SAMPLE and not (kind == "AnyConverter" and SAMPLE[name] not in converter.items):
            values[name] = SAMPLE[name]
        elif kind == "AnyConverter":
            values[name] = sorted(converter.items)[0]
        elif kind in ("IntegerConverter", "NumberConverter"):
            values[name] = 1
        elif kind == "UUIDConverter":
            values[name] = "00000000-0000-0000-0000-000000000000"
        else:
            values[name] = "x"
    path = rule.rule
    for name, value in values.items():
        path = re.sub(r"<(?:[^<>:]+(?:\([^<>]*\))?:)?" + name + ">", str(value), path)
    return path


def routes(app: Flask) -> list[tuple[str, str, str]]:
    """Every (endpoint, method, url) of the app."""
    out = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - SKIP_METHODS):
            out.append((rule.endpoint, method, _url(rule)))
    return out


def expected(access: tuple[str, frozenset[str]], role: str | None, api: bool) -> str:
    """``allowed``, ``login`` (401 for API clients, a redirect to the login page for browsers) or ``forbidden``."""
    kind, roles = access
    if kind == "public":
        return "allowed"
    if role is ANONYMOUS:
        return "login"
    return "allowed" if not roles or role in roles else "forbidden"


def test_every_view_declares_who_may_reach_it(app: Flask) -> None:
    undeclared = sorted(endpoint for endpoint, view in app.view_functions.items() if access_of(view) is None)
    assert not undeclared, (f"views that declare no access: {undeclared}; decorate them with "
                            "@login_required(...) or @public")


@pytest.mark.parametrize("role", [ANONYMOUS, *ROLES], ids=lambda r: r or "anonymous")
def test_role_matrix(app: Flask, session, role: str | None) -> None:
    token = create_token(session, f"matrix_{role}", role) if role else None
    client = app.test_client()
    checked = 0
    for endpoint, method, url in routes(app):
        access = access_of(app.view_functions[endpoint])
        assert access is not None, f"{endpoint} declares no access"
        for api in (True, False) if role is ANONYMOUS else (True,):
            headers = {"Accept": "application/json" if api else "text/html"}
            if token:
                headers.update(bearer(token))
            response = client.open(url, method=method, headers=headers)
            want = expected(access, role, api)
            status = response.status_code
            where = f"{method} {url} ({endpoint}) as {role or 'anonymous'}, {'API' if api else 'browser'}: {status}"
            assert status < 500, where + " " + response.get_data(as_text=True)[:300]
            if want == "allowed":
                assert status not in (401, 403), where
                assert not (status == 302 and "/login" in response.headers.get("Location", "")), where
            elif want == "forbidden":
                assert status == 403, where
            elif api:
                assert status == 401 and "Bearer" in response.headers.get("WWW-Authenticate", ""), where
                assert response.mimetype == "application/problem+json", where
            elif url.startswith(("/api", "/epcis")):
                assert status == 401, where  # API paths answer 401 even to a browser
            else:
                assert status == 302 and response.headers["Location"].startswith("/login"), where
            checked += 1
    assert checked >= 8
