"""The principal handed over by the authorizer, and route matching from the template."""

from __future__ import annotations

import pytest

from portico.errors import ForbiddenError, UnauthorizedError
from portico.http.principal import Principal, Role, principal_of, require_business
from portico_local.template import Route, routes


def event_with(context):
    return {"requestContext": {"authorizer": {"lambda": context}}}


def test_api_key_principal_round_trips_through_the_context():
    principal = Principal(role=Role.API_KEY, business_id="b1", subject="key_1")
    assert principal_of(event_with(principal.context())) == principal


@pytest.mark.parametrize(
    "context",
    [
        {},
        {"role": "anonymous"},
        {"role": "root", "business_id": "b1", "subject": "x"},
        {"role": "api_key", "subject": "x"},
        {"role": "api_key", "business_id": "", "subject": "x"},
        {"role": ["api_key"], "business_id": "b1", "subject": "x"},
    ],
)
def test_missing_or_odd_context_is_anonymous(context):
    assert principal_of(event_with(context)) is None
    with pytest.raises(UnauthorizedError):
        require_business(event_with(context))


def test_customer_principal_cannot_use_business_routes():
    customer = Principal(role=Role.CUSTOMER, business_id="b1", subject="c1", customer_id="c1")
    with pytest.raises(ForbiddenError):
        require_business(event_with(customer.context()))


def test_route_matching_extracts_path_parameters_and_prefers_literal_segments():
    table = routes()
    slug_check = next(r for r in table if r.path == "/v1/admin/portal/slug-availability")
    assert slug_check.match("GET", "/v1/admin/portal/slug-availability") == {}
    route = Route("GET", "/v1/admin/customers/{customer_id}", "F", "m.h", True)
    assert route.match("GET", "/v1/admin/customers/c-1") == {"customer_id": "c-1"}
    assert route.match("GET", "/v1/admin/customers/c-1/more") is None
    assert route.match("PUT", "/v1/admin/customers/c-1") is None


def test_public_portal_route_has_no_authorizer_and_admin_routes_do():
    table = {r.route_key: r for r in routes()}
    assert table["GET /v1/portals/{slug}"].authorized is False
    assert all(r.authorized for key, r in table.items() if "/v1/admin/" in key)
