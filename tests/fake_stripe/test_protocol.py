"""The fake Stripe's protocol, driven by the official SDK: keys, connected accounts,
idempotency, webhooks and injected faults."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
import requests
import stripe

from portico_local.fake_stripe import FakeStripe, Fault
from tests.fake_stripe.conftest import Receiver, sdk
from tests.fake_stripe.helpers import charge, customer, save


def test_a_wrong_or_missing_key_is_refused(fake: FakeStripe) -> None:
    with pytest.raises(stripe.AuthenticationError) as wrong:
        sdk(fake, "sk_test_not_this_one").v1.customers.create({"email": "x@example.com"})
    assert wrong.value.http_status == 401
    answer = requests.get(f"{fake.api_base}/v1/customers", timeout=5)
    assert answer.status_code == 401
    assert answer.json()["error"]["type"] == "invalid_request_error"


def test_the_publishable_key_only_confirms_with_the_client_secret(
    client: stripe.StripeClient, browser: stripe.StripeClient
) -> None:
    # The browser cannot act as the server...
    with pytest.raises(stripe.AuthenticationError):
        browser.v1.customers.create({"email": "x@example.com"})
    with pytest.raises(stripe.AuthenticationError):
        charge(browser, "cus_x", "pm_card_visa")
    # ...nor confirm a SetupIntent without its client secret.
    intent = client.v1.setup_intents.create({"customer": customer(client)})
    with pytest.raises(stripe.InvalidRequestError) as refused:
        browser.v1.setup_intents.confirm(
            intent.id, {"payment_method": "pm_card_visa", "client_secret": "seti_x_secret_y"}
        )
    assert refused.value.param == "client_secret"
    assert client.v1.setup_intents.retrieve(intent.id).status == "requires_payment_method"


def test_connected_accounts_see_only_their_own_objects(
    fake: FakeStripe, client: stripe.StripeClient, browser: stripe.StripeClient
) -> None:
    # Given two businesses' connected accounts, one with a customer and a charge
    pools = client.v1.accounts.create({"type": "standard"}).id
    lawns = fake.create_account("Greenleaf Lawn")
    customer_id = customer(client, stripe_account=pools)
    method_id = save(
        sdk(fake, stripe_account=pools),
        sdk(fake, fake.publishable_key, stripe_account=pools),
        customer_id,
    )
    intent = charge(sdk(fake, stripe_account=pools), customer_id, method_id)
    # Then the other account and the platform cannot see them
    for other in ({"stripe_account": lawns}, None):
        with pytest.raises(stripe.InvalidRequestError) as missing:
            client.v1.customers.retrieve(customer_id, options=other)
        assert missing.value.code == "resource_missing"
        with pytest.raises(stripe.InvalidRequestError):
            client.v1.payment_intents.retrieve(intent.id, options=other)
    assert client.v1.customers.retrieve(customer_id, options={"stripe_account": pools}).id
    # And the charge counts for its own account only
    assert len(fake.charges(pools)) == 1
    assert fake.charges(lawns) == fake.charges() == []
    with pytest.raises(stripe.PermissionError):
        client.v1.customers.list(options={"stripe_account": "acct_unknown"})


def test_the_same_key_and_parameters_replay_the_first_response(
    fake: FakeStripe, client: stripe.StripeClient
) -> None:
    # Given a charge made with an idempotency key
    customer_id = customer(client)
    first = charge(client, customer_id, "pm_card_visa", key="biz1:inv1:1")
    # When the same request is sent again with the same key
    again = charge(client, customer_id, "pm_card_visa", key="biz1:inv1:1")
    # Then it is the same PaymentIntent, and the customer is charged once
    assert again.id == first.id
    assert again.last_response is not None
    assert again.last_response.headers.get("idempotent-replayed") == "true"
    assert len(fake.charges()) == 1
    # And other parameters with that key are refused
    with pytest.raises(stripe.IdempotencyError):
        charge(client, customer_id, "pm_card_visa", amount=99_00, key="biz1:inv1:1")
    assert len(fake.charges()) == 1


def test_a_decline_is_replayed_not_retried(fake: FakeStripe, client: stripe.StripeClient) -> None:
    customer_id = customer(client)
    codes = []
    for _ in range(2):
        with pytest.raises(stripe.CardError) as declined:
            charge(client, customer_id, "pm_card_chargeDeclined", key="biz1:inv2:1")
        codes.append(declined.value.error.decline_code)
    assert codes == ["generic_decline", "generic_decline"]
    assert len(fake.charges()) == 1


def test_a_validation_error_is_not_saved_under_the_key(
    fake: FakeStripe, client: stripe.StripeClient
) -> None:
    # Given a request refused before it ran (an amount under Stripe's minimum)
    customer_id = customer(client)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        charge(client, customer_id, "pm_card_visa", amount=10, key="k")
    assert refused.value.code == "amount_too_small"
    # Then the corrected request may use the same key, and it runs
    assert charge(client, customer_id, "pm_card_visa", key="k").status == "succeeded"
    assert len(fake.charges()) == 1


def test_idempotency_keys_are_per_account(fake: FakeStripe, client: stripe.StripeClient) -> None:
    other = fake.create_account()
    mine = client.v1.customers.create({"email": "a@example.com"}, {"idempotency_key": "same"})
    theirs = client.v1.customers.create(
        {"email": "a@example.com"}, {"idempotency_key": "same", "stripe_account": other}
    )
    assert mine.id != theirs.id


def test_webhooks_are_signed_like_stripe(
    fake: FakeStripe, client: stripe.StripeClient, receiver: Receiver
) -> None:
    # When a charge succeeds
    intent = charge(client, customer(client), "pm_card_visa")
    assert fake.background.wait_idle()
    # Then every event arrives signed with the endpoint secret, verifiable by the SDK
    events = [
        stripe.Webhook.construct_event(body, signature, fake.webhook_secret)
        for body, signature in receiver.received
    ]
    succeeded = [e for e in events if e.type == "payment_intent.succeeded"]
    assert [e.data.object["id"] for e in succeeded] == [intent.id]
    body, signature = receiver.received[0]
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body + b" ", signature, fake.webhook_secret)


def test_webhooks_are_retried_until_accepted(
    fake: FakeStripe, client: stripe.StripeClient, receiver: Receiver
) -> None:
    receiver.status = 500
    client.v1.customers.create({"email": "x@example.com"})
    receiver.status = 404
    intent = charge(client, customer(client), "pm_card_visa")
    assert fake.background.wait_idle()
    attempts = [d for d in fake.deliveries if d.event_type == "payment_intent.succeeded"]
    # Three attempts (retry delays 0.05, 0.05), every one refused, then dropped.
    assert [d.attempt for d in attempts] == [1, 2, 3]
    assert intent.status == "succeeded"


def test_an_injected_429_is_not_saved_under_the_key(
    fake: FakeStripe, client: stripe.StripeClient
) -> None:
    customer_id = customer(client)
    fake.inject(Fault(status=429, path="/v1/payment_intents"))
    with pytest.raises(stripe.RateLimitError):
        charge(client, customer_id, "pm_card_visa", key="k")
    assert fake.charges() == []
    assert charge(client, customer_id, "pm_card_visa", key="k").status == "succeeded"
    assert fake.stats()["accounts"]["platform"]["payment_intents_created"] == 1


def test_an_injected_500_before_running_is_retried_safely_by_the_sdk(
    fake: FakeStripe,
) -> None:
    client = sdk(fake, max_network_retries=2)
    customer_id = customer(client)
    fake.inject(Fault(status=500, count=2, path="/v1/payment_intents"))
    assert charge(client, customer_id, "pm_card_visa", key="k").status == "succeeded"
    assert len(fake.charges()) == 1


def test_an_injected_500_after_running_is_saved_and_replayed(
    fake: FakeStripe, client: stripe.StripeClient
) -> None:
    # Given a charge that ran, but whose answer was a 500
    customer_id = customer(client)
    fake.inject(Fault(status=500, phase="after", path="/v1/payment_intents"))
    with pytest.raises(stripe.APIError):
        charge(client, customer_id, "pm_card_visa", key="k")
    # Then a retry with the key replays the 500 (as Stripe does), and the customer was
    # charged once: the caller must look the PaymentIntent up
    with pytest.raises(stripe.APIError):
        charge(client, customer_id, "pm_card_visa", key="k")
    assert [c["status"] for c in fake.charges()] == ["succeeded"]
    found = client.v1.payment_intents.search({"query": "metadata['invoice_id']:'inv_1'"})
    assert found.data[0].status == "succeeded"


def test_a_timeout_after_the_charge_then_a_retry_gets_the_charge(fake: FakeStripe) -> None:
    # Given a charge whose answer never arrives in time
    client = sdk(fake, http_client=stripe.RequestsClient(timeout=0.3))
    customer_id = customer(client)
    fake.inject(Fault(timeout=True, path="/v1/payment_intents"))
    with pytest.raises(stripe.APIConnectionError):
        charge(client, customer_id, "pm_card_visa", key="k")
    # When it is retried with the same key
    again = charge(client, customer_id, "pm_card_visa", key="k")
    # Then the retry answers with the first charge, and there was only one
    assert again.status == "succeeded"
    assert len(fake.charges()) == 1


def test_injected_latency_delays_the_answer(fake: FakeStripe, client: stripe.StripeClient) -> None:
    fake.inject(Fault(latency_ms=300))
    started = time.monotonic()
    customer(client)
    assert time.monotonic() - started >= 0.3


def test_the_control_api_injects_faults_and_counts(
    fake: FakeStripe, client: stripe.StripeClient
) -> None:
    request = urllib.request.Request(
        f"{fake.api_base}/_fake/faults",
        data=json.dumps({"status": 429, "count": 1}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 200
    with pytest.raises(stripe.RateLimitError):
        customer(client)
    charge(client, customer(client), "pm_card_visa")
    with urllib.request.urlopen(f"{fake.api_base}/_fake/stats", timeout=5) as answer:
        stats = json.load(answer)
    assert stats["accounts"]["platform"]["charges"] == 1
    reset = urllib.request.Request(f"{fake.api_base}/_fake/reset", data=b"", method="POST")
    urllib.request.urlopen(reset, timeout=5).close()
    assert fake.charges() == []
