"""AutoPay through the API and the run: explicit consent (logged with its text), the business's
rules, the run charging what is due once, soft declines retried on schedule, hard declines and
3-D Secure never retried off session, holds, notices, and the run report."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portico.data.items import ActivityItem, BusinessItem, customer_pk
from portico.data.table import PorticoItem
from portico.domain.autopay import ChargeJob
from portico.services.autopay_run import charge_job, start_run
from portico_local.queues import deliver_all
from tests.functional.test_invites import outbox as outbox  # the fixture
from tests.support.api import call, put
from tests.support.factories import a_business, customer_body, invoice_body
from tests.support.payments import add_card
from tests.support.sessions import bearer, signed_up


def invoice(biz, invoice_id, customer_id="cust-1", **fields):
    return put(
        biz,
        f"/v1/admin/invoices/{invoice_id}",
        invoice_body(customer_id, number=invoice_id.upper(), **fields),
    )


@pytest.fixture
def world(services, clock):
    """Sparkling Pools (AutoPay on the due date, America/Chicago), its portal on; Ana
    (cust-1) and Ben (cust-2) signed in. Today is 2026-05-01 in Chicago."""
    biz = a_business(services)
    put(biz, "/v1/admin/portal", {"enabled": True})
    put(biz, "/v1/admin/customers/cust-1", customer_body())
    put(biz, "/v1/admin/customers/cust-2", customer_body(name="Ben", email="ben@example.com"))
    ana = bearer(signed_up(services, biz.business_id, "cust-1", "ana@example.com"))
    ben = bearer(signed_up(services, biz.business_id, "cust-2", "ben@example.com"))
    return biz, ana, ben


def turn_on(headers, method_id, **extra):
    body = {"enabled": True, "payment_method_id": method_id, "accept_terms": True, **extra}
    return call("PUT", "/v1/me/autopay", body, headers=headers)


def run(services, clock=None):
    """One scheduled run, its jobs charged as the worker would; the jobs and outcomes."""
    jobs: list[ChargeJob] = []
    summary = start_run(services, services.clock.now(), jobs.extend)
    charged = (charge_job(services.rate_limited(), job) for job in jobs)
    return summary, [outcome for outcome in charged if outcome is not None]


def activity(biz, customer_id):
    return [
        item
        for item in PorticoItem.query(
            customer_pk(biz.business_id, customer_id), PorticoItem.sk.startswith("ACTIVITY#")
        )
        if isinstance(item, ActivityItem)
    ]


def my_invoice(headers, invoice_id):
    response = call("GET", f"/v1/me/invoices/{invoice_id}", headers=headers)
    assert response.status == 200, response.body
    return response.json()


# --- consent ------------------------------------------------------------------------------


def test_given_a_saved_card_alone_then_autopay_is_off_and_nothing_is_charged(
    world, fake_stripe, services
):
    biz, ana, _ = world
    add_card(fake_stripe, ana)
    invoice(biz, "inv-1", due_date="2026-05-01", autopay_eligible=True)

    _, outcomes = run(services)

    assert call("GET", "/v1/me/autopay", headers=ana).json()["enabled"] is False
    assert outcomes == []
    assert my_invoice(ana, "inv-1")["status"] == "sent"


def test_given_consent_then_it_is_logged_with_its_text_method_time_and_address(world, fake_stripe):
    biz, ana, _ = world
    card = add_card(fake_stripe, ana)
    shown = call("GET", "/v1/me/autopay", headers=ana).json()
    assert "Visa ending 4242" in shown["terms"]["text"]

    refused = call(
        "PUT",
        "/v1/me/autopay",
        {"enabled": True, "payment_method_id": card["payment_method_id"]},
        headers=ana,
    )
    accepted = turn_on(ana, card["payment_method_id"], terms_version=shown["terms"]["version"])

    assert refused.status == 422
    assert refused.json()["error"]["code"] == "terms_not_accepted"
    assert accepted.status == 200, accepted.body
    assert accepted.json()["enabled"] is True
    # Besides the sign-in and the card saved, one AutoPay entry.
    [entry] = [e for e in activity(biz, "cust-1") if e.kind.startswith("autopay")]
    assert entry.kind == "autopay_enabled"
    details = entry.details.as_dict() if hasattr(entry.details, "as_dict") else entry.details
    assert details["terms_text"] == shown["terms"]["text"]
    assert details["payment_method_id"] == card["payment_method_id"]
    assert details["client_ip"]
    assert call("GET", "/v1/me", headers=ana).json()["autopay"] == {
        "enabled": True,
        "payment_method": card["payment_method_id"],
    }


def test_given_the_business_forbids_turning_it_off_then_403_with_its_message(world, fake_stripe):
    biz, ana, _ = world
    card = add_card(fake_stripe, ana)
    put(
        biz,
        "/v1/admin/portal",
        {"autopay": {"customers_may_disable": False, "locked_message": "Call us at 555-0100."}},
    )
    assert turn_on(ana, card["payment_method_id"]).status == 200

    off = call("PUT", "/v1/me/autopay", {"enabled": False}, headers=ana)
    deleted = call("DELETE", f"/v1/me/payment-methods/{card['payment_method_id']}", headers=ana)

    for response in (off, deleted):
        assert response.status == 403, response.body
        assert response.json()["error"]["message"] == "Call us at 555-0100."
    assert call("GET", "/v1/me/autopay", headers=ana).json()["enabled"] is True


def test_given_autopay_on_when_its_card_is_deleted_then_409_until_another_is_chosen(
    world, fake_stripe
):
    _, ana, _ = world
    visa = add_card(fake_stripe, ana)
    master = add_card(fake_stripe, ana, "pm_card_mastercard")
    turn_on(ana, visa["payment_method_id"])

    refused = call("DELETE", f"/v1/me/payment-methods/{visa['payment_method_id']}", headers=ana)
    assert refused.status == 409
    assert (
        turn_on(ana, master["payment_method_id"]).json()["payment_method_id"]
        == master["payment_method_id"]
    )
    allowed = call("DELETE", f"/v1/me/payment-methods/{visa['payment_method_id']}", headers=ana)
    assert allowed.status == 204


# --- the run ------------------------------------------------------------------------------


def test_given_an_eligible_invoice_due_today_then_the_run_charges_it_once_with_a_receipt(
    world, fake_stripe, services, outbox
):
    biz, ana, _ = world
    card = add_card(fake_stripe, ana)
    turn_on(ana, card["payment_method_id"])
    invoice(biz, "inv-1", due_date="2026-05-01", autopay_eligible=True)
    invoice(biz, "inv-later", due_date="2026-05-20", autopay_eligible=True)
    invoice(biz, "inv-manual", due_date="2026-05-01", autopay_eligible=False)

    _, outcomes = run(services)
    _, again = run(services)

    assert [(o.invoice_id, o.outcome.value) for o in outcomes] == [("inv-1", "charged")]
    assert again == []
    assert my_invoice(ana, "inv-1")["status"] == "paid"
    assert my_invoice(ana, "inv-later")["status"] == "sent"
    assert my_invoice(ana, "inv-manual")["status"] == "sent"
    deliver_all()
    assert any("Payment received" in m.subject for m in outbox.to("ana@example.com"))


def test_given_a_soft_decline_then_retried_on_the_business_schedule_and_the_customer_told(
    world, fake_stripe, services, outbox, clock
):
    biz, ana, _ = world
    card = add_card(fake_stripe, ana, "pm_card_chargeCustomerFail")
    turn_on(ana, card["payment_method_id"])
    invoice(biz, "inv-1", due_date="2026-05-01", autopay_eligible=True)

    _, [first] = run(services)

    assert (first.outcome.value, first.retry_on) == ("failed", date(2026, 5, 4))
    assert run(services)[1] == []  # not again before its retry date
    deliver_all()
    [notice] = outbox.to("ana@example.com")
    assert "AutoPay" in notice.subject
    clock.set(clock.now() + timedelta(days=3))
    _, [second] = run(services)
    assert (second.outcome.value, second.retry_on) == ("failed", date(2026, 5, 6))


def test_given_a_soft_decline_when_its_job_is_delivered_again_then_no_second_attempt(
    world, fake_stripe, services
):
    """SQS delivers at least once: the same job after a soft decline waits for the retry
    date instead of trying the card again at once."""
    biz, ana, _ = world
    card = add_card(fake_stripe, ana, "pm_card_chargeCustomerFail")
    turn_on(ana, card["payment_method_id"])
    invoice(biz, "inv-1", due_date="2026-05-01", autopay_eligible=True)
    jobs: list[ChargeJob] = []
    start_run(services, services.clock.now(), jobs.extend)
    [job] = jobs

    first = charge_job(services.rate_limited(), job)
    again = charge_job(services.rate_limited(), job)

    assert first is not None
    assert first.outcome.value == "failed"
    assert again is None
    report = services.autopay.run(biz.business_id, job.run_id)
    assert [o.outcome.value for o in report.outcomes] == ["failed"]
    account = BusinessItem.get(*BusinessItem.keys(biz.business_id)).stripe_account
    assert len(fake_stripe.charges(account)) == 1


@pytest.mark.parametrize(
    ("test_card", "reason"),
    [
        ("pm_card_authenticationRequired", "authentication_required"),
    ],
)
def test_given_a_charge_that_needs_the_customer_then_never_retried_off_session(
    world, fake_stripe, services, outbox, clock, test_card, reason
):
    biz, ana, _ = world
    card = add_card(fake_stripe, ana, test_card)
    turn_on(ana, card["payment_method_id"])
    invoice(biz, "inv-1", due_date="2026-05-01", autopay_eligible=True)

    _, [outcome] = run(services)
    clock.set(clock.now() + timedelta(days=10))
    _, later = run(services)

    assert (outcome.outcome.value, outcome.reason, outcome.retry_on) == ("failed", reason, None)
    assert later == []
    deliver_all()
    [email] = outbox.to("ana@example.com")
    assert "/p/sparkling-pools/pay" in email.text


def test_given_a_held_invoice_then_the_run_skips_it_once_and_the_report_says_why(
    world, fake_stripe, services
):
    biz, ana, _ = world
    card = add_card(fake_stripe, ana)
    turn_on(ana, card["payment_method_id"])
    invoice(biz, "inv-1", due_date="2026-05-01", autopay_eligible=True)
    held = call("PUT", "/v1/me/invoices/inv-1/autopay-hold", {"held": True}, headers=ana)
    assert held.status == 200, held.body

    summary, [outcome] = run(services)
    _, again = run(services)

    assert (outcome.outcome.value, outcome.reason) == ("skipped", "held")
    assert again == []
    assert my_invoice(ana, "inv-1")["status"] == "sent"
    report = call("GET", f"/v1/admin/autopay/runs/{summary.run_id}", api_key=biz.api_key)
    assert report.status == 200, report.body
    assert [(o["invoice_id"], o["reason"]) for o in report.json()["outcomes"]] == [
        ("inv-1", "held")
    ]


def test_given_an_invoice_edited_after_selection_then_the_new_amount_is_charged(
    world, fake_stripe, services
):
    biz, ana, _ = world
    card = add_card(fake_stripe, ana)
    turn_on(ana, card["payment_method_id"])
    invoice(biz, "inv-1", due_date="2026-05-01", autopay_eligible=True)
    jobs: list[ChargeJob] = []
    start_run(services, services.clock.now(), jobs.extend)
    smaller = {"lines": [{"description": "Visit", "unit_amount": 4000}], "tax_amount": 0}
    invoice(biz, "inv-1", due_date="2026-05-01", autopay_eligible=True, total=4000, **smaller)

    [outcome] = [charge_job(services, job) for job in jobs]

    assert (outcome.outcome.value, outcome.amount) == ("charged", 4000)
    assert my_invoice(ana, "inv-1")["amount_paid"] == 4000


def test_given_a_charge_three_days_away_then_one_notice_with_pay_now_and_hold_links(
    world, fake_stripe, services, outbox
):
    biz, ana, _ = world
    card = add_card(fake_stripe, ana)
    turn_on(ana, card["payment_method_id"])
    invoice(biz, "inv-1", due_date="2026-05-04", autopay_eligible=True)
    invoice(biz, "inv-far", due_date="2026-05-20", autopay_eligible=True)

    run(services)
    run(services)  # a later run the same day: told already
    deliver_all()

    [notice] = outbox.to("ana@example.com")
    assert "$99.00" in notice.subject
    assert "Visa ending 4242" in notice.text
    assert "/p/sparkling-pools/invoices/inv-1?hold=1" in notice.text
    assert my_invoice(ana, "inv-1")["status"] == "sent"  # told, not charged


def test_given_an_autopay_card_expiring_within_30_days_then_one_warning(
    world, fake_stripe, services, outbox, clock
):
    _, ana, _ = world
    card = add_card(fake_stripe, ana)
    turn_on(ana, card["payment_method_id"])
    expires = date(card["exp_year"], card["exp_month"], 1)
    clock.set(clock.now().replace(year=expires.year, month=expires.month, day=5))

    run(services)
    run(services)
    deliver_all()

    [warning] = [m for m in outbox.to("ana@example.com") if "expires" in m.subject]
    assert "/p/sparkling-pools/payment-methods" in warning.text


def test_given_a_failed_run_when_the_next_run_finishes_it_then_the_business_gets_a_summary(
    world, fake_stripe, services, outbox, clock
):
    biz, ana, ben = world
    declined = add_card(fake_stripe, ana, "pm_card_chargeCustomerFail")
    turn_on(ana, declined["payment_method_id"])
    visa = add_card(fake_stripe, ben)
    turn_on(ben, visa["payment_method_id"])
    invoice(biz, "inv-1", due_date="2026-05-01", autopay_eligible=True)
    invoice(biz, "inv-2", customer_id="cust-2", due_date="2026-05-01", autopay_eligible=True)
    summary, _ = run(services)

    clock.set(clock.now() + timedelta(minutes=15))
    run(services)
    deliver_all()

    listed = call("GET", "/v1/admin/autopay/runs", api_key=biz.api_key).json()["items"]
    [first] = [r for r in listed if r["run_id"] == summary.run_id]
    assert (first["charged"], first["failed"], first["retries_scheduled"]) == (1, 1, 1)
    [report] = outbox.to("office@example.com")
    assert "1 charged, 1 failed" in report.subject
    assert "Ana Lopez" in report.text


def test_given_a_declined_autopay_charge_then_the_customer_can_pay_at_once_with_a_new_card(
    world, fake_stripe, services
):
    biz, ana, _ = world
    declined = add_card(fake_stripe, ana, "pm_card_chargeCustomerFail")
    turn_on(ana, declined["payment_method_id"])
    invoice(biz, "inv-1", due_date="2026-05-01", autopay_eligible=True)
    run(services)
    visa = add_card(fake_stripe, ana)

    paid = call(
        "POST",
        "/v1/me/payments",
        {"invoice_ids": ["inv-1"], "payment_method_id": visa["payment_method_id"]},
        headers={**ana, "idempotency-key": "pay-after-decline-1"},
    )

    assert paid.status == 200, paid.body
    assert my_invoice(ana, "inv-1")["status"] == "paid"
    clock_later = services.clock.now() + timedelta(days=3)
    services.clock.set(clock_later)
    assert run(services)[1] == []  # the retry has nothing left to charge
