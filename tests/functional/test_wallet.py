"""The customer's wallet through the API, against the fake Stripe: a card is saved with a
SetupIntent the browser confirms with Stripe (Portico never sees the number), listed with
what the customer recognises, made default, deleted; other customers' SetupIntents and
methods are out of reach, and `has_payment_method` follows for the admin filters."""

from __future__ import annotations

import pytest

from tests.support.api import call
from tests.support.factories import a_business, customer_body
from tests.support.payments import METHODS, add_card, browser_confirms, save, start
from tests.support.sessions import PASSWORD, bearer, signed_up


def put(biz, path, body):
    response = call("PUT", path, body, api_key=biz.api_key)
    assert response.status in (200, 201), response.body
    return response


@pytest.fixture
def world(services, clock):
    """A business with its portal on; cust-1 (Ana) and cust-2 (Ben) signed in."""
    biz = a_business(services)
    put(biz, "/v1/admin/portal", {"enabled": True})
    put(biz, "/v1/admin/customers/cust-1", customer_body())
    put(biz, "/v1/admin/customers/cust-2", customer_body(name="Ben", email="ben@example.com"))
    ana = bearer(signed_up(services, biz.business_id, "cust-1", "ana@example.com"))
    ben = bearer(signed_up(services, biz.business_id, "cust-2", "ben@example.com"))
    return biz, ana, ben


def listed(headers):
    response = call("GET", METHODS, headers=headers)
    assert response.status == 200, response.body
    return response.json()["items"]


def admin_customer(biz, customer_id):
    response = call("GET", f"/v1/admin/customers/{customer_id}", api_key=biz.api_key)
    assert response.status == 200, response.body
    return response.json()


def test_given_a_confirmed_visa_when_saved_then_the_wallet_lists_visa_4242_as_default(
    world, fake_stripe
):
    _, ana, _ = world
    setup = start(ana)
    assert setup["publishable_key"] == fake_stripe.publishable_key
    assert setup["stripe_account"].startswith("acct_")
    assert setup["client_secret"].startswith(setup["setup_intent_id"])
    assert browser_confirms(fake_stripe, setup, "pm_card_visa").status_code == 200

    first = save(ana, setup["setup_intent_id"])
    again = save(ana, setup["setup_intent_id"])

    assert first.status == 201, first.body
    assert again.status == 200  # saving twice: one method
    assert again.json() == first.json()
    [card] = listed(ana)
    assert card == first.json()
    assert (card["type"], card["brand"], card["last4"]) == ("card", "visa", "4242")
    assert 1 <= card["exp_month"] <= 12
    assert card["exp_year"] >= 2026
    assert card["is_default"] is True
    assert listed(world[2]) == []  # Ben's wallet is his own


def test_given_a_declined_card_when_the_browser_confirms_then_nothing_is_saved(
    world, fake_stripe, services
):
    biz, ana, _ = world
    setup = start(ana)
    confirmed = browser_confirms(fake_stripe, setup, "pm_card_chargeDeclined")
    assert confirmed.status_code == 402
    assert confirmed.json()["error"]["decline_code"] == "generic_decline"

    response = save(ana, setup["setup_intent_id"])

    assert response.status == 409
    assert response.json()["error"]["code"] == "setup_incomplete"
    assert listed(ana) == []
    assert admin_customer(biz, "cust-1")["has_payment_method"] is False


def test_given_another_customers_setup_intent_when_saved_then_it_is_refused(world, fake_stripe):
    _, ana, ben = world
    start(ana)  # Ana has a Stripe customer too: the refusal is about whose intent it is
    bens = start(ben)
    assert browser_confirms(fake_stripe, bens, "pm_card_visa").status_code == 200

    response = save(ana, bens["setup_intent_id"])

    assert response.status == 404
    assert listed(ana) == []
    assert listed(ben) == []


def test_given_an_unknown_setup_intent_when_saved_then_it_is_not_found(world):
    _, ana, _ = world
    start(ana)
    assert save(ana, "seti_doesnotexist").status == 404
    assert listed(ana) == []


def test_given_another_customers_method_when_deleted_or_made_default_then_not_found(
    world, fake_stripe
):
    _, ana, ben = world
    bens = add_card(fake_stripe, ben)
    method = f"{METHODS}/{bens['payment_method_id']}"

    assert call("DELETE", method, headers=ana).status == 404
    assert call("PUT", f"{method}/default", headers=ana).status == 404
    assert [m["payment_method_id"] for m in listed(ben)] == [bens["payment_method_id"]]
    assert listed(ben)[0]["is_default"] is True


def test_given_two_methods_when_the_default_is_deleted_then_the_other_becomes_default(
    world, fake_stripe
):
    biz, ana, _ = world
    visa = add_card(fake_stripe, ana)
    mastercard = add_card(fake_stripe, ana, "pm_card_mastercard")
    assert (visa["is_default"], mastercard["is_default"]) == (True, False)

    made = call("PUT", f"{METHODS}/{mastercard['payment_method_id']}/default", headers=ana)
    assert made.status == 200
    assert made.json()["is_default"] is True
    assert [(m["payment_method_id"], m["is_default"]) for m in listed(ana)] == [
        (mastercard["payment_method_id"], True),
        (visa["payment_method_id"], False),
    ]

    deleted = call("DELETE", f"{METHODS}/{mastercard['payment_method_id']}", headers=ana)

    assert deleted.status == 204
    [left] = listed(ana)
    assert left["payment_method_id"] == visa["payment_method_id"]
    assert left["is_default"] is True
    assert admin_customer(biz, "cust-1")["has_payment_method"] is True


def test_given_saves_and_deletes_then_has_payment_method_follows_on_the_admin_view(
    world, fake_stripe
):
    biz, ana, _ = world
    assert admin_customer(biz, "cust-1")["has_payment_method"] is False

    card = add_card(fake_stripe, ana)
    assert admin_customer(biz, "cust-1")["has_payment_method"] is True
    with_method = call(
        "GET", "/v1/admin/customers?filter=with_payment_method", api_key=biz.api_key
    ).json()["items"]
    assert [c["customer_id"] for c in with_method] == ["cust-1"]

    assert call("DELETE", f"{METHODS}/{card['payment_method_id']}", headers=ana).status == 204
    assert admin_customer(biz, "cust-1")["has_payment_method"] is False
    assert listed(ana) == []
    assert call("DELETE", f"{METHODS}/{card['payment_method_id']}", headers=ana).status == 404


def test_given_the_payments_tab_is_off_then_every_wallet_route_is_403(world):
    biz, _, _ = world
    put(biz, "/v1/admin/portal", {"tabs": {"payments": False}})
    login = call(
        "POST", f"/v1/portals/{biz.slug}/login", {"email": "ana@example.com", "password": PASSWORD}
    )
    assert login.status == 200, login.body
    headers = bearer(login)

    for method, path, body in ROUTES:
        response = call(method, path, body, headers=headers)
        assert response.status == 403, (method, path, response.body)
        assert response.json()["error"]["code"] == "payments_unavailable"


ROUTES = [
    ("GET", METHODS, None),
    ("POST", f"{METHODS}/setup", {"type": "card"}),
    ("POST", METHODS, {"setup_intent_id": "seti_123"}),
    ("DELETE", f"{METHODS}/pm_123", None),
    ("PUT", f"{METHODS}/pm_123/default", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_given_no_session_then_401_and_an_api_key_then_403(world, method, path, body):
    biz, _, _ = world
    assert call(method, path, body).status == 401
    assert call(method, path, body, api_key=biz.api_key).status == 403


def test_the_wallet_page_is_one_dynamodb_request(world, fake_stripe, aws_calls):
    _, ana, _ = world
    add_card(fake_stripe, ana)
    with aws_calls.counting():
        listed(ana)
    dynamodb = {name: n for name, n in aws_calls.calls.items() if name.startswith("dynamodb:")}
    assert dynamodb == {"dynamodb:Query": 1}
