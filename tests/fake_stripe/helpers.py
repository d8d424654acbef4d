"""Shared steps: a customer, a saved payment method, an off-session charge, the browser's
3-D Secure confirm."""

from __future__ import annotations

from typing import Any

import stripe


def customer(client: stripe.StripeClient, **options: Any) -> str:
    return client.v1.customers.create({"email": "pat@example.com"}, options or None).id


def save(
    client: stripe.StripeClient,
    browser: stripe.StripeClient,
    customer_id: str,
    method: str = "pm_card_visa",
    types: tuple[str, ...] = ("card",),
) -> str:
    """Save `method` as Portico does: the server makes the SetupIntent, the browser
    confirms it with the publishable key and the client secret. The new PaymentMethod id."""
    intent = client.v1.setup_intents.create(
        {"customer": customer_id, "usage": "off_session", "payment_method_types": list(types)}
    )
    confirmed = browser.v1.setup_intents.confirm(
        intent.id, {"payment_method": method, "client_secret": intent.client_secret or ""}
    )
    assert confirmed.status == "succeeded"
    assert isinstance(confirmed.payment_method, str)
    return confirmed.payment_method


def charge(
    client: stripe.StripeClient,
    customer_id: str,
    method_id: str,
    amount: int = 12_500,
    key: str | None = None,
    types: tuple[str, ...] = ("card",),
    **extra: Any,
) -> stripe.PaymentIntent:
    """An off-session charge, as AutoPay makes it."""
    params: dict[str, Any] = {
        "amount": amount,
        "currency": "usd",
        "customer": customer_id,
        "payment_method": method_id,
        "payment_method_types": list(types),
        "confirm": True,
        "off_session": True,
        "metadata": {"invoice_id": "inv_1"},
        **extra,
    }
    return client.v1.payment_intents.create(params, {"idempotency_key": key} if key else None)


def authenticate(
    browser: stripe.StripeClient, intent: stripe.PaymentIntent, **extra: Any
) -> stripe.PaymentIntent:
    """What Stripe.js does once the customer has answered 3-D Secure: confirm the
    PaymentIntent with the publishable key and its client secret."""
    params: dict[str, Any] = {"client_secret": intent.client_secret or "", **extra}
    return browser.v1.payment_intents.confirm(intent.id, params)
