"""The lineage graph as SVG, laid out on the server from the bounded subgraph (no JavaScript).

Layers run top to bottom in the direction of the edges (materials and parts above what they went
into; a phone is narrow and scrolls down), by networkx's topological generations; a graph with a cycle falls back to the distance
from the unit. Every node is a link to its own page; the unit itself is drawn bold.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx
from markupsafe import Markup, escape

NODE_W, NODE_H, GAP_X, GAP_Y, PAD = 176, 44, 14, 34, 8
KIND_CLASS = {"unit": "unit", "lot": "lot", "logistic_unit": "container", "product": "lot"}


def layout(data: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Row and column of every node: one row per generation, nodes of a row in a stable order."""
    g = nx.DiGraph()
    g.add_nodes_from(n["id"] for n in data["nodes"])
    g.add_edges_from((e["source"], e["target"]) for e in data["edges"])
    try:
        layers = [sorted(layer) for layer in nx.topological_generations(g)]
    except nx.NetworkXUnfeasible:
        distance = nx.single_source_shortest_path_length(g.to_undirected(as_view=True), data["root"])
        by: dict[int, list[str]] = {}
        for node in g.nodes:
            by.setdefault(distance.get(node, 0), []).append(node)
        layers = [sorted(by[d]) for d in sorted(by)]
    return {node: (row, column) for row, layer in enumerate(layers) for column, node in enumerate(layer)}


def lineage_svg(data: dict[str, Any], url_of: Callable[[str], str]) -> Markup:
    """An SVG picture of the passport's lineage data, each node a link (``url_of(identifier)``)."""
    place = layout(data)
    rows = max((r for r, _ in place.values()), default=0) + 1
    columns = max((c for _, c in place.values()), default=0) + 1
    width, height = PAD * 2 + columns * (NODE_W + GAP_X) - GAP_X, PAD * 2 + rows * (NODE_H + GAP_Y) - GAP_Y
    widths = {r: sum(1 for row, _ in place.values() if row == r) for r in range(rows)}

    def box(node: str) -> tuple[int, int]:
        row, column = place[node]
        offset = (width - PAD * 2 - (widths[row] * (NODE_W + GAP_X) - GAP_X)) // 2  # centre each row
        return PAD + offset + column * (NODE_W + GAP_X), PAD + row * (NODE_H + GAP_Y)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="lineage" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-labelledby="lineage-title">',
             '<title id="lineage-title">Lineage graph: materials and parts above, what they went into '
             'below</title>',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>']
    edges = [e for e in data["edges"] if e["source"] in place and e["target"] in place]
    # Spread where edges leave and arrive along each box's side, so parallel edges stay apart.
    leaving = {n: sorted((e for e in edges if e["source"] == n), key=lambda e: box(e["target"])[0]) for n in place}
    arriving = {n: sorted((e for e in edges if e["target"] == n), key=lambda e: box(e["source"])[0]) for n in place}

    def along(node: str, edge: dict[str, Any], ends: dict[str, list[dict[str, Any]]]) -> int:
        group = ends[node]
        return box(node)[0] + NODE_W * (group.index(edge) + 1) // (len(group) + 1)

    for e in edges:
        x1, y1 = along(e["source"], e, leaving), box(e["source"])[1] + NODE_H
        x2, y2 = along(e["target"], e, arriving), box(e["target"])[1]
        bend = max(GAP_Y // 2, (y2 - y1) // 3)
        ended = " ended" if e.get("until") else ""
        kind = escape(e.get("kind") or "")
        until = " (ended " + escape(e["until"][:10]) + ")" if e.get("until") else ""
        parts.append(f'<path class="edge {kind}{ended}" d="M {x1} {y1} C {x1} {y1 + bend}, {x2} {y2 - bend}, '
                     f'{x2} {y2}" marker-end="url(#arrow)"><title>{kind}{until}</title></path>')
    for n in data["nodes"]:
        x, y = box(n["id"])
        label = str(n.get("label") or n["id"])
        short = label if len(label) <= 24 else label[:23] + "…"
        root = " root" if n["id"] == data["root"] else ""
        parts.append(f'<a href="{escape(url_of(n["id"]))}" class="node {KIND_CLASS.get(n.get("kind"), "other")}{root}">'
                     f'<title>{escape(label)} ({escape(n.get("kind") or "")})</title>'
                     f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="6"/>'
                     f'<text x="{x + 8}" y="{y + 18}">{escape(short)}</text>'
                     f'<text class="kind" x="{x + 8}" y="{y + 35}">{escape(n.get("kind") or "")}'
                     f'{" · " + escape(n["status"]) if n.get("status") else ""}</text></a>')
    parts.append("</svg>")
    return Markup("".join(parts))
