"""Lineage: where a unit's parts and materials came from, where a lot went, and what a recall reaches.

Every question is one recursive CTE over the indexed ``edges`` table (the same SQL
shape on SQLite and PostgreSQL, with depth and cycle guards; :mod:`~cradletrace.lineage.sql`),
plus a constant number of small statements (resolving the identifier), however
large the answer: never a query per node. networkx is built only from the bounded
rows a query returns (:mod:`~cradletrace.lineage.graph`).

Public API
----------
upstream, downstream
    Components and materials of a unit at a time; everything made from or containing a lot.
recall, recall_csv, recall_counts
    Affected units with their current state and owner; as CSV; their figures (in service, on hold, ...).
composition
    The tree at a time, as-built against as-maintained, with the changes' events.
history
    The events of a unit and of its parts while they were fitted.
subgraph, path
    The bounded lineage graph (networkx); the shortest chain between two identifiers.

Functions take the session first and only read.
"""

from cradletrace.lineage.graph import PathStep, chain, graph_from_rows, label, path, subgraph, to_data, to_dot
from cradletrace.lineage.queries import (
    BUILD_STEPS,
    Change,
    Composition,
    HistoryEntry,
    LineageRow,
    RecallRow,
    as_dict,
    composition,
    compositions,
    downstream,
    history,
    recall,
    recall_counts,
    recall_csv,
    tree_at,
    upstream,
)
from cradletrace.lineage.resolve import DEFAULT_MAX_DEPTH, NodeRef, resolve

__all__ = [
    "BUILD_STEPS", "DEFAULT_MAX_DEPTH", "Change", "Composition", "HistoryEntry", "LineageRow", "NodeRef", "PathStep",
    "RecallRow", "as_dict", "chain", "composition", "compositions", "downstream", "graph_from_rows", "history", "label", "path",
    "recall", "recall_counts", "recall_csv", "resolve", "subgraph", "to_data", "to_dot", "tree_at", "upstream",
]
