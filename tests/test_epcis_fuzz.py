"""Property-based tests of capture (issue 18): mutated GS1 examples are captured or cleanly rejected.

GS1's EPCIS 2.0 example documents (the conformance folder, JSON-LD and XML) are mutated at
random: fields dropped, values of the wrong type, huge and deeply nested values, other
encodings (UTF-16, a BOM, invalid UTF-8) and truncation. The only outcomes of
``capture_document`` allowed are a capture or a rejection by a
:class:`~cradletrace.errors.TraceError` whose faults the CLI can list; a rejection writes
nothing (every table is counted before and after, in the same transaction). The default suite
runs a few examples per strategy; ``-m slow`` runs many.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from cradletrace.cli.capture import faults
from cradletrace.errors import TraceError
from cradletrace.log.capture import capture_document
from cradletrace.models.base import Base

_spec = importlib.util.spec_from_file_location(
    "conformance_capture", Path(__file__).with_name("test_conformance_capture.py"))
_conformance = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(_conformance)  # type: ignore[union-attr]

FILES = _conformance.example_files(Path(os.environ["CRADLETRACE_CONFORMANCE_DIR"]))  # set by conftest
JSON_FILES = [f for f in FILES if f.suffix != ".xml"]
XML_FILES = [f for f in FILES if f.suffix == ".xml"]

_CHECKS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
FEW = settings(max_examples=25, deadline=None, database=None, suppress_health_check=_CHECKS)
MANY = settings(max_examples=400, deadline=None, database=None, suppress_health_check=_CHECKS)
#: Deep enough to break a recursive reader or writer (Python's default limit is 1000 frames).
DEEP = 5000



@lru_cache(maxsize=None)
def _bytes(path: Path) -> bytes:
    return path.read_bytes()


def table_counts(session: Session) -> dict[str, int]:
    """Rows in every table, in one statement."""
    tables = sorted(Base.metadata.tables.values(), key=lambda t: t.name)
    row = session.execute(select(*(select(func.count()).select_from(t).scalar_subquery().label(t.name)
                                   for t in tables))).one()
    return dict(zip((t.name for t in tables), row))


def attempt(session: Session, data: bytes) -> bool:
    """Capture ``data`` in a savepoint (rolled back afterwards); True when captured, False when rejected."""
    savepoint = session.begin_nested()
    try:
        before = table_counts(session)
        try:
            capture_document(session, data, name="fuzz")
        except TraceError as exc:
            assert str(exc)
            items = faults(exc)  # what `cradletrace capture` prints: every fault has a reason
            assert items and all(item["reason"] for item in items)
            assert table_counts(session) == before, "a rejected document wrote rows"
            return False
        return True
    finally:
        savepoint.rollback()


# --- JSON ---------------------------------------------------------------------------------------

_ODD_VALUES = st.sampled_from([None, True, 0, -1, 1.5, 10 ** 30, "", "x", [], {}, [1, "a"], {"a": {"b": None}},
                               "2025-13-45T99:99:99Z", "urn:epc:id:sgtin:0.0.0", "\u0000", "\ud7ff\ue000",
                               "\U0001f600" * 3])
_HUGE_VALUES = st.sampled_from(["x" * 50_000, 2 ** 63 - 1, -(2 ** 63), 1e308, -1e-308,
                                ["urn:epc:id:sgtin:9506000.013435.1"] * 1000, {f"k{i}": i for i in range(500)}])#: Integers beyond 64 bits (the JSON reader refuses them: "integer overflow").
_HUGE_INTEGERS = st.sampled_from([2 ** 64, 10 ** 400, -(10 ** 400)])


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside a JSON document (keys and list indexes)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _parent(document: Any, path: tuple) -> Any:
    for step in path[:-1]:
        document = document[step]
    return document


@st.composite
def json_mutations(draw: Any, values: st.SearchStrategy[Any] = _ODD_VALUES) -> bytes:
    """A GS1 JSON example with one to four fields dropped or replaced by a value of another type."""
    document = json.loads(_bytes(draw(st.sampled_from(JSON_FILES))))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(document) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(document, path)
        if draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = copy.deepcopy(draw(values))  # the sampled value is shared between examples
    return json.dumps(document, ensure_ascii=draw(st.booleans())).encode()


def json_deep(path: Path, field: str, brackets: tuple[str, str], depth: int = DEEP) -> bytes:
    """A GS1 JSON example with a deeply nested array or object as the value of a field of its first event."""
    document = json.loads(_bytes(path))
    events = document.get("epcisBody", {}).get("eventList") or [{}]
    marker = "__deep__"
    events[0][field] = marker
    opening, closing = brackets
    return json.dumps(document).replace(f'"{marker}"', opening * depth + "1" + closing * depth, 1).encode()


# --- XML ----------------------------------------------------------------------------------------

@st.composite
def xml_mutations(draw: Any) -> bytes:
    """A GS1 XML example with elements dropped, duplicated, emptied or given odd text."""
    root = etree.fromstring(_bytes(draw(st.sampled_from(XML_FILES))))
    for _ in range(draw(st.integers(1, 4))):
        elements = [e for e in root.iter() if isinstance(e.tag, str) and e is not root]
        if not elements:
            break
        element = draw(st.sampled_from(elements))
        how = draw(st.sampled_from(["drop", "duplicate", "text", "huge", "attribute"]))
        parent = element.getparent()
        if how == "drop":
            parent.remove(element)
        elif how == "duplicate":
            element.addprevious(copy.deepcopy(element))
        elif how == "text":
            element.text = draw(st.sampled_from(["", "abc", "-1", "1e999", "2025-13-45T99:99:99Z", " \t ", "\u00e9"]))
            for child in list(element):
                element.remove(child)
        elif how == "huge":
            element.text = "x" * 200_000
        else:
            element.set(draw(st.sampled_from(["type", "id", "uom", "{urn:x}a"])),
                        draw(st.sampled_from(["", "x", "1", "urn:x:1", "\u00e9", "a" * 10_000])))
    return etree.tostring(root, xml_declaration=draw(st.booleans()), encoding="UTF-8")


def xml_deep(path: Path, depth: int = DEEP) -> bytes:
    """A GS1 XML example with a deeply nested extension element in its first event."""
    data = _bytes(path)
    nested = b'<x:a xmlns:x="urn:example:x">' + b"<x:a>" * depth + b"1" + b"</x:a>" * (depth + 1)
    for closing in (b"</ObjectEvent>", b"</AggregationEvent>", b"</TransformationEvent>",
                    b"</TransactionEvent>", b"</AssociationEvent>", b"</extension>"):
        if closing in data:
            return data.replace(closing, nested + closing, 1)
    return data.replace(b"</EPCISBody>", nested + b"</EPCISBody>", 1)


# --- bytes: encodings and truncation --------------------------------------------------------------

@st.composite
def byte_mutations(draw: Any) -> bytes:
    """Any example re-encoded (UTF-16, a BOM, Latin-1), with invalid UTF-8 spliced in, or cut short."""
    data = _bytes(draw(st.sampled_from(FILES)))
    how = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "bom", "double-bom", "latin-1", "invalid",
                                "truncate", "nul", "junk"]))
    if how.startswith("utf-16"):
        return data.decode("utf-8").encode(how)
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    if how == "double-bom":
        return b"\xef\xbb\xbf\xef\xbb\xbf" + data
    if how == "latin-1":
        return data.decode("utf-8").replace('"', '"\u00e9', 7).encode("latin-1", "replace")
    at = draw(st.integers(0, len(data)))
    if how == "invalid":
        return data[:at] + draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80",
                                                 b"\xc0\xaf"])) + data[at:]
    if how == "truncate":
        return data[:at]
    if how == "nul":
        return data[:at] + b"\x00" + data[at:]
    return data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]


STRATEGIES = {
    "json fields": json_mutations(),
    "json huge values": json_mutations(_HUGE_VALUES),
    "json huge integers": json_mutations(_HUGE_INTEGERS),
    "xml elements": xml_mutations(),
    "encodings and truncation": byte_mutations(),
}


def test_the_examples_are_there() -> None:
    assert len(JSON_FILES) >= 40 and len(XML_FILES) >= 25, (len(JSON_FILES), len(XML_FILES))


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_mutated_documents_are_captured_or_cleanly_rejected(session: Session, name: str) -> None:
    @FEW
    @given(STRATEGIES[name])
    def run(data: bytes) -> None:
        attempt(session, data)

    run()


@pytest.mark.parametrize("brackets", [("[", "]"), ('{"a":', "}")], ids=["arrays", "objects"])
@pytest.mark.parametrize("field", ["epcList", "ilmd", "example:extension", "sensorElementList"])
def test_deeply_nested_json_is_captured_or_cleanly_rejected(session: Session, field: str,
                                                            brackets: tuple[str, str]) -> None:
    attempt(session, json_deep(JSON_FILES[0], field, brackets))


@pytest.mark.parametrize("path", XML_FILES[:3], ids=lambda p: p.name)
def test_deeply_nested_xml_is_captured_or_cleanly_rejected(session: Session, path: Path) -> None:
    attempt(session, xml_deep(path))


@pytest.mark.parametrize("field", ["type", "action"])
def test_a_list_as_type_or_action_is_rejected(session: Session, field: str) -> None:
    """Found by these tests: a list or object as ``type`` or ``action`` crashed validation (unhashable type)."""
    document = json.loads(_bytes(JSON_FILES[0]))
    document["epcisBody"]["eventList"][0][field] = ["ObjectEvent", "ADD"]
    assert attempt(session, json.dumps(document).encode()) is False


def test_a_second_event_list_is_rejected(session: Session) -> None:
    """Found by these tests: the events of a second EventList crashed the XML reader (lxml: not a child)."""
    data = _bytes(XML_FILES[0])
    body = data[data.index(b"<EPCISBody"):data.index(b"</EPCISBody>") + len(b"</EPCISBody>")]
    twice = data.replace(body, body + body, 1)
    assert attempt(session, twice) is False
    with pytest.raises(TraceError, match="a second EventList"):
        capture_document(session, twice, name="twice.xml")


def test_the_unmutated_examples_are_captured(session: Session) -> None:
    """The strategies start from documents capture accepts (so the mutation is what is tested)."""
    accepted = [path.name for path in FILES if attempt(session, _bytes(path))]
    assert len(accepted) >= len(FILES) - 2


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_many_mutated_documents(session: Session, name: str) -> None:
    @MANY
    @given(STRATEGIES[name])
    def run(data: bytes) -> None:
        attempt(session, data)

    run()


@pytest.mark.parametrize("value", ["1e308", "1e20", "-1e19", "99999999999999999999", "9" * 5000])
def test_numbers_beyond_64_bits_are_captured_or_cleanly_rejected(session: Session, value: str) -> None:
    """Found by these tests: an integral float beyond 64 bits (1e20) became an int the payload could not hold."""
    json_document = json.loads(_bytes(JSON_FILES[0]))
    json_document["epcisBody"]["eventList"][0]["example:reading"] = "__number__"
    data = json.dumps(json_document).replace('"__number__"', value).encode()
    if len(value) < 20:  # the JSON reader itself refuses long integers ("integer overflow")
        assert attempt(session, data) is True
    xml = _bytes(XML_FILES[0])
    closing = b"</ObjectEvent>" if b"</ObjectEvent>" in xml else b"</AssociationEvent>"
    reading = f'<x:reading xmlns:x="urn:example:x">{value}</x:reading>'.encode()
    assert attempt(session, xml.replace(closing, reading + closing, 1)) is True
