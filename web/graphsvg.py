"""The lineage graph as SVG, laid out on the server from the bounded subgraph (no JavaScript).

Layers run left to right in the direction of the edges (materials and parts -> what they went
into), by networkx's topological generations; a graph with a cycle falls back to the distance
from the unit. Every node is a link to its own page; the unit itself is drawn bold.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx
from markupsafe import Markup, escape

NODE_W, NODE_H, GAP_X, GAP_Y, PAD = 190, 44, 60, 16, 12
KIND_CLASS = {"unit": "unit", "lot": "lot", "logistic_unit": "container", "product": "lot"}


def layout(data: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Column and row of every node: one column per generation, rows in a stable order."""
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
    return {node: (column, row) for column, layer in enumerate(layers) for row, node in enumerate(layer)}


def lineage_svg(data: dict[str, Any], url_of: Callable[[str], str]) -> Markup:
    """An SVG picture of the passport's lineage data, each node a link (``url_of(identifier)``)."""
    place = layout(data)
    columns = max((c for c, _ in place.values()), default=0) + 1
    rows = max((r for _, r in place.values()), default=0) + 1
    width, height = PAD * 2 + columns * NODE_W + (columns - 1) * GAP_X, PAD * 2 + rows * (NODE_H + GAP_Y)

    def box(node: str) -> tuple[int, int]:
        column, row = place[node]
        return PAD + column * (NODE_W + GAP_X), PAD + row * (NODE_H + GAP_Y)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="lineage" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-labelledby="lineage-title">',
             '<title id="lineage-title">Lineage graph: materials and parts on the left, what they went into on '
             'the right</title>',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>']
    for e in data["edges"]:
        if e["source"] not in place or e["target"] not in place:
            continue
        (x1, y1), (x2, y2) = box(e["source"]), box(e["target"])
        ended = " ended" if e.get("until") else ""
        parts.append(f'<line class="edge {escape(e.get("kind") or "")}{ended}" x1="{x1 + NODE_W}" '
                     f'y1="{y1 + NODE_H // 2}" x2="{x2}" y2="{y2 + NODE_H // 2}" marker-end="url(#arrow)">'
                     f'<title>{escape(e.get("kind") or "")}{" (ended " + escape(e["until"]) + ")" if e.get("until") else ""}'
                     '</title></line>')
    for n in data["nodes"]:
        x, y = box(n["id"])
        label = str(n.get("label") or n["id"])
        short = label if len(label) <= 26 else label[:25] + "…"
        root = " root" if n["id"] == data["root"] else ""
        parts.append(f'<a href="{escape(url_of(n["id"]))}" class="node {KIND_CLASS.get(n.get("kind"), "other")}{root}">'
                     f'<title>{escape(label)} ({escape(n.get("kind") or "")})</title>'
                     f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="6"/>'
                     f'<text x="{x + 8}" y="{y + 18}">{escape(short)}</text>'
                     f'<text class="kind" x="{x + 8}" y="{y + 35}">{escape(n.get("kind") or "")}'
                     f'{" · " + escape(n["status"]) if n.get("status") else ""}</text></a>')
    parts.append("</svg>")
    return Markup("".join(parts))
