"""The customer's account through the handler: "Rate us", the notification centre and the
profile. Each change is one transaction with one activity entry and one domain event; a
refused or repeated request writes neither; every page is one DynamoDB request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portico.data.events import DomainEventItem
from portico.data.items import ActivityItem, customer_pk
from portico.data.repositories import ConcurrentChangeError
from portico.data.table import PorticoItem
from portico.domain.preferences import ChannelChange, PreferenceChanges
from portico.services.preferences import change_preferences
from tests.support.api import call
from tests.support.factories import a_business, customer_body
from tests.support.sessions import PASSWORD, bearer, signed_up

LINK = "https://g.page/r/sparkling-pools/review"


def put(biz, path, body):
    response = call("PUT", path, body, api_key=biz.api_key)
    assert response.status in (200, 201), response.body
    return response


@pytest.fixture
def world(services, clock):
    """A business with a public review link, cust-1 (Ana, signed in) and cust-2 (Ben)."""
    biz = a_business(services)
    put(biz, "/v1/admin/portal", {"enabled": True, "reviews": {"public_review_link": LINK}})
    put(biz, "/v1/admin/customers/cust-1", customer_body())
    put(biz, "/v1/admin/customers/cust-2", customer_body(name="Ben", email="ben@example.com"))
    session = signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    return biz, bearer(session)


def activity(biz, customer_id="cust-1", kind=None):
    """The customer's activity entries of `kind`, or all but the sign-ins the tests make."""
    found = [
        item
        for item in PorticoItem.query(
            customer_pk(biz.business_id, customer_id), PorticoItem.sk.startswith("ACTIVITY#")
        )
        if isinstance(item, ActivityItem)
    ]
    return [item for item in found if (item.kind == kind if kind else item.kind != "login")]


def events(biz, kind):
    return [
        item
        for item in DomainEventItem.scan(DomainEventItem.business_id == biz.business_id)
        if isinstance(item, DomainEventItem) and item.event_type == kind
    ]


def me(headers, method, path, body=None):
    return call(method, path, body, headers=headers)


def next_day(clock, biz, email="ana@example.com"):
    """A day later (the access token has expired): signed in again."""
    clock.set(clock.now() + timedelta(days=1))
    login = {"email": email, "password": PASSWORD}
    response = call("POST", f"/v1/portals/{biz.slug}/login", login)
    assert response.status == 200, response.body
    return bearer(response)


# --- Rate us -------------------------------------------------------------------------------


def test_given_a_business_with_a_link_when_a_5_star_review_is_left_then_the_link_follows(
    world, aws_calls
):
    biz, headers = world

    with aws_calls.counting():
        response = me(headers, "POST", "/v1/me/reviews", {"rating": 5, "comment": "Spotless"})

    assert response.status == 201, response.body
    receipt = response.json()
    assert receipt["rating"] == 5
    assert receipt["comment"] == "Spotless"
    assert receipt["public_review_link"] == LINK
    # One read (customer, portal, business) and one transaction.
    assert dict(aws_calls.calls) == {
        "dynamodb:BatchGetItem": 1,
        "dynamodb:TransactWriteItems": 1,
    }
    [entry] = activity(biz, kind="review_created")
    assert entry.source == "customer"
    assert entry.details.as_dict()["rating"] == 5
    [event] = events(biz, "review.created")
    assert event.customer_id == "cust-1"
    assert event.data.as_dict()["rating"] == 5


def test_given_the_default_threshold_when_a_2_star_review_is_left_then_no_link_is_offered(
    world,
):
    _, headers = world

    response = me(headers, "POST", "/v1/me/reviews", {"rating": 2, "comment": "Late again"})

    assert response.status == 201, response.body
    assert "public_review_link" not in response.json()


def test_given_the_default_threshold_of_4_when_4_stars_then_link_and_3_stars_then_none(
    world, clock
):
    biz, headers = world
    four = me(headers, "POST", "/v1/me/reviews", {"rating": 4})
    three = me(next_day(clock, biz), "POST", "/v1/me/reviews", {"rating": 3})

    assert four.json()["public_review_link"] == LINK
    assert three.status == 201, three.body
    assert "public_review_link" not in three.json()


def test_given_a_threshold_of_5_when_4_stars_then_no_link(world):
    biz, headers = world
    put(biz, "/v1/admin/portal", {"reviews": {"public_review_link": LINK, "threshold": 5}})

    response = me(headers, "POST", "/v1/me/reviews", {"rating": 4})

    assert response.status == 201
    assert "public_review_link" not in response.json()


def test_given_no_public_link_when_5_stars_then_no_link(services, clock):
    biz = a_business(services)
    put(biz, "/v1/admin/portal", {"enabled": True})
    put(biz, "/v1/admin/customers/cust-1", customer_body())
    headers = bearer(signed_up(services, biz.business_id, "cust-1", "ana@example.com"))

    response = me(headers, "POST", "/v1/me/reviews", {"rating": 5})

    assert response.status == 201, response.body
    assert "public_review_link" not in response.json()


@pytest.mark.parametrize(
    "body",
    [
        {"rating": 0},
        {"rating": 6},
        {"rating": "five"},
        {"rating": "5"},
        {"rating": 4.5},
        {"rating": None},
        {},
        {"rating": 5, "comment": "x" * 2001},
        {"rating": 5, "customer_id": "cust-2"},
    ],
)
def test_given_a_bad_rating_when_posted_then_422_and_nothing_is_written(world, body):
    biz, headers = world

    response = me(headers, "POST", "/v1/me/reviews", body)

    assert response.status == 422, response.body
    assert response.json()["error"]["code"] == "validation_error"
    assert activity(biz) == []
    assert events(biz, "review.created") == []


def test_given_a_review_today_when_another_is_posted_then_409_and_one_event(world, clock):
    biz, headers = world
    first = me(headers, "POST", "/v1/me/reviews", {"rating": 5})

    again = me(headers, "POST", "/v1/me/reviews", {"rating": 1, "comment": "changed my mind"})

    assert first.status == 201
    assert again.status == 409, again.body
    assert again.json()["error"]["code"] == "already_reviewed"
    assert len(activity(biz, kind="review_created")) == 1
    assert len(events(biz, "review.created")) == 1
    # The next day, in the business's time zone, the customer may rate again.
    assert me(next_day(clock, biz), "POST", "/v1/me/reviews", {"rating": 4}).status == 201


def test_given_the_reviews_tab_off_when_a_review_is_posted_then_403(services, clock):
    biz = a_business(services)
    tabs = {"reviews": False}
    put(biz, "/v1/admin/portal", {"enabled": True, "tabs": tabs})
    put(biz, "/v1/admin/customers/cust-1", customer_body())
    headers = bearer(signed_up(services, biz.business_id, "cust-1", "ana@example.com"))

    response = me(headers, "POST", "/v1/me/reviews", {"rating": 5})

    assert response.status == 403
    assert response.json()["error"]["code"] == "reviews_unavailable"
    assert events(biz, "review.created") == []


def test_given_a_session_when_the_business_turns_the_reviews_tab_off_then_403_at_once(world):
    biz, headers = world
    put(biz, "/v1/admin/portal", {"tabs": {"reviews": False}})

    response = me(headers, "POST", "/v1/me/reviews", {"rating": 5})

    assert response.status == 403, response.body
    assert response.json()["error"]["code"] == "reviews_unavailable"
    assert events(biz, "review.created") == []


def test_given_reviews_when_the_business_lists_them_then_newest_first_with_the_average(
    world, services, clock
):
    biz, ana = world
    ben = bearer(signed_up(services, biz.business_id, "cust-2", "ben@example.com"))
    me(ana, "POST", "/v1/me/reviews", {"rating": 5, "comment": "Great"})
    clock.set(clock.now() + timedelta(minutes=5))
    me(ben, "POST", "/v1/me/reviews", {"rating": 2, "comment": "Gate left open"})
    me(next_day(clock, biz), "POST", "/v1/me/reviews", {"rating": 4})

    listed = call("GET", "/v1/admin/reviews", api_key=biz.api_key)
    twos = call("GET", "/v1/admin/reviews?rating=2", api_key=biz.api_key)
    first = call("GET", "/v1/admin/reviews?limit=1", api_key=biz.api_key)

    assert listed.status == 200, listed.body
    body = listed.json()
    assert [(r["customer_id"], r["rating"]) for r in body["items"]] == [
        ("cust-1", 4),
        ("cust-2", 2),
        ("cust-1", 5),
    ]
    assert body["items"][1]["customer_name"] == "Ben"
    assert body["items"][1]["comment"] == "Gate left open"
    assert body["summary"] == {
        "count": 3,
        "average": 3.67,
        "by_rating": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1},
    }
    assert [r["rating"] for r in twos.json()["items"]] == [2]
    page = first.json()
    assert len(page["items"]) == 1
    rest = call(
        "GET", f"/v1/admin/reviews?limit=5&cursor={page['next_cursor']}", api_key=biz.api_key
    )
    assert [r["rating"] for r in rest.json()["items"]] == [2, 5]


@pytest.mark.parametrize("query", ["rating=0", "rating=6", "rating=five", "cursor=nonsense"])
def test_given_bad_list_parameters_when_the_business_lists_reviews_then_4xx(world, query):
    biz, _ = world

    response = call("GET", f"/v1/admin/reviews?{query}", api_key=biz.api_key)

    assert response.status in (400, 422), response.body


def test_given_a_review_when_a_customer_calls_the_admin_list_then_403(world):
    _, headers = world
    me(headers, "POST", "/v1/me/reviews", {"rating": 5})

    response = call("GET", "/v1/admin/reviews", headers=headers)

    assert response.status in (401, 403)


@pytest.mark.parametrize(
    "link", ["http://g.page/r/x", "javascript:alert(1)", "g.page/r/x", "https://"]
)
def test_given_a_review_link_that_is_not_https_when_saved_then_422(world, link):
    biz, _ = world

    response = call(
        "PUT", "/v1/admin/portal", {"reviews": {"public_review_link": link}}, api_key=biz.api_key
    )

    assert response.status == 422, response.body


@pytest.mark.parametrize("threshold", [0, 6, "4", 4.5])
def test_given_a_bad_threshold_when_saved_then_422(world, threshold):
    biz, _ = world

    response = call(
        "PUT", "/v1/admin/portal", {"reviews": {"threshold": threshold}}, api_key=biz.api_key
    )

    assert response.status == 422, response.body


def test_given_new_portal_settings_then_the_review_threshold_defaults_to_4(world):
    biz, _ = world

    portal = call("GET", "/v1/admin/portal", api_key=biz.api_key).json()

    assert portal["reviews"] == {"public_review_link": LINK, "threshold": 4}


# --- the notification centre ---------------------------------------------------------------

DEFAULTS = {
    "service_reminders": {"email": True, "sms": False},
    "on_the_way": {"email": True, "sms": False},
    "invoices": {"email": True, "sms": False},
    "receipts": {"email": True, "sms": False},
    "autopay_notices": {"email": True, "sms": False},
    "failed_payments": {"email": True, "sms": False},
    "marketing": {"email": False, "sms": False},
}


def test_given_a_new_customer_when_preferences_are_read_then_the_defaults_in_one_request(
    world, aws_calls
):
    _, headers = world

    with aws_calls.counting():
        response = me(headers, "GET", "/v1/me/preferences")

    assert response.status == 200, response.body
    assert dict(aws_calls.calls) == {"dynamodb:GetItem": 1}
    body = response.json()
    assert body["preferences"] == DEFAULTS
    assert body["locked"] == ["failed_payments", "receipts"]
    assert body["sms_types"] == ["on_the_way", "service_reminders"]
    assert body["updated_at"] is None


def test_given_a_change_when_saved_then_it_is_kept_logged_and_published_once(world, aws_calls):
    biz, headers = world
    change = {"service_reminders": {"sms": True}, "marketing": {"email": True}}

    with aws_calls.counting():
        response = me(headers, "PUT", "/v1/me/preferences", change)
    again = me(headers, "PUT", "/v1/me/preferences", change)  # the same again: no change

    assert response.status == 200, response.body
    assert dict(aws_calls.calls) == {"dynamodb:GetItem": 1, "dynamodb:TransactWriteItems": 1}
    expected = DEFAULTS | {
        "service_reminders": {"email": True, "sms": True},
        "marketing": {"email": True, "sms": False},
    }
    assert response.json()["preferences"] == expected
    assert again.status == 200
    assert me(headers, "GET", "/v1/me/preferences").json()["preferences"] == expected
    [entry] = activity(biz, kind="preferences_updated")
    assert entry.source == "customer"
    assert entry.at.isoformat() == response.json()["updated_at"].replace("Z", "+00:00")
    assert entry.details.as_dict()["changes"] == [
        {"type": "service_reminders", "channel": "sms", "enabled": True},
        {"type": "marketing", "channel": "email", "enabled": True},
    ]
    [event] = events(biz, "preferences.updated")
    assert event.data.as_dict()["source"] == "customer"
    assert event.data.as_dict()["preferences"] == expected


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"receipts": {"email": False}}, "preference_locked"),
        ({"failed_payments": {"email": False}}, "preference_locked"),
        ({"receipts": {"sms": True}}, "preference_locked"),
        ({"marketing": {"sms": True}}, "marketing_sms_not_allowed"),
        ({"invoices": {"sms": True}}, "sms_not_available"),
        # One refused change refuses the whole request: the valid part is not saved either.
        ({"service_reminders": {"sms": True}, "receipts": {"email": False}}, "preference_locked"),
        ({"marketing": {"email": True, "sms": True}}, "marketing_sms_not_allowed"),
    ],
)
def test_given_a_locked_or_forbidden_change_when_saved_then_400_and_nothing_changes(
    world, change, code
):
    biz, headers = world

    response = me(headers, "PUT", "/v1/me/preferences", change)

    assert response.status == 400, response.body
    assert response.json()["error"]["code"] == code
    assert me(headers, "GET", "/v1/me/preferences").json()["preferences"] == DEFAULTS
    assert activity(biz) == []
    assert events(biz, "preferences.updated") == []


def test_given_the_locked_types_sent_back_as_read_when_saved_then_accepted(world):
    _, headers = world
    current = me(headers, "GET", "/v1/me/preferences").json()["preferences"]

    response = me(headers, "PUT", "/v1/me/preferences", current | {"invoices": {"email": False}})

    assert response.status == 200, response.body
    assert response.json()["preferences"]["invoices"] == {"email": False, "sms": False}


@pytest.mark.parametrize(
    "body",
    [
        {"newsletters": {"email": True}},
        {"marketing": {"email": "yes"}},
        {"marketing": {"fax": True}},
        {"marketing": True},
        [],
    ],
)
def test_given_a_malformed_change_when_saved_then_422(world, body):
    biz, headers = world

    response = me(headers, "PUT", "/v1/me/preferences", body)

    assert response.status == 422, response.body
    assert events(biz, "preferences.updated") == []


def test_given_a_customer_who_asked_when_the_business_turns_a_type_off_then_logged_as_business(
    world,
):
    biz, headers = world
    path = "/v1/admin/customers/cust-1/preferences"

    response = call("PUT", path, {"service_reminders": {"email": False}}, api_key=biz.api_key)

    assert response.status == 200, response.body
    mine = me(headers, "GET", "/v1/me/preferences").json()["preferences"]
    assert mine["service_reminders"] == {"email": False, "sms": False}
    assert call("GET", path, api_key=biz.api_key).json()["preferences"] == mine
    [entry] = activity(biz, kind="preferences_updated")
    assert entry.source == "business"
    [event] = events(biz, "preferences.updated")
    assert event.data.as_dict()["source"] == "business"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"marketing": {"email": True}}, "customer_consent_required"),
        ({"service_reminders": {"sms": True}}, "customer_consent_required"),
        ({"receipts": {"email": False}}, "preference_locked"),
    ],
)
def test_given_the_business_when_it_turns_a_type_on_or_a_locked_one_off_then_400(
    world, change, code
):
    biz, headers = world

    response = call("PUT", "/v1/admin/customers/cust-1/preferences", change, api_key=biz.api_key)

    assert response.status == 400, response.body
    assert response.json()["error"]["code"] == code
    assert me(headers, "GET", "/v1/me/preferences").json()["preferences"] == DEFAULTS
    assert events(biz, "preferences.updated") == []


def test_given_an_unknown_customer_when_the_business_reads_preferences_then_404(world):
    biz, _ = world

    response = call("GET", "/v1/admin/customers/nobody/preferences", api_key=biz.api_key)

    assert response.status == 404


# --- the profile ---------------------------------------------------------------------------


def test_given_a_customer_when_the_profile_is_read_then_one_request_and_the_crm_values(
    world, aws_calls
):
    _, headers = world

    with aws_calls.counting():
        response = me(headers, "GET", "/v1/me/profile")

    assert response.status == 200, response.body
    assert dict(aws_calls.calls) == {"dynamodb:GetItem": 1}
    body = response.json()
    assert body["email"] == "ana@example.com"
    assert body["name"] == "Ana Lopez"
    assert body["phone"] == "+1 512 555 0101"
    assert body["contact_name"] is None
    assert body["billing_address"] is None


def test_given_edits_when_saved_then_kept_logged_once_and_a_crm_push_does_not_undo_them(
    world,
):
    biz, headers = world
    edit = {
        "contact_name": "Ana or Luis",
        "phone": "(512) 555-0199",
        "billing_address": {"line1": "PO Box 12", "city": "Austin", "region": "TX"},
    }

    response = me(headers, "PATCH", "/v1/me/profile", edit)
    repeated = me(headers, "PATCH", "/v1/me/profile", edit)
    put(biz, "/v1/admin/customers/cust-1", customer_body(phone="+1 512 555 0111"))

    assert response.status == 200, response.body
    assert repeated.status == 200
    profile = me(headers, "GET", "/v1/me/profile").json()
    assert profile["contact_name"] == "Ana or Luis"
    assert profile["phone"] == "(512) 555-0199"
    assert profile["business_phone"] == "+1 512 555 0111"
    assert profile["billing_address"]["line1"] == "PO Box 12"
    [entry] = activity(biz, kind="profile_updated")
    assert entry.source == "customer"
    changes = entry.details.as_dict()["changes"]
    assert changes["phone"] == {"to": "(512) 555-0199"}  # there was none of the customer's
    assert set(changes) == {"contact_name", "phone", "billing_address"}
    admin = call("GET", "/v1/admin/customers/cust-1", api_key=biz.api_key).json()
    assert admin["phone"] == "+1 512 555 0111"
    assert admin["contact_phone"] == "(512) 555-0199"
    assert admin["contact_name"] == "Ana or Luis"


def test_given_a_customer_phone_when_cleared_then_the_business_phone_shows_again(world):
    _, headers = world
    me(headers, "PATCH", "/v1/me/profile", {"phone": "(512) 555-0199"})

    response = me(headers, "PATCH", "/v1/me/profile", {"phone": None})

    assert response.status == 200, response.body
    assert response.json()["phone"] == "+1 512 555 0101"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"email": "new@example.com"}, "email_read_only"),
        ({"email": "new@example.com", "phone": "(512) 555-0199"}, "email_read_only"),
        ({"name": "Someone Else"}, "name_read_only"),
        ({"service_address": {"line1": "1 Elm", "city": "Austin"}}, "service_address_read_only"),
    ],
)
def test_given_a_business_owned_field_when_patched_then_400_and_nothing_changes(world, body, code):
    biz, headers = world

    response = me(headers, "PATCH", "/v1/me/profile", body)

    assert response.status == 400, response.body
    error = response.json()["error"]
    assert error["code"] == code
    if code == "email_read_only":
        assert "business" in error["message"]
    profile = me(headers, "GET", "/v1/me/profile").json()
    assert profile["email"] == "ana@example.com"
    assert profile["phone"] == "+1 512 555 0101"
    assert activity(biz) == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"phone": "call me"},
        {"contact_name": ""},
        {"contact_name": "x" * 201},
        {"billing_address": {"line1": "1 Elm"}},
        {"customer_id": "cust-2"},
    ],
)
def test_given_a_bad_profile_change_when_patched_then_422(world, body):
    biz, headers = world

    response = me(headers, "PATCH", "/v1/me/profile", body)

    assert response.status == 422, response.body
    assert activity(biz) == []


# --- the contact page ----------------------------------------------------------------------


def test_given_contact_details_with_hours_when_the_dashboard_is_read_then_they_show(world):
    biz, headers = world
    contact = {
        "email": "office@example.com",
        "phone": "(512) 555-0142",
        "website": "https://sparklingpools.example.com",
        "address": {"line1": "2100 S Lamar Blvd", "city": "Austin", "region": "TX"},
        "hours": "Mon-Fri 8am-5pm, Sat 9am-noon",
    }
    put(biz, "/v1/admin/portal", {"contact": contact})

    home = me(headers, "GET", "/v1/me").json()

    shown = home["business"]["contact"]
    assert shown["hours"] == "Mon-Fri 8am-5pm, Sat 9am-noon"
    assert shown["website"] == "https://sparklingpools.example.com"
    assert shown["phone"] == "(512) 555-0142"
    assert shown["address"]["line1"] == "2100 S Lamar Blvd"


# --- anonymous and business callers --------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/me/profile"),
        ("PATCH", "/v1/me/profile"),
        ("GET", "/v1/me/preferences"),
        ("PUT", "/v1/me/preferences"),
        ("POST", "/v1/me/reviews"),
    ],
)
def test_given_no_session_or_a_business_key_then_the_account_routes_refuse(world, method, path):
    biz, _ = world

    body = {"rating": 5} if path.endswith("reviews") else {}
    anonymous = call(method, path, body)
    business = call(method, path, body, api_key=biz.api_key)

    assert anonymous.status == 401
    assert business.status == 403


# --- whatever is sent, never a 5xx ---------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3)
    ),
    max_leaves=10,
)
FIELDS = [
    "rating", "comment", "contact_name", "phone", "billing_address", "email", "name",
    "service_address", "marketing", "receipts", "service_reminders", "email", "sms", "extra",
]  # fmt: skip
bodies = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4) | json_values


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    route=st.sampled_from(
        [("POST", "/v1/me/reviews"), ("PUT", "/v1/me/preferences"), ("PATCH", "/v1/me/profile")]
    ),
    body=bodies,
)
def test_given_any_body_when_sent_to_an_account_route_then_never_a_5xx(world, route, body):
    _, headers = world

    response = me(headers, *route, body)

    assert response.status < 500, (route, body, response.body)


def test_given_a_change_saved_meanwhile_when_a_stale_read_saves_then_409_and_one_event(
    world, services
):
    biz, headers = world
    stale = services.profiles.settings(biz.business_id, "cust-1")
    assert me(headers, "PUT", "/v1/me/preferences", {"invoices": {"email": False}}).status == 200
    changes = PreferenceChanges(marketing=ChannelChange(email=True))

    with pytest.raises(ConcurrentChangeError):
        change_preferences(services, biz.business_id, "cust-1", changes, "customer", stale)

    assert len(events(biz, "preferences.updated")) == 1
    assert len(activity(biz, kind="preferences_updated")) == 1
    kept = me(headers, "GET", "/v1/me/preferences").json()["preferences"]
    assert kept["marketing"] == {"email": False, "sms": False}
