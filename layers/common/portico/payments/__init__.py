"""Payments (DESIGN 4.3): the `PaymentGateway` port, its domain types and errors.

Importing this package never imports `stripe` (it costs import time in every handler that
does not take payments): the Stripe adapter is built by the factories below, on first use.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

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
    "StripeSettings",
    "WebhookEvent",
    "customer_message",
    "gateway_for",
    "idempotency_key",
    "is_retryable",
    "make_stripe_gateway",
]


class StripeSettings(BaseModel):
    """The Stripe secret (Secrets Manager, named by `STRIPE_SECRET_NAME`), a JSON object.

    `api_base` points the SDK at another Stripe-compatible API: the local runtime's fake.
    `publishable_key` is public; it lives in the secret to keep one Stripe setting."""

    model_config = ConfigDict(frozen=True)

    secret_key: str
    webhook_secret: str
    publishable_key: str
    api_base: str | None = None

    @classmethod
    def from_secret(cls, secret_name: str, client: Any = None) -> StripeSettings:
        """Read the secret (one GetSecretValue)."""
        if client is None:
            import boto3  # first use only: keeps botocore out of the handlers' import cost

            client = boto3.client("secretsmanager")
        return cls.model_validate_json(
            client.get_secret_value(SecretId=secret_name)["SecretString"]
        )


def make_stripe_gateway(
    secret_key: str, webhook_secret: str, api_base: str | None = None, **options: Any
) -> PaymentGateway:
    """The Stripe adapter; `stripe` is imported here, on first use, not at package import."""
    from portico.payments.stripe_gateway import StripePaymentGateway

    return StripePaymentGateway(secret_key, webhook_secret, api_base, **options)


def gateway_for(settings: StripeSettings) -> PaymentGateway:
    """The Stripe adapter for these settings."""
    return make_stripe_gateway(settings.secret_key, settings.webhook_secret, settings.api_base)
