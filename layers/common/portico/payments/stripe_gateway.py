"""The `PaymentGateway` on Stripe's official SDK: the only module that imports `stripe`.

Import it only through `portico.payments.make_stripe_gateway(...)`: importing `stripe` costs
handlers that never take a payment, and a test checks that `portico.payments` does not.

Every request carries `Stripe-Account` (the business's connected account) and, for anything
that creates an object or moves money, the caller's deterministic idempotency key. The SDK
retries connection errors, timeouts, 409s and 5xx itself (`max_network_retries`, same key);
this adapter adds a short retry for 429s, which the SDK leaves to the caller. Whatever still
fails becomes a `portico.payments.errors` exception: nothing of Stripe's escapes.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

import stripe

from portico.errors import NotFoundError
from portico.payments.declines import customer_message, is_retryable
from portico.payments.errors import (
    AuthenticationRequired,
    GatewayUnavailable,
    InvalidWebhook,
    PaymentDeclined,
    PaymentGatewayError,
)
from portico.payments.gateway import (
    WEBHOOK_TOLERANCE_SECONDS,
    Charge,
    ChargeStatus,
    MethodType,
    Refund,
    SavedMethod,
    SetupIntent,
    WebhookEvent,
)
from portico.payments.keys import idempotency_key as derive_key

T = TypeVar("T")

# Both types may be charged: the saved method decides, and Stripe refuses a mismatch. (Named
# explicitly, not `automatic_payment_methods`, which would want a `return_url` for redirects.)
_CHARGEABLE_TYPES: list[str] = ["card", "us_bank_account"]
_METADATA_KEY = re.compile(r"[A-Za-z0-9_-]{1,40}")


def _options(account: str | None, idempotency_key: str | None = None) -> stripe.RequestOptions:
    options: stripe.RequestOptions = {}
    if account is not None:
        options["stripe_account"] = account
    if idempotency_key is not None:
        options["idempotency_key"] = idempotency_key
    return options


class StripePaymentGateway:
    """`PaymentGateway` over `stripe.StripeClient`.

    `api_base` points the client at another Stripe API (the fake Stripe of the local runtime
    and the tests). `timeout` is the (connect, read) socket timeout of one attempt; with
    `max_network_retries` it bounds how long a call may take, so keep it well inside the
    Lambda's timeout. `client` replaces the whole SDK client (tests)."""

    def __init__(
        self,
        secret_key: str,
        webhook_secret: str,
        api_base: str | None = None,
        client: stripe.StripeClient | None = None,
        *,
        timeout: tuple[float, float] = (3.0, 10.0),
        max_network_retries: int = 2,
        rate_limit_retries: int = 2,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._webhook_secret = webhook_secret
        self._rate_limit_retries = rate_limit_retries
        self._sleep = sleep
        if client is None:
            client = stripe.StripeClient(
                secret_key,
                base_addresses={"api": api_base} if api_base else None,
                max_network_retries=max_network_retries,
                http_client=stripe.RequestsClient(timeout=timeout),
            )
        self._client = client

    # --- errors --------------------------------------------------------------------------

    def _call(self, what: str, request: Callable[[], T]) -> T:
        """Run one SDK request; translate its failures into Portico's errors."""
        for attempt in range(self._rate_limit_retries + 1):
            try:
                with self._translated(what):
                    return request()
            except _RateLimited as limited:
                if attempt == self._rate_limit_retries:
                    raise GatewayUnavailable() from limited.__cause__
                # A 429 is refused before Stripe does anything, so repeating the request
                # (with the same idempotency key) cannot double-charge.
                self._sleep(0.5 * 2**attempt + random.uniform(0, 0.25))
        raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def _translated(self, what: str) -> Iterator[None]:
        try:
            yield
        except stripe.RateLimitError as error:
            raise _RateLimited() from error
        except stripe.CardError as error:
            raise _declined(error) from error
        except (stripe.APIConnectionError, stripe.APIError) as error:
            # Timeouts, connection failures and 5xx, after the SDK's own retries.
            raise GatewayUnavailable() from error
        except stripe.InvalidRequestError as error:
            if error.code == "resource_missing":
                raise NotFoundError(f"{what}: not found") from error
            raise PaymentGatewayError(f"{what}: {error.user_message or error}") from error
        except stripe.StripeError as error:
            # Authentication, permission, idempotency-key reuse: Portico's bug or setup.
            raise PaymentGatewayError(f"{what}: {error}") from error

    # --- accounts and customers ----------------------------------------------------------

    def create_account(self, business_name: str, *, idempotency_key: str | None = None) -> str:
        account = self._call(
            "create account",
            lambda: self._client.v1.accounts.create(
                params={"type": "standard", "business_profile": {"name": business_name}},
                options=_options(None, idempotency_key),
            ),
        )
        return account.id

    def ensure_customer(
        self, account: str | None, portico_customer_ref: str, email: str, name: str
    ) -> str:
        # One key per (account, Portico customer): a retry after a crash gets the customer
        # created the first time (for 24 hours, Stripe's idempotency window).
        key = derive_key(account or "platform", "customer", portico_customer_ref)
        customer = self._call(
            "create customer",
            lambda: self._client.v1.customers.create(
                params={
                    "email": email,
                    "name": name,
                    "metadata": {"portico_customer": portico_customer_ref},
                },
                options=_options(account, key),
            ),
        )
        return customer.id

    # --- saving payment methods ----------------------------------------------------------

    def create_setup_intent(
        self,
        account: str | None,
        stripe_customer: str,
        method_type: MethodType,
        idempotency_key: str,
    ) -> SetupIntent:
        intent = self._call(
            "create setup intent",
            lambda: self._client.v1.setup_intents.create(
                params={
                    "customer": stripe_customer,
                    "allowed_payment_method_types": [method_type],
                    "usage": "off_session",
                },
                options=_options(account, idempotency_key),
            ),
        )
        return _setup_intent(intent)

    def get_setup_intent(self, account: str | None, setup_intent_id: str) -> SetupIntent:
        intent = self._call(
            "setup intent",
            lambda: self._client.v1.setup_intents.retrieve(
                setup_intent_id, options=_options(account)
            ),
        )
        return _setup_intent(intent).model_copy(update={"client_secret": None})

    def get_payment_method(self, account: str | None, payment_method_id: str) -> SavedMethod:
        method = self._call(
            "payment method",
            lambda: self._client.v1.payment_methods.retrieve(
                payment_method_id, options=_options(account)
            ),
        )
        if method.type == "card" and method.card is not None:
            card = method.card
            return SavedMethod(
                id=method.id,
                type="card",
                customer=_id_of(method.customer),
                brand=card.brand,
                last4=card.last4,
                exp_month=card.exp_month,
                exp_year=card.exp_year,
            )
        if method.type == "us_bank_account" and method.us_bank_account is not None:
            bank = method.us_bank_account
            return SavedMethod(
                id=method.id,
                type="us_bank_account",
                customer=_id_of(method.customer),
                last4=bank.last4,
                bank_name=bank.bank_name,
            )
        raise PaymentGatewayError(f"payment method {method.id} has unsupported type {method.type}")

    def detach_payment_method(self, account: str | None, payment_method_id: str) -> None:
        self._call(
            "detach payment method",
            lambda: self._client.v1.payment_methods.detach(
                payment_method_id, options=_options(account)
            ),
        )

    # --- money ---------------------------------------------------------------------------

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
        params: stripe.params.PaymentIntentCreateParams = {
            "amount": amount,
            "currency": currency.lower(),
            "customer": stripe_customer,
            "payment_method": payment_method,
            "allowed_payment_method_types": _CHARGEABLE_TYPES,
            "confirm": True,
            "metadata": dict(metadata),
        }
        if off_session:
            params["off_session"] = True
        try:
            intent = self._call(
                "charge",
                lambda: self._client.v1.payment_intents.create(
                    params=params, options=_options(account, idempotency_key)
                ),
            )
        except PaymentDeclined as declined:
            if declined.decline_code == "authentication_required" and declined.payment_intent_id:
                raise AuthenticationRequired(
                    declined.payment_intent_id, _client_secret_of(declined)
                ) from declined
            raise
        charge = _charge(intent)
        if charge.status == "failed":  # Stripe raises a card error instead; be safe anyway
            code = charge.decline_code or "generic_decline"
            raise PaymentDeclined(
                code,
                customer_message(code),
                retryable=is_retryable(code),
                payment_intent_id=charge.payment_intent_id,
            )
        return charge

    def find_charge(
        self,
        account: str | None,
        metadata_key: str,
        value: str,
        *,
        stripe_customer: str | None = None,
    ) -> Charge | None:
        if not _METADATA_KEY.fullmatch(metadata_key):
            raise ValueError(f"metadata key must match {_METADATA_KEY.pattern}")
        if stripe_customer is not None:
            # Listing is read-after-write consistent; search may lag behind by a minute.
            page = self._call(
                "list charges",
                lambda: self._client.v1.payment_intents.list(
                    params={"customer": stripe_customer, "limit": 100},
                    options=_options(account),
                ),
            )
            found = [
                intent
                for intent in page.data
                if metadata_key in intent.metadata and intent.metadata[metadata_key] == value
            ]
        else:
            quoted = value.replace("\\", "\\\\").replace("'", "\\'")
            result = self._call(
                "search charges",
                lambda: self._client.v1.payment_intents.search(
                    params={"query": f"metadata['{metadata_key}']:'{quoted}'", "limit": 10},
                    options=_options(account),
                ),
            )
            found = list(result.data)
        if not found:
            return None
        return _charge(max(found, key=lambda intent: intent.created))

    def refund(
        self,
        account: str | None,
        payment_intent_id: str,
        amount: int | None,
        idempotency_key: str,
    ) -> Refund:
        params: stripe.params.RefundCreateParams = {"payment_intent": payment_intent_id}
        if amount is not None:
            params["amount"] = amount
        refund = self._call(
            "refund",
            lambda: self._client.v1.refunds.create(
                params=params, options=_options(account, idempotency_key)
            ),
        )
        return Refund(
            id=refund.id,
            payment_intent_id=_id_of(refund.payment_intent) or payment_intent_id,
            amount=refund.amount,
            status=refund.status or "pending",
        )

    # --- webhooks ------------------------------------------------------------------------

    def parse_webhook(self, payload: bytes, signature_header: str) -> WebhookEvent:
        try:
            stripe.WebhookSignature.verify_header(
                payload, signature_header, self._webhook_secret, WEBHOOK_TOLERANCE_SECONDS
            )
            document = json.loads(payload)
            return WebhookEvent(
                id=document["id"],
                type=document["type"],
                account=document.get("account"),
                created=document["created"],
                object=document["data"]["object"],
            )
        except stripe.SignatureVerificationError as error:
            raise InvalidWebhook(f"invalid webhook signature: {error}") from error
        except (ValueError, KeyError, TypeError) as error:  # not JSON, or not an event
            raise InvalidWebhook("the webhook body is not a Stripe event") from error


class _RateLimited(Exception):
    """Internal: a 429, to be retried by `_call`."""


def _id_of(value: Any) -> str | None:
    """An expandable field's id, whether Stripe sent the id or the object."""
    if value is None or isinstance(value, str):
        return value
    return str(value.id)


def _declined(error: stripe.CardError) -> PaymentDeclined:
    details = error.error
    code = (details.decline_code if details else None) or error.code or "generic_decline"
    intent = details.payment_intent if details else None
    return PaymentDeclined(
        code,
        customer_message(code),
        retryable=is_retryable(code),
        payment_intent_id=intent.id if intent is not None else None,
    )


def _client_secret_of(declined: PaymentDeclined) -> str | None:
    # `_translated` raised the decline `from` Stripe's card error, which holds the intent.
    error = declined.__cause__
    if isinstance(error, stripe.CardError) and error.error and error.error.payment_intent:
        return error.error.payment_intent.client_secret
    return None


def _setup_intent(intent: stripe.SetupIntent) -> SetupIntent:
    return SetupIntent(
        id=intent.id,
        status=intent.status,
        client_secret=intent.client_secret,
        customer=_id_of(intent.customer),
        payment_method=_id_of(intent.payment_method),
    )


_STATUSES: dict[str, ChargeStatus] = {
    "succeeded": "succeeded",
    "processing": "processing",
    "requires_action": "requires_action",
    # Authorised or about to be confirmed: not failed, and not settled either.
    "requires_confirmation": "processing",
    "requires_capture": "processing",
    "requires_payment_method": "failed",
    "canceled": "failed",
}


def _charge(intent: stripe.PaymentIntent) -> Charge:
    status = _STATUSES.get(intent.status, "processing")
    error = intent.last_payment_error
    return Charge(
        payment_intent_id=intent.id,
        status=status,
        amount=intent.amount,
        currency=intent.currency,
        client_secret=intent.client_secret if status == "requires_action" else None,
        decline_code=((error.decline_code or error.code) if error else None)
        if status == "failed"
        else None,
    )
