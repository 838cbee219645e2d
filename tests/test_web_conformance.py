"""schemathesis against our /api/openapi.json and against GS1's EPCIS openapi.yaml for the /epcis routes.

Both run on the Flask app through WSGI (no server), with few examples per operation so the default
suite stays fast: no response may be a 5xx, and every response must match the schema (status code,
content type, body). GS1's document is read from the conformance data (never copied into the
package); the few places where it cannot be met, or where it contradicts itself, are changed in
memory below, each with its reason. (schemathesis's pytest plugin does not run under pytest 9 yet,
so each operation is one parametrised test that runs hypothesis itself.)
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.orm import Session

from cradletrace.web.api import ROUTES
from cradletrace.web.api.openapi import document
from lineage_world import build_product
from web_support import app, bearer, create_token  # noqa: F401

SETTINGS = settings(max_examples=6, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def run_operation(schema: Any, path: str, method: str, headers: dict[str, str], checks: list[Any] = CHECKS,
                  examples: int = 6) -> None:
    """Call one operation with ``examples`` generated cases; every check must hold for every case."""
    operation = schema[path][method]

    @settings(SETTINGS, max_examples=examples)
    @given(case=operation.as_strategy())
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    check()


API_OPERATIONS = [(route.path, route.method) for route in ROUTES]
Q2C_PATHS = ("/quotes", "/configurations", "/contracts", "/entitlement", "/revenue", "/reports",
             "/invoices", "/payments")
"""The quote-to-cash operations: they run on q2c_world, for a caller holding the sales and finance roles."""
Q2C_ROLES = ("sales", "sales_manager", "finance", "compliance")


def _api_sweep(app: Any, session: Session, path: str, method: str, examples: int) -> None:
    if path.startswith(Q2C_PATHS):
        import q2c_world

        q2c_world.build(session)
        roles: tuple[str, ...] = Q2C_ROLES
    else:
        build_product(session)
        roles = ("supply_chain",)
    schema = schemathesis.openapi.from_dict(document(ROUTES))
    schema.app = app
    run_operation(schema, path, method, bearer(create_token(session, "fuzz", *roles)), examples=examples)


@pytest.mark.parametrize(("path", "method"), API_OPERATIONS, ids=[f"{m} {p}" for p, m in API_OPERATIONS])
def test_api_conforms_to_its_openapi_document(app, session: Session, backend: str, path: str, method: str) -> None:  # type: ignore[no-untyped-def]
    if path.startswith(Q2C_PATHS) and backend != "sqlite":
        pytest.skip("q2c_world costs seconds to build on PostgreSQL; the slow sweep runs it there too")
    _api_sweep(app, session, path, method, examples=4 if path.startswith(Q2C_PATHS) else 6)


@pytest.mark.slow
@pytest.mark.parametrize(("path", "method"), API_OPERATIONS, ids=[f"{m} {p}" for p, m in API_OPERATIONS])
def test_api_conforms_to_its_openapi_document_thoroughly(app, session: Session, path: str, method: str) -> None:  # type: ignore[no-untyped-def]
    _api_sweep(app, session, path, method, examples=25)


# --- GS1's EPCIS 2.0 REST binding ----------------------------------------------------------------

STUB = "https://gs1.github.io/EPCIS/REST%20Bindings/JSON-Schema-Stub.json#/definitions/"
EMBEDDED = "EPCISJSON_"

#: GS1 operations this server does not implement, and why (docs/epcis-rest.md says the same).
NOT_IMPLEMENTED = {
    "/queries/{queryName}/subscriptions": "query subscriptions (webhooks, websockets) are not implemented",
    "/queries/{queryName}/subscriptions/{subscriptionID}": "query subscriptions are not implemented",
}


def _walk(node: Any, visit: Any) -> Any:
    node = visit(node)
    if isinstance(node, dict):
        return {k: _walk(v, visit) for k, v in node.items()}
    if isinstance(node, list):
        return [_walk(v, visit) for v in node]
    return node


def gs1_document(conformance_dir: Any) -> dict[str, Any]:
    """GS1's openapi.yaml, made loadable offline and corrected where it contradicts itself (each change says why)."""
    import orjson
    import yaml

    spec = yaml.safe_load((conformance_dir / "epcis/rest/openapi.yaml").read_text())
    json_schema = orjson.loads((conformance_dir / "epcis/EPCIS-JSON-Schema.json").read_bytes())

    def offline(node: Any) -> Any:
        # The remote JSON-Schema stub is GS1's EPCIS-JSON-Schema.json (the same definitions): embed it.
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref.startswith(STUB):
                return {**node, "$ref": f"#/components/schemas/{EMBEDDED}{ref[len(STUB):]}"}
            if ref.startswith("#/definitions/"):
                return {**node, "$ref": f"#/components/schemas/{EMBEDDED}{ref[len('#/definitions/'):]}"}
        if isinstance(node, dict) and isinstance(node.get("example"), dict) and "$ref" in node["example"]:
            return {k: v for k, v in node.items() if k != "example"}  # examples that are remote files
        return node

    spec = _walk(spec, offline)
    definitions = _walk(json_schema["definitions"], offline)
    spec["components"]["schemas"].update({EMBEDDED + name: schema for name, schema in definitions.items()})
    spec["servers"] = [{"url": "/epcis"}]
    for path in NOT_IMPLEMENTED:
        del spec["paths"][path]
    schemas, responses = spec["components"]["schemas"], spec["components"]["responses"]
    # CaptureJob's oneOf of two objects without required properties: every job matches both, so none
    # can satisfy a oneOf. anyOf is what the text means (errors, or an errorFile).
    capture_job = schemas["CaptureJob"]["allOf"][1]
    capture_job["anyOf"] = capture_job.pop("oneOf")
    # 409 declares its status as 406, and 415's type misspells UnsupportedMediaTypeException.
    for content in responses["409ResourceAlreadyExistsException"]["content"].values():
        content["schema"]["allOf"][0]["properties"]["status"]["enum"] = [409]
    for content in responses["415UnsupportedMediaType"]["content"].values():
        content["schema"]["allOf"][0]["properties"]["type"]["enum"] = ["epcisException:UnsupportedMediaTypeException"]
    # GET /queries/{queryName} is one query definition (its example, and the standard's text), not an array.
    schemas_200 = spec["paths"]["/queries/{queryName}"]["get"]["responses"]["200"]["content"]["application/json"]
    schemas_200["schema"] = {"$ref": "#/components/schemas/QueryDefinition"}
    # A malformed query parameter is a QueryParameterException (400) in EPCIS 2.0 (section 8.2.7), and a
    # malformed request a ValidationException: GS1's document lists 400 on some operations only.
    for item in spec["paths"].values():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("400", {"$ref": "#/components/responses/400QueryIssues"})
    return spec


@functools.cache
def _gs1_raw() -> dict[str, Any]:
    from conftest import CONFORMANCE

    return gs1_document(CONFORMANCE)


def gs1_schema() -> Any:
    """GS1's document as a schemathesis schema (a new one per test: its operations keep the app they ran on)."""
    return schemathesis.openapi.from_dict(copy.deepcopy(_gs1_raw()))


def _gs1_operations() -> list[tuple[str, str]]:
    from conftest import CONFORMANCE

    if not (CONFORMANCE / "epcis/rest/openapi.yaml").is_file():
        return [("(conformance data missing)", "GET")]
    return [(path, method.upper()) for path, item in _gs1_raw()["paths"].items() for method in item
            if method in ("get", "post", "delete", "options")]


GS1_OPERATIONS = _gs1_operations()


def _sweep(app: Any, session: Session, path: str, method: str, examples: int) -> None:
    from cradletrace.log.capture import capture_document
    from test_log_jobs import document, event

    capture_document(session, document(event("1"), event("2", eventID="urn:uuid:fuzz-2"),
                                       {**event("3"), "bizStep": "receiving"}))
    schema = gs1_schema()
    schema.app = app
    run_operation(schema, path, method, bearer(create_token(session, "fuzz", "warehouse")), examples=examples)


@pytest.mark.parametrize(("path", "method"), GS1_OPERATIONS, ids=[f"{m} {p}" for p, m in GS1_OPERATIONS])
def test_epcis_conforms_to_gs1s_openapi(app, session: Session, backend: str, conformance, path: str,  # type: ignore[no-untyped-def]
                                        method: str) -> None:
    if backend != "sqlite":
        pytest.skip("the HTTP layer answers the same on every database; the slow sweep runs PostgreSQL too")
    _sweep(app, session, path, method, examples=2)


@pytest.mark.slow
@pytest.mark.parametrize(("path", "method"), GS1_OPERATIONS, ids=[f"{m} {p}" for p, m in GS1_OPERATIONS])
def test_epcis_conforms_to_gs1s_openapi_thoroughly(app, session: Session, conformance, path: str,  # type: ignore[no-untyped-def]
                                                   method: str) -> None:
    _sweep(app, session, path, method, examples=25)
