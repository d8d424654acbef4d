"""Estimates in the portal through the handler: what the customer sees, accepting with a
signature, declining, asking for changes, the CRM syncing afterwards, and paying the deposit
against the fake Stripe (double submits, declines, Stripe failing, the process dying between
Stripe and the table, 3-D Secure), with one domain event per decision."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from portico.data.events import DomainEventItem
from portico.data.items import ActivityItem
from portico.data.payments import PaymentRepository
from portico_local.fake_stripe.server import Fault
from portico_local.queues import deliver_all
from tests.functional.test_invites import outbox as outbox  # the fixture
from tests.support.api import call, put
from tests.support.atomic_moto import atomic_dynamodb
from tests.support.factories import a_business, customer_body, estimate_body
from tests.support.payments import add_card, deliver_events
from tests.support.sessions import bearer, signed_up

ESTIMATES = "/v1/me/estimates"


def estimate(biz, estimate_id, customer_id="cust-1", **fields):
    return put(biz, f"/v1/admin/estimates/{estimate_id}", estimate_body(customer_id, **fields))


@pytest.fixture
def world(services, clock):
    """Sparkling Pools (America/Chicago; it is 2026-05-01 there). Ana (cust-1) has est-1
    (sent, $850.00, deposit $200.00, expires 2026-05-02), est-nodep (sent, no deposit),
    est-old (sent, expired 2026-04-20), est-draft and est-cancelled; Ben (cust-2) has
    est-ben. Both signed in."""
    biz = a_business(services)
    put(biz, "/v1/admin/portal", {"enabled": True})
    put(biz, "/v1/admin/customers/cust-1", customer_body())
    put(biz, "/v1/admin/customers/cust-2", customer_body(name="Ben", email="ben@example.com"))
    estimate(biz, "est-1", number="EST-1", issue_date="2026-04-28")
    estimate(biz, "est-nodep", number="EST-2", issue_date="2026-04-25", deposit_amount=0)
    estimate(
        biz,
        "est-old",
        number="EST-3",
        issue_date="2026-04-01",
        expiry_date="2026-04-20",
    )
    estimate(biz, "est-draft", number="EST-4", status="draft")
    estimate(biz, "est-cancelled", number="EST-5", status="cancelled")
    estimate(biz, "est-ben", customer_id="cust-2", number="EST-9")
    ana = bearer(signed_up(services, biz.business_id, "cust-1", "ana@example.com"))
    ben = bearer(signed_up(services, biz.business_id, "cust-2", "ben@example.com"))
    return biz, ana, ben


def get(headers, path):
    return call("GET", path, headers=headers)


def mine(headers, estimate_id):
    response = get(headers, f"{ESTIMATES}/{estimate_id}")
    assert response.status == 200, response.body
    return response.json()


def accept(headers, estimate_id, name="Ana Lopez", **extra):
    return call(
        "POST",
        f"{ESTIMATES}/{estimate_id}/accept",
        {"signature_name": name, **extra},
        headers=headers,
    )


def decline(headers, estimate_id, reason="Too expensive this year"):
    return call("POST", f"{ESTIMATES}/{estimate_id}/decline", {"reason": reason}, headers=headers)


def pay_deposit(headers, estimate_id, method_id, key="deposit-key-0001"):
    return call(
        "POST",
        f"{ESTIMATES}/{estimate_id}/deposit",
        {"payment_method_id": method_id},
        headers={**headers, "idempotency-key": key},
    )


def events(kind=None):
    """The domain events in the outbox (what the stream will publish) of `kind`, or all but
    the activations of the logins the tests sign up."""
    found = [item for item in DomainEventItem.scan() if isinstance(item, DomainEventItem)]
    return [
        item
        for item in found
        if (item.event_type == kind if kind else item.event_type != "portal_user.activated")
    ]


def activity(kind):
    return [
        item for item in ActivityItem.scan() if isinstance(item, ActivityItem) and item.kind == kind
    ]


def account_of(headers):
    return call("POST", "/v1/me/payment-methods/setup", {"type": "card"}, headers=headers).json()[
        "stripe_account"
    ]


def dies(*args, **kwargs):
    raise RuntimeError("the Lambda was killed here")


# --- what the customer sees ----------------------------------------------------------------


def test_given_estimates_in_every_state_then_the_list_shows_sent_and_expired_newest_first(world):
    _, ana, _ = world

    response = get(ana, ESTIMATES)

    assert response.status == 200, response.body
    listed = response.json()
    assert [(e["estimate_id"], e["status"]) for e in listed["items"]] == [
        ("est-1", "sent"),
        ("est-nodep", "sent"),
        ("est-old", "expired"),
    ]
    assert listed["next_cursor"] is None


def test_given_a_sent_estimate_then_its_detail_has_lines_totals_and_deposit(world):
    _, ana, _ = world

    shown = mine(ana, "est-1")

    assert shown["number"] == "EST-1"
    assert shown["lines"] == [
        {"description": "Pump replacement", "quantity": "1", "unit_amount": 85000, "amount": 85000}
    ]
    assert (shown["subtotal"], shown["tax_amount"], shown["total"]) == (85000, 0, 85000)
    assert (shown["deposit_amount"], shown["deposit_paid"], shown["deposit_due"]) == (
        20000,
        0,
        0,
    )
    assert (shown["status"], shown["can_decide"], shown["decision"]) == ("sent", True, None)


@pytest.mark.parametrize("estimate_id", ["est-draft", "est-cancelled", "est-ben", "nope"])
def test_given_drafts_cancelled_or_someone_elses_then_404(world, estimate_id):
    _, ana, _ = world

    response = get(ana, f"{ESTIMATES}/{estimate_id}")

    assert response.status == 404
    assert response.json()["error"]["code"] == "estimate_not_found"


def test_given_the_list_a_page_at_a_time_then_the_cursor_continues_it(world):
    _, ana, _ = world
    first = get(ana, f"{ESTIMATES}?limit=2").json()
    second = get(ana, f"{ESTIMATES}?limit=2&cursor={first['next_cursor']}").json()
    assert [e["estimate_id"] for e in first["items"] + second["items"]] == [
        "est-1",
        "est-nodep",
        "est-old",
    ]


def test_given_the_estimates_tab_turned_off_then_every_route_is_refused(world, services):
    biz, _, _ = world
    put(biz, "/v1/admin/portal", {"tabs": {"estimates": False}})
    put(biz, "/v1/admin/customers/cust-3", customer_body(name="Cy", email="cy@example.com"))
    estimate(biz, "est-cy", customer_id="cust-3")
    cy = bearer(signed_up(services, biz.business_id, "cust-3", "cy@example.com"))

    answers = [
        get(cy, ESTIMATES),
        get(cy, f"{ESTIMATES}/est-cy"),
        accept(cy, "est-cy"),
        decline(cy, "est-cy"),
        pay_deposit(cy, "est-cy", "pm_anything"),
    ]

    assert {a.status for a in answers} == {403}
    assert {a.json()["error"]["code"] for a in answers} == {"estimates_unavailable"}
    assert events() == []


# --- deciding ------------------------------------------------------------------------------


def test_given_a_sent_estimate_when_ana_signs_then_it_is_accepted_logged_and_announced_once(
    world, clock
):
    biz, ana, _ = world

    response = accept(ana, "est-1", name="  Ana Lopez ", accept_terms=True)

    assert response.status == 200, response.body
    shown = response.json()
    assert shown["status"] == "accepted"
    assert shown["can_decide"] is False
    assert shown["decision"]["signature_name"] == "Ana Lopez"
    assert shown["decision"]["decided_at"].startswith("2026-05-01T15:00")
    assert shown["deposit_due"] == 20000
    assert mine(ana, "est-1")["status"] == "accepted"
    # The business sees the signature with its time and the client's address.
    admin = call("GET", "/v1/admin/estimates/est-1", api_key=biz.api_key).json()
    assert admin["decision"]["signature_name"] == "Ana Lopez"
    assert admin["decision"]["client_ip"]
    assert admin["decision"]["total"] == 85000
    [event] = events()
    assert event.event_type == "estimate.accepted"
    assert event.business_id == biz.business_id
    assert event.customer_id == "cust-1"
    assert event.data.as_dict()["signature_name"] == "Ana Lopez"
    [logged] = activity("estimate_accepted")
    assert logged.details.as_dict()["client_ip"] == admin["decision"]["client_ip"]
    # No longer an open estimate on the dashboard.
    assert call("GET", "/v1/me", headers=ana).json()["open_estimate_count"] == 1


def test_given_an_accepted_estimate_when_the_same_accept_is_sent_again_then_same_answer_no_event(
    world,
):
    _, ana, _ = world
    first = accept(ana, "est-1")

    again = accept(ana, "est-1")

    assert again.status == 200, again.body
    assert again.json() == first.json()
    assert len(events("estimate.accepted")) == 1
    assert len(activity("estimate_accepted")) == 1


def test_given_two_identical_accepts_at_once_then_one_decision_and_one_event(world):
    _, ana, _ = world
    with atomic_dynamodb(), ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: accept(ana, "est-1"), range(4)))

    assert [a.status for a in answers] == [200] * 4
    assert len(events()) == 1


@pytest.mark.parametrize(
    ("second", "code"),
    [
        (lambda h: accept(h, "est-1", name="Someone Else"), "estimate_already_decided"),
        (lambda h: decline(h, "est-1"), "estimate_already_decided"),
    ],
    ids=["another-signature", "decline-after-accept"],
)
def test_given_an_accepted_estimate_when_decided_otherwise_then_409_and_nothing_changes(
    world, second, code
):
    _, ana, _ = world
    accept(ana, "est-1")
    before = mine(ana, "est-1")

    response = second(ana)

    assert response.status == 409
    assert response.json()["error"]["code"] == code
    assert mine(ana, "est-1") == before
    assert len(events()) == 1


def test_given_an_expired_estimate_when_accepted_or_declined_then_409_and_no_event(world):
    _, ana, _ = world

    answers = [accept(ana, "est-old"), decline(ana, "est-old")]

    assert [a.status for a in answers] == [409, 409]
    assert {a.json()["error"]["code"] for a in answers} == {"estimate_expired"}
    assert mine(ana, "est-old")["decision"] is None
    assert events() == []


def test_given_an_estimate_that_expires_today_then_it_can_still_be_accepted(world):
    biz, ana, _ = world
    estimate(biz, "est-today", number="EST-6", expiry_date="2026-05-01")  # today in Chicago
    assert mine(ana, "est-today")["status"] == "sent"
    assert accept(ana, "est-today").status == 200


def test_given_the_crm_closed_or_cancelled_the_estimate_then_accepting_is_409_or_404(world):
    biz, ana, _ = world
    estimate(biz, "est-nodep", number="EST-2", status="declined", deposit_amount=0)
    estimate(biz, "est-1", number="EST-1", status="cancelled")

    closed = accept(ana, "est-nodep")
    cancelled = accept(ana, "est-1")

    assert closed.status == 409
    assert closed.json()["error"]["code"] == "estimate_closed"
    assert cancelled.status == 404
    assert events() == []


def test_given_a_sent_estimate_when_declined_with_a_reason_then_declined_and_announced(world):
    _, ana, _ = world

    response = decline(ana, "est-nodep", "We are moving house")

    assert response.status == 200, response.body
    shown = response.json()
    assert shown["status"] == "declined"
    assert shown["decision"]["reason"] == "We are moving house"
    assert shown["decision"]["signature_name"] is None
    [event] = events()
    assert event.event_type == "estimate.declined"
    assert event.data.as_dict()["reason"] == "We are moving house"
    assert decline(ana, "est-nodep", "We are moving house").status == 200  # same again
    assert len(events()) == 1


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("accept", {"signature_name": ""}),
        ("accept", {"signature_name": "   "}),
        ("accept", {"signature_name": "x" * 101}),
        ("accept", {}),
        ("accept", {"signature_name": "Ana", "accept_terms": False}),
        ("accept", {"signature_name": "Ana", "extra": 1}),
        ("decline", {"reason": ""}),
        ("decline", {"reason": "x" * 1001}),
        ("change-request", {"message": ""}),
        ("change-request", {"message": "x" * 2001}),
        ("change-request", {"message": "x" * 10000}),
    ],
)
def test_given_bad_input_then_422_and_nothing_changes(world, path, body):
    _, ana, _ = world
    before = mine(ana, "est-1")

    response = call("POST", f"{ESTIMATES}/est-1/{path}", body, headers=ana)

    assert response.status == 422, response.body
    assert "error" in response.json()
    assert mine(ana, "est-1") == before
    assert events() == []


# --- change requests -----------------------------------------------------------------------


def test_given_a_change_request_then_it_is_kept_logged_and_emailed_to_the_office(world, outbox):
    _, ana, _ = world
    message = "Could you quote the variable-speed pump instead?\nThanks, <Ana>"

    response = call("POST", f"{ESTIMATES}/est-1/change-request", {"message": message}, headers=ana)

    assert response.status == 201, response.body
    [kept] = response.json()["change_requests"]
    assert kept["message"] == message
    assert mine(ana, "est-1")["change_requests"] == [kept]
    assert len(activity("estimate_change_requested")) == 1
    deliver_all()
    email = outbox.one_to("office@example.com")
    assert "EST-1" in email.subject
    assert "Ana Lopez" in email.subject
    assert "variable-speed pump" in email.text
    assert "&lt;Ana&gt;" in email.html  # the customer's words, escaped
    assert events() == []  # no domain event for a change request (none is defined)


def test_given_a_decided_estimate_then_a_change_request_is_409(world):
    _, ana, _ = world
    accept(ana, "est-1")
    response = call(
        "POST", f"{ESTIMATES}/est-1/change-request", {"message": "Cheaper?"}, headers=ana
    )
    assert response.status == 409
    assert response.json()["error"]["code"] == "estimate_already_decided"


# --- the CRM syncing after the customer decided ----------------------------------------------


def test_given_an_accepted_estimate_when_the_crm_pushes_it_again_then_the_decision_stays(world):
    biz, ana, _ = world
    accept(ana, "est-1")

    # The CRM still thinks it is sent, and edits its notes.
    estimate(biz, "est-1", number="EST-1", issue_date="2026-04-28", notes="Parts ordered")

    shown = mine(ana, "est-1")
    assert (shown["status"], shown["notes"]) == ("accepted", "Parts ordered")
    assert shown["decision"]["signature_name"] == "Ana Lopez"
    admin = call("GET", "/v1/admin/estimates/est-1", api_key=biz.api_key).json()
    assert admin["status"] == "sent"
    assert admin["decision"]["decision"] == "accepted"
    assert call("GET", "/v1/me", headers=ana).json()["open_estimate_count"] == 1


def test_given_an_accepted_estimate_when_the_crm_cancels_it_then_hidden_but_kept_for_the_business(
    world,
):
    biz, ana, _ = world
    accept(ana, "est-1")

    estimate(biz, "est-1", number="EST-1", status="cancelled")

    assert get(ana, f"{ESTIMATES}/est-1").status == 404
    admin = call("GET", "/v1/admin/estimates/est-1", api_key=biz.api_key).json()
    assert admin["decision"]["signature_name"] == "Ana Lopez"


def test_given_an_accepted_estimate_when_the_crm_moves_it_to_another_customer_then_409(world):
    biz, ana, _ = world
    accept(ana, "est-1")
    response = call(
        "PUT", "/v1/admin/estimates/est-1", estimate_body("cust-2"), api_key=biz.api_key
    )
    assert response.status == 409
    assert response.json()["error"]["code"] == "estimate_decided"
    assert mine(ana, "est-1")["status"] == "accepted"


# --- the deposit -----------------------------------------------------------------------------


@pytest.fixture
def accepted(world, fake_stripe):
    """Ana accepted est-1 and saved a Visa."""
    biz, ana, ben = world
    assert accept(ana, "est-1").status == 200
    card = add_card(fake_stripe, ana)
    return biz, ana, ben, card["payment_method_id"], account_of(ana)


def test_given_an_accepted_estimate_when_the_deposit_is_paid_then_credit_receipt_and_paid(
    accepted, fake_stripe, outbox
):
    _, ana, _, card, account = accepted

    response = pay_deposit(ana, "est-1", card)

    assert response.status == 200, response.body
    result = response.json()
    assert (result["status"], result["amount"], result["estimate_id"]) == (
        "succeeded",
        20000,
        "est-1",
    )
    assert result["credit_added"] == 20000
    shown = mine(ana, "est-1")
    assert (shown["deposit_paid"], shown["deposit_due"], shown["deposit_in_progress"]) == (
        20000,
        0,
        False,
    )
    assert call("GET", "/v1/me", headers=ana).json()["credit_balance"] == 20000
    [listed] = call("GET", "/v1/me/payments", headers=ana).json()["items"]
    assert (listed["kind"], listed["estimate_id"]) == ("deposit", "est-1")
    assert fake_stripe.stats()["accounts"][account]["charges_succeeded"] == 1
    deliver_all()
    receipt = outbox.one_to("ana@example.com")
    assert "$200.00" in receipt.subject
    assert "Visa ending 4242" in receipt.text
    assert "Deposit for estimate: EST-1" in receipt.text


def test_given_a_paid_deposit_when_submitted_again_then_same_answer_or_409_and_one_charge(
    accepted, fake_stripe
):
    _, ana, _, card, account = accepted
    first = pay_deposit(ana, "est-1", card, key="deposit-key-aaaa")

    same_key = pay_deposit(ana, "est-1", card, key="deposit-key-aaaa")
    new_key = pay_deposit(ana, "est-1", card, key="deposit-key-bbbb")

    assert same_key.status == 200
    assert same_key.json() == first.json()
    assert new_key.status == 409
    assert new_key.json()["error"]["code"] == "deposit_already_paid"
    assert fake_stripe.stats()["accounts"][account]["charges"] == 1


def test_given_four_deposit_submits_at_once_then_exactly_one_charge(accepted, fake_stripe):
    _, ana, _, card, account = accepted
    keys = [f"deposit-key-{n:04d}" for n in range(4)]

    with atomic_dynamodb(), ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda key: pay_deposit(ana, "est-1", card, key=key), keys))

    statuses = sorted(a.status for a in answers)
    assert statuses.count(200) == 1, [a.body for a in answers]
    assert set(statuses) <= {200, 409}
    assert fake_stripe.stats()["accounts"][account]["charges_succeeded"] == 1
    assert mine(ana, "est-1")["deposit_paid"] == 20000


def test_given_a_card_that_declines_then_402_and_the_deposit_is_still_due(accepted, fake_stripe):
    _, ana, _, card, _ = accepted
    declining = add_card(fake_stripe, ana, "pm_card_chargeCustomerFail")

    response = pay_deposit(ana, "est-1", declining["payment_method_id"], key="deposit-key-decl")

    assert response.status == 402, response.body
    assert response.json()["error"]["message"]
    shown = mine(ana, "est-1")
    assert (shown["deposit_due"], shown["deposit_in_progress"]) == (20000, False)
    assert call("GET", "/v1/me", headers=ana).json()["credit_balance"] == 0
    # Another card pays it.
    assert pay_deposit(ana, "est-1", card, key="deposit-key-good").json()["status"] == "succeeded"


@pytest.mark.parametrize(
    ("estimate_id", "status", "code"),
    [
        ("est-nodep", 409, "estimate_not_accepted"),
        ("est-ben", 404, "estimate_not_found"),
        ("est-draft", 404, "estimate_not_found"),
    ],
)
def test_given_an_estimate_that_takes_no_deposit_now_then_refused_and_nothing_charged(
    accepted, fake_stripe, estimate_id, status, code
):
    _, ana, _, card, account = accepted

    response = pay_deposit(ana, estimate_id, card)

    assert response.status == status
    assert response.json()["error"]["code"] == code
    assert fake_stripe.stats()["accounts"][account]["charges"] == 0


def test_given_an_accepted_estimate_without_deposit_then_409_no_deposit(accepted):
    _, ana, _, card, _ = accepted
    accept(ana, "est-nodep")
    response = pay_deposit(ana, "est-nodep", card)
    assert response.status == 409
    assert response.json()["error"]["code"] == "no_deposit"


def test_given_another_customers_method_or_no_key_then_refused(accepted, fake_stripe):
    _, ana, ben, card, _ = accepted
    assert pay_deposit(ana, "est-1", "pm_notmine").status == 404
    no_key = call("POST", f"{ESTIMATES}/est-1/deposit", {"payment_method_id": card}, headers=ana)
    assert no_key.status == 422
    assert pay_deposit(ben, "est-1", card).status == 404


@pytest.mark.parametrize(
    "fault",
    [
        Fault(status=500, phase="before", path="/v1/payment_intents"),
        Fault(status=500, phase="after", path="/v1/payment_intents"),
        Fault(timeout=True, path="/v1/payment_intents"),
    ],
    ids=["500-before", "500-after-charging", "timeout-after-charging"],
)
def test_given_stripe_fails_during_the_deposit_then_the_same_request_finishes_charging_once(
    accepted, fake_stripe, fault
):
    _, ana, _, card, account = accepted
    fake_stripe.inject(fault)

    response = pay_deposit(ana, "est-1", card, key="deposit-key-flt1")
    if response.status == 503:
        assert mine(ana, "est-1")["deposit_in_progress"] is True
        response = pay_deposit(ana, "est-1", card, key="deposit-key-flt1")

    assert response.status == 200, response.body
    assert response.json()["status"] == "succeeded"
    assert fake_stripe.stats()["accounts"][account]["charges_succeeded"] == 1
    assert mine(ana, "est-1")["deposit_paid"] == 20000


def test_given_the_process_dies_after_stripe_charged_then_the_retry_records_it_once(
    accepted, fake_stripe, monkeypatch
):
    _, ana, _, card, account = accepted

    monkeypatch.setattr(PaymentRepository, "settle", dies)
    crashed = pay_deposit(ana, "est-1", card, key="deposit-key-die1")
    monkeypatch.undo()
    assert crashed.status == 500
    assert mine(ana, "est-1")["deposit_in_progress"] is True
    # Another request (another key) while it may still be under way is refused.
    assert pay_deposit(ana, "est-1", card, key="deposit-key-other").status == 409

    retried = pay_deposit(ana, "est-1", card, key="deposit-key-die1")

    assert retried.status == 200, retried.body
    assert retried.json()["status"] == "succeeded"
    assert fake_stripe.stats()["accounts"][account]["charges"] == 1
    shown = mine(ana, "est-1")
    assert (shown["deposit_paid"], shown["deposit_in_progress"]) == (20000, False)
    assert call("GET", "/v1/me", headers=ana).json()["credit_balance"] == 20000


def test_given_an_abandoned_deposit_when_paid_again_later_then_recorded_not_recharged(
    accepted, fake_stripe, clock, monkeypatch
):
    _, ana, _, card, account = accepted
    monkeypatch.setattr(PaymentRepository, "settle", dies)
    assert pay_deposit(ana, "est-1", card, key="deposit-key-lost").status == 500
    monkeypatch.undo()

    clock.set(clock.now() + timedelta(minutes=10))
    later = pay_deposit(ana, "est-1", card, key="deposit-key-next")

    assert later.status == 409
    assert later.json()["error"]["code"] == "deposit_already_paid"
    assert fake_stripe.stats()["accounts"][account]["charges"] == 1
    assert mine(ana, "est-1")["deposit_paid"] == 20000


def test_given_a_card_that_wants_3d_secure_then_the_webhook_records_the_deposit(
    accepted, fake_stripe
):
    _, ana, _, _, account = accepted
    card = add_card(fake_stripe, ana, "pm_card_authenticationRequired")

    response = pay_deposit(ana, "est-1", card["payment_method_id"], key="deposit-key-3ds1")

    assert response.status == 200, response.body
    result = response.json()
    assert result["status"] == "requires_action"
    assert mine(ana, "est-1")["deposit_in_progress"] is True
    fake_stripe.complete_authentication(account, result["next_action"]["payment_intent_id"])
    answers = deliver_events(fake_stripe, account, "payment_intent.succeeded")

    assert [a.status for a in answers] == [200]
    shown = mine(ana, "est-1")
    assert (shown["deposit_paid"], shown["deposit_in_progress"]) == (20000, False)
    assert call("GET", "/v1/me", headers=ana).json()["credit_balance"] == 20000


def test_given_a_bank_account_then_the_deposit_is_processing_until_the_webhook_settles_it(
    accepted, fake_stripe, outbox
):
    _, ana, _, _, account = accepted
    bank = add_card(fake_stripe, ana, "pm_usBankAccount_success", kind="us_bank_account")

    response = pay_deposit(ana, "est-1", bank["payment_method_id"], key="deposit-key-ach1")

    assert response.status == 200, response.body
    assert response.json()["status"] == "processing"
    shown = mine(ana, "est-1")
    assert (shown["deposit_paid"], shown["deposit_in_progress"]) == (0, True)
    fake_stripe.settle(account)
    first = deliver_events(fake_stripe, account)
    again = deliver_events(fake_stripe, account)  # Stripe delivers twice: nothing more

    assert {a.status for a in first + again} == {200}
    shown = mine(ana, "est-1")
    assert (shown["deposit_paid"], shown["deposit_in_progress"]) == (20000, False)
    assert call("GET", "/v1/me", headers=ana).json()["credit_balance"] == 20000
    deliver_all()
    assert len(outbox.to("ana@example.com")) == 1  # the receipt, once the money is there


def test_given_a_deposit_refunded_in_part_at_stripe_then_that_much_is_due_again(
    accepted, fake_stripe
):
    import stripe

    _, ana, _, card, account = accepted
    pay_deposit(ana, "est-1", card)
    [intent] = [e for e in fake_stripe.events(account) if e["type"] == "payment_intent.succeeded"]
    client = stripe.StripeClient(
        fake_stripe.secret_key, base_addresses={"api": fake_stripe.api_base}
    )
    client.v1.refunds.create(
        params={"payment_intent": intent["data"]["object"]["id"], "amount": 5000},
        options={"stripe_account": account},
    )

    deliver_events(fake_stripe, account, "charge.refunded")
    deliver_events(fake_stripe, account, "charge.refunded")  # twice: counted once

    shown = mine(ana, "est-1")
    assert (shown["deposit_paid"], shown["deposit_due"]) == (15000, 5000)
    assert call("GET", "/v1/me", headers=ana).json()["credit_balance"] == 15000
