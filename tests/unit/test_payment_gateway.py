"""The payments port without Stripe: idempotency keys, decline messages, webhook signatures,
the lazy import of the SDK, and the in-memory gateway the service tests rely on."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from portico.errors import NotFoundError
from portico.payments import (
    AuthenticationRequired,
    GatewayUnavailable,
    InvalidWebhook,
    PaymentDeclined,
    PaymentGateway,
    PaymentGatewayError,
    customer_message,
    idempotency_key,
    is_retryable,
)
from portico.payments import webhooks as signatures
from portico.payments.fake_gateway import InMemoryPaymentGateway

# --- idempotency keys ----------------------------------------------------------------------


def test_given_the_same_charge_when_keyed_twice_then_the_keys_are_equal_whatever_the_order():
    first = idempotency_key("biz_1", "autopay", ["inv_2", "inv_1"], "2026-05-01", 1)
    again = idempotency_key("biz_1", "autopay", ("inv_1", "inv_2", "inv_1"), "2026-05-01", 1)

    assert first == again
    assert first.startswith("portico-autopay-")
    assert len(first) <= 255


@pytest.mark.parametrize(
    "other",
    [
        ("biz_2", "autopay", ["inv_1", "inv_2"], "2026-05-01", 1),  # another business
        ("biz_1", "pay", ["inv_1", "inv_2"], "2026-05-01", 1),  # another operation
        ("biz_1", "autopay", ["inv_1"], "2026-05-01", 1),  # other invoices
        ("biz_1", "autopay", ["inv_1", "inv_2"], "2026-06-01", 1),  # another due date
        ("biz_1", "autopay", ["inv_1", "inv_2"], "2026-05-01", 2),  # the next attempt
    ],
)
def test_given_any_part_changes_when_keyed_then_the_key_changes(other):
    assert idempotency_key("biz_1", "autopay", ["inv_1", "inv_2"], "2026-05-01", 1) != (
        idempotency_key(*other)
    )


def test_given_parts_that_concatenate_alike_when_keyed_then_the_keys_differ():
    assert idempotency_key("b", "pay", "a", "bc") != idempotency_key("b", "pay", "ab", "c")


@pytest.mark.parametrize("operation", ["", "Pay", "pay now", "x" * 41])
def test_given_a_bad_operation_name_when_keyed_then_it_is_refused(operation):
    with pytest.raises(ValueError, match="operation"):
        idempotency_key("biz_1", operation, "inv_1")


def test_given_no_business_when_keyed_then_it_is_refused():
    with pytest.raises(ValueError, match="business"):
        idempotency_key("", "pay", "inv_1")


# --- what the customer reads ---------------------------------------------------------------


def test_given_insufficient_funds_then_the_customer_reads_why_and_what_to_do():
    assert customer_message("insufficient_funds") == (
        "Your card was declined because of insufficient funds. "
        "Try another card or contact your bank."
    )


@pytest.mark.parametrize("code", ["lost_card", "stolen_card", "fraudulent", "pickup_card", None])
def test_given_a_fraud_related_or_unknown_code_then_the_customer_reads_a_generic_decline(code):
    # Naming the check that failed would help a fraudster (Stripe's advice).
    assert (
        customer_message(code) == "Your card was declined. Try another card or contact your bank."
    )


def test_given_soft_and_hard_declines_then_only_soft_ones_are_retryable():
    assert is_retryable("insufficient_funds")
    assert is_retryable("processing_error")
    assert not is_retryable("expired_card")
    assert not is_retryable("stolen_card")
    assert not is_retryable("authentication_required")


# --- the SDK is imported only by the adapter -----------------------------------------------


def _stripe_loaded_after(statement: str) -> bool:
    probe = f"import sys\n{statement}\nprint('stripe' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.strip() == "True"


def test_given_a_fresh_interpreter_when_the_payments_package_is_imported_then_stripe_is_not():
    assert not _stripe_loaded_after(
        "import portico.payments, portico.payments.gateway, portico.payments.fake_gateway"
    )


def test_given_a_fresh_interpreter_when_the_stripe_gateway_is_built_then_stripe_is_loaded():
    # The probe above can see stripe: building the adapter does load it.
    assert _stripe_loaded_after(
        "from portico.payments import make_stripe_gateway\n"
        "make_stripe_gateway('sk_test_x', 'whsec_x')"
    )


def test_given_the_stripe_secret_when_the_gateway_is_built_from_it_then_it_uses_its_keys():
    class Secrets:
        def get_secret_value(self, SecretId):
            assert SecretId == "portico/dev/stripe"
            return {
                "SecretString": '{"secret_key": "sk_test_x", "webhook_secret": "whsec_x", '
                '"publishable_key": "pk_test_x"}'
            }

    from portico.payments import StripeSettings, gateway_for

    gateway = gateway_for(StripeSettings.from_secret("portico/dev/stripe", client=Secrets()))
    payload = b'{"id": "evt_1", "type": "ping", "created": 1, "data": {"object": {}}}'

    event = gateway.parse_webhook(payload, signatures.sign(payload, "whsec_x", int(time.time())))

    assert event.id == "evt_1"


# --- webhook signatures --------------------------------------------------------------------


def test_given_a_signature_made_here_then_the_official_sdk_accepts_it():
    # The fake gateway signs and verifies with `portico.payments.webhooks`; the adapter with
    # the SDK. They must agree, or tests of the fake would prove nothing about Stripe's.
    import stripe

    payload = b'{"id": "evt_1"}'
    header = signatures.sign(payload, "whsec_test", int(time.time()))

    assert stripe.WebhookSignature.verify_header(payload, header, "whsec_test", 300)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(payload, header, "whsec_other", 300)


# --- the in-memory gateway -----------------------------------------------------------------


@pytest.fixture
def gateway() -> InMemoryPaymentGateway:
    return InMemoryPaymentGateway()


def _saved_method(gateway: InMemoryPaymentGateway, test_method: str = "pm_card_visa"):
    account = gateway.create_account("Acme Plumbing")
    customer = gateway.ensure_customer(account, "biz_1/cust_1", "ann@example.com", "Ann")
    intent = gateway.create_setup_intent(account, customer, "card", "seti-key-1")
    confirmed = gateway.confirm_setup_intent(account, intent.id, test_method)
    return account, customer, confirmed.payment_method


def test_given_the_fake_then_it_is_a_payment_gateway():
    port: PaymentGateway = InMemoryPaymentGateway()  # mypy checks the same in fake_gateway.py
    assert port.find_charge(None, "invoice", "none") is None


def test_given_a_saved_visa_when_charged_off_session_then_it_succeeds(gateway):
    account, customer, method = _saved_method(gateway)

    saved = gateway.get_payment_method(account, method)
    charge = gateway.charge(
        account,
        customer,
        method,
        12_500,
        "USD",
        off_session=True,
        idempotency_key="k1",
        metadata={"invoice": "inv_1"},
    )

    assert (saved.brand, saved.last4, saved.customer) == ("visa", "4242", customer)
    assert (charge.status, charge.amount, charge.currency) == ("succeeded", 12_500, "usd")
    assert [c.payment_intent_id for c in gateway.charges(account)] == [charge.payment_intent_id]


def test_given_a_customer_when_ensured_twice_then_it_is_one_customer(gateway):
    account = gateway.create_account("Acme")

    first = gateway.ensure_customer(account, "biz_1/cust_1", "ann@example.com", "Ann")
    again = gateway.ensure_customer(account, "biz_1/cust_1", "ann@example.com", "Ann")

    assert first == again
    assert gateway.ensure_customer(account, "biz_1/cust_2", "bob@example.com", "Bob") != first


def test_given_a_card_declined_when_saved_then_the_setup_fails_with_its_code(gateway):
    account = gateway.create_account("Acme")
    customer = gateway.ensure_customer(account, "biz_1/cust_1", "ann@example.com", "Ann")
    intent = gateway.create_setup_intent(account, customer, "card", "seti-key")

    with pytest.raises(PaymentDeclined) as declined:
        gateway.confirm_setup_intent(account, intent.id, "pm_card_chargeDeclinedInsufficientFunds")

    assert declined.value.decline_code == "insufficient_funds"
    assert gateway.get_setup_intent(account, intent.id).status == "requires_payment_method"


def test_given_a_card_that_saves_but_fails_when_charged_then_declined_and_recorded(gateway):
    account, customer, method = _saved_method(gateway, "pm_card_chargeCustomerFail")

    with pytest.raises(PaymentDeclined) as declined:
        gateway.charge(
            account,
            customer,
            method,
            5_000,
            "usd",
            off_session=True,
            idempotency_key="k1",
            metadata={"invoice": "inv_1"},
        )

    assert declined.value.decline_code == "generic_decline"
    assert declined.value.retryable
    found = gateway.find_charge(account, "invoice", "inv_1")
    assert found is not None
    assert (found.status, found.decline_code) == ("failed", "generic_decline")


def test_given_a_card_needing_authentication_then_off_session_raises_and_on_session_asks(gateway):
    account, customer, method = _saved_method(gateway, "pm_card_authenticationRequired")

    with pytest.raises(AuthenticationRequired) as needed:
        gateway.charge(
            account,
            customer,
            method,
            5_000,
            "usd",
            off_session=True,
            idempotency_key="k1",
            metadata={},
        )
    on_session = gateway.charge(
        account,
        customer,
        method,
        5_000,
        "usd",
        off_session=False,
        idempotency_key="k2",
        metadata={},
    )

    assert needed.value.client_secret
    assert on_session.status == "requires_action"
    assert on_session.client_secret


def test_given_one_idempotency_key_when_charged_twice_then_one_charge(gateway):
    account, customer, method = _saved_method(gateway)
    charge = dict(off_session=True, idempotency_key="k1", metadata={"invoice": "inv_1"})

    first = gateway.charge(account, customer, method, 5_000, "usd", **charge)
    again = gateway.charge(account, customer, method, 5_000, "usd", **charge)

    assert first == again
    assert len(gateway.charges(account)) == 1
    with pytest.raises(PaymentGatewayError, match="other parameters"):
        gateway.charge(account, customer, method, 6_000, "usd", **charge)


def test_given_a_declined_charge_when_retried_with_its_key_then_the_decline_is_replayed(gateway):
    account, customer, method = _saved_method(gateway, "pm_card_chargeCustomerFail")
    charge = dict(off_session=True, idempotency_key="k1", metadata={})

    for _ in range(2):
        with pytest.raises(PaymentDeclined):
            gateway.charge(account, customer, method, 5_000, "usd", **charge)

    assert len(gateway.charges(account)) == 1


def test_given_an_injected_outage_when_charging_then_unavailable_and_nothing_charged(gateway):
    account, customer, method = _saved_method(gateway)
    gateway.fail_next(GatewayUnavailable())

    with pytest.raises(GatewayUnavailable):
        gateway.charge(
            account,
            customer,
            method,
            5_000,
            "usd",
            off_session=True,
            idempotency_key="k1",
            metadata={},
        )

    assert gateway.charges(account) == []


def test_given_another_business_when_it_uses_our_ids_then_they_are_unknown(gateway):
    _account, customer, method = _saved_method(gateway)
    other = gateway.create_account("Other")

    with pytest.raises(NotFoundError):
        gateway.get_payment_method(other, method)
    with pytest.raises(NotFoundError):
        gateway.charge(
            other,
            customer,
            method,
            5_000,
            "usd",
            off_session=True,
            idempotency_key="k1",
            metadata={},
        )


def test_given_a_detached_method_then_it_has_no_customer(gateway):
    account, _customer, method = _saved_method(gateway)

    gateway.detach_payment_method(account, method)

    assert gateway.get_payment_method(account, method).customer is None


def test_given_a_charge_when_refunded_in_parts_then_no_more_than_charged(gateway):
    account, customer, method = _saved_method(gateway)
    charge = gateway.charge(
        account,
        customer,
        method,
        5_000,
        "usd",
        off_session=True,
        idempotency_key="k1",
        metadata={},
    )

    part = gateway.refund(account, charge.payment_intent_id, 2_000, "r1")
    rest = gateway.refund(account, charge.payment_intent_id, None, "r2")

    assert (part.amount, rest.amount) == (2_000, 3_000)
    with pytest.raises(PaymentGatewayError):
        gateway.refund(account, charge.payment_intent_id, 1, "r3")


def test_given_a_saved_bank_account_when_charged_then_it_is_processing(gateway):
    account = gateway.create_account("Acme")
    customer = gateway.ensure_customer(account, "biz_1/cust_1", "ann@example.com", "Ann")
    intent = gateway.create_setup_intent(account, customer, "us_bank_account", "seti-key")
    method = gateway.confirm_setup_intent(account, intent.id, "pm_usBankAccount_success")

    saved = gateway.get_payment_method(account, method.payment_method)
    charge = gateway.charge(
        account,
        customer,
        saved.id,
        5_000,
        "usd",
        off_session=True,
        idempotency_key="k1",
        metadata={},
    )

    assert (saved.type, saved.bank_name) == ("us_bank_account", "STRIPE TEST BANK")
    assert charge.status == "processing"


def test_given_a_signed_event_when_parsed_then_its_facts_come_back(gateway):
    payload, header = gateway.signed_webhook(
        "payment_intent.succeeded", {"id": "pi_1"}, account="acct_1"
    )

    event = gateway.parse_webhook(payload, header)

    assert (event.type, event.account, event.object["id"]) == (
        "payment_intent.succeeded",
        "acct_1",
        "pi_1",
    )


def test_given_a_bad_signature_a_tampered_body_or_an_old_event_then_invalid(gateway):
    payload, header = gateway.signed_webhook("payment_intent.succeeded", {"id": "pi_1"})
    _old, old_header = gateway.signed_webhook(
        "payment_intent.succeeded", {"id": "pi_1"}, timestamp=int(time.time()) - 301
    )

    for body, signature in [
        (payload, header.replace("v1=", "v1=0")),
        (payload.replace(b"pi_1", b"pi_2"), header),
        (_old, old_header),
        (payload, ""),
    ]:
        with pytest.raises(InvalidWebhook):
            gateway.parse_webhook(body, signature)
