"""Helpers for the tests of the quote-to-cash pages (sales and finance): who may open a page, the text of a page,
statements counted, forms posted with their CSRF token.

Not a test module: the tests import it by name (conftest puts this folder on the path).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from cradletrace.web.auth import ROLES
from web_support import bearer, create_token, csrf_of

HTML = {"Accept": "text/html"}
SignedIn = Callable[..., FlaskClient]
"""The ``signed_in`` fixture of web_support: ``signed_in(*roles, name=None)`` gives a signed-in client."""


def text(response: Any) -> str:
    """A page's visible text, tags removed and white space collapsed (what a person reads, in order)."""
    body = response.get_data(as_text=True)
    body = re.sub(r"(?s)<(script|style|title|svg)\b.*?</\1>", " ", body)
    body = re.sub(r"</?(?:a|span|strong|em|code|time|abbr)\b[^>]*>", "", body)  # inline: no gap
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(body)).strip()


def post(client: FlaskClient, url: str, **form: str) -> Any:
    """Post a form as the page does, with the session's CSRF token."""
    return client.post(url, data={"csrf_token": csrf_of(client), **form})


def flash_of(client: FlaskClient, url: str) -> str:
    """The page at ``url`` after an action: its text (the action's confirmation or refusal is at the top)."""
    return text(client.get(url, headers=HTML))


def check_access(app: Flask, session: Session, method: str, url: str, roles: Iterable[str]) -> None:
    """Every role (and the anonymous public) against ``url``: login for the anonymous, 403 for a role not in
    ``roles``, the page (or an action's 303) for one in it. Posts are made by tokens (no CSRF needed)."""
    allowed = set(roles)
    client = app.test_client()
    response = client.open(url, method=method, headers=HTML)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login"), (url, "anonymous")
    for role in ROLES:
        token = create_token(session, f"access_{role}_{abs(hash((method, url)))}", role)
        response = client.open(url, method=method, headers={**HTML, **bearer(token)})
        if role in allowed:
            assert response.status_code == (200 if method == "GET" else 303), (method, url, role, response.status_code)
        else:
            assert response.status_code == 403, (method, url, role, response.status_code)


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    """The SQL statements run on ``session``'s connection while inside (the app's requests share it in tests)."""
    seen: list[str] = []
    engine = session.connection().engine

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def page_statements(session: Session, client: FlaskClient, url: str) -> int:
    """How many statements a page costs (the page must answer 200)."""
    with statements(session) as seen:
        response = client.get(url, headers=HTML)
    assert response.status_code == 200, (url, response.status_code)
    return len(seen)


__all__ = ["HTML", "SignedIn", "check_access", "flash_of", "page_statements", "post", "statements", "text"]
