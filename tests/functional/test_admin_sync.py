"""The CRM sync through the admin API: idempotent upserts keyed by the business's own ids."""

from __future__ import annotations

import pytest

from tests.support.api import call
from tests.support.factories import (
    a_business,
    customer_body,
    estimate_body,
    invoice_body,
    visit_body,
)


@pytest.fixture
def biz(services):
    return a_business(services)


def put_customer(biz, customer_id="cust-1", **overrides):
    response = call(
        "PUT", f"/v1/admin/customers/{customer_id}", customer_body(**overrides), api_key=biz.api_key
    )
    assert response.status in (200, 201), response.body
    return response


def test_given_new_customer_when_crm_puts_it_twice_then_created_once_and_unchanged(biz):
    first = put_customer(biz)
    second = put_customer(biz)

    assert first.status == 201
    assert second.status == 200
    assert second.json() == first.json()
    assert first.json()["balance_due"] == 0
    assert first.json()["portal_access"] == "not_invited"


def test_given_customer_when_crm_changes_email_then_record_updated_and_state_kept(
    biz, services, clock
):
    put_customer(biz)
    call("PUT", "/v1/admin/invoices/inv-1", invoice_body(), api_key=biz.api_key)

    updated = put_customer(biz, email="ana.lopez@example.com", service_texts=False)

    body = updated.json()
    assert body["email"] == "ana.lopez@example.com"
    assert body["service_texts"] is False
    assert body["balance_due"] == 9900  # Portico-owned state survives a CRM update


def test_given_customer_without_email_then_saved_with_null_email(biz):
    response = put_customer(biz, email=None)
    assert response.json()["email"] is None


def test_given_sent_invoice_then_balance_counts_it_and_lines_are_priced(biz):
    put_customer(biz)

    response = call("PUT", "/v1/admin/invoices/inv-1", invoice_body(), api_key=biz.api_key)

    assert response.status == 201, response.body
    invoice = response.json()
    assert invoice["status"] == "sent"
    assert [line["amount"] for line in invoice["lines"]] == [8000, 1500]
    assert invoice["subtotal"] == 9500
    assert invoice["amount_due"] == 9900
    customer = call("GET", "/v1/admin/customers/cust-1", api_key=biz.api_key).json()
    assert customer["balance_due"] == 9900


def test_given_draft_invoice_then_it_does_not_count_until_sent_and_void_removes_it(biz):
    put_customer(biz)

    def balance():
        return call("GET", "/v1/admin/customers/cust-1", api_key=biz.api_key).json()["balance_due"]

    call("PUT", "/v1/admin/invoices/inv-1", invoice_body(status="draft"), api_key=biz.api_key)
    assert balance() == 0
    call("PUT", "/v1/admin/invoices/inv-1", invoice_body(status="sent"), api_key=biz.api_key)
    assert balance() == 9900
    call("PUT", "/v1/admin/invoices/inv-1", invoice_body(status="void"), api_key=biz.api_key)
    assert balance() == 0


def test_given_invoice_when_crm_moves_it_to_another_customer_then_balances_follow(biz):
    put_customer(biz, "cust-1")
    put_customer(biz, "cust-2", email="ben@example.com")
    call("PUT", "/v1/admin/invoices/inv-1", invoice_body("cust-1"), api_key=biz.api_key)

    moved = call("PUT", "/v1/admin/invoices/inv-1", invoice_body("cust-2"), api_key=biz.api_key)

    assert moved.status == 200, moved.body

    def get(cid):
        return call("GET", f"/v1/admin/customers/{cid}", api_key=biz.api_key).json()

    assert get("cust-1")["balance_due"] == 0
    assert get("cust-2")["balance_due"] == 9900
    listed = call("GET", "/v1/admin/invoices?customer_id=cust-1", api_key=biz.api_key).json()
    assert listed["items"] == []
    assert (
        call("GET", "/v1/admin/invoices/inv-1", api_key=biz.api_key).json()["customer_id"]
        == "cust-2"
    )


def test_given_same_invoice_twice_then_second_is_a_no_op(biz):
    put_customer(biz)
    first = call("PUT", "/v1/admin/invoices/inv-1", invoice_body(), api_key=biz.api_key)
    second = call("PUT", "/v1/admin/invoices/inv-1", invoice_body(), api_key=biz.api_key)

    assert (first.status, second.status) == (201, 200)
    assert second.json() == first.json()
    customer = call("GET", "/v1/admin/customers/cust-1", api_key=biz.api_key).json()
    assert customer["balance_due"] == 9900  # not counted twice


def test_given_visits_and_estimates_then_upserted_listed_and_read(biz):
    put_customer(biz)

    visit = call("PUT", "/v1/admin/visits/visit-1", visit_body(), api_key=biz.api_key)
    estimate = call("PUT", "/v1/admin/estimates/est-1", estimate_body(), api_key=biz.api_key)

    assert visit.status == 201, visit.body
    assert estimate.status == 201, estimate.body
    assert (
        call("GET", "/v1/admin/visits/visit-1", api_key=biz.api_key).json()["notes"]
        == "Cleaned filter; pH 7.4."
    )
    assert (
        call("GET", "/v1/admin/estimates/est-1", api_key=biz.api_key).json()["deposit_amount"]
        == 20000
    )
    assert [
        v["visit_id"] for v in call("GET", "/v1/admin/visits", api_key=biz.api_key).json()["items"]
    ] == ["visit-1"]
    assert [
        e["estimate_id"]
        for e in call("GET", "/v1/admin/estimates?customer_id=cust-1", api_key=biz.api_key).json()[
            "items"
        ]
    ] == ["est-1"]


def test_given_many_customers_when_listed_with_cursor_then_every_customer_once(biz):
    for n in range(7):
        put_customer(biz, f"cust-{n}", email=f"c{n}@example.com")

    seen, cursor = [], None
    while True:
        query = "?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = call("GET", f"/v1/admin/customers{query}", api_key=biz.api_key).json()
        seen += [c["customer_id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break

    assert sorted(seen) == [f"cust-{n}" for n in range(7)]


@pytest.mark.parametrize(
    ("filter_name", "expected"),
    [
        ("all", {"cust-1", "cust-2"}),
        ("service_texts_on", {"cust-1"}),
        ("service_texts_off", {"cust-2"}),
        ("without_payment_method", {"cust-1", "cust-2"}),
        ("with_payment_method", set()),
        ("without_portal_account", {"cust-1", "cust-2"}),
        ("with_portal_account", set()),
    ],
)
def test_given_customers_when_filtered_then_only_matching_ones(biz, filter_name, expected):
    put_customer(biz, "cust-1", service_texts=True)
    put_customer(biz, "cust-2", email="b@example.com", service_texts=False)

    page = call("GET", f"/v1/admin/customers?filter={filter_name}", api_key=biz.api_key).json()

    assert {c["customer_id"] for c in page["items"]} == expected
