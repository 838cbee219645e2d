"""The one error handler and the request-scoped session: status codes, HTML or problem+json, rollback on error."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from cradletrace.errors import Conflict, InvalidInput, NotFound, RuleViolation, ValidationFailed
from cradletrace.models import User
from cradletrace.web.auth import public
from cradletrace.web.db import get_session
from web_support import FAST_HASH, app, client  # noqa: F401


@pytest.fixture
def failing(app: Flask) -> Flask:
    errors = {"notfound": NotFound("no unit 'x'", where="id"), "invalid": InvalidInput("bad", where="q"),
              "conflict": Conflict("taken"), "rule": RuleViolation("on hold"),
              "validation": ValidationFailed([InvalidInput("no eventTime", where="event[0].eventTime")]),
              "crash": RuntimeError("boom")}

    @app.get("/_test/fail/<kind>")
    @public
    def fail(kind: str) -> str:
        raise errors[kind]

    @app.get("/_test/write/<name>")
    @public
    def write(name: str) -> str:
        from cradletrace.web.auth import add_user

        add_user(get_session(), name, "password123", [], hash_method=FAST_HASH)
        if name.startswith("bad"):
            raise InvalidInput("refused after writing")
        return "written"

    return app


@pytest.mark.parametrize("kind,status", [("notfound", 404), ("invalid", 400), ("conflict", 409), ("rule", 422),
                                         ("validation", 400), ("crash", 500)])
def test_core_errors_map_to_status_codes_for_api_clients(failing: Flask, kind: str, status: int) -> None:
    response = failing.test_client().get(f"/_test/fail/{kind}", headers={"Accept": "application/json"})
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == status
    if kind == "notfound":
        assert response.json["detail"] == "id: no unit 'x'" and response.json["where"] == "id"
    if kind == "validation":
        assert response.json["errors"] == [{"where": "event[0].eventTime", "reason": "no eventTime"}]
    if kind == "crash":
        assert "boom" not in response.get_data(as_text=True)  # no internals leak


def test_browsers_get_an_html_page(failing: Flask) -> None:
    response = failing.test_client().get("/_test/fail/notfound", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "no unit" in response.get_data(as_text=True)
    unknown = failing.test_client().get("/no/such/page/at/all/here", headers={"Accept": "text/html"})
    assert unknown.status_code == 404 and unknown.mimetype == "text/html"


def test_a_request_commits_on_success_and_rolls_back_on_error(failing: Flask, session) -> None:
    client = failing.test_client()
    assert client.get("/_test/write/good").status_code == 200
    assert client.get("/_test/write/bad").status_code == 400
    names = set(session.scalars(select(User.name)))
    assert "good" in names and "bad" not in names
