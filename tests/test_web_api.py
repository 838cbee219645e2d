"""The JSON API under /api (Flask test client): lineage, recall as JSON and CSV, passports, the OpenAPI document."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from cradletrace.web.api import ROUTES
from lineage_world import C2, C3, RM1, U1, U2, build_product
from web_support import app, bearer, client, create_token  # noqa: F401


@pytest.fixture
def analyst(session: Session) -> dict[str, str]:
    build_product(session)
    return bearer(create_token(session, "sam", "supply_chain"))


def test_every_api_route_is_documented_and_every_documented_path_is_a_route(app: Flask, client, session) -> None:  # type: ignore[no-untyped-def]
    import re

    # A Flask rule's <int:x> or <x> is the document's {x}; each (path, method) once on both sides.
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api"):]), method.lower())
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")
              for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    doc = client.get("/api/openapi.json", headers=bearer(create_token(session, "doc", "sales"))).json
    assert doc["openapi"].startswith("3.1")
    documented = {(path, method) for path, item in doc["paths"].items() for method in item}
    assert documented == routes == {(route.path, route.method.lower()) for route in ROUTES}
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            for parameter in operation["parameters"]:
                name = parameter["$ref"].rsplit("/", 1)[1]
                assert name in doc["components"]["parameters"], (path, method, name)
                if doc["components"]["parameters"][name]["in"] == "path":
                    assert "{" + name + "}" in path
            for content in operation.get("requestBody", {}).get("content", {}).values():
                assert content["schema"]["$ref"].rsplit("/", 1)[1] in doc["components"]["schemas"]


def test_anonymous_callers_get_401_and_other_roles_403(client: FlaskClient, session: Session) -> None:
    for path in ("/api/openapi.json", f"/api/recall?id={quote(U1)}", f"/api/passports?id={quote(U1)}"):
        response = client.get(path)
        assert response.status_code == 401 and response.mimetype == "application/problem+json", path
    sales = bearer(create_token(session, "sue", "sales"))
    assert client.get(f"/api/lineage/upstream?id={quote(U1)}", headers=sales).status_code == 403


def test_upstream_as_of_a_time_and_downstream(client: FlaskClient, analyst) -> None:  # type: ignore[no-untyped-def]
    before_swap = client.get(f"/api/lineage/upstream?id={quote(U1)}&as_of=2024-06-15", headers=analyst)
    assert before_swap.status_code == 200, before_swap.json
    body = before_swap.json
    assert body["direction"] == "upstream" and body["identifier"] == U1
    parts = {row["identifier"] for row in body["rows"]}
    assert C2 in parts and C3 not in parts and RM1 in parts
    after_swap = client.get(f"/api/lineage/upstream?id={quote(U1)}&as_of=2024-07-15", headers=analyst).json
    assert C3 in {row["identifier"] for row in after_swap["rows"]}
    down = client.get(f"/api/lineage/downstream?id={quote(RM1)}", headers=analyst).json
    assert U2 in {row["identifier"] for row in down["rows"]}
    assert all(row["valid_from"] is None or row["valid_from"].endswith("Z") for row in down["rows"])


def test_recall_as_json_and_csv(client: FlaskClient, analyst) -> None:  # type: ignore[no-untyped-def]
    body = client.get(f"/api/recall?id={quote(RM1)}", headers=analyst).json
    assert body["count"] == len(body["units"]) and U2 in {u["identifier"] for u in body["units"]}
    csv = client.get(f"/api/recall?id={quote(RM1)}&format=csv", headers=analyst)
    assert csv.mimetype == "text/csv" and csv.data.decode().splitlines()[0].startswith("identifier,gtin,serial")
    assert len(csv.data.decode().splitlines()) == body["count"] + 1
    by_accept = client.get(f"/api/recall?id={quote(RM1)}", headers={**analyst, "Accept": "text/csv"})
    assert by_accept.mimetype == "text/csv"


def test_passport_is_cut_to_the_callers_roles(client: FlaskClient, analyst) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/passports?id={quote(U2)}", headers=analyst)
    assert response.status_code == 200, response.json
    assert response.json["identifier"] == U2 and response.json["sections"]


def test_bad_parameters_are_400_and_unknown_identifiers_404(client: FlaskClient, analyst) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/recall", headers=analyst).json["where"] == "query parameter id"
    assert client.get(f"/api/recall?id={quote(U1)}&max_depth=-1", headers=analyst).status_code == 400
    assert client.get(f"/api/recall?id={quote(U1)}&format=xml", headers=analyst).status_code == 400
    assert client.get(f"/api/lineage/upstream?id={quote(U1)}&as_of=soon", headers=analyst).status_code == 400
    assert client.get("/api/recall?id=https%3A%2F%2Fid.gs1.org%2F01%2F09506000134352%2F21%2Fnever",
                      headers=analyst).status_code == 404


def test_footprint_materials_and_compliance_of_a_unit_as_of_a_time(client: FlaskClient, session: Session) -> None:
    import metrics_world as mw

    from cradletrace.compliance import status
    from cradletrace.metrics import footprint, materials

    mw.build(session)
    auth = bearer(create_token(session, "sue", "sustainability"))
    unit = quote(mw.P1, safe="")
    now = client.get(f"/api/metrics/footprint?id={unit}", headers=auth)
    assert now.status_code == 200, now.get_json()
    body = now.get_json()
    expected = footprint(session, mw.P1)
    assert body["unit"] == mw.P1 and body["total_kg_co2e"] == pytest.approx(expected.total)
    assert body["stages"] == pytest.approx(dict(expected.stages))
    assert [g["subject"] for g in body["gaps"]] == [g["subject"] for g in expected.gaps]
    # Before the board swap of day 60 the unit held B1, not B2: the service stage is not there yet.
    from cradletrace.passport import parse_as_of

    day30 = mw.day(30).date().isoformat()
    before = client.get(f"/api/metrics/footprint?id={unit}&as_of={day30}", headers=auth)
    assert before.status_code == 200
    assert before.get_json()["stages"] == pytest.approx(dict(footprint(session, mw.P1, at=parse_as_of(day30)).stages))
    assert before.get_json()["stages"] != body["stages"]
    mats = client.get(f"/api/metrics/materials?id={unit}", headers=auth).get_json()
    assert mats["recycled_share"] == pytest.approx(materials(session, mw.P1).recycled_share)
    comp = client.get(f"/api/compliance?id={unit}", headers=auth).get_json()
    assert comp["status"] == status(session, mw.P1).status
    # The explanation rows name supplier lots and sites: not for a warehouse token.
    warehouse = bearer(create_token(session, "wes", "warehouse"))
    assert client.get(f"/api/metrics/footprint?id={unit}", headers=warehouse).status_code == 403
