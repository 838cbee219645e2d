"""Fixtures and helpers for the web tests: an app on the test's database transaction, users with
roles, tokens, and signed-in clients.

Not a test module: web tests import what they use by name, fixtures included
(``from web_support import app, client, make_user, signed_in``); conftest puts this folder on the path.

The ``app`` fixture runs on the ``session`` fixture's connection: the app's request sessions join
the test's outer transaction (their commits only release a SAVEPOINT), so whatever a request writes
is visible to the test through ``session`` and is rolled back after it, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from cradletrace.models import User
from cradletrace.web import create_app
from cradletrace.web.auth import add_token, add_user

PASSWORD = "correct horse battery"
"""The password of every user the helpers make."""
FAST_HASH = "pbkdf2:sha256:1000"
"""A cheap password hash for tests (the application uses scrypt)."""


def build_app(database_url: str, session: Session | None = None, **config: Any) -> Flask:
    """An app on ``database_url``; with ``session``, its request sessions join that session's transaction."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True, **config})
    if session is not None:
        connection = session.connection()
        app.extensions["cradletrace.sessions"] = lambda: Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    return app


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free local port from a werkzeug thread (for browser tests); yields its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        app.extensions["cradletrace.engine"].dispose()


def create_user(session: Session, name: str, *roles: str) -> User:
    """A user ``name`` holding ``roles``, with the password :data:`PASSWORD`."""
    return add_user(session, name, PASSWORD, roles, hash_method=FAST_HASH)


def create_token(session: Session, name: str, *roles: str) -> str:
    """A bearer token's secret for a new user ``name`` holding ``roles``."""
    create_user(session, name, *roles)
    return add_token(session, name).secret


def bearer(secret: str) -> dict[str, str]:
    """Headers that authenticate an API request with ``secret``."""
    return {"Authorization": f"Bearer {secret}"}


def csrf_of(client: FlaskClient) -> str:
    """The CSRF token of ``client``'s session (made by loading the login page when needed)."""
    client.get("/login")
    with client.session_transaction() as flask_session:
        return flask_session["csrf_token"]


def sign_in(client: FlaskClient, name: str, password: str = PASSWORD) -> Any:
    """Sign ``client`` in through the login form, as a browser does; returns the response."""
    return client.post("/login", data={"name": name, "password": password, "csrf_token": csrf_of(client)})


@pytest.fixture
def app(database_url: str, session: Session) -> Iterator[Flask]:
    """The application on the test's database transaction (see the module docstring)."""
    app = build_app(database_url, session)
    yield app
    app.extensions["cradletrace.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """An anonymous client."""
    return app.test_client()


@pytest.fixture
def make_user(session: Session) -> Callable[..., User]:
    """``make_user(name, *roles)``: a user with the password :data:`PASSWORD`."""
    return lambda name, *roles: create_user(session, name, *roles)


@pytest.fixture
def make_token(session: Session) -> Callable[..., str]:
    """``make_token(name, *roles)``: the secret of a bearer token of a new user ``name`` holding ``roles``."""
    return lambda name, *roles: create_token(session, name, *roles)


@pytest.fixture
def signed_in(app: Flask, session: Session) -> Callable[..., FlaskClient]:
    """``signed_in(*roles, name=None)``: a client signed in (through the login form) as a new user with ``roles``."""
    made = iter(range(1_000_000))

    def make(*roles: str, name: str | None = None) -> FlaskClient:
        name = name or f"user{next(made)}_{'_'.join(roles) or 'none'}"
        create_user(session, name, *roles)
        client = app.test_client()
        response = sign_in(client, name)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return make
