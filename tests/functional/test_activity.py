"""`GET /v1/me/activity`: the customer's own log, newest first, one Query a page: sign-ins,
payment methods added and removed, payments made and failed, receipts sent, AutoPay consent;
never a secret or a card number; never another customer's entries."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from portico_local.queues import deliver_all
from tests.functional.test_invites import outbox as outbox  # the fixture
from tests.support.api import call, put
from tests.support.factories import a_business, customer_body, invoice_body
from tests.support.payments import add_card, pay
from tests.support.sessions import PASSWORD, bearer, signed_up

ACTIVITY = "/v1/me/activity"


@pytest.fixture
def world(services, clock):
    """Sparkling Pools, portal on; Ana (cust-1) owes inv-1 and inv-2; Ben (cust-2) owes
    inv-9. Both have created their logins."""
    biz = a_business(services)
    put(biz, "/v1/admin/portal", {"enabled": True})
    put(biz, "/v1/admin/customers/cust-1", customer_body())
    put(biz, "/v1/admin/customers/cust-2", customer_body(name="Ben", email="ben@example.com"))
    for invoice_id, customer_id in (("inv-1", "cust-1"), ("inv-2", "cust-1"), ("inv-9", "cust-2")):
        put(
            biz,
            f"/v1/admin/invoices/{invoice_id}",
            invoice_body(customer_id, number=invoice_id.upper()),
        )
    ana = bearer(signed_up(services, biz.business_id, "cust-1", "ana@example.com"))
    ben = bearer(signed_up(services, biz.business_id, "cust-2", "ben@example.com"))
    return biz, ana, ben


def entries(headers, **query):
    path = ACTIVITY + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    response = call("GET", path, headers=headers)
    assert response.status == 200, response.body
    return response.json()


def kinds(headers):
    return [entry["kind"] for entry in entries(headers, limit=100)["items"]]


def one(headers, kind):
    [found] = [e for e in entries(headers, limit=100)["items"] if e["kind"] == kind]
    return found


def test_given_a_new_login_and_a_password_sign_in_then_both_are_logged_newest_first(world, clock):
    _, ana, _ = world
    clock.set(clock.now() + timedelta(minutes=5))

    signed_in = call(
        "POST",
        "/v1/portals/sparkling-pools/login",
        {"email": "ana@example.com", "password": PASSWORD},
        headers={"x-forwarded-for": "203.0.113.9"},
    )

    assert signed_in.status == 200
    items = entries(ana)["items"]
    assert [(e["kind"], e["details"]["method"]) for e in items] == [
        ("login", "password"),
        ("login", "create_login"),
    ]
    assert items[0]["source"] == "customer"
    assert "client_ip" in items[0]["details"]
    assert set(items[0]) == {"entry_id", "kind", "at", "source", "details"}


def test_given_a_card_added_and_removed_then_each_is_logged_once_with_brand_and_last4(
    world, fake_stripe
):
    _, ana, _ = world
    visa = add_card(fake_stripe, ana)
    master = add_card(fake_stripe, ana, "pm_card_mastercard")

    removed = call("DELETE", f"/v1/me/payment-methods/{master['payment_method_id']}", headers=ana)

    assert removed.status == 204
    assert kinds(ana).count("payment_method_added") == 2
    added = [e for e in entries(ana)["items"] if e["kind"] == "payment_method_added"]
    assert {e["details"]["summary"] for e in added} == {
        "Visa ending 4242",
        "Mastercard ending 4444",
    }
    gone = one(ana, "payment_method_removed")
    assert gone["details"]["payment_method_id"] == master["payment_method_id"]
    assert (gone["details"]["brand"], gone["details"]["last4"]) == ("mastercard", "4444")
    assert visa["payment_method_id"] not in json.dumps(gone)


def test_given_a_payment_and_its_receipt_then_made_and_receipt_sent_are_logged_once(
    world, fake_stripe, outbox
):
    _, ana, _ = world
    card = add_card(fake_stripe, ana)

    paid = pay(
        ana, key="key-0001", invoice_ids=["inv-1"], payment_method_id=card["payment_method_id"]
    )
    pay(ana, key="key-0001", invoice_ids=["inv-1"], payment_method_id=card["payment_method_id"])
    deliver_all()
    deliver_all()

    assert paid.status == 200
    made = one(ana, "payment_made")
    assert made["details"]["payment_id"] == paid.json()["payment_id"]
    assert made["details"]["method_summary"] == "Visa ending 4242"
    assert made["details"]["invoices"] == ["INV-1"]
    assert made["details"]["currency"] == "USD"
    receipt = one(ana, "receipt_sent")
    assert receipt["details"]["payment_id"] == paid.json()["payment_id"]
    assert receipt["source"] == "system"
    assert len(outbox.to("ana@example.com")) == 1


def test_given_a_declined_payment_then_it_is_logged_once_with_the_reason(world, fake_stripe):
    _, ana, _ = world
    card = add_card(fake_stripe, ana, "pm_card_chargeCustomerFail")

    declined = pay(ana, invoice_ids=["inv-2"], payment_method_id=card["payment_method_id"])

    assert declined.status == 402
    failed = one(ana, "payment_failed")
    assert failed["details"]["failure_code"] == "generic_decline"
    assert failed["details"]["failure_message"]
    assert "payment_made" not in kinds(ana)


def test_given_autopay_consent_then_its_text_is_in_the_log(world, fake_stripe):
    _, ana, _ = world
    card = add_card(fake_stripe, ana)
    body = {"enabled": True, "payment_method_id": card["payment_method_id"], "accept_terms": True}

    assert call("PUT", "/v1/me/autopay", body, headers=ana).status == 200

    consent = one(ana, "autopay_enabled")
    assert "Sparkling Pools" in consent["details"]["terms_text"]


def test_given_everything_logged_then_no_secret_token_or_card_number_is_in_it(
    world, fake_stripe, outbox
):
    _, ana, _ = world
    card = add_card(fake_stripe, ana)
    pay(ana, invoice_ids=["inv-1"], payment_method_id=card["payment_method_id"])
    deliver_all()

    text = json.dumps(entries(ana, limit=100)).lower()

    assert "4242424242424242" not in text
    for secret in ("password", "token", "secret", "seti_", "pi_"):
        assert secret not in text, secret


def test_given_two_customers_then_each_sees_only_their_own_entries(world, fake_stripe):
    _, ana, ben = world
    add_card(fake_stripe, ana)

    assert "payment_method_added" in kinds(ana)
    assert kinds(ben) == ["login"]


def test_given_more_entries_than_a_page_then_the_cursor_pages_and_stays_in_its_partition(
    world, fake_stripe
):
    _, ana, ben = world
    for _ in range(3):
        assert (
            call(
                "POST",
                "/v1/portals/sparkling-pools/login",
                {"email": "ana@example.com", "password": PASSWORD},
            ).status
            == 200
        )

    first = entries(ana, limit=2)
    second = entries(ana, limit=2, cursor=first["next_cursor"])

    assert len(first["items"]) == 2
    assert first["next_cursor"]
    assert len(second["items"]) == 2
    third = entries(ana, limit=2, cursor=second["next_cursor"])
    assert third == {"items": [], "next_cursor": None}
    times = [e["at"] for e in first["items"] + second["items"]]
    assert times == sorted(times, reverse=True)
    # Ana's cursor cannot read Ben's log, nor Ben's Ana's.
    stolen = call("GET", f"{ACTIVITY}?cursor={first['next_cursor']}", headers=ben)
    assert stolen.status == 400
    assert stolen.json()["error"]["code"] == "invalid_cursor"


def test_given_no_session_then_401_and_a_bad_limit_then_422(world):
    _, ana, _ = world

    assert call("GET", ACTIVITY).status == 401
    assert call("GET", f"{ACTIVITY}?limit=0", headers=ana).status in (400, 422)


def test_given_the_same_customer_id_at_two_businesses_then_each_log_is_its_own(
    world, services, fake_stripe
):
    _, ana, _ = world
    other = a_business(services, "greenleaf-lawn", "Greenleaf Lawn")
    put(other, "/v1/admin/portal", {"enabled": True})
    put(other, "/v1/admin/customers/cust-1", customer_body())
    ana_at_greenleaf = bearer(signed_up(services, other.business_id, "cust-1", "ana@example.com"))
    add_card(fake_stripe, ana)

    assert "payment_method_added" in kinds(ana)
    assert kinds(ana_at_greenleaf) == ["login"]


def test_given_a_receipt_job_twice_and_a_refused_send_then_receipt_sent_is_logged_once(
    world, fake_stripe, outbox, services, monkeypatch: pytest.MonkeyPatch
):
    from portico.domain.email_jobs import ReceiptRequested
    from portico.services.mailer import Mailer

    biz, ana, _ = world
    card = add_card(fake_stripe, ana)
    paid = pay(ana, invoice_ids=["inv-2"], payment_method_id=card["payment_method_id"]).json()
    deliver_all()  # the receipt the payment queued
    job = ReceiptRequested(
        business_id=biz.business_id, customer_id="cust-1", payment_id=paid["payment_id"]
    )
    services.email_jobs.enqueue([job, job])
    deliver_all()
    assert kinds(ana).count("receipt_sent") == 1

    # A second payment whose receipt SES refuses at first: no entry until it is sent.
    other = pay(ana, invoice_ids=["inv-1"], payment_method_id=card["payment_method_id"]).json()
    refused = ReceiptRequested(
        business_id=biz.business_id, customer_id="cust-1", payment_id=other["payment_id"]
    )

    def ses_refuses(*args, **kwargs):
        raise RuntimeError("SES is throttling")

    with monkeypatch.context() as patch:
        patch.setattr(Mailer, "_send", ses_refuses)
        with pytest.raises(RuntimeError):
            Mailer(services).handle(refused)
    assert [
        e
        for e in entries(ana, limit=100)["items"]
        if e["kind"] == "receipt_sent" and e["details"]["payment_id"] == other["payment_id"]
    ] == []
    Mailer(services).handle(refused)
    sent = [
        e
        for e in entries(ana, limit=100)["items"]
        if e["kind"] == "receipt_sent" and e["details"]["payment_id"] == other["payment_id"]
    ]
    assert len(sent) == 1
