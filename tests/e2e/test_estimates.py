"""Estimates through the local runtime over HTTP (issue 7, "done when"): a demo customer
sees their estimates (an expired one marked expired, a cancelled one absent), accepts one
with a typed signature, saves `pm_card_visa` and pays its deposit, and finds the receipt in
`/_dev/outbox`; the business sees the signature; a change request reaches the office."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.portal import Customer, accept, admin_key, drain, emails_to, invite, login
from tests.e2e.portal import new_customer as new_demo_customer
from tests.e2e.runtime import Runtime, business
from tests.e2e.test_payments import Payer, payment_intents_created

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

POOLS = "sparkling-pools"
PASSWORD = "a long and unusual passphrase 42"


def demo_customer(demo: dict[str, Any], customer_id: str) -> dict[str, Any]:
    [found] = [c for c in business(demo, POOLS)["customers"] if c["customer_id"] == customer_id]
    return found


def test_a_demo_customer_accepts_an_estimate_with_a_signature_and_pays_its_deposit(
    runtime: Runtime, demo: dict[str, Any]
):
    james = demo_customer(demo, "cust-1002")
    signed_in = login(runtime, POOLS, james["email"], james["password"])
    assert signed_in.status == 200, signed_in.body
    payer = Payer(
        runtime,
        demo,
        Customer(POOLS, "cust-1002", james["email"], "James Carter"),
        signed_in.json()["access_token"],
    )

    # The list: the open estimate, the one accepted in the CRM, the expired one; never the
    # cancelled one.
    listed = payer.call("GET", "/v1/me/estimates")
    assert listed.status == 200, listed.body
    statuses = {e["estimate_id"]: e["status"] for e in listed.json()["items"]}
    assert statuses == {"est-4005": "sent", "est-4002": "accepted", "est-4006": "expired"}
    assert payer.call("GET", "/v1/me/estimates/est-4007").status == 404
    expired = payer.call("POST", "/v1/me/estimates/est-4006/accept", {"signature_name": "James"})
    assert expired.status == 409, expired.body

    # Accept with a typed signature.
    accepted = payer.call(
        "POST",
        "/v1/me/estimates/est-4005/accept",
        {"signature_name": "James Carter", "accept_terms": True},
    )
    assert accepted.status == 200, accepted.body
    shown = accepted.json()
    assert (shown["status"], shown["decision"]["signature_name"]) == ("accepted", "James Carter")
    assert shown["deposit_due"] == 100_000

    # Pay the deposit with a Visa; the same request again charges nothing more.
    card = payer.add_card("pm_card_visa")
    assert payer.account is not None
    before = payment_intents_created(demo, payer.account)
    key = "e2e-deposit-" + uuid.uuid4().hex
    body = {"payment_method_id": card}
    paid = payer.call("POST", "/v1/me/estimates/est-4005/deposit", body, **{"idempotency-key": key})
    again = payer.call(
        "POST", "/v1/me/estimates/est-4005/deposit", body, **{"idempotency-key": key}
    )
    assert paid.status == again.status == 200, paid.body
    assert again.json() == paid.json()
    assert (paid.json()["status"], paid.json()["amount"]) == ("succeeded", 100_000)
    assert payment_intents_created(demo, payer.account) == before + 1

    shown = payer.call("GET", "/v1/me/estimates/est-4005").json()
    assert (shown["deposit_paid"], shown["deposit_due"]) == (100_000, 0)
    assert payer.call("GET", "/v1/me").json()["credit_balance"] >= 100_000

    # The receipt is in the outbox; the business sees the signature with time and address.
    drain(runtime)
    receipts = [
        m for m in emails_to(runtime, james["email"]) if "$1,000.00" in (m["subject"] or "")
    ]
    assert len(receipts) == 1, emails_to(runtime, james["email"])
    assert "Visa ending 4242" in receipts[0]["text"]
    assert "SP-E4005" in receipts[0]["text"]
    admin = runtime.request(
        "GET", "/v1/admin/estimates/est-4005", api_key=admin_key(demo, POOLS)
    ).json()
    assert admin["decision"]["signature_name"] == "James Carter"
    assert admin["decision"]["client_ip"]
    assert admin["deposit_paid"] == 100_000


def test_a_change_request_reaches_the_business_office(runtime: Runtime, demo: dict[str, Any]):
    customer = new_demo_customer(runtime, demo, POOLS)
    estimate_id = f"est-e2e-{uuid.uuid4().hex[:10]}"
    number = f"E2E-{estimate_id[-6:]}"
    pushed = runtime.request(
        "PUT",
        f"/v1/admin/estimates/{estimate_id}",
        {
            "customer_id": customer.customer_id,
            "number": number,
            "status": "sent",
            "issue_date": "2026-01-10",
            "currency": "USD",
            "lines": [{"description": "Pool fence", "unit_amount": 250_000}],
            "total": 250_000,
        },
        api_key=admin_key(demo, POOLS),
    )
    assert pushed.status == 201, pushed.body
    signed_in = accept(runtime, invite(runtime, demo, customer), PASSWORD)
    headers = {"authorization": f"Bearer {signed_in.json()['access_token']}"}

    asked = runtime.request(
        "POST",
        f"/v1/me/estimates/{estimate_id}/change-request",
        {"message": "Could the fence be black aluminium instead?"},
        headers=headers,
    )

    assert asked.status == 201, asked.body
    drain(runtime)
    response = runtime.request("GET", "/_dev/outbox")
    [email] = [m for m in response.json()["messages"] if number in (m["subject"] or "")]
    assert "black aluminium" in email["text"]
    assert customer.email not in email["to"]  # to the office, not the customer
