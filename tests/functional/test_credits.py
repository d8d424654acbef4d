"""Account credit through the API: off unless the business turns it on, bounded, charged at
once, and spent on the next invoices the customer pays."""

from __future__ import annotations

import uuid

import pytest

from tests.functional.test_payments import account_of, me, my_invoice, pay, put, world
from tests.support.api import call
from tests.support.payments import add_card

__all__ = ["world"]  # the fixture


def add_credit(headers, key=None, **body):
    return call(
        "POST",
        "/v1/me/credits",
        body,
        headers={**headers, "idempotency-key": key or str(uuid.uuid4())},
    )


@pytest.fixture
def credits_on(world):
    biz, ana, ben = world
    put(biz, "/v1/admin/portal", {"credits": {"enabled": True, "max_amount": 50000}})
    return biz, ana, ben


def test_given_credits_are_off_by_default_then_adding_credit_is_403_and_nothing_is_charged(
    world, fake_stripe
):
    _, ana, _ = world
    card = add_card(fake_stripe, ana)
    account = account_of(ana)

    response = add_credit(ana, amount=5000, payment_method_id=card["payment_method_id"])

    assert response.status == 403
    assert response.json()["error"]["code"] == "credits_unavailable"
    assert me(ana)["credits_enabled"] is False
    assert fake_stripe.stats()["accounts"][account]["payment_intents_created"] == 0


@pytest.mark.parametrize(
    ("amount", "status"),
    [(0, 422), (-500, 422), (49, 422), (50001, 422), ("5000", 422), (1.5, 422)],
)
def test_given_an_amount_out_of_bounds_then_refused_and_nothing_is_charged(
    credits_on, fake_stripe, amount, status
):
    _, ana, _ = credits_on
    card = add_card(fake_stripe, ana)

    response = add_credit(ana, amount=amount, payment_method_id=card["payment_method_id"])

    assert response.status == status, response.body
    assert me(ana)["credit_balance"] == 0


def test_given_credit_bought_then_it_pays_the_next_invoice_and_only_the_rest_is_charged(
    credits_on, fake_stripe
):
    _, ana, _ = credits_on
    card = add_card(fake_stripe, ana)
    account = account_of(ana)

    assert me(ana)["credits_enabled"] is True

    bought = add_credit(ana, amount=3000, payment_method_id=card["payment_method_id"])

    assert bought.status == 200, bought.body
    assert (bought.json()["status"], bought.json()["credit_added"]) == ("succeeded", 3000)
    assert me(ana)["credit_balance"] == 3000

    paid = pay(ana, invoice_ids=["inv-2"], payment_method_id=card["payment_method_id"]).json()

    assert (paid["amount"], paid["credit_applied"]) == (2000, 3000)
    assert my_invoice(ana, "inv-2")["status"] == "paid"
    assert me(ana)["credit_balance"] == 0
    charged = [c["amount"] for c in fake_stripe.charges(account) if c["status"] == "succeeded"]
    assert charged == [3000, 2000]


def test_given_credit_covering_the_invoice_then_nothing_is_charged_and_a_receipt_still_says_so(
    credits_on, fake_stripe
):
    _, ana, _ = credits_on
    card = add_card(fake_stripe, ana)
    account = account_of(ana)
    add_credit(ana, amount=5000, payment_method_id=card["payment_method_id"])

    paid = pay(ana, invoice_ids=["inv-3"], payment_method_id=card["payment_method_id"]).json()

    assert (paid["status"], paid["amount"], paid["credit_applied"]) == ("succeeded", 0, 2500)
    assert paid["method_summary"] == "Account credit"
    assert me(ana)["credit_balance"] == 2500
    assert fake_stripe.stats()["accounts"][account]["payment_intents_created"] == 1


def test_given_a_declined_card_then_no_credit_is_added(credits_on, fake_stripe):
    _, ana, _ = credits_on
    card = add_card(fake_stripe, ana, "pm_card_chargeCustomerFail")

    response = add_credit(ana, amount=5000, payment_method_id=card["payment_method_id"])

    assert response.status == 402
    assert me(ana)["credit_balance"] == 0
