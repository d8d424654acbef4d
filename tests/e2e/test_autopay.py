"""AutoPay through the local runtime over HTTP ("AutoPay, done when"): customers turn AutoPay
on with a test card; an eligible invoice is due; `POST /_dev/autopay/run` charges it and the
receipt arrives; a second run charges nothing; a card that is declined gets the failure email,
one that wants 3-D Secure the pay-in-the-portal email and no retry; the run report lists all
three."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.portal import accept, admin_key, drain, emails_to, invite, new_customer
from tests.e2e.runtime import Runtime
from tests.e2e.test_payments import POOLS, Payer, payment_intents_created, push_invoice

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PASSWORD = "a long and unusual passphrase 43"


def on_autopay(runtime: Runtime, demo: dict[str, Any], test_card: str) -> tuple[Payer, str]:
    """A new customer with `test_card` on AutoPay and an eligible invoice already due."""
    customer = new_customer(runtime, demo, POOLS)
    signed_in = accept(runtime, invite(runtime, demo, customer), PASSWORD)
    assert signed_in.status == 200, signed_in.body
    payer = Payer(runtime, demo, customer, signed_in.json()["access_token"])
    method = payer.add_card(test_card)
    terms = payer.call("GET", f"/v1/me/autopay?payment_method_id={method}").json()["terms"]
    body = {
        "enabled": True,
        "payment_method_id": method,
        "accept_terms": True,
        "terms_version": terms["version"],
    }
    turned_on = payer.call("PUT", "/v1/me/autopay", body)
    assert turned_on.status == 200, turned_on.body
    invoice_id = push_invoice(
        runtime, demo, customer, f"AP-{uuid.uuid4().hex[:6]}", "2026-01-05", 8400
    )
    return payer, invoice_id


def fire(runtime: Runtime) -> dict[str, Any]:
    response = runtime.request("POST", "/_dev/autopay/run", timeout=120)
    assert response.status == 200, response.body
    drain(runtime)
    result: dict[str, Any] = response.json()
    return result


def test_autopay_charges_once_reports_and_tells_each_customer(runtime, demo):
    paid, paid_invoice = on_autopay(runtime, demo, "pm_card_visa")
    declined, declined_invoice = on_autopay(runtime, demo, "pm_card_chargeCustomerFail")
    secure, secure_invoice = on_autopay(runtime, demo, "pm_card_authenticationRequired")

    first = fire(runtime)
    assert paid.account is not None
    charged_before = payment_intents_created(demo, paid.account)
    fire(runtime)

    assert payment_intents_created(demo, paid.account) == charged_before  # nothing more
    shown = paid.call("GET", f"/v1/me/invoices/{paid_invoice}").json()
    assert (shown["status"], shown["amount_due"]) == ("paid", 0)
    assert any("Payment received" in m["subject"] for m in emails_to(runtime, paid.customer.email))
    [failure] = emails_to(runtime, declined.customer.email)[-1:]
    assert "AutoPay" in failure["subject"]
    assert "try again" in failure["text"].lower()
    [needs_you] = emails_to(runtime, secure.customer.email)[-1:]
    assert "/pay" in needs_you["text"]
    assert "try again" not in needs_you["text"].lower()

    [run_id] = {run["run_id"] for run in first["runs"]}
    report = runtime.request(
        "GET", f"/v1/admin/autopay/runs/{run_id}", api_key=admin_key(demo, POOLS)
    )
    assert report.status == 200, report.body
    outcomes = {o["invoice_id"]: o for o in report.json()["outcomes"]}
    assert outcomes[paid_invoice]["outcome"] == "charged"
    assert (
        outcomes[declined_invoice]["outcome"],
        outcomes[declined_invoice]["retry_on"] is None,
    ) == (
        "failed",
        False,
    )
    assert (outcomes[secure_invoice]["outcome"], outcomes[secure_invoice]["reason"]) == (
        "failed",
        "authentication_required",
    )
