"""The fake's Stripe objects and operations, one `Account` per Stripe account.

Every method of `StripeApi` runs under the server's lock, takes the decoded form
parameters, and returns a Stripe object (a JSON-ready dict) or raises `StripeError`.
Nothing here knows about HTTP, keys or idempotency: `server.py` does that.
"""

from __future__ import annotations

import re
import secrets
import string
import time
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

from portico_local.fake_stripe import testdata
from portico_local.fake_stripe.errors import StripeError, invalid, missing
from portico_local.fake_stripe.testdata import Decline, TestMethod

API_VERSION = "2025-09-30.clover"
PLATFORM = "platform"  # the account a request without `Stripe-Account` acts on
_ALPHABET = string.ascii_letters + string.digits
_KINDS = {
    "cus": "customer",
    "seti": "setup_intent",
    "pm": "payment_method",
    "pi": "payment_intent",
    "ch": "charge",
    "re": "refund",
    "evt": "event",
}
_MINIMUM_AMOUNT = 50  # Stripe's minimum charge in cents for USD
_CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")


def new_id(prefix: str, length: int = 24) -> str:
    """An id in Stripe's style: prefix, underscore, random letters and digits."""
    return f"{prefix}_" + "".join(secrets.choice(_ALPHABET) for _ in range(length))


@dataclass
class Account:
    """One Stripe account's objects: the platform, or a connected account."""

    id: str
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The test behaviour behind each PaymentMethod made from a test id or test bank account.
    behaviour: dict[str, TestMethod] = field(default_factory=dict)
    payment_intents_created: int = 0
    settlements: list[str] = field(default_factory=list)  # ACH PaymentIntents processing
    object_document: dict[str, Any] | None = None  # the `account` object of connected ones

    def get(self, kind: str, object_id: Any, param: str = "id") -> dict[str, Any]:
        """The object `object_id` of this kind in this account, or a 404 as Stripe's."""
        found = self.objects.get(object_id) if isinstance(object_id, str) else None
        if found is None or found["object"] != kind:
            raise missing(kind, str(object_id), param)
        return found

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        """This account's objects of one kind, newest first (Stripe's list order)."""
        found = [obj for obj in self.objects.values() if obj["object"] == kind]
        return sorted(found, key=lambda obj: obj["_seq"], reverse=True)

    def charges(self) -> list[dict[str, Any]]:
        """Every charge attempt, oldest first."""
        return list(reversed(self.of_kind("charge")))


EventSink = Callable[[Account, dict[str, Any]], None]


class StripeApi:
    """The Stripe operations Portico uses, over the accounts of one fake."""

    def __init__(self, on_event: EventSink) -> None:
        self.accounts: dict[str, Account] = {PLATFORM: Account(PLATFORM)}
        self._on_event = on_event
        self._sequence = 0  # creation order, finer than `created` (whole seconds)

    # --- shared --------------------------------------------------------------------------

    def _create(self, account: Account, prefix: str, fields: dict[str, Any]) -> dict[str, Any]:
        self._sequence += 1
        obj: dict[str, Any] = {
            "id": new_id(prefix),
            "object": _KINDS[prefix],
            "created": int(time.time()),
            "livemode": False,
            **fields,
        }
        obj["_seq"] = self._sequence  # hidden: `public()` drops it
        account.objects[obj["id"]] = obj
        return obj

    def _emit(self, account: Account, event_type: str, obj: dict[str, Any]) -> None:
        event = self._create(
            account,
            "evt",
            {
                "api_version": API_VERSION,
                "type": event_type,
                "data": {"object": public(obj)},
                "pending_webhooks": 1,
                "request": {"id": None, "idempotency_key": None},
            },
        )
        if account.id != PLATFORM:
            event["account"] = account.id
        self._on_event(account, public(event))

    def account(self, account_id: str | None) -> Account:
        """The account a `Stripe-Account` header names (None: the platform)."""
        if account_id is None:
            return self.accounts[PLATFORM]
        found = self.accounts.get(account_id)
        if found is None:
            raise StripeError(
                403,
                "invalid_request_error",
                f"The provided key does not have access to account '{account_id}' "
                "(or that account does not exist).",
                code="account_invalid",
            )
        return found

    # --- accounts ------------------------------------------------------------------------

    def create_account(self, params: dict[str, Any]) -> dict[str, Any]:
        """`POST /v1/accounts`: a connected account, isolated from every other."""
        account_id = new_id("acct", 16)
        document = {
            "id": account_id,
            "object": "account",
            "type": params.get("type", "standard"),
            "country": params.get("country", "US"),
            "email": params.get("email"),
            "business_profile": {"name": _dict(params, "business_profile").get("name")},
            "charges_enabled": True,
            "payouts_enabled": True,
            "details_submitted": True,
            "created": int(time.time()),
            "livemode": False,
            "metadata": _metadata(params),
        }
        self.accounts[account_id] = Account(account_id, object_document=document)
        return document

    def retrieve_account(self, account_id: str) -> dict[str, Any]:
        """`GET /v1/accounts/{id}`."""
        found = self.accounts.get(account_id)
        if found is None or found.object_document is None:
            raise missing("account", account_id)
        return found.object_document

    # --- customers -----------------------------------------------------------------------

    def create_customer(self, account: Account, params: dict[str, Any]) -> dict[str, Any]:
        """`POST /v1/customers`."""
        customer = self._create(
            account,
            "cus",
            {
                "email": params.get("email"),
                "name": params.get("name"),
                "description": params.get("description"),
                "phone": params.get("phone"),
                "metadata": _metadata(params),
                "invoice_settings": {"default_payment_method": None},
            },
        )
        return customer

    def update_customer(
        self, account: Account, customer_id: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        """`POST /v1/customers/{id}`: fields replaced, metadata merged (empty value deletes)."""
        customer = account.get("customer", customer_id)
        for key in ("email", "name", "description", "phone"):
            if key in params:
                customer[key] = params[key] or None
        _merge_metadata(customer, params)
        default = _dict(params, "invoice_settings").get("default_payment_method")
        if default is not None:
            if default:
                method = account.get("payment_method", default, "default_payment_method")
                if method["customer"] != customer_id:
                    raise invalid(
                        f"The customer does not have a payment method with the ID {default}.",
                        param="invoice_settings[default_payment_method]",
                    )
            customer["invoice_settings"]["default_payment_method"] = default or None
        return customer

    def delete_customer(self, account: Account, customer_id: str) -> dict[str, Any]:
        """`DELETE /v1/customers/{id}`."""
        account.get("customer", customer_id)
        del account.objects[customer_id]
        return {"id": customer_id, "object": "customer", "deleted": True}

    def list_customers(self, account: Account, params: dict[str, Any]) -> list[dict[str, Any]]:
        """`GET /v1/customers` (`email` filter)."""
        found = account.of_kind("customer")
        if "email" in params:
            found = [c for c in found if c["email"] == params["email"]]
        return found

    # --- payment methods -----------------------------------------------------------------

    def _method_from(self, account: Account, behaviour: TestMethod) -> dict[str, Any]:
        details: dict[str, Any]
        if behaviour.type == "card":
            details = {
                "card": {
                    "brand": behaviour.brand,
                    "last4": behaviour.last4,
                    "exp_month": 12,
                    "exp_year": time.gmtime().tm_year + 3,
                    "funding": "credit",
                    "country": "US",
                    "checks": {"cvc_check": "pass"},
                }
            }
        else:
            details = {
                "us_bank_account": {
                    "bank_name": testdata.BANK_NAME,
                    "last4": behaviour.last4,
                    "routing_number": behaviour.routing_number,
                    "account_type": "checking",
                    "account_holder_type": "individual",
                }
            }
        method = self._create(
            account,
            "pm",
            {
                "type": behaviour.type,
                "customer": None,
                "billing_details": {"name": None, "email": None},
                "metadata": {},
                **details,
            },
        )
        account.behaviour[method["id"]] = behaviour
        return method

    def resolve_method(
        self, account: Account, method_id: Any, param: str = "payment_method"
    ) -> dict[str, Any]:
        """A PaymentMethod of this account, or a new one made from a Stripe test id."""
        if not isinstance(method_id, str) or not method_id:
            raise invalid("Missing required param: payment_method.", param=param)
        behaviour = testdata.test_method(method_id)
        if behaviour is not None:
            return self._method_from(account, behaviour)
        return account.get("payment_method", method_id, param)

    def create_payment_method(self, account: Account, params: dict[str, Any]) -> dict[str, Any]:
        """`POST /v1/payment_methods`: a US bank account (raw card numbers are not taken)."""
        if params.get("type") != "us_bank_account":
            raise invalid(
                "The fake creates only `us_bank_account` PaymentMethods; use a test id such "
                "as pm_card_visa for cards.",
                param="type",
            )
        bank = _dict(params, "us_bank_account")
        number = bank.get("account_number") or ""
        routing = bank.get("routing_number") or ""
        if not (isinstance(number, str) and number.isdigit() and 4 <= len(number) <= 17):
            raise invalid(
                "Invalid account number.",
                param="us_bank_account[account_number]",
                code="account_number_invalid",
            )
        if routing != testdata.TEST_ROUTING_NUMBER:
            raise invalid(
                f"Routing number must be {testdata.TEST_ROUTING_NUMBER} in test mode.",
                param="us_bank_account[routing_number]",
                code="routing_number_invalid",
            )
        billing = _dict(params, "billing_details")
        if not billing.get("name"):
            raise invalid(
                "Missing required param: billing_details[name].", param="billing_details[name]"
            )
        method = self._method_from(account, testdata.bank_account(number, routing))
        method["billing_details"] = {"name": billing.get("name"), "email": billing.get("email")}
        method["metadata"] = _metadata(params)
        return method

    def attach(self, account: Account, method_id: str, params: dict[str, Any]) -> dict[str, Any]:
        """`POST /v1/payment_methods/{id}/attach`: a declining card fails as when saved."""
        customer_id = params.get("customer")
        account.get("customer", customer_id, "customer")
        method = self.resolve_method(account, method_id, "payment_method")
        self._save(account, method, customer_id)
        return method

    def _save(self, account: Account, method: dict[str, Any], customer_id: Any) -> None:
        behaviour = account.behaviour.get(method["id"])
        if behaviour is not None and behaviour.declined_when_saved is not None:
            raise _card_error(behaviour.declined_when_saved, method["id"])
        if method["customer"] not in (None, customer_id):
            raise invalid(
                "This PaymentMethod is already attached to another customer.",
                param="payment_method",
            )
        if method["customer"] is None and customer_id is not None:
            method["customer"] = customer_id
            self._emit(account, "payment_method.attached", method)

    def detach(self, account: Account, method_id: str) -> dict[str, Any]:
        """`POST /v1/payment_methods/{id}/detach`."""
        method = account.get("payment_method", method_id)
        if method["customer"] is None:
            raise invalid(
                f"The payment method {method_id} is not attached to a customer.",
                code="payment_method_unexpected_state",
            )
        customer = account.objects.get(method["customer"])
        if customer and customer["invoice_settings"]["default_payment_method"] == method_id:
            customer["invoice_settings"]["default_payment_method"] = None
        method["customer"] = None
        self._emit(account, "payment_method.detached", method)
        return method

    def customer_methods(
        self, account: Account, customer_id: str, params: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """`GET /v1/customers/{id}/payment_methods` (`type` filter)."""
        account.get("customer", customer_id)
        found = [m for m in account.of_kind("payment_method") if m["customer"] == customer_id]
        if params.get("type"):
            found = [m for m in found if m["type"] == params["type"]]
        return found

    # --- setup intents -------------------------------------------------------------------

    def create_setup_intent(self, account: Account, params: dict[str, Any]) -> dict[str, Any]:
        """`POST /v1/setup_intents` (`confirm=true` confirms it at once)."""
        customer_id = params.get("customer")
        if customer_id is not None:
            account.get("customer", customer_id, "customer")
        types = _types(params)
        intent = self._create(
            account,
            "seti",
            {
                "customer": customer_id,
                "payment_method": None,
                "payment_method_types": types,
                "status": "requires_payment_method",
                "usage": params.get("usage", "off_session"),
                "metadata": _metadata(params),
                "last_setup_error": None,
                "next_action": None,
                "description": params.get("description"),
            },
        )
        intent["client_secret"] = f"{intent['id']}_secret_{new_id('x')[2:]}"
        if _true(params.get("confirm")):
            return self.confirm_setup_intent(account, intent["id"], params)
        return intent

    def confirm_setup_intent(
        self, account: Account, intent_id: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        """`POST /v1/setup_intents/{id}/confirm`: saves the payment method, or a card_error
        (402, with `setup_intent`) for a card that declines when saved."""
        intent = account.get("setup_intent", intent_id)
        if intent["status"] not in ("requires_payment_method", "requires_confirmation"):
            raise invalid(
                f"You cannot confirm this SetupIntent because it has a status of "
                f"{intent['status']}.",
                code="setup_intent_unexpected_state",
            )
        method = self.resolve_method(
            account, params.get("payment_method") or intent.get("payment_method")
        )
        if method["type"] not in intent["payment_method_types"]:
            raise invalid(
                f"The PaymentMethod type {method['type']} is not allowed for this SetupIntent.",
                param="payment_method",
            )
        try:
            self._save(account, method, intent["customer"])
        except StripeError as error:
            intent["last_setup_error"] = {**error.body, "payment_method": public(method)}
            intent["status"] = "requires_payment_method"
            error.body["setup_intent"] = public(intent)
            self._emit(account, "setup_intent.setup_failed", intent)
            raise
        intent.update(status="succeeded", payment_method=method["id"], last_setup_error=None)
        self._emit(account, "setup_intent.succeeded", intent)
        return intent

    # --- payment intents -----------------------------------------------------------------

    def create_payment_intent(self, account: Account, params: dict[str, Any]) -> dict[str, Any]:
        """`POST /v1/payment_intents` (with `confirm=true`, charges at once)."""
        amount = _int(params, "amount")
        if amount < _MINIMUM_AMOUNT:
            raise invalid(
                "Amount must be at least $0.50 usd", param="amount", code="amount_too_small"
            )
        currency = params.get("currency")
        if not currency:
            raise invalid("Missing required param: currency.", param="currency")
        customer_id = params.get("customer")
        if customer_id is not None:
            account.get("customer", customer_id, "customer")
        method_id = params.get("payment_method")
        method = None if method_id is None else self.resolve_method(account, method_id)
        account.payment_intents_created += 1
        intent = self._create(
            account,
            "pi",
            {
                "amount": amount,
                "amount_received": 0,
                "currency": str(currency).lower(),
                "customer": customer_id,
                "description": params.get("description"),
                "payment_method": None if method is None else method["id"],
                "payment_method_types": _types(params),
                "status": "requires_payment_method" if method is None else "requires_confirmation",
                "metadata": _metadata(params),
                "latest_charge": None,
                "last_payment_error": None,
                "next_action": None,
                "setup_future_usage": params.get("setup_future_usage"),
                "capture_method": "automatic",
                "confirmation_method": "automatic",
                "canceled_at": None,
                "cancellation_reason": None,
            },
        )
        intent["client_secret"] = f"{intent['id']}_secret_{new_id('x')[2:]}"
        self._emit(account, "payment_intent.created", intent)
        if _true(params.get("confirm")):
            return self.confirm_payment_intent(account, intent["id"], params)
        return intent

    def confirm_payment_intent(
        self, account: Account, intent_id: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        """`POST /v1/payment_intents/{id}/confirm`: the charge, as the test method decides.

        On an intent that `requires_action` with its own payment method, the confirm is the
        customer's answer to 3-D Secure (`complete_authentication`): the fake-only
        `authentication=fail` fails it, else it succeeds. A new `payment_method`, or
        `off_session` (no customer to authenticate), is a new attempt instead."""
        intent = account.get("payment_intent", intent_id)
        if intent["status"] not in _CONFIRMABLE:
            raise invalid(
                f"You cannot confirm this PaymentIntent because it has a status of "
                f"{intent['status']}.",
                code="payment_intent_unexpected_state",
            )
        authentication = params.get("authentication", "succeed")
        if authentication not in ("succeed", "fail"):
            raise invalid(
                'The fake\'s `authentication` must be "succeed" or "fail".',
                param="authentication",
            )
        new_method = params.get("payment_method")
        if new_method and new_method != intent["payment_method"]:
            intent["payment_method"] = self.resolve_method(account, new_method)["id"]
        elif intent["status"] == "requires_action" and not _true(params.get("off_session")):
            return self.complete_authentication(
                account, intent_id, succeed=authentication == "succeed"
            )
        if intent["payment_method"] is None:
            raise invalid(
                "You cannot confirm this PaymentIntent because it's missing a payment method.",
                code="payment_intent_unexpected_state",
            )
        method = account.get("payment_method", intent["payment_method"], "payment_method")
        if method["type"] not in intent["payment_method_types"]:
            raise invalid(
                f"The PaymentMethod type {method['type']} is not allowed for this "
                "PaymentIntent's payment_method_types.",
                param="payment_method",
            )
        if method["customer"] is not None and method["customer"] != intent["customer"]:
            raise invalid(
                "The provided PaymentMethod belongs to another customer.", param="payment_method"
            )
        behaviour = account.behaviour.get(method["id"], testdata.CARDS["pm_card_visa"])
        off_session = _true(params.get("off_session"))
        if behaviour.type == "us_bank_account":
            return self._start_debit(account, intent, method)
        if behaviour.authentication_off_session:
            if not off_session:
                intent.update(
                    status="requires_action",
                    next_action={"type": "use_stripe_sdk", "use_stripe_sdk": {}},
                )
                self._emit(account, "payment_intent.requires_action", intent)
                return intent
            return self._decline(account, intent, method, testdata.AUTHENTICATION)
        return self._authorize(account, intent, method)

    def complete_authentication(
        self, account: Account, intent_id: str, *, succeed: bool = True
    ) -> dict[str, Any]:
        """The customer's answer to 3-D Secure on an intent that `requires_action`: then
        charged as the card decides, or back to `requires_payment_method` with Stripe's
        `payment_intent_authentication_failure` (no charge: nothing reached the issuer)."""
        intent = account.get("payment_intent", intent_id)
        if intent["status"] != "requires_action":
            raise invalid(
                f"PaymentIntent {intent_id} is not awaiting authentication; its status is "
                f"{intent['status']}.",
                code="payment_intent_unexpected_state",
            )
        method = account.get("payment_method", intent["payment_method"], "payment_method")
        if succeed:
            return self._authorize(account, intent, method)
        failure = StripeError(
            400,
            "invalid_request_error",
            "We are unable to authenticate your payment method. Please choose a different "
            "payment method and try again.",
            code="payment_intent_authentication_failure",
        )
        intent.update(
            status="requires_payment_method",
            next_action=None,
            last_payment_error={**failure.body, "payment_method": public(method)},
        )
        self._emit(account, "payment_intent.payment_failed", intent)
        return intent

    def _authorize(
        self, account: Account, intent: dict[str, Any], method: dict[str, Any]
    ) -> dict[str, Any]:
        # The card network's answer, once any authentication is done.
        behaviour = account.behaviour.get(method["id"], testdata.CARDS["pm_card_visa"])
        if behaviour.declined_when_charged is not None:
            return self._decline(account, intent, method, behaviour.declined_when_charged)
        charge = self._charge(account, intent, method, "succeeded")
        intent.update(
            status="succeeded",
            amount_received=intent["amount"],
            latest_charge=charge["id"],
            last_payment_error=None,
            next_action=None,
        )
        self._emit(account, "charge.succeeded", charge)
        self._emit(account, "payment_intent.succeeded", intent)
        return intent

    def _charge(
        self,
        account: Account,
        intent: dict[str, Any],
        method: dict[str, Any],
        status: str,
        failure: Decline | None = None,
    ) -> dict[str, Any]:
        return self._create(
            account,
            "ch",
            {
                "amount": intent["amount"],
                "amount_captured": intent["amount"] if status == "succeeded" else 0,
                "amount_refunded": 0,
                "currency": intent["currency"],
                "customer": intent["customer"],
                "payment_intent": intent["id"],
                "payment_method": method["id"],
                "paid": status == "succeeded",
                "captured": status == "succeeded",
                "refunded": False,
                "status": status,
                "failure_code": failure.code if failure else None,
                "failure_message": failure.message if failure else None,
                "outcome": None
                if failure is None
                else {"type": "issuer_declined", "reason": failure.decline_code},
                "metadata": dict(intent["metadata"]),
            },
        )

    def _decline(
        self, account: Account, intent: dict[str, Any], method: dict[str, Any], decline: Decline
    ) -> dict[str, Any]:
        charge = self._charge(account, intent, method, "failed", decline)
        error = _card_error(decline, method["id"], charge["id"])
        intent.update(
            status="requires_payment_method",
            latest_charge=charge["id"],
            next_action=None,
            last_payment_error={**error.body, "payment_method": public(method)},
        )
        error.body["payment_intent"] = public(intent)
        self._emit(account, "charge.failed", charge)
        self._emit(account, "payment_intent.payment_failed", intent)
        raise error

    def _start_debit(
        self, account: Account, intent: dict[str, Any], method: dict[str, Any]
    ) -> dict[str, Any]:
        charge = self._charge(account, intent, method, "pending")
        intent.update(
            status="processing",
            latest_charge=charge["id"],
            last_payment_error=None,
            next_action=None,
        )
        account.settlements.append(intent["id"])
        self._emit(account, "charge.pending", charge)
        self._emit(account, "payment_intent.processing", intent)
        return intent

    def settle(self, account: Account, intent_id: str | None = None) -> list[str]:
        """Settle ACH debits that are `processing` (one, or all of the account's): success
        or failure by account number. The PaymentIntents settled."""
        due = [i for i in account.settlements if intent_id in (None, i)]
        if intent_id is not None and not due:
            raise invalid(f"PaymentIntent {intent_id} is not processing.", param="payment_intent")
        for settled_id in due:
            account.settlements.remove(settled_id)
            intent = account.objects[settled_id]
            charge = account.objects[intent["latest_charge"]]
            failure = account.behaviour[intent["payment_method"]].ach_failure
            if failure is None:
                charge.update(status="succeeded", paid=True, captured=True)
                charge["amount_captured"] = charge["amount"]
                intent.update(status="succeeded", amount_received=intent["amount"])
                self._emit(account, "charge.succeeded", charge)
                self._emit(account, "payment_intent.succeeded", intent)
                continue
            message = f"The customer's bank account could not be debited ({failure})."
            charge.update(status="failed", failure_code=failure, failure_message=message)
            intent.update(
                status="requires_payment_method",
                last_payment_error={
                    "type": "invalid_request_error",
                    "code": failure,
                    "message": message,
                    "payment_method": public(account.objects[intent["payment_method"]]),
                },
            )
            self._emit(account, "charge.failed", charge)
            self._emit(account, "payment_intent.payment_failed", intent)
        return due

    def list_payment_intents(
        self, account: Account, params: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """`GET /v1/payment_intents` (`customer` filter)."""
        found = account.of_kind("payment_intent")
        if params.get("customer"):
            found = [i for i in found if i["customer"] == params["customer"]]
        return found

    def search_payment_intents(
        self, account: Account, params: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """`GET /v1/payment_intents/search`: clauses `field:'value'` and
        `metadata['key']:'value'` joined by AND, with `\\` escapes in values as Stripe's
        (immediately consistent, unlike Stripe)."""
        query = params.get("query")
        if not isinstance(query, str) or not query.strip():
            raise invalid("Missing required param: query.", param="query")
        query = query.strip()
        conditions: list[tuple[str | None, str | None, str]] = []
        position = 0
        while position < len(query):
            match = _CLAUSE.match(query, position)
            if match is None:
                raise invalid(
                    f"The fake cannot parse the search query at {query[position:]!r}.",
                    param="query",
                )
            value = re.sub(r"\\(.)", r"\1", match.group("value"))
            conditions.append((match.group("key"), match.group("field"), value))
            position = match.end()

        def matches(obj: dict[str, Any]) -> bool:
            return all(
                (obj["metadata"].get(key) if key is not None else str(obj.get(name or ""))) == value
                for key, name, value in conditions
            )

        return [i for i in account.of_kind("payment_intent") if matches(i)]

    # --- refunds and events --------------------------------------------------------------

    def create_refund(self, account: Account, params: dict[str, Any]) -> dict[str, Any]:
        """`POST /v1/refunds` (`payment_intent`, optional `amount`): emits charge.refunded."""
        intent = account.get("payment_intent", params.get("payment_intent"), "payment_intent")
        if intent["status"] != "succeeded":
            raise invalid(
                "This PaymentIntent does not have a successful charge to refund.",
                param="payment_intent",
                code="charge_not_refundable",
            )
        charge = account.objects[intent["latest_charge"]]
        remaining = charge["amount"] - charge["amount_refunded"]
        amount = _int(params, "amount") if "amount" in params else remaining
        if remaining == 0:
            raise invalid(
                f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        if not 0 < amount <= remaining:
            raise invalid(
                f"Refund amount ({amount}) is greater than unrefunded amount on charge "
                f"({remaining})",
                param="amount",
                code="amount_too_large",
            )
        refund = self._create(
            account,
            "re",
            {
                "amount": amount,
                "charge": charge["id"],
                "payment_intent": intent["id"],
                "currency": charge["currency"],
                "status": "succeeded",
                "reason": params.get("reason"),
                "metadata": _metadata(params),
            },
        )
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        self._emit(account, "charge.refunded", charge)
        return refund


# One search clause, the first or after AND; `\'` and `\\` are escapes inside a value.
_CLAUSE = re.compile(
    r"(?:^|\s+AND\s+)"
    r"(?:metadata\[['\"](?P<key>[^'\"]+)['\"]\]|(?P<field>[a-z_]+))\s*:\s*"
    r"(?P<quote>['\"])(?P<value>(?:\\.|(?!(?P=quote))[^\\])*)(?P=quote)"
)


def public(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of an object as Stripe would send it: without the fake's hidden fields."""
    return {key: deepcopy(value) for key, value in obj.items() if not key.startswith("_")}


def _card_error(decline: Decline, method_id: str, charge_id: str | None = None) -> StripeError:
    extra: dict[str, Any] = {"payment_method": {"id": method_id}}
    if charge_id is not None:
        extra["charge"] = charge_id
    return StripeError(
        402,
        "card_error",
        decline.message,
        code=decline.code,
        decline_code=decline.decline_code,
        extra=extra,
    )


def _dict(params: dict[str, Any], key: str) -> dict[str, Any]:
    value = params.get(key)
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise invalid(f"Invalid object for {key}.", param=key)
    return value


def _metadata(params: dict[str, Any]) -> dict[str, str]:
    return {key: value for key, value in _dict(params, "metadata").items() if value != ""}


def _merge_metadata(obj: dict[str, Any], params: dict[str, Any]) -> None:
    # Stripe merges metadata on update; an empty value removes the key.
    for key, value in _dict(params, "metadata").items():
        if value == "":
            obj["metadata"].pop(key, None)
        else:
            obj["metadata"][key] = value


def _types(params: dict[str, Any]) -> list[str]:
    # API version 2026-10-28 (stripe 16.1's) names it `allowed_payment_method_types`;
    # older versions say `payment_method_types`. Accept both, as Stripe does per version.
    types = (
        params.get("allowed_payment_method_types") or params.get("payment_method_types") or ["card"]
    )
    if isinstance(types, str):
        types = [types]
    unknown = [t for t in types if t not in ("card", "us_bank_account")]
    if unknown:
        raise invalid(
            f"The payment method type {unknown[0]!r} is invalid.", param="payment_method_types"
        )
    return list(types)


def _int(params: dict[str, Any], key: str) -> int:
    value = params.get(key)
    if not isinstance(value, str) or not value.lstrip("-").isdigit():
        raise invalid(
            f"Missing required param: {key}." if value is None else f"Invalid integer: {value}",
            param=key,
        )
    return int(value)


def _true(value: Any) -> bool:
    return value in ("true", True)
