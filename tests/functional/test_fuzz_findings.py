"""What schemathesis found (tests/fuzz) and how it stays fixed, through the handlers: every
answer a route gives is one its OpenAPI description documents, with the body it describes."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from portico_local.openapi import build_document
from tests.support.api import call
from tests.support.factories import a_business, customer_body, invoice_body
from tests.support.sessions import bearer, signed_up

NOT_UTF8 = b"\xff\xfe\xfd{"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_document()


def documented(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    responses: dict[str, Any] = document["paths"][path][method.lower()]["responses"]
    return responses


def conforms(document: dict[str, Any], schema: dict[str, Any], value: Any) -> list[str]:
    validator = Draft202012Validator({**schema, "components": document["components"]})
    return [error.message for error in validator.iter_errors(value)]


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/v1/auth/accept", "/v1/auth/accept"),
        ("/v1/auth/resend-link", "/v1/auth/resend-link"),
        ("/v1/auth/refresh", "/v1/auth/refresh"),
        ("/v1/portals/sparkling-pools/login", "/v1/portals/{slug}/login"),
    ],
)
def test_given_a_body_that_is_not_utf8_when_posted_then_400_and_the_document_lists_400(
    services, document, path, template
):
    a_business(services)
    # When: bytes no JSON decoder can read, as schemathesis sent them
    response = call("POST", path, raw_body=NOT_UTF8)
    # Then: the resolver's 400 with the error body, a status the route documents
    assert response.status == 400, response.body
    assert response.json()["error"]["code"] == "invalid_body"
    assert "400" in documented(document, "POST", template)


def test_given_any_route_then_it_documents_the_400_and_413_the_resolver_gives_before_it(
    document,
):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            missing = {"400", "413"} - set(operation["responses"])
            assert not missing, f"{method.upper()} {path} does not document {sorted(missing)}"


def test_given_logout_then_its_204_has_no_body_and_the_document_describes_none(services, document):
    response = call("POST", "/v1/auth/logout")
    assert response.status == 204
    assert response.body == b""
    assert not documented(document, "POST", "/v1/auth/logout")["204"].get("content")


def test_given_a_json_statement_then_it_matches_the_documented_json_schema(
    services, clock, document
):
    biz = a_business(services)
    for path, body in [
        ("/v1/admin/portal", {"enabled": True}),
        ("/v1/admin/customers/cust-1", customer_body()),
        ("/v1/admin/invoices/inv-1", invoice_body()),
    ]:
        assert call("PUT", path, body, api_key=biz.api_key).status in (200, 201)
    headers = bearer(signed_up(services, biz.business_id, "cust-1", "ana@example.com"))

    response = call("GET", "/v1/me/statement", headers=headers)

    assert response.status == 200, response.body
    statement = response.json()
    assert [entry["amount"] for entry in statement["entries"]] == [invoice_body()["total"]]
    content = documented(document, "GET", "/v1/me/statement")["200"]["content"]
    assert conforms(document, content["application/json"]["schema"], statement) == []
    # Before the fix the JSON statement was described as a binary string: it failed this.
    assert conforms(document, {"type": "string", "format": "binary"}, statement) != []


@pytest.mark.parametrize(
    ("method", "path", "template"),
    [
        ("PUT", "/v1/me/autopay", "/v1/me/autopay"),
        ("PUT", "/v1/admin/customers/cust-1", "/v1/admin/customers/{customer_id}"),
        ("POST", "/v1/portals/sparkling-pools/login", "/v1/portals/{slug}/login"),
    ],
)
@pytest.mark.parametrize(
    "content_type", ["text/plain", "multipart/form-data", "application/x-www-form-urlencoded"]
)
def test_given_a_json_body_sent_as_another_type_then_400_not_500(
    services, document, method, path, template, content_type
):
    biz = a_business(services)
    assert call("PUT", "/v1/admin/customers/cust-1", customer_body(), api_key=biz.api_key).status
    headers = {"content-type": content_type, "authorization": f"Bearer {biz.api_key}"}
    if path.startswith("/v1/me"):
        session = signed_up(services, biz.business_id, "cust-1", "ana@example.com")
        headers |= bearer(session)
    # When: a body the route would take, labelled otherwise (schemathesis sent these)
    response = call(method, path, raw_body='{"enabled": false}', headers=headers)
    # Then: bad input, with the error body, not "Something went wrong on our side"
    assert response.status == 400, response.body
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert "400" in documented(document, method, template)


@pytest.mark.parametrize("language", [{}, [], 7])
def test_given_invite_templates_with_a_language_that_is_not_a_name_then_422_not_500(
    services, language
):
    biz = a_business(services)
    # When: the body schemathesis sent, `language` an object where a name belongs
    body = {"invite_templates": {"language": language}}
    response = call("PUT", "/v1/admin/portal", body, api_key=biz.api_key)
    # Then: a validation error on that field, and the settings unchanged
    assert response.status == 422, response.body
    assert call("GET", "/v1/admin/portal", api_key=biz.api_key).status == 200


@pytest.mark.parametrize(
    ("path", "principal"),
    [
        ("/v1/admin/invoices?stauts=paid", "business"),
        ("/v1/me/invoices?limit=1&=null", "customer"),
        ("/v1/portals/sparkling-pools?utm_source=mail", None),
    ],
)
def test_given_a_query_parameter_the_route_does_not_take_then_422_naming_it(
    services, path, principal
):
    biz = a_business(services)
    call("PUT", "/v1/admin/portal", {"enabled": True}, api_key=biz.api_key)
    assert call("PUT", "/v1/admin/customers/cust-1", customer_body(), api_key=biz.api_key).status
    headers: dict[str, str] = {}
    if principal == "business":
        headers = {"authorization": f"Bearer {biz.api_key}"}
    elif principal == "customer":
        headers = bearer(signed_up(services, biz.business_id, "cust-1", "ana@example.com"))
    # When: a misspelt filter, or a parameter no route takes (schemathesis sent these)
    response = call("GET", path, headers=headers)
    # Then: refused and named, as an unknown body field is, instead of answering every record
    assert response.status == 422, response.body
    unknown = path.split("?")[1].split("&")[-1].split("=")[0]
    assert response.json()["error"]["details"] == [
        {"location": ["query", unknown], "message": "Unknown parameter."}
    ]
    without = call("GET", path.split("?")[0], headers=headers)
    assert without.status == 200, without.body


@pytest.mark.parametrize("body", ["[null, null]", "7", '"token"'])
def test_given_logout_with_a_body_that_is_not_an_object_then_422(services, body):
    # When: a body of the wrong type (schemathesis sent `[null, null]`)
    response = call("POST", "/v1/auth/logout", raw_body=body)
    # Then: refused like any other route's, not taken as "no body"
    assert response.status == 422, response.body


@pytest.mark.parametrize("date", [0, 1_767_225_600, 20260501.0, True])
def test_given_a_visit_date_that_is_a_number_then_422_not_1970(services, date):
    biz = a_business(services)
    assert call("PUT", "/v1/admin/customers/cust-1", customer_body(), api_key=biz.api_key).status
    body = {"customer_id": "cust-1", "date": date, "service": "Cleaning", "status": "scheduled"}
    # When: a date sent as a number (schemathesis sent 0, stored as 1970-01-01)
    response = call("PUT", "/v1/admin/visits/visit-1", body, api_key=biz.api_key)
    # Then: refused on that field; a date is "YYYY-MM-DD"
    assert response.status == 422, response.body
    assert response.json()["error"]["details"][0]["location"][:2] == ["body", "date"]
    assert call("GET", "/v1/admin/visits/visit-1", api_key=biz.api_key).status == 404


@pytest.mark.parametrize("body", ["null", "[]", '[{"enabled": false}]', "7", '"text"', "true"])
def test_given_a_json_body_that_is_not_an_object_then_422_on_any_route(services, body):
    biz = a_business(services)
    # When: JSON of another type where every route takes an object (schemathesis sent `null`
    # to logout; Powertools reads `null` as no body and a list as its first element)
    for method, path, api_key in [
        ("POST", "/v1/auth/logout", None),
        ("PUT", "/v1/admin/portal", biz.api_key),
    ]:
        response = call(method, path, raw_body=body, api_key=api_key)
        # Then: refused, the settings untouched
        assert response.status == 422, (path, response.body)
        assert response.json()["error"]["details"] == [
            {"location": ["body"], "message": "Send a JSON object."}
        ]
    assert call("GET", "/v1/admin/portal", api_key=biz.api_key).json()["enabled"] is False
