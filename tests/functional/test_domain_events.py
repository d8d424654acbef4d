"""Domain events of the flows that exist: each written in its state change's transaction and
published once (through the stream and the publisher, tests/support/events.py), and none
when a request is refused or repeated (double submit, duplicate webhook, duplicate job)."""

from __future__ import annotations

import pytest

from portico.domain.autopay import ChargeJob
from portico.services.autopay_run import charge_job, start_run
from tests.support.api import call, put
from tests.support.factories import a_business, customer_body, invoice_body
from tests.support.payments import add_card, deliver_events, pay, webhook
from tests.support.sessions import bearer, link_for, signed_up


def invoice(biz, invoice_id, customer_id="cust-1", **fields):
    return put(
        biz,
        f"/v1/admin/invoices/{invoice_id}",
        invoice_body(customer_id, number=invoice_id.upper(), **fields),
    )


@pytest.fixture
def world(services, clock, published):
    """Sparkling Pools, portal on; Ana (cust-1) owes inv-1 and inv-2, Ben (cust-2) inv-9;
    both signed in. The events so far (their logins) are taken."""
    biz = a_business(services)
    put(biz, "/v1/admin/portal", {"enabled": True})
    put(biz, "/v1/admin/customers/cust-1", customer_body())
    put(biz, "/v1/admin/customers/cust-2", customer_body(name="Ben", email="ben@example.com"))
    invoice(biz, "inv-1", issue_date="2026-03-01", due_date="2026-05-01", autopay_eligible=True)
    invoice(biz, "inv-2", issue_date="2026-04-01", due_date="2026-05-20")
    invoice(biz, "inv-9", customer_id="cust-2")
    ana = bearer(signed_up(services, biz.business_id, "cust-1", "ana@example.com"))
    ben = bearer(signed_up(services, biz.business_id, "cust-2", "ben@example.com"))
    published.new()
    return biz, ana, ben


def account_of(headers):
    return call("POST", "/v1/me/payment-methods/setup", {"type": "card"}, headers=headers).json()[
        "stripe_account"
    ]


def data(events):
    return [event["detail"]["data"] for event in events]


# --- invoice.paid ----------------------------------------------------------------------------


def test_given_a_portal_payment_of_two_invoices_then_each_is_published_paid_once(
    world, fake_stripe, published
):
    biz, ana, _ = world
    card = add_card(fake_stripe, ana)

    first = pay(ana, key="key-0001", pay_balance=True, payment_method_id=card["payment_method_id"])
    again = pay(ana, key="key-0001", pay_balance=True, payment_method_id=card["payment_method_id"])

    assert first.status == again.status == 200
    paid = published.new("invoice.paid")
    assert sorted(d["invoice_id"] for d in data(paid)) == ["inv-1", "inv-2"]
    [one] = [e["detail"] for e in paid if e["detail"]["data"]["invoice_id"] == "inv-1"]
    assert one["business_id"] == biz.business_id
    assert one["customer_id"] == "cust-1"
    assert one["data"]["payment_id"] == first.json()["payment_id"]
    assert one["data"]["autopay"] is False
    assert len({e["detail"]["id"] for e in paid}) == 2  # an id per event, to dedupe on
    # A new request for what is paid already is refused and publishes nothing.
    refused = pay(ana, invoice_ids=["inv-1"], payment_method_id=card["payment_method_id"])
    assert refused.status in (409, 422)
    assert published.new() == []


def test_given_a_bank_debit_settled_by_a_webhook_delivered_twice_then_paid_is_published_once(
    world, fake_stripe, published
):
    _, ana, _ = world
    bank = add_card(fake_stripe, ana, "pm_usBankAccount_success", kind="us_bank_account")
    account = account_of(ana)
    started = pay(ana, invoice_ids=["inv-2"], payment_method_id=bank["payment_method_id"])
    assert started.json()["status"] == "processing"
    assert published.new("invoice.paid") == []  # not paid until the money is there

    fake_stripe.settle(account)
    deliver_events(fake_stripe, account)
    deliver_events(fake_stripe, account)  # Stripe retries: the same events again

    assert [d["invoice_id"] for d in data(published.new("invoice.paid"))] == ["inv-2"]


# --- payment.failed --------------------------------------------------------------------------


def test_given_a_declined_card_then_payment_failed_is_published_once(world, fake_stripe, published):
    _, ana, _ = world
    card = add_card(fake_stripe, ana, "pm_card_chargeCustomerFail")

    declined = pay(
        ana, key="key-0002", invoice_ids=["inv-2"], payment_method_id=card["payment_method_id"]
    )
    repeated = pay(
        ana, key="key-0002", invoice_ids=["inv-2"], payment_method_id=card["payment_method_id"]
    )

    assert declined.status == repeated.status == 402
    [failed] = published.new("payment.failed")
    assert failed["detail"]["customer_id"] == "cust-1"
    assert failed["detail"]["data"]["invoice_ids"] == ["inv-2"]
    assert failed["detail"]["data"]["failure_code"] == "generic_decline"
    assert failed["detail"]["data"]["autopay"] is False
    assert published.new("invoice.paid") == []


def test_given_a_bank_debit_that_fails_later_then_payment_failed_is_published_once(
    world, fake_stripe, published
):
    _, ana, _ = world
    bank = add_card(fake_stripe, ana, "pm_usBankAccount_accountClosed", kind="us_bank_account")
    account = account_of(ana)
    pay(ana, invoice_ids=["inv-1"], payment_method_id=bank["payment_method_id"])

    fake_stripe.settle(account)
    deliver_events(fake_stripe, account)
    deliver_events(fake_stripe, account)

    [failed] = published.new("payment.failed")
    assert failed["detail"]["data"]["invoice_ids"] == ["inv-1"]


# --- AutoPay ---------------------------------------------------------------------------------


def turn_autopay(headers, enabled, method_id=None):
    body = {"enabled": enabled, "payment_method_id": method_id, "accept_terms": True}
    response = call("PUT", "/v1/me/autopay", body, headers=headers)
    assert response.status == 200, response.body
    return response.json()


def run_jobs(services):
    jobs: list[ChargeJob] = []
    start_run(services, services.clock.now(), jobs.extend)
    return jobs


def test_given_autopay_turned_on_off_and_again_then_one_event_per_change(
    world, fake_stripe, published
):
    _, ana, _ = world
    visa = add_card(fake_stripe, ana)
    master = add_card(fake_stripe, ana, "pm_card_mastercard")

    turn_autopay(ana, True, visa["payment_method_id"])
    turn_autopay(ana, True, visa["payment_method_id"])  # already so
    enabled = published.new()
    turn_autopay(ana, True, master["payment_method_id"])  # another method
    switched = published.new()
    turn_autopay(ana, False)
    turn_autopay(ana, False)  # already off
    disabled = published.new()

    assert [e["detail-type"] for e in enabled] == ["autopay.enabled"]
    assert enabled[0]["detail"]["data"]["payment_method_id"] == visa["payment_method_id"]
    assert enabled[0]["detail"]["data"]["method_summary"] == "Visa ending 4242"
    assert [e["detail-type"] for e in switched] == ["autopay.enabled"]
    assert switched[0]["detail"]["data"]["method_changed"] is True
    assert [e["detail-type"] for e in disabled] == ["autopay.disabled"]
    assert disabled[0]["detail"]["data"]["source"] == "customer"


def test_given_the_autopay_card_detached_at_stripe_then_autopay_disabled_once_by_the_system(
    world, fake_stripe, published
):
    import stripe

    _, ana, _ = world
    card = add_card(fake_stripe, ana)
    turn_autopay(ana, True, card["payment_method_id"])
    published.new()
    account = account_of(ana)
    client = stripe.StripeClient(
        fake_stripe.secret_key, base_addresses={"api": fake_stripe.api_base}
    )
    client.v1.payment_methods.detach(card["payment_method_id"], options={"stripe_account": account})
    [detached] = [e for e in fake_stripe.events(account) if e["type"] == "payment_method.detached"]

    webhook(fake_stripe, detached)
    webhook(fake_stripe, detached)

    [disabled] = published.new()
    assert disabled["detail-type"] == "autopay.disabled"
    assert disabled["detail"]["data"]["source"] == "system"
    assert disabled["detail"]["data"]["reason"] == "payment method removed at Stripe"


def test_given_an_autopay_charge_and_its_job_delivered_twice_then_paid_is_published_once(
    world, fake_stripe, services, published
):
    _, ana, _ = world
    card = add_card(fake_stripe, ana)
    turn_autopay(ana, True, card["payment_method_id"])
    published.new()
    [job] = run_jobs(services)

    charge_job(services.rate_limited(), job)
    charge_job(services.rate_limited(), job)  # SQS delivered it twice
    run_jobs(services)  # and the next run finds nothing

    [paid] = published.new("invoice.paid")
    assert paid["detail"]["data"]["invoice_id"] == "inv-1"
    assert paid["detail"]["data"]["autopay"] is True


def test_given_an_autopay_charge_declined_then_payment_failed_is_published_once(
    world, fake_stripe, services, published
):
    _, ana, _ = world
    card = add_card(fake_stripe, ana, "pm_card_chargeCustomerFail")
    turn_autopay(ana, True, card["payment_method_id"])
    published.new()
    [job] = run_jobs(services)

    charge_job(services.rate_limited(), job)
    # The next run, before the retry date, selects nothing. (A copy of the job delivered
    # again today would try again at once: see the report of this branch.)
    assert run_jobs(services) == []

    [failed] = published.new("payment.failed")
    assert failed["detail"]["data"]["autopay"] is True
    assert failed["detail"]["data"]["invoice_ids"] == ["inv-1"]


# --- portal_user.activated -------------------------------------------------------------------


def test_given_an_invite_accepted_then_portal_user_activated_once_and_not_on_reuse(
    services, clock, published
):
    biz = a_business(services)
    put(biz, "/v1/admin/portal", {"enabled": True})
    put(biz, "/v1/admin/customers/cust-7", customer_body(email="cleo@example.com"))
    token = link_for(services, biz.business_id, "cust-7", "cleo@example.com")
    body = {"token": token, "password": "correct horse battery staple"}

    accepted = call("POST", "/v1/auth/accept", body)
    reused = call("POST", "/v1/auth/accept", body)

    assert accepted.status == 200
    assert reused.status >= 400
    [activated] = published.all("portal_user.activated")
    assert activated["detail"]["business_id"] == biz.business_id
    assert activated["detail"]["customer_id"] == "cust-7"
    assert activated["detail"]["data"] == {"email": "cleo@example.com"}
