"""Paying through the API against the fake Stripe: invoices and the balance, declines, the
same Idempotency-Key, Stripe failing or the process dying mid-payment, bank debits, 3-D
Secure, other customers' invoices and methods, and the receipts that follow."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portico.data.items import InvoiceItem
from portico.data.payments import PaymentRepository
from portico_local.fake_stripe.server import Fault
from portico_local.queues import deliver_all
from tests.functional.test_invites import outbox as outbox  # the fixture
from tests.support.api import call, put
from tests.support.atomic_moto import atomic_dynamodb
from tests.support.factories import a_business, customer_body, invoice_body
from tests.support.payments import add_card, deliver_events, pay
from tests.support.sessions import PASSWORD, bearer, signed_up


def invoice(biz, invoice_id, customer_id="cust-1", **fields):
    number = fields.pop("number", invoice_id.upper())
    return put(
        biz,
        f"/v1/admin/invoices/{invoice_id}",
        invoice_body(customer_id, number=number, **fields),
    )


@pytest.fixture
def world(services, clock):
    """Sparkling Pools, its portal on; Ana (cust-1) owes three invoices: inv-1 (oldest, 99.00),
    inv-2 (50.00), inv-3 (25.00); Ben (cust-2) owes inv-9. Both signed in."""
    biz = a_business(services)
    put(biz, "/v1/admin/portal", {"enabled": True})
    put(biz, "/v1/admin/customers/cust-1", customer_body())
    put(biz, "/v1/admin/customers/cust-2", customer_body(name="Ben", email="ben@example.com"))
    invoice(biz, "inv-1", issue_date="2026-03-01", due_date="2026-03-15")
    small = {"lines": [{"description": "Filter clean", "unit_amount": 5000}], "tax_amount": 0}
    invoice(biz, "inv-2", issue_date="2026-04-01", due_date="2026-04-15", total=5000, **small)
    tiny = {"lines": [{"description": "Test kit", "unit_amount": 2500}], "tax_amount": 0}
    invoice(biz, "inv-3", issue_date="2026-04-20", due_date="2026-05-04", total=2500, **tiny)
    invoice(biz, "inv-9", customer_id="cust-2")
    ana = bearer(signed_up(services, biz.business_id, "cust-1", "ana@example.com"))
    ben = bearer(signed_up(services, biz.business_id, "cust-2", "ben@example.com"))
    return biz, ana, ben


def me(headers):
    response = call("GET", "/v1/me", headers=headers)
    assert response.status == 200, response.body
    return response.json()


def my_invoice(headers, invoice_id):
    response = call("GET", f"/v1/me/invoices/{invoice_id}", headers=headers)
    assert response.status == 200, response.body
    return response.json()


def my_payments(headers):
    response = call("GET", "/v1/me/payments", headers=headers)
    assert response.status == 200, response.body
    return response.json()["items"]


def account_of(card_setup_headers):
    return call(
        "POST", "/v1/me/payment-methods/setup", {"type": "card"}, headers=card_setup_headers
    ).json()["stripe_account"]


def dies(*args, **kwargs):
    """Stands in for a write the process never got to make (killed between Stripe's answer
    and the database)."""
    raise RuntimeError("the Lambda was killed here")


def intents_created(fake, account):
    return fake.stats()["accounts"][account]["payment_intents_created"]


# --- paying ------------------------------------------------------------------------------


def test_given_a_saved_visa_when_ana_pays_one_invoice_then_it_is_paid_and_the_balance_drops(
    world, fake_stripe, outbox
):
    _, ana, _ = world
    card = add_card(fake_stripe, ana)

    response = pay(ana, invoice_ids=["inv-2"], payment_method_id=card["payment_method_id"])

    assert response.status == 200, response.body
    result = response.json()
    assert (result["status"], result["amount"], result["currency"]) == ("succeeded", 5000, "USD")
    assert result["applied_to"] == [
        {"invoice_id": "inv-2", "invoice_number": "INV-2", "amount": 5000}
    ]
    assert result["method_summary"] == "Visa ending 4242"
    assert my_invoice(ana, "inv-2")["status"] == "paid"
    assert me(ana)["balance_due"] == 9900 + 2500
    [listed] = my_payments(ana)
    assert listed["payment_id"] == result["payment_id"]
    assert listed["applied_to"] == result["applied_to"]
    # The receipt: one email with the amount, the method and the invoice.
    deliver_all()
    receipt = outbox.one_to("ana@example.com")
    assert "$50.00" in receipt.subject
    assert "Visa ending 4242" in receipt.text
    assert "INV-2" in receipt.text
    assert f"/p/sparkling-pools/payments/{result['payment_id']}" in receipt.text


def test_given_three_open_invoices_when_the_balance_is_paid_then_oldest_first_and_zero_left(
    world, fake_stripe
):
    _, ana, _ = world
    card = add_card(fake_stripe, ana)

    response = pay(ana, pay_balance=True, payment_method_id=card["payment_method_id"])

    assert response.status == 200, response.body
    result = response.json()
    assert result["amount"] == 9900 + 5000 + 2500
    assert [a["invoice_id"] for a in result["applied_to"]] == ["inv-1", "inv-2", "inv-3"]
    dashboard = me(ana)
    assert (dashboard["balance_due"], dashboard["open_invoice_count"]) == (0, 0)
    listed = call("GET", "/v1/me/invoices?status=open", headers=ana).json()["items"]
    assert listed == []
    statement = call("GET", "/v1/me/statement?from=2026-01-01", headers=ana).json()
    assert statement["closing_balance"] == 0


def test_given_the_same_idempotency_key_when_the_payment_is_repeated_then_one_charge(
    world, fake_stripe
):
    _, ana, _ = world
    card = add_card(fake_stripe, ana)
    account = account_of(ana)
    body = {"invoice_ids": ["inv-1"], "payment_method_id": card["payment_method_id"]}

    first = pay(ana, "key-0001-aaaa", **body)
    again = pay(ana, "key-0001-aaaa", **body)

    assert first.status == again.status == 200
    assert again.json() == first.json()
    assert intents_created(fake_stripe, account) == 1
    assert me(ana)["balance_due"] == 5000 + 2500


def test_given_a_reused_key_with_another_body_then_409_and_nothing_more_is_charged(
    world, fake_stripe
):
    _, ana, _ = world
    card = add_card(fake_stripe, ana)
    account = account_of(ana)
    pay(ana, "key-0002-bbbb", invoice_ids=["inv-1"], payment_method_id=card["payment_method_id"])

    reused = pay(
        ana, "key-0002-bbbb", invoice_ids=["inv-2"], payment_method_id=card["payment_method_id"]
    )

    assert reused.status == 409
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert intents_created(fake_stripe, account) == 1
    assert my_invoice(ana, "inv-2")["status"] == "sent"


def test_given_a_card_that_declines_when_paying_then_402_in_plain_words_and_nothing_changes(
    world, fake_stripe
):
    _, ana, _ = world
    card = add_card(fake_stripe, ana, "pm_card_chargeCustomerFail")

    response = pay(ana, invoice_ids=["inv-1"], payment_method_id=card["payment_method_id"])

    assert response.status == 402
    error = response.json()["error"]
    assert error["code"] == "payment_declined"
    assert error["message"] == "Your card was declined. Try another card or contact your bank."
    shown = my_invoice(ana, "inv-1")
    assert (shown["status"], shown["amount_due"], shown["payment_in_progress"]) == (
        "sent",
        9900,
        False,
    )
    assert me(ana)["balance_due"] == 9900 + 5000 + 2500
    # The invoice is free again: another card pays it.
    visa = add_card(fake_stripe, ana)
    assert (
        pay(ana, invoice_ids=["inv-1"], payment_method_id=visa["payment_method_id"]).status == 200
    )


def test_given_bad_targets_then_clear_errors_and_no_charge(world, fake_stripe):
    biz, ana, ben = world
    card = add_card(fake_stripe, ana)
    ben_card = add_card(fake_stripe, ben)
    method = card["payment_method_id"]
    invoice(biz, "inv-void", status="void")
    invoice(biz, "inv-draft", status="draft")
    account = account_of(ana)

    cases = {
        "another customer's invoice": (
            pay(ana, invoice_ids=["inv-9"], payment_method_id=method),
            404,
        ),
        "a voided invoice": (pay(ana, invoice_ids=["inv-void"], payment_method_id=method), 404),
        "a draft": (pay(ana, invoice_ids=["inv-draft"], payment_method_id=method), 404),
        "another customer's method": (
            pay(ana, invoice_ids=["inv-1"], payment_method_id=ben_card["payment_method_id"]),
            404,
        ),
        "nothing": (pay(ana, invoice_ids=[], payment_method_id=method), 422),
        "both": (pay(ana, invoice_ids=["inv-1"], pay_balance=True, payment_method_id=method), 422),
        "an amount": (pay(ana, invoice_ids=["inv-1"], payment_method_id=method, amount=1), 422),
    }

    for what, (response, status) in cases.items():
        assert response.status == status, (what, response.body)
        assert "error" in response.json(), what
    assert intents_created(fake_stripe, account) == 0
    assert me(ana)["balance_due"] == 9900 + 5000 + 2500


def test_given_a_paid_invoice_when_paid_again_then_409(world, fake_stripe):
    _, ana, _ = world
    card = add_card(fake_stripe, ana)
    assert (
        pay(ana, invoice_ids=["inv-3"], payment_method_id=card["payment_method_id"]).status == 200
    )

    again = pay(ana, invoice_ids=["inv-3"], payment_method_id=card["payment_method_id"])

    assert again.status == 409
    assert again.json()["error"]["code"] == "invoice_already_paid"


def test_given_no_balance_when_paying_the_balance_then_409_nothing_to_pay(world, fake_stripe):
    _, _, ben = world
    card = add_card(fake_stripe, ben)
    assert pay(ben, pay_balance=True, payment_method_id=card["payment_method_id"]).status == 200

    again = pay(ben, pay_balance=True, payment_method_id=card["payment_method_id"])

    assert again.status == 409
    assert again.json()["error"]["code"] == "nothing_to_pay"


def test_given_no_idempotency_key_then_422_and_no_session_401(world, fake_stripe):
    _, ana, _ = world
    body = {"pay_balance": True, "payment_method_id": "pm_123"}
    assert call("POST", "/v1/me/payments", body, headers=ana).status == 422
    assert (
        call("POST", "/v1/me/payments", body, headers={"idempotency-key": "k" * 10}).status == 401
    )


# --- Stripe failing, the process dying -------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        Fault(status=500, phase="before", path="/v1/payment_intents"),
        Fault(status=500, phase="after", path="/v1/payment_intents"),
        Fault(status=429, path="/v1/payment_intents"),
        Fault(timeout=True, path="/v1/payment_intents"),
    ],
    ids=["500-before", "500-after-charging", "429", "timeout-after-charging"],
)
def test_given_stripe_fails_during_a_payment_then_retries_with_the_same_key_charge_once(
    world, fake_stripe, fault
):
    _, ana, _ = world
    card = add_card(fake_stripe, ana)
    account = account_of(ana)
    fake_stripe.inject(fault)

    response = pay(
        ana, "key-0003-cccc", invoice_ids=["inv-1"], payment_method_id=card["payment_method_id"]
    )
    if response.status == 503:  # the outcome was unknown: the customer retries, same key
        response = pay(
            ana, "key-0003-cccc", invoice_ids=["inv-1"], payment_method_id=card["payment_method_id"]
        )

    assert response.status == 200, response.body
    assert response.json()["status"] == "succeeded"
    stats = fake_stripe.stats()["accounts"][account]
    assert stats["charges_succeeded"] == 1
    assert my_invoice(ana, "inv-1")["status"] == "paid"


def test_given_the_process_dies_after_stripe_charged_then_the_retry_records_it_without_charging(
    world, fake_stripe, services, monkeypatch
):
    _, ana, _ = world
    card = add_card(fake_stripe, ana)
    account = account_of(ana)
    body = {"invoice_ids": ["inv-1"], "payment_method_id": card["payment_method_id"]}

    monkeypatch.setattr(PaymentRepository, "settle", dies)
    crashed = pay(ana, "key-0004-dddd", **body)
    monkeypatch.undo()
    assert crashed.status == 500
    assert my_invoice(ana, "inv-1")["payment_in_progress"] is True

    retried = pay(ana, "key-0004-dddd", **body)

    assert retried.status == 200, retried.body
    assert retried.json()["status"] == "succeeded"
    assert fake_stripe.stats()["accounts"][account]["charges"] == 1
    shown = my_invoice(ana, "inv-1")
    assert (shown["status"], shown["payment_in_progress"]) == ("paid", False)


def test_given_an_abandoned_payment_when_another_pays_later_then_it_is_recorded_not_recharged(
    world, fake_stripe, clock, monkeypatch
):
    _, ana, _ = world
    card = add_card(fake_stripe, ana)
    account = account_of(ana)

    monkeypatch.setattr(PaymentRepository, "settle", dies)
    assert (
        pay(ana, invoice_ids=["inv-1"], payment_method_id=card["payment_method_id"]).status == 500
    )
    monkeypatch.undo()

    soon = pay(ana, invoice_ids=["inv-1"], payment_method_id=card["payment_method_id"])
    assert soon.status == 409  # the first one may still be under way
    assert soon.json()["error"]["code"] == "payment_in_progress"

    clock.set(clock.now() + timedelta(minutes=10))
    later = pay(ana, invoice_ids=["inv-1"], payment_method_id=card["payment_method_id"])

    # The abandoned payment is found at Stripe and recorded: the invoice is paid, once.
    assert later.status == 409
    assert later.json()["error"]["code"] == "invoice_already_paid"
    assert fake_stripe.stats()["accounts"][account]["charges"] == 1
    assert my_invoice(ana, "inv-1")["status"] == "paid"
    assert [p["status"] for p in my_payments(ana)] == ["succeeded"]


# --- bank debits, 3-D Secure, webhooks -----------------------------------------------------------


def test_given_a_bank_account_when_paying_then_processing_until_the_debit_settles(
    world, fake_stripe, outbox
):
    _, ana, _ = world
    bank = add_card(fake_stripe, ana, "pm_usBankAccount_success", kind="us_bank_account")
    account = account_of(ana)

    response = pay(ana, invoice_ids=["inv-1"], payment_method_id=bank["payment_method_id"])

    assert response.status == 200, response.body
    assert response.json()["status"] == "processing"
    shown = my_invoice(ana, "inv-1")
    assert (shown["status"], shown["payment_in_progress"]) == ("sent", True)
    again = pay(ana, invoice_ids=["inv-1"], payment_method_id=bank["payment_method_id"])
    assert again.status == 409  # held while the debit is on its way

    fake_stripe.settle(account)
    answers = deliver_events(fake_stripe, account)

    assert all(a.status == 200 for a in answers)
    shown = my_invoice(ana, "inv-1")
    assert (shown["status"], shown["payment_in_progress"]) == ("paid", False)
    assert [p["status"] for p in my_payments(ana)] == ["succeeded"]
    deliver_all()
    assert len(outbox.to("ana@example.com")) == 1  # the receipt, once the money is there


def test_given_a_bank_debit_that_fails_later_then_the_invoice_is_open_and_ana_is_told(
    world, fake_stripe, outbox
):
    _, ana, _ = world
    bank = add_card(fake_stripe, ana, "pm_usBankAccount_accountClosed", kind="us_bank_account")
    account = account_of(ana)
    assert (
        pay(ana, invoice_ids=["inv-1"], payment_method_id=bank["payment_method_id"]).json()[
            "status"
        ]
        == "processing"
    )

    fake_stripe.settle(account)
    deliver_events(fake_stripe, account)

    shown = my_invoice(ana, "inv-1")
    assert (shown["status"], shown["payment_in_progress"]) == ("sent", False)
    assert [p["status"] for p in my_payments(ana)] == ["failed"]
    deliver_all()
    notice = outbox.one_to("ana@example.com")
    assert "did not go through" in notice.subject
    assert "closed" in notice.text


def test_given_a_card_that_wants_3d_secure_then_the_browser_finishes_and_the_webhook_records_it(
    world, fake_stripe
):
    _, ana, _ = world
    card = add_card(fake_stripe, ana, "pm_card_authenticationRequired")
    account = account_of(ana)

    response = pay(ana, invoice_ids=["inv-2"], payment_method_id=card["payment_method_id"])

    assert response.status == 200, response.body
    result = response.json()
    assert result["status"] == "requires_action"
    action = result["next_action"]
    assert action["client_secret"].startswith(action["payment_intent_id"])
    assert (action["publishable_key"], action["stripe_account"]) == (
        fake_stripe.publishable_key,
        account,
    )
    assert my_invoice(ana, "inv-2")["status"] == "sent"

    fake_stripe.complete_authentication(account, action["payment_intent_id"])
    deliver_events(fake_stripe, account, "payment_intent.succeeded")

    assert my_invoice(ana, "inv-2")["status"] == "paid"
    assert me(ana)["balance_due"] == 9900 + 2500


def test_given_events_out_of_order_then_a_paid_invoice_never_goes_back(world, fake_stripe):
    _, ana, _ = world
    card = add_card(fake_stripe, ana)
    account = account_of(ana)
    assert (
        pay(ana, invoice_ids=["inv-1"], payment_method_id=card["payment_method_id"]).status == 200
    )
    [succeeded] = [
        e for e in fake_stripe.events(account) if e["type"] == "payment_intent.succeeded"
    ]
    failed = {
        **succeeded,
        "id": "evt_late_failure",
        "type": "payment_intent.payment_failed",
        "created": succeeded["created"] - 5,
    }
    processing = {**succeeded, "id": "evt_late_processing", "type": "payment_intent.processing"}

    from tests.support.payments import webhook

    for event in (failed, processing, succeeded):
        assert webhook(fake_stripe, event).status == 200

    assert my_invoice(ana, "inv-1")["status"] == "paid"
    assert [p["status"] for p in my_payments(ana)] == ["succeeded"]


def test_given_a_refund_at_stripe_then_the_invoice_reopens_and_a_refund_entry_appears(
    world, fake_stripe
):
    import stripe

    _, ana, _ = world
    card = add_card(fake_stripe, ana)
    account = account_of(ana)
    paid = pay(ana, invoice_ids=["inv-2"], payment_method_id=card["payment_method_id"]).json()
    [intent] = [e for e in fake_stripe.events(account) if e["type"] == "payment_intent.succeeded"]
    client = stripe.StripeClient(
        fake_stripe.secret_key, base_addresses={"api": fake_stripe.api_base}
    )
    client.v1.refunds.create(
        params={"payment_intent": intent["data"]["object"]["id"], "amount": 2000},
        options={"stripe_account": account},
    )

    deliver_events(fake_stripe, account, "charge.refunded")
    deliver_events(fake_stripe, account, "charge.refunded")  # twice: counted once

    shown = my_invoice(ana, "inv-2")
    assert (shown["status"], shown["amount_due"]) == ("partially_paid", 2000)
    refunds = [p for p in my_payments(ana) if p["status"] == "refunded"]
    assert [(r["amount"], r["refund_of"]) for r in refunds] == [(2000, paid["payment_id"])]
    assert me(ana)["balance_due"] == 9900 + 2000 + 2500


# --- the receipt --------------------------------------------------------------------------------


def test_given_the_receipt_job_delivered_twice_then_one_email(world, fake_stripe, outbox, services):
    from portico.domain.email_jobs import ReceiptRequested

    biz, ana, _ = world
    card = add_card(fake_stripe, ana)
    paid = pay(ana, invoice_ids=["inv-3"], payment_method_id=card["payment_method_id"]).json()
    job = ReceiptRequested(
        business_id=biz.business_id, customer_id="cust-1", payment_id=paid["payment_id"]
    )
    services.email_jobs.enqueue([job, job])

    deliver_all()

    assert len(outbox.to("ana@example.com")) == 1


def test_the_invoice_held_by_a_payment_keeps_its_hold_through_a_crm_sync(world, fake_stripe):
    biz, ana, _ = world
    bank = add_card(fake_stripe, ana, "pm_usBankAccount_success", kind="us_bank_account")
    pay(ana, invoice_ids=["inv-1"], payment_method_id=bank["payment_method_id"])

    invoice(biz, "inv-1", memo="Thanks!", issue_date="2026-03-01", due_date="2026-03-15")

    item = InvoiceItem.get(*InvoiceItem.keys(biz.business_id, "cust-1", "inv-1"))
    assert item.payment_pending is not None


def test_given_four_payments_of_the_same_invoice_at_once_then_exactly_one_charge(
    world, fake_stripe
):
    from concurrent.futures import ThreadPoolExecutor

    _, ana, _ = world
    card = add_card(fake_stripe, ana)
    account = account_of(ana)
    body = {"invoice_ids": ["inv-1"], "payment_method_id": card["payment_method_id"]}

    with atomic_dynamodb(), ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: pay(ana, **body), range(4)))

    statuses = sorted(a.status for a in answers)
    assert statuses.count(200) == 1, [a.body for a in answers]
    assert set(statuses) <= {200, 409}
    assert fake_stripe.stats()["accounts"][account]["charges_succeeded"] == 1
    assert my_invoice(ana, "inv-1")["amount_paid"] == 9900


def test_given_3d_secure_finished_after_the_hold_was_given_up_then_the_money_becomes_credit(
    world, fake_stripe, clock
):
    _, ana, _ = world
    secure = add_card(fake_stripe, ana, "pm_card_authenticationRequired")
    visa = add_card(fake_stripe, ana)
    account = account_of(ana)
    waiting = pay(ana, invoice_ids=["inv-3"], payment_method_id=secure["payment_method_id"]).json()
    assert waiting["status"] == "requires_action"

    clock.set(clock.now() + timedelta(hours=2))  # the customer walked away from 3-D Secure
    ana = bearer(
        call(
            "POST",
            "/v1/portals/sparkling-pools/login",
            {"email": "ana@example.com", "password": PASSWORD},
        )
    )
    paid = pay(ana, invoice_ids=["inv-3"], payment_method_id=visa["payment_method_id"])
    assert paid.status == 200, paid.body
    # ...then came back to the old tab and finished it: that money arrived too.
    fake_stripe.complete_authentication(account, waiting["next_action"]["payment_intent_id"])
    deliver_events(fake_stripe, account, "payment_intent.succeeded")

    assert my_invoice(ana, "inv-3")["amount_paid"] == 2500
    assert me(ana)["credit_balance"] == 2500
    assert sorted(p["status"] for p in my_payments(ana)) == ["succeeded", "succeeded"]
