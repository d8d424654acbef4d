"""A business's API key never invites, lists, resets or emails another business's customers
or staff, on any route of the invites function.

The cases are keyed by route key; the first test fails when the invites function gains a
route without a case here.
"""

from __future__ import annotations

import pytest

from portico_local.queues import deliver_all
from portico_local.template import routes
from tests.functional.test_invites import enabled_business, put_customer
from tests.functional.test_invites import outbox as outbox  # the fixture
from tests.support.api import call
from tests.support.sessions import signed_up

A_CUSTOMERS = {"ana@example.com", "ben@example.com"}


@pytest.fixture
def two_businesses(services, outbox):
    """A with a customer who has a login, one who has not, and a staff member; B empty."""
    a = enabled_business(services, "sparkling-pools", "Sparkling Pools")
    b = enabled_business(services, "greenleaf-lawn", "Greenleaf Lawn")
    put_customer(a, "cust-1", name="Ana Lopez", email="ana@example.com")
    signed_up(services, a.business_id, "cust-1", "ana@example.com")
    put_customer(a, "cust-2", name="Ben Ortiz", email="ben@example.com")
    staff = {"name": "Sam Lee", "email": "sam@example.com"}
    assert call("POST", "/v1/admin/staff", staff, api_key=a.api_key).status == 201
    deliver_all()
    outbox.messages.clear()
    return a, b


def snapshot(biz):
    key = biz.api_key
    return {
        "portal": call("GET", "/v1/admin/portal", api_key=key).json(),
        "users": call("GET", "/v1/admin/portal-users", api_key=key).json(),
        "staff": call("GET", "/v1/admin/staff", api_key=key).json(),
    }


# route key -> (path with A's ids, body, what B must get: a status, "own" or "empty")
CASES = {
    "POST /v1/admin/portal/preview-invite": (
        "/v1/admin/portal/preview-invite",
        {"to_email": "owner@greenleaf.test", "template": "with_payment_method"},
        "own",
    ),
    "POST /v1/admin/invites": ("/v1/admin/invites", {"customer_ids": ["cust-1", "cust-2"]}, "own"),
    "GET /v1/admin/portal-users": ("/v1/admin/portal-users", None, "empty"),
    "GET /v1/admin/invite-funnel": ("/v1/admin/invite-funnel", None, "own"),
    "POST /v1/admin/portal-users/{customer_id}/resend-invite": (
        "/v1/admin/portal-users/cust-2/resend-invite",
        None,
        404,
    ),
    "POST /v1/admin/portal-users/{customer_id}/password-reset": (
        "/v1/admin/portal-users/cust-1/password-reset",
        None,
        404,
    ),
    "POST /v1/admin/staff": ("/v1/admin/staff", {"name": "Eve", "email": "sam@example.com"}, "own"),
    "GET /v1/admin/staff": ("/v1/admin/staff", None, "empty"),
}


def test_every_invites_route_has_an_isolation_case():
    invites_routes = {r.route_key for r in routes() if r.function == "InvitesFunction"}
    assert invites_routes == set(CASES)


@pytest.mark.parametrize("route_key", sorted(CASES))
def test_given_two_businesses_when_b_uses_a_ids_then_a_and_its_customers_are_untouched(
    two_businesses, outbox, route_key
):
    a, b = two_businesses
    before = snapshot(a)
    method = route_key.split(" ")[0]
    path, body, expected = CASES[route_key]

    response = call(method, path, body, api_key=b.api_key)
    deliver_all()

    if isinstance(expected, int):
        assert response.status == expected, response.body
    else:
        assert response.status in (200, 201, 202), response.body
        assert a.business_id not in response.body.decode()
        if expected == "empty":
            assert response.json()["items"] == []
    assert snapshot(a) == before
    # No email reached A's customers; whatever went out is B's, to B's own people.
    for message in outbox.messages:
        assert message.to not in A_CUSTOMERS
        assert "Sparkling Pools" not in message.text + message.html + message.sender


def test_given_b_invites_a_customer_ids_then_they_are_unknown_to_b(two_businesses, outbox):
    _, b = two_businesses

    outcome = call(
        "POST", "/v1/admin/invites", {"customer_ids": ["cust-2"]}, api_key=b.api_key
    ).json()

    assert outcome == {
        "sent": [],
        "skipped": [{"customer_id": "cust-2", "reason": "unknown_customer"}],
    }
    assert deliver_all() == 0
    assert outbox.messages == []


def test_given_b_adds_staff_with_a_staff_email_then_it_is_b_own_and_a_staff_is_unchanged(
    two_businesses, outbox
):
    a, b = two_businesses

    response = call(
        "POST",
        "/v1/admin/staff",
        {"name": "Sam Lee", "email": "sam@example.com"},
        api_key=b.api_key,
    )
    deliver_all()

    assert response.status == 201
    assert response.json()["business_id"] == b.business_id
    (message,) = outbox.messages
    assert "Greenleaf Lawn" in message.subject
    assert "portal=greenleaf-lawn" in message.text
    a_staff = call("GET", "/v1/admin/staff", api_key=a.api_key).json()["items"]
    assert [m["status"] for m in a_staff] == ["invited"]
