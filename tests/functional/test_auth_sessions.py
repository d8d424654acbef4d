"""Customer identity through the API: invites, passwords, links, sessions, throttling."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portico.identity.tokens import LinkPurpose
from tests.support.api import call
from tests.support.factories import a_business, customer_body
from tests.support.sessions import PASSWORD, bearer, cookie_value, cookies_of, link_for, signed_up


@pytest.fixture
def biz(services):
    business = a_business(services)
    call("PUT", "/v1/admin/portal", {"enabled": True}, api_key=business.api_key)
    call("PUT", "/v1/admin/customers/cust-1", customer_body(), api_key=business.api_key)
    return business


def login(slug, email, password, ip=None):
    headers = {"x-forwarded-for": ip} if ip else None
    return call(
        "POST", f"/v1/portals/{slug}/login", {"email": email, "password": password}, headers=headers
    )


def me(headers):
    return call("GET", "/v1/me", headers=headers)


# --- invites and the session cookies -------------------------------------------------------


def test_given_invite_when_accepted_then_signed_in_with_secure_cookies_and_active(biz, services):
    response = signed_up(services, biz.business_id, "cust-1", "ana@example.com")

    cookies = cookies_of(response)
    for name in ("portico_access", "portico_refresh"):
        assert "HttpOnly" in cookies[name]
        assert "Secure" in cookies[name]
        assert "SameSite=Lax" in cookies[name]
    assert "Path=/v1/auth" in cookies["portico_refresh"]
    assert response.json()["role"] == "customer"
    home = me(bearer(response))
    assert home.status == 200, home.body
    assert home.json()["customer"]["customer_id"] == "cust-1"
    assert home.json()["customer"]["portal_access"] == "active"
    assert home.json()["business"]["business_name"] == "Sparkling Pools"
    by_cookie = me({"cookie": f"portico_access={cookie_value(response, 'portico_access')}"})
    assert by_cookie.status == 200


def test_given_used_invite_when_accepted_again_then_401_and_password_unchanged(biz, services):
    token = link_for(services, biz.business_id, "cust-1", "ana@example.com")
    assert call("POST", "/v1/auth/accept", {"token": token, "password": PASSWORD}).status == 200

    again = call("POST", "/v1/auth/accept", {"token": token, "password": "another long passphrase"})

    assert again.status == 401
    assert again.json()["error"]["code"] == "invalid_link"
    assert login("sparkling-pools", "ana@example.com", PASSWORD).status == 200


def test_given_reinvite_then_the_old_link_no_longer_works(biz, services):
    old = link_for(services, biz.business_id, "cust-1", "ana@example.com")
    new = link_for(services, biz.business_id, "cust-1", "ana@example.com")

    assert call("POST", "/v1/auth/accept", {"token": old, "password": PASSWORD}).status == 401
    assert call("POST", "/v1/auth/accept", {"token": new, "password": PASSWORD}).status == 200


def test_given_expired_invite_then_401_link_expired_and_a_fresh_one_can_be_asked(
    biz, services, clock
):
    token = link_for(services, biz.business_id, "cust-1", "ana@example.com")
    clock.set(clock.now() + timedelta(days=7, seconds=1))

    response = call("POST", "/v1/auth/accept", {"token": token, "password": PASSWORD})

    assert response.status == 401
    assert response.json()["error"]["code"] == "link_expired"
    assert call("POST", "/v1/auth/resend-link", {"token": token}).status == 202


@pytest.mark.parametrize(
    ("token", "code"),
    [("x" * 43, "invalid_link"), ("short", "invalid_link")],
)
def test_given_unknown_or_malformed_token_then_401(biz, token, code):
    response = call("POST", "/v1/auth/accept", {"token": token, "password": PASSWORD})
    assert response.status == 401
    assert response.json()["error"]["code"] == code


def test_given_tampered_token_then_401(biz, services):
    token = link_for(services, biz.business_id, "cust-1", "ana@example.com")
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert call("POST", "/v1/auth/accept", {"token": tampered, "password": PASSWORD}).status == 401
    assert call("POST", "/v1/auth/accept", {"token": token, "password": PASSWORD}).status == 200


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short1!", "password_too_short"),
        ("x" * 129, "password_too_long"),
        ("password123", "password_too_common"),
        ("ana@example.com", "password_too_common"),
    ],
)
def test_given_weak_password_then_422_and_the_link_still_works(biz, services, password, code):
    token = link_for(services, biz.business_id, "cust-1", "ana@example.com")

    response = call("POST", "/v1/auth/accept", {"token": token, "password": password})

    assert response.status == 422
    assert response.json()["error"]["code"] == code
    assert call("POST", "/v1/auth/accept", {"token": token, "password": PASSWORD}).status == 200


def test_a_64_character_passphrase_is_allowed(biz, services):
    token = link_for(services, biz.business_id, "cust-1", "ana@example.com")
    passphrase = "the quick brown fox jumps over the lazy dog near the pool house!"
    assert len(passphrase) == 64
    assert call("POST", "/v1/auth/accept", {"token": token, "password": passphrase}).status == 200


def test_given_link_for_an_old_email_when_the_crm_changed_it_then_refused(biz, services):
    token = link_for(services, biz.business_id, "cust-1", "ana@example.com")
    call(
        "PUT",
        "/v1/admin/customers/cust-1",
        customer_body(email="new@example.com"),
        api_key=biz.api_key,
    )

    assert call("POST", "/v1/auth/accept", {"token": token, "password": PASSWORD}).status == 401


# --- password sign-in, enumeration, throttling ---------------------------------------------


def test_given_account_when_signing_in_then_same_answer_for_wrong_password_and_unknown_email(
    biz, services
):
    signed_up(services, biz.business_id, "cust-1", "ana@example.com")

    ok = login("sparkling-pools", "ana@example.com", PASSWORD)
    wrong = login("sparkling-pools", "ana@example.com", "not the password at all")
    unknown = login("sparkling-pools", "nobody@example.com", "not the password at all")

    assert ok.status == 200
    assert ok.json()["customer"]["email"] == "ana@example.com"
    assert (wrong.status, wrong.body) == (unknown.status, unknown.body)
    assert wrong.status == 401
    assert wrong.json()["error"]["code"] == "invalid_credentials"


def test_sign_in_does_the_same_aws_work_for_known_and_unknown_emails(biz, services, aws_calls):
    signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    with aws_calls.counting():
        login("sparkling-pools", "ana@example.com", "wrong password here")
    known = dict(aws_calls.calls)
    with aws_calls.counting():
        login("sparkling-pools", "nobody@example.com", "wrong password here")
    assert dict(aws_calls.calls) == known


def test_link_requests_do_the_same_aws_work_and_answer_the_same_for_any_email(
    biz, services, aws_calls
):
    signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    for route in ("signup", "magic-link", "forgot-password"):
        answers, calls = [], []
        for email in ("ana@example.com", "nobody@example.com"):
            with aws_calls.counting():
                response = call("POST", f"/v1/portals/sparkling-pools/{route}", {"email": email})
            answers.append((response.status, response.body))
            calls.append(dict(aws_calls.calls))
        assert answers[0] == answers[1]
        assert answers[0][0] == 202
        assert calls[0] == calls[1]


def test_given_five_failures_then_429_with_retry_after_and_no_permanent_lockout(
    biz, services, clock
):
    signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    for _ in range(5):
        assert login("sparkling-pools", "ana@example.com", "wrong password here").status == 401

    throttled = login("sparkling-pools", "ana@example.com", PASSWORD)

    assert throttled.status == 429
    assert 0 < int(throttled.headers["retry-after"]) <= 15 * 60
    clock.set(clock.now() + timedelta(minutes=16))
    assert login("sparkling-pools", "ana@example.com", PASSWORD).status == 200


def test_given_unknown_email_hammered_then_throttled_the_same_way(biz):
    for _ in range(5):
        login("sparkling-pools", "nobody@example.com", "wrong password here")
    assert login("sparkling-pools", "nobody@example.com", "wrong password here").status == 429


def test_given_many_failures_from_one_address_then_that_address_is_throttled(
    biz, services, monkeypatch
):
    from portico.services import accounts

    monkeypatch.setattr(accounts, "MAX_FAILURES_PER_ADDRESS", 3)
    for n in range(3):
        login("sparkling-pools", f"guess{n}@example.com", "wrong password here")
    assert login("sparkling-pools", "ana@example.com", "anything at all").status == 429


def test_given_disabled_portal_then_sign_in_is_404(biz, services):
    signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    call("PUT", "/v1/admin/portal", {"enabled": False}, api_key=biz.api_key)
    assert login("sparkling-pools", "ana@example.com", PASSWORD).status == 404


# --- magic links and resets ----------------------------------------------------------------


def test_given_magic_link_then_signs_in_once(biz, services):
    signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    token = link_for(services, biz.business_id, "cust-1", "ana@example.com", LinkPurpose.MAGIC_LINK)

    first = call("POST", "/v1/auth/magic", {"token": token})
    second = call("POST", "/v1/auth/magic", {"token": token})

    assert first.status == 200
    assert me(bearer(first)).status == 200
    assert second.status == 401


def test_given_magic_link_for_a_customer_without_a_login_then_refused(biz, services):
    token = link_for(services, biz.business_id, "cust-1", "ana@example.com", LinkPurpose.MAGIC_LINK)
    assert call("POST", "/v1/auth/magic", {"token": token}).status == 401


def test_given_magic_link_after_15_minutes_then_expired(biz, services, clock):
    signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    token = link_for(services, biz.business_id, "cust-1", "ana@example.com", LinkPurpose.MAGIC_LINK)
    clock.set(clock.now() + timedelta(minutes=15))
    assert (
        call("POST", "/v1/auth/magic", {"token": token}).json()["error"]["code"] == "link_expired"
    )


def test_a_link_of_one_purpose_cannot_be_used_for_another(biz, services):
    signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    magic = link_for(services, biz.business_id, "cust-1", "ana@example.com", LinkPurpose.MAGIC_LINK)
    assert (
        call(
            "POST", "/v1/auth/reset", {"token": magic, "password": "a brand new passphrase"}
        ).status
        == 401
    )


def test_given_reset_link_then_new_password_works_and_old_does_not(biz, services):
    signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    token = link_for(
        services, biz.business_id, "cust-1", "ana@example.com", LinkPurpose.RESET_PASSWORD
    )

    reset = call("POST", "/v1/auth/reset", {"token": token, "password": "a brand new passphrase"})

    assert reset.status == 200
    assert login("sparkling-pools", "ana@example.com", PASSWORD).status == 401
    assert login("sparkling-pools", "ana@example.com", "a brand new passphrase").status == 200


# --- refresh tokens ------------------------------------------------------------------------


def refresh_with(token):
    return call("POST", "/v1/auth/refresh", headers={"cookie": f"portico_refresh={token}"})


def test_given_refresh_token_then_rotated_and_a_reused_one_ends_the_whole_session(biz, services):
    start = signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    first_refresh = cookie_value(start, "portico_refresh")

    rotated = refresh_with(first_refresh)
    assert rotated.status == 200
    second_refresh = cookie_value(rotated, "portico_refresh")
    assert second_refresh != first_refresh
    assert me(bearer(rotated)).status == 200

    reused = refresh_with(first_refresh)
    assert reused.status == 401
    assert reused.json()["error"]["code"] == "refresh_token_reused"
    # The legitimate successor dies with the family.
    assert refresh_with(second_refresh).status == 401


def test_refresh_token_in_the_body_works_for_api_clients(biz, services):
    start = signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    response = call(
        "POST", "/v1/auth/refresh", {"refresh_token": cookie_value(start, "portico_refresh")}
    )
    assert response.status == 200


def test_given_logout_then_refresh_fails_and_cookies_are_cleared(biz, services):
    start = signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    refresh_token = cookie_value(start, "portico_refresh")

    out = call("POST", "/v1/auth/logout", headers={"cookie": f"portico_refresh={refresh_token}"})

    assert out.status == 204
    assert all("Max-Age=0" in line for line in cookies_of(out).values())
    assert refresh_with(refresh_token).status == 401


def test_refresh_after_30_days_fails(biz, services, clock):
    start = signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    clock.set(clock.now() + timedelta(days=30, seconds=1))
    assert refresh_with(cookie_value(start, "portico_refresh")).status == 401


def test_logout_without_a_session_is_harmless(biz):
    assert call("POST", "/v1/auth/logout").status == 204
    assert call("POST", "/v1/auth/refresh").status == 401


# --- who may call what ---------------------------------------------------------------------


def test_customer_session_cannot_use_admin_routes_and_api_key_cannot_use_me(biz, services):
    session = signed_up(services, biz.business_id, "cust-1", "ana@example.com")

    admin = call("GET", "/v1/admin/customers", headers=bearer(session))
    assert admin.status == 403
    assert call("GET", "/v1/me", api_key=biz.api_key).status == 403
    assert call("GET", "/v1/me").status == 401


def test_access_token_expires_after_15_minutes(biz, services, clock):
    session = signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    clock.set(clock.now() + timedelta(minutes=15))
    assert me(bearer(session)).status == 401


def test_same_email_at_two_businesses_is_two_accounts(services):
    pools = a_business(services, "sparkling-pools", "Sparkling Pools")
    lawn = a_business(services, "greenleaf-lawn", "Greenleaf Lawn")
    for biz, cid in ((pools, "p-1"), (lawn, "l-1")):
        call("PUT", "/v1/admin/portal", {"enabled": True}, api_key=biz.api_key)
        call(
            "PUT",
            f"/v1/admin/customers/{cid}",
            customer_body(email="shared@example.com"),
            api_key=biz.api_key,
        )
    signed_up(services, pools.business_id, "p-1", "shared@example.com", "pools passphrase one")
    signed_up(services, lawn.business_id, "l-1", "shared@example.com", "lawn passphrase two!")

    assert login("sparkling-pools", "shared@example.com", "lawn passphrase two!").status == 401
    at_pools = login("sparkling-pools", "shared@example.com", "pools passphrase one")
    at_lawn = login("greenleaf-lawn", "shared@example.com", "lawn passphrase two!")

    assert me(bearer(at_pools)).json()["business"]["slug"] == "sparkling-pools"
    assert me(bearer(at_lawn)).json()["business"]["slug"] == "greenleaf-lawn"
    assert me(bearer(at_pools)).json()["customer"]["customer_id"] == "p-1"


def test_two_customers_sharing_an_email_cannot_both_have_a_login(biz, services):
    call(
        "PUT", "/v1/admin/customers/cust-2", customer_body(name="Ana's rental"), api_key=biz.api_key
    )
    first = link_for(services, biz.business_id, "cust-1", "ana@example.com")
    second = link_for(services, biz.business_id, "cust-2", "ana@example.com")
    assert call("POST", "/v1/auth/accept", {"token": first, "password": PASSWORD}).status == 200

    refused = call("POST", "/v1/auth/accept", {"token": second, "password": PASSWORD})

    assert refused.status == 409
    assert refused.json()["error"]["code"] == "email_in_use"
    assert (
        login("sparkling-pools", "ana@example.com", PASSWORD).json()["customer"]["customer_id"]
        == "cust-1"
    )


def test_sign_in_methods_the_business_turned_off_are_refused(biz, services):
    signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    magic = link_for(services, biz.business_id, "cust-1", "ana@example.com", LinkPurpose.MAGIC_LINK)
    call(
        "PUT",
        "/v1/admin/portal",
        {"login_methods": {"password": False, "magic_link": False}},
        api_key=biz.api_key,
    )

    assert login("sparkling-pools", "ana@example.com", PASSWORD).status == 403
    assert call("POST", "/v1/auth/magic", {"token": magic}).status == 403
    requested = call("POST", "/v1/portals/sparkling-pools/magic-link", {"email": "ana@example.com"})
    assert requested.json()["error"]["code"] == "login_method_disabled"
