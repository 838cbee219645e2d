"""Lifespan metrics per unit: commissioning to decommissioning, time in service, services, disposal route.

One grouped query over the unit-state projection and the events of the units (set-based,
whatever their number), plus one for the disposal methods of disposed units:

* ``lifespan`` = end of use (the first of decommissioning, disassembly, destruction, disposal)
  - commissioning; ``None`` while the unit is in use (right-censored: report a median over
  the ended ones with the censored count beside it, never a mean that hides them);
* ``in_service`` = end of use (or ``at``) - first installation; ``None`` if never installed;
* ``services`` = repairs, component replacements and refurbishments; ``mtbs`` = time in
  service / services (``None`` without a service);
* ``route`` = how the unit ended: ``disassembled``, ``destroyed``, the disposal method of a
  disposal (``landfill``, ``incineration``, ...), ``decommissioned`` (not yet treated), or ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from cradletrace.bulk import chunks
from cradletrace.identifiers.own_vocabulary import DISPOSING, REFURBISHING, ct
from cradletrace.models import Event, EventObject, Node, ObjectRole, Unit, UnitState
from cradletrace.timestamps import naive_utc, utc_now

END_STEPS = ("decommissioning", "disassembling", "destroying", DISPOSING)
SERVICE_STEPS = ("repairing", "replacing", REFURBISHING)
_ROUTE = {"disassembling": "disassembled", "destroying": "destroyed", "decommissioning": "decommissioned"}


@dataclass(frozen=True)
class Lifespan:
    """The life of one unit, up to ``at``."""

    unit: str
    gtin: str | None
    commissioned_at: datetime | None
    installed_at: datetime | None
    ended_at: datetime | None
    route: str | None
    services: int
    at: datetime

    @property
    def lifespan(self) -> timedelta | None:
        """Commissioning to end of use (``None`` while in use)."""
        if self.ended_at is None or self.commissioned_at is None:
            return None
        return self.ended_at - self.commissioned_at

    @property
    def in_service(self) -> timedelta | None:
        """First installation to end of use, or to ``at`` (``None`` if never installed)."""
        if self.installed_at is None:
            return None
        return max((self.ended_at or self.at) - self.installed_at, timedelta(0))

    @property
    def mtbs(self) -> timedelta | None:
        """Mean time between services: time in service / services."""
        if not self.services or self.in_service is None:
            return None
        return self.in_service / self.services

    def to_dict(self) -> dict[str, Any]:
        """Plain data, durations in days."""
        def days(value: timedelta | None) -> float | None:
            return None if value is None else value.total_seconds() / 86400.0

        return {"unit": self.unit, "gtin": self.gtin, "commissioned_at": self.commissioned_at,
                "installed_at": self.installed_at, "ended_at": self.ended_at, "route": self.route,
                "services": self.services, "lifespan_days": days(self.lifespan),
                "in_service_days": days(self.in_service), "mtbs_days": days(self.mtbs)}


def lifespans(session: Session, gtin: str | None = None, *, at: datetime | None = None,
              units: list[int] | None = None) -> list[Lifespan]:
    """The lifespan of every unit (of the product ``gtin``, or the node ids ``units``) up to ``at`` (default now).

    Set-based: one grouped query, plus one for disposal methods; never a query per unit.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> upgrade("sqlite:///doctest.db")
    >>> session = Session(create_db_engine("sqlite:///doctest.db"))
    >>> lifespans(session, "09506000134352")
    []
    """
    moment = naive_utc(at) or utc_now()
    ev, eo, n, u, st = Event.__table__, EventObject.__table__, Node.__table__, Unit.__table__, UnitState.__table__

    def first(steps: tuple[str, ...]) -> Any:
        return func.min(case((ev.c.biz_step.in_(steps), ev.c.event_time)))

    events = (select(eo.c.node_id.label("node_id"), first(("installing",)).label("installed"),
                     first(END_STEPS).label("ended"),
                     func.sum(case((ev.c.biz_step.in_(SERVICE_STEPS), literal(1)), else_=literal(0))).label("services"))
              .select_from(eo.join(ev, ev.c.id == eo.c.event_id))
              .where(ev.c.retracted_by.is_(None), ev.c.declares_error.is_(False), ev.c.event_time <= moment,
                     eo.c.role.in_([ObjectRole.EPC, ObjectRole.PARENT, ObjectRole.INPUT]),
                     ev.c.biz_step.in_(("installing", *END_STEPS, *SERVICE_STEPS)))
              .group_by(eo.c.node_id).subquery("per_unit"))
    query = (select(n.c.id, n.c.identifier, u.c.gtin, st.c.commissioned_at, events.c.installed, events.c.ended,
                    events.c.services)
             .select_from(u.join(n, n.c.id == u.c.node_id).outerjoin(st, st.c.node_id == u.c.node_id)
                          .outerjoin(events, events.c.node_id == u.c.node_id))
             .order_by(n.c.identifier))
    if gtin is not None:
        from cradletrace.identifiers import gtin14

        query = query.where(u.c.gtin == gtin14(gtin, where="gtin"))
    if units is not None:
        rows = [r for chunk in chunks(units) for r in session.execute(query.where(u.c.node_id.in_(list(chunk))))]
    else:
        rows = list(session.execute(query))
    ended = [r.id for r in rows if r.ended is not None]
    routes = _routes(session, ended, moment)
    return [Lifespan(r.identifier, r.gtin, r.commissioned_at, r.installed, r.ended, routes.get(r.id),
                     int(r.services or 0), moment) for r in rows]


def _routes(session: Session, node_ids: list[int], moment: datetime) -> dict[int, str]:
    """How each ended unit ended: its first end-of-use event's step, or a disposal's method."""
    ev, eo = Event.__table__, EventObject.__table__
    found: dict[int, str] = {}
    for chunk in chunks(node_ids):
        rows = session.execute(
            select(eo.c.node_id, ev.c.biz_step, ev.c.payload)
            .select_from(eo.join(ev, ev.c.id == eo.c.event_id))
            .where(eo.c.node_id.in_(list(chunk)), ev.c.retracted_by.is_(None), ev.c.declares_error.is_(False),
                   ev.c.event_time <= moment, ev.c.biz_step.in_(END_STEPS))
            .order_by(ev.c.event_time, ev.c.id))
        for node_id, step, payload in rows:
            if step == DISPOSING:
                found[node_id] = orjson.loads(payload).get(ct("disposalMethod")) or "disposed"
            elif node_id not in found or found[node_id] == "decommissioned":
                found[node_id] = _ROUTE[step]
    return found
