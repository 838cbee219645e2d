"""Lineage as a networkx graph, built only from the bounded rows one query returns; paths and renderings.

Display and analysis (layout, explanations, the shortest chain between two
identifiers) work on :func:`subgraph`, never on the whole database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import networkx as nx
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from cradletrace.errors import InvalidInput, NotFound
from cradletrace.lineage.queries import edge_rows
from cradletrace.lineage.resolve import DEFAULT_MAX_DEPTH, resolve, resolve_many
from cradletrace.lineage.sql import Direction
from cradletrace.timestamps import naive_utc, utc_now

_EDGE_ATTRIBUTES = ("kind", "edge_id", "event_id", "event_time", "closed_by", "valid_from", "valid_to", "quantity",
                    "uom", "mass_kg", "depth", "direction")


@dataclass(frozen=True)
class PathStep:
    """One edge on the chain from ``a`` to ``b``, in walking order.

    ``source`` -> ``target`` is the walking direction; ``along`` tells whether the edge
    points that way (``False``: walked against it, e.g. from a unit up to its material).
    """

    source: str
    target: str
    kind: str
    along: bool
    event_id: str | None
    valid_from: datetime | None
    valid_to: datetime | None
    quantity: float | None
    uom: str | None
    mass_kg: float | None


def label(identifier: str, product: str | None = None, serial: str | None = None, lot: str | None = None) -> str:
    """A short name for people: the product name with the serial or lot, else the identifier's key path.

    Examples
    --------
    >>> label("https://id.gs1.org/01/09506000134352/21/4711", "Battery pack", serial="4711")
    'Battery pack #4711'
    >>> label("https://id.gs1.org/01/09506000134352/10/L1", lot="L1")
    '01/09506000134352/10/L1'
    """
    if product:
        return f"{product} #{serial}" if serial else f"{product} lot {lot}" if lot else product
    prefix = "https://id.gs1.org/"
    return identifier[len(prefix):] if identifier.startswith(prefix) else identifier


def _node_attributes(r: Row[Any], end: str) -> dict[str, Any]:
    identifier = getattr(r, f"{end}_identifier")
    attributes = {"identifier": identifier, "kind": getattr(r, f"{end}_kind")}
    status = getattr(r, f"{end}_status", None)
    if hasattr(r, f"{end}_product"):
        attributes["label"] = label(identifier, getattr(r, f"{end}_product"), getattr(r, f"{end}_serial"),
                                    getattr(r, f"{end}_lot"))
    if status is not None:
        attributes["status"] = getattr(status, "value", status)
        attributes["disposition"] = getattr(r, f"{end}_disposition")
    return attributes


def graph_from_rows(rows: Iterable[Row[Any]], root: str | None = None, **graph_attributes: Any) -> nx.DiGraph:
    """A DiGraph of edge rows (as :func:`~cradletrace.lineage.queries.edge_rows` returns them). Pure.

    Nodes are keyed by identifier. Parallel edges (a part fitted, removed and fitted
    again) become one graph edge with the latest edge's attributes and every edge in
    ``records``.
    """
    g = nx.DiGraph(root=root, **graph_attributes)
    for r in rows:
        for end in ("src", "dst"):
            identifier = getattr(r, f"{end}_identifier")
            if identifier not in g:
                g.add_node(identifier, **_node_attributes(r, end))
        record = {"kind": r.kind, "edge_id": r.edge_id, "event_id": r.event_id, "event_time": r.event_time,
                  "closed_by": r.closed_event_id, "valid_from": r.valid_from, "valid_to": r.valid_to,
                  "quantity": r.quantity, "uom": r.uom, "mass_kg": r.mass_kg, "depth": r.depth,
                  "direction": r.direction}
        u, v = r.src_identifier, r.dst_identifier
        if g.has_edge(u, v):
            data = g.edges[u, v]
            records = sorted([*data["records"], record], key=lambda x: (x["valid_from"] or datetime.min, x["edge_id"]))
            data.update(records[-1], records=records)
        else:
            g.add_edge(u, v, **record, records=[record])
    if root is not None and root in g:
        g.nodes[root]["root"] = True
    return g


def subgraph(session: Session, identifier: str, direction: Literal["both", "up", "down"] = "both",
             as_of: datetime | None = None, *, max_depth: int = DEFAULT_MAX_DEPTH) -> nx.DiGraph:
    """The lineage around ``identifier`` as a networkx DiGraph, from one bounded query.

    Edges point as stored: component or input -> parent or output. Nodes carry ``kind``,
    ``identifier``, ``label`` and, when known, ``status`` and ``disposition``; edges carry
    ``kind``, ``event_id``, ``valid_from``/``valid_to``, ``quantity``, ``uom``, ``mass_kg``.

    Parameters
    ----------
    direction : {'both', 'up', 'down'}
        ``up``: components and materials at ``as_of`` (as :func:`upstream`); ``down``:
        everything made from it or containing it up to ``as_of`` (any time when ``None``).
    as_of : datetime, optional
        Naive = UTC; ``up`` uses now when not given.

    Raises
    ------
    NotFound
        For an identifier that was never recorded.
    InvalidInput
        For an unknown direction.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> from sqlalchemy.orm import Session
    >>> upgrade("sqlite:///doctest.db")
    >>> with Session(create_db_engine("sqlite:///doctest.db")) as s:
    ...     subgraph(s, "urn:example:nothing", direction="sideways")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: direction: 'sideways' is not one of both, up, down
    """
    if direction not in ("both", "up", "down"):
        raise InvalidInput(f"{direction!r} is not one of both, up, down", where="direction")
    start = resolve(session, identifier)
    moment = naive_utc(as_of)
    walks: list[tuple[str, Direction]] = []
    times: dict[str, tuple[datetime | None, datetime | None]] = {}
    if direction in ("both", "up"):
        point = moment or utc_now()
        walks.append(("up_walk", "up"))
        times["up_walk"] = (point, point)
    if direction in ("both", "down"):
        walks.append(("down_walk", "down"))
        if moment is not None:
            times["down_walk"] = (None, moment)
    rows = edge_rows(session, start, walks, times=times, max_depth=max_depth, details=True)
    g = graph_from_rows(rows, start.identifier, direction=direction, as_of=moment, max_depth=max_depth)
    if start.identifier not in g:
        g.add_node(start.identifier, identifier=start.identifier, kind=start.kind, label=label(start.identifier),
                   root=True)
    return g


def path(session: Session, a: str, b: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> list[PathStep]:
    """Why ``a`` is related to ``b``: the shortest chain of lineage edges between them, in either direction.

    One query walks up and down from both identifiers at once (any time); the chain is
    the shortest path in that bounded graph, walked from ``a`` to ``b``. It finds ``b``
    inside ``a`` (or made from it), the reverse, and a material or part they share or
    a unit that holds both. ``a`` equal to ``b`` gives an empty chain.

    Raises
    ------
    NotFound
        For an identifier that was never recorded, or when no chain links the two
        within ``max_depth`` edges of either.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_edge("lot", "cell", kind="input_of", event_id="E1", valid_from=None, valid_to=None,
    ...            quantity=2.0, uom="KGM", mass_kg=2.0)
    >>> g.add_edge("cell", "pack", kind="part_of", event_id="E2", valid_from=None, valid_to=None,
    ...            quantity=None, uom=None, mass_kg=None)
    >>> [(s.source, s.target, s.kind, s.along) for s in chain(g, "pack", "lot")]
    [('pack', 'cell', 'part_of', False), ('cell', 'lot', 'input_of', False)]
    """
    first, second = resolve_many(session, [a, b])
    if first.id == second.id:
        return []
    rows = edge_rows(session, first, [("up_walk", "up"), ("down_walk", "down")], max_depth=max_depth,
                     starts=[first.id, second.id])
    g = graph_from_rows(rows)
    if first.identifier in g and second.identifier in g:
        try:
            return chain(g, first.identifier, second.identifier)
        except nx.NetworkXNoPath:
            pass
    raise NotFound(f"no chain of lineage edges links {first.identifier} and {second.identifier} "
                   f"within {max_depth} edges of either", where="path")


def chain(g: nx.DiGraph, a: str, b: str) -> list[PathStep]:
    """The shortest chain of edges from ``a`` to ``b`` in ``g``, ignoring edge direction. Pure.

    Raises
    ------
    networkx.NetworkXNoPath
        When none exists.
    """
    nodes = nx.shortest_path(g.to_undirected(as_view=True), a, b)
    steps = []
    for u, v in zip(nodes, nodes[1:]):
        along = g.has_edge(u, v)
        data = g.edges[u, v] if along else g.edges[v, u]
        steps.append(PathStep(u, v, data["kind"], along, data.get("event_id"), data.get("valid_from"),
                              data.get("valid_to"), data.get("quantity"), data.get("uom"), data.get("mass_kg")))
    return steps


# -- renderings ---------------------------------------------------------------------------------

def to_data(g: nx.DiGraph) -> dict[str, Any]:
    """A lineage graph as plain data (nodes and edges lists) for JSON.

    Examples
    --------
    >>> g = nx.DiGraph(root="u")
    >>> g.add_node("u", kind="unit")
    >>> g.add_edge("c", "u", kind="part_of", records=[{}])
    >>> to_data(g)["edges"]
    [{'source': 'c', 'target': 'u', 'kind': 'part_of'}]
    """
    nodes = [{"id": n, **{k: v for k, v in data.items()}} for n, data in g.nodes(data=True)]
    edges = [{"source": u, "target": v, **{k: v2 for k, v2 in data.items() if k != "records"}}
             for u, v, data in g.edges(data=True)]
    return {"root": g.graph.get("root"), "nodes": nodes, "edges": edges}


_SHAPES = {"unit": "box", "lot": "folder", "logistic_unit": "box3d", "document": "note"}


def to_dot(g: nx.DiGraph) -> str:
    """A lineage graph in Graphviz DOT (no Graphviz needed to write it).

    Examples
    --------
    >>> g = nx.DiGraph(root="u")
    >>> g.add_node("u", kind="unit", label="Pack #1")
    >>> g.add_node("c", kind="unit", label="Cell #2")
    >>> g.add_edge("c", "u", kind="part_of")
    >>> print(to_dot(g))
    digraph lineage {
      rankdir=LR;
      "u" [label="Pack #1", shape=box, penwidth=2];
      "c" [label="Cell #2", shape=box];
      "c" -> "u" [label="part_of"];
    }
    """
    def quote(value: Any) -> str:
        return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["digraph lineage {", "  rankdir=LR;"]
    for n, data in g.nodes(data=True):
        extra = ", penwidth=2" if n == g.graph.get("root") else ""
        lines.append(f"  {quote(n)} [label={quote(data.get('label') or n)}, "
                     f"shape={_SHAPES.get(data.get('kind', ''), 'ellipse')}{extra}];")
    for u, v, data in g.edges(data=True):
        text = data.get("kind", "")
        if data.get("quantity") is not None:
            text += f" {data['quantity']:g} {data.get('uom') or ''}".rstrip()
        style = ", style=dashed" if data.get("valid_to") is not None else ""
        lines.append(f"  {quote(u)} -> {quote(v)} [label={quote(text)}{style}];")
    lines.append("}")
    return "\n".join(lines)
