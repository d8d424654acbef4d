"""The Stripe adapter through the official SDK, against the fake Stripe server over HTTP:
what Portico sends (Stripe-Account, idempotency keys), how it reads Stripe's answers, and
how Stripe's failures become Portico's errors."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from portico.errors import NotFoundError
from portico.payments import (
    AuthenticationRequired,
    GatewayUnavailable,
    InvalidWebhook,
    PaymentDeclined,
    PaymentGateway,
    idempotency_key,
    make_stripe_gateway,
)
from portico_local.fake_stripe import FakeStripe, Fault
from portico_local.fake_stripe.webhooks import signature_header

HANG_S = 3.0  # how long the fake holds a "timeout" request; longer than the read timeout


class _Receiver:
    """A webhook endpoint on loopback that keeps what Stripe sends: (body, signature)."""

    def __init__(self) -> None:
        self.received: list[tuple[bytes, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.received.append((body, self.headers.get("stripe-signature", "")))
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhooks/stripe"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def receiver() -> Iterator[_Receiver]:
    found = _Receiver()
    yield found
    found.stop()


@pytest.fixture(scope="module")
def fake(receiver: _Receiver) -> Iterator[FakeStripe]:
    with FakeStripe(webhook_url=receiver.url, hang_s=HANG_S) as running:
        yield running


@pytest.fixture(autouse=True)
def no_faults_left(fake: FakeStripe) -> Iterator[None]:
    yield
    with fake.lock:
        fake.faults.clear()


@pytest.fixture
def gateway(fake: FakeStripe) -> PaymentGateway:
    # Short timeouts keep the timeout tests quick; the SDK retries twice, as in production.
    return make_stripe_gateway(
        fake.secret_key, fake.webhook_secret, fake.api_base, timeout=(1.0, 1.0)
    )


@pytest.fixture
def account(gateway: PaymentGateway) -> str:
    """A new business's connected account: every test starts with no charges."""
    return gateway.create_account("Acme Plumbing")


@pytest.fixture
def customer(gateway: PaymentGateway, account: str) -> str:
    return gateway.ensure_customer(account, "biz_1/cust_1", "ann@example.com", "Ann Smith")


def _browser_confirms(fake: FakeStripe, account: str, setup_intent, test_method: str):
    """What Stripe.js does in the customer's browser: confirm the SetupIntent with the
    publishable key and the client secret. Portico's servers never see the card."""
    return requests.post(
        f"{fake.api_base}/v1/setup_intents/{setup_intent.id}/confirm",
        data={"client_secret": setup_intent.client_secret, "payment_method": test_method},
        headers={"Authorization": f"Bearer {fake.publishable_key}", "Stripe-Account": account},
        timeout=5,
    )


def _saved(gateway, fake, account, customer, test_method="pm_card_visa", kind="card") -> str:
    intent = gateway.create_setup_intent(
        account, customer, kind, idempotency_key("biz_1", "setup", "cust_1", test_method)
    )
    assert _browser_confirms(fake, account, intent, test_method).status_code == 200
    method = gateway.get_setup_intent(account, intent.id).payment_method
    assert method is not None
    return method


def _charge(gateway, account, customer, method, *, key="k-1", off_session=True, amount=12_500):
    return gateway.charge(
        account,
        customer,
        method,
        amount,
        "usd",
        off_session=off_session,
        idempotency_key=key,
        metadata={"portico_charge": key},
    )


# --- the card path -------------------------------------------------------------------------


def test_given_a_new_business_when_a_customer_saves_a_card_then_autopay_can_charge_it(
    gateway, fake
):
    account = gateway.create_account("Acme Plumbing")
    customer = gateway.ensure_customer(account, "biz_1/cust_1", "ann@example.com", "Ann Smith")
    assert gateway.ensure_customer(account, "biz_1/cust_1", "ann@example.com", "Ann Smith") == (
        customer
    )

    intent = gateway.create_setup_intent(account, customer, "card", "portico-setup-1")
    assert intent.status == "requires_payment_method"
    assert intent.client_secret

    assert _browser_confirms(fake, account, intent, "pm_card_visa").status_code == 200

    confirmed = gateway.get_setup_intent(account, intent.id)
    assert (confirmed.status, confirmed.customer) == ("succeeded", customer)
    assert confirmed.payment_method is not None
    assert confirmed.client_secret is None  # never handed out again after creation

    saved = gateway.get_payment_method(account, confirmed.payment_method)
    assert (saved.type, saved.brand, saved.last4, saved.customer) == (
        "card",
        "visa",
        "4242",
        customer,
    )
    assert saved.exp_month
    assert saved.exp_year

    charge = _charge(gateway, account, customer, saved.id, key="autopay-inv-1")

    assert (charge.status, charge.amount, charge.currency) == ("succeeded", 12_500, "usd")
    charges = fake.charges(account)
    assert [(c["status"], c["amount"], c["metadata"]) for c in charges] == [
        ("succeeded", 12_500, {"portico_charge": "autopay-inv-1"})
    ]
    assert fake.charges(None) == []  # nothing on the platform account


def test_given_a_card_declined_when_saved_then_the_setup_intent_is_not_succeeded(
    gateway, fake, account, customer
):
    intent = gateway.create_setup_intent(account, customer, "card", "portico-setup-2")

    answer = _browser_confirms(fake, account, intent, "pm_card_chargeDeclined")

    assert answer.status_code == 402
    after = gateway.get_setup_intent(account, intent.id)
    assert (after.status, after.payment_method) == ("requires_payment_method", None)


@pytest.mark.parametrize(
    ("test_method", "code", "words"),
    [
        ("pm_card_chargeDeclined", "generic_decline", "Your card was declined."),
        ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds", "insufficient funds"),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card", "has expired"),
        ("pm_card_chargeCustomerFail", "generic_decline", "Your card was declined."),
    ],
)
def test_given_a_declining_card_when_charged_then_declined_with_its_code_and_plain_words(
    gateway, fake, account, customer, test_method, code, words
):
    with pytest.raises(PaymentDeclined) as declined:
        _charge(gateway, account, customer, test_method)

    assert declined.value.decline_code == code
    assert words in declined.value.message_for_customer
    assert declined.value.payment_intent_id
    assert [c["status"] for c in fake.charges(account)] == ["failed"]


def test_given_a_saved_card_that_always_fails_when_charged_then_declined(
    gateway, fake, account, customer
):
    method = _saved(gateway, fake, account, customer, "pm_card_chargeCustomerFail")

    with pytest.raises(PaymentDeclined) as declined:
        _charge(gateway, account, customer, method)

    assert declined.value.decline_code == "generic_decline"
    assert declined.value.retryable


def test_given_a_card_needing_authentication_when_charged_off_session_then_the_customer_must_act(
    gateway, fake, account, customer
):
    method = _saved(gateway, fake, account, customer, "pm_card_authenticationRequired")

    with pytest.raises(AuthenticationRequired) as needed:
        _charge(gateway, account, customer, method, key="off")
    on_session = _charge(gateway, account, customer, method, key="on", off_session=False)

    assert needed.value.payment_intent_id.startswith("pi_")
    assert needed.value.client_secret.startswith(needed.value.payment_intent_id)
    assert on_session.status == "requires_action"
    assert on_session.client_secret


# --- idempotency, retries and outages ------------------------------------------------------


def test_given_one_idempotency_key_when_charged_twice_then_stripe_charges_once(
    gateway, fake, account, customer
):
    method = _saved(gateway, fake, account, customer)

    first = _charge(gateway, account, customer, method, key="autopay-inv-1-attempt-1")
    again = _charge(gateway, account, customer, method, key="autopay-inv-1-attempt-1")

    assert first.payment_intent_id == again.payment_intent_id
    assert len(fake.charges(account)) == 1


@pytest.mark.parametrize("status", [500, 503, 429])
def test_given_a_passing_failure_when_charging_then_retried_and_charged_once(
    gateway, fake, account, customer, status
):
    method = _saved(gateway, fake, account, customer)
    fake.inject(Fault(status=status, path="/v1/payment_intents"))

    charge = _charge(gateway, account, customer, method)

    assert charge.status == "succeeded"
    assert len(fake.charges(account)) == 1


def test_given_stripe_keeps_throttling_when_charging_then_unavailable_and_nothing_charged(
    gateway, fake, account, customer
):
    method = _saved(gateway, fake, account, customer)
    fake.inject(Fault(status=429, count=10, path="/v1/payment_intents"))

    with pytest.raises(GatewayUnavailable):
        _charge(gateway, account, customer, method)

    assert fake.charges(account) == []


def test_given_one_timeout_after_the_charge_when_retried_then_the_first_result_comes_back(
    gateway, fake, account, customer
):
    method = _saved(gateway, fake, account, customer)
    fake.inject(Fault(timeout=True, phase="after", path="/v1/payment_intents"))

    charge = _charge(gateway, account, customer, method)

    assert charge.status == "succeeded"
    assert len(fake.charges(account)) == 1


def test_given_stripe_never_answers_when_charging_then_unavailable_and_the_charge_is_findable(
    gateway, fake, account, customer
):
    method = _saved(gateway, fake, account, customer)
    # The charge runs, then no answer comes, for the first try and both SDK retries.
    fake.inject(Fault(timeout=True, phase="after", count=3, path="/v1/payment_intents"))
    started = time.monotonic()

    with pytest.raises(GatewayUnavailable):
        _charge(gateway, account, customer, method, key="autopay-inv-9")

    assert time.monotonic() - started < 3 * HANG_S  # gave up on its own timeouts
    found = gateway.find_charge(account, "portico_charge", "autopay-inv-9")
    assert found is not None
    assert found.status == "succeeded"
    assert len(fake.charges(account)) == 1


def test_given_a_crash_after_stripe_charged_when_the_worker_recovers_then_it_finds_the_charge(
    gateway, fake, account, customer
):
    # Stripe charged, then failed to answer (a 500 it saves and replays for the key).
    method = _saved(gateway, fake, account, customer)
    fake.inject(Fault(status=500, phase="after", path="/v1/payment_intents"))
    with pytest.raises(GatewayUnavailable):
        _charge(gateway, account, customer, method, key="autopay-inv-7")
    with pytest.raises(GatewayUnavailable):  # the same key replays Stripe's saved 500
        _charge(gateway, account, customer, method, key="autopay-inv-7")

    by_search = gateway.find_charge(account, "portico_charge", "autopay-inv-7")
    by_customer = gateway.find_charge(
        account, "portico_charge", "autopay-inv-7", stripe_customer=customer
    )

    assert by_search is not None
    assert by_search == by_customer
    assert (by_search.status, by_search.amount) == ("succeeded", 12_500)
    assert gateway.find_charge(account, "portico_charge", "autopay-inv-8") is None
    assert len(fake.charges(account)) == 1


def test_given_a_declined_charge_when_found_later_then_it_reads_failed_with_its_code(
    gateway, account, customer
):
    with pytest.raises(PaymentDeclined):
        _charge(gateway, account, customer, "pm_card_chargeDeclinedInsufficientFunds", key="d1")

    found = gateway.find_charge(account, "portico_charge", "d1")

    assert found is not None
    assert (found.status, found.decline_code) == ("failed", "insufficient_funds")


# --- refunds, detaching, isolation ---------------------------------------------------------


def test_given_a_charge_when_refunded_in_part_then_the_rest_then_stripe_refunded_it_all(
    gateway, fake, account, customer
):
    method = _saved(gateway, fake, account, customer)
    charge = _charge(gateway, account, customer, method, amount=10_000)

    part = gateway.refund(account, charge.payment_intent_id, 4_000, "refund-1")
    again = gateway.refund(account, charge.payment_intent_id, 4_000, "refund-1")
    rest = gateway.refund(account, charge.payment_intent_id, None, "refund-2")

    assert part == again
    assert (part.amount, rest.amount, rest.status) == (4_000, 6_000, "succeeded")
    assert fake.charges(account)[0]["refunded"] is True


def test_given_a_saved_card_when_detached_then_it_belongs_to_no_one(
    gateway, fake, account, customer
):
    method = _saved(gateway, fake, account, customer)

    gateway.detach_payment_method(account, method)

    assert gateway.get_payment_method(account, method).customer is None


def test_given_two_businesses_when_one_uses_the_others_ids_then_they_are_not_found(
    gateway, fake, account, customer
):
    method = _saved(gateway, fake, account, customer)
    other = gateway.create_account("Other Co")

    with pytest.raises(NotFoundError):
        gateway.get_payment_method(other, method)
    with pytest.raises(NotFoundError):
        _charge(gateway, other, customer, method)
    assert gateway.find_charge(other, "portico_charge", "k-1") is None
    assert fake.charges(other) == []


# --- US bank accounts ----------------------------------------------------------------------


def test_given_a_saved_bank_account_when_charged_then_processing_until_it_settles(
    gateway, fake, account, customer
):
    method = _saved(gateway, fake, account, customer, "pm_usBankAccount_success", "us_bank_account")

    saved = gateway.get_payment_method(account, method)
    charge = _charge(gateway, account, customer, method)

    assert (saved.type, saved.bank_name, saved.last4) == (
        "us_bank_account",
        "STRIPE TEST BANK",
        "6789",
    )
    assert charge.status == "processing"
    fake.settle(account, charge.payment_intent_id)
    found = gateway.find_charge(account, "portico_charge", "k-1")
    assert found is not None
    assert found.status == "succeeded"


# --- webhooks ------------------------------------------------------------------------------


def _delivered(receiver: _Receiver, event_type: str, object_id: str) -> tuple[bytes, str]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for body, signature in list(receiver.received):
            if event_type.encode() in body and object_id.encode() in body:
                return body, signature
        time.sleep(0.02)
    raise AssertionError(f"no {event_type} webhook for {object_id}")


def test_given_a_charge_when_stripe_sends_its_webhook_then_it_verifies_and_reads(
    gateway, fake, receiver, account, customer
):
    method = _saved(gateway, fake, account, customer)
    charge = _charge(gateway, account, customer, method)
    body, signature = _delivered(receiver, "payment_intent.succeeded", charge.payment_intent_id)

    event = gateway.parse_webhook(body, signature)

    assert event.type == "payment_intent.succeeded"
    assert event.account == account
    assert event.object["id"] == charge.payment_intent_id
    assert event.object["status"] == "succeeded"


def test_given_a_forged_tampered_or_old_webhook_then_it_is_refused(
    gateway, fake, receiver, account, customer
):
    method = _saved(gateway, fake, account, customer)
    charge = _charge(gateway, account, customer, method)
    body, signature = _delivered(receiver, "payment_intent.succeeded", charge.payment_intent_id)
    text = body.decode()

    forged = signature_header(text, "whsec_not_the_endpoints")
    tampered = body.replace(b'"succeeded"', b'"canceled"')
    old = signature_header(text, fake.webhook_secret, int(time.time()) - 301)
    recent = signature_header(text, fake.webhook_secret, int(time.time()) - 299)

    for payload, header in [(body, forged), (tampered, signature), (body, old), (body, "")]:
        with pytest.raises(InvalidWebhook):
            gateway.parse_webhook(payload, header)
    assert gateway.parse_webhook(body, recent).id == gateway.parse_webhook(body, signature).id
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(b"not json", signature_header("not json", fake.webhook_secret))
