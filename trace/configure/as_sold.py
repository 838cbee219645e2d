"""As sold: the configuration each unit was sold with, by its active allocation's order line."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.bulk import chunks
from cradletrace.lifecycle.common import instance_ids
from cradletrace.models import Allocation, Configuration, Line, Node


def configuration_of_units(session: Session, units: Iterable[str]) -> dict[str, Configuration]:
    """``{unit: configuration}`` of the units (any identifier form) allocated to a configured order line.

    A unit counts by its active allocation (a returned or cancelled one has none); units that have
    none, or whose line sells no configuration, are left out. Keys are canonical identifiers. One
    query per 5,000 units.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> upgrade("sqlite:///doctest.db")
    >>> with Session(create_db_engine("sqlite:///doctest.db")) as session:
    ...     configuration_of_units(session, ["(01)09506000134352(21)P1"])
    {}
    """
    found: dict[str, Configuration] = {}
    for chunk in chunks(instance_ids(list(units))):
        found.update((identifier, conf) for identifier, conf in session.execute(
            select(Node.identifier, Configuration)
            .join(Allocation, Allocation.object_id == Node.id)
            .join(Line, Line.id == Allocation.line_id)
            .join(Configuration, Configuration.id == Line.configuration_id)
            .where(Node.identifier.in_(chunk), Allocation.active, Allocation.serialized)))
    return found
