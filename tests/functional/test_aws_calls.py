"""DynamoDB requests per request: the public portal page is one Query; admin reads are one
request plus the authorizer's GetItem of the API key."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.support.api import call
from tests.support.factories import a_business, customer_body, invoice_body
from tests.support.sessions import bearer, signed_up


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
        ("/v1/admin/portal", "dynamodb:BatchGetItem"),  # the settings and the business
        ("/v1/admin/invite-funnel", "dynamodb:Query"),
    ],
)
def test_admin_read_is_one_request_plus_the_key_check(biz, aws_calls, path, operation):
    with aws_calls.counting():
        assert call("GET", path, api_key=biz.api_key).status == 200
    expected = Counter({"dynamodb:GetItem": 1})  # the API key
    expected[operation] += 1
    assert dict(aws_calls.calls) == dict(expected)


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


@pytest.fixture
def customer_pages(biz, services):
    """cust-1 signed in, with a visit (and a photo), a document and a work request."""
    from tests.support.factories import visit_body
    from tests.support.sessions import bearer, signed_up

    key = biz.api_key
    call("PUT", "/v1/admin/visits/visit-1", visit_body(), api_key=key)
    photo = {"kind": "before", "content_type": "image/png", "size": 100}
    added = call("POST", "/v1/admin/visits/visit-1/photos", photo, api_key=key)
    document = {"title": "Report", "content_type": "application/pdf", "size": 100}
    created = call("POST", "/v1/admin/customers/cust-1/documents", document, api_key=key)
    headers = bearer(signed_up(services, biz.business_id, "cust-1", "ana@example.com"))
    request = {"service": "Repair", "description": "The pump is loud."}
    filed = call(
        "POST",
        "/v1/me/work-requests",
        request,
        headers={**headers, "idempotency-key": "calls-request-1"},
    )
    assert filed.status == 201, filed.body
    return headers, created.json()["document"]["document_id"], added.json()["photo"]["photo_id"]


@pytest.mark.parametrize(
    ("path", "operation"),
    [
        ("/v1/me/visits", "dynamodb:Query"),
        ("/v1/me/visits?when=upcoming", "dynamodb:Query"),
        ("/v1/me/visits/visit-1", "dynamodb:GetItem"),
        ("/v1/me/visits/visit-1/photos/{photo_id}", "dynamodb:GetItem"),
        ("/v1/me/documents", "dynamodb:Query"),
        ("/v1/me/documents/{document_id}", "dynamodb:GetItem"),
        ("/v1/me/work-requests", "dynamodb:Query"),
    ],
)
def test_service_history_documents_and_requests_pages_are_one_request(
    customer_pages, aws_calls, path, operation
):
    """Presigned links are computed, not requested: no S3 call on any page."""
    headers, document_id, photo_id = customer_pages
    with aws_calls.counting():
        response = call(
            "GET", path.format(document_id=document_id, photo_id=photo_id), headers=headers
        )
    assert response.status == 200, response.body
    assert dict(aws_calls.calls) == {operation: 1}


def test_admin_documents_list_is_one_query_plus_the_key_check(customer_pages, biz, aws_calls):
    with aws_calls.counting():
        listed = call("GET", "/v1/admin/customers/cust-1/documents", api_key=biz.api_key)
    assert listed.status == 200, listed.body
    assert len(listed.json()["items"]) == 1
    assert dict(aws_calls.calls) == {"dynamodb:GetItem": 1, "dynamodb:Query": 1}


def test_admin_documents_list_asks_after_the_customer_only_when_empty(biz, aws_calls):
    """An empty list is told apart from an unknown customer (404) with one more GetItem."""
    with aws_calls.counting():
        empty = call("GET", "/v1/admin/customers/cust-1/documents", api_key=biz.api_key)
    assert (empty.status, empty.json()["items"]) == (200, [])
    assert dict(aws_calls.calls) == {"dynamodb:GetItem": 2, "dynamodb:Query": 1}
    unknown = call("GET", "/v1/admin/customers/nobody/documents", api_key=biz.api_key)
    assert unknown.status == 404, unknown.body


@pytest.mark.parametrize("path", ["/v1/me/profile", "/v1/me/preferences"])
def test_account_pages_are_one_get_item(biz, services, aws_calls, path):
    headers = bearer(signed_up(services, biz.business_id, "cust-1", "ana@example.com"))
    with aws_calls.counting():
        assert call("GET", path, headers=headers).status == 200
    assert dict(aws_calls.calls) == {"dynamodb:GetItem": 1}


def test_account_changes_are_one_read_and_one_transaction(biz, services, aws_calls):
    headers = bearer(signed_up(services, biz.business_id, "cust-1", "ana@example.com"))
    changes = [
        ("PUT", "/v1/me/preferences", {"marketing": {"email": True}}, "dynamodb:GetItem"),
        ("PATCH", "/v1/me/profile", {"contact_name": "Luis"}, "dynamodb:GetItem"),
        ("POST", "/v1/me/reviews", {"rating": 5}, "dynamodb:BatchGetItem"),
    ]
    for method, path, body, read in changes:
        with aws_calls.counting():
            assert call(method, path, body, headers=headers).status in (200, 201)
        assert dict(aws_calls.calls) == {read: 1, "dynamodb:TransactWriteItems": 1}, path


def test_admin_reviews_are_one_query_and_the_summary_plus_the_key_check(biz, aws_calls):
    with aws_calls.counting():
        assert call("GET", "/v1/admin/reviews", api_key=biz.api_key).status == 200
    assert dict(aws_calls.calls) == {"dynamodb:GetItem": 2, "dynamodb:Query": 1}


@pytest.fixture
def ana(biz, services):
    from tests.support.factories import estimate_body
    from tests.support.sessions import bearer, signed_up

    call("PUT", "/v1/admin/estimates/est-1", estimate_body(), api_key=biz.api_key)
    call("PUT", "/v1/admin/estimates/est-2", estimate_body(status="draft"), api_key=biz.api_key)
    return bearer(signed_up(services, biz.business_id, "cust-1", "ana@example.com"))


@pytest.mark.parametrize(
    ("path", "operation"),
    [("/v1/me/estimates", "dynamodb:Query"), ("/v1/me/estimates/est-1", "dynamodb:GetItem")],
)
def test_estimate_pages_are_one_request(ana, aws_calls, path, operation):
    with aws_calls.counting():
        response = call("GET", path, headers=ana)
    assert response.status == 200, response.body
    assert dict(aws_calls.calls) == {operation: 1}


def test_an_estimate_decision_is_one_read_and_one_transaction(ana, aws_calls):
    with aws_calls.counting():
        response = call(
            "POST", "/v1/me/estimates/est-1/accept", {"signature_name": "Ana"}, headers=ana
        )
    assert response.status == 200, response.body
    assert dict(aws_calls.calls) == {"dynamodb:GetItem": 1, "dynamodb:TransactWriteItems": 1}


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
