"""The top-level resources of the EPCIS REST binding: the event types, EPCs, business steps, dispositions,
read points and business locations the log knows, a page at a time; and events by eventID.

Each list is one indexed query (``DISTINCT`` over a column of ``events``, or the nodes that events
name), paged by the last value returned: the page token is that value, so a page costs the same
however deep it is.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from cradletrace.errors import InvalidInput, NotFound
from cradletrace.models import Event, EventObject, EventType, Node, NodeKind
from cradletrace.query.events import MAX_PER_PAGE

RESOURCES = ("eventTypes", "epcs", "bizSteps", "bizLocations", "readPoints", "dispositions")
"""The resources whose values :func:`list_values` lists."""

_EPC_KINDS = (NodeKind.UNIT, NodeKind.LOT, NodeKind.PRODUCT, NodeKind.LOGISTIC_UNIT, NodeKind.OTHER)


@dataclass
class ValuesPage:
    """Values of a resource, and the token of the next page (``None`` on the last)."""

    values: list[str]
    next_page_token: str | None


def list_values(session: Session, resource: str, *, per_page: int = 30, page_token: str | None = None) -> ValuesPage:
    """One page of the values of ``resource`` (one of :data:`RESOURCES`) found in the log, in order.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> upgrade("sqlite:///doctest-resources.db")
    >>> with Session(create_db_engine("sqlite:///doctest-resources.db")) as s:
    ...     list_values(s, "eventTypes").values[:2], list_values(s, "bizSteps").values
    (['AggregationEvent', 'AssociationEvent'], [])
    """
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInput(f"must be between 1 and {MAX_PER_PAGE}", where="query parameter perPage")
    after = _decode(page_token, resource) if page_token else None
    if resource == "eventTypes":
        values = sorted(t.value for t in EventType)
        values = [v for v in values if after is None or v > after][:per_page + 1]
    else:
        column = _column(resource)
        stmt = select(column).distinct().where(column.is_not(None)).order_by(column).limit(per_page + 1)
        if after is not None:
            stmt = stmt.where(column > after)
        if resource in ("epcs", "bizLocations", "readPoints"):
            stmt = stmt.where(_named_by_events(resource))
        values = list(session.scalars(stmt))
    more = len(values) > per_page
    values = values[:per_page]
    return ValuesPage(values, _encode(values[-1], resource) if more else None)


def _column(resource: str) -> Any:
    if resource == "bizSteps":
        return Event.__table__.c.biz_step
    if resource == "dispositions":
        return Event.__table__.c.disposition
    if resource in ("epcs", "bizLocations", "readPoints"):
        return Node.__table__.c.identifier
    raise NotFound(f"no resource {resource!r}: the resources are {', '.join(RESOURCES)}", where="resource")


def _named_by_events(resource: str) -> Any:
    nodes, events = Node.__table__, Event.__table__
    if resource == "epcs":
        objects = EventObject.__table__
        return exists(select(1).select_from(objects).where(objects.c.node_id == nodes.c.id)) & nodes.c.kind.in_(_EPC_KINDS)
    column = events.c.read_point_id if resource == "readPoints" else events.c.biz_location_id
    return exists(select(1).select_from(events).where(column == nodes.c.id))


def _encode(value: str, resource: str) -> str:
    return base64.urlsafe_b64encode(orjson.dumps({"r": resource, "v": value})).decode().rstrip("=")


def _decode(token: str, resource: str) -> str:
    try:
        body = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        value, owner = str(body["v"]), body["r"]
    except Exception:
        raise InvalidInput("not a token this server issued", where="nextPageToken") from None
    if owner != resource:
        raise InvalidInput(f"the token belongs to a list of {owner}", where="nextPageToken")
    return value


def events_by_id(session: Session, event_id: str) -> list[dict[str, Any]]:
    """The event with ``event_id``, and an error declaration of it if there is one (as EPCIS ``GET /events/{id}`` answers).

    Raises
    ------
    NotFound
        When no event has that eventID.
    """
    events = Event.__table__
    payloads = session.scalars(select(events.c.payload).where(events.c.event_id == event_id).order_by(events.c.id))
    found = [orjson.loads(payload) for payload in payloads]
    if not found:
        raise NotFound(f"no event with eventID {event_id!r}", where="eventID")
    return found
