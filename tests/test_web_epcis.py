"""The EPCIS 2.0 REST binding under /epcis (Flask test client): capture jobs, events, queries, headers, limits."""

from __future__ import annotations

from urllib.parse import quote

import orjson
import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from cradletrace.log import jobs
from cradletrace.settings import Limits
from test_log_jobs import UNIT, document, event
from web_support import app, bearer, build_app, client, create_token  # noqa: F401

DOCUMENT = document(event("1"), event("2"), {**event("3"), "bizStep": "receiving"})


@pytest.fixture
def warehouse(session: Session) -> dict[str, str]:
    return bearer(create_token(session, "wendy", "warehouse"))


@pytest.fixture
def reader(session: Session) -> dict[str, str]:
    return bearer(create_token(session, "rita", "compliance"))


def run_jobs(session: Session) -> None:
    """What a worker does, on the test's transaction (a worker thread could not see it)."""
    while (job := jobs.claim(session, "test")) is not None:
        jobs.run_job(session, job)


def capture(client: FlaskClient, headers: dict[str, str], body: bytes = DOCUMENT, **extra: str):  # type: ignore[no-untyped-def]
    return client.post("/epcis/capture", data=body, headers={**headers, "Content-Type": "application/ld+json", **extra})


def test_anonymous_requests_are_refused_with_a_security_problem(client: FlaskClient) -> None:
    for method, path in (("GET", "/epcis/events"), ("OPTIONS", "/epcis/capture"), ("POST", "/epcis/capture"),
                         ("GET", "/epcis/"), ("GET", "/epcis/queries")):
        response = client.open(path, method=method)
        assert response.status_code == 401, (method, path)
        assert response.json["type"] == "epcisException:SecurityException"
        assert response.headers["WWW-Authenticate"].lower().startswith("bearer")


def test_reading_roles_cannot_capture(client: FlaskClient, reader: dict[str, str]) -> None:
    response = capture(client, reader)
    assert response.status_code == 403 and response.json["type"] == "epcisException:SecurityException"
    assert client.get("/epcis/capture", headers=reader).status_code == 200


def test_capture_answers_202_with_a_job_that_reports_success(client: FlaskClient, warehouse, session) -> None:  # type: ignore[no-untyped-def]
    response = capture(client, warehouse)
    assert response.status_code == 202
    location = response.headers["Location"]
    assert location.startswith("/epcis/capture/") and response.headers["GS1-EPCIS-Version"] == "2.0.0"
    job = client.get(location, headers=warehouse).json
    assert job["running"] is True and job["success"] is True and job["captureErrorBehaviour"] == "rollback"
    run_jobs(session)
    job = client.get(location, headers=warehouse).json
    assert (job["running"], job["success"], job["captured"], job["errors"]) == (False, True, 3, [])
    listed = client.get("/epcis/capture", headers=warehouse).json
    assert [j["captureID"] for j in listed] == [location.rsplit("/", 1)[1]]


def test_a_rejected_capture_names_event_and_field(client: FlaskClient, warehouse, session) -> None:  # type: ignore[no-untyped-def]
    bad = document(event("1"), event("2", action="FLY"))
    rollback = capture(client, warehouse, bad).headers["Location"]
    proceed = capture(client, warehouse, bad, **{"GS1-Capture-Error-Behaviour": "proceed"}).headers["Location"]
    run_jobs(session)
    rolled = client.get(rollback, headers=warehouse).json
    assert rolled["success"] is False and rolled["captured"] == 0
    assert (rolled["errors"][0]["event"], rolled["errors"][0]["field"]) == (1, "action")
    proceeded = client.get(proceed, headers=warehouse).json
    assert proceeded["success"] is False and proceeded["captured"] == 1
    assert proceeded["captureErrorBehaviour"] == "proceed"
    assert capture(client, warehouse, bad, **{"GS1-Capture-Error-Behaviour": "all"}).status_code == 400


def test_limits_are_advertised_and_a_large_document_is_refused_with_413(database_url, session) -> None:  # type: ignore[no-untyped-def]
    app = build_app(database_url, session, CAPTURE_LIMITS=Limits(max_document_bytes=200, max_events=50))
    client = app.test_client()
    headers = bearer(create_token(session, "wes", "warehouse"))
    options = client.options("/epcis/capture", headers=headers)
    assert options.status_code == 204
    assert options.headers["GS1-EPCIS-Capture-Limit"] == "50"
    assert options.headers["GS1-EPCIS-Capture-File-Size-Limit"] == "200"
    assert options.headers["GS1-Capture-Error-Behaviour"] == "rollback"
    assert set(options.headers["Allow"].split(", ")) == {"GET", "OPTIONS", "POST"}
    response = capture(client, headers)
    assert response.status_code == 413
    assert response.json["type"] == "epcisException:CaptureLimitExceededException"
    assert response.headers["GS1-EPCIS-Capture-File-Size-Limit"] == "200"
    app.extensions["cradletrace.engine"].dispose()


def test_capture_refuses_other_media_types(client: FlaskClient, warehouse) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/epcis/capture", data=b"hello", headers={**warehouse, "Content-Type": "text/plain"})
    assert response.status_code == 415 and response.json["type"] == "epcisException:UnsupportedMediaTypeException"


def test_xml_capture_and_xml_query_output(client: FlaskClient, warehouse, session, conformance) -> None:  # type: ignore[no-untyped-def]
    xml = (conformance / "epcis/xml/Example_9.6.1-ObjectEvent-2020_06_18a.xml").read_bytes()
    response = client.post("/epcis/capture", data=xml, headers={**warehouse, "Content-Type": "application/xml"})
    assert response.status_code == 202
    run_jobs(session)
    assert client.get(response.headers["Location"], headers=warehouse).json["captured"] == 2
    out = client.get("/epcis/events", headers={**warehouse, "Accept": "application/xml"})
    assert out.status_code == 200 and out.mimetype == "application/xml"
    assert b"EPCISQueryDocument" in out.data and out.data.count(b"</ObjectEvent>") == 2


def test_post_event_is_201_then_409_and_get_by_id(client: FlaskClient, warehouse) -> None:  # type: ignore[no-untyped-def]
    body = orjson.dumps({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                         **event("9", eventID="urn:uuid:6b3b1b6e-0000-4000-8000-000000000009")})
    headers = {**warehouse, "Content-Type": "application/json"}
    created = client.post("/epcis/events", data=body, headers=headers)
    assert created.status_code == 201, created.json
    assert created.headers["Location"] == "/epcis/events/urn:uuid:6b3b1b6e-0000-4000-8000-000000000009"
    assert created.json["epcList"] == [UNIT + "9"]
    again = client.post("/epcis/events", data=body, headers=headers)
    assert again.status_code == 409 and again.json["type"] == "epcisException:ResourceAlreadyExistsException"
    got = client.get(created.headers["Location"], headers=warehouse)
    assert got.status_code == 200
    assert got.json["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0]["eventID"].endswith("0009")
    missing = client.get("/epcis/events/urn:uuid:nothing", headers=warehouse)
    assert missing.status_code == 404 and missing.json["type"] == "epcisException:NoSuchNameException"
    invalid = client.post("/epcis/events", data=orjson.dumps({**event("8"), "action": "FLY"}), headers=headers)
    assert invalid.status_code == 400 and invalid.json["type"] == "epcisException:ValidationException"


@pytest.fixture
def captured(client: FlaskClient, warehouse, session) -> dict[str, str]:  # type: ignore[no-untyped-def]
    capture(client, warehouse)
    run_jobs(session)
    return warehouse


def events_of(response) -> list[dict]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


def test_query_parameters_pages_and_the_link_header(client: FlaskClient, captured) -> None:  # type: ignore[no-untyped-def]
    assert len(events_of(client.get("/epcis/events?EQ_bizStep=shipping", headers=captured))) == 2
    assert len(events_of(client.get("/epcis/events?EQ_bizStep=shipping|receiving", headers=captured))) == 3
    assert len(events_of(client.get(f"/epcis/events?MATCH_epc={quote(UNIT + '3')}", headers=captured))) == 1
    first = client.get("/epcis/events?perPage=2&eventType=ObjectEvent", headers=captured)
    assert len(events_of(first)) == 2
    link = first.headers["Link"]
    assert link.endswith('>; rel="next"') and "nextPageToken=" in link and "eventType=ObjectEvent" in link
    second = client.get(link[1:link.index(">")].replace("http://localhost", ""), headers=captured)
    assert len(events_of(second)) == 1 and "Link" not in second.headers
    bad = client.get("/epcis/events?EQ_nonsense=1", headers=captured)
    assert bad.status_code == 400 and bad.json["type"] == "epcisException:QueryParameterException"
    assert "EQ_nonsense" in bad.json["detail"]


def test_shortcut_paths_and_top_level_resources(client: FlaskClient, captured) -> None:  # type: ignore[no-untyped-def]
    assert len(events_of(client.get("/epcis/bizSteps/receiving/events", headers=captured))) == 1
    assert len(events_of(client.get("/epcis/eventTypes/ObjectEvent/events", headers=captured))) == 3
    assert len(events_of(client.get(f"/epcis/epcs/{quote(UNIT + '2', safe='')}/events", headers=captured))) == 1
    assert len(events_of(client.get("/epcis/epcs/urn:epc:id:sgtin:9506000.013435.2/events", headers=captured))) == 1
    assert client.get("/epcis/bizSteps", headers=captured).json["member"] == ["receiving", "shipping"]
    assert client.get("/epcis/eventTypes", headers=captured).json["member"][0] == "AggregationEvent"
    epcs = client.get("/epcis/epcs?perPage=2", headers=captured)
    assert epcs.json["member"] == [UNIT + "1", UNIT + "2"] and "nextPageToken=" in epcs.headers["Link"]
    assert client.get("/epcis/bizSteps/shipping", headers=captured).json["member"] == ["events"]
    top = client.get("/epcis/", headers=captured).json
    assert top["type"] == "Collection" and len(top["member"]) == 9


def test_named_queries(client: FlaskClient, captured) -> None:  # type: ignore[no-untyped-def]
    body = {"name": "shipped", "query": {"EQ_bizStep": ["shipping"], "eventType": ["ObjectEvent"]}}
    created = client.post("/epcis/queries", json=body, headers=captured)
    assert created.status_code == 201 and created.headers["Location"] == "/epcis/queries/shipped"
    assert client.post("/epcis/queries", json=body, headers=captured).status_code == 409
    assert client.get("/epcis/queries", headers=captured).json == [body]
    assert client.get("/epcis/queries/shipped", headers=captured).json == body
    first = client.get("/epcis/queries/shipped/events?perPage=1", headers=captured)
    assert len(events_of(first)) == 1 and "nextPageToken=" in first.headers["Link"]
    bad = client.post("/epcis/queries", json={"name": "x", "query": {"EQ_nope": "1"}}, headers=captured)
    assert bad.status_code == 400
    assert client.delete("/epcis/queries/shipped", headers=captured).status_code == 204
    assert client.get("/epcis/queries/shipped/events", headers=captured).status_code == 404


def test_version_headers_and_negotiation(client: FlaskClient, captured) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/epcis/events", headers=captured)
    assert response.headers["GS1-EPCIS-Version"] == "2.0.0" and response.headers["GS1-CBV-Version"] == "2.0.0"
    assert client.get("/epcis/events", headers={**captured, "GS1-EPCIS-Version": "1.2"}).status_code == 406
    assert client.get("/epcis/events", headers={**captured, "GS1-EPCIS-Min": "2.1"}).status_code == 406
    assert client.get("/epcis/events", headers={**captured, "GS1-EPCIS-Max": "2.0"}).status_code == 200
    refused = client.get("/epcis/events", headers={**captured, "Accept": "text/csv"})
    assert refused.status_code == 406 and refused.json["type"] == "epcisException:NotAcceptableException"
    options = client.options("/epcis/events", headers=captured)
    assert options.status_code == 204 and set(options.headers["Allow"].split(", ")) == {"GET", "OPTIONS", "POST"}


def test_epc_format_gives_digital_link_by_default_and_urns_where_a_prefix_is_configured(
        database_url, session, client, captured) -> None:  # type: ignore[no-untyped-def]
    assert events_of(client.get("/epcis/events", headers=captured))[0]["epcList"] == [UNIT + "1"]
    urn_app = build_app(database_url, session, COMPANY_PREFIXES=("9506000",))
    urns = urn_app.test_client().get("/epcis/events", headers={**captured, "GS1-EPC-Format": "Always_EPC_URN"})
    assert events_of(urns)[0]["epcList"] == ["urn:epc:id:sgtin:9506000.013435.1"]
    urn_app.extensions["cradletrace.engine"].dispose()
    assert client.get("/epcis/events", headers={**captured, "GS1-EPC-Format": "urns"}).status_code == 400


def test_release_of_a_page_token_is_a_no_op(client: FlaskClient, captured) -> None:  # type: ignore[no-untyped-def]
    assert client.delete("/epcis/nextPageToken/abc", headers=captured).status_code == 204
