"""The SQL of the lineage questions: one recursive walk over ``edges``, and the final selects built on it.

Every lineage question is answered by one statement: a recursive CTE (``walk``) that
follows edges from the start nodes, and a final SELECT that joins the bounded result
to nodes, events and states. The SQL is the same on SQLite and PostgreSQL except for
a few fragments that :class:`Dialect` isolates:

* the recursive step's join. SQLite 3.40 turns the step into a Bloom-filter plan about
  500x slower once ``ANALYZE`` or ``PRAGMA optimize`` has written ``sqlite_stat1`` rows
  for ``edges`` (DESIGN, performance notes). ``walk CROSS JOIN edges INDEXED BY ...``
  fixes both the join order and the index, so statistics cannot change the plan (and a
  missing index is an error, not a silent full scan). PostgreSQL has neither form and
  plans the step as a nested loop over the index by itself.
* the final lookups. With stock costs PostgreSQL hash-joined large where-used results
  against a scan of every node; a ``LATERAL (... LIMIT 1)`` lookup cannot be flattened
  into a join, so each result row costs one index probe, whatever the table size. On
  SQLite ``CROSS JOIN`` keeps the bounded result as the outer loop.
* conditions on one table alone (the step's edge filters, the final ``kind = 'unit'``),
  folded into one term with the outer row on SQLite, where a "self-culling" loop over a
  table with statistics gets a Bloom filter (:meth:`Dialect.tied`).
* typed NULLs and timestamp parameters in the anchor row (PostgreSQL infers the types
  of a recursive CTE's columns from the anchor; SQLite must not CAST its text dates).

The walk carries a time interval per row, so time-aware questions stay one query:
``part_of`` intersects the interval with the edge's validity, so a part reached through
a sub-assembly counts only while it was fitted *and* the sub-assembly was. A point
``[T, T]`` asks "at T". Walking up an ``input_of`` edge moves to the point of the
transformation (what was inside the input when it was consumed); walking down one
starts ``[made, open)``, since the output holds the material from then on.

Cycle and depth guards: rows carry their depth and the step stops at ``:max_depth``;
``UNION`` drops rows already produced, so a cycle of k nodes yields at most
``max_depth`` rows per node and the walk ends.
"""

from __future__ import annotations

from functools import lru_cache

from cradletrace.projections.walk import (
    DOWN_INDEX,
    MATERIAL_KINDS,
    POSTGRESQL,
    SQLITE,
    UP_INDEX,
    WALK_COLUMNS,
    Dialect,
    Direction,
    dialect_of,
    walk_cte,
)

__all__ = ["DOWN_INDEX", "MATERIAL_KINDS", "POSTGRESQL", "SQLITE", "UP_INDEX", "WALK_COLUMNS", "Dialect", "Direction",
           "dialect_of", "edges_sql", "history_sql", "recall_sql", "rooted_sql", "walk_cte"]


def _with(ctes: list[str]) -> str:
    return "WITH RECURSIVE " + ",\n  ".join(ctes)


def edges_sql(d: Dialect, walks: list[tuple[str, Direction]], *, kinds: tuple[str, ...] = MATERIAL_KINDS,
              timed: dict[str, bool] | None = None, details: bool = False) -> str:
    """Every edge the walks crossed, once, with its nearest depth, its ends and its events (see :func:`_edges_sql`).

    Built once per shape and cached: lineage questions are asked often, and their text
    depends only on these arguments.
    """
    timed_walks = tuple(sorted(name for name, on in (timed or {}).items() if on))
    return _edges_sql(d, tuple(walks), kinds, timed_walks, details)


@lru_cache(maxsize=128)
def _edges_sql(d: Dialect, walks: tuple[tuple[str, Direction], ...], kinds: tuple[str, ...],
               timed_walks: tuple[str, ...], details: bool) -> str:
    """Every edge the walks crossed, once, with its nearest depth, its ends and its events.

    Columns: edge_id, kind, src, dst, valid_from, valid_to, quantity, uom, mass_kg,
    depth, direction, src_identifier, src_kind, dst_identifier, dst_kind, event_id,
    event_time, biz_step, closed_event_id, closed_time; with ``details`` also the state
    and product of both ends (``src_status``, ``src_disposition``, ``src_product``,
    ``src_serial``, ``src_lot``, and the same for ``dst_``).
    """
    ctes = [walk_cte(d, name, direction, kinds=kinds, timed=name in timed_walks) for name, direction in walks]
    crossed = " UNION ALL ".join(f"SELECT edge_id, depth, '{direction}' AS direction FROM {name} "
                                 "WHERE edge_id IS NOT NULL" for name, direction in walks)
    ctes.append(f"hit AS (SELECT edge_id, MIN(depth) AS depth, MIN(direction) AS direction FROM ({crossed}) AS c "
                "GROUP BY edge_id)")
    columns = ["e.id AS edge_id", "e.kind", "e.src", "e.dst", "e.valid_from", "e.valid_to", "e.quantity", "e.uom",
               "e.mass_kg", "h.depth", "h.direction", "sn.identifier AS src_identifier", "sn.kind AS src_kind",
               "dn.identifier AS dst_identifier", "dn.kind AS dst_kind", "ev.event_id", "ev.event_time", "ev.biz_step",
               "ce.event_id AS closed_event_id", "ce.event_time AS closed_time"]
    joins = [d.lookup("edges", "e", "e.id = h.edge_id"), d.lookup("nodes", "sn", "sn.id = e.src"),
             d.lookup("nodes", "dn", "dn.id = e.dst"), d.lookup("events", "ev", "ev.id = e.event_id", outer=True),
             d.lookup("events", "ce", "ce.id = e.closed_by", outer=True)]
    if details:
        for end, node in (("src", "sn"), ("dst", "dn")):
            joins += [d.lookup("unit_states", f"{end}_st", f"{end}_st.node_id = {node}.id", outer=True),
                      d.lookup("units", f"{end}_u", f"{end}_u.node_id = {node}.id", outer=True),
                      d.lookup("lots", f"{end}_l", f"{end}_l.node_id = {node}.id", outer=True),
                      d.lookup("products", f"{end}_p", f"{end}_p.gtin = COALESCE({end}_u.gtin, {end}_l.gtin)",
                               outer=True)]
            columns += [f"{end}_st.status AS {end}_status", f"{end}_st.disposition AS {end}_disposition",
                        f"{end}_p.name AS {end}_product", f"{end}_u.serial AS {end}_serial",
                        f"{end}_l.lot_number AS {end}_lot"]
    return (f"{_with(ctes)}\nSELECT {', '.join(columns)}\nFROM hit AS h\n  " + "\n  ".join(joins)
            + "\nORDER BY h.depth, h.edge_id")


@lru_cache(maxsize=8)
def rooted_sql(d: Dialect, through_lots: bool = True) -> str:
    """The composition at one point ``[:walk_from, :walk_to]`` of every start node, each edge row with its start.

    Columns: root, depth, edge_id, kind, src, dst, quantity, uom, mass_kg, event_id, biz_step
    (of the event that opened the edge), src_identifier, src_kind. ``through_lots=False``
    stops at lots (what a lot brings is the lot itself, not its own upstream).
    """
    cte = walk_cte(d, "walk", "up", timed=True, rooted=True, through_lots=through_lots)
    joins = [d.lookup("edges", "e", "e.id = w.edge_id"), d.lookup("nodes", "sn", "sn.id = e.src"),
             d.lookup("events", "ev", "ev.id = e.event_id", outer=True)]
    return (f"{_with([cte])}\nSELECT w.root, w.depth, e.id AS edge_id, e.kind, e.src, e.dst, e.quantity, e.uom,"
            " e.mass_kg, ev.event_id, ev.biz_step, sn.identifier AS src_identifier, sn.kind AS src_kind\n"
            "FROM walk AS w\n  " + "\n  ".join(joins) + "\nWHERE w.edge_id IS NOT NULL\nORDER BY w.root, w.depth, e.id")


@lru_cache(maxsize=4)
def recall_sql(d: Dialect) -> str:
    """Every unit the downstream walk reached (the start included), with its product's name, state, place, owner
    and possessor."""
    ctes = [walk_cte(d, "walk", "down"),
            "reached AS (SELECT node, MIN(depth) AS depth FROM walk GROUP BY node)"]
    joins = [d.lookup("nodes", "n", "n.id = r.node"),
             d.lookup("units", "u", "u.node_id = r.node", outer=True),
             d.lookup("unit_states", "st", "st.node_id = r.node", outer=True),
             d.lookup("nodes", "loc", "loc.id = st.biz_location_id", outer=True),
             d.lookup("locations", "lm", "lm.node_id = st.biz_location_id", outer=True),
             d.lookup("nodes", "own", "own.id = st.owner_id", outer=True),
             d.lookup("parties", "pm", "pm.node_id = st.owner_id", outer=True),
             d.lookup("nodes", "pos", "pos.id = st.possessor_id", outer=True),
             d.lookup("parties", "ps", "ps.node_id = st.possessor_id", outer=True),
             d.lookup("products", "p", "p.gtin = u.gtin", outer=True)]
    columns = ["n.identifier", "r.depth", "u.gtin", "u.serial", "st.status", "st.disposition", "st.biz_step",
               "st.last_event_time", "loc.identifier AS biz_location", "lm.name AS biz_location_name",
               "own.identifier AS owner", "pm.name AS owner_name", "pos.identifier AS possessor",
               "ps.name AS possessor_name", "p.name AS product"]
    return (f"{_with(ctes)}\nSELECT {', '.join(columns)}\nFROM reached AS r\n  " + "\n  ".join(joins)
            + "\nWHERE " + d.tied("n.kind = 'unit'", "r.depth") + "\nORDER BY r.depth, n.identifier")


@lru_cache(maxsize=4)
def history_sql(d: Dialect) -> str:
    """The events of the start node, and of each part while it was fitted (bounds included).

    Columns: event row id, eventID, times, type, action, bizStep, disposition, location,
    retraction, the node it is about, its depth and role.
    """
    ctes = [walk_cte(d, "walk", "up", kinds=("part_of",))]
    joins = [d.lookup("nodes", "n", "n.id = w.node"),
             "JOIN event_objects AS eo ON eo.node_id = w.node",
             d.lookup("events", "ev", "ev.id = eo.event_id"),
             d.lookup("nodes", "loc", "loc.id = ev.biz_location_id", outer=True),
             d.lookup("events", "rb", "rb.id = ev.retracted_by", outer=True)]
    columns = ["ev.id AS seq", "ev.event_id", "ev.event_time", "ev.record_time", "ev.event_type", "ev.action",
               "ev.biz_step", "ev.disposition", "loc.identifier AS biz_location", "ev.declares_error",
               "rb.event_id AS retracted_by", "n.identifier", "w.depth", "eo.role"]
    return (f"{_with(ctes)}\nSELECT {', '.join(columns)}\nFROM walk AS w\n  " + "\n  ".join(joins)
            + "\nWHERE (w.t_from IS NULL OR ev.event_time >= w.t_from)"
            + " AND (w.t_to IS NULL OR ev.event_time <= w.t_to)"
            + "\nORDER BY ev.event_time, ev.id, w.depth, n.identifier")
