"""A reference model of the projections, computed the obvious way: every event at once, sorted in event order.

Not a test module: tests load it by path (the tests folder is not a package). It knows
nothing of capture's incremental writer or of the database, and states the definition of
docs/projections.md in a few lines, for the small histories the property tests generate
(AggregationEvent ADD/DELETE, TransformationEvents, split ones by transformationID,
ObjectEvent observations, error declarations).

Edges are ``(kind, src, dst, valid_from, valid_to, eventID, closing eventID, retracted)``;
states are ``{identifier: (eventID of the last live event, last disposition)}``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

Edge = tuple[str, str, str, datetime, "datetime | None", str, "str | None", bool]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc).replace(tzinfo=None)


def model(events: list[dict[str, Any]], hashes: dict[str, str]) -> tuple[set[Edge], dict[str, tuple[str, str | None]]]:
    """The edges and states of ``events``; ``hashes`` maps eventID -> event hash (the tie rule)."""
    retracted = {e["eventID"] for e in events if "errorDeclaration" in e}
    ordered = sorted((e for e in events if "errorDeclaration" not in e),
                     key=lambda e: (utc(e["eventTime"]), hashes[e["eventID"]], e["eventID"]))
    part_of: list[list[Any]] = []
    input_of: set[Edge] = set()
    states: dict[str, tuple[str, str | None]] = {}
    for e in ordered:
        when, eid, gone = utc(e["eventTime"]), e["eventID"], e["eventID"] in retracted
        if e["type"] == "AggregationEvent" and e["action"] == "ADD":
            part_of += [[c, e["parentID"], when, None, eid, None, gone] for c in e["childEPCs"]]
        elif e["type"] == "AggregationEvent" and not gone:
            for iv in part_of:
                if iv[1] == e["parentID"] and iv[3] is None and (not e["childEPCs"] or iv[0] in e["childEPCs"]):
                    iv[3], iv[5] = when, eid
        elif e["type"] == "TransformationEvent":
            inputs = [q["epcClass"] for q in e.get("inputQuantityList", [])]
            outputs = list(e.get("outputEPCList", []))
            if not (inputs and outputs):
                inputs, outputs = (inputs, [e["transformationID"]]) if inputs else ([e["transformationID"]], outputs)
            input_of |= {("input_of", i, o, when, None, eid, None, gone) for i in inputs for o in outputs}
        if gone:
            continue
        named = [e.get("parentID"), *e.get("childEPCs", []), *e.get("epcList", []), *e.get("outputEPCList", []),
                 *(q["epcClass"] for q in e.get("inputQuantityList", []))]
        for ident in filter(None, named):
            before = states.get(ident, ("", None))[1]
            states[ident] = (eid, e.get("disposition") or before)
    return {("part_of", *iv) for iv in part_of} | input_of, states


def upstream_at(edges: set[Edge], root: str, when: datetime) -> set[str]:
    """What was in ``root`` at ``when`` and what it was made from: part_of valid then, input_of made by then."""
    live = [e for e in edges if not e[7]]
    found, todo = set(), [root]
    while todo:
        node = todo.pop()
        for kind, src, dst, start, end, *_rest in live:
            valid = start <= when and (end is None or when < end) if kind == "part_of" else start <= when
            if dst == node and valid and src not in found:
                found.add(src)
                todo.append(src)
    return found
