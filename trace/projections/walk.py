"""The recursive walk over ``edges`` that every graph question shares (lineage, and the location hierarchy).

:func:`walk_cte` is the one recursive CTE of the package: :mod:`cradletrace.lineage.sql`
builds the lineage questions on it, and the event query's ``WD_bizLocation`` and
``WD_readPoint`` walk the master-data hierarchy (``child_of`` edges) with it. It lives
below both so that siblings (query, lineage) share it; :mod:`cradletrace.lineage.sql`
explains the dialect fragments (:class:`Dialect`) and the time and cycle guards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Direction = Literal["up", "down"]

# The two composite indexes of the edges table (models/edges.py, migration 0001).
UP_INDEX = "ix_edges_dst_src_valid"
DOWN_INDEX = "ix_edges_src_dst"
WALK_COLUMNS = "node, depth, t_from, t_to, edge_id"
MATERIAL_KINDS = ("part_of", "input_of")


@dataclass(frozen=True)
class Dialect:
    """The fragments of lineage SQL that differ between SQLite and PostgreSQL."""

    name: str

    @property
    def sqlite(self) -> bool:
        return self.name == "sqlite"

    def step_join(self, index: str) -> str:
        """The recursive step's join from ``walk w`` to ``edges e`` (its ON clause follows)."""
        if self.sqlite:
            return f"CROSS JOIN edges AS e INDEXED BY {index}"
        return "JOIN edges AS e"

    def lookup(self, table: str, alias: str, condition: str, *, outer: bool = False) -> str:
        """Join one row of ``table`` by a unique key, as an index probe per result row.

        ``condition`` refers to the looked-up table as ``alias``.
        """
        if self.sqlite:
            return f"{'LEFT JOIN' if outer else 'CROSS JOIN'} {table} AS {alias} ON {condition}"
        inner = re.sub(rf"\b{alias}\.", f"{alias}_x.", condition)
        body = f"(SELECT * FROM {table} AS {alias}_x WHERE {inner} LIMIT 1) AS {alias}"
        return f"LEFT JOIN LATERAL {body} ON true" if outer else f"CROSS JOIN LATERAL {body}"

    def timestamp(self, param: str | None) -> str:
        """A timestamp parameter (or NULL) in the anchor row of a recursive CTE."""
        if param is None:
            return "NULL" if self.sqlite else "CAST(NULL AS TIMESTAMP)"
        return f":{param}" if self.sqlite else f"CAST(:{param} AS TIMESTAMP)"

    def tied(self, condition: str, outer: str = "w.depth") -> str:
        """Conditions on one joined table alone, as a single term that also reads ``outer``.

        SQLite (3.38+) puts a Bloom filter on a join loop that is "self-culling" (has WHERE
        terms that depend on that table only) once the table has ``sqlite_stat1`` rows. On
        the recursive step that drops the covering-index lookup (the ~500x slower upstream
        plan of DESIGN's performance notes); on a final lookup it builds the filter from a
        scan of the whole table. ``CROSS JOIN`` and ``INDEXED BY`` do not prevent it. One
        CASE term that also reads a column of the outer loop is not self-only, so
        statistics cannot switch that plan on. PostgreSQL gets the plain conditions.

        Examples
        --------
        >>> SQLITE.tied("n.kind = 'unit'", "r.depth")
        "CASE WHEN r.depth >= 0 THEN n.kind = 'unit' END"
        >>> POSTGRESQL.tied("n.kind = 'unit'", "r.depth")
        "n.kind = 'unit'"
        """
        if self.sqlite:
            return f"CASE WHEN {outer} >= 0 THEN {condition} END"
        return condition

    @property
    def null_id(self) -> str:
        return "NULL" if self.sqlite else "CAST(NULL AS BIGINT)"

    @property
    def recursive_union(self) -> str:
        return "UNION"


SQLITE = Dialect("sqlite")
POSTGRESQL = Dialect("postgresql")


def dialect_of(name: str) -> Dialect:
    """The :class:`Dialect` of a SQLAlchemy dialect name.

    Examples
    --------
    >>> dialect_of("sqlite").step_join(UP_INDEX)
    'CROSS JOIN edges AS e INDEXED BY ix_edges_dst_src_valid'
    >>> dialect_of("postgresql").lookup("nodes", "n", "n.id = e.src")
    'CROSS JOIN LATERAL (SELECT * FROM nodes AS n_x WHERE n_x.id = e.src LIMIT 1) AS n'
    """
    return SQLITE if name == "sqlite" else POSTGRESQL


def walk_cte(d: Dialect, name: str, direction: Direction, *, kinds: tuple[str, ...] = MATERIAL_KINDS,
             timed: bool = False, rooted: bool = False, through_lots: bool = True) -> str:
    """The recursive CTE ``name(node, depth, t_from, t_to, edge_id)`` from the nodes ``:starts``.

    Parameters
    ----------
    d : Dialect
    name : str
        The CTE's name; its time parameters are ``:{name}_from`` and ``:{name}_to``.
    direction : {'up', 'down'}
        ``up`` follows edges backwards (by ``dst``: components, inputs); ``down`` forwards
        (by ``src``: parents, outputs).
    kinds : tuple of str
        Edge kinds to follow.
    timed : bool
        Anchor on the interval given by the parameters; otherwise on all time.
    rooted : bool
        Also carry the start node each row was reached from, as a first column ``root``
        (``name(root, node, ...)``): one walk answers for many starts at once.
    through_lots : bool
        Continue the walk behind a lot; ``False`` stops at lots (a lot's own upstream is
        not part of what it brings to a unit, as in the footprint's cut-off).

    Examples
    --------
    >>> sql = walk_cte(SQLITE, "walk", "up", timed=True)
    >>> "UNION SELECT e.src" in " ".join(sql.split()), "INDEXED BY ix_edges_dst_src_valid" in sql
    (True, True)
    """
    key, nxt, index = ("dst", "src", UP_INDEX) if direction == "up" else ("src", "dst", DOWN_INDEX)
    t_from = d.timestamp(f"{name}_from" if timed else None)
    t_to = d.timestamp(f"{name}_to" if timed else None)
    if direction == "up":
        # Inside the input as it was when the transformation consumed it.
        input_from = input_to = "e.valid_from"
        consumed_within = ""
    else:
        # The output holds the material from the transformation on; the input had to
        # hold it when it was consumed (a part removed before a disassembly is not in
        # the recovered lots).
        input_from, input_to = "e.valid_from", "NULL"
        consumed_within = ("\n      AND (e.kind <> 'input_of' OR w.t_from IS NULL OR e.valid_from IS NULL"
                           " OR e.valid_from >= w.t_from)")
    kind_list = ", ".join(f"'{k}'" for k in kinds)
    root_anchor, root_step, root_column = ("n.id, ", "w.root, ", "root, ") if rooted else ("", "", "")
    stop = "" if through_lots else "\n      AND NOT EXISTS (SELECT 1 FROM lots AS lt WHERE lt.node_id = w.node)"
    # A part fitted and removed at the same instant was never inside anything.
    edge_alone = (f"e.kind IN ({kind_list}) AND NOT e.retracted"
                  " AND (e.valid_to IS NULL OR e.valid_from IS NULL OR e.valid_to > e.valid_from)")
    return f"""{name}({root_column}{WALK_COLUMNS}) AS (
    SELECT {root_anchor}n.id, 0, {t_from}, {t_to}, {d.null_id} FROM nodes AS n WHERE n.id IN :starts
    {d.recursive_union}
    SELECT {root_step}e.{nxt}, w.depth + 1,
      CASE WHEN e.kind = 'input_of' THEN {input_from}
           WHEN w.t_from IS NULL OR e.valid_from > w.t_from THEN e.valid_from ELSE w.t_from END,
      CASE WHEN e.kind = 'input_of' THEN {input_to}
           WHEN w.t_to IS NULL THEN e.valid_to
           WHEN e.valid_to IS NULL OR e.valid_to > w.t_to THEN w.t_to ELSE e.valid_to END,
      e.id
    FROM {name} AS w {d.step_join(index)} ON e.{key} = w.node
    WHERE w.depth < :max_depth AND {d.tied(edge_alone)}
      AND (e.valid_from IS NULL OR w.t_to IS NULL OR e.valid_from < w.t_to
           OR (e.valid_from = w.t_to AND w.t_from = w.t_to))
      AND (e.valid_to IS NULL OR w.t_from IS NULL OR e.valid_to > w.t_from){consumed_within}{stop}
  )"""
