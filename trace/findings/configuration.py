"""Configuration check: a unit whose composition differs from the configuration it was sold with (CC-12).

As sold against as built, and as maintained. The definitions (docs/quote-to-cash.md, "Configure"):

* **Which units.** Serialized units with an active allocation to an order line that carries a
  configuration (``commerce_lines.configuration_id``). The expected composition is that
  configuration's bill-of-materials snapshot, ``{GTIN: quantity}``.
* **Composition.** One level: what went directly into the unit, from the lineage edges into it
  (not retracted; a part fitted and removed at the same instant never counts). A *part* is a
  serialized component: a ``part_of`` child open at the moment, or a unit consumed into it
  (``input_of`` from a unit); parts are counted per GTIN. A *material* is a lot (or a class of
  product) drawn into it (``input_of``), per GTIN, compared by presence: its quantities are masses
  shared out by the work order, not a count. Sub-assemblies are one part; what is inside them is
  their own bill of materials. Lots of a GTIN that the model's catalogue never names (glue, solder,
  process materials) are outside the comparison; a serialized part is always inside it.
* **Comparison.** For each GTIN of the bill of materials or of the composition: a material drawn
  (and no part of that GTIN fitted) conforms when the bill of materials calls for that GTIN; otherwise
  the number of parts fitted must equal the quantity it calls for (a BOM line of 2 expects two parts).
* **Moments.** *As built*: right after the last ``commissioning`` or ``assembling`` event that put
  something into the unit (failing one, its first edge); then *as maintained*: right after each later
  change (a part fitted, removed or swapped, a material drawn). A unit with no edge into it has no
  recorded build and is not checked. A moment is reported when the composition then differs from the
  configuration, and differs otherwise than at the moment before (a wrong build carried through a
  later unrelated swap is one report, at the build).

One finding per unit, naming the unit, the expected and the actual composition at each reported
moment, and the events involved: the building events for *as built*, the events that opened or
closed an edge at the moment for a change. Three queries for every unit, whatever their number
(and one for the names of the products the findings name).
:func:`unit_checks` gives every checked unit, conforming or not (the mismatch-rate KPI of
:mod:`cradletrace.configure.as_built` counts them); the check reports those that differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from cradletrace.findings.base import Check, Finding, _aliases
from cradletrace.models import (
    Allocation,
    ConfigComponent,
    Configuration,
    Document,
    Edge,
    EdgeKind,
    Line,
    Lot,
    NodeKind,
    Product,
    Unit,
)
from cradletrace.units import in_amount_unit, plain

CONFIGURATION_MISMATCH = "configuration_mismatch"

BUILD_STEPS = frozenset({"commissioning", "assembling"})
"""The bizSteps of events that build a unit: the as-built moment is right after the last of them."""

AS_BUILT, AS_MAINTAINED = "as_built", "as_maintained"


@dataclass(frozen=True)
class Fitted:
    """One lineage edge into a unit: a part fitted (``part_of``), or a lot or unit drawn into it (``input_of``)."""

    identifier: str
    product: str
    """The GTIN of the part or lot (the identifier itself when it has none)."""
    material: bool
    """A lot or product class, compared by presence; else a serialized part, counted."""
    valid_from: datetime | None
    valid_to: datetime | None
    quantity: Decimal | None
    opened_by: str | None
    opened_step: str | None
    closed_by: str | None

    def inside_at(self, at: datetime) -> bool:
        """Whether the edge holds right after the events at ``at``: opened by then, not closed by then."""
        opened = self.valid_from is None or self.valid_from <= at
        return opened and (self.material or self.valid_to is None or self.valid_to > at)


@dataclass(frozen=True)
class Moment:
    """The unit's composition at one moment, and how it differs from the configuration."""

    moment: str
    """``as_built`` or ``as_maintained``."""
    at: datetime
    actual: dict[str, Decimal]
    """Parts counted and materials drawn (their quantity, kilograms for a mass), per GTIN."""
    differences: dict[str, tuple[Decimal, Decimal]]
    """``{GTIN: (expected, actual)}`` of what does not conform."""
    event_ids: tuple[str, ...]


@dataclass(frozen=True)
class UnitCheck:
    """A unit sold configured, checked at its as-built moment and after each later change."""

    unit: str
    configuration_id: int
    order: str
    line_no: int
    expected: dict[str, Decimal]
    moments: tuple[Moment, ...]
    """Every moment checked, in time order; empty when the unit has no recorded build."""

    @property
    def built(self) -> bool:
        """A build is recorded, so the unit was checked."""
        return bool(self.moments)

    @property
    def built_differs(self) -> bool:
        """The unit as built differs from its configuration."""
        return bool(self.moments and self.moments[0].differences)

    @property
    def differs(self) -> bool:
        """The unit differs from its configuration at some moment, as built or after a change."""
        return bool(self.reported)

    @property
    def reported(self) -> tuple[Moment, ...]:
        """The moments that differ, and differ otherwise than the moment before."""
        out, before = [], {}
        for m in self.moments:
            if m.differences and m.differences != before:
                out.append(m)
            before = m.differences
        return tuple(out)


def bom_quantities(bom: Iterable[Mapping[str, Any]] | None) -> dict[str, Decimal]:
    """A configuration's bill-of-materials snapshot as ``{GTIN: quantity}`` (rows of one GTIN added up).

    Examples
    --------
    >>> bom_quantities([{"gtin": "09506000134376", "quantity": "2"}, {"gtin": "09506000134383", "quantity": "0.5"}])
    {'09506000134376': Decimal('2'), '09506000134383': Decimal('0.5')}
    """
    out: dict[str, Decimal] = {}
    for row in bom or ():
        out[row["gtin"]] = out.get(row["gtin"], Decimal(0)) + Decimal(str(row["quantity"]))
    return out


def differences(expected: Mapping[str, Decimal], parts: Mapping[str, int],
                materials: Mapping[str, Decimal]) -> dict[str, tuple[Decimal, Decimal]]:
    """``{GTIN: (expected, actual)}`` for every GTIN whose parts or materials do not conform to ``expected``.

    Parts must number what the bill of materials says; a material drawn conforms when the bill of
    materials calls for its GTIN at all (presence: its quantity is a mass).

    Examples
    --------
    Two modules expected, one fitted; a 5 kWh module fitted that is not called for; 0.4 kg of
    LFP cathode drawn where 0.35 is called for (present: conforms):

    >>> expected = {"MOD10": Decimal(2), "LFP": Decimal("0.35")}
    >>> differences(expected, {"MOD10": 1, "MOD5": 1}, {"LFP": Decimal("0.4")})
    {'MOD10': (Decimal('2'), Decimal('1')), 'MOD5': (Decimal('0'), Decimal('1'))}
    >>> differences(expected, {"MOD10": 2}, {})
    {'LFP': (Decimal('0.35'), Decimal('0'))}
    """
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for gtin in dict.fromkeys([*expected, *parts, *materials]):
        want = expected.get(gtin, Decimal(0))
        if gtin in materials and not parts.get(gtin):
            if want <= 0:
                out[gtin] = (want, materials[gtin])
        elif Decimal(parts.get(gtin, 0)) != want:
            out[gtin] = (want, Decimal(parts.get(gtin, 0)))
    return out


def moments(fitted: Sequence[Fitted]) -> list[tuple[str, datetime, tuple[str, ...]]]:
    """The moments to check a unit at, each with the events involved: as built, then after each later change.

    Examples
    --------
    Built from a lot at 8:00 and two parts assembled at 9:00; one part swapped at 12:00:

    >>> t = lambda h: datetime(2026, 3, 2, h)
    >>> f = [Fitted("L", "LOT", True, t(8), None, Decimal(1), "E1", "commissioning", None),
    ...      Fitted("P1", "MOD", False, t(9), t(12), None, "E2", "assembling", "E3"),
    ...      Fitted("P2", "MOD", False, t(9), None, None, "E2", "assembling", None),
    ...      Fitted("P3", "MOD", False, t(12), None, None, "E4", "replacing", None)]
    >>> [(m, at.hour, events) for m, at, events in moments(f)]
    [('as_built', 9, ('E1', 'E2')), ('as_maintained', 12, ('E3', 'E4'))]
    """
    # Stable sorts: events at one time stay in the order their edges were written (capture order).
    opened = sorted((f for f in fitted if f.valid_from is not None), key=lambda f: f.valid_from or datetime.min)
    if not opened:
        return []
    builds = [f.valid_from for f in opened if f.opened_step in BUILD_STEPS]
    built = max(builds) if builds else opened[0].valid_from
    assert built is not None
    # The building events: whatever opened or closed an edge into the unit up to then (rework included).
    steps = sorted([(f.valid_to, 0, f.closed_by) for f in fitted if f.valid_to is not None and f.valid_to <= built]
                   + [(f.valid_from, 1, f.opened_by) for f in opened if f.valid_from and f.valid_from <= built],
                   key=lambda step: step[:2])
    out = [(AS_BUILT, built, _once(event for _at, _order, event in steps))]
    changes = sorted({t for f in fitted for t in (f.valid_from, f.valid_to) if t is not None and t > built})
    for at in changes:
        # What came out, then what went in: a swap reads as removing, then replacing.
        out.append((AS_MAINTAINED, at, _once([*(f.closed_by for f in fitted if f.valid_to == at),
                                               *(f.opened_by for f in opened if f.valid_from == at)])))
    return out


def composition_at(fitted: Iterable[Fitted], at: datetime,
                   scope: Iterable[str]) -> tuple[dict[str, int], dict[str, Decimal]]:
    """Parts counted and materials drawn per GTIN right after ``at``; materials only of the GTINs in ``scope``.

    Examples
    --------
    >>> t = lambda h: datetime(2026, 3, 2, h)
    >>> f = [Fitted("L", "LFP", True, t(8), None, Decimal("0.4"), "E1", "commissioning", None),
    ...      Fitted("G", "GLUE", True, t(8), None, Decimal("0.01"), "E1", "commissioning", None),
    ...      Fitted("P1", "MOD", False, t(9), t(12), None, "E2", "assembling", "E3")]
    >>> composition_at(f, t(9), {"LFP", "MOD"}), composition_at(f, t(12), {"LFP"})
    (({'MOD': 1}, {'LFP': Decimal('0.4')}), ({}, {'LFP': Decimal('0.4')}))
    """
    wanted = set(scope)
    parts: dict[str, int] = {}
    materials: dict[str, Decimal] = {}
    for f in fitted:
        if not f.inside_at(at):
            continue
        if not f.material:
            parts[f.product] = parts.get(f.product, 0) + 1
        elif f.product in wanted:
            materials[f.product] = materials.get(f.product, Decimal(0)) + (f.quantity or Decimal(0))
    return parts, materials


def check_unit(unit: str, configuration_id: int, order: str, line_no: int, expected: dict[str, Decimal],
               fitted: Sequence[Fitted], catalogue: Iterable[str]) -> UnitCheck:
    """Compare one unit with its configuration at every moment (pure)."""
    scope = {*expected, *catalogue}
    checked = []
    for kind, at, events in moments(fitted):
        parts, materials = composition_at(fitted, at, scope)
        actual = {**{g: Decimal(n) for g, n in parts.items()}, **{g: q for g, q in materials.items() if g not in parts}}
        checked.append(Moment(kind, at, actual, differences(expected, parts, materials), events))
    return UnitCheck(unit, configuration_id, order, line_no, expected, tuple(checked))


def unit_checks(session: Session) -> list[UnitCheck]:
    """Every unit allocated to a configured order line, checked: three queries for all of them."""
    allocations, lines, configurations, documents = (Allocation.__table__, Line.__table__, Configuration.__table__,
                                                     Document.__table__)
    events, _objects, nodes = _aliases()
    configured = and_(allocations.c.active, allocations.c.serialized, lines.c.configuration_id.is_not(None))
    sold = session.execute(
        select(allocations.c.object_id, nodes.c.identifier, configurations.c.id, configurations.c.bom,
               configurations.c.model_id, documents.c.number, lines.c.line_no)
        .select_from(allocations.join(lines, lines.c.id == allocations.c.line_id)
                     .join(configurations, configurations.c.id == lines.c.configuration_id)
                     .join(documents, documents.c.id == lines.c.document_id)
                     .join(nodes, nodes.c.id == allocations.c.object_id))
        .where(configured).order_by(nodes.c.identifier)).all()
    if not sold:
        return []
    units = select(allocations.c.object_id).select_from(allocations.join(lines, lines.c.id == allocations.c.line_id)) \
        .where(configured)
    fitted = _fitted(session, units)
    catalogue: dict[int, set[str]] = {}
    for model_id, gtin in session.execute(
            select(ConfigComponent.model_id, Product.gtin).join(Product, Product.id == ConfigComponent.product_id)
            .where(ConfigComponent.model_id.in_(select(configurations.c.model_id).select_from(
                configurations.join(lines, lines.c.configuration_id == configurations.c.id)
                .join(allocations, allocations.c.line_id == lines.c.id)).where(configured)))):
        catalogue.setdefault(model_id, set()).add(gtin)
    return [check_unit(identifier, configuration_id, number, line_no, bom_quantities(bom), fitted.get(node_id, []),
                       catalogue.get(model_id, ()))
            for node_id, identifier, configuration_id, bom, model_id, number, line_no in sold]


def _fitted(session: Session, units: Any) -> dict[int, list[Fitted]]:
    edges = Edge.__table__
    events, _objects, nodes = _aliases()
    opened, closed = events.alias("opened"), events.alias("closed")
    unit_rows, lot_rows = Unit.__table__, Lot.__table__
    rows = session.execute(
        select(edges.c.dst, nodes.c.identifier, nodes.c.kind, func.coalesce(unit_rows.c.gtin, lot_rows.c.gtin),
               edges.c.kind, edges.c.valid_from, edges.c.valid_to, edges.c.quantity, edges.c.uom,
               opened.c.event_id, opened.c.biz_step, closed.c.event_id)
        .select_from(edges.join(nodes, nodes.c.id == edges.c.src)
                     .outerjoin(unit_rows, unit_rows.c.node_id == edges.c.src)
                     .outerjoin(lot_rows, lot_rows.c.node_id == edges.c.src)
                     .outerjoin(opened, opened.c.id == edges.c.event_id)
                     .outerjoin(closed, closed.c.id == edges.c.closed_by))
        .where(edges.c.dst.in_(units), edges.c.kind.in_([EdgeKind.PART_OF, EdgeKind.INPUT_OF]),
               edges.c.retracted.is_(False),
               or_(edges.c.valid_to.is_(None), edges.c.valid_from.is_(None), edges.c.valid_to > edges.c.valid_from),
               or_(opened.c.id.is_(None), and_(opened.c.retracted_by.is_(None), opened.c.declares_error.is_(False))))
        .order_by(edges.c.dst, edges.c.valid_from, edges.c.id)).all()
    out: dict[int, list[Fitted]] = {}
    for dst, identifier, kind, gtin, edge_kind, valid_from, valid_to, quantity, uom, opened_by, step, closed_by in rows:
        material = edge_kind is EdgeKind.INPUT_OF and kind in (NodeKind.LOT, NodeKind.PRODUCT)
        product = gtin or (identifier.rsplit("/", 1)[-1] if kind is NodeKind.PRODUCT else identifier)
        # Rounded to 9 places: the unit conversion is in floats (0.62 would print as 0.6200000000000001).
        amount = Decimal(str(round(in_amount_unit(quantity, uom), 9))) if quantity is not None else None
        out.setdefault(dst, []).append(Fitted(identifier, product, material, valid_from,
                                              None if edge_kind is EdgeKind.INPUT_OF else valid_to, amount,
                                              opened_by, step, closed_by))
    return out


def finding(check: UnitCheck, names: Mapping[str, str] | None = None) -> Finding:
    """The finding of a unit that differs from its configuration; ``names`` gives products' names by GTIN.

    Examples
    --------
    >>> at = datetime(2026, 3, 4, 10)
    >>> wrong = {"HV": (Decimal(1), Decimal(0)), "LV": (Decimal(0), Decimal(1))}
    >>> moment = Moment(AS_BUILT, at, {"LV": Decimal(1)}, wrong, ("E1",))
    >>> f = finding(UnitCheck("U2", 7, "SO-1", 1, {"HV": Decimal(1)}, (moment,)), {"HV": "HV connector"})
    >>> print(f.message)
    U2 differs from its configuration 7 (order SO-1 line 1): as built 2026-03-04 10:00,
    HV connector (HV) 1 expected 0 found, LV 0 expected 1 found
    >>> f.event_ids, f.detail["moments"][0]["differences"]["HV"]
    (['E1'], {'expected': '1', 'actual': '0'})
    """
    names = names or {}
    reported = check.reported

    def product(gtin: str) -> str:
        return f"{names[gtin]} ({gtin})" if gtin in names else gtin

    def told(m: Moment) -> str:
        wrong = ", ".join(f"{product(g)} {plain(e)} expected {plain(a)} found" for g, (e, a) in m.differences.items())
        return f"{'as built' if m.moment == AS_BUILT else 'after a change'} {m.at:%Y-%m-%d %H:%M}, {wrong}"

    said = "; ".join(told(m) for m in reported)
    return Finding(
        CONFIGURATION_MISMATCH, "CC-12", "warn", [check.unit], list(_once(e for m in reported for e in m.event_ids)),
        f"{check.unit} differs from its configuration {check.configuration_id} (order {check.order} line "
        f"{check.line_no}): {said}",
        {"configuration_id": check.configuration_id, "order": check.order, "line": check.line_no,
         "expected": _quantities(check.expected),
         "moments": [{"moment": m.moment, "at": m.at.isoformat(), "actual": _quantities(m.actual),
                      "differences": {g: {"expected": plain(e), "actual": plain(a)}
                                      for g, (e, a) in m.differences.items()},
                      "event_ids": list(m.event_ids)} for m in reported]})


def _configuration_mismatch(session: Session, tol: float) -> list[Finding]:
    differ = [c for c in unit_checks(session) if c.differs]
    gtins = {g for c in differ for m in c.reported for g in m.differences}
    names = dict(session.execute(select(Product.gtin, Product.name).where(Product.gtin.in_(gtins))).all()
                 if gtins else [])
    return [finding(c, names) for c in differ]


def _quantities(values: Mapping[str, Decimal]) -> dict[str, str]:
    return {gtin: plain(q) for gtin, q in values.items()}


def _once(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v is not None))


CHECKS: dict[str, Check] = {CONFIGURATION_MISMATCH: _configuration_mismatch}
