"""The fake Stripe's bank-account form, over HTTP as a browser posts it: a SetupIntent for a
US bank account opens it instead of the card form; Stripe's test account saves and redirects
as Stripe.js does; a wrong number or a missing name stays on the form with the reason."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import stripe

from portico_local.fake_stripe import FakeStripe
from tests.fake_stripe.helpers import customer
from tests.fake_stripe.test_pages import RETURN, form, send


def bank_setup_intent(client: stripe.StripeClient) -> stripe.SetupIntent:
    return client.v1.setup_intents.create(
        params={
            "customer": customer(client),
            "usage": "off_session",
            "payment_method_types": ["us_bank_account"],
        }
    )


def test_a_bank_setup_intent_opens_the_bank_form_with_stripes_test_accounts(
    fake: FakeStripe, client: stripe.StripeClient
):
    intent = bank_setup_intent(client)

    status, _, page = send(fake, "/_fake/card-form", form(fake, intent, locale="es"))

    assert status == 200
    assert "Agregar una cuenta bancaria" in page
    assert 'value="110000000"' in page
    for number in ("000123456789", "000111111113", "000222222227"):
        assert number in page
    assert 'name="payment_method"' not in page  # no test cards on the bank form


def test_stripes_test_account_is_saved_and_the_browser_goes_back_as_with_stripe_js(
    fake: FakeStripe, client: stripe.StripeClient
):
    intent = bank_setup_intent(client)
    account = {"holder": "Casey Morgan", "routing_number": "110000000"}

    status, headers, _ = send(
        fake,
        "/_fake/card-form",
        form(fake, intent, **account, account_number="000123456789"),
        post=True,
    )

    assert status == 303
    assert headers["Location"].startswith(RETURN + "?")
    query = parse_qs(urlsplit(headers["Location"]).query)
    assert query["setup_intent"] == [intent.id]
    assert query["redirect_status"] == ["succeeded"]
    saved = client.v1.setup_intents.retrieve(intent.id)
    assert saved.status == "succeeded"
    method = client.v1.payment_methods.retrieve(str(saved.payment_method))
    assert method.type == "us_bank_account"
    assert method.us_bank_account is not None
    assert method.us_bank_account.last4 == "6789"


def test_a_wrong_number_or_no_name_stays_on_the_form_and_saves_nothing(
    fake: FakeStripe, client: stripe.StripeClient
):
    intent = bank_setup_intent(client)
    tries = {
        "Invalid account number.": {"holder": "Casey", "account_number": "12"},
        "Routing number must be 110000000": {
            "holder": "Casey",
            "routing_number": "021000021",
            "account_number": "000123456789",
        },
        "Enter the account holder": {"holder": " ", "account_number": "000123456789"},
    }

    for reason, fields in tries.items():
        status, _, page = send(fake, "/_fake/card-form", form(fake, intent, **fields), post=True)
        assert status == 200
        assert 'role="alert"' in page
        assert reason in page
    assert client.v1.setup_intents.retrieve(intent.id).status == "requires_payment_method"
