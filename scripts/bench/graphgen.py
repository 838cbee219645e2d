"""The lineage world of the benchmark, built through the real capture path and cached by size and seed.

Per unit: 20 serialized components fitted by one AggregationEvent (``part_of``), each component
made from a component lot by a TransformationEvent (``input_of``), each unit shipped to a
customer with a purchase order (``documented_by``, owner). Units come in blocks of 1,000: block
*b* uses one component lot per component type (so a component lot reaches about 1,000 units),
and the component lots of ten consecutive blocks are made from one raw-material lot per type
(so a raw-material lot reaches about 10,000 units). After the build, 1 % of block 0's units
(at least two) are decommissioned, disassembled into a recovered-material lot, recycled into a
recycled-material lot, which goes with virgin material into a spare-part lot, whose parts
replace a part in 1 % of all units in service (the recycling loop: raw lot -> units -> recovered
-> recycled -> spares -> other units). About 41 edges per unit; ~1.25 events per unit.

The "past" date lies after the build and before the recycling and the swaps, so upstream "as
of" it shows the original part where "now" shows the spare and its recycled ancestry.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from common import Backend, log, progress, source_key
from docgen import CT, gtin, lgtin, party, place, sgtin

COMPONENTS = 20
BLOCK = 1000
BLOCKS_PER_RAW_LOT = 10
WORK_ORDER = 100
SHIPMENT = 50
EDGES_PER_UNIT = 41.1
T0 = datetime(2023, 1, 2, 6, 0, tzinfo=timezone.utc)
RECYCLING = "https://ns.cradletrace.org/voc/BizStep-recycling"


@dataclass
class WorldInfo:
    """What the benchmark needs to know about a built world (saved beside the cache)."""

    target_edges: int
    seed: int
    units: int
    blocks: int
    events: int
    edges: int
    nodes: int
    past: str  # ISO time between the build and the service swaps
    component_lot: str
    raw_lot: str
    unit_ids: list[str]
    swapped: list[str]
    build_seconds: float


def _iso(t: datetime) -> dict[str, str]:
    return {"eventTime": t.strftime("%Y-%m-%dT%H:%M:%S.000+00:00"), "eventTimeZoneOffset": "+00:00"}


def unit_id(b: int, i: int) -> str:
    return sgtin(1, f"U{b}-{i}")


def comp_id(b: int, k: int, i: int) -> str:
    return sgtin(100 + k, f"C{b}-{i}")


def comp_lot(b: int, k: int) -> str:
    return lgtin(100 + k, f"B{b}")


def raw_lot(g: int, k: int) -> str:
    return lgtin(300 + k, f"G{g}")


class World:
    """The events of a world of about ``target_edges`` edges, in capture order."""

    def __init__(self, target_edges: int, seed: int, block: int = BLOCK) -> None:
        self.target_edges = target_edges
        self.seed = seed
        self.block = block
        self.units = max(20, round(target_edges / EDGES_PER_UNIT))
        self.blocks = -(-self.units // block)
        self.groups = -(-self.blocks // BLOCKS_PER_RAW_LOT)
        rng = random.Random(f"world:{seed}:{target_edges}")
        self.recycled = [unit_id(0, i) for i in range(max(2, self.block_size(0) // 100))]
        recycled = set(self.recycled)
        candidates = [(b, i) for b in range(self.blocks) for i in range(self.block_size(b))
                      if unit_id(b, i) not in recycled]
        self.swaps = sorted(rng.sample(candidates, max(2, self.units // 100)))
        self.time = T0
        self.past: datetime | None = None

    def block_size(self, b: int) -> int:
        return min(self.block, self.units - b * self.block)

    def tick(self, seconds: int = 2) -> dict[str, str]:
        self.time += timedelta(seconds=seconds)
        return _iso(self.time)

    def count_events(self) -> int:
        return sum(1 for _ in self.events(dry=True))

    def events(self, dry: bool = False) -> Iterator[dict[str, Any]]:
        self.time = T0
        plant, dock, shop = place(10), place(11), place(40)
        maker = party(1)
        customers = [party(100 + c) for c in range(50)]
        rng = random.Random(f"world-events:{self.seed}:{self.target_edges}")
        for g in range(self.groups):
            yield {"type": "ObjectEvent", "action": "ADD", **self.tick(), "bizStep": "commissioning",
                   "disposition": "active", "readPoint": plant, "bizLocation": plant,
                   "quantityList": [{"epcClass": raw_lot(g, k), "quantity": 20000.0, "uom": "KGM"}
                                    for k in range(COMPONENTS)]}
        order = 0
        for b in range(self.blocks):
            n = self.block_size(b)
            g = b // BLOCKS_PER_RAW_LOT
            for k in range(COMPONENTS):
                yield {"type": "TransformationEvent", **self.tick(), "bizStep": "commissioning",
                       "disposition": "active", "readPoint": plant, "bizLocation": plant,
                       "inputQuantityList": [{"epcClass": raw_lot(g, k), "quantity": 500.0, "uom": "KGM"}],
                       "outputQuantityList": [{"epcClass": comp_lot(b, k), "quantity": float(n), "uom": "EA"}]}
            for start in range(0, n, WORK_ORDER):
                stop = min(n, start + WORK_ORDER)
                for k in range(COMPONENTS):
                    yield {"type": "TransformationEvent", **self.tick(), "bizStep": "commissioning",
                           "disposition": "active", "readPoint": plant, "bizLocation": plant,
                           "inputQuantityList": [{"epcClass": comp_lot(b, k), "quantity": float(stop - start),
                                                  "uom": "EA"}],
                           "outputEPCList": [comp_id(b, k, i) for i in range(start, stop)]}
                yield {"type": "ObjectEvent", "action": "ADD", **self.tick(), "bizStep": "commissioning",
                       "disposition": "active", "readPoint": plant, "bizLocation": plant,
                       "epcList": [unit_id(b, i) for i in range(start, stop)],
                       "ilmd": {f"{CT}massKg": 4.2}}
                for i in range(start, stop):
                    yield {"type": "AggregationEvent", "action": "ADD", **self.tick(), "bizStep": "assembling",
                           "disposition": "in_progress", "readPoint": plant, "bizLocation": plant,
                           "parentID": unit_id(b, i), "childEPCs": [comp_id(b, k, i) for k in range(COMPONENTS)]}
            for start in range(0, n, SHIPMENT):
                order += 1
                c = rng.randrange(len(customers))
                yield {"type": "ObjectEvent", "action": "OBSERVE", **self.tick(), "bizStep": "shipping",
                       "disposition": "in_transit", "readPoint": dock,
                       "epcList": [unit_id(b, i) for i in range(start, min(n, start + SHIPMENT))],
                       "bizTransactionList": [{"type": "po", "bizTransaction": f"urn:epcglobal:cbv:bt:{gtin(0)}:PO-{order}"}],
                       "sourceList": [{"type": "owning_party", "source": maker}],
                       "destinationList": [{"type": "owning_party", "destination": customers[c]}]}
        # The past: a week after the build, before anything is recycled or swapped.
        self.time += timedelta(days=7)
        self.past = self.time
        self.time += timedelta(days=7)
        recovered, recycled, spares_lot = lgtin(500, "R1"), lgtin(501, "RM1"), lgtin(100, "SPARE1")
        yield {"type": "ObjectEvent", "action": "OBSERVE", **self.tick(), "bizStep": "decommissioning",
               "disposition": "inactive", "epcList": list(self.recycled), "readPoint": shop, "bizLocation": shop}
        yield {"type": "TransformationEvent", **self.tick(), "bizStep": "disassembling", "readPoint": shop,
               "bizLocation": shop, "inputEPCList": list(self.recycled),
               "outputQuantityList": [{"epcClass": recovered, "quantity": 1.5 * len(self.recycled), "uom": "KGM"}]}
        yield {"type": "TransformationEvent", **self.tick(), "bizStep": RECYCLING, "readPoint": shop,
               "inputQuantityList": [{"epcClass": recovered, "quantity": 1.5 * len(self.recycled), "uom": "KGM"}],
               "outputQuantityList": [{"epcClass": recycled, "quantity": 1.2 * len(self.recycled), "uom": "KGM"}]}
        yield {"type": "TransformationEvent", **self.tick(), "bizStep": "commissioning", "disposition": "active",
               "readPoint": plant, "bizLocation": plant,
               "inputQuantityList": [{"epcClass": recycled, "quantity": 1.2 * len(self.recycled), "uom": "KGM"},
                                     {"epcClass": raw_lot(0, 0), "quantity": 10.0, "uom": "KGM"}],
               "outputQuantityList": [{"epcClass": spares_lot, "quantity": float(len(self.swaps)), "uom": "EA"}]}
        spares = [sgtin(100, f"S{j}") for j in range(len(self.swaps))]
        for start in range(0, len(spares), WORK_ORDER):
            chunk = spares[start:start + WORK_ORDER]
            yield {"type": "TransformationEvent", **self.tick(), "bizStep": "commissioning", "disposition": "active",
                   "readPoint": plant, "bizLocation": plant,
                   "inputQuantityList": [{"epcClass": spares_lot, "quantity": float(len(chunk)), "uom": "EA"}],
                   "outputEPCList": chunk}
        self.time += timedelta(days=30)
        for j, (b, i) in enumerate(self.swaps):
            ticket = [{"type": "rma", "bizTransaction": f"urn:epcglobal:cbv:bt:{gtin(0)}:RMA-{j}"}]
            yield {"type": "AggregationEvent", "action": "DELETE", **self.tick(600), "bizStep": "removing",
                   "readPoint": shop, "bizLocation": shop, "parentID": unit_id(b, i), "childEPCs": [comp_id(b, 0, i)],
                   "bizTransactionList": ticket}
            yield {"type": "AggregationEvent", "action": "ADD", **self.tick(), "bizStep": "replacing",
                   "readPoint": shop, "bizLocation": shop, "parentID": unit_id(b, i), "childEPCs": [spares[j]],
                   "bizTransactionList": ticket}

    def sample_units(self, rng: random.Random, k: int) -> list[str]:
        """``k`` distinct random units (or all of them) that are still in service."""
        recycled = set(self.recycled)
        picks: list[str] = []
        while len(picks) < min(k, self.units - len(recycled)):
            n = rng.randrange(self.units)
            u = unit_id(n // self.block, n % self.block)
            if u not in recycled and u not in picks:
                picks.append(u)
        return picks


CAPTURE_BATCH = 5000


def _build(url: str, world: World) -> tuple[int, float]:
    """Capture the world's events into ``url`` in batches (one transaction each)."""
    from cradletrace.log.capture import capture_events
    from cradletrace.db import create_db_engine, make_session_factory

    total = world.count_events()
    engine = create_db_engine(url)
    factory = make_session_factory(engine)
    start = time.perf_counter()
    done = 0
    bar = progress(total=total, desc=f"graph {world.target_edges:,} edges", unit="ev")
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal done
        with factory() as session:
            capture_events(session, batch, name=f"bench-world-{world.target_edges}")
            session.commit()
        done += len(batch)
        bar.update(len(batch))
        batch.clear()

    try:
        for event in world.events():
            batch.append(event)
            if len(batch) >= CAPTURE_BATCH:
                flush()
        if batch:
            flush()
    finally:
        bar.close()
        engine.dispose()
    return done, time.perf_counter() - start


def _count(url: str) -> tuple[int, int, int]:
    from common import raw_connect

    conn = raw_connect(url)
    try:
        cur = conn.cursor()
        out = []
        for table in ("events", "edges", "nodes"):
            cur.execute(f"SELECT count(*) FROM {table}")
            out.append(int(cur.fetchone()[0]))
        return out[0], out[1], out[2]
    finally:
        conn.close()


def world_database(backend: Backend, cache: Path, target_edges: int, seed: int) -> tuple[str, WorldInfo]:
    """URL of the cached database of this world (built on first use) and its description."""
    key = f"graph-{target_edges}-s{seed}-{source_key('graphgen.py', 'docgen.py')}"
    cache.mkdir(parents=True, exist_ok=True)
    info_path = cache / f"{key}.{backend.name}.json"
    world = World(target_edges, seed)
    if backend.name == "sqlite":
        path = cache / f"{key}.db"
        url = f"sqlite:///{path}"
        if path.exists() and info_path.exists():
            return url, WorldInfo(**json.loads(info_path.read_text()))
        tmp_url = backend.fresh(f"graph{target_edges}")
        tmp_path = Path(tmp_url.removeprefix("sqlite:///"))
    else:
        name = f"ct_bench_{key.replace('-', '_')}"
        url = backend.pg_url(name)
        if backend.pg_database_exists(name) and info_path.exists():
            return url, WorldInfo(**json.loads(info_path.read_text()))
        backend.pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        tmp_url = backend.fresh(f"graph{target_edges}")
    log(f"building the {target_edges:,}-edge world on {backend.name} through capture_events (cached for reruns)")
    events, seconds = _build(tmp_url, world)
    if backend.name == "sqlite":
        backend.size_bytes(tmp_url)  # checkpoints the WAL into the file
        for suffix in ("-wal", "-shm"):
            Path(str(tmp_path) + suffix).unlink(missing_ok=True)
        shutil.move(str(tmp_path), path)
        backend.created.remove(str(tmp_path))
    else:
        tmp_name = tmp_url.rsplit("/", 1)[-1]
        from common import raw_connect

        conn = raw_connect(tmp_url)
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
        conn.close()
        backend.pg_execute(f'ALTER DATABASE "{tmp_name}" RENAME TO "{name}"')
        backend.created.remove(tmp_name)
    n_events, n_edges, n_nodes = _count(url)
    rng = random.Random(f"starts:{seed}")
    info = WorldInfo(
        target_edges=target_edges, seed=seed, units=world.units, blocks=world.blocks, events=n_events,
        edges=n_edges, nodes=n_nodes, past=world.past.isoformat() if world.past else "",
        component_lot=comp_lot(0, 5), raw_lot=raw_lot(0, 5), unit_ids=world.sample_units(rng, 500),
        swapped=[unit_id(b, i) for b, i in world.swaps[:50]], build_seconds=seconds)
    info_path.write_text(json.dumps(asdict(info)))
    log(f"built: {n_events:,} events, {n_edges:,} edges, {n_nodes:,} nodes in {seconds:.0f} s "
        f"({n_events / seconds:,.0f} events/s, {n_edges / seconds:,.0f} edges/s)")
    return url, info
