"""GS1's EPCIS 2.0 examples through the whole capture path, and the export/re-import round trip.

Every example document that the official schema accepts is captured; every one it
rejects is refused with a reason that names the event and field. Exporting the
captured log as JSON-LD and as XML, then importing each export into an empty
database, gives exactly the same event hashes.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.log.audit import verify_chain
from cradletrace.log.capture import capture_document
from cradletrace.db import create_db_engine, make_session_factory
from cradletrace.epcis import read_document, write_jsonld, write_xml
from cradletrace.errors import DocumentConflict, ValidationFailed
from cradletrace.models import Event
from cradletrace.query.events import iter_events
from cradletrace.log.rebuild import check_projections

CONFORMANCE = Path(os.environ["CRADLETRACE_CONFORMANCE_DIR"]) / "epcis"  # set by conftest
NOT_EVENT_DOCUMENTS = {"CaptureJob", "CBV"}  # job status and master data, not event documents


def example_files() -> list[Path]:
    files = sorted((CONFORMANCE / "json").rglob("*.json*")) + sorted((CONFORMANCE / "xml").rglob("*.xml"))
    return [f for f in files if not NOT_EVENT_DOCUMENTS & set(f.relative_to(CONFORMANCE).parts)
            and b"EPCISMasterDataDocument" not in f.read_bytes()[:2000]]


@lru_cache(maxsize=None)
def schema_verdict(path: Path) -> bool:
    """The official schema's verdict (the GS1 files are used by tests only, never shipped)."""
    if path.suffix == ".xml":

        schema = _xsd()
        return schema.is_valid(str(path))
    import jsonschema

    schema = json.loads((CONFORMANCE / "EPCIS-JSON-Schema.json").read_text())
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    return validator.is_valid(json.loads(path.read_text()))


@lru_cache(maxsize=1)
def _xsd():  # type: ignore[no-untyped-def]
    import xmlschema

    return xmlschema.XMLSchema(str(CONFORMANCE / "xsd" / "EPCglobal-epcis-2_0.xsd"))


FILES = example_files()


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CONFORMANCE)))
def test_example_is_captured_exactly_when_the_schema_accepts_it(session: Session, path: Path) -> None:
    if schema_verdict(path):
        events = sum(1 for _ in read_document(path).events)
        report = capture_document(session, path.read_bytes(), name=path.name)
        # A document may carry only master data in its header: it is accepted with no events.
        assert report.captured + len(report.duplicates) == events
        assert verify_chain(session).ok
    else:
        with pytest.raises(ValidationFailed) as caught:
            capture_document(session, path.read_bytes(), name=path.name)
        first = caught.value.errors[0]
        assert first.where and first.where.startswith("event["), f"reason must name the event: {first}"
        print(f"{path.name}: rejected: {caught.value}")


def test_at_least_most_examples_are_valid() -> None:
    valid = [p for p in FILES if schema_verdict(p)]
    assert len(FILES) >= 70 and len(valid) >= len(FILES) - 2, (len(FILES), len(valid))


def _log(session: Session) -> list[tuple[str, bool, str]]:
    return sorted(session.execute(select(Event.event_id, Event.declares_error, Event.event_hash)).all())


# Examples that reuse an eventID of an earlier file (in FILES order) for a different event.
REUSED_EVENT_IDS = {"Example-Type-sourceOrDestination,measurement,bizTransaction.jsonld",
                    "object_event_all_possible_fields.jsonld", "SensorDataExample17.jsonld",
                    "ErrorDeclarationAndCorrectiveEvent.xml"}


def _capture_all(session: Session) -> list[tuple[str, bool, str]]:
    """Capture every valid example into one log.

    A few of GS1's examples give an eventID already used by an earlier file to an event
    with different content: such a file is a conflict, rejected whole, and leaves nothing
    behind; the log holds the rest.
    """
    rejected = []
    for path in FILES:
        if schema_verdict(path):
            try:
                capture_document(session, path.read_bytes(), name=path.name)
            except DocumentConflict:
                rejected.append(path.name)
    assert set(rejected) == REUSED_EVENT_IDS, rejected
    return _log(session)


@pytest.mark.parametrize("fmt", ["jsonld", "xml"])
def test_export_then_import_into_empty_database_keeps_every_hash(
    session: Session, backend: str, make_database: Callable[..., str], fmt: str
) -> None:
    original = _capture_all(session)
    assert len(original) > 90  # the distinct events of every valid example
    buffer = io.BytesIO()
    (write_jsonld if fmt == "jsonld" else write_xml)(iter_events(session), buffer)

    engine = create_db_engine(make_database(backend))
    with make_session_factory(engine)() as fresh:
        report = capture_document(fresh, buffer.getvalue(), name=f"export.{fmt}")
        fresh.commit()
        assert report.duplicates == []
        imported = _log(fresh)
        assert imported == original
        assert verify_chain(fresh).ok
        assert check_projections(fresh) == []
    engine.dispose()


def test_projections_after_all_examples_equal_a_rebuild(session: Session) -> None:
    _capture_all(session)
    assert check_projections(session) == []
