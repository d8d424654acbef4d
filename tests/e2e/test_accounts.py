"""Customer accounts end to end, over HTTP through the local runtime: the business invites,
the mailer's email arrives in the outbox, its link signs the customer in; log out, log in,
forgotten password, magic link; the demo's shared customer; enumeration; throttling.

Each test adds its own customers (fresh addresses), so none depends on another's order.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.portal import (
    ACCESS_COOKIE,
    REFRESH_COOKIE,
    Customer,
    accept,
    ask_link,
    drain,
    emails_to,
    invite,
    link_token,
    login,
    me_by_bearer,
    me_by_cookie,
    new_customer,
    only_email_to,
    signed_in_as,
)
from tests.e2e.runtime import Runtime, business

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PASSWORD = "blue heron at the pool"
NEW_PASSWORD = "green lawn after rain"
SLUG = "sparkling-pools"
THROTTLE_WINDOW = timedelta(minutes=15)


@pytest.fixture
def member(runtime: Runtime, demo: dict[str, Any]) -> Customer:
    """A new customer of Sparkling Pools who accepted an invite with PASSWORD."""
    customer = new_customer(runtime, demo, SLUG)
    assert accept(runtime, invite(runtime, demo, customer), PASSWORD).status == 200
    return customer


@pytest.fixture
def dev_clock(runtime: Runtime) -> Iterator[None]:
    """Lets a test set the runtime's clock; it follows the system clock again afterwards."""
    yield
    reset = runtime.request("POST", "/_dev/clock", {"now": None})
    assert reset.status == 200, reset.body


def set_clock(runtime: Runtime, when: datetime) -> None:
    response = runtime.request("POST", "/_dev/clock", {"now": when.isoformat()})
    assert response.status == 200, response.body


def minute_into_window(windows_ahead: int) -> datetime:
    """A minute into the throttle window `windows_ahead` after the current one: with the
    clock held there, a test's attempts all count in one window no other test uses."""
    now = int(datetime.now(UTC).timestamp())
    start = now - now % int(THROTTLE_WINDOW.total_seconds())
    return (
        datetime.fromtimestamp(start, UTC) + windows_ahead * THROTTLE_WINDOW + timedelta(minutes=1)
    )


# --- (a) invite, accept, sessions, password, links ----------------------------------------


def test_given_an_invite_email_when_the_customer_sets_a_password_then_they_are_signed_in(
    runtime: Runtime, demo: dict[str, Any]
):
    # Given the business invites a customer it pushed from its CRM
    customer = new_customer(runtime, demo, SLUG)
    token = invite(runtime, demo, customer)
    email = only_email_to(runtime, customer.email)
    assert "Sparkling Pools" in email["from"] + email["subject"] + email["text"]
    assert email["sent_at"] is not None

    # When they follow the email's create-login link and choose a password
    signed_in = accept(runtime, token, PASSWORD)

    # Then they are signed in: session cookies a browser keeps safe, and the dashboard opens
    # with the cookie as with the bearer token
    assert signed_in.status == 200, signed_in.body
    for name in (ACCESS_COOKIE, REFRESH_COOKIE):
        line = signed_in.cookie_line(name)
        assert "HttpOnly" in line
        assert "Secure" in line
        assert "SameSite=Lax" in line
    home = signed_in_as(runtime, signed_in, customer.customer_id)
    assert home["customer"]["portal_access"] == "active"
    assert home["business"]["business_name"] == "Sparkling Pools"
    by_cookie = me_by_cookie(runtime, signed_in)
    assert by_cookie.status == 200, by_cookie.body
    assert by_cookie.json()["customer"]["customer_id"] == customer.customer_id
    # And the invite link worked once
    assert accept(runtime, token, "another fine passphrase").status == 401


def test_given_a_signed_in_customer_when_they_log_out_then_the_session_ends_and_the_password_works(
    runtime: Runtime, demo: dict[str, Any]
):
    # Given a live session: its refresh cookie renews it
    customer = new_customer(runtime, demo, SLUG)
    signed_in = accept(runtime, invite(runtime, demo, customer), PASSWORD)
    renewed = runtime.request(
        "POST",
        "/v1/auth/refresh",
        headers={"cookie": f"{REFRESH_COOKIE}={signed_in.cookie(REFRESH_COOKIE)}"},
    )
    assert renewed.status == 200, renewed.body
    refresh = renewed.cookie(REFRESH_COOKIE)
    assert refresh

    # When they log out, with the refresh cookie as a browser sends it
    logout = runtime.request(
        "POST", "/v1/auth/logout", headers={"cookie": f"{REFRESH_COOKIE}={refresh}"}
    )

    # Then the cookies are cleared and the session cannot be refreshed
    assert logout.status == 204, logout.body
    assert logout.cookie(ACCESS_COOKIE) == ""
    assert logout.cookie(REFRESH_COOKIE) == ""
    assert "Max-Age=0" in logout.cookie_line(REFRESH_COOKIE)
    refreshed = runtime.request(
        "POST", "/v1/auth/refresh", headers={"cookie": f"{REFRESH_COOKIE}={refresh}"}
    )
    assert refreshed.status == 401
    # And their password signs them in again
    again = login(runtime, SLUG, customer.email, PASSWORD)
    signed_in_as(runtime, again, customer.customer_id)
    assert again.json()["customer"]["email"] == customer.email


def test_given_a_forgotten_password_when_reset_from_the_email_then_only_the_new_one_works(
    runtime: Runtime, member: Customer
):
    # When the customer asks for a reset link and follows it
    asked = ask_link(runtime, SLUG, "forgot-password", member.email)
    assert asked.status == 202, asked.body
    drain(runtime)
    reset_email = emails_to(runtime, member.email)[-1]
    token = link_token(runtime, reset_email, SLUG, "reset_password")
    reset = runtime.request("POST", "/v1/auth/reset", {"token": token, "password": NEW_PASSWORD})

    # Then they are signed in, the new password works and the old one no longer does
    signed_in_as(runtime, reset, member.customer_id)
    signed_in_as(runtime, login(runtime, SLUG, member.email, NEW_PASSWORD), member.customer_id)
    old = login(runtime, SLUG, member.email, PASSWORD)
    assert old.status == 401
    assert old.json()["error"]["code"] == "invalid_credentials"


def test_given_a_magic_link_email_when_followed_then_signed_in_without_a_password(
    runtime: Runtime, member: Customer
):
    # When
    asked = ask_link(runtime, SLUG, "magic-link", member.email)
    assert asked.status == 202, asked.body
    drain(runtime)
    magic_email = emails_to(runtime, member.email)[-1]
    token = link_token(runtime, magic_email, SLUG, "magic_link")
    signed_in = runtime.request("POST", "/v1/auth/magic", {"token": token})

    # Then
    signed_in_as(runtime, signed_in, member.customer_id)
    assert me_by_cookie(runtime, signed_in).status == 200
    assert runtime.request("POST", "/v1/auth/magic", {"token": token}).status == 401  # once


def test_given_the_runtime_when_an_email_is_queued_then_the_poller_delivers_it_unasked(
    runtime: Runtime, member: Customer
):
    # When a link is asked for and nobody drains the queues
    before = len(emails_to(runtime, member.email))
    assert ask_link(runtime, SLUG, "magic-link", member.email).status == 202

    # Then the background poller hands the job to the mailer within a moment
    deadline = time.monotonic() + 5
    while len(emails_to(runtime, member.email)) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(emails_to(runtime, member.email)) == before + 1, runtime.log()


# --- (b) one person, two businesses ---------------------------------------------------------


def _shared(demo: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(c for c in business(demo, slug)["customers"] if c["email"] == "shared@example.com")


PORTAL_ACCESS = {
    "active_autopay": "active",
    "active_no_payment_method": "active",
    "past_due": "active",
    "invited": "invited",
    "not_invited": "not_invited",
    "no_email": "not_invited",
}


def test_given_the_demo_then_logins_have_passwords_and_the_business_sees_each_state(
    runtime: Runtime, demo: dict[str, Any]
):
    for found in demo["businesses"]:
        for customer in found["customers"]:
            has_password = customer["password"] is not None
            assert has_password == (PORTAL_ACCESS[customer["state"]] == "active"), customer
            record = runtime.request(
                "GET",
                f"/v1/admin/customers/{customer['customer_id']}",
                api_key=found["admin_api_key"],
            )
            assert record.status == 200, record.body
            assert record.json()["portal_access"] == PORTAL_ACCESS[customer["state"]], customer
    assert (
        _shared(demo, "sparkling-pools")["password"] != _shared(demo, "greenleaf-lawn")["password"]
    )


@pytest.mark.parametrize(
    ("slug", "other", "name"),
    [
        ("sparkling-pools", "greenleaf-lawn", "Sparkling Pools"),
        ("greenleaf-lawn", "sparkling-pools", "Greenleaf Lawn"),
    ],
)
def test_given_shared_example_com_when_logging_in_to_one_business_then_they_see_only_it(
    runtime: Runtime, demo: dict[str, Any], slug: str, other: str, name: str
):
    mine, theirs = _shared(demo, slug), _shared(demo, other)

    # When
    signed_in = login(runtime, slug, "shared@example.com", mine["password"])
    wrong = login(runtime, slug, "shared@example.com", theirs["password"])

    # Then this business's password opens this business's account, and nothing of the other
    home = signed_in_as(runtime, signed_in, mine["customer_id"])
    assert home["business"]["business_name"] == name
    body = me_by_bearer(runtime, signed_in).body.decode()
    other_name = business(demo, other)["name"]
    assert other_name not in body
    assert theirs["customer_id"] not in body
    # And the other business's password is just a wrong password here
    assert wrong.status == 401
    assert wrong.json()["error"]["code"] == "invalid_credentials"


# --- (c) enumeration ------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["signup", "magic-link", "forgot-password"])
def test_given_an_unknown_email_when_asking_for_a_link_then_same_answer_and_no_email(
    runtime: Runtime, demo: dict[str, Any], what: str
):
    # Given a customer the link is for: signup is for those without a login, the others
    # for those with one
    known = new_customer(runtime, demo, SLUG)
    if what != "signup":
        assert accept(runtime, invite(runtime, demo, known), PASSWORD).status == 200
    unknown = f"nobody-{known.customer_id}@example.com"
    sent_before = len(emails_to(runtime, known.email))

    # When
    for_known = ask_link(runtime, SLUG, what, known.email)
    for_unknown = ask_link(runtime, SLUG, what, unknown)
    drain(runtime)

    # Then the two answers cannot be told apart, and only the known address gets an email
    assert for_known.status == for_unknown.status == 202
    assert for_known.body == for_unknown.body
    assert len(emails_to(runtime, known.email)) == sent_before + 1
    assert emails_to(runtime, unknown) == []


# --- (d) throttling -------------------------------------------------------------------------


@pytest.mark.usefixtures("dev_clock")
def test_given_five_failed_logins_then_429_with_retry_after_and_it_lifts_after_the_window(
    runtime: Runtime, member: Customer
):
    # Given a fixed time, so all attempts count in one throttle window
    start = minute_into_window(2)
    set_clock(runtime, start)

    # When the password is wrong five times
    failures = [login(runtime, SLUG, member.email, f"wrong guess {n}") for n in range(5)]

    # Then each is a plain 401, and the next attempt is refused even with the right password
    assert [f.status for f in failures] == [401] * 5
    throttled = login(runtime, SLUG, member.email, PASSWORD)
    assert throttled.status == 429, throttled.body
    assert throttled.json()["error"]["code"] == "too_many_requests"
    # The window ends 14 minutes after the (fixed) time of the attempt.
    assert throttled.headers["retry-after"] == str(14 * 60)
    # And only this account is throttled
    assert login(runtime, SLUG, "shared@example.com", "x" * 12).status == 401

    # When the window has passed, the right password works again: no permanent lockout
    set_clock(runtime, start + timedelta(minutes=16))
    signed_in_as(runtime, login(runtime, SLUG, member.email, PASSWORD), member.customer_id)


@pytest.mark.usefixtures("dev_clock")
def test_given_an_unknown_email_when_failing_five_times_then_it_is_throttled_like_a_known_one(
    runtime: Runtime, demo: dict[str, Any]
):
    # Given a fixed time, so all attempts count in one throttle window
    set_clock(runtime, minute_into_window(4))
    unknown = f"nobody-{new_customer(runtime, demo, SLUG).customer_id}@example.com"

    # When
    statuses = [login(runtime, SLUG, unknown, f"guess number {n}").status for n in range(6)]

    # Then: an attacker learns nothing from the throttle either
    assert statuses == [401] * 5 + [429]
