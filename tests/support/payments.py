"""Helpers for tests that save payment methods and pay: what the browser does with Stripe.js,
and Stripe's webhooks delivered to the webhook route."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import requests

from portico.payments.webhooks import sign
from portico_local.fake_stripe import FakeStripe
from tests.support.api import call

METHODS = "/v1/me/payment-methods"
WEBHOOK = "/v1/webhooks/stripe"


def start(headers, kind="card"):
    response = call("POST", f"{METHODS}/setup", {"type": kind}, headers=headers)
    assert response.status == 200, response.body
    return response.json()


def browser_confirms(fake: FakeStripe, setup, test_method: str, **extra) -> requests.Response:
    """What Stripe.js does in the customer's browser, with what the setup route returned."""
    return requests.post(
        f"{fake.api_base}/v1/setup_intents/{setup['setup_intent_id']}/confirm",
        data={"client_secret": setup["client_secret"], "payment_method": test_method, **extra},
        headers={
            "Authorization": f"Bearer {setup['publishable_key']}",
            "Stripe-Account": setup["stripe_account"],
        },
        timeout=5,
    )


def save(headers, setup_intent_id):
    return call("POST", METHODS, {"setup_intent_id": setup_intent_id}, headers=headers)


def add_card(fake, headers, test_method="pm_card_visa", kind="card", **extra) -> dict[str, Any]:
    """Save a test payment method through the wallet routes; returns the saved method."""
    setup = start(headers, kind)
    assert browser_confirms(fake, setup, test_method, **extra).status_code == 200
    response = save(headers, setup["setup_intent_id"])
    assert response.status == 201, response.body
    return response.json()


def pay(headers, key: str | None = None, **body):
    """`POST /v1/me/payments` with an Idempotency-Key (a new one unless given)."""
    return call(
        "POST",
        "/v1/me/payments",
        body,
        headers={**headers, "idempotency-key": key or str(uuid.uuid4())},
    )


def webhook(fake: FakeStripe, event: dict[str, Any], *, signed_at: int | None = None):
    """Deliver one event to the webhook route, signed as Stripe signs it."""
    payload = json.dumps(event)
    stamp = int(time.time()) if signed_at is None else signed_at
    return call(
        "POST",
        WEBHOOK,
        raw_body=payload,
        headers={"stripe-signature": sign(payload.encode(), fake.webhook_secret, stamp)},
    )


def deliver_events(fake: FakeStripe, account: str, *types: str) -> list[Any]:
    """Deliver the account's events of these types (all, if none given), oldest first."""
    answers = []
    for event in fake.events(account):
        if not types or event["type"] in types:
            answers.append(webhook(fake, event))
    return answers
