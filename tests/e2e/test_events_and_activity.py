"""Domain events and the activity log through the local runtime over HTTP: a payment publishes
`invoice.paid` once (seen on the bus through `/_dev/events`), and the demo customer's
activity log shows her sign-in and her payment."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.portal import Customer, admin_key, business, drain, login
from tests.e2e.runtime import Runtime
from tests.e2e.test_payments import POOLS, Payer, push_invoice
from tests.e2e.test_payments import payer as payer  # the fixture

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def events(runtime: Runtime, event_type: str) -> list[dict[str, Any]]:
    """After a drain: every event of `event_type` the runtime put on the bus."""
    drain(runtime)
    response = runtime.request("GET", "/_dev/events")
    assert response.status == 200, response.body
    return [e for e in response.json()["events"] if e["detail-type"] == event_type]


def paid_events(runtime: Runtime, invoice_id: str) -> list[dict[str, Any]]:
    return [
        e
        for e in events(runtime, "invoice.paid")
        if e["detail"]["data"]["invoice_id"] == invoice_id
    ]


def test_a_payment_publishes_invoice_paid_once_even_when_the_request_is_repeated(
    runtime, demo, payer: Payer
):
    invoice_id = push_invoice(runtime, demo, payer.customer, "EV-1", "2026-02-05", 4200)
    card = payer.add_card("pm_card_visa")
    key = "e2e-key-" + uuid.uuid4().hex

    first = payer.pay(key, invoice_ids=[invoice_id], payment_method_id=card)
    again = payer.pay(key, invoice_ids=[invoice_id], payment_method_id=card)

    assert first.status == again.status == 200, first.body
    [paid] = paid_events(runtime, invoice_id)
    assert paid["source"] == "portico"
    assert paid["detail"]["business_id"].startswith("biz_")
    assert paid["detail"]["customer_id"] == payer.customer.customer_id
    assert paid["detail"]["data"]["payment_id"] == first.json()["payment_id"]
    assert paid["detail"]["id"]  # what a consumer dedupes on
    assert len(paid_events(runtime, invoice_id)) == 1  # draining again publishes nothing


def test_the_demo_customers_activity_shows_her_sign_in_and_her_payment(runtime, demo):
    [maria] = [
        c for c in business(demo, POOLS)["customers"] if c["email"] == "maria.lopez@example.com"
    ]
    signed_in = login(runtime, POOLS, maria["email"], maria["password"])
    assert signed_in.status == 200, signed_in.body
    customer = Customer(POOLS, maria["customer_id"], maria["email"], "Maria Lopez")
    me = Payer(runtime, demo, customer, signed_in.json()["access_token"])
    # An invoice AutoPay does not charge, paid with the Visa the demo saved for her.
    body = {
        "customer_id": customer.customer_id,
        "number": f"ACT-{uuid.uuid4().hex[:6]}",
        "status": "sent",
        "issue_date": "2026-02-01",
        "due_date": "2026-02-15",
        "currency": "USD",
        "lines": [{"description": "Filter replacement", "unit_amount": 3100}],
        "tax_amount": 0,
        "total": 3100,
        "autopay_eligible": False,
    }
    invoice_id = f"inv-act-{uuid.uuid4().hex[:8]}"
    pushed = runtime.request(
        "PUT", f"/v1/admin/invoices/{invoice_id}", body, api_key=admin_key(demo, POOLS)
    )
    assert pushed.status == 201, pushed.body
    [method] = me.call("GET", "/v1/me/payment-methods").json()["items"]
    paid = me.pay(
        "e2e-key-" + uuid.uuid4().hex,
        invoice_ids=[invoice_id],
        payment_method_id=method["payment_method_id"],
    )
    assert paid.status == 200, paid.body
    drain(runtime)

    log = me.call("GET", "/v1/me/activity?limit=100")

    assert log.status == 200, log.body
    items = log.json()["items"]
    kinds = [entry["kind"] for entry in items]
    assert "login" in kinds
    assert any(e["kind"] == "login" and e["details"]["method"] == "password" for e in items)
    [made] = [
        e
        for e in items
        if e["kind"] == "payment_made" and e["details"]["payment_id"] == paid.json()["payment_id"]
    ]
    assert made["details"]["method_summary"] == "Visa ending 4242"
    assert "autopay_enabled" in kinds  # the demo's consent, with its text
    assert any(
        e["kind"] == "receipt_sent" and e["details"]["payment_id"] == paid.json()["payment_id"]
        for e in items
    )
