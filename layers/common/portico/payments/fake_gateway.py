"""An in-memory `PaymentGateway` for unit tests: Stripe's test payment methods behave as
with Stripe (and as with the fake Stripe server of `portico_local`), with no network.

Also the browser's part, which no Portico server code does: `confirm_setup_intent` stands for
Stripe.js confirming a SetupIntent with a test method such as `pm_card_visa`.
"""

from __future__ import annotations

import itertools
import json
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from portico.errors import NotFoundError
from portico.payments import webhooks
from portico.payments.declines import customer_message, is_retryable
from portico.payments.errors import (
    AuthenticationRequired,
    PaymentDeclined,
    PaymentGatewayError,
)
from portico.payments.gateway import (
    WEBHOOK_TOLERANCE_SECONDS,
    Charge,
    MethodType,
    PaymentGateway,
    Refund,
    SavedMethod,
    SetupIntent,
    WebhookEvent,
)
from portico.payments.keys import idempotency_key as derive_key

PLATFORM = "platform"


@dataclass(frozen=True)
class TestMethod:
    """How a Stripe test payment method behaves: saved, then charged."""

    type: MethodType
    last4: str
    brand: str | None = None
    declined_when_saved: str | None = None  # decline code
    declined_when_charged: str | None = None
    authentication_off_session: bool = False
    bank_name: str | None = None


TEST_METHODS: dict[str, TestMethod] = {
    "pm_card_visa": TestMethod("card", "4242", "visa"),
    "pm_card_mastercard": TestMethod("card", "4444", "mastercard"),
    "pm_card_amex": TestMethod("card", "8431", "amex"),
    "pm_card_chargeDeclined": TestMethod(
        "card", "0002", "visa", "generic_decline", "generic_decline"
    ),
    "pm_card_chargeDeclinedInsufficientFunds": TestMethod(
        "card", "9995", "visa", "insufficient_funds", "insufficient_funds"
    ),
    "pm_card_chargeDeclinedExpiredCard": TestMethod(
        "card", "0069", "visa", "expired_card", "expired_card"
    ),
    "pm_card_chargeCustomerFail": TestMethod("card", "0341", "visa", None, "generic_decline"),
    "pm_card_authenticationRequired": TestMethod(
        "card", "3184", "visa", authentication_off_session=True
    ),
    "pm_usBankAccount_success": TestMethod("us_bank_account", "6789", bank_name="STRIPE TEST BANK"),
}

# Shared by every fake of the process on purpose: an id one fake made is unknown to another,
# as an id of another Stripe account is.
_ids = itertools.count(1)


def _new_id(prefix: str) -> str:
    return f"{prefix}_fake{next(_ids):06d}"


@dataclass
class _Account:
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    setup_intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    methods: dict[str, tuple[SavedMethod, TestMethod]] = field(default_factory=dict)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, Refund] = field(default_factory=dict)
    # Stripe keeps idempotency keys per account: (parameters, result or error).
    keys: dict[str, tuple[str, Any]] = field(default_factory=dict)


class InMemoryPaymentGateway:
    """A `PaymentGateway` in dicts. `fail_next(error)` makes the next call raise `error`
    (e.g. `GatewayUnavailable()`), as a test of retries needs; `charges(account)` counts the
    charge attempts, as the fake Stripe server's stats do."""

    def __init__(
        self,
        webhook_secret: str = "whsec_in_memory",  # noqa: S107 - a fake's own test secret
        now: Callable[[], float] = time.time,
    ) -> None:
        self.webhook_secret = webhook_secret
        self._now = now
        self._accounts: dict[str, _Account] = {PLATFORM: _Account()}
        self._failures: list[Exception] = []

    # --- test controls -------------------------------------------------------------------

    def fail_next(self, *errors: Exception) -> None:
        """Raise these errors, one per call, before doing anything."""
        self._failures.extend(errors)

    def charges(self, account: str | None = None) -> list[Charge]:
        """Every charge attempt of an account, oldest first."""
        return [_charge(intent) for intent in self._account(account).intents.values()]

    def confirm_setup_intent(
        self, account: str | None, setup_intent_id: str, test_method: str
    ) -> SetupIntent:
        """The browser's step (Stripe.js): confirm a SetupIntent with a test method. A card
        declined when saved leaves it `requires_payment_method` and raises `PaymentDeclined`."""
        store = self._account(account)
        intent = self._get(store.setup_intents, setup_intent_id, "setup intent")
        behaviour = TEST_METHODS[test_method]
        if behaviour.type not in intent["types"]:
            raise PaymentGatewayError(f"{behaviour.type} is not allowed for this SetupIntent")
        if behaviour.declined_when_saved:
            intent["status"] = "requires_payment_method"
            raise _declined(behaviour.declined_when_saved)
        method = SavedMethod(
            id=_new_id("pm"),
            type=behaviour.type,
            customer=intent["customer"],
            brand=behaviour.brand,
            last4=behaviour.last4,
            exp_month=12 if behaviour.type == "card" else None,
            exp_year=time.gmtime().tm_year + 3 if behaviour.type == "card" else None,
            bank_name=behaviour.bank_name,
        )
        store.methods[method.id] = (method, behaviour)
        intent.update(status="succeeded", payment_method=method.id)
        return self.get_setup_intent(account, setup_intent_id)

    def signed_webhook(
        self,
        event_type: str,
        obj: Mapping[str, Any],
        *,
        account: str | None = None,
        timestamp: int | None = None,
    ) -> tuple[bytes, str]:
        """A webhook body and its `Stripe-Signature` header, as Stripe would send them."""
        when = int(self._now()) if timestamp is None else timestamp
        event: dict[str, Any] = {
            "id": _new_id("evt"),
            "object": "event",
            "type": event_type,
            "created": when,
            "data": {"object": dict(obj)},
        }
        if account is not None:
            event["account"] = account
        payload = json.dumps(event).encode()
        return payload, webhooks.sign(payload, self.webhook_secret, when)

    # --- the port ------------------------------------------------------------------------

    def create_account(self, business_name: str, *, idempotency_key: str | None = None) -> str:
        def create() -> str:
            account_id = _new_id("acct")
            self._accounts[account_id] = _Account()
            return account_id

        self._fail()
        if idempotency_key is None:
            return create()
        return self._idempotent(self._accounts[PLATFORM], idempotency_key, business_name, create)

    def ensure_customer(
        self, account: str | None, portico_customer_ref: str, email: str, name: str
    ) -> str:
        self._fail()
        store = self._account(account)
        key = derive_key(account or PLATFORM, "customer", portico_customer_ref)

        def create() -> str:
            customer_id = _new_id("cus")
            store.customers[customer_id] = {"email": email, "name": name}
            return customer_id

        return self._idempotent(store, key, (portico_customer_ref, email, name), create)

    def create_setup_intent(
        self,
        account: str | None,
        stripe_customer: str,
        method_type: MethodType,
        idempotency_key: str,
    ) -> SetupIntent:
        self._fail()
        store = self._account(account)
        self._get(store.customers, stripe_customer, "customer")

        def create() -> SetupIntent:
            intent_id = _new_id("seti")
            store.setup_intents[intent_id] = {
                "status": "requires_payment_method",
                "customer": stripe_customer,
                "payment_method": None,
                "types": [method_type],
                "client_secret": f"{intent_id}_secret_{secrets.token_hex(8)}",
            }
            intent = self.get_setup_intent(account, intent_id)
            return intent.model_copy(
                update={"client_secret": store.setup_intents[intent_id]["client_secret"]}
            )

        return self._idempotent(store, idempotency_key, (stripe_customer, method_type), create)

    def get_setup_intent(self, account: str | None, setup_intent_id: str) -> SetupIntent:
        self._fail()
        intent = self._get(self._account(account).setup_intents, setup_intent_id, "setup intent")
        return SetupIntent(
            id=setup_intent_id,
            status=intent["status"],
            customer=intent["customer"],
            payment_method=intent["payment_method"],
        )

    def get_payment_method(self, account: str | None, payment_method_id: str) -> SavedMethod:
        self._fail()
        return self._get(self._account(account).methods, payment_method_id, "payment method")[0]

    def detach_payment_method(self, account: str | None, payment_method_id: str) -> None:
        self._fail()
        store = self._account(account)
        method, behaviour = self._get(store.methods, payment_method_id, "payment method")
        if method.customer is None:
            raise PaymentGatewayError(f"payment method {payment_method_id} is not attached")
        store.methods[payment_method_id] = (method.model_copy(update={"customer": None}), behaviour)

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
        self._fail()
        store = self._account(account)
        request = (stripe_customer, payment_method, amount, currency, off_session, dict(metadata))
        return self._idempotent(
            store,
            idempotency_key,
            request,
            lambda: self._confirm(
                store, stripe_customer, payment_method, amount, currency, off_session, metadata
            ),
        )

    def find_charge(
        self,
        account: str | None,
        metadata_key: str,
        value: str,
        *,
        stripe_customer: str | None = None,
    ) -> Charge | None:
        self._fail()
        found = [
            intent
            for intent in self._account(account).intents.values()
            if intent["metadata"].get(metadata_key) == value
            and stripe_customer in (None, intent["customer"])
        ]
        return _charge(found[-1]) if found else None  # dicts keep creation order

    def refund(
        self,
        account: str | None,
        payment_intent_id: str,
        amount: int | None,
        idempotency_key: str,
    ) -> Refund:
        self._fail()
        store = self._account(account)
        intent = self._get(store.intents, payment_intent_id, "payment intent")

        def create() -> Refund:
            if intent["status"] != "succeeded":
                raise PaymentGatewayError("this charge has not succeeded: nothing to refund")
            remaining = intent["amount"] - intent["refunded"]
            wanted = remaining if amount is None else amount
            if not 0 < wanted <= remaining:
                raise PaymentGatewayError(f"refund of {wanted} exceeds the {remaining} left")
            intent["refunded"] += wanted
            refund = Refund(
                id=_new_id("re"),
                payment_intent_id=payment_intent_id,
                amount=wanted,
                status="succeeded",
            )
            store.refunds[refund.id] = refund
            return refund

        return self._idempotent(store, idempotency_key, (payment_intent_id, amount), create)

    def parse_webhook(self, payload: bytes, signature_header: str) -> WebhookEvent:
        webhooks.verify(
            payload, signature_header, self.webhook_secret, self._now(), WEBHOOK_TOLERANCE_SECONDS
        )
        document = json.loads(payload)
        return WebhookEvent(
            id=document["id"],
            type=document["type"],
            account=document.get("account"),
            created=document["created"],
            object=document["data"]["object"],
        )

    # --- internals -----------------------------------------------------------------------

    def _fail(self) -> None:
        if self._failures:
            raise self._failures.pop(0)

    def _account(self, account: str | None) -> _Account:
        found = self._accounts.get(account or PLATFORM)
        if found is None:
            raise PaymentGatewayError(f"no access to account {account}")
        return found

    @staticmethod
    def _get[V](objects: dict[str, V], object_id: str, kind: str) -> V:
        # Another account's id is as unknown as a made-up one, as with Stripe.
        if object_id not in objects:
            raise NotFoundError(f"{kind}: not found")
        return objects[object_id]

    @staticmethod
    def _idempotent[R](store: _Account, key: str, request: Any, run: Callable[[], R]) -> R:
        fingerprint = repr(request)
        if key in store.keys:
            saved_fingerprint, outcome = store.keys[key]
            if saved_fingerprint != fingerprint:
                raise PaymentGatewayError(f"idempotency key {key} reused with other parameters")
            if isinstance(outcome, Exception):
                raise outcome
            result: R = outcome
            return result
        try:
            result = run()
        except (PaymentDeclined, AuthenticationRequired) as declined:
            store.keys[key] = (fingerprint, declined)  # Stripe replays declines too
            raise
        store.keys[key] = (fingerprint, result)
        return result

    def _confirm(
        self,
        store: _Account,
        stripe_customer: str,
        payment_method: str,
        amount: int,
        currency: str,
        off_session: bool,
        metadata: Mapping[str, str],
    ) -> Charge:
        self._get(store.customers, stripe_customer, "customer")
        method, behaviour = self._get(store.methods, payment_method, "payment method")
        if method.customer != stripe_customer:
            raise PaymentGatewayError("the payment method belongs to another customer")
        if amount < 50:
            raise PaymentGatewayError("amount must be at least 50 minor units")
        intent_id = _new_id("pi")
        intent: dict[str, Any] = {
            "id": intent_id,
            "customer": stripe_customer,
            "amount": amount,
            "currency": currency.lower(),
            "metadata": dict(metadata),
            "client_secret": f"{intent_id}_secret_{secrets.token_hex(8)}",
            "decline_code": None,
            "refunded": 0,
        }
        store.intents[intent_id] = intent
        if behaviour.type == "us_bank_account":
            intent["status"] = "processing"  # bank debits settle days later, by webhook
        elif behaviour.authentication_off_session and not off_session:
            intent["status"] = "requires_action"
        elif behaviour.authentication_off_session:
            intent.update(status="requires_payment_method", decline_code="authentication_required")
            raise AuthenticationRequired(intent_id, intent["client_secret"])
        elif behaviour.declined_when_charged:
            intent.update(
                status="requires_payment_method", decline_code=behaviour.declined_when_charged
            )
            raise _declined(behaviour.declined_when_charged, intent_id)
        else:
            intent["status"] = "succeeded"
        return _charge(intent)


def _declined(code: str, payment_intent_id: str | None = None) -> PaymentDeclined:
    return PaymentDeclined(
        code,
        customer_message(code),
        retryable=is_retryable(code),
        payment_intent_id=payment_intent_id,
    )


def _charge(intent: dict[str, Any]) -> Charge:
    failed = intent["status"] == "requires_payment_method"
    return Charge(
        payment_intent_id=intent["id"],
        status="failed" if failed else intent["status"],
        amount=intent["amount"],
        currency=intent["currency"],
        client_secret=intent["client_secret"] if intent["status"] == "requires_action" else None,
        decline_code=intent["decline_code"] if failed else None,
    )


if TYPE_CHECKING:
    # The fake must keep up with the port: mypy checks this assignment against the Protocol.
    _check: PaymentGateway = InMemoryPaymentGateway()
