"""Paying through the local runtime over HTTP ("Payments, done when"): a new customer saves
`pm_card_visa` with the fake Stripe the way Stripe.js would, pays one invoice, then the rest
of the balance; the balance is 0, two receipts are in `/_dev/outbox`, the payments list
shows what went where; a repeated request with the same Idempotency-Key charges once
(counted at the fake Stripe); a declined card leaves its invoice open with a clear message."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
import uuid
from typing import Any

import pytest

from tests.e2e.portal import Customer, accept, admin_key, drain, emails_to, invite, new_customer
from tests.e2e.runtime import Runtime

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

POOLS = "sparkling-pools"
PASSWORD = "a long and unusual passphrase 42"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def stripe_call(
    demo: dict[str, Any], path: str, data: dict[str, str] | None, key: str, account=None
):
    """A request to the fake Stripe, as Stripe.js (publishable key) or a test makes it."""
    headers = {"Authorization": f"Bearer {key}"}
    if account:
        headers["Stripe-Account"] = account
    body = None if data is None else urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(
        demo["stripe"]["api_base"] + path,
        data=body,
        headers=headers,
        method="POST" if body else "GET",
    )
    with _OPENER.open(request, timeout=10) as answer:
        return json.loads(answer.read())


def payment_intents_created(demo: dict[str, Any], account: str) -> int:
    request = urllib.request.Request(demo["stripe"]["api_base"] + "/_fake/stats")
    with _OPENER.open(request, timeout=10) as answer:
        stats = json.loads(answer.read())
    return int(stats["accounts"].get(account, {}).get("payment_intents_created", 0))


class Payer:
    """A signed-in customer who pays, with the session's Bearer header."""

    def __init__(self, runtime: Runtime, demo: dict[str, Any], customer: Customer, token: str):
        self.runtime, self.demo, self.customer = runtime, demo, customer
        self.headers = {"authorization": f"Bearer {token}"}
        self.account: str | None = None

    def call(self, method: str, path: str, body: Any = None, **headers: str):
        return self.runtime.request(method, path, body, headers={**self.headers, **headers})

    def add_card(self, test_method: str) -> str:
        setup = self.call("POST", "/v1/me/payment-methods/setup", {"type": "card"})
        assert setup.status == 200, setup.body
        started = setup.json()
        self.account = started["stripe_account"]
        # The browser confirms with the publishable key: the card never reaches Portico.
        stripe_call(
            self.demo,
            f"/v1/setup_intents/{started['setup_intent_id']}/confirm",
            {"client_secret": started["client_secret"], "payment_method": test_method},
            started["publishable_key"],
            started["stripe_account"],
        )
        saved = self.call(
            "POST", "/v1/me/payment-methods", {"setup_intent_id": started["setup_intent_id"]}
        )
        assert saved.status == 201, saved.body
        return str(saved.json()["payment_method_id"])

    def pay(self, key: str, **body: Any):
        return self.call("POST", "/v1/me/payments", body, **{"idempotency-key": key})

    def balance(self) -> int:
        home = self.call("GET", "/v1/me")
        assert home.status == 200, home.body
        return int(home.json()["balance_due"])


def push_invoice(runtime, demo, customer: Customer, number: str, issued: str, total: int) -> str:
    invoice_id = f"inv-e2e-{uuid.uuid4().hex[:10]}"
    body = {
        "customer_id": customer.customer_id,
        "number": number,
        "status": "sent",
        "issue_date": issued,
        "due_date": issued,
        "currency": "USD",
        "lines": [{"description": "Weekly pool service", "unit_amount": total}],
        "tax_amount": 0,
        "total": total,
        "autopay_eligible": True,
    }
    response = runtime.request(
        "PUT", f"/v1/admin/invoices/{invoice_id}", body, api_key=admin_key(demo, customer.slug)
    )
    assert response.status == 201, response.body
    return invoice_id


@pytest.fixture
def payer(runtime: Runtime, demo: dict[str, Any]) -> Payer:
    """A new customer of Sparkling Pools, invited and signed in, with two invoices."""
    customer = new_customer(runtime, demo, POOLS)
    signed_in = accept(runtime, invite(runtime, demo, customer), PASSWORD)
    assert signed_in.status == 200, signed_in.body
    return Payer(runtime, demo, customer, signed_in.json()["access_token"])


def receipts(runtime: Runtime, customer: Customer) -> list[dict[str, Any]]:
    return [m for m in emails_to(runtime, customer.email) if "Payment received" in m["subject"]]


def test_a_customer_saves_a_visa_pays_one_invoice_then_the_balance_and_gets_two_receipts(
    runtime, demo, payer
):
    older = push_invoice(runtime, demo, payer.customer, "E2E-1", "2026-01-05", 8400)
    newer = push_invoice(runtime, demo, payer.customer, "E2E-2", "2026-02-05", 4200)
    assert payer.balance() == 12600
    card = payer.add_card("pm_card_visa")
    assert payer.account is not None
    before = payment_intents_created(demo, payer.account)

    first = payer.pay("e2e-key-" + uuid.uuid4().hex, invoice_ids=[newer], payment_method_id=card)
    assert first.status == 200, first.body
    assert (first.json()["status"], first.json()["amount"]) == ("succeeded", 4200)
    assert payer.balance() == 8400

    key = "e2e-key-" + uuid.uuid4().hex
    rest = payer.pay(key, pay_balance=True, payment_method_id=card)
    again = payer.pay(key, pay_balance=True, payment_method_id=card)

    assert rest.status == again.status == 200, rest.body
    assert again.json() == rest.json()
    assert payment_intents_created(demo, payer.account) == before + 2  # not 3
    assert payer.balance() == 0
    listed = payer.call("GET", "/v1/me/payments").json()["items"]
    went_where = sorted((a["invoice_number"], a["amount"]) for p in listed for a in p["applied_to"])
    assert went_where == [("E2E-1", 8400), ("E2E-2", 4200)]
    assert older in {a["invoice_id"] for p in listed for a in p["applied_to"]}
    drain(runtime)
    mail = receipts(runtime, payer.customer)
    assert len(mail) == 2
    assert any("$84.00" in m["subject"] for m in mail)
    assert any("$42.00" in m["subject"] for m in mail)


def test_a_declined_card_leaves_the_invoice_open_with_a_clear_message(runtime, demo, payer):
    invoice_id = push_invoice(runtime, demo, payer.customer, "E2E-3", "2026-03-05", 9900)
    card = payer.add_card("pm_card_chargeCustomerFail")

    declined = payer.pay(
        "e2e-key-" + uuid.uuid4().hex, invoice_ids=[invoice_id], payment_method_id=card
    )

    assert declined.status == 402, declined.body
    assert declined.json()["error"]["message"] == (
        "Your card was declined. Try another card or contact your bank."
    )
    shown = payer.call("GET", f"/v1/me/invoices/{invoice_id}").json()
    assert (shown["status"], shown["amount_due"]) == ("sent", 9900)
    assert payer.balance() == 9900
    drain(runtime)
    assert receipts(runtime, payer.customer) == []
