"""Tenant isolation, as a property: for every route of docs/openapi.json, a principal (a
customer's session, a business's API key or a staff member's session) that names another
principal's records never reads them and never changes them.

The routes come from the OpenAPI document, so a new route fails
`test_every_documented_route_has_a_request_generator` until it has a generator here. Hypothesis
draws, per route, the caller and a victim (another customer of the caller's business, or any
customer of the other business); the generator fills the path, query and body with the victim's
ids. The answer must carry none of the victim's values (ids, names, emails, phone, amounts,
numbers) other than those the request itself named, and every stored item that mentions the
victim (DynamoDB, S3) must be the same afterwards.

`make test` runs a small, derandomized number of examples per route; `PORTICO_FUZZ=1` (as in
`make fuzz`) runs many more.
"""

from __future__ import annotations

import json
import os
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.s3.models import s3_backends

from portico.bootstrap import services as current_services
from tests.property.world import Holder, Principal, World
from tests.support.api import call
from tests.support.images import png, upload
from tests.support.sessions import PASSWORD

pytestmark = pytest.mark.xdist_group("isolation")
REGION = os.environ["AWS_REGION"]
S3_PARTITION = "aws"

OPENAPI = json.loads((Path(__file__).parents[2] / "docs" / "openapi.json").read_text())
METHODS = ("get", "put", "post", "patch", "delete")
ROUTES = sorted(
    f"{method.upper()} {path}"
    for path, operations in OPENAPI["paths"].items()
    for method in operations
    if method in METHODS
)

# Deterministic in `make test`: each route's examples come from a seed made from the route, so
# every run tries the same callers and victims, and different routes try different ones.
settings.register_profile(
    "isolation",
    max_examples=2,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "isolation-long",
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LONG_RUN = os.environ.get("PORTICO_FUZZ") == "1"
PROFILE = settings.get_profile("isolation-long" if LONG_RUN else "isolation")


@dataclass
class Request:
    path: str
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    authenticated: bool = True  # send the principal's credentials


Generator = Callable[[World, Principal, Holder], Request]


def _key() -> dict[str, str]:
    return {"idempotency-key": str(uuid.uuid4())}


def _v(victim: Holder, name: str, fallback: str = "none-such") -> str:
    """The victim's id of this kind (a victim who never signed in has no payments...)."""
    return victim.ids.get(name, fallback)


def _customer(v: Holder) -> dict[str, Any]:
    return {"name": "Mallory", "email": "mallory@example.com", "send_invoices": True}


def _invoice(v: Holder) -> dict[str, Any]:
    return {
        "customer_id": v.customer_id,
        "number": "INV-MAL",
        "status": "sent",
        "issue_date": "2026-04-01",
        "due_date": "2026-04-15",
        "currency": "USD",
        "lines": [{"description": "Nothing", "quantity": 1, "unit_amount": 100}],
        "tax_amount": 0,
        "total": 100,
    }


def _visit(v: Holder) -> dict[str, Any]:
    return {
        "customer_id": v.customer_id,
        "date": "2026-04-21",
        "service": "X",
        "status": "scheduled",
    }


def _estimate(v: Holder) -> dict[str, Any]:
    return {
        "customer_id": v.customer_id,
        "number": "EST-MAL",
        "status": "sent",
        "issue_date": "2026-04-02",
        "expiry_date": "2026-06-02",
        "currency": "USD",
        "lines": [{"description": "Nothing", "quantity": 1, "unit_amount": 100}],
        "tax_amount": 0,
        "total": 100,
    }


def _slug(w: World, v: Holder) -> str:
    return v.business.slug


def _records(w: World, v: Holder):
    return w.records_of(v.business.business_id)


A = "/v1/admin"
GENERATORS: dict[str, Generator] = {
    # --- the admin API: a business's key or staff session, with the other business's ids.
    f"GET {A}/api-keys": lambda w, p, v: Request(f"{A}/api-keys"),
    f"POST {A}/api-keys": lambda w, p, v: Request(f"{A}/api-keys?label={v.customer_id}"),
    f"DELETE {A}/api-keys/{{key_id}}": lambda w, p, v: Request(
        f"{A}/api-keys/{_records(w, v).key_id}"
    ),
    f"GET {A}/autopay/runs": lambda w, p, v: Request(f"{A}/autopay/runs"),
    f"GET {A}/autopay/runs/{{run_id}}": lambda w, p, v: Request(
        f"{A}/autopay/runs/{_records(w, v).run_ids[0]}"
    ),
    f"GET {A}/customers": lambda w, p, v: Request(f"{A}/customers"),
    f"GET {A}/customers/{{customer_id}}": lambda w, p, v: Request(f"{A}/customers/{v.customer_id}"),
    f"PUT {A}/customers/{{customer_id}}": lambda w, p, v: Request(
        f"{A}/customers/{v.customer_id}", _customer(v)
    ),
    f"GET {A}/customers/{{customer_id}}/documents": lambda w, p, v: Request(
        f"{A}/customers/{v.customer_id}/documents"
    ),
    f"POST {A}/customers/{{customer_id}}/documents": lambda w, p, v: Request(
        f"{A}/customers/{v.customer_id}/documents",
        {"title": "Fake", "content_type": "application/pdf", "size": 100},
    ),
    f"DELETE {A}/customers/{{customer_id}}/documents/{{document_id}}": lambda w, p, v: Request(
        f"{A}/customers/{v.customer_id}/documents/{_v(v, 'document')}"
    ),
    f"GET {A}/customers/{{customer_id}}/preferences": lambda w, p, v: Request(
        f"{A}/customers/{v.customer_id}/preferences"
    ),
    f"PUT {A}/customers/{{customer_id}}/preferences": lambda w, p, v: Request(
        f"{A}/customers/{v.customer_id}/preferences", {"invoices": {"email": False}}
    ),
    f"GET {A}/estimates": lambda w, p, v: Request(f"{A}/estimates?customer_id={v.customer_id}"),
    f"GET {A}/estimates/{{estimate_id}}": lambda w, p, v: Request(
        f"{A}/estimates/{_v(v, 'estimate')}"
    ),
    f"PUT {A}/estimates/{{estimate_id}}": lambda w, p, v: Request(
        f"{A}/estimates/{_v(v, 'estimate')}", _estimate(v)
    ),
    f"GET {A}/invite-funnel": lambda w, p, v: Request(f"{A}/invite-funnel"),
    f"POST {A}/invites": lambda w, p, v: Request(f"{A}/invites", {"customer_ids": [v.customer_id]}),
    f"GET {A}/invoices": lambda w, p, v: Request(f"{A}/invoices?customer_id={v.customer_id}"),
    f"GET {A}/invoices/{{invoice_id}}": lambda w, p, v: Request(
        f"{A}/invoices/{_v(v, 'invoice_open')}"
    ),
    f"PUT {A}/invoices/{{invoice_id}}": lambda w, p, v: Request(
        f"{A}/invoices/{_v(v, 'invoice_open')}", _invoice(v)
    ),
    f"GET {A}/portal": lambda w, p, v: Request(f"{A}/portal"),
    f"PUT {A}/portal": lambda w, p, v: Request(f"{A}/portal", {"enabled": True}),
    f"GET {A}/portal-users": lambda w, p, v: Request(f"{A}/portal-users"),
    f"POST {A}/portal-users/{{customer_id}}/password-reset": lambda w, p, v: Request(
        f"{A}/portal-users/{v.customer_id}/password-reset"
    ),
    f"POST {A}/portal-users/{{customer_id}}/resend-invite": lambda w, p, v: Request(
        f"{A}/portal-users/{v.customer_id}/resend-invite"
    ),
    f"DELETE {A}/portal/logo": lambda w, p, v: Request(f"{A}/portal/logo"),
    f"PUT {A}/portal/logo": lambda w, p, v: Request(
        f"{A}/portal/logo",
        upload(png()),
    ),
    f"POST {A}/portal/preview-invite": lambda w, p, v: Request(
        f"{A}/portal/preview-invite", {"to_email": v.email, "template": "with_payment_method"}
    ),
    f"GET {A}/portal/slug-availability": lambda w, p, v: Request(
        f"{A}/portal/slug-availability?slug={_slug(w, v)}"
    ),
    f"GET {A}/reviews": lambda w, p, v: Request(f"{A}/reviews"),
    f"GET {A}/staff": lambda w, p, v: Request(f"{A}/staff"),
    f"POST {A}/staff": lambda w, p, v: Request(
        f"{A}/staff", {"name": "Mallory", "email": _records(w, v).staff_email}
    ),
    f"GET {A}/visits": lambda w, p, v: Request(f"{A}/visits?customer_id={v.customer_id}"),
    f"GET {A}/visits/{{visit_id}}": lambda w, p, v: Request(f"{A}/visits/{_v(v, 'visit')}"),
    f"PUT {A}/visits/{{visit_id}}": lambda w, p, v: Request(
        f"{A}/visits/{_v(v, 'visit')}", _visit(v)
    ),
    f"POST {A}/visits/{{visit_id}}/photos": lambda w, p, v: Request(
        f"{A}/visits/{_v(v, 'visit')}/photos",
        {"kind": "after", "content_type": "image/jpeg", "size": 100},
    ),
    f"DELETE {A}/visits/{{visit_id}}/photos/{{photo_id}}": lambda w, p, v: Request(
        f"{A}/visits/{_v(v, 'visit')}/photos/{_v(v, 'photo')}"
    ),
    f"GET {A}/work-requests": lambda w, p, v: Request(f"{A}/work-requests"),
    f"PATCH {A}/work-requests/{{work_request_id}}": lambda w, p, v: Request(
        f"{A}/work-requests/{_v(v, 'work_request')}", {"status": "declined", "note": "No."}
    ),
    # --- sign-in and sessions: the caller's own credentials, the victim's portal and email.
    "POST /v1/auth/accept": lambda w, p, v: Request(
        "/v1/auth/accept", {"token": "not-a-token", "password": PASSWORD}
    ),
    "POST /v1/auth/logout": lambda w, p, v: Request("/v1/auth/logout", {}),
    "POST /v1/auth/magic": lambda w, p, v: Request("/v1/auth/magic", {"token": "not-a-token"}),
    "POST /v1/auth/refresh": lambda w, p, v: Request("/v1/auth/refresh", {}),
    "POST /v1/auth/resend-link": lambda w, p, v: Request(
        "/v1/auth/resend-link", {"token": "not-a-token"}
    ),
    "POST /v1/auth/reset": lambda w, p, v: Request(
        "/v1/auth/reset", {"token": "not-a-token", "password": PASSWORD}
    ),
    "GET /v1/portals/{slug}": lambda w, p, v: Request(f"/v1/portals/{_slug(w, v)}"),
    "GET /v1/portals/{slug}/logo": lambda w, p, v: Request(f"/v1/portals/{_slug(w, v)}/logo"),
    # The caller signs in to the victim's portal with the victim's email and the password the
    # caller knows (their own): the world's passwords are all the same, so this must fail on
    # the portal or account, never on the password alone. A customer of another business has
    # the same password, so `victim.email` + PASSWORD would be a real sign-in: use the caller's
    # own email, which must not open the other portal.
    "POST /v1/portals/{slug}/login": lambda w, p, v: Request(
        f"/v1/portals/{_slug(w, v)}/login",
        {"email": _own_email(w, p), "password": PASSWORD},
        authenticated=False,
    ),
    "POST /v1/portals/{slug}/staff-login": lambda w, p, v: Request(
        f"/v1/portals/{_slug(w, v)}/staff-login",
        {"email": _own_email(w, p), "password": PASSWORD},
        authenticated=False,
    ),
    "POST /v1/portals/{slug}/forgot-password": lambda w, p, v: Request(
        f"/v1/portals/{_slug(w, v)}/forgot-password", {"email": _own_email(w, p)}
    ),
    "POST /v1/portals/{slug}/magic-link": lambda w, p, v: Request(
        f"/v1/portals/{_slug(w, v)}/magic-link", {"email": _own_email(w, p)}
    ),
    "POST /v1/portals/{slug}/signup": lambda w, p, v: Request(
        f"/v1/portals/{_slug(w, v)}/signup", {"email": _own_email(w, p)}
    ),
    "POST /v1/webhooks/stripe": lambda w, p, v: Request(
        "/v1/webhooks/stripe",
        {"type": "payment_intent.succeeded", "data": {"object": {"id": _v(v, "payment")}}},
        headers={"stripe-signature": "t=1,v1=00"},
    ),
    # --- the customer API: the caller's session, the victim's ids.
    "GET /v1/me": lambda w, p, v: Request("/v1/me"),
    "GET /v1/me/activity": lambda w, p, v: Request("/v1/me/activity"),
    "GET /v1/me/autopay": lambda w, p, v: Request(
        f"/v1/me/autopay?payment_method_id={_v(v, 'method', 'pm_none')}"
    ),
    "PUT /v1/me/autopay": lambda w, p, v: Request(
        "/v1/me/autopay",
        {"enabled": True, "payment_method_id": _v(v, "method", "pm_none"), "accept_terms": True},
    ),
    "POST /v1/me/credits": lambda w, p, v: Request(
        "/v1/me/credits",
        {"amount": 5000, "payment_method_id": _v(v, "method", "pm_none")},
        headers=_key(),
    ),
    "GET /v1/me/documents": lambda w, p, v: Request("/v1/me/documents"),
    "GET /v1/me/documents/{document_id}": lambda w, p, v: Request(
        f"/v1/me/documents/{_v(v, 'document')}"
    ),
    "GET /v1/me/estimates": lambda w, p, v: Request("/v1/me/estimates"),
    "GET /v1/me/estimates/{estimate_id}": lambda w, p, v: Request(
        f"/v1/me/estimates/{_v(v, 'estimate')}"
    ),
    "POST /v1/me/estimates/{estimate_id}/accept": lambda w, p, v: Request(
        f"/v1/me/estimates/{_v(v, 'estimate')}/accept",
        {"signature_name": "Mallory", "accept_terms": True},
    ),
    "POST /v1/me/estimates/{estimate_id}/change-request": lambda w, p, v: Request(
        f"/v1/me/estimates/{_v(v, 'estimate')}/change-request", {"message": "Cheaper, please."}
    ),
    "POST /v1/me/estimates/{estimate_id}/decline": lambda w, p, v: Request(
        f"/v1/me/estimates/{_v(v, 'estimate')}/decline", {"reason": "No."}
    ),
    "POST /v1/me/estimates/{estimate_id}/deposit": lambda w, p, v: Request(
        f"/v1/me/estimates/{_v(v, 'estimate')}/deposit",
        {"payment_method_id": _own_method(p)},
        headers=_key(),
    ),
    "GET /v1/me/invoices": lambda w, p, v: Request("/v1/me/invoices"),
    "GET /v1/me/invoices/{invoice_id}": lambda w, p, v: Request(
        f"/v1/me/invoices/{_v(v, 'invoice_open')}"
    ),
    "PUT /v1/me/invoices/{invoice_id}/autopay-hold": lambda w, p, v: Request(
        f"/v1/me/invoices/{_v(v, 'invoice_open')}/autopay-hold", {"held": True}
    ),
    "GET /v1/me/invoices/{invoice_id}/pdf": lambda w, p, v: Request(
        f"/v1/me/invoices/{_v(v, 'invoice_paid')}/pdf"
    ),
    "GET /v1/me/payment-methods": lambda w, p, v: Request("/v1/me/payment-methods"),
    "POST /v1/me/payment-methods": lambda w, p, v: Request(
        "/v1/me/payment-methods", {"setup_intent_id": _v(v, "setup_intent", "seti_none")}
    ),
    "POST /v1/me/payment-methods/setup": lambda w, p, v: Request(
        "/v1/me/payment-methods/setup", {"type": "card"}
    ),
    "DELETE /v1/me/payment-methods/{method_id}": lambda w, p, v: Request(
        f"/v1/me/payment-methods/{_v(v, 'method', 'pm_none')}"
    ),
    "PUT /v1/me/payment-methods/{method_id}/default": lambda w, p, v: Request(
        f"/v1/me/payment-methods/{_v(v, 'method', 'pm_none')}/default"
    ),
    "GET /v1/me/payments": lambda w, p, v: Request("/v1/me/payments"),
    "POST /v1/me/payments": lambda w, p, v: Request(
        "/v1/me/payments",
        {"payment_method_id": _own_method(p), "invoice_ids": [_v(v, "invoice_open")]},
        headers=_key(),
    ),
    "GET /v1/me/payments/{payment_id}/receipt": lambda w, p, v: Request(
        f"/v1/me/payments/{_v(v, 'payment', 'pay_none')}/receipt"
    ),
    "GET /v1/me/preferences": lambda w, p, v: Request("/v1/me/preferences"),
    "PUT /v1/me/preferences": lambda w, p, v: Request(
        "/v1/me/preferences", {"marketing": {"email": True}}
    ),
    "GET /v1/me/profile": lambda w, p, v: Request("/v1/me/profile"),
    "PATCH /v1/me/profile": lambda w, p, v: Request(
        # Another customer's email in the caller's business must be refused; any other
        # change is the caller's own.
        "/v1/me/profile",
        {"email": v.email} if _same_business(p, v) else {"contact_name": "Mallory"},
    ),
    "POST /v1/me/reviews": lambda w, p, v: Request(
        "/v1/me/reviews", {"rating": 5, "comment": "Great"}
    ),
    "GET /v1/me/statement": lambda w, p, v: Request("/v1/me/statement"),
    "GET /v1/me/visits": lambda w, p, v: Request("/v1/me/visits"),
    "GET /v1/me/visits/{visit_id}": lambda w, p, v: Request(f"/v1/me/visits/{_v(v, 'visit')}"),
    "GET /v1/me/visits/{visit_id}/photos/{photo_id}": lambda w, p, v: Request(
        f"/v1/me/visits/{_v(v, 'visit')}/photos/{_v(v, 'photo')}"
    ),
    "GET /v1/me/work-requests": lambda w, p, v: Request("/v1/me/work-requests"),
    "POST /v1/me/work-requests": lambda w, p, v: Request(
        "/v1/me/work-requests",
        {
            "service": "Repair",
            "description": "Please come.",
            "photo_ids": [_v(v, "request_photo", "wrp_none")],
        },
        headers=_key(),
    ),
    "POST /v1/me/work-requests/photos": lambda w, p, v: Request(
        "/v1/me/work-requests/photos", {"content_type": "image/jpeg", "size": 100}
    ),
}


def _own_email(w: World, p: Principal) -> str:
    if p.holder is not None:
        return p.holder.email
    return w.records_of(p.business.business_id).staff_email


def _own_method(p: Principal) -> str:
    return p.holder.ids["method"] if p.holder is not None else "pm_none"


def _same_business(p: Principal, v: Holder) -> bool:
    return p.business.business_id == v.business.business_id


# --- the oracle ------------------------------------------------------------------------


def stored_about(marker: str) -> dict[str, str]:
    """Every DynamoDB item and S3 object that mentions `marker`, by key. Read from moto's
    backends directly: a Scan through the API costs a second per call on a busy machine."""
    table_name = current_services().settings.table_name
    dynamodb = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]
    found: dict[str, str] = {}
    for item in dynamodb.get_table(table_name).all_items():
        text = json.dumps(item.to_json(), sort_keys=True)
        if marker in text:
            found[text[:200]] = text
    for bucket in s3_backends[DEFAULT_ACCOUNT_ID][S3_PARTITION].buckets.values():
        for key in list(bucket.keys.keys()):
            if marker in key:
                found[f"s3://{bucket.name}/{key}"] = bucket.keys[key].etag
    return found


def victim_marker(p: Principal, v: Holder) -> str:
    """What every stored item of the victim's carries: the whole other business's id, or
    the other customer's id within the caller's business."""
    return v.customer_id if _same_business(p, v) else v.business.business_id


def victim_secrets(w: World, p: Principal, v: Holder) -> set[str]:
    """The victim's values; for another business, all of its customers' and staff's, less the
    ids its CRM chose (customer, invoice, visit and estimate ids), which the caller's business
    may use too: the generators do, with `PUT /v1/admin/customers/{the victim's id}`."""
    if _same_business(p, v):
        return v.secrets()
    secrets = w.records_of(v.business.business_id).secrets()
    for holder in w.holders_in(v.business.business_id):
        secrets |= holder.secrets() - holder.crm_ids()
    return secrets


def leaked(body: bytes, secrets: set[str], request: Request) -> set[str]:
    """The victim's values in an answer, except those the request itself named."""
    text = body.decode("utf-8", "replace")
    named = request.path + json.dumps(request.body)
    return {s for s in secrets if s in text and s not in named}


def send(p: Principal, request: Request, method: str) -> Any:
    headers = {**request.headers, **(p.headers if request.authenticated else {})}
    return call(method, request.path, request.body, headers=headers)


# --- the tests -------------------------------------------------------------------------


def test_every_documented_route_has_a_request_generator():
    missing = set(ROUTES) - set(GENERATORS)
    stale = set(GENERATORS) - set(ROUTES)
    assert not missing, f"routes with no isolation generator: {sorted(missing)}"
    assert not stale, f"generators for routes no longer documented: {sorted(stale)}"


def test_the_oracle_sees_a_read_and_a_change_of_ones_own_records(world: World):
    """The checks below are not vacuous: the same oracle flags a business reading and changing
    its own customer."""
    owner = next(p for p in world.principals if p.kind == "api_key")
    customer = world.holders_in(owner.business.business_id)[0]
    request = Request(f"{A}/customers")
    answer = send(owner, request, "GET")
    assert answer.status == 200
    assert {customer.name, customer.email} <= leaked(answer.body, customer.secrets(), request)

    before = stored_about(customer.customer_id)
    note = {"invoices": {"email": False}}
    path = f"{A}/customers/{customer.customer_id}/preferences"
    assert send(owner, Request(path, note), "PUT").status == 200
    assert stored_about(customer.customer_id) != before


@pytest.mark.parametrize("route", ROUTES)
def test_no_principal_reads_or_changes_another_principals_records(world: World, route: str):
    method, _, _ = route.partition(" ")
    generator = GENERATORS.get(route)
    assert generator is not None, f"no isolation generator for {route}"
    kinds = sorted({p.kind for p in world.principals})

    def attempt(data: st.DataObject) -> None:
        # Every kind of caller in every example; Hypothesis picks which one and its victim.
        for kind in kinds:
            callers = [p for p in world.principals if p.kind == kind]
            principal = data.draw(st.sampled_from(callers))
            victim = data.draw(st.sampled_from(world.victims_of(principal)))
            check(world, route, method, generator, principal, victim)

    run = PROFILE(given(st.data())(attempt))
    if not LONG_RUN:
        run = seed(zlib.crc32(route.encode()))(run)
    run()


def check(
    world: World,
    route: str,
    method: str,
    generator: Generator,
    principal: Principal,
    victim: Holder,
) -> None:
    request = generator(world, principal, victim)
    marker = victim_marker(principal, victim)
    before = stored_about(marker)

    answer = send(principal, request, method)

    context = f"{principal.name} -> {victim.tag}: {method} {request.path}"
    assert answer.status < 500, f"{context}: {answer.status} {answer.body[:300]!r}"
    shown = leaked(answer.body, victim_secrets(world, principal, victim), request)
    assert not shown, f"{context} answered {answer.status} with {sorted(shown)}"
    after = stored_about(marker)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert not changed, f"{context} answered {answer.status} and changed {sorted(changed)}"
