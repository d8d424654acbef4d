"""Stripe's webhook signature scheme (`Stripe-Signature: t=<ts>,v1=<hmac>`), in plain Python.

The Stripe adapter verifies with the SDK; this module is for the in-memory fake and for tests
that need to sign an event (with any timestamp). A unit test checks that the SDK accepts what
`sign` makes, so the two cannot disagree.
"""

from __future__ import annotations

import hashlib
import hmac

from portico.payments.errors import InvalidWebhook


def _mac(payload: bytes, secret: str, timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(payload: bytes, secret: str, timestamp: int) -> str:
    """The `Stripe-Signature` header Stripe would send for `payload` at `timestamp`."""
    return f"t={timestamp},v1={_mac(payload, secret, timestamp)}"


def verify(payload: bytes, header: str, secret: str, now: float, tolerance: int) -> None:
    """Raise `InvalidWebhook` unless one `v1` signature matches and `t` is within tolerance."""
    fields = [item.split("=", 1) for item in (header or "").split(",") if "=" in item]
    timestamps = [value for key, value in fields if key == "t"]
    signatures = [value for key, value in fields if key == "v1"]
    if len(timestamps) != 1 or not timestamps[0].isdigit() or not signatures:
        raise InvalidWebhook("the webhook signature header is malformed")
    timestamp = int(timestamps[0])
    expected = _mac(payload, secret, timestamp)
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise InvalidWebhook("the webhook signature does not match")
    if timestamp < now - tolerance:
        raise InvalidWebhook("the webhook is too old")
