"""A lineage world for the lineage tests, written straight into the projection tables with SQLAlchemy Core.

Not a test module: test_lineage*.py load it by path (the tests folder is not a package).

The product, with times t(1) < t(2) < ... (2024, one month apart):

* raw-material lots RM1 (lithium) and RM2 (copper); component lot CL1 made from RM1 at t1;
* cells C1, C2, C3 made from CL1 at t2; BMS board B1 made from RM2 at t2;
* module M assembled from C1, C2 at t3; pack U1 assembled from M and B1 at t4;
* swap at t6: C2 removed from M (event S1), C3 fitted (event S2); C2 inspected at t6.5 (after removal);
* U1 disassembled at t7 (D1) into the recovered lot RL (inputs U1, M, C1, C3, B1);
* pack U2 made from RL at t8 (M3), packed on pallet P1 at t9; U2 owned by ACME;
* a part_of edge X -> U2 whose event was retracted, and a retracted observation of U1 at t5;
* a cycle LA -> LB -> LA (input_of), apart from the rest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cradletrace.models import Capture, Edge, Event, EventObject, Lot, Node, Party, Unit, UnitState

GTIN_PACK, GTIN_CELL, GTIN_LOT = "09506000134352", "09506000134369", "09506000134376"


def sgtin(serial: str, gtin: str = GTIN_PACK) -> str:
    return f"https://id.gs1.org/01/{gtin}/21/{serial}"


def lgtin(lot: str, gtin: str = GTIN_LOT) -> str:
    return f"https://id.gs1.org/01/{gtin}/10/{lot}"


def t(month: float) -> datetime:
    """2024-01 + ``month`` months (halves are mid-month)."""
    whole = int(month)
    return datetime(2024, 1 + whole, 15 if month != whole else 1)


RM1, RM2, CL1, RL = lgtin("RM1"), lgtin("RM2"), lgtin("CL1"), lgtin("RL")
C1, C2, C3, B1 = sgtin("C1", GTIN_CELL), sgtin("C2", GTIN_CELL), sgtin("C3", GTIN_CELL), sgtin("B1", GTIN_CELL)
M, U1, U2, X = sgtin("M"), sgtin("U1"), sgtin("U2"), sgtin("X")
P1 = "https://id.gs1.org/00/095060001343520017"
LA, LB = lgtin("LA"), lgtin("LB")
ACME = "https://id.gs1.org/417/4012345000009"
SHOP = "https://id.gs1.org/414/4012345000016"


class World:
    """Inserts nodes, events, edges and states; remembers node ids."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.ids: dict[str, int] = {}
        self.events: dict[str, int] = {}
        self.capture = f"lineage-{id(self)}"
        session.execute(Capture.__table__.insert(), [{"id": self.capture, "status": "success",
                                                      "created_at": t(0), "event_count": 0, "duplicate_count": 0}])
        self.next_event = (session.execute(select(func.max(Event.id))).scalar() or 0) + 1

    def node(self, identifier: str, kind: str | None = None) -> int:
        if identifier not in self.ids:
            kind = kind or ("unit" if "/21/" in identifier else "lot" if "/10/" in identifier
                            else "logistic_unit" if "/00/" in identifier else "party" if "/417/" in identifier
                            else "location" if "/414/" in identifier else "other")
            node_id = self.session.execute(Node.__table__.insert().values(identifier=identifier, kind=kind)
                                           .returning(Node.__table__.c.id)).scalar_one()
            self.ids[identifier] = node_id
            parts = identifier.split("/")
            if kind == "unit":
                self.session.execute(Unit.__table__.insert(), [{"node_id": node_id, "gtin": parts[4],
                                                                "serial": parts[6]}])
            elif kind == "lot":
                self.session.execute(Lot.__table__.insert(), [{"node_id": node_id, "gtin": parts[4],
                                                               "lot_number": parts[6]}])
        return self.ids[identifier]

    def event(self, name: str, when: datetime, objects: list[tuple[str, str]], *, event_type: str = "ObjectEvent",
              action: str | None = "OBSERVE", biz_step: str | None = None, declares_error: bool = False,
              location: str | None = None) -> int:
        seq = self.next_event
        self.next_event += 1
        self.session.execute(Event.__table__.insert(), [{
            "id": seq, "event_id": f"ni:///sha-256;{name}", "event_hash": name, "event_type": event_type,
            "action": action, "biz_step": biz_step, "disposition": None, "event_time": when,
            "event_time_offset": "+00:00", "record_time": when, "declares_error": declares_error,
            "biz_location_id": self.node(location) if location else None,
            "capture_id": self.capture, "payload": orjson.dumps({"name": name}).decode(), "chain_hash": "0" * 64}])
        rows = [{"event_id": seq, "node_id": self.node(i), "role": role, "quantity": None, "uom": None}
                for i, role in dict.fromkeys(objects)]
        if rows:
            self.session.execute(EventObject.__table__.insert(), rows)
        self.events[name] = seq
        return seq

    def retract(self, name: str, by: str) -> None:
        table = Event.__table__
        self.session.execute(table.update().where(table.c.id == self.events[name])
                             .values(retracted_by=self.events[by]))

    def edge(self, kind: str, src: str, dst: str, since: datetime | None, until: datetime | None = None, *,
             event: str | None = None, closed_by: str | None = None, quantity: float | None = None,
             uom: str | None = None, retracted: bool = False) -> None:
        self.session.execute(Edge.__table__.insert(), [{
            "kind": kind, "src": self.node(src), "dst": self.node(dst), "valid_from": since, "valid_to": until,
            "event_id": self.events.get(event) if event else None,
            "closed_by": self.events.get(closed_by) if closed_by else None, "quantity": quantity, "uom": uom,
            "mass_kg": quantity if uom == "KGM" else None, "retracted": retracted}])

    def transform(self, name: str, when: datetime, inputs: list[str], outputs: list[str], *, quantity: float | None
                  = None, biz_step: str = "commissioning") -> None:
        self.event(name, when, [(i, "input") for i in inputs] + [(o, "output") for o in outputs],
                   event_type="TransformationEvent", action=None, biz_step=biz_step)
        for i in inputs:
            for o in outputs:
                self.edge("input_of", i, o, when, event=name, quantity=quantity, uom="KGM" if quantity else None)

    def fit(self, name: str, when: datetime, parent: str, children: list[str], biz_step: str = "assembling") -> None:
        self.event(name, when, [(parent, "parent")] + [(c, "child") for c in children],
                   event_type="AggregationEvent", action="ADD", biz_step=biz_step)
        for c in children:
            self.edge("part_of", c, parent, when, event=name)

    def unfit(self, name: str, when: datetime, parent: str, children: list[str]) -> None:
        self.event(name, when, [(parent, "parent")] + [(c, "child") for c in children],
                   event_type="AggregationEvent", action="DELETE", biz_step="removing")
        table = Edge.__table__
        for c in children:
            self.session.execute(table.update().where(table.c.src == self.node(c), table.c.dst == self.node(parent),
                                                      table.c.valid_to.is_(None))
                                 .values(valid_to=when, closed_by=self.events[name]))

    def state(self, identifier: str, status: str, *, owner: str | None = None, location: str | None = None,
              disposition: str | None = None, last: str | None = None, when: datetime | None = None) -> None:
        last_event = self.events[last] if last else max(self.events.values())
        self.session.execute(UnitState.__table__.insert(), [{
            "node_id": self.node(identifier), "status": status, "disposition": disposition, "biz_step": None,
            "biz_location_id": self.node(location) if location else None, "read_point_id": None,
            "owner_id": self.node(owner) if owner else None, "possessor_id": None, "commissioned_at": t(1),
            "last_event_id": last_event, "last_event_time": when or t(9)}])

    def party(self, identifier: str, name: str) -> None:
        self.session.execute(Party.__table__.insert(), [{"node_id": self.node(identifier), "name": name,
                                                         "attributes": {}}])


def build_product(session: Session) -> World:
    """The world of the module docstring."""
    w = World(session)
    w.transform("M1", t(1), [RM1], [CL1], quantity=5.0)
    w.transform("M2", t(2), [CL1], [C1, C2, C3], quantity=1.5)
    w.transform("M2b", t(2), [RM2], [B1], quantity=0.2)
    w.fit("A1", t(3), M, [C1, C2])
    w.fit("A2", t(4), U1, [M, B1])
    w.event("BAD", t(5), [(U1, "epc")], biz_step="inspecting")
    w.event("ERR", t(5.5), [(U1, "epc")], biz_step="inspecting", declares_error=True)
    w.retract("BAD", by="ERR")
    w.event("I3", t(5), [(C3, "epc")], biz_step="inspecting")  # before C3 was fitted
    w.unfit("S1", t(6), M, [C2])
    w.fit("S2", t(6), M, [C3], biz_step="replacing")
    w.event("I2", t(6.5), [(C2, "epc")], biz_step="inspecting")  # after C2 was removed
    w.transform("D1", t(7), [U1, M, C1, C3, B1], [RL], quantity=2.0, biz_step="disassembling")
    w.transform("M3", t(8), [RL], [U2], quantity=1.0)
    w.fit("BADFIT", t(8), U2, [X])
    w.session.execute(Edge.__table__.update().where(Edge.__table__.c.src == w.node(X)).values(retracted=True))
    w.fit("PK", t(9), P1, [U2], biz_step="packing")
    w.transform("LOOP1", t(1), [LA], [LB])
    w.transform("LOOP2", t(2), [LB], [LA])

    w.party(ACME, "ACME Energy")
    for ident in (U1, M, C1, C3, B1):
        w.state(ident, "disassembled", last="D1", when=t(7))
    w.state(C2, "active", location=SHOP, last="I2", when=t(6.5))
    w.state(U2, "active", owner=ACME, location=SHOP, disposition="in_transit", last="PK")
    return w


def build_fleet(session: Session, packs: int) -> World:
    """``packs`` packs, each of two cells made from one component lot of one raw lot (for statement counts)."""
    w = World(session)
    raw, component = lgtin("FLEET-RAW"), lgtin("FLEET-CL")
    w.transform("F-M1", t(1), [raw], [component], quantity=100.0)
    cells = [sgtin(f"FC{i}", GTIN_CELL) for i in range(2 * packs)]
    w.transform("F-M2", t(2), [component], cells, quantity=0.5)
    w.party(ACME, "ACME Energy")
    for i in range(packs):
        pack = sgtin(f"FP{i}")
        w.fit(f"F-A{i}", t(3), pack, cells[2 * i:2 * i + 2])
        w.state(pack, "active", owner=ACME, location=SHOP)
    return w


def identifiers(rows: Any) -> set[str]:
    return {r.identifier for r in rows}
