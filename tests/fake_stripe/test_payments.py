"""The fake Stripe's payments, driven by the official SDK: cards, bank accounts, refunds."""

from __future__ import annotations

import pytest
import stripe

from portico_local.fake_stripe import FakeStripe
from tests.fake_stripe.helpers import charge, customer, save

DECLINING = [
    ("pm_card_chargeDeclined", "card_declined", "generic_decline"),
    ("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
    ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card"),
]


def test_a_card_saved_in_the_browser_is_charged_off_session(
    fake: FakeStripe, client: stripe.StripeClient, browser: stripe.StripeClient
) -> None:
    # Given a customer who saved a Visa through a SetupIntent confirmed with the publishable key
    customer_id = customer(client)
    method_id = save(client, browser, customer_id)
    # When the server charges it off-session
    intent = charge(client, customer_id, method_id)
    # Then the payment succeeds and the card is the customer's Visa ending 4242
    assert intent.status == "succeeded"
    assert intent.amount_received == 12_500
    method = client.v1.payment_methods.retrieve(method_id)
    assert method.customer == customer_id
    assert method.card is not None
    assert (method.card.brand, method.card.last4) == ("visa", "4242")
    listed = client.v1.customers.payment_methods.list(customer_id)
    assert [m.id for m in listed.data] == [method_id]
    assert fake.stats()["accounts"]["platform"]["charges_succeeded"] == 1


def test_mastercard_saves_with_its_brand(
    client: stripe.StripeClient, browser: stripe.StripeClient
) -> None:
    method = client.v1.payment_methods.retrieve(
        save(client, browser, customer(client), "pm_card_mastercard")
    )
    assert method.card is not None
    assert (method.card.brand, method.card.last4) == ("mastercard", "4444")


@pytest.mark.parametrize(("card", "code", "decline_code"), DECLINING)
def test_declining_cards_are_declined_when_saved(
    client: stripe.StripeClient,
    browser: stripe.StripeClient,
    card: str,
    code: str,
    decline_code: str,
) -> None:
    # Given a SetupIntent for a customer
    customer_id = customer(client)
    intent = client.v1.setup_intents.create({"customer": customer_id, "usage": "off_session"})
    # When the browser confirms it with a declining test card
    with pytest.raises(stripe.CardError) as declined:
        browser.v1.setup_intents.confirm(
            intent.id, {"payment_method": card, "client_secret": intent.client_secret or ""}
        )
    # Then the card is refused with its decline code, and nothing is saved
    assert (declined.value.code, declined.value.error.decline_code) == (code, decline_code)
    assert declined.value.http_status == 402
    assert client.v1.setup_intents.retrieve(intent.id).status == "requires_payment_method"
    assert client.v1.customers.payment_methods.list(customer_id).data == []


@pytest.mark.parametrize(("card", "code", "decline_code"), DECLINING)
def test_declining_cards_are_declined_when_charged(
    fake: FakeStripe, client: stripe.StripeClient, card: str, code: str, decline_code: str
) -> None:
    customer_id = customer(client)
    with pytest.raises(stripe.CardError) as declined:
        charge(client, customer_id, card)
    error = declined.value.error
    assert (declined.value.code, error.decline_code) == (code, decline_code)
    assert error.payment_intent is not None
    assert error.payment_intent.status == "requires_payment_method"
    assert error.payment_intent.last_payment_error is not None
    assert error.payment_intent.last_payment_error.decline_code == decline_code
    assert [c["status"] for c in fake.charges()] == ["failed"]


def test_charge_customer_fail_saves_then_every_charge_is_declined(
    client: stripe.StripeClient, browser: stripe.StripeClient
) -> None:
    customer_id = customer(client)
    method_id = save(client, browser, customer_id, "pm_card_chargeCustomerFail")
    for attempt in range(2):
        with pytest.raises(stripe.CardError) as declined:
            charge(client, customer_id, method_id, key=f"attempt-{attempt}")
        assert declined.value.error.decline_code == "generic_decline"


def test_authentication_required_saves_but_fails_off_session(
    client: stripe.StripeClient, browser: stripe.StripeClient
) -> None:
    customer_id = customer(client)
    method_id = save(client, browser, customer_id, "pm_card_authenticationRequired")
    with pytest.raises(stripe.CardError) as declined:
        charge(client, customer_id, method_id)
    assert declined.value.code == "authentication_required"
    # On-session, the customer is asked to authenticate instead.
    intent = charge(client, customer_id, method_id, off_session=False)
    assert intent.status == "requires_action"


def test_ach_goes_processing_then_settles_with_events(
    fake: FakeStripe, client: stripe.StripeClient, browser: stripe.StripeClient
) -> None:
    # Given a customer who saved Stripe's succeeding test bank account
    customer_id = customer(client)
    bank = client.v1.payment_methods.create(
        {
            "type": "us_bank_account",
            "us_bank_account": {"routing_number": "110000000", "account_number": "000123456789"},
            "billing_details": {"name": "Pat Doe"},
        }
    )
    method_id = save(client, browser, customer_id, bank.id, ("us_bank_account",))
    assert bank.us_bank_account is not None
    assert bank.us_bank_account.last4 == "6789"
    # When it is debited
    intent = charge(client, customer_id, method_id, types=("us_bank_account",))
    # Then the payment is processing until it settles, then succeeded, with both events
    assert intent.status == "processing"
    assert fake.settle() == [intent.id]
    assert client.v1.payment_intents.retrieve(intent.id).status == "succeeded"
    types = [e["type"] for e in fake.events() if e["data"]["object"].get("id") == intent.id]
    assert types[-2:] == ["payment_intent.processing", "payment_intent.succeeded"]


def test_a_closed_bank_account_fails_when_it_settles(
    fake: FakeStripe, client: stripe.StripeClient, browser: stripe.StripeClient
) -> None:
    customer_id = customer(client)
    method_id = save(
        client, browser, customer_id, "pm_usBankAccount_accountClosed", ("us_bank_account",)
    )
    intent = charge(client, customer_id, method_id, types=("us_bank_account",))
    assert intent.status == "processing"
    fake.settle(payment_intent=intent.id)
    failed = client.v1.payment_intents.retrieve(intent.id)
    assert failed.status == "requires_payment_method"
    assert failed.last_payment_error is not None
    assert failed.last_payment_error.code == "account_closed"
    assert fake.events()[-1]["type"] == "payment_intent.payment_failed"


def test_ach_settles_by_itself_when_asked(receiver: object) -> None:
    with FakeStripe(ach_settle_after_s=0.05) as fake:
        client = stripe.StripeClient(fake.secret_key, base_addresses={"api": fake.api_base})
        customer_id = customer(client)
        intent = charge(client, customer_id, "pm_usBankAccount_success", types=("us_bank_account",))
        assert fake.background.wait_idle()
        assert client.v1.payment_intents.retrieve(intent.id).status == "succeeded"


def test_refund_emits_charge_refunded(fake: FakeStripe, client: stripe.StripeClient) -> None:
    intent = charge(client, customer(client), "pm_card_visa")
    refund = client.v1.refunds.create({"payment_intent": intent.id, "amount": 2_500})
    assert (refund.status, refund.amount) == ("succeeded", 2_500)
    refunded = fake.events()[-1]
    assert refunded["type"] == "charge.refunded"
    assert refunded["data"]["object"]["amount_refunded"] == 2_500
    assert client.v1.events.retrieve(refunded["id"]).type == "charge.refunded"
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        client.v1.refunds.create({"payment_intent": intent.id, "amount": 20_000})
    assert too_much.value.code == "amount_too_large"


def test_a_payment_intent_is_found_again_after_a_crash(client: stripe.StripeClient) -> None:
    # Given a charge whose answer the caller lost
    customer_id = customer(client)
    intent = charge(client, customer_id, "pm_card_visa", metadata={"attempt": "inv_9:1"})
    charge(client, customer_id, "pm_card_visa", metadata={"attempt": "inv_9:2"})
    # Then it can be found by customer and by its metadata
    listed = client.v1.payment_intents.list({"customer": customer_id})
    assert intent.id in [i.id for i in listed.data]
    found = client.v1.payment_intents.search({"query": "metadata['attempt']:'inv_9:1'"})
    assert [i.id for i in found.data] == [intent.id]


def test_expand_latest_charge(client: stripe.StripeClient) -> None:
    intent = charge(client, customer(client), "pm_card_visa")
    expanded = client.v1.payment_intents.retrieve(intent.id, {"expand": ["latest_charge"]})
    assert isinstance(expanded.latest_charge, stripe.Charge)
    assert expanded.latest_charge.amount == 12_500


def test_listing_by_customer_returns_only_theirs_with_metadata(
    client: stripe.StripeClient, browser: stripe.StripeClient
) -> None:
    # Given two customers' charges, one of them waiting for 3-D Secure
    pat, sam = customer(client), customer(client)
    paid = charge(client, pat, "pm_card_visa", metadata={"attempt": "inv_7:1"})
    method_id = save(client, browser, pat, "pm_card_authenticationRequired")
    waiting = charge(client, pat, method_id, off_session=False, metadata={"attempt": "inv_7:2"})
    charge(client, sam, "pm_card_visa", metadata={"attempt": "inv_7:1"})
    # When Pat's PaymentIntents are listed, as `find_charge` does
    listed = client.v1.payment_intents.list({"customer": pat, "limit": 100})
    # Then they are Pat's only, newest first, each with its metadata and status
    found = [(i.id, i.status, i.metadata.to_dict()) for i in listed.data]
    assert found == [
        (waiting.id, "requires_action", {"attempt": "inv_7:2"}),
        (paid.id, "succeeded", {"attempt": "inv_7:1"}),
    ]


def test_search_reads_escaped_quotes_in_values(client: stripe.StripeClient) -> None:
    # Given a charge whose metadata holds a quote and a backslash
    customer_id = customer(client)
    intent = charge(client, customer_id, "pm_card_visa", metadata={"note": "Pat's \\ lawn"})
    charge(client, customer_id, "pm_card_visa", metadata={"note": "Pat"})
    # When it is searched with Stripe's escapes, as `find_charge` quotes it
    query = "metadata['note']:'Pat\\'s \\\\ lawn' AND status:'succeeded'"
    found = client.v1.payment_intents.search({"query": query})
    # Then it is the one found
    assert [(i.id, i.metadata["note"]) for i in found.data] == [(intent.id, "Pat's \\ lawn")]
