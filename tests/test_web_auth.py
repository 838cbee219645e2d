"""Sign-in, roles and tokens: cradletrace.web.auth, the login pages and the decorator's answers."""

from __future__ import annotations

import pytest
from flask import Flask, g
from sqlalchemy import select

from cradletrace.errors import InvalidInput, NotFound
from cradletrace.models import ApiToken, User
from cradletrace.web.auth import access_of, add_token, authenticate, login_required, public, revoke_token
from web_support import PASSWORD, app, bearer, client, create_user, csrf_of, make_token, make_user, sign_in, signed_in  # noqa: F401


@pytest.fixture
def guarded(app: Flask) -> Flask:
    """The app with three extra views: one for anyone signed in, one for finance, one public."""

    @app.get("/api/_test/any")
    @login_required()
    def any_user() -> dict:
        return {"user": g.user.name}

    @app.get("/_test/finance")
    @login_required("finance", "admin")
    def finance_only() -> dict:
        return {"user": g.user.name}

    @app.get("/_test/open")
    @public
    def open_view() -> str:
        return "open"

    return app


def test_passwords_are_stored_hashed_and_checked(session) -> None:
    user = create_user(session, "ann", "warehouse", "compliance")
    assert PASSWORD not in user.password_hash
    assert sorted(r.role.value for r in user.roles) == ["compliance", "warehouse"]
    assert authenticate(session, "ann", PASSWORD) is user
    assert authenticate(session, "ann", "wrong password") is None
    assert authenticate(session, "nobody", PASSWORD) is None


def test_add_user_refuses_unknown_roles_duplicates_and_short_passwords(session) -> None:
    with pytest.raises(InvalidInput, match="unknown role 'wizard'"):
        create_user(session, "bob", "wizard")
    create_user(session, "bob")
    with pytest.raises(InvalidInput, match="exists already"):
        create_user(session, "bob")
    from cradletrace.web.auth import add_user

    with pytest.raises(InvalidInput, match="at least 8"):
        add_user(session, "carl", "short", [])


def test_the_decorator_refuses_unknown_roles_and_records_what_it_needs() -> None:
    with pytest.raises(ValueError, match="unknown roles"):
        login_required("wizard")

    @login_required("finance")
    def view() -> None: ...

    assert access_of(view) == ("login", frozenset({"finance"}))
    assert access_of(public(lambda: None)) == ("public", frozenset())
    assert access_of(lambda: None) is None


def test_tokens_are_stored_hashed_and_revocable(guarded: Flask, session) -> None:
    create_user(session, "int", "supply_chain")
    token = add_token(session, "int", "erp")
    stored = session.scalar(select(ApiToken).where(ApiToken.id == token.id))
    assert token.secret not in stored.token_hash and len(stored.token_hash) == 64
    client = guarded.test_client()
    assert client.get("/api/_test/any", headers=bearer(token.secret)).json == {"user": "int"}
    revoke_token(session, token.id)
    response = client.get("/api/_test/any", headers=bearer(token.secret))
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
    with pytest.raises(NotFound, match=f"no active token {token.id}"):
        revoke_token(session, token.id)


def test_anonymous_api_requests_get_401_and_browsers_a_redirect(guarded: Flask) -> None:
    client = guarded.test_client()
    api = client.get("/api/_test/any")
    assert api.status_code == 401 and api.json["status"] == 401
    assert "Bearer" in api.headers["WWW-Authenticate"]
    json_accept = client.get("/_test/finance", headers={"Accept": "application/json"})
    assert json_accept.status_code == 401 and json_accept.mimetype == "application/problem+json"
    browser = client.get("/_test/finance?x=1", headers={"Accept": "text/html"})
    assert browser.status_code == 302 and browser.headers["Location"].startswith("/login?next=/_test/finance")
    assert client.get("/_test/open").data == b"open"


def test_a_bad_token_is_401_even_on_a_public_page(guarded: Flask) -> None:
    response = guarded.test_client().get("/_test/open", headers=bearer("ct_nonsense"))
    assert response.status_code == 401 and response.mimetype == "application/problem+json"


def test_roles_allow_or_forbid(guarded: Flask, signed_in) -> None:
    assert signed_in("finance").get("/_test/finance").json["user"].startswith("user")
    assert signed_in("admin").get("/_test/finance").status_code == 200
    forbidden = signed_in("warehouse").get("/_test/finance")
    assert forbidden.status_code == 403
    assert "text/html" in forbidden.content_type and "finance" in forbidden.get_data(as_text=True)
    assert signed_in().get("/api/_test/any").status_code == 200


def test_login_with_a_wrong_password_is_refused_and_next_stays_on_site(client, make_user) -> None:
    make_user("dora", "sales")
    wrong = sign_in(client, "dora", "not the password")
    assert wrong.status_code == 200 and "Wrong name or password" in wrong.get_data(as_text=True)
    token = csrf_of(client)
    evil = client.post("/login", data={"name": "dora", "password": PASSWORD, "csrf_token": token,
                                       "next": "https://evil.example/"})
    assert evil.status_code == 302 and evil.headers["Location"] == "/"


def test_forms_need_the_csrf_token(client, make_user) -> None:
    make_user("eve", "sales")
    response = client.post("/login", data={"name": "eve", "password": PASSWORD})
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    assert sign_in(client, "eve").status_code == 302
    assert client.post("/logout").status_code == 400  # signed in, still no token: refused
    token = csrf_of(client)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def test_session_cookie_flags(client, make_user) -> None:
    make_user("fay")
    response = sign_in(client, "fay")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = client.post("/login", base_url="https://localhost",
                         data={"name": "fay", "password": PASSWORD, "csrf_token": csrf_of(client)})
    assert "Secure" in secure.headers["Set-Cookie"]


def test_security_headers(client) -> None:
    headers = client.get("/login").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
