"""Stripe's webhooks through the webhook route: signatures checked (bad, old, tampered: 400,
nothing changes), each event processed once, unknown accounts and objects acknowledged, and
the wallet following payment methods detached or updated at Stripe."""

from __future__ import annotations

import json
import time

import pytest

from tests.functional.test_payments import account_of, my_invoice, pay, world
from tests.support.api import call
from tests.support.payments import METHODS, WEBHOOK, add_card, webhook

__all__ = ["world"]  # the fixture


def succeeded_event(fake, account):
    [event] = [e for e in fake.events(account) if e["type"] == "payment_intent.succeeded"]
    return event


@pytest.fixture
def pending_bank_payment(world, fake_stripe):
    """Ana paid inv-1 by bank debit; the debit has settled at Stripe, no webhook delivered."""
    _, ana, _ = world
    bank = add_card(fake_stripe, ana, "pm_usBankAccount_success", kind="us_bank_account")
    account = account_of(ana)
    assert (
        pay(ana, invoice_ids=["inv-1"], payment_method_id=bank["payment_method_id"]).status == 200
    )
    fake_stripe.settle(account)
    return ana, account, succeeded_event(fake_stripe, account)


def raw(payload: str, signature: str):
    return call("POST", WEBHOOK, raw_body=payload, headers={"stripe-signature": signature})


def test_given_a_signed_event_when_delivered_twice_then_processed_once(
    pending_bank_payment, fake_stripe
):
    ana, _, event = pending_bank_payment

    first = webhook(fake_stripe, event)
    second = webhook(fake_stripe, event)

    assert (first.status, first.json()["outcome"]) == (200, "processed")
    assert (second.status, second.json()["outcome"]) == (200, "duplicate")
    assert my_invoice(ana, "inv-1")["status"] == "paid"


def test_given_bad_old_or_tampered_webhooks_then_400_and_the_invoice_stays_as_it_was(
    pending_bank_payment, fake_stripe
):
    from portico.payments.webhooks import sign

    ana, _, event = pending_bank_payment
    payload = json.dumps(event)
    now = int(time.time())
    tampered = payload.replace('"amount": 9900', '"amount": 1')
    assert tampered != payload

    answers = {
        "no signature": call("POST", WEBHOOK, raw_body=payload),
        "bad signature": raw(payload, sign(payload.encode(), "whsec_wrong", now)),
        "older than 300 s": raw(
            payload, sign(payload.encode(), fake_stripe.webhook_secret, now - 301)
        ),
        "tampered body": raw(tampered, sign(payload.encode(), fake_stripe.webhook_secret, now)),
        "not an event": raw("[]", sign(b"[]", fake_stripe.webhook_secret, now)),
        "garbage": raw("{{{", sign(b"{{{", fake_stripe.webhook_secret, now)),
    }

    for what, response in answers.items():
        assert response.status == 400, (what, response.body)
        assert response.json()["error"]["code"] == "invalid_webhook", what
    assert my_invoice(ana, "inv-1")["payment_in_progress"] is True


def test_given_an_event_of_an_unknown_account_or_payment_then_acknowledged_and_ignored(
    pending_bank_payment, fake_stripe
):
    ana, _, event = pending_bank_payment
    other_account = {**event, "id": "evt_other_account", "account": "acct_someone_else"}
    no_metadata = {**event, "id": "evt_no_metadata"}
    no_metadata["data"] = {"object": {**event["data"]["object"], "metadata": {}}}
    not_ours = {**event, "id": "evt_unknown_type", "type": "customer.created"}

    for forged in (other_account, no_metadata):
        response = webhook(fake_stripe, forged)
        assert (response.status, response.json()["outcome"]) == (200, "unknown")
    assert webhook(fake_stripe, not_ours).json()["outcome"] == "ignored"
    assert my_invoice(ana, "inv-1")["payment_in_progress"] is True  # untouched


def test_given_a_method_detached_at_stripe_then_the_wallet_forgets_it(world, fake_stripe):
    import stripe

    _, ana, _ = world
    first = add_card(fake_stripe, ana)
    second = add_card(fake_stripe, ana, "pm_card_mastercard")
    account = account_of(ana)
    client = stripe.StripeClient(
        fake_stripe.secret_key, base_addresses={"api": fake_stripe.api_base}
    )
    client.v1.payment_methods.detach(
        first["payment_method_id"], options={"stripe_account": account}
    )
    [detached] = [e for e in fake_stripe.events(account) if e["type"] == "payment_method.detached"]

    assert webhook(fake_stripe, detached).json()["outcome"] == "processed"

    listed = call("GET", METHODS, headers=ana).json()["items"]
    assert [m["payment_method_id"] for m in listed] == [second["payment_method_id"]]
    assert listed[0]["is_default"] is True


def test_given_a_card_updated_by_the_network_then_the_wallet_shows_the_new_expiry(
    world, fake_stripe
):
    _, ana, _ = world
    card = add_card(fake_stripe, ana)
    account = account_of(ana)
    method = {"id": card["payment_method_id"], "object": "payment_method", "type": "card"}
    method["card"] = {"brand": "visa", "last4": "4242", "exp_month": 7, "exp_year": 2031}
    event = {
        "id": "evt_card_updated",
        "object": "event",
        "type": "payment_method.updated",
        "account": account,
        "created": int(time.time()),
        "data": {"object": method},
    }

    assert webhook(fake_stripe, event).json()["outcome"] == "processed"

    [shown] = call("GET", METHODS, headers=ana).json()["items"]
    assert (shown["exp_month"], shown["exp_year"]) == (7, 2031)


def test_the_webhook_route_needs_no_session_but_a_session_does_not_help_either(world, fake_stripe):
    _, ana, _ = world
    response = call("POST", WEBHOOK, {"id": "evt_1"}, headers=ana)
    assert (response.status, response.json()["error"]["code"]) == (400, "invalid_webhook")
