"""Master data into the database: versions of each description, the products/parties/locations rows, child_of edges.

Capture (:mod:`cradletrace.log.capture`) calls :func:`store_masterdata` with the
:class:`~cradletrace.epcis.masterdata.Description` s of a document, inside the capture's
savepoint, so a rejected document changes nothing. A description is new when no current
version of its (element, vocabulary type) has the same digest: the current one is closed
at the capture's record time and the new one opens there, so earlier values stay
queryable with the interval they were valid in (:func:`place_names`). A re-sent,
identical description changes nothing.

The columns the system reads (a location's name, address, country, coordinates and CBV
location names; a product's name, description, net content and country of origin; a
party's name and country) are set on the one row of that thing from the current
versions of every vocabulary type (BusinessLocation before ReadPoint); a column no current
version gives keeps its value, so what a lifecycle service wrote stays. Children become
``child_of`` edges (child -> parent), open while the parent's current description lists
them. Master data is not an event and does not enter the hash chain (docs/masterdata.md).
Every step is a fixed number of statements per document.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from cradletrace.bulk import bulk_insert, chunks
from cradletrace.epcis.masterdata import (
    BUSINESS_LOCATION,
    CLASS_VTYPES,
    LOCATION_VTYPES,
    READ_POINT,
    Description,
)
from cradletrace.errors import InvalidInput, TraceError
from cradletrace.identifiers import key_pairs, node_kind
from cradletrace.models import Edge, EdgeKind, Location, MasterDataVersion, Node, Party, Product
from cradletrace.projections.nodemap import NodeMap

#: CBV attribute (short name) -> location column.
LOCATION_ATTRIBUTES = {
    "name": "name", "streetAddressOne": "street_address", "city": "city", "postalCode": "postal_code",
    "state": "state", "countryCode": "country", "latitude": "latitude", "longitude": "longitude",
    "site": "site", "sst": "sst", "ssa": "ssa", "sdt": "sdt", "ssd": "ssd",
}
#: CBV trade-item attribute -> product column (the first one given wins for ``name``).
PRODUCT_ATTRIBUTES = {
    "name": "name", "descriptionShort": "description", "tradeItemDescription": "description",
    "netContentDescription": "net_content", "countryOfOrigin": "country_of_origin",
}
_PRODUCT_NAMES = ("name", "descriptionShort", "tradeItemDescription", "regulatedProductName", "functionalName")
PARTY_ATTRIBUTES = {"name": "name", "countryCode": "country"}
_PRECEDENCE = {BUSINESS_LOCATION: 0, READ_POINT: 1}
_LENGTHS = {c.name: c.type.length for t in (Location, Product, Party) for c in t.__table__.columns
            if getattr(c.type, "length", None)}


@dataclass
class MasterDataReport:
    """What storing master data did: ``stored`` descriptions new or changed, ``unchanged`` ones already current."""

    stored: int = 0
    unchanged: int = 0


def check_descriptions(descriptions: Sequence[Description]) -> list[TraceError]:
    """The faults of values that have a column: a country that is not two letters, a coordinate out of range.

    Examples
    --------
    >>> from cradletrace.epcis.masterdata import Description, BUSINESS_LOCATION
    >>> check_descriptions([Description(BUSINESS_LOCATION, "urn:x", [
    ...     {"id": "urn:epcglobal:cbv:mda#countryCode", "value": "Germany"},
    ...     {"id": "urn:epcglobal:cbv:mda#latitude", "value": "91"}])])
    [InvalidInput("masterdata urn:x countryCode: 'Germany' is not an ISO 3166-1 alpha-2 code (two letters, such as DE)"), InvalidInput('masterdata urn:x latitude: 91.0 is not between -90 and 90')]
    """
    errors: list[TraceError] = []
    for d in descriptions:
        try:
            _columns(d)
        except _Faults as faults:
            errors.extend(faults.errors)
    return errors


class _Faults(Exception):
    def __init__(self, errors: list[TraceError]) -> None:
        self.errors = errors


def _columns(d: Description) -> dict[str, Any]:
    """The column values a description gives, checked (raises :class:`_Faults`)."""
    mapped = d.mapped()
    table = _ATTRIBUTE_TABLES.get(_target(d))
    if table is None:
        return {}
    out: dict[str, Any] = {}
    errors: list[TraceError] = []
    if table is PRODUCT_ATTRIBUTES:
        name = next((mapped[k] for k in _PRODUCT_NAMES if isinstance(mapped.get(k), str)), None)
        if name is not None:
            out["name"] = name
    for attribute, column in table.items():
        value = mapped.get(attribute)
        if value is None or column in out:
            continue
        where = f"{d.where}.{attribute}" if d.where else f"masterdata {d.id} {attribute}"
        if column in ("latitude", "longitude"):
            limit = 90 if column == "latitude" else 180
            try:
                number = float(value)
            except (TypeError, ValueError):
                errors.append(InvalidInput(f"{value!r} is not a number", where=where))
                continue
            if not -limit <= number <= limit:
                errors.append(InvalidInput(f"{number} is not between -{limit} and {limit}", where=where))
                continue
            out[column] = number
            continue
        text = value if isinstance(value, str) else str(value)
        if column in ("country", "country_of_origin"):
            code = text.strip().upper()
            if len(code) != 2 or not code.isalpha() or not code.isascii():
                errors.append(InvalidInput(f"{value!r} is not an ISO 3166-1 alpha-2 code (two letters, such as DE)",
                                           where=where))
                continue
            text = code
        limit = _LENGTHS.get(column)
        if limit is not None and len(text) > limit:
            errors.append(InvalidInput(f"longer than {limit} characters", where=where))
            continue
        out[column] = text
    if errors:
        raise _Faults(errors)
    return out


def _target(d: Description) -> str | None:
    """Which table describes the element: 'location', 'product', 'party' or None (kept as versions only)."""
    kind = node_kind(d.id)
    if d.vtype in LOCATION_VTYPES or kind == "location":
        return "location"
    if kind == "party":
        return "party"
    if d.vtype in CLASS_VTYPES and kind == "product":
        return "product"
    return None


_ATTRIBUTE_TABLES: Mapping[str | None, Mapping[str, str]] = {
    "location": LOCATION_ATTRIBUTES, "product": PRODUCT_ATTRIBUTES, "party": PARTY_ATTRIBUTES}


def store_masterdata(session: Session, descriptions: Sequence[Description], *, record_time: datetime,
                     capture_id: str | None, nodes: NodeMap | None = None) -> MasterDataReport:
    """Store the descriptions of one document (already checked by :func:`check_descriptions`); flushes nothing else.

    A later description of the same (element, type) in the document wins.
    """
    report = MasterDataReport()
    latest: dict[tuple[str, str], Description] = {}
    for d in descriptions:
        latest[(d.id, d.vtype)] = d
    if not latest:
        return report
    nodes = nodes or NodeMap(session)
    kinds = {}
    for d in latest.values():
        if d.vtype in LOCATION_VTYPES:
            kinds.update({i: "location" for i in (d.id, *d.children) if node_kind(i) in ("document", "other")})
    ids = nodes.resolve({i for d in latest.values() for i in (d.id, *d.children)}, kinds)
    table = MasterDataVersion.__table__
    node_list = sorted({ids[d.id] for d in latest.values()})
    current: dict[tuple[int, str], tuple[int, str]] = {}
    for chunk in chunks(node_list):
        for version_id, node_id, vtype, digest in session.execute(
                select(table.c.id, table.c.node_id, table.c.vtype, table.c.digest)
                .where(table.c.node_id.in_(chunk), table.c.valid_to.is_(None))):
            current[(node_id, vtype)] = (version_id, digest)
    closing, rows, changed = [], [], set()
    for d in latest.values():
        node_id = ids[d.id]
        digest = d.digest
        held = current.get((node_id, d.vtype))
        if held is not None and held[1] == digest:
            report.unchanged += 1
            continue
        if held is not None:
            closing.append(held[0])
        rows.append({"node_id": node_id, "vtype": d.vtype, "valid_from": record_time, "valid_to": None,
                     "capture_id": capture_id, "digest": digest, "attributes": d.attributes,
                     "children": d.children})
        changed.add(node_id)
        report.stored += 1
    if not rows:
        return report
    for chunk in chunks(closing):
        session.execute(update(table).where(table.c.id.in_(chunk)).values(valid_to=record_time))
    bulk_insert(session, table, rows)
    versions = current_descriptions(session, sorted(changed))
    _update_rows(session, versions, ids)
    _update_edges(session, versions, ids, record_time)
    return report


def current_descriptions(session: Session, node_ids: Sequence[int]) -> dict[int, list[Description]]:
    """The current descriptions of each node, BusinessLocation first (one query per chunk of nodes)."""
    table = MasterDataVersion.__table__
    nodes = Node.__table__
    out: dict[int, list[Description]] = {}
    for chunk in chunks(node_ids):
        for node_id, identifier, vtype, attributes, children in session.execute(
                select(table.c.node_id, nodes.c.identifier, table.c.vtype, table.c.attributes, table.c.children)
                .join(nodes, nodes.c.id == table.c.node_id)
                .where(table.c.node_id.in_(chunk), table.c.valid_to.is_(None))):
            out.setdefault(node_id, []).append(Description(vtype, identifier, attributes, children))
    for found in out.values():
        found.sort(key=lambda d: (_PRECEDENCE.get(d.vtype, 2), d.vtype))
    return out


def _update_rows(session: Session, versions: Mapping[int, list[Description]], ids: Mapping[str, int]) -> None:
    """Set the columns the current versions give on each thing's one row, creating the rows that are missing."""
    wanted: dict[str, dict[int, dict[str, Any]]] = {"location": {}, "product": {}, "party": {}}
    for node_id, found in versions.items():
        for d in reversed(found):  # the first in precedence is applied last, so it wins
            target = _target(d)
            if target is not None:
                wanted[target].setdefault(node_id, {}).update(_columns(d))
    for target, model in (("party", Party), ("location", Location)):
        _upsert(session, model, "node_id", {node_id: values for node_id, values in wanted[target].items()})
    products: dict[Any, dict[str, Any]] = {}
    identifiers = {node_id: found[0].id for node_id, found in versions.items()}
    for node_id, values in wanted["product"].items():
        path = key_pairs(identifiers[node_id])
        if path is not None and len(path) == 1 and path[0][0] == "01":
            products[path[0][1]] = values
    _upsert(session, Product, "gtin", products)


def _upsert(session: Session, model: Any, key: str, wanted: Mapping[Any, dict[str, Any]]) -> None:
    if not wanted:
        return
    table = model.__table__
    existing: dict[Any, int] = {}
    for chunk in chunks(sorted(wanted)):
        existing.update(session.execute(select(table.c[key], table.c.id).where(table.c[key].in_(chunk))).all())
    new = [{key: k, "name": "", "attributes": {}, **values} for k, values in wanted.items() if k not in existing]
    columns = sorted({c for values in wanted.values() for c in values})
    for column_set in {tuple(sorted(values)) for k, values in wanted.items() if k in existing and values}:
        rows = [{"_id": existing[k], **values} for k, values in wanted.items()
                if k in existing and tuple(sorted(values)) == column_set]
        session.execute(update(table).where(table.c.id == bindparam("_id"))
                        .values({c: bindparam(c) for c in column_set}), rows,
                        execution_options={"synchronize_session": False})
    if new:
        full = [{c: row.get(c) for c in (key, "name", "attributes", *columns)} for row in new]
        for row in full:
            row["name"] = row["name"] or ""
        bulk_insert(session, table, full)


def _update_edges(session: Session, versions: Mapping[int, list[Description]], ids: Mapping[str, int],
                  record_time: datetime) -> None:
    """Open ``child_of`` edges for the children the parents' current versions list; close the others."""
    edges = Edge.__table__
    parents = sorted(versions)
    wanted = {(ids[child], parent) for parent, found in versions.items() for d in found for child in d.children}
    open_edges: dict[tuple[int, int], int] = {}
    for chunk in chunks(parents):
        for edge_id, src, dst in session.execute(
                select(edges.c.id, edges.c.src, edges.c.dst)
                .where(edges.c.kind == EdgeKind.CHILD_OF, edges.c.dst.in_(chunk), edges.c.valid_to.is_(None))):
            open_edges[(src, dst)] = edge_id
    stale = [edge_id for pair, edge_id in open_edges.items() if pair not in wanted]
    for chunk in chunks(stale):
        session.execute(update(edges).where(edges.c.id.in_(chunk)).values(valid_to=record_time))
    rows = [{"kind": EdgeKind.CHILD_OF, "src": src, "dst": dst, "valid_from": record_time, "valid_to": None,
             "event_id": None, "closed_by": None, "quantity": None, "uom": None, "mass_kg": None, "retracted": False}
            for src, dst in sorted(wanted - open_edges.keys())]
    bulk_insert(session, edges, rows)


# --- reading -------------------------------------------------------------------------------


@dataclass
class Version:
    """One stored description: its type, interval, attributes and children."""

    vtype: str
    valid_from: datetime
    valid_to: datetime | None
    attributes: list[dict[str, Any]]
    children: list[str]

    def name(self) -> str | None:
        """The CBV ``name`` attribute, if this version gives one."""
        value = Description(self.vtype, "", self.attributes).mapped().get("name")
        return value if isinstance(value, str) else None


def versions_of(session: Session, node_ids: Iterable[int]) -> dict[int, list[Version]]:
    """Every stored version of the nodes, oldest first (one query per chunk of nodes)."""
    table = MasterDataVersion.__table__
    out: dict[int, list[Version]] = {}
    for chunk in chunks(sorted(set(node_ids))):
        for node_id, vtype, valid_from, valid_to, attributes, children in session.execute(
                select(table.c.node_id, table.c.vtype, table.c.valid_from, table.c.valid_to, table.c.attributes,
                       table.c.children).where(table.c.node_id.in_(chunk))
                .order_by(table.c.node_id, table.c.valid_from, table.c.id)):
            out.setdefault(node_id, []).append(Version(vtype, valid_from, valid_to, attributes, children))
    return out


def name_at(versions: Sequence[Version], moment: datetime | None) -> str | None:
    """The name the versions gave at ``moment``: the version current then, else the earliest later one.

    A place described only after its events were captured is still named by that description;
    one renamed later keeps, for the events before, the name it had then.
    """
    named = sorted((v for v in versions if v.name()), key=lambda v: (_PRECEDENCE.get(v.vtype, 2), v.valid_from))
    if not named:
        return None
    if moment is not None:
        for v in named:
            if v.valid_from <= moment and (v.valid_to is None or moment < v.valid_to):
                return v.name()
    later = [v for v in named if moment is None or v.valid_from > moment]
    chosen = min(later, key=lambda v: v.valid_from) if later else max(named, key=lambda v: v.valid_from)
    return chosen.name()


def place_names(session: Session, places: Iterable[tuple[str, datetime | None]]) -> dict[tuple[str, datetime | None], str]:
    """Name each (place identifier, time): master data valid at that time, else the locations row's name.

    Two queries for any number of places. Places without a name are left out.
    """
    wanted = list(set(places))
    identifiers = sorted({identifier for identifier, _ in wanted})
    if not identifiers:
        return {}
    nodes, locations = Node.__table__, Location.__table__
    ids: dict[str, int] = {}
    row_names: dict[str, str] = {}
    for chunk in chunks(identifiers):
        for identifier, node_id, name in session.execute(
                select(nodes.c.identifier, nodes.c.id, locations.c.name)
                .outerjoin(locations, locations.c.node_id == nodes.c.id).where(nodes.c.identifier.in_(chunk))):
            ids[identifier] = node_id
            if name:
                row_names[identifier] = name
    history = versions_of(session, ids.values())
    out: dict[tuple[str, datetime | None], str] = {}
    for identifier, moment in wanted:
        name = name_at(history.get(ids.get(identifier, -1), []), moment) or row_names.get(identifier)
        if name:
            out[(identifier, moment)] = name
    return out
