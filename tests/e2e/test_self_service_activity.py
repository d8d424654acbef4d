"""Issue 7's journey through the local runtime over HTTP: a new customer of a demo business
accepts an estimate, files a work request, rates the business and changes their preferences;
each shows in their activity log, and each publishes its domain event once."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.portal import accept, admin_key, drain, invite, new_customer
from tests.e2e.runtime import Runtime

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

POOLS = "sparkling-pools"
PASSWORD = "a long and careful passphrase"


def test_each_self_service_change_is_logged_and_published_once(
    runtime: Runtime, demo: dict[str, Any]
):
    customer = new_customer(runtime, demo, POOLS)
    signed_in = accept(runtime, invite(runtime, demo, customer), PASSWORD)
    assert signed_in.status == 200, signed_in.body
    me = {"authorization": f"Bearer {signed_in.json()['access_token']}"}
    estimate_id = f"est-e2e-{uuid.uuid4().hex[:8]}"
    estimate = {
        "customer_id": customer.customer_id,
        "number": "EST-E2E",
        "status": "sent",
        "issue_date": "2026-04-02",
        "currency": "USD",
        "lines": [{"description": "Heater install", "quantity": 1, "unit_amount": 120000}],
        "tax_amount": 0,
        "total": 120000,
    }
    pushed = runtime.request(
        "PUT", f"/v1/admin/estimates/{estimate_id}", estimate, api_key=admin_key(demo, POOLS)
    )
    assert pushed.status == 201, pushed.body

    changes = [
        ("POST", f"/v1/me/estimates/{estimate_id}/accept", {"signature_name": "Casey Morgan"}, {}),
        (
            "POST",
            "/v1/me/work-requests",
            {"service": "Heater check", "description": "It clicks at night."},
            {"idempotency-key": f"e2e-{uuid.uuid4().hex}"},
        ),
        ("POST", "/v1/me/reviews", {"rating": 5, "comment": "Always on time."}, {}),
        ("PUT", "/v1/me/preferences", {"marketing": {"email": True}}, {}),
    ]
    for method, path, body, extra in changes:
        answer = runtime.request(method, path, body, headers={**me, **extra})
        assert answer.status in (200, 201), (path, answer.body)
    drain(runtime)

    log = runtime.request("GET", "/v1/me/activity?limit=100", headers=me)
    assert log.status == 200, log.body
    kinds = [entry["kind"] for entry in log.json()["items"]]
    for kind in (
        "login",
        "estimate_accepted",
        "work_request_created",
        "review_created",
        "preferences_updated",
    ):
        assert kinds.count(kind) == 1, (kind, kinds)

    published = runtime.request("GET", "/_dev/events")
    assert published.status == 200, published.body
    mine = [
        event["detail-type"]
        for event in published.json()["events"]
        if event["detail"]["customer_id"] == customer.customer_id
    ]
    assert sorted(mine) == [
        "estimate.accepted",
        "portal_user.activated",
        "preferences.updated",
        "review.created",
        "work_request.created",
    ]
