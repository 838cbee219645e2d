"""Named queries of the EPCIS REST binding (``POST /epcis/queries``): stored query parameters, run on demand.

A named query is a name and the EPCIS query parameters of :func:`cradletrace.query.query_events`
(GS1's query language as JSON: each parameter a string, a number or a list of alternatives).
The parameters are checked when the query is created, so a stored query always runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.errors import Conflict, InvalidInput, NotFound
from cradletrace.models import NamedQuery
from cradletrace.query.events import QueryPage, build_query, query_events
from cradletrace.timestamps import utc_now

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,199}$")
_PAGING = ("perPage", "nextPageToken")


def query_params(query: Mapping[str, Any], *, where: str = "query") -> dict[str, str | list[str]]:
    """GS1's JSON query (``{"EQ_bizStep": ["shipping", "receiving"], "eventType": ["ObjectEvent"]}``) as query parameters.

    Examples
    --------
    >>> query_params({"EQ_bizStep": ["shipping", "receiving"], "perPage": 5, "EXISTS_errorDeclaration": True})
    {'EQ_bizStep': ['shipping', 'receiving'], 'perPage': '5', 'EXISTS_errorDeclaration': 'true'}
    >>> query_params({"EQ_bizStep": {"x": 1}})
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: query.EQ_bizStep: give a string, a number or a list of them
    """
    if not isinstance(query, Mapping):
        raise InvalidInput("give the query as a JSON object of query parameters", where=where)
    params: dict[str, str | list[str]] = {}
    for name, value in query.items():
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(v, (str, int, float, bool)) for v in values):
            raise InvalidInput("give a string, a number or a list of them", where=f"{where}.{name}")
        texts = [str(v).lower() if isinstance(v, bool) else str(v) for v in values]
        params[str(name)] = texts if isinstance(value, list) else texts[0]
    return params


def create_query(session: Session, name: str, query: Mapping[str, Any], *, created_by: str | None = None) -> NamedQuery:
    """Store a named query after checking its name and parameters.

    Raises
    ------
    InvalidInput
        For a name that is not 1 to 200 URL-safe characters, or a parameter the query does not support.
    Conflict
        When a query of that name exists (HTTP 409).
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise InvalidInput(f"{name!r} is not a query name: 1 to 200 letters, digits, '.', '_', '~' or '-'",
                           where="name")
    params = query_params(query)
    for paging in _PAGING:
        if paging in params:
            raise InvalidInput(f"{paging} belongs to a request for the query's events, not to the query",
                               where=f"query.{paging}")
    build_query(params)  # raises for an unknown or malformed parameter, naming it
    if session.get(NamedQuery, name) is not None:
        raise Conflict(f"a query named {name!r} exists already", where="name")
    named = NamedQuery(name=name, query=dict(query), created_at=utc_now(), created_by=created_by)
    session.add(named)
    session.flush()
    return named


def get_query(session: Session, name: str) -> NamedQuery:
    """The named query ``name``; :class:`~cradletrace.errors.NotFound` when there is none."""
    named = session.get(NamedQuery, name)
    if named is None:
        raise NotFound(f"no query named {name!r}", where="queryName")
    return named


def list_queries(session: Session) -> list[NamedQuery]:
    """Every named query, by name."""
    return list(session.scalars(select(NamedQuery).order_by(NamedQuery.name)))


def delete_query(session: Session, name: str) -> None:
    """Remove a named query."""
    session.delete(get_query(session, name))
    session.flush()


def run_query(session: Session, name: str, paging: Mapping[str, str] | None = None) -> QueryPage:
    """One page of the events of the named query ``name``; ``paging`` holds ``perPage`` and ``nextPageToken``.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> upgrade("sqlite:///doctest-named.db")
    >>> with Session(create_db_engine("sqlite:///doctest-named.db")) as s:
    ...     _ = create_query(s, "shipped", {"EQ_bizStep": ["shipping"]})
    ...     run_query(s, "shipped", {"perPage": "10"}).events
    []
    """
    params = query_params(get_query(session, name).query)
    params.update({k: v for k, v in (paging or {}).items() if k in _PAGING and v})
    return query_events(session, params)
