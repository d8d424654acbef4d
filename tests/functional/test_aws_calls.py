"""DynamoDB requests per request: the public portal page is one Query; admin reads are one
request plus the authorizer's GetItem of the API key."""

from __future__ import annotations

import pytest

from tests.support.api import call
from tests.support.factories import a_business, customer_body, invoice_body


@pytest.fixture
def biz(services):
    business = a_business(services)
    call("PUT", "/v1/admin/portal", {"enabled": True}, api_key=business.api_key)
    call("PUT", "/v1/admin/customers/cust-1", customer_body(), api_key=business.api_key)
    call("PUT", "/v1/admin/invoices/inv-1", invoice_body(), api_key=business.api_key)
    return business


def test_public_portal_page_is_one_query(biz, aws_calls):
    with aws_calls.counting():
        assert call("GET", "/v1/portals/sparkling-pools").status == 200
    assert dict(aws_calls.calls) == {"dynamodb:Query": 1}


@pytest.mark.parametrize(
    ("path", "operation"),
    [
        ("/v1/admin/customers/cust-1", "dynamodb:GetItem"),
        ("/v1/admin/invoices/inv-1", "dynamodb:Query"),
        ("/v1/admin/customers", "dynamodb:Query"),
        ("/v1/admin/invoices", "dynamodb:Query"),
        ("/v1/admin/portal", "dynamodb:GetItem"),
    ],
)
def test_admin_read_is_one_request_plus_the_key_check(biz, aws_calls, path, operation):
    with aws_calls.counting():
        assert call("GET", path, api_key=biz.api_key).status == 200
    expected = {"dynamodb:GetItem": 1} if operation == "dynamodb:Query" else {"dynamodb:GetItem": 2}
    if operation == "dynamodb:Query":
        expected[operation] = 1
    assert dict(aws_calls.calls) == expected


def test_invoice_write_is_one_transaction(biz, aws_calls):
    with aws_calls.counting():
        response = call(
            "PUT",
            "/v1/admin/invoices/inv-1",
            invoice_body(total=10900, tax_amount=1400),
            api_key=biz.api_key,
        )
    assert response.status == 200, response.body
    assert aws_calls.calls["dynamodb:TransactWriteItems"] == 1
    assert "dynamodb:PutItem" not in aws_calls.calls
    assert "dynamodb:UpdateItem" not in aws_calls.calls


def test_activity_page_is_one_query(services, biz, aws_calls):
    from tests.support.sessions import bearer, signed_up

    ana = bearer(signed_up(services, biz.business_id, "cust-1", "ana@example.com"))
    with aws_calls.counting():
        response = call("GET", "/v1/me/activity", headers=ana)
    assert response.status == 200, response.body
    assert [e["kind"] for e in response.json()["items"]] == ["login"]
    assert dict(aws_calls.calls) == {"dynamodb:Query": 1}


def test_a_sign_in_with_its_log_entry_is_one_transaction(services, biz, aws_calls):
    from tests.support.sessions import PASSWORD, signed_up

    signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    with aws_calls.counting():
        response = call(
            "POST",
            "/v1/portals/sparkling-pools/login",
            {"email": "ana@example.com", "password": PASSWORD},
        )
    assert response.status == 200, response.body
    assert aws_calls.calls["dynamodb:TransactWriteItems"] == 1
    assert "dynamodb:PutItem" not in aws_calls.calls
