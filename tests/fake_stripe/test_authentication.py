"""3-D Secure on an on-session charge: the server's PaymentIntent asks the customer to
authenticate, and the browser (publishable key and client secret, as Stripe.js) finishes it."""

from __future__ import annotations

import pytest
import stripe

from portico_local.fake_stripe import FakeStripe
from portico_local.fake_stripe.errors import StripeError
from tests.fake_stripe.conftest import Receiver, sdk
from tests.fake_stripe.helpers import authenticate, charge, customer, save

CARD = "pm_card_authenticationRequired"


def needs_authentication(
    client: stripe.StripeClient, browser: stripe.StripeClient, **extra: object
) -> stripe.PaymentIntent:
    """An on-session charge of a saved card that asks for 3-D Secure."""
    customer_id = customer(client)
    method_id = save(client, browser, customer_id, CARD)
    intent = charge(client, customer_id, method_id, off_session=False, **extra)
    assert intent.status == "requires_action"
    return intent


def test_the_browser_completes_authentication_and_the_payment_succeeds(
    fake: FakeStripe,
    client: stripe.StripeClient,
    browser: stripe.StripeClient,
    receiver: Receiver,
) -> None:
    # Given an on-session charge that asks the customer to authenticate, and no charge yet
    intent = needs_authentication(client, browser)
    assert intent.next_action is not None
    assert intent.next_action.type == "use_stripe_sdk"
    assert intent.client_secret
    assert fake.charges() == []
    # When the browser confirms it with the client secret after the customer authenticated
    done = authenticate(browser, intent)
    # Then the payment succeeded with one charge, as the server sees it too
    assert (done.status, done.amount_received, done.next_action) == ("succeeded", 12_500, None)
    [made] = fake.charges()
    assert (made["id"], made["status"], made["amount"]) == (done.latest_charge, "succeeded", 12_500)
    assert made["metadata"] == {"invoice_id": "inv_1"}
    assert client.v1.payment_intents.retrieve(intent.id).status == "succeeded"
    assert (
        browser.v1.payment_intents.retrieve(
            intent.id, {"client_secret": intent.client_secret}
        ).status
        == "succeeded"
    )
    stats = fake.stats()["accounts"]["platform"]
    assert (stats["payment_intents_created"], stats["charges_succeeded"]) == (1, 1)
    # And charge.succeeded then payment_intent.succeeded arrive as signed webhooks
    assert fake.background.wait_idle()
    events = [
        stripe.Webhook.construct_event(body, signature, fake.webhook_secret)
        for body, signature in receiver.received
    ]
    types = [e.type for e in events if e.type.startswith(("charge.", "payment_intent."))]
    assert types[-3:] == [
        "payment_intent.requires_action",
        "charge.succeeded",
        "payment_intent.succeeded",
    ]
    assert events[-1].data.object["id"] == intent.id
    assert events[-1].data.object["latest_charge"] == made["id"]


def test_a_wrong_or_missing_client_secret_is_refused(
    fake: FakeStripe, client: stripe.StripeClient, browser: stripe.StripeClient
) -> None:
    # Given two intents waiting for their customers
    intent = needs_authentication(client, browser)
    other = needs_authentication(client, browser)
    # When the browser confirms one with the other's secret, or with none
    for secret in (other.client_secret or "", None):
        params = {} if secret is None else {"client_secret": secret}
        with pytest.raises(stripe.InvalidRequestError) as refused:
            browser.v1.payment_intents.confirm(intent.id, params)
        # Then it is refused as Stripe refuses it, and nothing is charged
        assert (refused.value.http_status, refused.value.param) == (400, "client_secret")
        assert "PaymentIntent" in str(refused.value.user_message)
    with pytest.raises(stripe.InvalidRequestError):
        browser.v1.payment_intents.retrieve(intent.id, {"client_secret": other.client_secret})
    assert client.v1.payment_intents.retrieve(intent.id).status == "requires_action"
    assert fake.charges() == []


def test_the_publishable_key_cannot_create_or_list_payment_intents(
    fake: FakeStripe, client: stripe.StripeClient, browser: stripe.StripeClient
) -> None:
    customer_id = customer(client)
    with pytest.raises(stripe.AuthenticationError) as creating:
        charge(browser, customer_id, "pm_card_visa", off_session=False)
    assert creating.value.http_status == 401
    with pytest.raises(stripe.AuthenticationError):
        browser.v1.payment_intents.list({"customer": customer_id})
    with pytest.raises(stripe.AuthenticationError):
        browser.v1.payment_intents.search({"query": "metadata['invoice_id']:'inv_1'"})
    assert fake.stats()["accounts"]["platform"]["payment_intents_created"] == 0


def test_failed_authentication_returns_the_intent_to_the_customer(
    fake: FakeStripe, client: stripe.StripeClient, browser: stripe.StripeClient
) -> None:
    # Given an on-session charge that asks the customer to authenticate
    intent = needs_authentication(client, browser)
    # When the customer fails 3-D Secure (the fake's switch)
    failed = authenticate(browser, intent, authentication="fail")
    # Then nothing is charged and the intent wants a payment method, saying why
    assert failed.status == "requires_payment_method"
    assert failed.next_action is None
    assert failed.last_payment_error is not None
    assert failed.last_payment_error.code == "payment_intent_authentication_failure"
    assert fake.charges() == []
    assert fake.events()[-1]["type"] == "payment_intent.payment_failed"
    assert fake.events()[-1]["data"]["object"]["id"] == intent.id
    # And a new try asks for authentication again, and can then succeed
    assert authenticate(browser, intent).status == "requires_action"
    assert authenticate(browser, intent).status == "succeeded"
    assert [c["status"] for c in fake.charges()] == ["succeeded"]


def test_an_unknown_authentication_answer_is_refused(
    fake: FakeStripe, client: stripe.StripeClient, browser: stripe.StripeClient
) -> None:
    intent = needs_authentication(client, browser)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        authenticate(browser, intent, authentication="maybe")
    assert refused.value.param == "authentication"
    assert client.v1.payment_intents.retrieve(intent.id).status == "requires_action"


def test_the_secret_key_confirm_completes_authentication_too(
    fake: FakeStripe, client: stripe.StripeClient, browser: stripe.StripeClient
) -> None:
    intent = needs_authentication(client, browser)
    assert client.v1.payment_intents.confirm(intent.id).status == "succeeded"
    assert len(fake.charges()) == 1


def test_an_off_session_confirm_cannot_complete_authentication(
    fake: FakeStripe, client: stripe.StripeClient, browser: stripe.StripeClient
) -> None:
    # Given an intent waiting for its customer
    intent = needs_authentication(client, browser)
    # When the server confirms it again off-session, with no customer to authenticate
    with pytest.raises(stripe.CardError) as declined:
        client.v1.payment_intents.confirm(intent.id, {"off_session": True})
    # Then it is declined as an off-session charge of that card is, not paid
    assert declined.value.code == "authentication_required"
    assert client.v1.payment_intents.retrieve(intent.id).status == "requires_payment_method"
    assert [c["status"] for c in fake.charges()] == ["failed"]


def test_a_connected_accounts_intent_is_completed_with_its_header(fake: FakeStripe) -> None:
    # Given a connected account's on-session charge waiting for authentication
    account = fake.create_account("Bluewater Pools")
    server = sdk(fake, stripe_account=account)
    browser = sdk(fake, fake.publishable_key, stripe_account=account)
    intent = needs_authentication(server, browser)
    # When the browser confirms it without the account's header, it is not found
    with pytest.raises(stripe.InvalidRequestError) as missing:
        authenticate(sdk(fake, fake.publishable_key), intent)
    assert missing.value.code == "resource_missing"
    # Then with the header it succeeds, and the charge is that account's only
    assert authenticate(browser, intent).status == "succeeded"
    assert len(fake.charges(account)) == 1
    assert fake.charges() == []
    assert fake.events(account)[-1]["account"] == account


def test_complete_authentication_in_process(
    fake: FakeStripe, client: stripe.StripeClient, browser: stripe.StripeClient
) -> None:
    # Given two intents waiting for authentication
    passed = needs_authentication(client, browser)
    failed = needs_authentication(client, browser)
    # When a test answers for the customers
    done = fake.complete_authentication(None, passed.id)
    refused = fake.complete_authentication(None, failed.id, succeed=False)
    # Then one succeeded with a charge, the other failed without one
    assert (done["status"], done["latest_charge"]) == ("succeeded", fake.charges()[0]["id"])
    assert refused["status"] == "requires_payment_method"
    assert refused["last_payment_error"]["code"] == "payment_intent_authentication_failure"
    assert client.v1.payment_intents.retrieve(passed.id).status == "succeeded"
    assert len(fake.charges()) == 1
    # And an intent no longer waiting cannot be answered again
    with pytest.raises(StripeError) as again:
        fake.complete_authentication(None, passed.id)
    assert again.value.body["code"] == "payment_intent_unexpected_state"
