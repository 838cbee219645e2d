"""Bulk inserts for the capture path: one ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) per table and batch.

``session.execute(table.insert(), rows)`` spends most of its time per parameter (building a
parameter dict per row, running each type's bind processor through the compiled statement),
about as long as the driver takes to write the row. Here the statement text is compiled once
per table and dialect, each column's bind processor is looked up once, and the rows go to
the driver's ``executemany`` as tuples. The values are exactly those SQLAlchemy would send
(the same processors), so rows read back through the ORM are unchanged.

Statements that bind one parameter per value (``IN`` lists of identifiers or node ids) take
their values in :func:`chunks`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import DateTime, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

_Plan = tuple[str, tuple[str, ...], tuple[Callable[[Any], Any] | None, ...]]
_PLANS: dict[tuple[Any, ...], _Plan] = {}
_T = TypeVar("_T")

IN_LIST_LIMIT = 5000
"""How many values one statement binds in a list at most (:func:`chunks`)."""


def chunks(items: Sequence[_T], size: int = IN_LIST_LIMIT) -> Iterator[Sequence[_T]]:
    """``items`` in consecutive slices of at most ``size``: one statement per slice where each value is bound.

    SQLite allows 32,766 bound parameters per statement (``SQLITE_MAX_VARIABLE_NUMBER``; 999
    before 3.32) and PostgreSQL 65,535, so an ``IN`` list of every identifier of a large capture
    or service call fails in one statement. 5,000 leaves room for the statement's other
    parameters and keeps each statement's plan and result small.

    Examples
    --------
    >>> [list(c) for c in chunks([1, 2, 3, 4, 5], size=2)]
    [[1, 2], [3, 4], [5]]
    >>> list(chunks([]))
    []
    """
    if size < 1:
        raise ValueError(f"chunks of {size} items: the size must be at least 1")
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _plan(table: Table, columns: tuple[str, ...], dialect: Dialect, conflict: tuple[str, ...],
          update: tuple[str, ...]) -> _Plan:
    key = (dialect.name, table.name, columns, conflict, update)
    plan = _PLANS.get(key)
    if plan is None:
        preparer = dialect.identifier_preparer
        marker = "?" if dialect.paramstyle == "qmark" else "%s"
        names = ", ".join(preparer.format_column(table.c[c]) for c in columns)
        if dialect.name == "postgresql":  # plain inserts only (upserts go through SQLAlchemy)
            sql = f"COPY {preparer.format_table(table)} ({names}) FROM STDIN"
        else:
            sql = f"INSERT INTO {preparer.format_table(table)} ({names}) VALUES ({', '.join([marker] * len(columns))})"
        if conflict:
            target = ", ".join(preparer.format_column(table.c[c]) for c in conflict)
            if update:
                sets = ", ".join(f"{preparer.format_column(table.c[c])} = excluded.{preparer.format_column(table.c[c])}"
                                 for c in update)
                sql += f" ON CONFLICT ({target}) DO UPDATE SET {sets}"
            else:
                sql += f" ON CONFLICT ({target}) DO NOTHING"
        plan = _PLANS[key] = (sql, columns, bind_processors(table, columns, dialect))
    return plan


def bind_processors(table: Table, columns: Sequence[str], dialect: Dialect) -> tuple[Callable[[Any], Any] | None, ...]:
    """Each column's bind processor (``None`` when the value goes as it is), as :func:`bulk_insert` applies them.

    A value passed through its processor is the stored form: what the driver sends, and so
    (for the types capture writes) what the raw driver reads back. ``audit verify`` compares
    columns in that form.
    """
    return tuple(_processor(table.c[c].type, dialect) for c in columns)


def _processor(column_type: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column's bind processor; on SQLite a faster one for times.

    SQLite stores a DateTime as text in SQLAlchemy's format, ``YYYY-MM-DD HH:MM:SS.ffffff``,
    which is exactly ``isoformat(" ", "microseconds")`` of a naive datetime, done in C.
    """
    process = column_type._cached_bind_processor(dialect)
    if process is None:
        return None
    if dialect.name == "sqlite" and isinstance(column_type, DateTime):
        def sqlite_datetime(value: Any) -> Any:
            if isinstance(value, datetime) and value.tzinfo is None:
                return value.isoformat(" ", "microseconds")
            return process(value)

        return sqlite_datetime
    return process


def bulk_insert(session: Session, table: Table, rows: Sequence[Mapping[str, Any]], *,
                on_conflict: tuple[str, ...] = (), update: tuple[str, ...] = ()) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` with one ``executemany``.

    Parameters
    ----------
    session : Session
        The session whose transaction the rows join; flushes nothing, commits nothing.
    table : Table
        A Core table of the models.
    rows : sequence of mappings
        Column name -> value, as for ``session.execute(table.insert(), rows)``. Every row has
        the keys of the first.
    on_conflict : tuple of str
        The unique columns of an upsert: a row that collides there is skipped, or, with
        ``update``, updates those columns from the new row.
    update : tuple of str
        Columns to overwrite on a conflict.
    """
    if not rows:
        return
    connection = session.connection()
    if on_conflict and connection.dialect.name == "postgresql":
        # COPY cannot upsert; SQLAlchemy sends these as multi-row VALUES statements.
        stmt = postgresql.insert(table)
        if update:
            stmt = stmt.on_conflict_do_update(index_elements=list(on_conflict),
                                              set_={c: getattr(stmt.excluded, c) for c in update})
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(on_conflict))
        session.execute(stmt, list(rows))
        return
    sql, columns, processors = _plan(table, tuple(rows[0]), connection.dialect, on_conflict, update)
    getter = itemgetter(*columns)
    if len(columns) == 1:
        params: list[Any] = [(getter(row),) for row in rows]
    else:
        params = [getter(row) for row in rows]
    # Only a few columns have a processor (times on SQLite, enums, booleans): convert those alone.
    converted = [(i, p) for i, p in enumerate(processors) if p is not None]
    if converted:
        for n, values in enumerate(params):
            values = list(values)
            for i, p in converted:
                values[i] = p(values[i])
            params[n] = tuple(values)
    if connection.dialect.name == "postgresql":
        _copy(connection, sql, params)
    else:
        connection.exec_driver_sql(sql, params)


def _copy(connection: Any, sql: str, rows: list[Any]) -> None:
    """PostgreSQL: ``COPY ... FROM STDIN`` on the session's own connection (same transaction).

    psycopg's ``executemany`` pipelines one INSERT per row; its cost per row was as large as
    all of the capture's own work. COPY streams the rows in one command.
    """
    with connection.connection.dbapi_connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
