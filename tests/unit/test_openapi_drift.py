"""The committed OpenAPI document is the code's, valid, and true to template.yaml (DESIGN 4.7)."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from portico_local.openapi import (
    DOCUMENT,
    SECURITY_SCHEME,
    OpenApiError,
    build_document,
    merge_documents,
    render,
)
from portico_local.template import Route, routes

ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_document()


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def test_given_the_code_when_the_document_is_generated_then_it_equals_the_committed_one(
    document,
):
    committed = DOCUMENT.read_text(encoding="utf-8") if DOCUMENT.exists() else ""
    assert render(document) == committed, (
        "docs/openapi.json is out of date with the handlers or template.yaml: run `make openapi`"
    )


def test_given_the_document_when_validated_then_it_is_valid_openapi(document):
    assert document["openapi"].startswith("3.")
    validate(document)  # raises OpenAPIValidationError with the offending path


def test_given_the_template_when_compared_then_each_route_is_exactly_one_operation(document):
    documented = set(operations(document))
    in_template = {(route.method, route.path) for route in routes()}
    assert documented == in_template


def test_given_any_operation_then_its_errors_are_documented_with_the_error_body(document):
    for (method, path), operation in operations(document).items():
        statuses = {int(code) for code in operation["responses"] if code.isdigit()}
        errors = sorted(code for code in statuses if code >= 400)
        assert errors, f"{method} {path} documents no error response"
        for code in errors:
            response = operation["responses"][str(code)]
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            assert schema == ERROR_BODY, f"{method} {path} {code} does not use the error body"


def test_given_the_error_body_schema_then_it_has_the_contract_shape(document):
    schemas = document["components"]["schemas"]
    assert schemas["ErrorBody"]["required"] == ["error"]
    assert {"code", "message"} <= set(schemas["ErrorDetail"]["required"])


def test_given_authorized_routes_then_they_need_the_bearer_and_answer_401(document):
    documented = operations(document)
    scheme = document["components"]["securitySchemes"][SECURITY_SCHEME]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for route in routes():
        operation = documented[(route.method, route.path)]
        if route.authorized:
            assert operation.get("security") == [{SECURITY_SCHEME: []}], route.route_key
            assert "401" in operation["responses"], f"{route.route_key} does not document 401"
        else:
            assert "security" not in operation, f"{route.route_key} is public in the template"
    assert "security" not in document  # no global requirement: public routes stay public


def test_given_any_operation_then_its_success_response_has_a_schema(document):
    for (method, path), operation in operations(document).items():
        success = [code for code in operation["responses"] if code.startswith("2")]
        assert success, f"{method} {path} documents no success response"
        for code in success:
            if code == "204":  # no content, by definition
                continue
            content = operation["responses"][code].get("content", {})
            assert content, f"{method} {path} {code} documents no body"
            for media_type, body in content.items():
                assert body.get("schema"), f"{method} {path} {code} {media_type}"


# --- the merge refuses what would make the document lie -----------------------------------


def _route(method: str, path: str, authorized: bool = True) -> Route:
    return Route(method, path, "Function", "mod.handler.lambda_handler", authorized)


def _part(path: str, method: str, schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    operation = {"responses": {"404": {"description": "Not found", "content": {}}}}
    return {
        "openapi": "3.1.0",
        "paths": {path: {method: operation}},
        "components": {"schemas": schemas or {}},
    }


def test_given_a_template_route_missing_from_the_code_when_merged_then_it_raises():
    parts = [("a.handler", _part("/v1/a", "get"))]
    template = [_route("GET", "/v1/a"), _route("POST", "/v1/b")]
    with pytest.raises(OpenApiError, match=r"in template.yaml but not in the code: POST /v1/b"):
        merge_documents(parts, template)


def test_given_a_code_route_missing_from_the_template_when_merged_then_it_raises():
    parts = [("a.handler", _part("/v1/a", "get")), ("b.handler", _part("/v1/b", "put"))]
    with pytest.raises(OpenApiError, match=r"in the code but not in template.yaml: PUT /v1/b"):
        merge_documents(parts, [_route("GET", "/v1/a")])


def test_given_two_modules_with_different_models_of_one_name_when_merged_then_it_raises():
    parts = [
        ("a.handler", _part("/v1/a", "get", {"Thing": {"type": "object"}})),
        ("b.handler", _part("/v1/b", "get", {"Thing": {"type": "string"}})),
    ]
    with pytest.raises(OpenApiError, match="schema 'Thing' differs"):
        merge_documents(parts, [_route("GET", "/v1/a"), _route("GET", "/v1/b")])


def test_given_two_modules_with_one_operation_when_merged_then_it_raises():
    parts = [("a.handler", _part("/v1/a", "get")), ("b.handler", _part("/v1/a", "get"))]
    with pytest.raises(OpenApiError, match=r"defined by both a\.handler and b\.handler"):
        merge_documents(parts, [_route("GET", "/v1/a")])


def test_given_a_public_route_when_merged_then_only_authorized_ones_need_the_bearer():
    parts = [("a.handler", _part("/v1/a", "get")), ("b.handler", _part("/v1/b", "get"))]
    merged = merge_documents(
        parts, [_route("GET", "/v1/a", authorized=False), _route("GET", "/v1/b")]
    )
    assert "security" not in merged["paths"]["/v1/a"]["get"]
    assert merged["paths"]["/v1/b"]["get"]["security"] == [{SECURITY_SCHEME: []}]
