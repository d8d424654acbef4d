"""The invite funnel through the API: each step counts the customers who reached it, in
the order a business sees them move (invited, account created, payment method saved,
AutoPay on), from one paginated read of the business's customers."""

from __future__ import annotations

import pytest

from portico.services import accounts
from portico_local.queues import deliver_all
from tests.functional.test_invites import enabled_business, put_customer, token_in
from tests.functional.test_invites import outbox as outbox  # the fixture
from tests.support.api import call
from tests.support.payments import add_card
from tests.support.sessions import PASSWORD, bearer, signed_up

FUNNEL = "/v1/admin/invite-funnel"


def funnel(biz) -> dict[str, int]:
    response = call("GET", FUNNEL, api_key=biz.api_key)
    assert response.status == 200, response.body
    return response.json()


def counts(customers, invited, account, method, autopay) -> dict[str, int]:
    return {
        "customers": customers,
        "invited": invited,
        "account_created": account,
        "payment_method_saved": method,
        "autopay_on": autopay,
    }


@pytest.fixture
def biz(services, clock):
    """Three customers with email, one without; nobody invited yet."""
    biz = enabled_business(services)
    put_customer(biz, "ana", name="Ana Lopez", email="ana@example.com")
    put_customer(biz, "ben", name="Ben Ortiz", email="ben@example.com")
    put_customer(biz, "cy", name="Cy Park", email="cy@example.com")
    put_customer(biz, "dee", name="Dee Ruiz", email=None)
    return biz


def test_given_customers_nobody_invited_then_only_customers_are_counted(biz):
    assert funnel(biz) == counts(4, 0, 0, 0, 0)


def test_given_the_funnel_steps_one_by_one_then_each_count_follows(biz, services, fake_stripe):
    # When the business invites everyone it can and the mailer sends the invites
    sent = call(
        "POST",
        "/v1/admin/invites",
        {"customer_ids": ["ana", "ben", "cy", "dee"]},
        api_key=biz.api_key,
    )
    assert sent.status == 202, sent.body
    deliver_all()
    assert funnel(biz) == counts(4, 3, 0, 0, 0)  # Dee has no email

    # When Ana and Ben create their logins
    ana = bearer(signed_up(services, biz.business_id, "ana", "ana@example.com"))
    ben = bearer(signed_up(services, biz.business_id, "ben", "ben@example.com"))
    assert funnel(biz) == counts(4, 3, 2, 0, 0)

    # When both save a card
    ana_card = add_card(fake_stripe, ana)
    add_card(fake_stripe, ben)
    assert funnel(biz) == counts(4, 3, 2, 2, 0)

    # When Ana turns AutoPay on
    body = {
        "enabled": True,
        "payment_method_id": ana_card["payment_method_id"],
        "accept_terms": True,
    }
    assert call("PUT", "/v1/me/autopay", body, headers=ana).status == 200
    assert funnel(biz) == counts(4, 3, 2, 2, 1)

    # When she turns it off again
    assert call("PUT", "/v1/me/autopay", {"enabled": False}, headers=ana).status == 200
    assert funnel(biz) == counts(4, 3, 2, 2, 0)


def test_given_a_staff_session_then_the_funnel_answers_as_for_the_api_key(biz, services, outbox):
    staff = {"name": "Sam Lee", "email": "sam@example.com"}
    assert call("POST", "/v1/admin/staff", staff, api_key=biz.api_key).status == 201
    deliver_all()
    accounts.accept_link(services, token_in(outbox.one_to("sam@example.com")), PASSWORD)
    login = call(
        "POST",
        "/v1/portals/sparkling-pools/staff-login",
        {"email": "sam@example.com", "password": PASSWORD},
    )
    assert login.status == 200, login.body

    response = call("GET", FUNNEL, headers=bearer(login))

    assert response.status == 200, response.body
    assert response.json() == funnel(biz) == counts(4, 0, 0, 0, 0)


def test_given_no_key_then_401_and_a_customer_session_then_403(biz, services):
    ana = bearer(signed_up(services, biz.business_id, "ana", "ana@example.com"))

    anonymous = call("GET", FUNNEL)
    customer = call("GET", FUNNEL, headers=ana)

    assert anonymous.status == 401
    assert anonymous.json()["error"]["code"]
    assert customer.status == 403
