"""As sold: the configuration each unit was sold with, by its active allocation's order line; the units sold with
a configuration, each checked against it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.bulk import chunks
from cradletrace.findings.configuration import UnitCheck, unit_checks
from cradletrace.lifecycle.common import instance_ids
from cradletrace.models import Allocation, Configuration, Document, Line, Node, Product


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


@dataclass(frozen=True)
class SoldUnit:
    """A unit sold with a configuration: its order line, and how it was checked against the configuration
    (:func:`cradletrace.findings.configuration.unit_checks`; ``None`` when the check has nothing on it)."""

    identifier: str
    order: str
    line_no: int
    check: UnitCheck | None

    @property
    def verdict(self) -> str:
        """``differs`` (a finding), ``as sold`` (built as configured, and kept so) or ``not built`` (no build
        recorded)."""
        if self.check is None or not self.check.built:
            return "not built"
        return "differs" if self.check.differs else "as sold"


@dataclass(frozen=True)
class UnitsSold:
    """The units sold with one configuration, each checked, and the names of the products the checks name."""

    units: tuple[SoldUnit, ...]
    names: dict[str, str]

    @property
    def mismatched(self) -> int:
        """How many differ from the configuration, as built or after a change."""
        return sum(1 for u in self.units if u.verdict == "differs")


def units_sold(session: Session, configuration: int) -> UnitsSold:
    """The units allocated (actively) to order lines selling ``configuration``, each checked as built and as
    maintained against it by the ``configuration_mismatch`` finding's own check: five queries at most
    (the units, the finding's three over every configured unit, the names).
    """
    sold = session.execute(
        select(Node.identifier, Document.number, Line.line_no).select_from(Allocation)
        .join(Line, Line.id == Allocation.line_id).join(Document, Document.id == Line.document_id)
        .join(Node, Node.id == Allocation.object_id)
        .where(Line.configuration_id == configuration, Allocation.active, Allocation.serialized)
        .order_by(Node.identifier)).all()
    checks = {c.unit: c for c in unit_checks(session) if c.configuration_id == configuration} if sold else {}
    gtins = {g for c in checks.values() for m in c.moments for g in (*m.differences, *m.actual, *c.expected)}
    names = dict(session.execute(select(Product.gtin, Product.name).where(Product.gtin.in_(gtins))).all()) \
        if gtins else {}
    return UnitsSold(tuple(SoldUnit(identifier, order, line_no, checks.get(identifier))
                           for identifier, order, line_no in sold), names)
