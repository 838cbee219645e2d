"""``cradletrace user add``, ``token add|revoke`` and ``serve`` (a real waitress server over HTTP)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

import passport_world as world
from cradletrace.cli import main
from cradletrace.db import create_db_engine
from cradletrace.models import ApiToken, User


@pytest.fixture(scope="module")
def database(make_database, backend: str) -> str:  # type: ignore[no-untyped-def]
    return make_database(backend)


def run(database: str, *args: str, **kwargs):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, [*args, "--database", database], **kwargs)


def test_user_add_and_tokens(database: str) -> None:
    added = run(database, "user", "add", "ann", "--role", "compliance", "--role", "finance", "--format", "json",
                env={"CRADLETRACE_PASSWORD": "long enough pw"})
    assert added.exit_code == 0, added.output
    assert json.loads(added.output) == {"user": "ann", "roles": ["compliance", "finance"]}
    prompted = run(database, "user", "add", "bob", input="another password\nanother password\n")
    assert prompted.exit_code == 0 and "user bob added" in prompted.output
    again = run(database, "user", "add", "ann", "--password", "long enough pw")
    assert again.exit_code == 1 and again.output.startswith("error:") and "exists already" in again.output
    wrong = run(database, "user", "add", "cy", "--role", "wizard", "--password", "long enough pw")
    assert wrong.exit_code == 1 and "unknown role 'wizard'" in wrong.output

    token = json.loads(run(database, "token", "add", "ann", "--name", "erp", "--format", "json").output)
    assert token["token"].startswith("ct_") and token["user"] == "ann"
    engine = create_db_engine(database)
    with Session(engine) as session:
        stored = session.scalar(select(ApiToken).where(ApiToken.id == token["id"]))
        assert stored.token_hash != token["token"] and stored.revoked_at is None
        assert session.scalar(select(User.password_hash).where(User.name == "ann")).startswith("scrypt:")
    revoked = run(database, "token", "revoke", str(token["id"]))
    assert revoked.exit_code == 0 and f"token {token['id']} revoked" in revoked.output
    twice = run(database, "token", "revoke", str(token["id"]))
    assert twice.exit_code == 1 and "no active token" in twice.output
    assert run(database, "token", "add", "nobody").exit_code == 1
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_serve_answers_over_http(database: str) -> None:
    engine = create_db_engine(database)
    with Session(engine) as session:
        world.build(session)
        session.commit()
    engine.dispose()
    port = _free_port()
    cradletrace = os.path.join(os.path.dirname(sys.executable), "cradletrace")
    server = subprocess.Popen([cradletrace, "serve", "--database", database, "--port", str(port), "--workers", "2"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login", timeout=1)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        page = urllib.request.urlopen(base + "/01/09506000134352/21/P1", timeout=5)
        assert page.status == 200 and page.headers["Server"] == "cradletrace"
        assert "Battery pack 48 V" in page.read().decode()
        request = urllib.request.Request(base + "/01/09506000134352/21/P1", headers={"Accept": "application/json"})
        assert json.loads(urllib.request.urlopen(request, timeout=5).read())["kind"] == "unit"
        with pytest.raises(urllib.error.HTTPError) as unknown:
            urllib.request.urlopen(base + "/01/09506000134413/21/FAKE", timeout=5)
        assert unknown.value.code == 404
    finally:
        server.terminate()
        server.wait(timeout=10)
