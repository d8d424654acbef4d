"""Payments (DESIGN 4.3): the `PaymentGateway` port, its domain types and errors.

Importing this package never imports `stripe` (it costs import time in every handler that
does not take payments): the Stripe adapter is built by the factories below, on first use.
"""

from __future__ import annotations

import json
from typing import Any

from portico.payments.declines import customer_message, is_retryable
from portico.payments.errors import (
    AuthenticationRequired,
    GatewayUnavailable,
    InvalidWebhook,
    PaymentDeclined,
    PaymentError,
    PaymentGatewayError,
)
from portico.payments.gateway import (
    Charge,
    MethodType,
    PaymentGateway,
    Refund,
    SavedMethod,
    SetupIntent,
    WebhookEvent,
)
from portico.payments.keys import idempotency_key

__all__ = [
    "AuthenticationRequired",
    "Charge",
    "GatewayUnavailable",
    "InvalidWebhook",
    "MethodType",
    "PaymentDeclined",
    "PaymentError",
    "PaymentGateway",
    "PaymentGatewayError",
    "Refund",
    "SavedMethod",
    "SetupIntent",
    "WebhookEvent",
    "customer_message",
    "idempotency_key",
    "is_retryable",
    "make_stripe_gateway",
    "stripe_gateway_from_secret",
    "stripe_publishable_key_from_secret",
]


def make_stripe_gateway(
    secret_key: str, webhook_secret: str, api_base: str | None = None, **options: Any
) -> PaymentGateway:
    """The Stripe adapter; `stripe` is imported here, on first use, not at package import."""
    from portico.payments.stripe_gateway import StripePaymentGateway

    return StripePaymentGateway(secret_key, webhook_secret, api_base, **options)


def _stripe_secret(secret_name: str, client: Any) -> dict[str, Any]:
    if client is None:
        import boto3  # first use only: keeps botocore out of the handlers' import cost

        client = boto3.client("secretsmanager")
    value: dict[str, Any] = json.loads(
        client.get_secret_value(SecretId=secret_name)["SecretString"]
    )
    return value


def stripe_gateway_from_secret(secret_name: str, client: Any = None) -> PaymentGateway:
    """The Stripe adapter configured from the Secrets Manager secret `secret_name`, a JSON
    object: `{"secret_key": "sk_...", "webhook_secret": "whsec_...", "publishable_key":
    "pk_...", "api_base": optional}` (`api_base` points the local runtime at the fake Stripe)."""
    value = _stripe_secret(secret_name, client)
    return make_stripe_gateway(value["secret_key"], value["webhook_secret"], value.get("api_base"))


def stripe_publishable_key_from_secret(secret_name: str, client: Any = None) -> str:
    """The publishable key (`pk_...`) of the same secret: what the browser confirms
    SetupIntents with. It is public; it lives in the secret to keep one Stripe setting."""
    return str(_stripe_secret(secret_name, client)["publishable_key"])
