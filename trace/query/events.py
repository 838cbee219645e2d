"""EPCIS 2.0 event queries over the log: the parameters of the REST binding, as SQL.

:func:`query_events` answers one page; :func:`iter_events` streams every match
(export). Values may give ``|`` alternatives, and identifiers are accepted in any
form (Digital Link on any host, EPC URN or pattern, element string, GTIN). Paging
is keyset-based: the ``nextPageToken`` carries the last row's sort key, so a page
costs one indexed query however deep it is.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    TextualSelect,
    and_,
    bindparam,
    column,
    exists,
    false,
    or_,
    select,
    text,
    tuple_,
    union,
)
from sqlalchemy.orm import Session

from cradletrace.epcis.masterdata import Description
from cradletrace.errors import InvalidIdentifier, InvalidInput
from cradletrace.identifiers import canonical, key_pairs, normalize_epc, normalize_epc_class
from cradletrace.models import Action, BizTransaction, EdgeKind, Event, EventObject, EventType, Node, ObjectRole
from cradletrace.log.masterdata import current_descriptions
from cradletrace.projections.walk import Dialect, dialect_of, walk_cte
from cradletrace.timestamps import to_utc
from cradletrace.identifiers.cbv import to_bare

DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 10_000

_ROLE_PARAMS: dict[str, tuple[tuple[ObjectRole, ...], bool]] = {
    # parameter: (roles, instance-level?)  -- EPCIS 2.0 §8.2.7.1
    "MATCH_epc": ((ObjectRole.EPC, ObjectRole.CHILD), True),
    "MATCH_parentID": ((ObjectRole.PARENT,), True),
    "MATCH_inputEPC": ((ObjectRole.INPUT,), True),
    "MATCH_outputEPC": ((ObjectRole.OUTPUT,), True),
    "MATCH_anyEPC": (tuple(ObjectRole), True),
    "MATCH_epcClass": ((ObjectRole.EPC, ObjectRole.CHILD), False),
    "MATCH_inputEPCClass": ((ObjectRole.INPUT,), False),
    "MATCH_outputEPCClass": ((ObjectRole.OUTPUT,), False),
    "MATCH_anyEPCClass": (tuple(ObjectRole), False),
}
_WITHIN = {"WD_readPoint": "read_point_id", "WD_bizLocation": "biz_location_id"}
_SIMPLE = {"eventType", "GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime", "EQ_action",
           "EQ_bizStep", "EQ_disposition", "EQ_readPoint", "EQ_bizLocation", "EQ_eventID",
           "EXISTS_errorDeclaration", "orderBy", "orderDirection", "perPage", "nextPageToken", *_WITHIN}
_ORDER_COLUMNS = {"eventTime": "event_time", "recordTime": "record_time"}
#: Levels of the location hierarchy a WD_ parameter walks down (sites, buildings, rooms, docks...).
WITHIN_DEPTH = 32
_IDPAT = re.compile(r"^urn:epc:idpat:sgtin:(\d+)\.(\d+)\.\*$")
_BIZ_TX = "EQ_bizTransaction_"


@dataclass
class QueryPage:
    """One page of results: canonical events, and the token of the next page (``None`` on the last)."""

    events: list[dict[str, Any]]
    next_page_token: str | None


def _split(value: str | list[str]) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [part.strip() for v in values for part in str(v).split("|") if part.strip()]


def _identifier_patterns(values: list[str], *, instance: bool) -> tuple[list[str], list[str]]:
    """Exact canonical identifiers and LIKE prefixes for query values in any identifier form."""
    exact, prefixes = [], []
    for value in values:
        pattern = _IDPAT.match(value)
        if pattern:
            gtin_uri = normalize_epc_class(value)
            prefixes.append(gtin_uri + ("/21/" if instance else "/10/"))
            if not instance:
                exact.append(gtin_uri)
            continue
        normal = normalize_epc_class(value) if not instance else normalize_epc(value)
        if normal == value and "://" not in value and not value.startswith("urn:"):
            normal = canonical(value)  # element string, bare GTIN, ...
        exact.append(normal)
        if not instance and _is_gtin(normal):
            prefixes.append(normal + "/10/")  # a GTIN class also matches its lots
    return exact, prefixes


def _is_gtin(identifier: str) -> bool:
    """Whether a canonical identifier is a GTIN alone (a trade item class, no lot or serial)."""
    path = key_pairs(identifier)
    return path is not None and len(path) == 1 and path[0][0] == "01"


def _match_identifier(node_column: Any, exact: list[str], prefixes: list[str]) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    if exact:
        conditions.append(Node.identifier.in_(exact))
    conditions.extend(Node.identifier.like(p.replace("%", r"\%").replace("_", r"\_") + "%", escape="\\")
                      for p in prefixes)
    return and_(Node.id == node_column, or_(*conditions) if conditions else false())


def build_query(params: Mapping[str, str | list[str]], *,
                dialect: str = "sqlite") -> tuple[Select[Any], tuple[str, str], int]:
    """Translate EPCIS query parameters into a SELECT over ``events``.

    Returns the statement (without paging), the sort (column name, direction) and the page size.
    ``dialect`` (the SQLAlchemy dialect name) picks the form of the recursive walk that
    ``WD_readPoint`` and ``WD_bizLocation`` need.

    Raises
    ------
    InvalidInput
        For an unknown or malformed parameter, naming it.
    """
    events = Event.__table__
    conditions: list[ColumnElement[bool]] = []
    for name, raw in params.items():
        values = _split(raw)
        if not values:
            raise InvalidInput("no value given", where=f"query parameter {name}")
        if name in _ROLE_PARAMS:
            roles, instance = _ROLE_PARAMS[name]
            exact, prefixes = _identifier_patterns(values, instance=instance)
            objects = EventObject.__table__
            conditions.append(exists(
                select(1).select_from(objects).join(Node.__table__, Node.id == objects.c.node_id)
                .where(objects.c.event_id == events.c.id, objects.c.role.in_(roles),
                       _match_identifier(objects.c.node_id, exact, prefixes))))
        elif name.startswith(_BIZ_TX):
            tx_type = to_bare(name[len(_BIZ_TX):], "bizTransactionType")
            docs = BizTransaction.__table__
            conditions.append(exists(
                select(1).select_from(docs).join(Node.__table__, Node.id == docs.c.node_id)
                .where(docs.c.event_id == events.c.id, docs.c.type == tx_type,
                       Node.identifier.in_([_any_identifier(v) for v in values]))))
        elif name not in _SIMPLE:
            raise InvalidInput("unknown or unsupported query parameter", where=f"query parameter {name}")
    conditions.extend(_simple_conditions(params))
    for name, column in _WITHIN.items():
        if name in params:
            conditions.append(events.c[column].in_(_within(dialect_of(dialect), name, _split(params[name]))))

    order_name = str(params.get("orderBy", "") or "")
    if order_name and order_name not in _ORDER_COLUMNS:
        raise InvalidInput(f"cannot order by {order_name!r}: use eventTime or recordTime", where="orderBy")
    direction = str(params.get("orderDirection", "DESC" if order_name else "ASC")).upper()
    if direction not in ("ASC", "DESC"):
        raise InvalidInput(f"{direction!r} is not ASC or DESC", where="orderDirection")
    per_page = _int_param(params, "perPage", DEFAULT_PER_PAGE)
    stmt = select(events.c.id, events.c.event_time, events.c.record_time, events.c.payload,
                  events.c.retracted_by).where(*conditions)
    return stmt, (_ORDER_COLUMNS.get(order_name, "id"), direction), per_page


def _any_identifier(value: str) -> str:
    try:
        return normalize_epc(value)
    except InvalidIdentifier:
        return value


def _int_param(params: Mapping[str, Any], name: str, default: int) -> int:
    if name not in params:
        return default
    try:
        value = int(str(params[name]))
    except ValueError:
        raise InvalidInput(f"{params[name]!r} is not a whole number", where=f"query parameter {name}") from None
    if not 1 <= value <= MAX_PER_PAGE:
        raise InvalidInput(f"must be between 1 and {MAX_PER_PAGE}", where=f"query parameter {name}")
    return value


def _simple_conditions(params: Mapping[str, Any]) -> list[ColumnElement[bool]]:
    events = Event.__table__
    out: list[ColumnElement[bool]] = []
    for name in ("GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime"):
        if name in params:
            column = events.c.event_time if "eventTime" in name else events.c.record_time
            moment = to_utc(str(params[name]), where=f"query parameter {name}")
            out.append(column >= moment if name.startswith("GE_") else column < moment)
    if "eventType" in params:
        try:
            out.append(events.c.event_type.in_([EventType(v) for v in _split(params["eventType"])]))
        except ValueError as exc:
            raise InvalidInput(f"{exc}", where="query parameter eventType") from None
    if "EQ_action" in params:
        try:
            out.append(events.c.action.in_([Action(v) for v in _split(params["EQ_action"])]))
        except ValueError as exc:
            raise InvalidInput(f"{exc}", where="query parameter EQ_action") from None
    if "EQ_bizStep" in params:
        out.append(events.c.biz_step.in_([to_bare(v, "bizStep") for v in _split(params["EQ_bizStep"])]))
    if "EQ_disposition" in params:
        out.append(events.c.disposition.in_([to_bare(v, "disposition") for v in _split(params["EQ_disposition"])]))
    for name, column in (("EQ_readPoint", events.c.read_point_id), ("EQ_bizLocation", events.c.biz_location_id)):
        if name in params:
            ids = select(Node.id).where(Node.identifier.in_([_any_identifier(v) for v in _split(params[name])]))
            out.append(column.in_(ids))
    if "EQ_eventID" in params:
        out.append(events.c.event_id.in_(_split(params["EQ_eventID"])))
    if "EXISTS_errorDeclaration" in params:
        out.append(events.c.declares_error.is_(True))
    return out


def _within(d: Dialect, name: str, values: list[str]) -> TextualSelect:
    """The nodes named by ``values`` and every node below them in the master-data hierarchy (``child_of``).

    The lineage walk (:func:`cradletrace.projections.walk.walk_cte`) run up the ``child_of``
    edges from the named places, over all time: a place that was ever a sub-location counts.
    """
    cte = f"wd_{name[3:].lower()}"
    param = f"{cte}_ids"
    sql = walk_cte(d, cte, "up", kinds=(EdgeKind.CHILD_OF.value,))
    sql = sql.replace("n.id IN :starts", f"n.identifier IN :{param}").replace(":max_depth", str(WITHIN_DEPTH))
    clause = text(f"WITH RECURSIVE {sql}\nSELECT node FROM {cte}").bindparams(
        bindparam(param, value=[_any_identifier(v) for v in values], expanding=True))
    return clause.columns(column("node", Integer))


def masterdata_of_events(session: Session, params: Mapping[str, str | list[str]] | None = None) -> list[Description]:
    """The current master data of the places the matching events name, and of every place above them.

    What an export writes in its header, so that the document, imported elsewhere, keeps the
    places' names and hierarchy. Three statements: the places, the walk up their ``child_of``
    edges (the lineage walk), the descriptions.
    """
    params = {k: v for k, v in (params or {}).items() if k not in ("perPage", "nextPageToken", "orderBy",
                                                                      "orderDirection")}
    d = dialect_of(session.get_bind().dialect.name)
    stmt, _sort, _per_page = build_query(params, dialect=d.name)
    events = Event.__table__
    used = union(stmt.with_only_columns(events.c.biz_location_id.label("node")),
                 stmt.with_only_columns(events.c.read_point_id.label("node"))).subquery()
    starts = [n for n in session.scalars(select(used.c.node)) if n is not None]
    if not starts:
        return []
    sql = walk_cte(d, "above", "down", kinds=(EdgeKind.CHILD_OF.value,)).replace(":max_depth", str(WITHIN_DEPTH))
    nodes = set(session.scalars(text(f"WITH RECURSIVE {sql}\nSELECT node FROM above").bindparams(
        bindparam("starts", value=starts, expanding=True))))
    found = current_descriptions(session, sorted(nodes))
    return [description for node in sorted(found) for description in found[node]]


def _token(params: Mapping[str, Any], key: Any, seq: int) -> str:
    body = orjson.dumps({"k": key.isoformat() if hasattr(key, "isoformat") else key, "i": seq, "q": _fingerprint(params)})
    return base64.urlsafe_b64encode(body).decode().rstrip("=")


def _fingerprint(params: Mapping[str, Any]) -> str:
    relevant = {k: v for k, v in params.items() if k not in ("nextPageToken", "perPage")}
    return hashlib.sha256(orjson.dumps(relevant, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def _decode_token(token: str, params: Mapping[str, Any]) -> tuple[Any, int]:
    try:
        body = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        key, seq, fingerprint = body["k"], int(body["i"]), body["q"]
    except Exception:
        raise InvalidInput("not a token this server issued", where="nextPageToken") from None
    if fingerprint != _fingerprint(params):
        raise InvalidInput("the token belongs to a different query", where="nextPageToken")
    return key, seq


def query_events(session: Session, params: Mapping[str, str | list[str]]) -> QueryPage:
    """Answer one page of an EPCIS query.

    Parameters
    ----------
    session : Session
        A session on the database.
    params : mapping
        EPCIS 2.0 query parameters (eventType, GE_eventTime, EQ_bizStep, MATCH_epc,
        EQ_bizTransaction_po, perPage, nextPageToken, ...). A value may hold ``|``
        alternatives or be a list.

    Returns
    -------
    QueryPage
        The events in canonical form, and the next page's token.
    """
    stmt, (column_name, direction), per_page = build_query(params, dialect=session.get_bind().dialect.name)
    events = Event.__table__
    sort = events.c[column_name]
    if params.get("nextPageToken"):
        key, seq = _decode_token(str(params["nextPageToken"]), params)
        if column_name != "id":
            key = datetime.fromisoformat(key)
            after = tuple_(sort, events.c.id) > tuple_(key, seq) if direction == "ASC" else \
                tuple_(sort, events.c.id) < tuple_(key, seq)
        else:
            after = events.c.id > seq if direction == "ASC" else events.c.id < seq
        stmt = stmt.where(after)
    order = [sort.asc(), events.c.id.asc()] if direction == "ASC" else [sort.desc(), events.c.id.desc()]
    if column_name == "id":
        order = order[:1]
    rows = session.execute(stmt.order_by(*order).limit(per_page + 1)).all()
    more = len(rows) > per_page
    rows = rows[:per_page]
    token = None
    if more:
        last = rows[-1]
        token = _token(params, getattr(last, column_name) if column_name != "id" else last.id, last.id)
    return QueryPage([orjson.loads(r.payload) for r in rows], token)


def iter_events(session: Session, params: Mapping[str, str | list[str]] | None = None, *,
                page_size: int = 2000) -> Iterator[dict[str, Any]]:
    """Every event matching ``params`` (all events when empty), in page-sized queries.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> from sqlalchemy.orm import Session
    >>> engine = create_db_engine("sqlite:///doctest.db"); upgrade("sqlite:///doctest.db")
    >>> with Session(engine) as s:
    ...     list(iter_events(s, {"EQ_bizStep": "shipping"}))
    []
    """
    params = {k: v for k, v in (params or {}).items() if k not in ("perPage", "nextPageToken")}
    token = None
    while True:
        page = query_events(session, {**params, "perPage": str(page_size), **({"nextPageToken": token} if token else {})})
        yield from page.events
        if not page.next_page_token:
            return
        token = page.next_page_token
