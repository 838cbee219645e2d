"""``cradletrace capture`` of master data, ``masterdata show``, and places named in recall, history and exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cradletrace.cli import main

SITE = "urn:epc:id:sgln:0037000.00729.0"
DOCK = "urn:epc:id:sgln:0037000.00729.8203"
UNIT = "urn:epc:id:sgtin:9506000.013435.7"
NAMES = b"""<epcismd:EPCISMasterDataDocument xmlns:epcismd="urn:epcglobal:epcis-masterdata:xsd:2" schemaVersion="2.0"
 creationDate="2025-01-01T00:00:00Z"><EPCISBody><VocabularyList>
 <Vocabulary type="urn:epcglobal:epcis:vtype:BusinessLocation"><VocabularyElementList>
  <VocabularyElement id="urn:epc:id:sgln:0037000.00729.0"><attribute id="urn:epcglobal:cbv:mda#name">Fancy site</attribute>
   <attribute id="urn:epcglobal:cbv:mda#countryCode">US</attribute>
   <children><id>urn:epc:id:sgln:0037000.00729.8203</id></children></VocabularyElement>
  <VocabularyElement id="urn:epc:id:sgln:0037000.00729.8203"><attribute id="urn:epcglobal:cbv:mda#name">Dock 3</attribute>
   </VocabularyElement>
 </VocabularyElementList></Vocabulary></VocabularyList></EPCISBody></epcismd:EPCISMasterDataDocument>"""
EVENTS = json.dumps({
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument",
    "schemaVersion": "2.0", "creationDate": "2025-01-01T00:00:00Z", "epcisBody": {"eventList": [
        {"type": "ObjectEvent", "action": "ADD", "eventTime": "2025-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00",
         "epcList": [UNIT], "bizStep": "commissioning", "disposition": "active", "bizLocation": {"id": DOCK}},
        {"type": "ObjectEvent", "action": "OBSERVE", "eventTime": "2025-01-02T00:00:00Z",
         "eventTimeZoneOffset": "+00:00", "epcList": [UNIT], "bizStep": "storing", "bizLocation": {"id": DOCK}}]}})


def run(database: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, [*args, "--database", database], catch_exceptions=False)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "names.xml").write_bytes(NAMES)
    (tmp_path / "events.jsonld").write_text(EVENTS)
    return {"names": tmp_path / "names.xml", "events": tmp_path / "events.jsonld"}


def test_capture_show_recall_history_and_an_export_imported_elsewhere(
        make_database, backend: str, files: dict[str, Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    database = make_database(backend)
    captured = json.loads(run(database, "capture", str(files["events"]), str(files["names"]), "--format", "json").output)
    assert [(r["captured"], r["masterdata"]) for r in captured["files"]] == [(2, 0), (0, 2)]
    assert "master data: 2 stored, 0 unchanged" in run(database, "capture", str(files["names"]), "--dry-run").output
    shown = run(database, "masterdata", "show", SITE)
    assert shown.exit_code == 0, shown.output
    assert "name: Fancy site" in shown.output and "children: https://id.gs1.org/414/0037000007296/254/8203" in shown.output
    data = json.loads(run(database, "masterdata", "show", "(414)0037000007296(254)8203", "--format", "json").output)
    assert (data["location"]["name"], data["parents"]) == ("Dock 3", ["https://id.gs1.org/414/0037000007296"])
    assert [a["value"] for a in data["current"][0]["attributes"]] == ["Dock 3"]
    assert "at Dock 3" in run(database, "recall", UNIT).output
    assert run(database, "history", UNIT).output.count("at Dock 3") == 2
    within = json.loads(run(database, "query", "-q", f"WD_bizLocation={SITE}", "--format", "json").output)
    assert len(within["events"]) == 2
    for fmt in ("xml", "jsonld"):
        out = tmp_path / f"export.{fmt}"
        assert run(database, "export", "--format", fmt, "-o", str(out)).exit_code == 0
        elsewhere = make_database(backend)
        assert run(elsewhere, "capture", str(out)).exit_code == 0
        assert json.loads(run(elsewhere, "recall", UNIT, "--format", "json").output)[0]["biz_location_name"] == "Dock 3"
        assert run(elsewhere, "history", UNIT).output.count("at Dock 3") == 2
        again = json.loads(run(elsewhere, "query", "-q", f"WD_bizLocation={SITE}", "--format", "json").output)
        assert len(again["events"]) == 2


def test_show_of_an_unknown_place_is_one_error_line(make_database, backend: str) -> None:  # type: ignore[no-untyped-def]
    database = make_database(backend)
    result = CliRunner().invoke(main, ["masterdata", "show", "urn:epc:id:sgln:0037000.00729.1", "--database", database])
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and result.output.count("\n") == 1


def test_a_rejected_master_data_file_is_one_error_line(make_database, backend: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    database = make_database(backend)
    bad = tmp_path / "bad.xml"
    bad.write_bytes(NAMES.replace(b">US<", b">USA<"))
    result = CliRunner().invoke(main, ["capture", str(bad), "--database", database])
    assert result.exit_code == 1 and "countryCode" in result.output and "rejected, nothing written" in result.output
    assert "no master data captured" not in run(database, "masterdata", "--help").output
