"""Mass-balance check: a lot drawn on for more than was registered into it (CC-10).

Masses are compared in kilograms whatever mass unit each quantity was given in
(:mod:`cradletrace.units`); other units are compared in their own unit.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import case, func, literal_column, select
from sqlalchemy.orm import Session

from cradletrace.findings.base import Check, Finding, _aliases, _commissioning, _live
from cradletrace.models import NodeKind, ObjectRole
from cradletrace.units import KG_PER_UOM

LOT_OVERDRAWN = "lot_overdrawn"

MASS_BALANCE_TOLERANCE = 0.005


def _lot_overdrawn(session: Session, tol: float) -> list[Finding]:
    def _mass_unit(uom: str | None) -> str | None:
        return "KGM" if uom in KG_PER_UOM else uom  # masses are balanced in kilograms

    events, objects, nodes = _aliases()
    produced = _commissioning(events, objects)
    sign = case((objects.c.role == ObjectRole.INPUT, literal_column("-1")), (produced, literal_column("1")),
                else_=literal_column("0"))
    signed = (
        select(nodes.c.identifier.label("identifier"), objects.c.uom.label("uom"), sign.label("sign"),
               objects.c.quantity.label("quantity"), events.c.id.label("seq"), events.c.event_id.label("event_id"))
        .select_from(objects.join(events, events.c.id == objects.c.event_id).join(nodes, nodes.c.id == objects.c.node_id))
        .where(_live(events), nodes.c.kind == NodeKind.LOT, objects.c.quantity.is_not(None))
        .subquery("signed")
    )
    rows = session.execute(
        select(signed.c.identifier, signed.c.uom, signed.c.sign, func.sum(signed.c.quantity))
        .group_by(signed.c.identifier, signed.c.uom, signed.c.sign)
        .order_by(signed.c.identifier)
    ).all()
    totals: dict[tuple[str, str | None], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for ident, uom, factor, amount in rows:
        value = amount * KG_PER_UOM[uom] if uom in KG_PER_UOM else amount
        if factor > 0:
            totals[ident, _mass_unit(uom)][0] += value
        elif factor < 0:
            totals[ident, _mass_unit(uom)][1] += value
    overdrawn = {key: made_drawn for key, made_drawn in totals.items()
                 if made_drawn[1] > made_drawn[0] * (1 + MASS_BALANCE_TOLERANCE) + 1e-9}
    # The events behind each overdrawn balance: what registered the lot and what consumed it, in log
    # order (one statement for every overdrawn lot).
    involved: dict[tuple[str, str | None], dict[str, None]] = defaultdict(dict)  # an ordered set
    if overdrawn:
        for ident, uom, event_id in session.execute(
            select(signed.c.identifier, signed.c.uom, signed.c.event_id)
            .where(signed.c.identifier.in_(sorted({ident for ident, _uom in overdrawn})), signed.c.sign != 0)
            .group_by(signed.c.identifier, signed.c.uom, signed.c.event_id)
            .order_by(func.min(signed.c.seq))
        ):
            involved[ident, _mass_unit(uom)][event_id] = None
    return [Finding(LOT_OVERDRAWN, "CC-10", "error", [ident], list(involved[ident, uom]),
                    f"lot {ident}: {drawn:g} {uom or ''} consumed of {made:g} registered".replace("  ", " "),
                    {"registered": made, "consumed": drawn, "uom": uom})
            for (ident, uom), (made, drawn) in overdrawn.items()]


CHECKS: dict[str, Check] = {LOT_OVERDRAWN: _lot_overdrawn}
