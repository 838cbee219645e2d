"""Deterministic generator of EPCIS 2.0 events (canonical dicts, docs/event-form.md) and documents.

Two shapes, both streamed (one event at a time, never the whole list in memory):

* ``flat``: the realistic mix of a plant and its distribution: raw-material lots made into
  component lots, serialized components made from lots (TransformationEvent), units
  commissioned with ILMD, assembled from components (AggregationEvent), inspected, packed
  into SSCCs, shipped with business transactions (po, desadv) and parties, invoiced
  (TransactionEvent), received, and a few service swaps (DELETE removing / ADD replacing).
* ``nested``: items packed in cases packed in pallets, then shipped and received.

Documents are written with :func:`cradletrace.epcis.write_jsonld` / ``write_xml`` and cached by
shape, size and seed. ``shared_documents`` makes the concurrent-capture set: N documents whose
every tenth event is the same in all of them.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from cradletrace.identifiers import check_digit

DL = "https://id.gs1.org"
PREFIX = "952012"  # a company prefix of the GS1 test range (952)
T0 = datetime(2024, 1, 1, 6, 0, tzinfo=timezone.utc)
CT = "{https://ns.cradletrace.org/voc/}"


def gtin(item: int, indicator: int = 0) -> str:
    body = f"{indicator}{PREFIX}{item:06d}"
    return body + check_digit(body)


def gln(ref: int) -> str:
    body = f"{PREFIX}{ref:06d}"
    return body + check_digit(body)


def sgtin(item: int, serial: str) -> str:
    return f"{DL}/01/{gtin(item)}/21/{serial}"


def lgtin(item: int, lot: str) -> str:
    return f"{DL}/01/{gtin(item)}/10/{lot}"


def sscc(ns: int, n: int) -> str:
    body = f"0{PREFIX}{ns:03d}{n:07d}"
    return f"{DL}/00/{body}{check_digit(body)}"


def place(ref: int) -> dict[str, str]:
    return {"id": f"{DL}/414/{gln(ref)}"}


def party(ref: int) -> str:
    return f"{DL}/417/{gln(ref)}"


def doc_uri(kind: str, ns: str, n: int) -> str:
    return f"urn:epcglobal:cbv:bt:{gln(1)}:{kind.upper()}-{ns}-{n}"


class Clock:
    """Event times: strictly increasing by a few seconds, from a fixed start."""

    def __init__(self, rng: random.Random, start: datetime = T0) -> None:
        self.rng = rng
        self.now = start

    def tick(self, seconds: int | None = None) -> dict[str, str]:
        self.now += timedelta(seconds=seconds if seconds is not None else self.rng.randint(1, 30))
        return {"eventTime": self.now.strftime("%Y-%m-%dT%H:%M:%S.000+00:00"), "eventTimeZoneOffset": "+00:00"}


def _event(kind: str, clock: Clock, **fields: Any) -> dict[str, Any]:
    event: dict[str, Any] = {"type": kind}
    event.update(clock.tick())
    event.update({k: v for k, v in fields.items() if v is not None})
    return event


# -- the flat mix ---------------------------------------------------------------------------------

def flat_events(n: int, seed: int, ns: str = "F") -> Iterator[dict[str, Any]]:
    """``n`` events of the realistic mix; identifiers are namespaced by ``ns`` (documents never collide)."""
    rng = random.Random(f"{seed}:{ns}:flat")
    clock = Clock(rng)
    emitted = 0
    for event in _flat_story(rng, clock, ns):
        yield event
        emitted += 1
        if emitted >= n:
            return


def _flat_story(rng: random.Random, clock: Clock, ns: str) -> Iterator[dict[str, Any]]:
    plant, dock, warehouse = place(10), place(11), place(20)
    maker = party(1)
    customers = [party(100 + i) for i in range(20)]
    ship_to = [place(200 + i) for i in range(20)]
    serial = 0
    sscc_n = 0
    order = 0
    fitted: list[tuple[str, str]] = []  # (unit, component) pairs available for a service swap
    spares: list[str] = []
    for wo in range(10**9):
        # A raw-material lot becomes a component lot (every fifth work order).
        comp_lot = lgtin(200 + wo % 7, f"{ns}C{wo // 5}")
        if wo % 5 == 0:
            raw = lgtin(300 + wo % 3, f"{ns}R{wo // 5}")
            yield _event("TransformationEvent", clock, bizStep="commissioning", disposition="active",
                         inputQuantityList=[{"epcClass": raw, "quantity": round(rng.uniform(50, 200), 3), "uom": "KGM"}],
                         outputQuantityList=[{"epcClass": comp_lot, "quantity": 500, "uom": "EA"}],
                         readPoint=plant, bizLocation=plant)
        # 30 serialized components made from the lot (3 per unit of this work order).
        components = [sgtin(400 + wo % 11, f"{ns}K{wo}-{i}") for i in range(31)]
        yield _event("TransformationEvent", clock, bizStep="commissioning", disposition="active",
                     inputQuantityList=[{"epcClass": comp_lot, "quantity": 30, "uom": "EA"}],
                     outputEPCList=components, readPoint=plant, bizLocation=plant,
                     bizTransactionList=[{"type": "prodorder", "bizTransaction": doc_uri("wo", ns, wo)}])
        spares.append(components[30])
        units = []
        for u in range(10):
            serial += 1
            unit = sgtin(1 + serial % 5, f"{ns}U{serial}")
            units.append(unit)
            yield _event("ObjectEvent", clock, action="ADD", bizStep="commissioning", disposition="active",
                         epcList=[unit], readPoint=plant, bizLocation=plant,
                         ilmd={f"{CT}massKg": round(rng.uniform(1.0, 9.0), 3), f"{CT}line": f"L{serial % 4}"})
            kids = components[3 * u:3 * u + 3]
            yield _event("AggregationEvent", clock, action="ADD", bizStep="assembling", disposition="in_progress",
                         parentID=unit, childEPCs=kids, readPoint=plant, bizLocation=plant,
                         bizTransactionList=[{"type": "prodorder", "bizTransaction": doc_uri("wo", ns, wo)}])
            fitted.append((unit, kids[rng.randrange(3)]))
            yield _event("ObjectEvent", clock, action="OBSERVE", bizStep="inspecting", disposition="conformant",
                         epcList=[unit], readPoint=plant,
                         **{f"{CT}testResult": "pass", f"{CT}torqueNm": round(rng.uniform(10, 12), 2)})
        # Pack the ten units into one SSCC, ship it with po and desadv, invoice it, receive it.
        sscc_n += 1
        order += 1
        case = sscc(zlib.crc32(ns.encode()) % 900 + 100, sscc_n)
        yield _event("AggregationEvent", clock, action="ADD", bizStep="packing", disposition="in_progress",
                     parentID=case, childEPCs=units, readPoint=dock, bizLocation=dock)
        c = rng.randrange(len(customers))
        po, desadv = doc_uri("po", ns, order), doc_uri("desadv", ns, order)
        yield _event("ObjectEvent", clock, action="OBSERVE", bizStep="shipping", disposition="in_transit",
                     epcList=[case, *units], readPoint=dock,
                     bizTransactionList=[{"type": "po", "bizTransaction": po},
                                         {"type": "desadv", "bizTransaction": desadv}],
                     sourceList=[{"type": "owning_party", "source": maker},
                                 {"type": "location", "source": dock["id"]}],
                     destinationList=[{"type": "owning_party", "destination": customers[c]},
                                      {"type": "location", "destination": ship_to[c]["id"]}])
        yield _event("TransactionEvent", clock, action="ADD", disposition="in_transit",
                     epcList=units, bizTransactionList=[{"type": "po", "bizTransaction": po},
                                                        {"type": "inv", "bizTransaction": doc_uri("inv", ns, order)}])
        yield _event("ObjectEvent", clock, action="OBSERVE", bizStep="receiving", disposition="in_progress",
                     epcList=[case], readPoint=ship_to[c], bizLocation=ship_to[c],
                     destinationList=[{"type": "owning_party", "destination": customers[c]}])
        # Every other work order, one service swap on an earlier unit.
        if wo % 2 == 1 and fitted:
            unit, old = fitted.pop(rng.randrange(len(fitted)))
            new = spares.pop(0)
            ticket = [{"type": "rma", "bizTransaction": doc_uri("rma", ns, wo)}]
            yield _event("AggregationEvent", clock, action="DELETE", bizStep="removing", parentID=unit,
                         childEPCs=[old], readPoint=warehouse, bizLocation=warehouse, bizTransactionList=ticket)
            yield _event("AggregationEvent", clock, action="ADD", bizStep="replacing", parentID=unit,
                         childEPCs=[new], readPoint=warehouse, bizLocation=warehouse, bizTransactionList=ticket)


# -- items in cases in pallets --------------------------------------------------------------------

def nested_events(n: int, seed: int, ns: str = "N", items_per_case: int = 12, cases_per_pallet: int = 8
                  ) -> Iterator[dict[str, Any]]:
    """``n`` events: items commissioned, packed in cases, cases in pallets, pallets shipped and received."""
    rng = random.Random(f"{seed}:{ns}:nested")
    clock = Clock(rng)
    line, dock = place(30), place(31)
    maker = party(1)
    customers = [party(100 + i) for i in range(20)]
    item_n = case_n = pallet_n = 0
    emitted = 0

    def out(event: dict[str, Any]) -> bool:
        nonlocal emitted
        emitted += 1
        return emitted >= n

    while True:
        pallet_n += 1
        pallet = sscc(800, pallet_n)
        cases = []
        for _c in range(cases_per_pallet):
            case_n += 1
            case = sscc(700, case_n)
            cases.append(case)
            items = []
            for _i in range(items_per_case):
                item_n += 1
                items.append(sgtin(50 + item_n % 3, f"{ns}I{item_n}"))
            ev = _event("ObjectEvent", clock, action="ADD", bizStep="commissioning", disposition="active",
                        epcList=items, readPoint=line, bizLocation=line,
                        ilmd={f"{CT}bestBefore": "2027-01-01"})
            yield ev
            if out(ev):
                return
            ev = _event("AggregationEvent", clock, action="ADD", bizStep="packing", disposition="in_progress",
                        parentID=case, childEPCs=items, readPoint=line, bizLocation=line)
            yield ev
            if out(ev):
                return
        ev = _event("AggregationEvent", clock, action="ADD", bizStep="packing", disposition="in_progress",
                    parentID=pallet, childEPCs=cases, readPoint=dock, bizLocation=dock)
        yield ev
        if out(ev):
            return
        c = rng.randrange(len(customers))
        ev = _event("ObjectEvent", clock, action="OBSERVE", bizStep="shipping", disposition="in_transit",
                    epcList=[pallet], readPoint=dock,
                    bizTransactionList=[{"type": "po", "bizTransaction": doc_uri("po", ns, pallet_n)},
                                        {"type": "desadv", "bizTransaction": doc_uri("desadv", ns, pallet_n)}],
                    sourceList=[{"type": "owning_party", "source": maker}],
                    destinationList=[{"type": "owning_party", "destination": customers[c]}])
        yield ev
        if out(ev):
            return
        ev = _event("ObjectEvent", clock, action="OBSERVE", bizStep="receiving", disposition="in_progress",
                    epcList=[pallet], readPoint=place(200 + c), bizLocation=place(200 + c),
                    destinationList=[{"type": "owning_party", "destination": customers[c]}])
        yield ev
        if out(ev):
            return


def shared_events(n: int, seed: int, index: int, processes: int) -> Iterator[dict[str, Any]]:
    """Document ``index`` of the concurrent set: every tenth event is common to all ``processes`` documents."""
    shared = flat_events(n // 10, seed, ns="S")
    own = flat_events(n - n // 10, seed, ns=f"P{index}")
    for i in range(n):
        source = shared if i % 10 == 0 else own
        event = next(source, None)
        if event is None:
            event = next(own if source is shared else shared)
        yield event


SHAPES = {"flat": flat_events, "nested": nested_events}


# -- writing documents ----------------------------------------------------------------------------

def write_document(events: Iterable[dict[str, Any]], path: Path, fmt: str) -> int:
    """Write ``events`` as one EPCIS document with cradletrace's own writer (to a temp file, then renamed)."""
    from cradletrace.epcis import write_jsonld, write_xml

    write = write_jsonld if fmt == "jsonld" else write_xml
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "wb") as fp:
        count = write(events, fp, namespaces={"ct": CT[1:-1]}, creation_date="2024-01-01T00:00:00Z")
    tmp.replace(path)
    return count


def parts(cache: Path, shape: str, n: int, seed: int, count: int) -> list[Path]:
    """The ``n`` events of ``shape`` as ``count`` JSON-LD documents of consecutive events, in time order (cached)."""
    from common import source_key

    events = list(SHAPES[shape](n, seed))
    size = -(-len(events) // count)
    paths = []
    for i in range(count):
        path = cache / "docs" / f"{shape}-{n}-part{i + 1}of{count}-s{seed}-{source_key('docgen.py')}.jsonld"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_document(events[i * size:(i + 1) * size], path, "jsonld")
        paths.append(path)
    return paths


def document(cache: Path, shape: str, n: int, seed: int, fmt: str, *, index: int | None = None,
             processes: int = 8) -> Path:
    """The cached document path for (shape, n, seed, fmt), generated on first use."""
    from common import source_key

    ext = "jsonld" if fmt == "jsonld" else "xml"
    tag = f"{shape}{'' if index is None else f'-{index}of{processes}'}"
    path = cache / "docs" / f"{tag}-{n}-s{seed}-{source_key('docgen.py')}.{ext}"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    if shape == "shared":
        assert index is not None
        events = shared_events(n, seed, index, processes)
    else:
        events = SHAPES[shape](n, seed)
    write_document(events, path, fmt)
    return path
