"""The fake Stripe's browser pages, over HTTP as a browser posts them: the card form confirms
a SetupIntent with the test card picked and redirects as Stripe.js does; a declining card
stays on the form with Stripe's message; the 3-D Secure page answers a PaymentIntent."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

import stripe

from portico_local.fake_stripe import FakeStripe
from tests.fake_stripe.helpers import customer

RETURN = "http://portal.test/p/sparkling-pools/billing"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def send(fake: FakeStripe, path: str, params: dict[str, str], post: bool = False):
    """(status, headers, body text) of a GET or a form POST to a page."""
    encoded = urlencode(params)
    url = fake.api_base + path + ("" if post else "?" + encoded)
    request = urllib.request.Request(url, data=encoded.encode() if post else None)
    try:
        with _OPENER.open(request, timeout=10) as answer:
            return answer.status, answer.headers, answer.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read().decode()


def setup_intent(fake: FakeStripe, client: stripe.StripeClient) -> stripe.SetupIntent:
    return client.v1.setup_intents.create(
        params={
            "customer": customer(client),
            "usage": "off_session",
            "payment_method_types": ["card"],
        }
    )


def form(fake: FakeStripe, intent: stripe.SetupIntent, **extra: str) -> dict[str, str]:
    return {
        "client_secret": intent.client_secret or "",
        "key": fake.publishable_key,
        "return_url": RETURN,
        **extra,
    }


def test_the_card_form_lists_the_test_cards_and_escapes_what_it_echoes(
    fake: FakeStripe, client: stripe.StripeClient
):
    intent = setup_intent(fake, client)

    status, headers, page = send(fake, "/_fake/card-form", form(fake, intent, locale='"><x>'))

    assert status == 200
    assert headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    for test_card in ("pm_card_visa", "pm_card_chargeDeclined", "pm_card_authenticationRequired"):
        assert f'value="{test_card}"' in page
    assert "4242 4242 4242 4242" in page
    assert '"><x>' not in page  # the locale is echoed in a hidden field, escaped


def test_saving_visa_confirms_the_setup_intent_and_redirects_back_as_stripe_js_does(
    fake: FakeStripe, client: stripe.StripeClient
):
    intent = setup_intent(fake, client)

    status, headers, _ = send(
        fake, "/_fake/card-form", form(fake, intent, payment_method="pm_card_visa"), post=True
    )

    assert status == 303
    back = urlsplit(headers["Location"])
    assert back.geturl().startswith(RETURN + "?")
    query = parse_qs(back.query)
    assert query["setup_intent"] == [intent.id]
    assert query["redirect_status"] == ["succeeded"]
    saved = client.v1.setup_intents.retrieve(intent.id)
    assert saved.status == "succeeded"
    method = client.v1.payment_methods.retrieve(str(saved.payment_method))
    assert method.card is not None
    assert method.card.last4 == "4242"


def test_a_card_declined_when_saved_stays_on_the_form_with_stripes_message(
    fake: FakeStripe, client: stripe.StripeClient
):
    intent = setup_intent(fake, client)

    status, _, page = send(
        fake,
        "/_fake/card-form",
        form(fake, intent, payment_method="pm_card_chargeDeclined"),
        post=True,
    )

    assert status == 200
    assert 'role="alert"' in page
    assert "Your card was declined." in page
    assert client.v1.setup_intents.retrieve(intent.id).status == "requires_payment_method"


def test_the_card_form_refuses_another_secret_a_wrong_key_or_a_javascript_return_url(
    fake: FakeStripe, client: stripe.StripeClient
):
    intent = setup_intent(fake, client)
    wrong_secret = form(fake, intent, client_secret=f"{intent.id}_secret_nope")
    wrong_key = form(fake, intent, key="pk_test_someone_else")
    script_url = form(fake, intent, return_url="javascript:alert(1)")

    for params in (wrong_secret, wrong_key, script_url):
        status, _, _ = send(
            fake, "/_fake/card-form", {**params, "payment_method": "pm_card_visa"}, post=True
        )
        assert status == 400
    assert client.v1.setup_intents.retrieve(intent.id).status == "requires_payment_method"


def test_the_3ds_page_completes_or_fails_the_payment(fake: FakeStripe, client: stripe.StripeClient):
    owner = customer(client)
    results = {}
    for outcome in ("complete", "fail"):
        intent = client.v1.payment_intents.create(
            params={
                "amount": 12_990,
                "currency": "usd",
                "customer": owner,
                "payment_method": "pm_card_authenticationRequired",
                "confirm": True,
            }
        )
        assert intent.status == "requires_action"
        params = {
            "client_secret": intent.client_secret or "",
            "key": fake.publishable_key,
            "return_url": RETURN,
        }
        status, _, page = send(fake, "/_fake/authenticate", params)
        assert status == 200
        assert "129.90 USD" in page
        status, headers, _ = send(
            fake, "/_fake/authenticate", {**params, "outcome": outcome}, post=True
        )
        assert status == 303
        results[outcome] = (
            parse_qs(urlsplit(headers["Location"]).query)["redirect_status"],
            client.v1.payment_intents.retrieve(intent.id).status,
        )

    assert results == {
        "complete": (["succeeded"], "succeeded"),
        "fail": (["failed"], "requires_payment_method"),
    }
