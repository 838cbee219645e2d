"""Master data: products, parties and locations.

They describe things rather than record lifecycle actions, so they are written
directly (not through capture). Each function creates the row or updates the
existing one, flushes, and never commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.errors import NotFound
from cradletrace.lifecycle.common import instance_id
from cradletrace.models import Location, Party, Product
from cradletrace.nodemap import NodeMap


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
    gtin = str(gtin).zfill(14)
    product = session.scalar(select(Product).where(Product.gtin == gtin))
    if product is None:
        product = Product(gtin=gtin, name=name, attributes={})
        session.add(product)
    product.name = name
    if mass_kg is not None:
        product.mass_kg = mass_kg
    if description is not None:
        product.description = description
    if attributes:
        product.attributes = {**(product.attributes or {}), **attributes}
    session.flush()
    return product


def _node_id(session: Session, identifier: str) -> int:
    return NodeMap(session).resolve([identifier])[identifier]


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
    found = session.scalar(select(Party).where(Party.node_id == node_id))
    if found is None:
        found = Party(node_id=node_id, name=name, attributes={})
        session.add(found)
    found.name = name
    if country is not None:
        found.country = country
    if attributes:
        found.attributes = {**(found.attributes or {}), **attributes}
    session.flush()
    return found


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
    found = session.scalar(select(Location).where(Location.node_id == node_id))
    if found is None:
        found = Location(node_id=node_id, name=name, attributes={})
        session.add(found)
    found.name = name
    if party_id is not None:
        found.party_id = party_id
    if country is not None:
        found.country = country
    if attributes:
        found.attributes = {**(found.attributes or {}), **attributes}
    session.flush()
    return found
