"""The API through the local runtime over HTTP: the public portal, the admin API with the
demo's keys, and the OpenAPI document."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from tests.e2e.runtime import Runtime, business

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _error(response: Any) -> dict[str, Any]:
    assert response.content_type.startswith("application/json"), response.headers
    error = response.json()["error"]
    assert set(error) >= {"code", "message"}
    return error


def test_given_the_demo_when_a_visitor_opens_a_portal_then_they_see_the_business(
    runtime: Runtime,
):
    response = runtime.request("GET", "/v1/portals/sparkling-pools")

    assert response.status == 200, response.body
    portal = response.json()
    assert portal["business_name"] == "Sparkling Pools"
    assert portal["primary_color"] == "#005f8a"
    assert portal["contact"]["email"] == "office@sparklingpools.example.com"
    assert portal["contact"]["address"]["city"] == "Austin"
    assert runtime.request("GET", "/v1/portals/greenleaf-lawn").json()["business_name"] == (
        "Greenleaf Lawn"
    )


def test_given_no_such_portal_when_opened_then_404_with_the_error_body(runtime: Runtime):
    response = runtime.request("GET", "/v1/portals/no-such-business")

    assert response.status == 404
    assert _error(response)["code"] == "portal_not_found"


def test_given_the_demo_key_when_listing_customers_then_only_that_business_s_come_back(
    runtime: Runtime, demo: dict[str, Any]
):
    pools = business(demo, "sparkling-pools")
    lawn = business(demo, "greenleaf-lawn")

    response = runtime.request(
        "GET", "/v1/admin/customers?limit=100", api_key=pools["admin_api_key"]
    )

    assert response.status == 200, response.body
    listed = {customer["customer_id"]: customer for customer in response.json()["items"]}
    # Other tests add customers of their own (cust-e2e-...): the demo's are all there, and
    # none of the other business's.
    assert set(listed) >= {customer["customer_id"] for customer in pools["customers"]}
    assert not set(listed) & {customer["customer_id"] for customer in lawn["customers"]}
    assert all(
        customer_id.startswith("cust-e2e-")
        for customer_id in set(listed) - {c["customer_id"] for c in pools["customers"]}
    )
    assert listed["cust-1007"]["email"] == "shared@example.com"
    assert listed["cust-1006"]["email"] is None


def test_given_the_demo_when_reading_balances_then_only_sent_invoices_count(
    runtime: Runtime, demo: dict[str, Any]
):
    key = business(demo, "sparkling-pools")["admin_api_key"]

    def get(path: str) -> dict[str, Any]:
        response = runtime.request("GET", path, api_key=key)
        assert response.status == 200, response.body
        return response.json()

    # Maria: a sent invoice and a draft; James: a sent invoice and a voided one.
    assert (
        get("/v1/admin/customers/cust-1001")["balance_due"]
        == get("/v1/admin/invoices/inv-2001")["total"]
    )
    assert (
        get("/v1/admin/customers/cust-1002")["balance_due"]
        == get("/v1/admin/invoices/inv-2003")["total"]
    )
    past_due = get("/v1/admin/invoices/inv-2007")
    assert past_due["status"] == "sent"
    assert date.fromisoformat(past_due["due_date"]) < date.today()
    assert get("/v1/admin/invoices/inv-2001")["autopay_eligible"] is True


def test_given_the_demo_key_when_an_invoice_is_pushed_then_it_reads_back_and_stays_private(
    runtime: Runtime, demo: dict[str, Any]
):
    pools_key = business(demo, "sparkling-pools")["admin_api_key"]
    lawn_key = business(demo, "greenleaf-lawn")["admin_api_key"]
    invoice_id = f"inv-e2e-{uuid.uuid4().hex[:8]}"
    invoice = {
        "customer_id": "cust-1002",
        "number": "E2E-1",
        "status": "sent",
        "issue_date": "2026-05-01",
        "due_date": "2026-05-15",
        "currency": "USD",
        "lines": [{"description": "Pump repair", "quantity": 2, "unit_amount": 7_500}],
        "tax_amount": 1_238,
        "total": 16_238,
        "autopay_eligible": False,
    }

    created = runtime.request("PUT", f"/v1/admin/invoices/{invoice_id}", invoice, api_key=pools_key)
    read = runtime.request("GET", f"/v1/admin/invoices/{invoice_id}", api_key=pools_key)
    other = runtime.request("GET", f"/v1/admin/invoices/{invoice_id}", api_key=lawn_key)
    # Leave the demo as found: other tests read this customer's balance.
    voided = runtime.request(
        "PUT", f"/v1/admin/invoices/{invoice_id}", invoice | {"status": "void"}, api_key=pools_key
    )

    assert created.status == 201, created.body
    assert read.status == 200, read.body
    assert read.json()["total"] == 16_238
    assert read.json()["amount_due"] == 16_238
    assert read.json()["lines"][0]["amount"] == 15_000
    assert other.status == 404
    assert _error(other)["code"] == "not_found"
    assert voided.status == 200, voided.body


def test_given_no_key_when_calling_the_admin_api_then_401_with_the_error_body(runtime: Runtime):
    response = runtime.request("GET", "/v1/admin/customers")
    wrong = runtime.request("GET", "/v1/admin/customers", api_key="ptk_not-a-real-key")

    assert response.status == 401
    assert _error(response)["code"] == "unauthorized"
    assert wrong.status == 401


def test_given_the_runtime_when_the_openapi_document_is_requested_then_it_lists_the_routes(
    runtime: Runtime,
):
    response = runtime.request("GET", "/v1/openapi.json")

    assert response.status == 200, response.body
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/v1/portals/{slug}" in document["paths"]
    assert "put" in document["paths"]["/v1/admin/invoices/{invoice_id}"]
