"""The customer's account through the local runtime over HTTP: a demo customer of Sparkling
Pools (which has a public review link) rates it 5 stars and is offered the link, rates it 2
stars the next day and is not; the business reads both privately; the customer changes their
notification preferences (the locked ones refuse) and edits their profile (not the email);
the contact page shows the business's hours."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.portal import admin_key, login
from tests.e2e.runtime import Response, Runtime, business

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

SLUG = "sparkling-pools"


class Customer:
    """A demo customer signed in with their demo password, calling with a Bearer token."""

    def __init__(self, runtime: Runtime, customer: dict[str, Any]) -> None:
        self.runtime = runtime
        self.customer = customer
        self.sign_in()

    def sign_in(self) -> None:
        signed_in = login(self.runtime, SLUG, self.customer["email"], self.customer["password"])
        assert signed_in.status == 200, signed_in.body
        self.token = signed_in.json()["access_token"]

    def call(self, method: str, path: str, body: Any = None) -> Response:
        headers = {"authorization": f"Bearer {self.token}"}
        return self.runtime.request(method, path, body, headers=headers)


@pytest.fixture
def ana(runtime: Runtime, demo: dict[str, Any]) -> Customer:
    found = [
        c
        for c in business(demo, SLUG)["customers"]
        if c["state"] == "active_no_payment_method" and c["password"]
    ]
    return Customer(runtime, found[0])


@pytest.fixture
def dev_clock(runtime: Runtime) -> Iterator[None]:
    """Lets the test move the runtime's clock; it follows the system clock afterwards."""
    yield
    reset = runtime.request("POST", "/_dev/clock", {"now": None})
    assert reset.status == 200, reset.body


def test_given_a_demo_customer_when_rating_5_then_2_stars_then_only_the_5_gets_the_link(
    runtime: Runtime, demo: dict[str, Any], ana: Customer, dev_clock: None
):
    five = ana.call("POST", "/v1/me/reviews", {"rating": 5, "comment": "Crystal clear water"})
    same_day = ana.call("POST", "/v1/me/reviews", {"rating": 2})
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    moved = runtime.request("POST", "/_dev/clock", {"now": tomorrow.isoformat()})
    assert moved.status == 200, moved.body
    ana.sign_in()  # yesterday's access token has expired
    two = ana.call("POST", "/v1/me/reviews", {"rating": 2, "comment": "Gate left open"})

    assert five.status == 201, five.body
    assert five.json()["public_review_link"] == "https://reviews.example.com/sparkling-pools"
    assert same_day.status == 409, same_day.body  # one a day
    assert two.status == 201, two.body
    assert "public_review_link" not in two.json()
    listed = runtime.request("GET", "/v1/admin/reviews", api_key=admin_key(demo, SLUG))
    assert listed.status == 200, listed.body
    mine = [r for r in listed.json()["items"] if r["customer_id"] == ana.customer["customer_id"]]
    assert [(r["rating"], r["comment"]) for r in mine] == [
        (2, "Gate left open"),
        (5, "Crystal clear water"),
    ]
    assert listed.json()["summary"]["count"] >= 2
    twos = runtime.request("GET", "/v1/admin/reviews?rating=2", api_key=admin_key(demo, SLUG))
    assert {r["rating"] for r in twos.json()["items"]} == {2}
    # Private: another business never sees them.
    lawn = runtime.request("GET", "/v1/admin/reviews", api_key=admin_key(demo, "greenleaf-lawn"))
    assert ana.customer["customer_id"] not in lawn.body.decode()


@pytest.mark.parametrize("rating", [0, 6, "five"])
def test_given_a_rating_outside_1_to_5_then_422(ana: Customer, rating: Any):
    response = ana.call("POST", "/v1/me/reviews", {"rating": rating})

    assert response.status == 422, response.body


def test_given_a_demo_customer_when_changing_preferences_then_kept_and_locked_ones_refused(
    ana: Customer,
):
    before = ana.call("GET", "/v1/me/preferences").json()["preferences"]

    changed = ana.call(
        "PUT",
        "/v1/me/preferences",
        {"service_reminders": {"sms": True}, "marketing": {"email": True}},
    )
    locked = ana.call("PUT", "/v1/me/preferences", {"receipts": {"email": False}})
    marketing_sms = ana.call("PUT", "/v1/me/preferences", {"marketing": {"sms": True}})

    assert before["receipts"] == {"email": True, "sms": False}
    assert changed.status == 200, changed.body
    assert (locked.status, locked.json()["error"]["code"]) == (400, "preference_locked")
    assert marketing_sms.status == 400
    assert marketing_sms.json()["error"]["code"] == "marketing_sms_not_allowed"
    after = ana.call("GET", "/v1/me/preferences").json()["preferences"]
    assert after["service_reminders"] == {"email": True, "sms": True}
    assert after["marketing"] == {"email": True, "sms": False}
    assert after["receipts"] == {"email": True, "sms": False}


def test_given_a_demo_customer_when_editing_the_profile_then_kept_but_the_email_is_not(
    ana: Customer,
):
    email = ana.customer["email"]

    edited = ana.call(
        "PATCH",
        "/v1/me/profile",
        {
            "contact_name": "Ana or Luis",
            "phone": "(512) 555-0177",
            "billing_address": {"line1": "PO Box 4410", "city": "Austin", "region": "TX"},
        },
    )
    email_change = ana.call("PATCH", "/v1/me/profile", {"email": "new@example.com"})

    assert edited.status == 200, edited.body
    assert email_change.status == 400
    assert email_change.json()["error"]["code"] == "email_read_only"
    profile = ana.call("GET", "/v1/me/profile").json()
    assert profile["email"] == email
    assert profile["contact_name"] == "Ana or Luis"
    assert profile["phone"] == "(512) 555-0177"
    assert profile["billing_address"]["line1"] == "PO Box 4410"
    # The business's own login still works with the unchanged email.
    ana.sign_in()


def test_given_a_demo_customer_when_opening_the_contact_page_then_hours_and_website_show(
    ana: Customer,
):
    home = ana.call("GET", "/v1/me")

    assert home.status == 200, home.body
    contact = home.json()["business"]["contact"]
    assert contact["hours"] == "Mon-Fri 7am-6pm, Sat 8am-noon"
    assert contact["website"] == "https://sparklingpools.example.com"
    assert contact["phone"] == "(512) 555-0142"
    assert contact["email"] == "office@sparklingpools.example.com"
    assert contact["address"]["line1"] == "2100 S Lamar Blvd"
