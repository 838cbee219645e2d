"""A capture killed with ``kill -9`` at a random point leaves the log all or nothing, on every backend.

``cradletrace capture`` of a document large enough for the reader process is killed after a
random delay; then the log holds none of the document's events or all of them, `audit verify`
and `rebuild --check` hold, no process of the capture is left, and the same capture run again
completes. Slow: each run captures tens of thousands of events (``scripts/test -m slow``).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import orjson
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cradletrace.db import create_db_engine
from cradletrace.log.audit import verify_chain
from cradletrace.log.rebuild import check_projections
from cradletrace.models import Event

UNIT = "https://id.gs1.org/01/09506000134352/21/"
EVENTS = 40_000

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the capture's processes in /proc")]


def _document(n: int) -> bytes:
    events = [{"type": "ObjectEvent", "action": "ADD" if i % 4 == 0 else "OBSERVE", "epcList": [f"{UNIT}K{i // 4}"],
               "bizStep": "commissioning" if i % 4 == 0 else "inspecting",
               "eventTime": f"2025-01-{1 + i // 86400:02d}T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z",
               "eventTimeZoneOffset": "+00:00"} for i in range(n)]
    return orjson.dumps({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                         "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2025-01-01T00:00:00Z",
                         "epcisBody": {"eventList": events}})


def _descendants(pid: int) -> set[int]:
    """Every live process whose parent chain leads to ``pid`` (read from /proc/*/stat)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] not in ("Z", "X"):
            parents[int(stat.parent.name)] = int(fields[1])
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie has ended; only its adoptive parent has not reaped it


def _capture(database: str, path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "from cradletrace.cli import main; main()", "capture", str(path),
                             "--database", database], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_capture_killed_at_a_random_point_is_all_or_nothing(backend: str, make_database: Callable[..., str],
                                                              tmp_path: Path, seed: int) -> None:
    database = make_database(backend)
    path = tmp_path / "large.jsonld"
    path.write_bytes(_document(EVENTS))

    # How long a whole capture takes here, so the kill lands anywhere inside one.
    started = time.monotonic()
    whole = _capture(make_database(backend), path)
    assert whole.wait(timeout=600) == 0, whole.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
    duration = time.monotonic() - started

    victim = _capture(database, path)
    time.sleep(random.Random(seed).uniform(0.1, 0.95) * duration)
    family = _descendants(victim.pid)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    deadline = time.monotonic() + 5
    while {p for p in family if _alive(p)} and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not {p for p in family if _alive(p)}, f"processes of the killed capture are left: {sorted(family)}"

    engine = create_db_engine(database)
    try:
        with Session(engine) as session:
            logged = session.scalar(select(func.count()).select_from(Event))
            assert logged in (0, EVENTS), f"{logged} of {EVENTS} events: the capture was not all or nothing"
            assert verify_chain(session, deep=True).ok
            assert check_projections(session) == []
        again = _capture(database, path)
        assert again.wait(timeout=600) == 0, again.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(Event)) == EVENTS
            assert verify_chain(session).ok
            assert check_projections(session) == []
    finally:
        engine.dispose()
