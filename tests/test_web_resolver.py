"""The GS1 Digital Link resolver and the passport page: canonical redirects, content negotiation,
linksets and linkType, unknown identifiers (counted, rate-limited), and the public/staff views."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

import passport_world as world
from cradletrace.models import UnknownScan
from web_support import app, bearer, client, make_token, signed_in  # noqa: F401

P1_PATH = "/01/09506000134352/21/P1"
HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}
RESTRICTED = (world.CUSTOMER_NAME, world.PLANT_NAME, world.DEPOT_NAME, "INV-7781", "PO-4410", "Packs Ltd")


@pytest.fixture
def built(app: Flask, session) -> Flask:
    world.build(session)
    return app


@pytest.mark.parametrize("path", [
    "/(01)09506000134352(21)P1",
    "/urn:epc:id:sgtin:9506000.013435.P1",
    "/01/9506000134352/21/P1",
    "/01/09506000134352/10/LOT9/21/P1",
    "/01/09506000134352/21/P1?17=261231",
    "/https:/example.com/01/09506000134352/21/P1",
])
def test_other_forms_redirect_to_the_canonical_path(built: Flask, path: str) -> None:
    response = built.test_client().get(path)
    assert response.status_code in (301, 308) and response.headers["Location"].endswith(P1_PATH), \
        (response.status_code, response.headers.get("Location"))


def test_search_and_resolve_redirect_with_303(built: Flask) -> None:
    client = built.test_client()
    for url in ("/resolve?id=urn:epc:id:sgtin:9506000.013435.P1", "/?q=(01)09506000134352(21)P1",
                "/?q=https://id.example.org/01/09506000134352/21/P1", "/?q=P1"):
        response = client.get(url)
        assert response.status_code == 303 and response.headers["Location"] == P1_PATH, url


def test_a_redirect_keeps_the_as_of_and_link_type(built: Flask) -> None:
    response = built.test_client().get("/01/9506000134352/21/P1?as_of=2025-02-01&linkType=gs1:pip")
    assert response.headers["Location"] == P1_PATH + "?as_of=2025-02-01&linkType=gs1%3Apip"


def test_a_malformed_identifier_is_a_400_page(built: Flask) -> None:
    response = built.test_client().get("/01/09506000134353/21/P1", headers=HTML)  # wrong check digit
    assert response.status_code == 400 and "check digit" in response.get_data(as_text=True)


def test_browsers_get_the_passport_page(built: Flask) -> None:
    response = built.test_client().get(P1_PATH, headers=HTML)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Battery pack 48 V" in page and "(01)09506000134352(21)P1" in page and "<svg" in page
    assert 'rel="linkset"' in response.headers["Link"] and "Accept" in response.headers["Vary"]
    assert 'href="/01/09506000134369/21/B3"' in page, "lineage nodes link to their own pages"


def test_json_for_api_clients(built: Flask) -> None:
    response = built.test_client().get(P1_PATH, headers=JSON)
    assert response.mimetype == "application/json"
    body = response.json
    assert body["identifier"] == "https://id.gs1.org/01/09506000134352/21/P1" and body["viewer"]["public"]
    assert [s["name"] for s in body["sections"]] == ["identity", "status", "integrity", "footprint", "composition",
                                                     "timeline", "commercial_chain", "lineage"]


def test_linkset_and_link_types(built: Flask) -> None:
    client = built.test_client()
    response = client.get(P1_PATH, headers={"Accept": "application/linkset+json"})
    assert response.mimetype == "application/linkset+json"
    (entry,) = response.json["linkset"]
    assert entry["anchor"].endswith(P1_PATH)
    assert entry["https://gs1.org/voc/pip"][0]["href"].endswith(P1_PATH)
    assert "MATCH_anyEPC=" in entry["https://gs1.org/voc/epcis"][0]["href"]
    assert "https://gs1.org/voc/certificationInfo" not in entry, "no compliance section, no link"
    assert entry["https://gs1.org/voc/sustainabilityInfo"][0]["href"].endswith(P1_PATH + "#footprint")
    pip = client.get(P1_PATH + "?linkType=gs1:pip")
    assert pip.status_code == 307 and pip.headers["Location"].endswith(P1_PATH)
    epcis = client.get(P1_PATH + "?linkType=https://gs1.org/voc/epcis")
    assert epcis.status_code == 307 and "/epcis/events?" in epcis.headers["Location"]
    assert client.get(P1_PATH + "?linkType=all").mimetype == "application/linkset+json"
    missing = client.get(P1_PATH + "?linkType=gs1:recipeInfo", headers=JSON)
    assert missing.status_code == 404 and "gs1:pip" in missing.json["detail"]


def test_lots_products_and_parts_have_pages(built: Flask) -> None:
    client = built.test_client()
    assert client.get("/01/09506000134390/10/AL-1", headers=JSON).json["kind"] == "lot"
    product = client.get("/01/09506000134352", headers=HTML)
    assert product.status_code == 200 and "Battery pack 48 V" in product.get_data(as_text=True)
    assert client.get("/01/09506000134352", headers=JSON).json["name"] == "Battery pack 48 V"


def test_an_unknown_identifier_is_a_possible_counterfeit_and_is_counted(built: Flask, session) -> None:
    client = built.test_client()
    for _ in range(3):
        page = client.get("/01/09506000134413/21/FAKE", headers=HTML)
        assert page.status_code == 404 and "counterfeit" in page.get_data(as_text=True)
    api = client.get("/01/09506000134413/21/FAKE", headers=JSON)
    assert api.status_code == 404 and api.json["registered"] is False
    rows = session.scalars(select(UnknownScan)).all()
    assert [(r.identifier, r.count) for r in rows] == [("https://id.gs1.org/01/09506000134413/21/FAKE", 4)]
    assert client.get("/01/09506000134413", headers=JSON).json["registered"] is False  # unknown product


def test_a_known_product_with_an_unknown_serial_says_so(built: Flask) -> None:
    page = built.test_client().get("/01/09506000134352/21/NOT-MADE", headers=HTML).get_data(as_text=True)
    assert "Battery pack 48 V" in page and "this serial is not registered here" in page


def test_answers_about_unknown_identifiers_are_rate_limited(built: Flask) -> None:
    built.config["UNKNOWN_SCANS_PER_MINUTE"] = 2
    client = built.test_client()
    statuses = [client.get(f"/01/09506000134413/21/S{i}", headers=JSON).status_code for i in range(3)]
    assert statuses == [404, 404, 429]
    assert client.get(P1_PATH, headers=JSON).status_code == 200, "known units are not limited"


def test_the_public_sees_no_restricted_data_and_staff_see_theirs(built: Flask, signed_in) -> None:
    public = built.test_client().get(P1_PATH, headers=HTML).get_data(as_text=True)
    for secret in RESTRICTED:
        assert secret not in public, secret
    assert public.count("Visible to") == 1 and 'id="commercial_chain"' in public, "only the commercial chain is locked"
    finance = signed_in("finance").get(P1_PATH, headers=HTML).get_data(as_text=True)
    assert world.CUSTOMER_NAME in finance and "INV-7781" in finance and world.PLANT_NAME not in finance
    warehouse = signed_in("warehouse").get(P1_PATH, headers=HTML).get_data(as_text=True)
    assert world.DEPOT_NAME in warehouse and world.CUSTOMER_NAME not in warehouse and "INV-7781" not in warehouse
    preview = signed_in("finance").get(P1_PATH + "?view=public", headers=HTML).get_data(as_text=True)
    assert world.CUSTOMER_NAME not in preview and "back to your view" in preview


def test_a_token_sees_the_staff_json(built: Flask, make_token) -> None:
    body = built.test_client().get(P1_PATH, headers=bearer(make_token("erp", "sales"))).json
    assert body["viewer"] == {"roles": ["sales"], "public": False}
    assert world.CUSTOMER_NAME in str(body)


def test_the_as_of_date_changes_the_composition(built: Flask) -> None:
    client = built.test_client()

    def parts(day: str) -> list[str]:
        body = client.get(f"{P1_PATH}?as_of={day}", headers=JSON).json
        (section,) = [s for s in body["sections"] if s["name"] == "composition"]
        return [p["label"] for p in section["data"]["parts"]]

    assert parts(world.BEFORE_SWAP) == ["BMS board #B1"]
    assert parts(world.AFTER_SWAP) == ["BMS board #B3"]
    bad = client.get(f"{P1_PATH}?as_of=yesterday", headers=JSON)
    assert bad.status_code == 400 and bad.json["where"] == "as_of"


def test_unknown_scans_are_listed_for_compliance(built: Flask, signed_in) -> None:
    built.test_client().get("/01/09506000134413/21/FAKE")
    listing = signed_in("compliance").get("/unknown-scans", headers=JSON).json["unknown_scans"]
    assert listing[0]["identifier"].endswith("/21/FAKE") and listing[0]["count"] == 1
