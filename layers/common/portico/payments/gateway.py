"""The payment-gateway port (DESIGN 4.3): what Portico asks of Stripe, in Portico's words.

Services take a `PaymentGateway`; `StripePaymentGateway` is the one real adapter (the only
module that imports `stripe`) and `InMemoryPaymentGateway` the fake for unit tests. Results are
pydantic models, never Stripe objects; failures are `portico.payments.errors`, never Stripe's.

`account` is the business's Stripe connected account (`acct_...`), sent as `Stripe-Account`;
None means the platform account (a single-business deployment).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict

MethodType = Literal["card", "us_bank_account"]
SetupIntentStatus = Literal[
    "requires_payment_method",
    "requires_confirmation",
    "requires_action",
    "processing",
    "canceled",
    "succeeded",
]
# `failed` is only ever seen through `find_charge`: `charge` raises instead.
ChargeStatus = Literal["succeeded", "processing", "requires_action", "failed"]

WEBHOOK_TOLERANCE_SECONDS = 300


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)


class SetupIntent(_Frozen):
    """A request to save a payment method. The browser confirms it with `client_secret`
    (Stripe.js), so card and bank numbers never reach Portico."""

    id: str
    status: SetupIntentStatus
    client_secret: str | None = None
    customer: str | None = None
    payment_method: str | None = None


class SavedMethod(_Frozen):
    """The facts of a saved payment method a customer needs to recognise it."""

    id: str
    type: MethodType
    customer: str | None = None  # check it is the paying customer's before charging
    brand: str | None = None
    last4: str | None = None
    exp_month: int | None = None
    exp_year: int | None = None
    bank_name: str | None = None


class Charge(_Frozen):
    """A payment attempt (a Stripe PaymentIntent). `client_secret` is set only when the
    customer must act (`requires_action`); `decline_code` only when it `failed`."""

    payment_intent_id: str
    status: ChargeStatus
    amount: int
    currency: str
    client_secret: str | None = None
    decline_code: str | None = None


class Refund(_Frozen):
    """A refund of all or part of a charge."""

    id: str
    payment_intent_id: str
    amount: int
    status: str  # pending | requires_action | succeeded | failed | canceled


class WebhookEvent(_Frozen):
    """A verified Stripe event. `object` is the event's `data.object` as plain JSON values;
    `created` (epoch seconds) lets handlers ignore events older than what they applied."""

    id: str
    type: str
    account: str | None
    created: int
    object: dict[str, Any]


class PaymentGateway(Protocol):
    """What Portico needs from a payment processor. Every call may raise
    `GatewayUnavailable`; lookups of ids that are not the account's raise `NotFoundError`."""

    def create_account(self, business_name: str, *, idempotency_key: str | None = None) -> str:
        """Create a business's connected account; returns its id (`acct_...`)."""
        ...

    def ensure_customer(
        self, account: str | None, portico_customer_ref: str, email: str, name: str
    ) -> str:
        """The Stripe customer for a Portico customer (`portico_customer_ref`, business-scoped),
        created once: a retry with the same ref returns the same customer id. The caller stores
        the id; this is not a lookup."""
        ...

    def create_setup_intent(
        self,
        account: str | None,
        stripe_customer: str,
        method_type: MethodType,
        idempotency_key: str,
    ) -> SetupIntent:
        """Start saving a card or US bank account for off-session use; the result's
        `client_secret` goes to the browser."""
        ...

    def get_setup_intent(self, account: str | None, setup_intent_id: str) -> SetupIntent:
        """The SetupIntent as Stripe has it now (after the browser confirmed it)."""
        ...

    def get_payment_method(self, account: str | None, payment_method_id: str) -> SavedMethod:
        """The displayable facts of a saved payment method."""
        ...

    def detach_payment_method(self, account: str | None, payment_method_id: str) -> None:
        """Remove a saved payment method from its customer; it can no longer be charged."""
        ...

    def charge(
        self,
        account: str | None,
        stripe_customer: str,
        payment_method: str,
        amount: int,
        currency: str,
        *,
        off_session: bool,
        idempotency_key: str,
        metadata: Mapping[str, str],
    ) -> Charge:
        """Charge `amount` minor units of `currency` to a saved method, confirmed at once.

        Returns `succeeded`, `processing` (bank debits settle later, by webhook) or, on
        session only, `requires_action` with a `client_secret` for the browser. Raises
        `PaymentDeclined`, `AuthenticationRequired` (off session) or `GatewayUnavailable`
        (outcome unknown: retry with the same `idempotency_key`)."""
        ...

    def find_charge(
        self,
        account: str | None,
        metadata_key: str,
        value: str,
        *,
        stripe_customer: str | None = None,
    ) -> Charge | None:
        """The most recent charge whose metadata has `metadata_key == value`, or None: how a
        worker that crashed between Stripe and the database learns what happened. With
        `stripe_customer`, the lookup lists that customer's charges (read-after-write
        consistent); without, it uses Stripe's search (may lag by up to a minute)."""
        ...

    def refund(
        self,
        account: str | None,
        payment_intent_id: str,
        amount: int | None,
        idempotency_key: str,
    ) -> Refund:
        """Refund `amount` minor units of a charge (None: what is left of it)."""
        ...

    def parse_webhook(self, payload: bytes, signature_header: str) -> WebhookEvent:
        """Verify a webhook's `Stripe-Signature` (tolerance 300 s) and return its event;
        raises `InvalidWebhook`."""
        ...
