"""A business's API key never reaches another business's data, on any admin route.

The cases are keyed by the template's route keys, and the first test fails when the
template gains an admin route without an isolation case here.
"""

from __future__ import annotations

import pytest

from portico.bootstrap import services as current_services
from portico.services.logos import logo_key
from portico_local.template import routes
from tests.support.api import call
from tests.support.factories import (
    a_business,
    customer_body,
    estimate_body,
    invoice_body,
    visit_body,
)
from tests.support.images import jpeg, png, upload
from tests.support.sessions import bearer, signed_in, signed_up


@pytest.fixture
def two_businesses(services):
    """Business A with a logo, a customer, invoice, visit and estimate; business B with
    nothing."""
    a = a_business(services, "sparkling-pools", "Sparkling Pools")
    b = a_business(services, "greenleaf-lawn", "Greenleaf Lawn")
    assert call("PUT", "/v1/admin/portal/logo", upload(png()), api_key=a.api_key).status == 200
    for path, body in [
        ("/v1/admin/customers/cust-1", customer_body()),
        ("/v1/admin/invoices/inv-1", invoice_body()),
        ("/v1/admin/visits/visit-1", visit_body()),
        ("/v1/admin/estimates/est-1", estimate_body()),
    ]:
        assert call("PUT", path, body, api_key=a.api_key).status == 201
    # A visit photo, a shared document and a customer's work request of A's.
    photo = {"kind": "before", "content_type": "image/png", "size": 100}
    assert call("POST", "/v1/admin/visits/visit-1/photos", photo, api_key=a.api_key).status == 201
    document = {"title": "Report", "content_type": "application/pdf", "size": 100}
    path = "/v1/admin/customers/cust-1/documents"
    assert call("POST", path, document, api_key=a.api_key).status == 201
    ana = bearer(signed_up(services, a.business_id, "cust-1", "ana@example.com"))
    request = {"service": "Repair", "description": "The pump is loud."}
    headers = {**ana, "idempotency-key": "isolation-request-1"}
    assert call("POST", "/v1/me/work-requests", request, headers=headers).status == 201
    return a, b


def snapshot(biz):
    """Everything business A's CRM can read about its own data, and its logo's bytes."""
    key = biz.api_key
    return {
        "logo": current_services().file_store.get(logo_key(biz.business_id)),
        "portal": call("GET", "/v1/admin/portal", api_key=key).json(),
        "customer": call("GET", "/v1/admin/customers/cust-1", api_key=key).json(),
        "invoice": call("GET", "/v1/admin/invoices/inv-1", api_key=key).json(),
        "visit": call("GET", "/v1/admin/visits/visit-1", api_key=key).json(),
        "estimate": call("GET", "/v1/admin/estimates/est-1", api_key=key).json(),
        "keys": call("GET", "/v1/admin/api-keys", api_key=key).json(),
        "documents": call("GET", "/v1/admin/customers/cust-1/documents", api_key=key).json(),
        "work_requests": call("GET", "/v1/admin/work-requests", api_key=key).json(),
        "preferences": call("GET", "/v1/admin/customers/cust-1/preferences", api_key=key).json(),
    }


def a_ids(biz) -> dict[str, str]:
    """A's photo, document and work-request ids, for the paths that name them."""
    key = biz.api_key
    visit = call("GET", "/v1/admin/visits/visit-1", api_key=key).json()
    documents = call("GET", "/v1/admin/customers/cust-1/documents", api_key=key).json()
    requests = call("GET", "/v1/admin/work-requests", api_key=key).json()
    return {
        "{a_key_id}": a_key_id(biz),
        "{a_photo_id}": visit["photos"][0]["photo_id"],
        "{a_document_id}": documents["items"][0]["document_id"],
        "{a_request_id}": requests["items"][0]["work_request_id"],
    }


def a_key_id(biz):
    return call("GET", "/v1/admin/api-keys", api_key=biz.api_key).json()["items"][0]["key_id"]


# route key -> (path with A's ids, body, what B must get)
CASES = {
    "GET /v1/admin/portal": ("/v1/admin/portal", None, "own"),
    "PUT /v1/admin/portal": ("/v1/admin/portal", {"enabled": True}, "own"),
    "PUT /v1/admin/portal/logo": (
        "/v1/admin/portal/logo",
        upload(jpeg(), "image/jpeg"),
        "own",
    ),
    "DELETE /v1/admin/portal/logo": ("/v1/admin/portal/logo", None, "own"),
    "GET /v1/admin/portal/slug-availability": (
        "/v1/admin/portal/slug-availability?slug=sparkling-pools",
        None,
        "own",
    ),
    "GET /v1/admin/api-keys": ("/v1/admin/api-keys", None, "own"),
    "POST /v1/admin/api-keys": ("/v1/admin/api-keys", None, "own"),
    "DELETE /v1/admin/api-keys/{key_id}": ("/v1/admin/api-keys/{a_key_id}", None, 404),
    "PUT /v1/admin/customers/{customer_id}": (
        "/v1/admin/customers/cust-1",
        customer_body(name="Mallory"),
        "own",
    ),
    "GET /v1/admin/customers/{customer_id}": ("/v1/admin/customers/cust-1", None, 404),
    "GET /v1/admin/customers": ("/v1/admin/customers", None, "empty"),
    "PUT /v1/admin/invoices/{invoice_id}": (
        "/v1/admin/invoices/inv-1",
        invoice_body(),
        422,
    ),  # B has no cust-1
    "GET /v1/admin/invoices/{invoice_id}": ("/v1/admin/invoices/inv-1", None, 404),
    "GET /v1/admin/invoices": ("/v1/admin/invoices?customer_id=cust-1", None, "empty"),
    "PUT /v1/admin/visits/{visit_id}": ("/v1/admin/visits/visit-1", visit_body(), 422),
    "GET /v1/admin/visits/{visit_id}": ("/v1/admin/visits/visit-1", None, 404),
    "GET /v1/admin/visits": ("/v1/admin/visits", None, "empty"),
    "PUT /v1/admin/estimates/{estimate_id}": ("/v1/admin/estimates/est-1", estimate_body(), 422),
    "GET /v1/admin/estimates/{estimate_id}": ("/v1/admin/estimates/est-1", None, 404),
    "GET /v1/admin/estimates": ("/v1/admin/estimates", None, "empty"),
    "POST /v1/admin/portal/preview-invite": (
        "/v1/admin/portal/preview-invite",
        {"to_email": "x@example.com", "template": "with_payment_method"},
        "own",
    ),
    "POST /v1/admin/invites": ("/v1/admin/invites", {"customer_ids": ["cust-1"]}, "own"),
    "GET /v1/admin/portal-users": ("/v1/admin/portal-users", None, "empty"),
    "GET /v1/admin/invite-funnel": ("/v1/admin/invite-funnel", None, "own"),
    "POST /v1/admin/portal-users/{customer_id}/resend-invite": (
        "/v1/admin/portal-users/cust-1/resend-invite",
        None,
        404,
    ),
    "POST /v1/admin/portal-users/{customer_id}/password-reset": (
        "/v1/admin/portal-users/cust-1/password-reset",
        None,
        404,
    ),
    "POST /v1/admin/staff": ("/v1/admin/staff", {"name": "Eve", "email": "eve@example.com"}, "own"),
    "GET /v1/admin/staff": ("/v1/admin/staff", None, "empty"),
    "GET /v1/admin/autopay/runs": ("/v1/admin/autopay/runs", None, "empty"),
    "GET /v1/admin/autopay/runs/{run_id}": ("/v1/admin/autopay/runs/2026-05-01T15:00Z", None, 404),
    "POST /v1/admin/visits/{visit_id}/photos": (
        "/v1/admin/visits/visit-1/photos",
        {"kind": "after", "content_type": "image/jpeg", "size": 100},
        404,
    ),
    "DELETE /v1/admin/visits/{visit_id}/photos/{photo_id}": (
        "/v1/admin/visits/visit-1/photos/{a_photo_id}",
        None,
        404,
    ),
    "POST /v1/admin/customers/{customer_id}/documents": (
        "/v1/admin/customers/cust-1/documents",
        {"title": "Fake", "content_type": "application/pdf", "size": 100},
        404,
    ),
    "GET /v1/admin/customers/{customer_id}/documents": (
        "/v1/admin/customers/cust-1/documents",
        None,
        404,
    ),
    "DELETE /v1/admin/customers/{customer_id}/documents/{document_id}": (
        "/v1/admin/customers/cust-1/documents/{a_document_id}",
        None,
        404,
    ),
    "GET /v1/admin/work-requests": ("/v1/admin/work-requests", None, "empty"),
    "PATCH /v1/admin/work-requests/{work_request_id}": (
        "/v1/admin/work-requests/{a_request_id}",
        {"status": "declined", "note": "No."},
        404,
    ),
    "GET /v1/admin/reviews": ("/v1/admin/reviews", None, "empty"),
    "GET /v1/admin/customers/{customer_id}/preferences": (
        "/v1/admin/customers/cust-1/preferences",
        None,
        404,
    ),
    "PUT /v1/admin/customers/{customer_id}/preferences": (
        "/v1/admin/customers/cust-1/preferences",
        {"invoices": {"email": False}},
        404,
    ),
}


def test_every_admin_route_has_an_isolation_case():
    admin_routes = {r.route_key for r in routes() if r.path.startswith("/v1/admin")}
    assert admin_routes == set(CASES)


@pytest.mark.parametrize("route_key", sorted(CASES))
def test_given_two_businesses_when_b_uses_a_ids_then_a_is_untouched(two_businesses, route_key):
    a, b = two_businesses
    before = snapshot(a)
    method = route_key.split(" ")[0]
    path, body, expected = CASES[route_key]
    for placeholder, value in a_ids(a).items():
        path = path.replace(placeholder, value)

    response = call(method, path, body, api_key=b.api_key)

    if isinstance(expected, int):
        assert response.status == expected, response.body
    else:
        assert response.status in (200, 201, 202), response.body
        text = response.body.decode()
        assert a.business_id not in text
        if expected == "empty":
            assert response.json()["items"] == []
    after = snapshot(a)
    if method == "POST":  # B's new key is B's: A's key list is unchanged
        assert after["keys"] == before["keys"]
    assert after == before


def test_given_b_key_when_listing_customers_then_never_sees_a_customers(two_businesses):
    a, b = two_businesses
    call("PUT", "/v1/admin/customers/cust-9", customer_body(name="Bea"), api_key=b.api_key)

    names_b = [
        c["name"] for c in call("GET", "/v1/admin/customers", api_key=b.api_key).json()["items"]
    ]
    names_a = [
        c["name"] for c in call("GET", "/v1/admin/customers", api_key=a.api_key).json()["items"]
    ]

    assert names_b == ["Bea"]
    assert names_a == ["Ana Lopez"]


def test_given_a_customers_with_logins_when_b_reads_its_funnel_then_none_are_counted(
    two_businesses,
):
    a, b = two_businesses  # A's cust-1 has a login (the fixture signed Ana up)

    b_funnel = call("GET", "/v1/admin/invite-funnel", api_key=b.api_key).json()
    a_funnel = call("GET", "/v1/admin/invite-funnel", api_key=a.api_key).json()

    assert set(b_funnel.values()) == {0}
    assert (a_funnel["customers"], a_funnel["account_created"]) == (1, 1)


def test_given_a_cursor_from_a_when_b_uses_it_then_400(two_businesses):
    a, b = two_businesses
    call(
        "PUT", "/v1/admin/customers/cust-2", customer_body(email="x@example.com"), api_key=a.api_key
    )
    cursor = call("GET", "/v1/admin/customers?limit=1", api_key=a.api_key).json()["next_cursor"]

    response = call("GET", f"/v1/admin/customers?cursor={cursor}", api_key=b.api_key)

    assert response.status == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_given_a_review_at_a_when_b_lists_reviews_then_b_sees_none_and_a_cursor_is_refused(
    two_businesses, services
):
    a, b = two_businesses
    call("PUT", "/v1/admin/portal", {"enabled": True}, api_key=a.api_key)
    call(
        "PUT",
        "/v1/admin/customers/cust-2",
        customer_body(email="ben@example.com"),
        api_key=a.api_key,
    )
    ana = bearer(signed_in("sparkling-pools", "ana@example.com"))  # signed up by the fixture
    ben = bearer(signed_up(services, a.business_id, "cust-2", "ben@example.com"))
    for headers in (ana, ben):
        assert call("POST", "/v1/me/reviews", {"rating": 5}, headers=headers).status == 201
    cursor = call("GET", "/v1/admin/reviews?limit=1", api_key=a.api_key).json()["next_cursor"]

    listed = call("GET", "/v1/admin/reviews", api_key=b.api_key).json()
    with_a_cursor = call("GET", f"/v1/admin/reviews?cursor={cursor}", api_key=b.api_key)

    assert listed["items"] == []
    assert listed["summary"]["count"] == 0
    assert with_a_cursor.status == 400
    assert len(call("GET", "/v1/admin/reviews", api_key=a.api_key).json()["items"]) == 2


def test_given_the_same_customer_id_at_two_businesses_then_their_accounts_stay_apart(
    two_businesses, services
):
    a, b = two_businesses
    for biz, email in [(a, "ana@example.com"), (b, "bea@example.com")]:
        call("PUT", "/v1/admin/portal", {"enabled": True}, api_key=biz.api_key)
        body = customer_body(name=email.split("@")[0], email=email)
        call("PUT", "/v1/admin/customers/cust-1", body, api_key=biz.api_key)
    ana = bearer(signed_in("sparkling-pools", "ana@example.com"))  # signed up by the fixture
    bea = bearer(signed_up(services, b.business_id, "cust-1", "bea@example.com"))

    changed = call("PUT", "/v1/me/preferences", {"marketing": {"email": True}}, headers=ana)
    edited = call("PATCH", "/v1/me/profile", {"contact_name": "Ana's son"}, headers=ana)

    assert (changed.status, edited.status) == (200, 200)
    beas = call("GET", "/v1/me/preferences", headers=bea).json()["preferences"]
    assert beas["marketing"] == {"email": False, "sms": False}
    profile = call("GET", "/v1/me/profile", headers=bea).json()
    assert (profile["email"], profile["contact_name"]) == ("bea@example.com", None)


# --- a customer's estimates: another customer, of this business or another, gets 404 --------

ESTIMATE_ROUTES = [
    ("GET", "/v1/me/estimates/est-1", None),
    ("POST", "/v1/me/estimates/est-1/accept", {"signature_name": "Mallory"}),
    ("POST", "/v1/me/estimates/est-1/decline", {"reason": "No"}),
    ("POST", "/v1/me/estimates/est-1/change-request", {"message": "Cheaper"}),
    ("POST", "/v1/me/estimates/est-1/deposit", {"payment_method_id": "pm_card_visa"}),
]


@pytest.fixture
def estimate_neighbours(two_businesses, services):
    """A's cust-1 holds est-1; A's cust-2 and B's own cust-1 (same id, other business) are
    signed in."""
    from tests.support.sessions import bearer, signed_up

    a, b = two_businesses
    for biz in (a, b):
        assert call("PUT", "/v1/admin/portal", {"enabled": True}, api_key=biz.api_key).status == 200
    call(
        "PUT",
        "/v1/admin/customers/cust-2",
        customer_body(email="ben@example.com"),
        api_key=a.api_key,
    )
    call("PUT", "/v1/admin/customers/cust-1", customer_body(), api_key=b.api_key)
    neighbour = bearer(signed_up(services, a.business_id, "cust-2", "ben@example.com"))
    other_business = bearer(signed_up(services, b.business_id, "cust-1", "ana@example.com"))
    return a, [neighbour, other_business]


@pytest.mark.parametrize(("method", "path", "body"), ESTIMATE_ROUTES)
def test_given_another_customers_estimate_then_404_and_it_is_untouched(
    estimate_neighbours, method, path, body
):
    a, strangers = estimate_neighbours
    before = call("GET", "/v1/admin/estimates/est-1", api_key=a.api_key).json()

    for headers in strangers:
        if path.endswith("/deposit"):
            headers = {**headers, "idempotency-key": "isolation-key-1"}
        response = call(method, path, body, headers=headers)
        assert response.status == 404, response.body
        assert call("GET", "/v1/me/estimates", headers=headers).json()["items"] == []

    assert call("GET", "/v1/admin/estimates/est-1", api_key=a.api_key).json() == before
