"""GS1's EPCIS 2.0 examples through the whole capture path, and the export/re-import round trip.

Every example document that the official schema accepts is captured; every one it
rejects is refused with a reason that names the event and field. Exporting the
captured log as JSON-LD and as XML, then importing each export into an empty
database, gives exactly the same event hashes.
"""

from __future__ import annotations

import io
import json
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

NOT_EVENT_DOCUMENTS = {"CaptureJob", "CBV"}  # job status and master data, not event documents


def example_files(conformance: Path) -> list[Path]:
    epcis = conformance / "epcis"
    files = sorted((epcis / "json").rglob("*.json*")) + sorted((epcis / "xml").rglob("*.xml"))
    return [f for f in files if not NOT_EVENT_DOCUMENTS & set(f.relative_to(epcis).parts)
            and b"EPCISMasterDataDocument" not in f.read_bytes()[:2000]]


@lru_cache(maxsize=None)
def schema_verdict(path: Path, conformance: Path) -> bool:
    """The official schema's verdict (the GS1 files are used by tests only, never shipped)."""
    if path.suffix == ".xml":
        return _xsd(conformance).is_valid(str(path))
    import jsonschema

    schema = json.loads((conformance / "epcis" / "EPCIS-JSON-Schema.json").read_text())
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    return validator.is_valid(json.loads(path.read_text()))


@lru_cache(maxsize=1)
def _xsd(conformance: Path):  # type: ignore[no-untyped-def]
    import xmlschema

    return xmlschema.XMLSchema(str(conformance / "epcis" / "xsd" / "EPCglobal-epcis-2_0.xsd"))


@pytest.mark.conformance_files(select=example_files)
def test_example_is_captured_exactly_when_the_schema_accepts_it(session: Session, conformance_file: Path,
                                                                conformance: Path) -> None:
    path = conformance_file
    if schema_verdict(path, conformance):
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


def test_at_least_most_examples_are_valid(conformance: Path) -> None:
    files = example_files(conformance)
    valid = [p for p in files if schema_verdict(p, conformance)]
    assert len(files) >= 70 and len(valid) >= len(files) - 2, (len(files), len(valid))


def _log(session: Session) -> list[tuple[str, bool, str]]:
    return sorted(session.execute(select(Event.event_id, Event.declares_error, Event.event_hash)).all())


# Examples that reuse an eventID of an earlier file (in file order) for a different event.
REUSED_EVENT_IDS = {"Example-Type-sourceOrDestination,measurement,bizTransaction.jsonld",
                    "object_event_all_possible_fields.jsonld", "SensorDataExample17.jsonld",
                    "ErrorDeclarationAndCorrectiveEvent.xml"}


def _capture_all(session: Session, conformance: Path) -> list[tuple[str, bool, str]]:
    """Capture every valid example into one log.

    A few of GS1's examples give an eventID already used by an earlier file to an event
    with different content: such a file is a conflict, rejected whole, and leaves nothing
    behind; the log holds the rest.
    """
    rejected = []
    for path in example_files(conformance):
        if schema_verdict(path, conformance):
            try:
                capture_document(session, path.read_bytes(), name=path.name)
            except DocumentConflict:
                rejected.append(path.name)
    assert set(rejected) == REUSED_EVENT_IDS, rejected
    return _log(session)


@pytest.mark.parametrize("fmt", ["jsonld", "xml"])
def test_export_then_import_into_empty_database_keeps_every_hash(
    session: Session, backend: str, make_database: Callable[..., str], fmt: str, conformance: Path
) -> None:
    original = _capture_all(session, conformance)
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


def test_projections_after_all_examples_equal_a_rebuild(session: Session, conformance: Path) -> None:
    _capture_all(session, conformance)
    assert check_projections(session) == []
