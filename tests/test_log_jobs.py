"""Capture jobs: enqueue, claim (never the same job twice), rollback and proceed, leases, the worker loop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import orjson
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cradletrace.db import create_db_engine, make_session_factory
from cradletrace.errors import InvalidInput, LimitExceeded, NotFound
from cradletrace.log import jobs
from cradletrace.log.audit import verify_chain
from cradletrace.models import CaptureJob, ErrorBehaviour, Event, JobStatus
from cradletrace.settings import Limits
from cradletrace.timestamps import utc_now

UNIT = "https://id.gs1.org/01/09506000134352/21/"


def event(serial: str, *, action: str = "OBSERVE", **extra: object) -> dict[str, object]:
    return {"type": "ObjectEvent", "action": action, "epcList": [UNIT + serial], "bizStep": "shipping",
            "eventTime": "2025-01-01T10:00:00.000+01:00", "eventTimeZoneOffset": "+01:00", **extra}


def document(*events: dict[str, object]) -> bytes:
    return orjson.dumps({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                         "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2025-01-01T00:00:00Z",
                         "epcisBody": {"eventList": list(events)}})


def events_in_log(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Event))


def claim_and_run(session: Session, job: CaptureJob) -> CaptureJob:
    claimed = jobs.claim(session, "test-worker")
    assert claimed is not None and claimed.id == job.id
    return jobs.run_job(session, claimed)


def test_enqueue_stores_the_document_and_reports_a_running_job(session: Session) -> None:
    job = jobs.enqueue(session, document(event("1")), media_type="application/ld+json",
                       behaviour=ErrorBehaviour.PROCEED, created_by="ann")
    view = jobs.job_view(jobs.get_job(session, job.id))
    assert view["running"] is True and view["success"] is True and view["errors"] == []
    assert view["captureErrorBehaviour"] == "proceed" and "finishedAt" not in view
    assert job.document_bytes == len(document(event("1"))) and job.created_by == "ann"


def test_enqueue_refuses_a_document_beyond_the_size_limit_and_an_empty_one(session: Session) -> None:
    with pytest.raises(LimitExceeded, match="CRADLETRACE_MAX_DOCUMENT_BYTES") as exc:
        jobs.enqueue(session, document(event("1")), limits=Limits(max_document_bytes=10))
    assert exc.value.http_status == 413
    with pytest.raises(InvalidInput, match="empty document"):
        jobs.enqueue(session, b"  ")
    assert session.scalar(select(func.count()).select_from(CaptureJob)) == 0


def test_unknown_job_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound, match="no capture job 'nope'"):
        jobs.get_job(session, "nope")


def test_error_behaviour_header() -> None:
    assert jobs.error_behaviour(" Rollback ") is ErrorBehaviour.ROLLBACK
    with pytest.raises(InvalidInput, match="GS1-Capture-Error-Behaviour"):
        jobs.error_behaviour("sometimes")


def test_a_valid_document_is_captured_and_the_job_succeeds(session: Session) -> None:
    job = claim_and_run(session, jobs.enqueue(session, document(event("1"), event("2"))))
    view = jobs.job_view(job)
    assert job.status is JobStatus.SUCCESS and view["running"] is False and view["success"] is True
    assert view["captured"] == 2 and view["errors"] == [] and "finishedAt" in view
    assert job.capture_id and job.document is None and job.attempts == 1 and job.worker_id == "test-worker"
    assert events_in_log(session) == 2


def test_rollback_rejects_the_whole_document_naming_event_and_field(session: Session) -> None:
    job = claim_and_run(session, jobs.enqueue(session, document(event("1"), event("2", action="FLY"))))
    view = jobs.job_view(job)
    assert job.status is JobStatus.FAILED and view["success"] is False and view["running"] is False
    assert events_in_log(session) == 0 and view["captured"] == 0
    [error] = view["errors"]
    assert (error["event"], error["field"], error["status"]) == (1, "action", 400)
    assert error["type"] == "epcisException:ValidationException" and error["detail"].startswith("event 1, action:")


def test_proceed_captures_the_valid_events_and_reports_the_others(session: Session) -> None:
    doc = document(event("1"), event("2", action="FLY"), event("3"))
    job = claim_and_run(session, jobs.enqueue(session, doc, behaviour=ErrorBehaviour.PROCEED))
    view = jobs.job_view(job)
    assert events_in_log(session) == 2 and view["captured"] == 2
    assert view["success"] is False and [e["event"] for e in view["errors"]] == [1]


def test_proceed_skips_a_conflicting_event_by_its_index_in_the_document(session: Session) -> None:
    first = claim_and_run(session, jobs.enqueue(session, document(event("1", eventID="urn:uuid:1"))))
    assert first.status is JobStatus.SUCCESS
    doc = document(event("5"), event("2", eventID="urn:uuid:1"), event("3"))
    job = claim_and_run(session, jobs.enqueue(session, doc, behaviour=ErrorBehaviour.PROCEED))
    [error] = jobs.job_view(job)["errors"]
    assert (error["event"], error["field"], error["status"]) == (1, "eventID", 409)
    assert error["type"] == "epcisException:ResourceAlreadyExistsException"
    assert job.event_count == 2 and events_in_log(session) == 3


def test_an_unreadable_document_fails_its_job(session: Session) -> None:
    job = claim_and_run(session, jobs.enqueue(session, b"{not json"))
    [error] = jobs.job_view(job)["errors"]
    assert job.status is JobStatus.FAILED and error["event"] is None and error["status"] == 400


def test_the_event_count_limit_fails_the_job_with_413(session: Session) -> None:
    job = jobs.enqueue(session, document(event("1"), event("2")))
    claimed = jobs.claim(session, "w")
    assert claimed is not None
    jobs.run_job(session, claimed, limits=Limits(max_events=1))
    assert [e["status"] for e in jobs.job_view(job)["errors"]] == [413]


def test_claim_takes_the_oldest_waiting_job_and_not_a_taken_one(session: Session) -> None:
    older = jobs.enqueue(session, document(event("1")))
    newer = jobs.enqueue(session, document(event("2")))
    newer.created_at = older.created_at + timedelta(seconds=1)
    session.flush()
    assert jobs.claim(session, "a").id == older.id
    assert jobs.claim(session, "b").id == newer.id
    assert jobs.claim(session, "c") is None


def test_a_job_whose_lease_ran_out_is_taken_again(session: Session) -> None:
    job = jobs.enqueue(session, document(event("1")))
    jobs.claim(session, "dead", lease=timedelta(seconds=30))
    assert jobs.claim(session, "other") is None
    later = utc_now() + timedelta(minutes=1)
    again = jobs.claim(session, "other", now=later)
    assert again is not None and again.id == job.id and again.attempts == 2 and again.worker_id == "other"


def test_an_unexpected_error_queues_the_job_again_then_fails_it(session: Session) -> None:
    job = jobs.enqueue(session, document(event("1")))
    for attempt in range(1, jobs.MAX_ATTEMPTS + 1):
        assert jobs.claim(session, "w").attempts == attempt
        jobs.requeue_or_fail(session, job.id, "connection lost")
    assert job.status is JobStatus.FAILED and "failed 3 times; last: connection lost" in job.errors[0]["reason"]
    assert jobs.job_view(job)["errors"][0]["type"] == "epcisException:ImplementationException"


def test_list_jobs_pages_newest_first(session: Session) -> None:
    made = [jobs.enqueue(session, document(event(str(i)))) for i in range(3)]
    for i, job in enumerate(made):
        job.created_at = utc_now() + timedelta(seconds=i)
    session.flush()
    page, after = jobs.list_jobs(session, limit=2)
    assert [j.id for j in page] == [made[2].id, made[1].id] and after == made[1].id
    rest, end = jobs.list_jobs(session, limit=2, before=after)
    assert [j.id for j in rest] == [made[0].id] and end is None


@pytest.fixture
def factory(backend: str, make_database: Callable[..., str]):  # type: ignore[no-untyped-def]
    engine = create_db_engine(make_database(backend))
    yield make_session_factory(engine)
    engine.dispose()


def test_run_worker_once_runs_every_waiting_job_and_commits(factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as s, s.begin():
        ids = [jobs.enqueue(s, document(event(str(i)))).id for i in range(3)]
        jobs.enqueue(s, document(event("x", action="FLY")))
    seen: list[str] = []
    stats = jobs.run_worker(factory, worker_id="w1", once=True, on_job=lambda job: seen.append(job.id))
    assert (stats.ran, stats.failed) == (4, 1) and set(ids) < set(seen)
    with factory() as s:
        assert events_in_log(s) == 3
        assert {j.status for j in s.scalars(select(CaptureJob))} == {JobStatus.SUCCESS, JobStatus.FAILED}


def test_two_workers_never_take_the_same_job_and_the_chain_holds(factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as s, s.begin():
        for i in range(12):
            jobs.enqueue(s, document(event(f"{i}-a"), event(f"{i}-b")))
    ran: dict[str, list[str]] = {"w1": [], "w2": []}
    barrier = threading.Barrier(2)

    def work(name: str) -> None:
        barrier.wait()
        jobs.run_worker(factory, worker_id=name, once=True, on_job=lambda job: ran[name].append(job.id))

    threads = [threading.Thread(target=work, args=(name,)) for name in ran]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    taken = ran["w1"] + ran["w2"]
    assert len(taken) == len(set(taken)) == 12
    with factory() as s:
        rows = list(s.scalars(select(CaptureJob)))
        assert all(j.status is JobStatus.SUCCESS and j.attempts == 1 for j in rows)
        assert {j.worker_id for j in rows} <= {"w1", "w2"}
        assert events_in_log(s) == 24 and verify_chain(s).ok


def test_worker_thread_wakes_for_a_new_job_and_stops(factory) -> None:  # type: ignore[no-untyped-def]
    done = threading.Event()
    worker = jobs.WorkerThread(factory, poll_interval=30, on_job=lambda job: done.set()).start()
    try:
        with factory() as s, s.begin():
            jobs.enqueue(s, document(event("1")))
        worker.wake()
        assert done.wait(30), "the woken worker ran the job without waiting for its poll interval"
    finally:
        worker.stop(timeout=30)
    assert not worker.thread.is_alive()
