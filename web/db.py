"""The request-scoped database session: one per request, committed when the request succeeds, rolled back on error.

Views call :func:`get_session` and never commit: the services flush, and the request owns the
transaction (DESIGN, principle 5). A request that ends in an error (an exception, or an error
response from the one error handler) is rolled back, so a failed request changes nothing.
"""

from __future__ import annotations

from flask import Flask, current_app, g
from flask.wrappers import Response
from sqlalchemy.orm import Session

from cradletrace.db import create_db_engine, make_session_factory


def init_app(app: Flask) -> None:
    """Create the app's engine and session factory, and close each request's session at its end."""
    engine = create_db_engine(app.config["DATABASE_URL"])
    app.extensions["cradletrace.engine"] = engine
    app.extensions["cradletrace.sessions"] = make_session_factory(engine)
    app.after_request(_finish)
    app.teardown_request(_close)


def get_session() -> Session:
    """The current request's session (created on first use)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["cradletrace.sessions"]()
    return g.db_session


def mark_failed() -> None:
    """Have the current request roll back instead of commit (the error handler calls it)."""
    g.db_failed = True


def _finish(response: Response) -> Response:
    session = g.pop("db_session", None)
    if session is not None:
        try:
            if g.get("db_failed") or response.status_code >= 500:
                session.rollback()
            else:
                session.commit()
        finally:
            session.close()
    return response


def _close(_exc: BaseException | None) -> None:
    # Reached with the session still open only when the request failed before after_request.
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()
