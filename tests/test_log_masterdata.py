"""Master data captured through the one capture path: versions, rows, child_of edges, history, all or nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cradletrace.errors import ValidationFailed
from cradletrace.identifiers import normalize_epc
from cradletrace.lifecycle import add_location, add_party
from cradletrace.lineage import history
from cradletrace.log import capture
from cradletrace.log.capture import capture_document
from cradletrace.log.masterdata import place_names
from cradletrace.log.rebuild import check_projections, rebuild_projections
from cradletrace.models import Edge, EdgeKind, Event, Location, MasterDataVersion, Node
from cradletrace.query import query_events

MASTERDATA_FILES = ("xml/CBV/CBV-11.4-2020-06-16a.xml", "xml/Mimasu/Example-masterData.xml",
                    "xml/WithFullCombinationOfFields/masterdata_all_possible_fields.xml")
SITE = "urn:epc:id:sgln:0037000.00729.0"
SUBS = ["urn:epc:id:sgln:0037000.00729.8201", "urn:epc:id:sgln:0037000.00729.8202",
        "urn:epc:id:sgln:0037000.00729.8203"]
NAME = "urn:epcglobal:cbv:mda#name"


def masterdata_doc(elements: list[tuple[str, dict[str, str], list[str]]], vtype: str = "BusinessLocation") -> bytes:
    body = "".join(
        f'<VocabularyElement id="{id_}">'
        + "".join(f'<attribute id="{k}">{v}</attribute>' for k, v in attributes.items())
        + (f"<children>{''.join(f'<id>{c}</id>' for c in children)}</children>" if children else "")
        + "</VocabularyElement>" for id_, attributes, children in elements)
    return (f'<epcismd:EPCISMasterDataDocument xmlns:epcismd="urn:epcglobal:epcis-masterdata:xsd:2" '
            f'schemaVersion="2.0" creationDate="2025-01-01T00:00:00Z"><EPCISBody><VocabularyList>'
            f'<Vocabulary type="urn:epcglobal:epcis:vtype:{vtype}"><VocabularyElementList>{body}'
            f'</VocabularyElementList></Vocabulary></VocabularyList></EPCISBody>'
            f'</epcismd:EPCISMasterDataDocument>').encode()


def events_doc(places: list[str], serial: str = "1", header: str = "") -> bytes:
    events = "".join(
        f"<ObjectEvent><eventTime>2025-01-0{i + 1}T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00"
        f"</eventTimeZoneOffset><epcList><epc>urn:epc:id:sgtin:9506000.013435.{serial}</epc></epcList>"
        f"<action>OBSERVE</action><bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>"
        f"<readPoint><id>{place}</id></readPoint><bizLocation><id>{place}</id></bizLocation></ObjectEvent>"
        for i, place in enumerate(places))
    return (f'<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" '
            f'creationDate="2025-01-01T00:00:00Z">{header}<EPCISBody><EventList>{events}</EventList></EPCISBody>'
            f'</epcis:EPCISDocument>').encode()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """Each capture records a time one second after the previous one."""
    now = [datetime(2026, 1, 1)]

    def tick() -> datetime:
        now[0] += timedelta(seconds=1)
        return now[0]

    monkeypatch.setattr(capture, "utc_now", tick)
    return now


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("name", MASTERDATA_FILES)
def test_gs1_master_data_is_stored_as_the_files_have_it(session: Session, conformance: Path, name: str) -> None:
    path = conformance / "epcis" / name
    report = capture_document(session, path)
    tree = etree.parse(str(path))
    elements = [(v.get("type"), e) for v in tree.iter("Vocabulary") for e in v.iter("VocabularyElement")]
    assert report.masterdata == len(elements) and report.captured == 0
    versions = {(v.node_id, v.vtype): v for v in session.scalars(select(MasterDataVersion))}
    ids = dict(session.execute(select(Node.identifier, Node.id)).all())
    for vtype, element in elements:
        stored = versions[(ids[normalize_epc(element.get("id"))], vtype)]
        assert [a["id"] for a in stored.attributes] == [a.get("id") for a in element.findall("attribute")]
        assert stored.children == [normalize_epc(i.text.strip()) for i in element.findall("children/id")]
        assert stored.valid_to is None and stored.capture_id == report.capture_id
    parents = {(ids[normalize_epc(c.text.strip())], ids[normalize_epc(e.get("id"))])
               for _, e in elements for c in e.findall("children/id")}
    edges = {(e.src, e.dst) for e in session.scalars(select(Edge).where(Edge.kind == EdgeKind.CHILD_OF))}
    assert edges == parents
    located = {ids[normalize_epc(e.get("id"))] for _, e in elements}
    assert set(session.scalars(select(Location.node_id))) == located
    assert count(session, Event) == 0  # master data is not an event: the log and its chain are untouched


def test_cbv_location_names_become_columns(session: Session, conformance: Path) -> None:
    capture_document(session, conformance / "epcis" / MASTERDATA_FILES[0])
    line = session.scalar(select(Location).join(Node, Node.id == Location.node_id)
                          .where(Node.identifier == normalize_epc("urn:epc:id:sgln:0614141.00300.1")))
    assert line is not None and (line.site, line.ssd) == ("0614141003006", "Line #1 at Manufacturing Plant 1")
    capture_document(session, masterdata_doc([("urn:epc:id:sgln:0614141.00300.1", {
        NAME: "Line 1", "urn:epcglobal:cbv:mda#countryCode": "nl", "urn:epcglobal:cbv:mda#latitude": "52.1",
        "urn:epcglobal:cbv:mda#longitude": "-4.5", "urn:epcglobal:cbv:mda#city": "Delft"}, [])]))
    session.refresh(line)
    assert (line.name, line.country, line.latitude, line.longitude, line.city) == ("Line 1", "NL", 52.1, -4.5, "Delft")
    assert line.site == "0614141003006"  # the ReadPoint description still gives it


def test_a_resent_document_changes_nothing(session: Session, conformance: Path) -> None:
    path = conformance / "epcis" / MASTERDATA_FILES[1]
    first = capture_document(session, path)
    before = (count(session, MasterDataVersion), count(session, Edge), count(session, Location))
    again = capture_document(session, path)
    assert (again.masterdata, again.masterdata_unchanged) == (0, first.masterdata)
    assert (count(session, MasterDataVersion), count(session, Edge), count(session, Location)) == before


def test_a_renamed_place_keeps_its_old_name_on_earlier_events(session: Session, clock: list[datetime]) -> None:
    place = SUBS[0]
    capture_document(session, masterdata_doc([(place, {NAME: "Dock A"}, [])]))
    capture_document(session, events_doc([place], serial="R1"))
    capture_document(session, masterdata_doc([(place, {NAME: "Dock B"}, [])]))
    later = events_doc([place], serial="R1").replace(b"2025-01-01", b"2025-02-01")
    capture_document(session, later)
    entries = history(session, "urn:epc:id:sgtin:9506000.013435.R1")
    assert [e.biz_location_name for e in entries] == ["Dock A", "Dock B"]
    versions = list(session.scalars(select(MasterDataVersion).order_by(MasterDataVersion.valid_from)))
    assert [v.valid_to for v in versions] == [versions[1].valid_from, None]
    row = session.scalar(select(Location.name).join(Node, Node.id == Location.node_id)
                         .where(Node.identifier == normalize_epc(place)))
    assert row == "Dock B"


def test_a_place_described_after_its_events_is_named_by_that_description(session: Session) -> None:
    capture_document(session, events_doc([SUBS[1]], serial="L1"))
    capture_document(session, masterdata_doc([(SUBS[1], {NAME: "Dock 2"}, [])]))
    assert [e.biz_location_name for e in history(session, "urn:epc:id:sgtin:9506000.013435.L1")] == ["Dock 2"]
    assert place_names(session, [(normalize_epc(SUBS[1]), None)]) == {(normalize_epc(SUBS[1]), None): "Dock 2"}


@pytest.mark.parametrize("masterdata_first", [True, False])
def test_within_finds_events_at_every_sub_location(session: Session, masterdata_first: bool) -> None:
    hierarchy = masterdata_doc([(SITE, {NAME: "Site"}, SUBS[:2]), (SUBS[1], {}, [SUBS[2]])])
    documents = [hierarchy, events_doc([*SUBS, SITE]), events_doc(["urn:epc:id:sgln:0614141.00300.0"], serial="9")]
    for document in documents if masterdata_first else documents[1:] + documents[:1]:
        capture_document(session, document)
    site = query_events(session, {"WD_bizLocation": SITE}).events
    assert sorted(e["bizLocation"]["id"] for e in site) == sorted(normalize_epc(p) for p in [SITE, *SUBS])
    below = query_events(session, {"WD_readPoint": f"{SUBS[1]}|{SUBS[0]}"}).events
    assert sorted(e["readPoint"]["id"] for e in below) == sorted(normalize_epc(p) for p in SUBS)
    assert query_events(session, {"WD_bizLocation": SUBS[2]}).events[0]["bizLocation"]["id"] == normalize_epc(SUBS[2])
    assert query_events(session, {"WD_bizLocation": "urn:epc:id:sgln:0037000.00729.9"}).events == []


def test_a_cyclic_hierarchy_ends(session: Session) -> None:
    capture_document(session, masterdata_doc([(SUBS[0], {}, [SUBS[1]]), (SUBS[1], {}, [SUBS[0]])]))
    capture_document(session, events_doc(SUBS[:2]))
    assert len(query_events(session, {"WD_bizLocation": SUBS[0]}).events) == 2


def test_a_later_description_closes_the_children_it_no_longer_lists(session: Session, clock: list[datetime]) -> None:
    capture_document(session, masterdata_doc([(SITE, {}, SUBS)]))
    capture_document(session, masterdata_doc([(SITE, {}, SUBS[:1])]))
    open_edges = session.scalars(select(Edge).where(Edge.kind == EdgeKind.CHILD_OF, Edge.valid_to.is_(None))).all()
    assert len(open_edges) == 1 and count(session, Edge) == 3


@pytest.mark.parametrize("bad, where", [
    ({"urn:epcglobal:cbv:mda#countryCode": "Germany"}, "countryCode"),
    ({"urn:epcglobal:cbv:mda#latitude": "north"}, "latitude"),
    ({"urn:epcglobal:cbv:mda#longitude": "190"}, "longitude"),
])
def test_a_bad_document_changes_nothing(session: Session, bad: dict[str, str], where: str) -> None:
    header = ("<EPCISHeader><extension><EPCISMasterData>"
              + masterdata_doc([(SITE, bad, SUBS)]).decode().split("<EPCISBody>")[1].split("</EPCISBody>")[0]
              + "</EPCISMasterData></extension></EPCISHeader>")
    for document in (masterdata_doc([(SITE, {NAME: "ok"}, []), (SUBS[0], bad, [])]), events_doc(SUBS, header=header)):
        with pytest.raises(ValidationFailed) as caught:
            capture_document(session, document)
        assert where in str(caught.value)
    assert (count(session, MasterDataVersion), count(session, Location), count(session, Event), count(session, Edge)) \
        == (0, 0, 0, 0)


def test_an_invalid_identifier_is_refused_like_an_event_s(session: Session) -> None:
    with pytest.raises(ValidationFailed, match=r"vocabulary\[0\]\.element\[0\]\.id: invalid identifier"):
        capture_document(session, masterdata_doc([("urn:epc:id:sgln:0037000.00729", {}, [])]))


def test_a_dry_run_writes_nothing(session: Session, conformance: Path) -> None:
    report = capture_document(session, conformance / "epcis" / MASTERDATA_FILES[1], dry_run=True)
    assert report.masterdata == 7 and count(session, MasterDataVersion) == 0


def test_services_and_partners_describe_one_place(session: Session) -> None:
    add_party(session, "urn:epc:id:pgln:0037000.00000", "ACME")
    add_location(session, SITE, "Main plant", party="urn:epc:id:pgln:0037000.00000", country="DE")
    capture_document(session, masterdata_doc([(SITE, {"urn:epcglobal:cbv:mda#city": "Berlin"}, SUBS[:1])]))
    (row,) = session.scalars(select(Location).join(Node, Node.id == Location.node_id)
                             .where(Node.identifier == normalize_epc(SITE))).all()
    assert (row.name, row.country, row.city, row.party_id is not None) == ("Main plant", "DE", "Berlin", True)
    capture_document(session, masterdata_doc([(SITE, {NAME: "Plant Berlin"}, SUBS[:1])]))
    session.refresh(row)
    # A column the current description does not give keeps its value (the city of the first one).
    assert (row.name, row.city, row.country) == ("Plant Berlin", "Berlin", "DE")
    add_location(session, SITE, "Renamed by a service")
    assert count(session, Location) == 1  # a child that is only listed gets no row until it is described


def test_rebuild_keeps_the_hierarchy(session: Session) -> None:
    capture_document(session, masterdata_doc([(SITE, {}, SUBS)]))
    capture_document(session, events_doc(SUBS))
    rebuild_projections(session)
    assert count(session, Edge) >= 3
    assert check_projections(session) == []
    assert len(query_events(session, {"WD_bizLocation": SITE}).events) == 3


def test_master_data_costs_the_same_statements_for_any_number_of_elements(session: Session, count_statements) -> None:  # type: ignore[no-untyped-def]
    def cost(n: int, offset: int) -> int:
        elements = [(f"urn:epc:id:sgln:0037000.00729.{offset + i}", {NAME: f"P{i}"}, [f"urn:epc:id:sgln:0037000.00729.{offset + i + 500}"])
                    for i in range(n)]
        with count_statements(session) as sent:
            capture_document(session, masterdata_doc(elements))
        return len(sent)

    assert cost(3, 100) == cost(40, 200)


def json_doc(header_last: bool) -> bytes:
    import orjson

    header = {"epcisMasterData": {"vocabularyList": [{"type": "urn:epcglobal:epcis:vtype:BusinessLocation",
                                                      "vocabularyElementList": [{"id": SITE, "children": SUBS[:1],
                                                                                 "attributes": [{"id": "cbvmda:ssd",
                                                                                                 "attribute": "x"}]}]}]}}
    body = {"eventList": [{"type": "ObjectEvent", "action": "OBSERVE", "eventTime": "2025-01-01T00:00:00Z",
                           "eventTimeZoneOffset": "+00:00", "epcList": ["urn:epc:id:sgtin:9506000.013435.J"],
                           "bizLocation": {"id": SUBS[0]}}]}
    doc: dict[str, object] = {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                              "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2025-01-01T00:00:00Z"}
    if header_last:
        doc |= {"epcisBody": body, "epcisHeader": header}
    else:
        doc |= {"epcisHeader": header, "epcisBody": body}
    return orjson.dumps(doc)


@pytest.mark.parametrize("header_last", [False, True])
@pytest.mark.parametrize("reader_process", [False, True])
def test_json_ld_header_master_data_wherever_it_is_and_however_it_is_read(
        session: Session, header_last: bool, reader_process: bool) -> None:
    report = capture_document(session, json_doc(header_last), reader_process=reader_process)
    assert (report.captured, report.masterdata) == (1, 1)
    assert len(query_events(session, {"WD_bizLocation": SITE}).events) == 1
    (version,) = session.scalars(select(MasterDataVersion))
    assert version.attributes == [{"id": "urn:epcglobal:cbv:mda:ssd", "value": "x"}]


def test_xml_header_master_data_through_the_reader_process(session: Session, conformance: Path) -> None:
    path = conformance / "epcis" / MASTERDATA_FILES[2]
    report = capture_document(session, path.read_bytes(), reader_process=True)
    assert report.masterdata == 2
