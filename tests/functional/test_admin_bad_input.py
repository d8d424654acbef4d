"""Bad input gets a clear 4xx with the error body of DESIGN 4.7, and changes nothing."""

from __future__ import annotations

import json

import pytest

from tests.support.api import call
from tests.support.factories import a_business, customer_body, invoice_body


@pytest.fixture
def biz(services):
    business = a_business(services)
    call("PUT", "/v1/admin/customers/cust-1", customer_body(), api_key=business.api_key)
    return business


def assert_error(response, status, code=None):
    assert response.status == status, response.body
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    assert "Traceback" not in response.body.decode()


def invoices_of(biz):
    return call("GET", "/v1/admin/invoices", api_key=biz.api_key).json()["items"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"total": 9901}, "validation_error"),  # lines + tax do not add up
        ({"currency": "EUR"}, "currency_not_supported"),  # a currency the business does not use
        ({"currency": "XXX"}, "validation_error"),
        ({"status": "paid"}, "validation_error"),  # paid follows from payments, never from the CRM
        ({"due_date": "2026-03-01"}, "validation_error"),  # due before issued
        ({"due_date": "2026-02-30"}, "validation_error"),
        ({"lines": []}, "validation_error"),
        ({"total": "9900"}, "validation_error"),  # wrong type: money is an integer
        ({"total": 99.0}, "validation_error"),
        ({"tax_amount": -1}, "validation_error"),
        ({"customer_id": "nobody"}, "unknown_customer"),
        ({"customer_id": "../etc"}, "validation_error"),
        ({"surprise": True}, "validation_error"),  # unknown fields are refused
    ],
)
def test_given_bad_invoice_then_422_and_nothing_saved(biz, change, code):
    response = call("PUT", "/v1/admin/invoices/inv-1", invoice_body(**change), api_key=biz.api_key)

    assert_error(response, 422, code)
    assert invoices_of(biz) == []
    assert call("GET", "/v1/admin/customers/cust-1", api_key=biz.api_key).json()["balance_due"] == 0


@pytest.mark.parametrize(
    "missing", ["customer_id", "number", "status", "lines", "total", "due_date"]
)
def test_given_invoice_missing_a_field_then_422(biz, missing):
    body = invoice_body()
    del body[missing]
    assert_error(call("PUT", "/v1/admin/invoices/inv-1", body, api_key=biz.api_key), 422)
    assert invoices_of(biz) == []


@pytest.mark.parametrize("bad_id", ["a" * 65, "bad%20id", "semi;colon", "d%C3%A9j%C3%A0"])
def test_given_malformed_id_then_4xx_and_nothing_saved(biz, bad_id):
    response = call("PUT", f"/v1/admin/invoices/{bad_id}", invoice_body(), api_key=biz.api_key)
    assert_error(response, 422)
    assert invoices_of(biz) == []


def test_given_invalid_json_then_400(biz):
    response = call("PUT", "/v1/admin/customers/cust-2", raw_body="{not json", api_key=biz.api_key)
    assert_error(response, 400, "invalid_json")


@pytest.mark.parametrize("body", ["[]", "null", '"text"', "42"])
def test_given_json_that_is_not_an_object_then_422(biz, body):
    response = call("PUT", "/v1/admin/customers/cust-2", raw_body=body, api_key=biz.api_key)
    assert_error(response, 422)


def test_given_oversized_body_then_413_and_nothing_saved(biz):
    body = customer_body(name="x" * 10) | {"padding": "y" * 300_000}
    response = call(
        "PUT", "/v1/admin/customers/cust-2", raw_body=json.dumps(body), api_key=biz.api_key
    )
    assert_error(response, 413, "payload_too_large")
    assert call("GET", "/v1/admin/customers/cust-2", api_key=biz.api_key).status == 404


@pytest.mark.parametrize(
    "change",
    [
        {"email": "not-an-email"},
        {"name": ""},
        {"name": "n" * 201},
        {"send_invoices": "yes please"},
        {"service_address": {"city": "Austin"}},
        {"phone": "call me maybe"},
    ],
)
def test_given_bad_customer_then_422_and_record_unchanged(biz, change):
    before = call("GET", "/v1/admin/customers/cust-1", api_key=biz.api_key).json()
    response = call(
        "PUT", "/v1/admin/customers/cust-1", customer_body(**change), api_key=biz.api_key
    )
    assert_error(response, 422)
    assert call("GET", "/v1/admin/customers/cust-1", api_key=biz.api_key).json() == before


@pytest.mark.parametrize(
    "query",
    ["filter=everyone", "limit=0", "limit=101", "limit=ten", "cursor=!!!", "cursor=eyJQSyI6IngifQ"],
)
def test_given_bad_list_parameters_then_4xx(biz, query):
    response = call("GET", f"/v1/admin/customers?{query}", api_key=biz.api_key)
    assert response.status in (400, 422), response.body
    assert_error(response, response.status)


def test_given_cursor_from_another_list_then_400(biz):
    for n in range(3):
        call(
            "PUT",
            f"/v1/admin/visits/v-{n}",
            {"customer_id": "cust-1", "date": "2026-04-01", "service": "Clean"},
            api_key=biz.api_key,
        )
    cursor = call("GET", "/v1/admin/visits?limit=1", api_key=biz.api_key).json()["next_cursor"]
    assert cursor
    assert_error(
        call("GET", f"/v1/admin/customers?cursor={cursor}", api_key=biz.api_key),
        400,
        "invalid_cursor",
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/admin/nothing-here"),
        ("POST", "/v1/admin/customers/cust-1"),
        ("GET", "/v2/whatever"),
    ],
)
def test_given_unknown_route_then_404_json(biz, method, path):
    assert_error(call(method, path, api_key=biz.api_key), 404, "not_found")


@pytest.mark.parametrize(
    "header", [None, "Bearer ptk_wrong", "Bearer ", "Basic abc", "ptk_nobearer"]
)
def test_given_no_valid_key_then_401_and_nothing_readable(biz, header):
    headers = {"authorization": header} if header else {}
    response = call("GET", "/v1/admin/customers", headers=headers)
    assert_error(response, 401, "unauthorized")
