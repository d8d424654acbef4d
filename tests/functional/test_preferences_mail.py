"""The emails honour the notification centre: AutoPay notices and card-expiry reminders stop
when the customer turns AutoPay notices off; receipts (locked on) keep coming."""

from __future__ import annotations

from datetime import date, timedelta

from portico_local.queues import deliver_all
from tests.functional.test_autopay import invoice, run, turn_on
from tests.functional.test_autopay import world as world  # the fixture
from tests.functional.test_invites import outbox as outbox  # the fixture
from tests.support.api import call
from tests.support.payments import add_card

NOTICES_OFF = {"autopay_notices": {"email": False}}


def test_given_autopay_notices_off_when_a_charge_is_three_days_away_then_no_notice(
    world, fake_stripe, services, outbox
):
    biz, ana, ben = world
    for headers in (ana, ben):
        turn_on(headers, add_card(fake_stripe, headers)["payment_method_id"])
    off = call("PUT", "/v1/me/preferences", NOTICES_OFF, headers=ana)
    assert off.status == 200, off.body
    invoice(biz, "inv-1", due_date="2026-05-04", autopay_eligible=True)
    invoice(biz, "inv-2", customer_id="cust-2", due_date="2026-05-04", autopay_eligible=True)

    run(services)
    run(services)
    deliver_all()

    assert outbox.to("ana@example.com") == []
    [notice] = outbox.to("ben@example.com")  # Ben kept the default: told once
    assert "AutoPay" in notice.subject


def test_given_autopay_notices_off_when_the_card_nears_expiry_then_no_reminder_but_receipts(
    world, fake_stripe, services, outbox, clock
):
    biz, ana, _ = world
    card = add_card(fake_stripe, ana)
    turn_on(ana, card["payment_method_id"])
    assert call("PUT", "/v1/me/preferences", NOTICES_OFF, headers=ana).status == 200
    expires = date(card["exp_year"], card["exp_month"], 1)
    clock.set(clock.now().replace(year=expires.year, month=expires.month, day=5))

    run(services)
    deliver_all()
    assert [m for m in outbox.to("ana@example.com") if "expires" in m.subject] == []

    # A charge still gets its receipt: receipts cannot be turned off.
    today = clock.now().date()
    invoice(biz, "inv-1", due_date=today.isoformat(), autopay_eligible=True)
    clock.set(clock.now() + timedelta(minutes=15))
    _, outcomes = run(services)
    deliver_all()
    assert [o.outcome.value for o in outcomes] == ["charged"]
    [receipt] = outbox.to("ana@example.com")
    assert receipt.subject.startswith("Payment received")


# --- the customer's language ---------------------------------------------------------------


def test_given_a_customer_who_chose_spanish_when_emails_go_out_then_in_spanish(
    world, fake_stripe, services, outbox
):
    biz, ana, ben = world
    chose = call("PATCH", "/v1/me/profile", {"language": "es"}, headers=ana)
    assert chose.status == 200, chose.body
    assert chose.json()["language"] == "es"
    for headers in (ana, ben):
        turn_on(headers, add_card(fake_stripe, headers)["payment_method_id"])
    invoice(biz, "inv-1", due_date="2026-05-04", autopay_eligible=True)
    invoice(biz, "inv-2", customer_id="cust-2", due_date="2026-05-04", autopay_eligible=True)
    run(services)
    deliver_all()
    pay = call("POST", "/v1/admin/portal-users/cust-1/password-reset", api_key=biz.api_key)
    assert pay.status == 202, pay.body
    deliver_all()

    subjects = [m.subject for m in outbox.to("ana@example.com")]
    assert subjects[0].startswith("Pago automático: cargaremos"), subjects
    assert subjects[1].startswith("Restablezca su contraseña"), subjects
    # Ben chose nothing: the business's language (English).
    [notice] = outbox.to("ben@example.com")
    assert notice.subject.startswith("AutoPay: ")


def test_given_a_spanish_customer_when_a_payment_succeeds_then_the_receipt_is_in_spanish(
    world, fake_stripe, outbox
):
    biz, ana, _ = world
    assert call("PATCH", "/v1/me/profile", {"language": "es"}, headers=ana).status == 200
    invoice(biz, "inv-1", due_date="2026-05-20")
    card = add_card(fake_stripe, ana)["payment_method_id"]
    body = {"payment_method_id": card, "pay_balance": True}
    paid = call(
        "POST", "/v1/me/payments", body, headers={**ana, "Idempotency-Key": "receipt-language-1"}
    )
    assert paid.status == 200, paid.body
    deliver_all()

    [receipt] = outbox.to("ana@example.com")
    assert receipt.subject.startswith("Pago recibido")


def test_given_a_language_portico_does_not_speak_when_chosen_then_422_and_nothing_changes(world):
    _, ana, _ = world
    refused = call("PATCH", "/v1/me/profile", {"language": "fr"}, headers=ana)

    assert refused.status == 422, refused.body
    assert call("GET", "/v1/me/profile", headers=ana).json()["language"] is None
