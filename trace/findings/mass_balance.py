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
    events, objects, nodes = _aliases()
    produced = _commissioning(events, objects)
    sign = case((objects.c.role == ObjectRole.INPUT, literal_column("-1")), (produced, literal_column("1")),
                else_=literal_column("0"))
    signed = (
        select(nodes.c.identifier.label("identifier"), objects.c.uom.label("uom"), sign.label("sign"),
               objects.c.quantity.label("quantity"))
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
        key = (ident, "KGM" if uom in KG_PER_UOM else uom)
        value = amount * KG_PER_UOM[uom] if uom in KG_PER_UOM else amount
        if factor > 0:
            totals[key][0] += value
        elif factor < 0:
            totals[key][1] += value
    found = []
    for (ident, uom), (made, drawn) in totals.items():
        if drawn > made * (1 + MASS_BALANCE_TOLERANCE) + 1e-9:
            found.append(Finding(LOT_OVERDRAWN, "CC-10", "error", [ident], [],
                                 f"lot {ident}: {drawn:g} {uom or ''} consumed of {made:g} registered".replace("  ", " "),
                                 {"registered": made, "consumed": drawn, "uom": uom}))
    return found


CHECKS: dict[str, Check] = {LOT_OVERDRAWN: _lot_overdrawn}
