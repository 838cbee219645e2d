"""EPCIS 2.0 documents: reading (JSON-LD and XML), validation, and writing.

Public API
----------
read_document, ParsedDocument
    Stream an EPCISDocument, EPCISQueryDocument or (XML) EPCISMasterDataDocument: header now, events lazily,
    each as ``(index, event, errors)`` in the canonical form of ``docs/event-form.md``.
read_event
    One event (a JSON object with its own ``@context``, or an XML event element).
validate_event
    Validate and normalise one canonical event (the rules both readers and capture use).
write_jsonld, write_xml
    Stream canonical events out as an EPCIS 2.0 document.

Modules: :mod:`~cradletrace.epcis.document` (format detection, entry points),
:mod:`~cradletrace.epcis.jsonld_reader`, :mod:`~cradletrace.epcis.xml_reader`,
:mod:`~cradletrace.epcis.source` (sources and the ParsedDocument both readers return),
:mod:`~cradletrace.epcis.eventhash` (the EPCIS event hash),
:mod:`~cradletrace.epcis.rules` (validation and normalisation), :mod:`~cradletrace.epcis.fields`
(the standard fields per event type, in XSD order), :mod:`~cradletrace.epcis.namespaces`,
:mod:`~cradletrace.epcis.jsonld_writer`, :mod:`~cradletrace.epcis.xml_writer`,
:mod:`~cradletrace.epcis.masterdata` (master data of EPCISMasterDataDocuments and document headers,
checked and normalised; both readers keep it in ``header["epcisHeader"]``).

Examples
--------
>>> import io
>>> from cradletrace.epcis import read_document, write_xml
>>> doc = read_document(b'''<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"
...   creationDate="2025-01-01T00:00:00Z"><EPCISBody><EventList><ObjectEvent>
...   <eventTime>2025-01-01T10:00:00+01:00</eventTime><eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
...   <epcList><epc>urn:epc:id:sgtin:9506000.013435.1</epc></epcList><action>OBSERVE</action>
...   <bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep></ObjectEvent></EventList></EPCISBody>
...   </epcis:EPCISDocument>''')
>>> [(ev["bizStep"], ev["epcList"], errors) for _, ev, errors in doc.events]
[('shipping', ['https://id.gs1.org/01/09506000134352/21/1'], [])]
"""

from cradletrace.epcis.document import ParsedDocument, detect_format, read_document, read_event
from cradletrace.epcis.jsonld_writer import write_jsonld
from cradletrace.epcis.rules import validate_event
from cradletrace.epcis.xml_writer import write_xml

__all__ = ["ParsedDocument", "detect_format", "read_document", "read_event", "validate_event", "write_jsonld",
           "write_xml"]
