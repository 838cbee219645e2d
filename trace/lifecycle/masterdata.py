"""Master data: products, parties and locations.

They describe things rather than record lifecycle actions, so they are written
directly (not through capture). Each function creates the row or updates the
existing one, flushes, and never commits. They write the same rows that EPCIS master
data captured from partners sets (:mod:`cradletrace.log.masterdata`), keyed by the same
node or GTIN, so a place a service created and one a partner described are one row;
:func:`describe` shows both, with the master-data history and hierarchy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.errors import NotFound
from cradletrace.identifiers import gtin14, key_pairs
from cradletrace.lifecycle.common import class_id, instance_id
from cradletrace.lineage.resolve import resolve
from cradletrace.log.masterdata import versions_of
from cradletrace.models import Edge, EdgeKind, Location, Node, Party, Product
from cradletrace.projections.nodemap import node_ids


def add_product(
    session: Session,
    gtin: str,
    name: str,
    *,
    mass_kg: float | None = None,
    description: str | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> Product:
    """Create or update a product (trade item class) by GTIN; ``attributes`` are merged.

    Raises
    ------
    InvalidIdentifier
        If ``gtin`` is not a GTIN-8, -12, -13 or -14 with a valid check digit.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> upgrade("sqlite:///doctest.db")
    >>> session = Session(create_db_engine("sqlite:///doctest.db"))
    >>> add_product(session, "9506000134352", "Battery pack 48 V", mass_kg=12.5).gtin
    '09506000134352'
    >>> session.rollback()
    """
    return _save(session, Product, {"gtin": gtin14(gtin, where="product")}, name=name, attributes=attributes,
                 mass_kg=mass_kg, description=description)


def product_ids(session: Session, products: Iterable[str | int]) -> dict[str | int, int]:
    """``products.id`` of products given by id or GTIN (digits, Digital Link, element string): one query.

    Raises
    ------
    NotFound
        For a GTIN that is not a product.
    """
    wanted = list(dict.fromkeys(products))
    gtins = {}
    for p in wanted:
        if not isinstance(p, int):
            text = str(p).strip()
            gtins[p] = text.zfill(14) if text.isdigit() else class_id(text).rsplit("/", 1)[-1]
    found = dict(session.execute(select(Product.gtin, Product.id).where(Product.gtin.in_(set(gtins.values())))).all())
    result: dict[str | int, int] = {}
    for p in wanted:
        if isinstance(p, int):
            result[p] = p
        elif gtins[p] in found:
            result[p] = found[gtins[p]]
        else:
            raise NotFound(f"no product with GTIN {gtins[p]} (add it with cradletrace.lifecycle.add_product)",
                           where="product")
    return result


_Record = TypeVar("_Record", Product, Party, Location)


def _save(session: Session, model: type[_Record], key: dict[str, Any], *, name: str,
          attributes: Mapping[str, Any] | None, **fields: Any) -> _Record:
    """Create or update one master-data record: set its name and the fields given (None leaves a field
    as it is), merge its attributes, flush."""
    column = getattr(model, next(iter(key)))
    record = session.scalar(select(model).where(column == next(iter(key.values()))))
    if record is None:
        record = model(**key, name=name, attributes={})
        session.add(record)
    record.name = name
    for field_name, value in fields.items():
        if value is not None:
            setattr(record, field_name, value)
    if attributes:
        record.attributes = {**(record.attributes or {}), **attributes}
    session.flush()
    return record


def _node_id(session: Session, identifier: str) -> int:
    return node_ids(session, [identifier])[identifier]


def add_party(
    session: Session,
    identifier: str,
    name: str,
    *,
    country: str | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> Party:
    """Create or update a party (supplier, manufacturer, customer, recycler) by its identifier (``/417/`` GLN)."""
    node_id = _node_id(session, instance_id(identifier))
    return _save(session, Party, {"node_id": node_id}, name=name, attributes=attributes, country=country)


def add_location(
    session: Session,
    identifier: str,
    name: str,
    *,
    party: str | None = None,
    country: str | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> Location:
    """Create or update a location (``/414/`` GLN, optional extension), optionally run by a known party.

    Raises
    ------
    NotFound
        If ``party`` is given but not registered with :func:`add_party`.
    """
    node_id = _node_id(session, instance_id(identifier))
    party_id = None
    if party is not None:
        party_node = _node_id(session, instance_id(party))
        party_id = session.scalar(select(Party.id).where(Party.node_id == party_node))
        if party_id is None:
            raise NotFound(f"party {instance_id(party)} is not registered")
    return _save(session, Location, {"node_id": node_id}, name=name, attributes=attributes, party_id=party_id,
                 country=country)


_ROW_COLUMNS = {
    "location": ("name", "country", "street_address", "city", "postal_code", "state", "latitude", "longitude",
                 "site", "sst", "ssa", "sdt", "ssd"),
    "party": ("name", "country"),
    "product": ("gtin", "name", "description", "net_content", "country_of_origin", "mass_kg"),
}


def describe(session: Session, identifier: str) -> dict[str, Any]:
    """Everything known about one place, party or product: its row, its master data and its history, its hierarchy.

    ``identifier`` may be in any form (EPC URN, Digital Link, element string, URI). Returns
    ``{"identifier", "kind", "location"|"party"|"product": {columns} or absent, "current":
    [versions], "history": [closed versions], "parents": [...], "children": [...]}``; each
    version is ``{"vtype", "valid_from", "valid_to", "attributes", "children"}``. The
    hierarchy is the open ``child_of`` edges.

    Raises
    ------
    NotFound
        For an identifier that no event, master data or service has named.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> upgrade("sqlite:///doctest.db")
    >>> session = Session(create_db_engine("sqlite:///doctest.db"))
    >>> _ = add_location(session, "urn:epc:id:sgln:9506000.00001.0", "Plant 1", country="DE")
    >>> info = describe(session, "urn:epc:id:sgln:9506000.00001.0")
    >>> info["identifier"], info["location"]["name"], info["location"]["country"], info["current"]
    ('https://id.gs1.org/414/9506000000015', 'Plant 1', 'DE', [])
    >>> session.rollback()
    """
    node = resolve(session, identifier)
    out: dict[str, Any] = {"identifier": node.identifier, "kind": node.kind}
    rows: list[tuple[str, Any, Any]] = [("location", Location, Location.node_id == node.id),
                                        ("party", Party, Party.node_id == node.id)]
    path = key_pairs(node.identifier)
    if path is not None and len(path) == 1 and path[0][0] == "01":
        rows.append(("product", Product, Product.gtin == path[0][1]))
    for name, model, condition in rows:
        record = session.scalar(select(model).where(condition))
        if record is not None:
            out[name] = {c: getattr(record, c) for c in _ROW_COLUMNS[name]}
            out[name]["attributes"] = record.attributes or {}
    versions = [{"vtype": v.vtype, "valid_from": v.valid_from, "valid_to": v.valid_to, "attributes": v.attributes,
                 "children": v.children} for v in versions_of(session, [node.id]).get(node.id, [])]
    out["current"] = [v for v in versions if v["valid_to"] is None]
    out["history"] = [v for v in versions if v["valid_to"] is not None]
    edges, nodes = Edge.__table__, Node.__table__
    for key, mine, other in (("parents", edges.c.src, edges.c.dst), ("children", edges.c.dst, edges.c.src)):
        out[key] = list(session.scalars(
            select(nodes.c.identifier).join(edges, other == nodes.c.id)
            .where(edges.c.kind == EdgeKind.CHILD_OF, mine == node.id, edges.c.valid_to.is_(None))
            .order_by(nodes.c.identifier)))
    return out
