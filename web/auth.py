"""Sign-in, roles and API tokens.

A browser signs in with a name and password (hashed by werkzeug, scrypt) and is then carried by the
signed session cookie; an API client sends ``Authorization: Bearer TOKEN``, a token stored only as
its SHA-256 and revocable. Every view declares who may reach it, and the declaration is recorded
on the view so the role-matrix test reads it from ``app.url_map``:

- :func:`public`: anyone, signed in or not;
- :func:`login_required` with no roles: any signed-in user or valid token;
- ``login_required(*roles)``: a user who holds at least one of ``roles``.

An anonymous API request (a path under /api or /epcis, an Authorization header, or an Accept that
prefers JSON) is answered 401 with ``WWW-Authenticate: Bearer``; an anonymous browser is sent to the
login page; a signed-in user without the role gets 403.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, flash, g, redirect, render_template, request, session, url_for
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.exceptions import Unauthorized
from werkzeug.security import check_password_hash, generate_password_hash

from cradletrace.errors import InvalidInput, NotFound
from cradletrace.models import ApiToken, Role, User, UserRole
from cradletrace.timestamps import naive_utc, utc_now
from cradletrace.web.db import get_session
from cradletrace.web.negotiation import is_api_request

F = TypeVar("F", bound=Callable[..., Any])
ROLES = tuple(role.value for role in Role)
"""Every role a user may hold (anonymous is no role: the absence of a user)."""
TOKEN_PREFIX = "ct_"
PUBLIC = "public"
PASSWORD_HASH = "scrypt"
LOGIN = "login"


# --- declarations on the views ------------------------------------------------------------------

def public(view: F) -> F:
    """Declare ``view`` open to everyone, anonymous included."""
    view.access = PUBLIC  # type: ignore[attr-defined]
    view.required_roles = frozenset()  # type: ignore[attr-defined]
    return view


def login_required(*roles: str) -> Callable[[F], F]:
    """Require a signed-in user or a valid token; with ``roles``, a user holding at least one of them."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}: the roles are {', '.join(ROLES)}")

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if g.get("user") is None:
                return _unauthenticated()
            if roles and not (g.roles & set(roles)):
                abort(403, description=f"this needs one of the roles {', '.join(roles)}")
            return view(*args, **kwargs)

        wrapped.access = LOGIN  # type: ignore[attr-defined]
        wrapped.required_roles = frozenset(roles)  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def access_of(view: Callable[..., Any]) -> tuple[str, frozenset[str]] | None:
    """What ``view`` declared: ``("public", {})`` or ``("login", roles)``; ``None`` when it declared nothing."""
    access = getattr(view, "access", None)
    return None if access is None else (access, getattr(view, "required_roles", frozenset()))


def _unauthenticated() -> Any:
    if is_api_request():
        raise Unauthorized(description="sign in or send an API token (Authorization: Bearer TOKEN)",
                           www_authenticate=_bearer_challenge())
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _bearer_challenge() -> Any:
    from werkzeug.datastructures import WWWAuthenticate

    return WWWAuthenticate("bearer", {"realm": "cradletrace"})


def has_role(*roles: str) -> bool:
    """Whether the current viewer holds any of ``roles`` (always False for the anonymous public)."""
    return bool(g.get("roles", frozenset()) & set(roles))


# --- services (session first, flush, never commit) ----------------------------------------------

@dataclass(frozen=True)
class NewToken:
    """A token just made: ``secret`` is shown once and never stored."""

    id: int
    user: str
    name: str
    secret: str


def add_user(session: Session, name: str, password: str, roles: Iterable[str], *,
             hash_method: str = PASSWORD_HASH) -> User:
    """Create a user with ``roles``; the password is stored hashed (``hash_method``: werkzeug's, scrypt)."""
    name = name.strip()
    if not name:
        raise InvalidInput("a user needs a name", where="name")
    if len(password) < 8:
        raise InvalidInput("a password needs at least 8 characters", where="password")
    wanted = _roles(roles)
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise InvalidInput(f"user {name!r} exists already", where="name")
    user = User(name=name, password_hash=generate_password_hash(password, method=hash_method), active=True,
                created_at=naive_utc(utc_now()), roles=[UserRole(role=role) for role in wanted])
    session.add(user)
    session.flush()
    return user


def _roles(roles: Iterable[str]) -> list[Role]:
    out = []
    for text in roles:
        try:
            out.append(Role(text))
        except ValueError:
            raise InvalidInput(f"unknown role {text!r}: the roles are {', '.join(ROLES)}", where="--role") from None
    return sorted(set(out), key=lambda r: r.value)


def find_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound(f"no user {name!r}", where="user")
    return user


def authenticate(session: Session, name: str, password: str) -> User | None:
    """The active user with ``name`` and ``password``, or ``None``."""
    user = session.scalar(select(User).where(User.name == name, User.active.is_(True)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)  # the same work either way: names cannot be probed by timing
        return None
    return user if check_password_hash(user.password_hash, password) else None


_DUMMY_HASH = generate_password_hash(secrets.token_hex(8))


def hash_token(secret: str) -> str:
    """The stored form of a token: its SHA-256 (tokens are 256 random bits, so no slow hash is needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def add_token(session: Session, user_name: str, name: str = "api") -> NewToken:
    """A new bearer token for ``user_name``; the secret is returned once and stored only hashed."""
    user = find_user(session, user_name)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(secret), created_at=naive_utc(utc_now()))
    session.add(token)
    session.flush()
    return NewToken(token.id, user.name, name, secret)


def revoke_token(session: Session, token_id: int) -> None:
    """Revoke token ``token_id``; it stops working at once. Revoking twice is refused."""
    result = session.execute(update(ApiToken).where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
                             .values(revoked_at=naive_utc(utc_now())))
    if result.rowcount == 0:
        raise NotFound(f"no active token {token_id}", where="token")


def user_for_token(session: Session, secret: str) -> User | None:
    """The active user a valid, unrevoked token belongs to, or ``None``."""
    return session.scalar(select(User).join(ApiToken, ApiToken.user_id == User.id)
                          .where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None),
                                 User.active.is_(True)))


# --- loading the viewer on each request ---------------------------------------------------------

def init_app(app: Flask) -> None:
    app.before_request(load_viewer)
    app.register_blueprint(bp)

    @app.context_processor
    def _viewer() -> dict[str, Any]:
        return {"viewer": g.get("user"), "viewer_roles": sorted(g.get("roles", ()))}


def load_viewer() -> None:
    """Set ``g.user`` and ``g.roles`` from a bearer token or the session cookie."""
    g.user, g.roles, g.via_token = None, frozenset(), False
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        user = user_for_token(get_session(), secret.strip()) if scheme.lower() == "bearer" and secret else None
        if user is None:
            raise Unauthorized(description="the API token is not valid (unknown, revoked or malformed)",
                               www_authenticate=_bearer_challenge())
        g.via_token = True
    elif "user_id" in session:
        user = get_session().get(User, session["user_id"])
        if user is None or not user.active:
            session.clear()
            return
    else:
        return
    g.user, g.roles = user, frozenset(r.role.value for r in user.roles)


# --- the login pages ----------------------------------------------------------------------------

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Any:
    target = _safe_next(request.values.get("next"))
    if request.method == "POST":
        user = authenticate(get_session(), request.form.get("name", ""), request.form.get("password", ""))
        if user is not None:
            session.clear()  # a fresh session (and CSRF token) at sign-in: no fixation
            session["user_id"] = user.id
            return redirect(target)
        flash("Wrong name or password.")
        return render_template("login.html", next=target)  # 200: the form again, with the message
    return render_template("login.html", next=target)


@bp.route("/logout", methods=["POST"])
@public
def logout() -> Any:
    session.clear()
    return redirect(url_for("site.home"))


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never another host) is followed after sign-in."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("site.home")
