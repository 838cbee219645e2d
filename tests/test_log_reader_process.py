"""cradletrace.log.reader_process: capture through a forked reader gives exactly what capture in one process gives."""

from __future__ import annotations

import multiprocessing
import pickle
from pathlib import Path

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.log.audit import verify_chain
from cradletrace.log.capture import MAX_ERRORS, capture_document
from cradletrace.errors import InvalidIdentifier, InvalidInput, NotFound, TraceError, ValidationFailed
from cradletrace.models import Event
from cradletrace.log.rebuild import check_projections
from cradletrace.log.reader_process import READER_PROCESS_BYTES, readable_elsewhere, worth_a_reader

UNIT = "https://id.gs1.org/01/09506000134352/21/"
LOT = "https://id.gs1.org/01/09506000134352/10/"

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")


def _document(events: list[dict]) -> bytes:
    return orjson.dumps({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                         "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2025-01-01T00:00:00Z",
                         "epcisBody": {"eventList": events}})


def _time(i: int) -> dict[str, str]:
    return {"eventTime": f"2025-01-01T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z",
            "eventTimeZoneOffset": "+00:00"}


def _story(n: int) -> list[dict]:
    """Units made from a lot, packed, shipped with an order; 4 events per unit, a duplicate at the end."""
    events = []
    for i in range(n):
        unit = f"{UNIT}R{i}"
        events += [
            {"type": "TransformationEvent", "bizStep": "commissioning", **_time(4 * i),
             "inputQuantityList": [{"epcClass": LOT + "L1", "quantity": 0.5, "uom": "KGM"}], "outputEPCList": [unit]},
            {"type": "ObjectEvent", "action": "OBSERVE", "epcList": [unit], "bizStep": "inspecting",
             "disposition": "conformant", **_time(4 * i + 1)},
            {"type": "AggregationEvent", "action": "ADD", "parentID": f"{UNIT}BOX{i // 10}", "childEPCs": [unit],
             "bizStep": "packing", **_time(4 * i + 2)},
            {"type": "ObjectEvent", "action": "OBSERVE", "epcList": [unit], "bizStep": "shipping",
             "bizTransactionList": [{"type": "po", "bizTransaction": f"urn:example:po:{i // 25}"}], **_time(4 * i + 3)},
        ]
    return events + [events[0]]


def _log(session: Session) -> list[tuple[int, str, str]]:
    return [tuple(r) for r in session.execute(select(Event.id, Event.event_id, Event.event_hash).order_by(Event.id))]


def test_the_reader_gives_the_same_log_and_projections(session: Session, tmp_path: Path) -> None:
    data = _document(_story(300))
    path = tmp_path / "story.jsonld"
    path.write_bytes(data)
    seen: list[int] = []
    report = capture_document(session, path, reader_process=True, progress=seen.append)
    assert (report.captured, report.duplicates, report.name) == (1200, [report.event_ids[0]], "story.jsonld")
    assert seen[-1] == 1201
    via_reader = _log(session)
    assert verify_chain(session).ok and check_projections(session) == []

    # the same document again, in one process: every event is a duplicate of what the reader wrote
    again = capture_document(session, data, reader_process=False)
    assert again.captured == 0 and len(again.duplicates) == 1201
    assert _log(session) == via_reader


def test_the_reader_and_one_process_agree_event_by_event(session: Session, make_database, backend) -> None:  # type: ignore[no-untyped-def]
    from cradletrace.db import create_db_engine, make_session_factory

    data = _document(_story(40))
    capture_document(session, data, reader_process=True)
    engine = create_db_engine(make_database(backend))
    with make_session_factory(engine)() as other:
        capture_document(other, data, reader_process=False)
        assert _log(other) == _log(session)
        payloads = [orjson.loads(p) for p in other.scalars(select(Event.payload).order_by(Event.id))]
    engine.dispose()
    mine = [orjson.loads(p) for p in session.scalars(select(Event.payload).order_by(Event.id))]
    strip = lambda events: [{k: v for k, v in e.items() if k != "recordTime"} for e in events]  # noqa: E731
    assert strip(mine) == strip(payloads)


def test_invalid_events_are_reported_as_in_one_process(session: Session) -> None:
    events = _story(5)
    events[3] = {**events[3], "bizStep": "shiping"}
    events[7] = {**events[7], "epcList": ["not an identifier"]}
    data = _document(events)
    reasons = []
    for reader in (True, False):
        with pytest.raises(ValidationFailed) as caught:
            capture_document(session, data, reader_process=reader)
        reasons.append([(type(e).__name__, e.where, e.message) for e in caught.value.errors])
    assert reasons[0] == reasons[1] and [w for _, w, _ in reasons[0]][:1] == ["event[3].bizStep"]
    assert _log(session) == []


def test_a_document_that_cannot_be_read_is_one_clear_error(session: Session) -> None:
    with pytest.raises(InvalidInput, match="expected an EPCISDocument"):
        capture_document(session, b"[1, 2, 3]", reader_process=True)
    assert multiprocessing.active_children() == []


def test_too_many_errors_stop_the_reader(session: Session) -> None:
    bad = [{"type": "ObjectEvent", "action": "OBSERVE", "epcList": [], "bizStep": "shiping", **_time(i)}
           for i in range(MAX_ERRORS + 500)]
    with pytest.raises(ValidationFailed) as caught:
        capture_document(session, _document(bad), reader_process=True)
    assert len(caught.value.errors) == MAX_ERRORS
    assert multiprocessing.active_children() == []


def test_who_gets_a_reader(tmp_path: Path) -> None:
    small, large = tmp_path / "small.jsonld", tmp_path / "large.jsonld"
    small.write_bytes(b"{}")
    large.write_bytes(b" " * READER_PROCESS_BYTES)
    assert not worth_a_reader(small) and not worth_a_reader(b"{}") and not worth_a_reader(tmp_path / "missing")
    assert worth_a_reader(large) == (multiprocessing.cpu_count() > 1)
    with large.open("rb") as fp:
        assert not readable_elsewhere(fp) and not worth_a_reader(fp)


@pytest.mark.parametrize("error", [InvalidInput("bad", where="event[3].x"), InvalidIdentifier("x"),
                                   NotFound("n", where="identifier"),
                                   ValidationFailed([InvalidInput("a", where="event[0].b")], document="d.json")])
def test_errors_cross_the_process_boundary_whole(error: TraceError) -> None:
    back = pickle.loads(pickle.dumps(error))
    assert (type(back), str(back), back.where, back.message) == (type(error), str(error), error.where, error.message)
    if isinstance(error, ValidationFailed):
        assert [str(e) for e in back.errors] == [str(e) for e in error.errors] and back.document == "d.json"


def test_a_reader_that_dies_is_one_clear_error(session: Session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import os

    import cradletrace.log.reader_process as reader_process

    def die(*args) -> None:  # type: ignore[no-untyped-def]
        os._exit(9)  # as if killed: no message, the pipe just closes

    monkeypatch.setattr(reader_process, "_read", die)
    with pytest.raises(TraceError, match="ended before the end of the document"):
        capture_document(session, _document(_story(3)), reader_process=True)
    assert multiprocessing.active_children() == [] and _log(session) == []


# --- the reader never outlives the capturing process ---------------------------------------------


def _large_document() -> bytes:
    """Small valid events, enough of them (past READER_PROCESS_BYTES) for ``cradletrace capture`` to fork a reader."""
    event = {"type": "ObjectEvent", "action": "OBSERVE", "bizStep": "inspecting", "disposition": "conformant",
             "readPoint": {"id": "https://id.gs1.org/414/9520123456788"}}
    count = READER_PROCESS_BYTES // 200 + 1000
    data = _document([{**event, "epcList": [f"{UNIT}K{i}"], **_time(i)} for i in range(count)])
    assert len(data) >= READER_PROCESS_BYTES
    return data


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc: this kernel has no /proc/<pid>/task/*/children)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie has ended; only its adoptive parent has not reaped it yet


def _kill_parent_and_watch_the_reader(command: list[str]) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    parent = subprocess.Popen([sys.executable, *command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    children: list[int] = []
    try:
        deadline = time.monotonic() + 30
        while not children and parent.poll() is None and time.monotonic() < deadline:
            children = _children(parent.pid)
            time.sleep(0.005)
        assert children, f"no reader process was started: {parent.stderr.read().decode()[-2000:]}"  # type: ignore[union-attr]
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 5
        while any(_alive(c) for c in children) and time.monotonic() < deadline:
            time.sleep(0.02)
        survivors = [c for c in children if _alive(c)]
        assert survivors == [], "the reader process outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        for child in children:
            if _alive(child):
                os.kill(child, signal.SIGKILL)


_PROC = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


@_PROC
@pytest.mark.slow  # about 3 s on a quiet machine, 9 s on a loaded one (the CLI's imports): the light test below runs by default
def test_the_reader_of_cradletrace_capture_ends_when_capture_is_killed(tmp_path: Path, make_database) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "large.jsonld"
    path.write_bytes(_large_document())
    database = make_database("sqlite")
    _kill_parent_and_watch_the_reader(["-c", "from cradletrace.cli import main; main()", "capture", str(path),
                                       "--database", database])


@_PROC
@pytest.mark.parametrize("thread", ["main", "other"])
def test_the_reader_ends_when_its_parent_is_killed(tmp_path: Path, thread: str) -> None:
    # Forked from the main thread the reader also gets the kernel's death signal; forked from
    # another thread it does not (the signal would follow that thread, not the process), and
    # the closed pipe and the watchdog must end it.
    path = tmp_path / "large.jsonld"
    path.write_bytes(_large_document())
    script = ("import threading, time\n"
              "from cradletrace.log.reader_process import prepared_events\n"
              f"opened = lambda: prepared_events({str(path)!r}, format=None, name=None, "
              "record_iso='2025-01-02T00:00:00.000Z')\n"
              + ("opened()\n" if thread == "main" else "threading.Thread(target=opened).start()\n")
              + "time.sleep(60)\n")
    _kill_parent_and_watch_the_reader(["-c", script])


def test_the_watchdog_ends_a_reader_whose_parent_is_gone() -> None:
    import cradletrace.log.reader_process as reader_process

    # As if adopted: the process's parent is not the one it was started by.
    watched = multiprocessing.get_context("fork").Process(target=reader_process._watch_parent, args=(-1,))
    watched.start()
    watched.join(timeout=5)
    assert watched.exitcode == 1
