"""Identifiers in any form -> the node they name, and the execution of lineage statements.

Lookups cost one statement (two for a bare serial or lot number), however many forms
are tried: every candidate canonical form goes into one ``IN`` list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import DateTime, bindparam, select, text, union_all
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from cradletrace.errors import InvalidIdentifier, InvalidInput, NotFound, TraceError
from cradletrace.identifiers import canonical, normalize_epc, normalize_epc_class
from cradletrace.lineage.sql import Dialect, dialect_of
from cradletrace.models import Lot, Node, Unit

DEFAULT_MAX_DEPTH = 50
"""How many edges a walk follows from its start at most (deeper rows are not produced)."""


@dataclass(frozen=True)
class NodeRef:
    """A node of the lineage graph: its row id, canonical identifier and kind."""

    id: int
    identifier: str
    kind: str


def candidates(value: str) -> tuple[list[str], TraceError | None]:
    """The canonical forms ``value`` may stand for, most specific first, and why it did not parse.

    Examples
    --------
    >>> candidates("urn:epc:id:sgtin:9506000.013435.4711")[0][0]
    'https://id.gs1.org/01/09506000134352/21/4711'
    >>> candidates("(01)09506000134352(10)L1")[0]
    ['https://id.gs1.org/01/09506000134352/10/L1', '(01)09506000134352(10)L1']
    >>> candidates("urn:example:po:1")[0]
    ['urn:example:po:1']
    """
    text_value = value.strip()
    found: list[str] = []
    problem: TraceError | None = None
    for convert in (normalize_epc, normalize_epc_class, canonical):
        try:
            form = convert(text_value)
        except TraceError as exc:
            # normalize_epc(_class) raise only for text that claims to be GS1 (an EPC URN, a
            # Digital Link path); parse() fails for any other text, which is no claim at all.
            if convert is not canonical:
                problem = problem or exc
            continue
        except Exception:  # noqa: BLE001 - a parser's own error on a non-GS1 text
            continue
        if form != text_value and form not in found:
            found.append(form)
    found.append(text_value)  # other URIs, and identifiers stored as given
    return found, (problem if len(found) == 1 else None)


def resolve(session: Session, value: str, *, where: str = "identifier") -> NodeRef:
    """The node that ``value`` (a Digital Link on any host, EPC URN, element string, URI or unique serial) names.

    Raises
    ------
    NotFound
        When no node has that identifier, naming it.
    InvalidIdentifier
        When ``value`` claims to be a GS1 identifier but is malformed, and is not stored as given.
    InvalidInput
        When a bare serial or lot number matches more than one unit or lot.
    """
    return resolve_many(session, [value], where=where)[0]


def resolve_many(session: Session, values: Sequence[str], *, where: str = "identifier") -> list[NodeRef]:
    """:func:`resolve` for several values in one statement (plus one per bare serial that needs it)."""
    forms = [candidates(v) for v in values]
    wanted = sorted({c for found, _problem in forms for c in found})
    nodes = Node.__table__  # Core columns: the ORM layer adds nothing to a three-column lookup
    rows = session.execute(select(nodes.c.id, nodes.c.identifier, nodes.c.kind)
                           .where(nodes.c.identifier.in_(wanted))).all()
    by_identifier = {r.identifier: NodeRef(r.id, r.identifier, _value(r.kind)) for r in rows}
    out: list[NodeRef] = []
    for value, (found, problem) in zip(values, forms):
        match = next((by_identifier[c] for c in found if c in by_identifier), None)
        if match is None:
            match = _by_serial(session, value.strip(), where=where) if _bare(value) else None
        if match is None:
            if problem is not None:
                raise InvalidIdentifier(f"{value!r} is not a valid identifier ({problem.message})", where=where)
            raise NotFound(f"{value!r} is not a recorded unit, lot or other identifier", where=where)
        out.append(match)
    return out


def _bare(value: str) -> bool:
    value = value.strip()
    return bool(value) and not any(ch in value for ch in ":/()") and len(value) <= 80


def _by_serial(session: Session, value: str, *, where: str) -> NodeRef | None:
    units = select(Node.id, Node.identifier, Node.kind).join(Unit, Unit.node_id == Node.id).where(Unit.serial == value)
    lots = select(Node.id, Node.identifier, Node.kind).join(Lot, Lot.node_id == Node.id).where(Lot.lot_number == value)
    rows = session.execute(union_all(units, lots).limit(3)).all()
    if len(rows) > 1:
        names = ", ".join(r.identifier for r in rows[:2])
        raise InvalidInput(f"{value!r} is the serial or lot number of several objects ({names}, ...): "
                           "give the full identifier", where=where)
    return NodeRef(rows[0].id, rows[0].identifier, _value(rows[0].kind)) if rows else None


def _value(member: Any) -> Any:
    return getattr(member, "value", member)


def dialect(session: Session) -> Dialect:
    """The lineage :class:`~cradletrace.lineage.sql.Dialect` of the session's database."""
    return dialect_of(session.get_bind().dialect.name)


_TIME_COLUMNS = ("valid_from", "valid_to", "event_time", "closed_time", "record_time", "last_event_time",
                 "t_from", "t_to")


@lru_cache(maxsize=256)
def _statement(sql: str, time_params: tuple[str, ...]) -> Any:
    # One TextClause per statement text, built once: SQLAlchemy then finds its compiled form
    # by identity instead of rebuilding and hashing a new clause on every question.
    binds = [bindparam("starts", expanding=True)]
    binds += [bindparam(name, type_=DateTime()) for name in time_params]
    columns = {name: DateTime() for name in _TIME_COLUMNS if name in sql}
    return text(sql).bindparams(*binds).columns(**columns)


def run(session: Session, sql: str, params: Mapping[str, Any], *, starts: Iterable[int]) -> list[Row[Any]]:
    """Execute one lineage statement: ``:starts`` expands to the start node ids, ``*_from``/``*_to`` are times."""
    time_params = tuple(sorted(name for name in params if name.endswith(("_from", "_to"))))
    return list(session.execute(_statement(sql, time_params), {**params, "starts": list(starts)}).all())


def explain(session: Session, sql: str, params: Mapping[str, Any], *, starts: Iterable[int]) -> list[str]:
    """The database's plan of one lineage statement, one line per step (SQLite ``EXPLAIN QUERY PLAN``,
    PostgreSQL ``EXPLAIN``): what the plan tests and benchmarks inspect."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
    binds = [bindparam("starts", expanding=True)]
    binds += [bindparam(name, type_=DateTime()) for name in params if name.endswith(("_from", "_to"))]
    rows = session.execute(text(prefix + sql).bindparams(*binds), {**params, "starts": list(starts)}).all()
    return [str(r[-1]) for r in rows]
