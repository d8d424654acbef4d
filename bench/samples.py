"""The requests the bench makes: one or more cases per route of the template, built against
the bench's business.

Reads rotate over the business's records. Writes update existing records in rotation with
a body varied by a sequence number, so every timed PUT is a real change (an unchanged CRM
record is a cheap no-op that would flatter the figures) and the table does not grow under
the clock. Whatever a request spends (a link, a refresh token, a customer without a login,
an invoice to pay, a confirmed SetupIntent, a method to delete, a settled bank debit, an
uploaded photo for a work request, a photo, document or logo to remove) is made when the
request is built, off the clock. What can only happen once to a record (an estimate's
decision, its deposit, the day's review, AutoPay turned on, a channel the business turns
off) is timed against the table as the world built it, put back after each request
(`fresh_table`). Payments, credit and deposits are real charges at the fake Stripe, each
with a new Idempotency-Key. Admin routes carry the business's API key;
customer routes (/v1/me...) the signed-in customer's access token; the Stripe webhook
Stripe's signature; other public routes nothing. A GET nobody described here is still
called when its path parameters are known.
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.world import (
    METHODS,
    PHOTO,
    World,
    customer_body,
    estimate_body,
    invoice_body,
    logo_png,
    visit_body,
)
from portico.identity.tokens import LinkPurpose
from portico.services import api_keys
from portico_local.gateway import HttpResult
from portico_local.template import Route

READ_METHODS = frozenset({"GET", "HEAD"})
CUSTOMER_PREFIX = "/v1/me"


@dataclass(frozen=True)
class Sample:
    """A request ready for `Gateway.request`."""

    path: str
    body: str | None = None
    bearer: str | None = None  # an admin API key or an access token
    source_ip: str = "127.0.0.1"
    after: Callable[[HttpResult], None] | None = None  # sees the answer, off the clock
    extra: dict[str, str] = field(default_factory=dict)  # e.g. idempotency-key

    def headers(self) -> dict[str, str]:
        headers = {"content-type": "application/json", "user-agent": "portico-bench"}
        if self.bearer:
            headers["authorization"] = f"Bearer {self.bearer}"
        return {**headers, **self.extra}


Maker = Callable[[World, int], Sample]
Body = Callable[[World, str, int], dict[str, Any]]
_sequence = itertools.count(1_000)  # above the populated records' numbers: no collisions


def next_n() -> int:
    """A number never used before in this run, for unique values and real changes."""
    return next(_sequence)


@dataclass(frozen=True)
class Case:
    """One way of calling a route, and how to judge it."""

    route: Route
    maker: Maker | None  # None: the bench cannot call this route yet (SKIP)
    variant: str = ""  # told apart in the report, e.g. "?format=pdf"
    expect: int | None = None  # a non-2xx answer that is what this case is about
    why: str = ""  # why that answer is expected, for the report
    argon2: bool = False  # includes an Argon2id hash or verification, by design
    documented: str = ""  # what docs/data-model.md says the calls are, when not 1
    # Each request against the table as the world built it (restored after each one, off
    # the clock), for requests that add to it and would otherwise change what the next
    # one costs (payments, saved methods, credit).
    fresh_table: bool = False
    # DESIGN 5: one TransactWriteItems per state change, plus the idempotency record. A
    # payment is two state changes (pending, holding its invoices before Stripe is called;
    # then settled); Powertools writes its idempotency record twice (in progress, done).
    state_changes: int = 1
    idempotency_writes: int = 0

    @property
    def label(self) -> str:
        key = self.route.route_key
        return f"{key} {self.variant}" if self.variant else key

    @property
    def read(self) -> bool:
        """GETs read; every POST, PUT and DELETE changes state (a session, a link, a
        queued email), so it is judged as a write."""
        return self.route.method in READ_METHODS

    @property
    def customer(self) -> bool:
        return self.route.path == CUSTOMER_PREFIX or self.route.path.startswith(
            CUSTOMER_PREFIX + "/"
        )

    @property
    def page_view(self) -> bool:
        """A portal page the customer views: DESIGN 5's one DynamoDB request applies."""
        return self.customer and self.read

    def ok(self, status: int | None) -> bool:
        """The answer this case is meant to get."""
        if status is None:
            return False
        return status == self.expect if self.expect else 200 <= status < 300


def _ids(world: World, n: int) -> dict[str, str]:
    mine = world.customer_invoice_ids
    return {
        "slug": world.slug,
        "customer_id": world.customer_ids[n % len(world.customer_ids)],
        "invoice_id": world.invoice_ids[n % len(world.invoice_ids)],
        "visit_id": world.visit_ids[n % len(world.visit_ids)],
        "estimate_id": world.estimate_ids[n % len(world.estimate_ids)],
        "my_invoice_id": mine[n % len(mine)],
        "run_id": world.run_id,
    }


def _plain(path: str, authorized: bool = True) -> Maker:
    def make(world: World, n: int) -> Sample:
        return Sample(
            path.format(n=n, **_ids(world, n)), None, world.api_key if authorized else None
        )

    return make


def _mine(path: str) -> Maker:
    """A customer page: the signed-in customer's own records, with their access token."""

    def make(world: World, n: int) -> Sample:
        ids = _ids(world, n)
        ids["invoice_id"] = ids["my_invoice_id"]
        # The customer's own visit (the one with a photo), estimate and document: another
        # customer's would be 404.
        ids["visit_id"] = world.photo_visit_id
        ids["photo_id"] = world.photo_id
        ids["estimate_id"] = world.estimate_id
        ids["document_id"] = world.document_id
        return Sample(path.format(n=n, **ids), None, world.access_token())

    return make


def _put(path: str, id_name: str, body: Body) -> Maker:
    def make(world: World, n: int) -> Sample:
        record_id = _ids(world, n)[id_name]
        payload = body(world, record_id, n)
        return Sample(path.format(**{id_name: record_id}), json.dumps(payload), world.api_key)

    return make


def _post(path: str, body: Callable[[World, int], dict[str, Any]], authorized: bool) -> Maker:
    def make(world: World, n: int) -> Sample:
        return Sample(
            path.format(n=n, **_ids(world, n)),
            json.dumps(body(world, n)),
            world.api_key if authorized else None,
        )

    return make


def _revoke(world: World, n: int) -> Sample:
    # A fresh key per request: revoking a revoked key is a no-op, and the last active key
    # cannot be revoked. Issued here, off the clock.
    issued = api_keys.issue_key(world.svc, world.business_id, f"bench {n}")
    return Sample(f"/v1/admin/api-keys/{issued.key.key_id}", None, world.api_key)


# --- the auth function's public POSTs ------------------------------------------------------


def _login(world: World, n: int) -> Sample:
    body = {"email": world.customer_email, "password": world.password}
    return Sample(f"/v1/portals/{world.slug}/login", json.dumps(body))


def _login_unknown(world: World, n: int) -> Sample:
    # A new email and a new address each time: no throttle window ever fills (5 failures
    # per account, 50 per address), so every request is the plain 401 path.
    body = {"email": f"nobody{n}@example.com", "password": "not the password"}
    ip = f"198.18.{n // 250 % 250}.{n % 250 + 1}"
    return Sample(f"/v1/portals/{world.slug}/login", json.dumps(body), source_ip=ip)


def _staff_login(world: World, n: int) -> Sample:
    body = {"email": world.staff_email, "password": world.password}
    return Sample(f"/v1/portals/{world.slug}/staff-login", json.dumps(body))


def _link_request(action: str) -> Maker:
    def make(world: World, n: int) -> Sample:
        body = {"email": world.customer_email, "language": "en"}
        return Sample(f"/v1/portals/{world.slug}/{action}", json.dumps(body))

    return make


def _accept(world: World, n: int) -> Sample:
    # A create-login link works once, and only for a customer without a login: a new
    # customer per request, synced and invited here, off the clock.
    customer_id = f"signup-{n}"
    world.add_customer(customer_id, n)
    token = world.link(LinkPurpose.CREATE_LOGIN, customer_id)
    return Sample("/v1/auth/accept", json.dumps({"token": token, "password": world.password}))


def _reset(world: World, n: int) -> Sample:
    # The same passphrase again, for the customer kept for resets.
    token = world.link(LinkPurpose.RESET_PASSWORD, world.reset_customer_id)
    return Sample("/v1/auth/reset", json.dumps({"token": token, "password": world.password}))


def _magic(world: World, n: int) -> Sample:
    token = world.link(LinkPurpose.MAGIC_LINK, world.customer_id)
    return Sample("/v1/auth/magic", json.dumps({"token": token}))


def _resend(world: World, n: int) -> Sample:
    # Any token will do: the mailer decides; the route only queues the request.
    token = world.link(LinkPurpose.MAGIC_LINK, world.customer_id)
    return Sample("/v1/auth/resend-link", json.dumps({"token": token}))


REFRESH_COOKIE = "portico_refresh"


def _refresh(world: World, n: int) -> Sample:
    # A refresh token works once (a second use ends the session): each request spends the
    # one the previous answer set, starting from a session made here.
    if world.refresh_chain is None:
        world.refresh_chain = world.fresh_session().refresh_token

    def keep(answer: HttpResult) -> None:
        world.refresh_chain = next(
            (
                cookie.split("=", 1)[1].split(";", 1)[0]
                for cookie in answer.cookies
                if cookie.startswith(REFRESH_COOKIE + "=")
            ),
            None,
        )

    body = json.dumps({"refresh_token": world.refresh_chain})
    return Sample("/v1/auth/refresh", body, after=keep)


def _logout(world: World, n: int) -> Sample:
    # Signing out a session that has already ended makes the same requests (the token's
    # GetItem, the session's UpdateItem), so one session serves every request of a run.
    if world.logout_token is None:
        world.logout_token = world.fresh_session().refresh_token
    return Sample("/v1/auth/logout", json.dumps({"refresh_token": world.logout_token}))


def _new_staff(world: World, n: int) -> dict[str, Any]:
    return {"name": f"Staff {n}", "email": f"staff{n}@example.com"}


def _not_signed_up(world: World, n: int) -> str:
    """A customer without a login, for invites (rotating)."""
    others = [
        c for c in world.customer_ids if c not in (world.customer_id, world.reset_customer_id)
    ]
    return others[n % len(others)]


def _portal_user(action: str) -> Maker:
    def make(world: World, n: int) -> Sample:
        customer_id = _not_signed_up(world, n)
        return Sample(f"/v1/admin/portal-users/{customer_id}/{action}", None, world.api_key)

    return make


# --- the customer's wallet and payments, against the fake Stripe ---------------------------


def _setup(world: World, n: int) -> Sample:
    return Sample(f"{METHODS}/setup", json.dumps({"type": "card"}), world.access_token())


def _save(world: World, n: int) -> Sample:
    # A SetupIntent started and confirmed "in the browser" per request, off the clock: saving
    # a saved one again is a cheap 200.
    setup_intent_id = world.confirmed_setup("pm_card_mastercard")
    body = json.dumps({"setup_intent_id": setup_intent_id})
    return Sample(METHODS, body, world.access_token(), after=_status(201))


def _delete(world: World, n: int) -> Sample:
    # A method saved per request, off the clock, is the one deleted: never the world's.
    method_id = world.save_method("pm_card_mastercard")
    return Sample(f"{METHODS}/{method_id}", None, world.access_token())


def _make_default(world: World, n: int) -> Sample:
    # Whichever saved method is not the default now (the card and the bank account take
    # turns), so every request is a real change.
    methods = world.svc.wallets.methods(world.business_id, world.customer_id)
    other = next(m.payment_method_id for m in methods if not m.is_default)
    return Sample(f"{METHODS}/{other}/default", None, world.access_token())


def _status(expected: int) -> Callable[[HttpResult], None]:
    def check(answer: HttpResult) -> None:
        if 200 <= answer.status < 300 and answer.status != expected:
            raise RuntimeError(f"expected {expected}, got {answer.status}: {answer.body!r}")

    return check


def _charged(world: World, what: str) -> Callable[[HttpResult], None]:
    """Check that a 200 from a payment route was a real charge at the fake Stripe: status
    `succeeded`, money taken, and one more succeeded charge on the business's account. (A
    non-2xx answer is reported by the bench as such.)"""
    before = _charges_succeeded(world)

    def check(answer: HttpResult) -> None:
        if answer.status != 200:
            return
        paid = answer.json()
        charges = _charges_succeeded(world)
        if paid["status"] != "succeeded" or paid["amount"] <= 0 or charges != before + 1:
            raise RuntimeError(
                f"{what} was not charged at the fake Stripe ({charges - before} charges): {paid}"
            )

    return check


def _charges_succeeded(world: World) -> int:
    return int(world.stripe.stats()["accounts"][world.stripe_account]["charges_succeeded"])


def _idempotency_key() -> dict[str, str]:
    return {"idempotency-key": str(uuid.uuid4())}


def _pay(world: World, n: int) -> Sample:
    # A new invoice per request (off the clock) with a new key: every request is a payment
    # charged with the saved Visa, never a replay of a stored result.
    body = {"invoice_ids": [world.new_invoice(n)], "payment_method_id": world.card_id}
    return Sample(
        "/v1/me/payments",
        json.dumps(body),
        world.access_token(),
        after=_charged(world, "the payment"),
        extra=_idempotency_key(),
    )


def _credit(world: World, n: int) -> Sample:
    body = {"amount": 2500 + n % 100, "payment_method_id": world.card_id}
    return Sample(
        "/v1/me/credits",
        json.dumps(body),
        world.access_token(),
        after=_charged(world, "the credit"),
        extra=_idempotency_key(),
    )


def _webhook(world: World, n: int) -> Sample:
    # A bank debit paid and settled at the fake Stripe off the clock; its
    # `payment_intent.succeeded` (a new event id each time) settles the payment.
    payload, signature = world.signed(world.settled_bank_debit(n))

    def processed(answer: HttpResult) -> None:
        if answer.status == 200 and answer.json().get("outcome") != "processed":
            raise RuntimeError(f"the webhook was not processed: {answer.body!r}")

    return Sample(
        "/v1/webhooks/stripe", payload, after=processed, extra={"stripe-signature": signature}
    )


# --- the customer's account, service history, estimates and AutoPay ------------------------


def _customer(
    path: str, body: Callable[[World, int], dict[str, Any]], expect: int | None = None
) -> Maker:
    """A change the signed-in customer makes, with their access token."""

    def make(world: World, n: int) -> Sample:
        return Sample(
            path,
            json.dumps(body(world, n)),
            world.access_token(),
            after=_status(expect) if expect else None,
        )

    return make


def _autopay_on(world: World, n: int) -> dict[str, Any]:
    # The customer's opt-in with the card and the terms (the world has AutoPay off).
    return {"enabled": True, "payment_method_id": world.card_id, "accept_terms": True}


def _hold(world: World, n: int) -> Sample:
    # Held, then released, in turn: each request is a real change of the invoice.
    invoice = world.svc.autopay.invoice(world.business_id, world.customer_id, world.hold_invoice_id)
    if invoice is None:
        raise RuntimeError(f"the world's invoice {world.hold_invoice_id} is gone")
    body = json.dumps({"held": not invoice.autopay_hold})
    path = f"/v1/me/invoices/{world.hold_invoice_id}/autopay-hold"
    return Sample(path, body, world.access_token())


def _marketing_toggle(world: World, n: int) -> dict[str, Any]:
    # Marketing email on, then off, in turn: a change that changes nothing writes nothing.
    found = world.svc.profiles.settings(world.business_id, world.customer_id)
    if found is None:
        raise RuntimeError("the world's customer has no profile")
    return {"marketing": {"email": not found.preferences.marketing.email}}


def _profile_change(world: World, n: int) -> dict[str, Any]:
    return {"contact_name": f"Pat Customer {n}", "phone": f"+1 512 555 {n % 10000:04d}"}


def _review(world: World, n: int) -> dict[str, Any]:
    return {"rating": 4 + n % 2, "comment": f"Great service ({n})."}


def _change_message(n: int) -> dict[str, Any]:
    return {"message": f"Could the pump be a variable-speed one? ({n})"}


def _decision(
    action: str, name: str, body: Callable[[int], dict[str, Any]], expect: int = 200
) -> Maker:
    """A decision on the world's estimate kept for it (the table is put back after each)."""

    def make(world: World, n: int) -> Sample:
        estimate_id = world.decision_estimates[name]
        return Sample(
            f"/v1/me/estimates/{estimate_id}/{action}",
            json.dumps(body(n)),
            world.access_token(),
            after=_status(expect),
        )

    return make


def _deposit(world: World, n: int) -> Sample:
    # The accepted estimate's deposit with the saved Visa and a new Idempotency-Key: a real
    # charge each time (the table, deposit unpaid, is put back after each).
    estimate_id = world.decision_estimates["deposit"]
    return Sample(
        f"/v1/me/estimates/{estimate_id}/deposit",
        json.dumps({"payment_method_id": world.card_id}),
        world.access_token(),
        after=_charged(world, "the deposit"),
        extra=_idempotency_key(),
    )


def _work_request(world: World, n: int) -> Sample:
    # A photo asked for and uploaded off the clock, then a new request (new key) naming it.
    body = {
        "service": "Filter repair",
        "description": f"The filter pressure is high ({n}).",
        "preferred_dates": ["2026-05-07", "2026-05-08"],
        "photo_ids": [world.work_request_photo()],
    }
    return Sample(
        "/v1/me/work-requests",
        json.dumps(body),
        world.access_token(),
        after=_status(201),
        extra=_idempotency_key(),
    )


# --- the admin API's files, preferences, logo and work requests ----------------------------


def _admin(path: str, body: Callable[[World, int], dict[str, Any]], expect: int = 200) -> Maker:
    """A change the business makes with its API key; `path` may name `{customer_id}`,
    `{visit_id}` (rotating) or `{work_request_id}`."""

    def make(world: World, n: int) -> Sample:
        ids = {**_ids(world, n), "work_request_id": world.work_request_id}
        return Sample(
            path.format(**ids), json.dumps(body(world, n)), world.api_key, after=_status(expect)
        )

    return make


def _document_upload(world: World, n: int) -> dict[str, Any]:
    return {"title": f"Invoice copy {n}", "content_type": "application/pdf", "size": 48_000}


def _photo_upload(world: World, n: int) -> dict[str, Any]:
    return {"kind": "before", "content_type": "image/jpeg", "size": len(PHOTO)}


def _delete_document(world: World, n: int) -> Sample:
    # A document shared and uploaded per request, off the clock, is the one deleted.
    customer_id = world.customer_ids[n % len(world.customer_ids)]
    document_id = world.document(customer_id, n)
    path = f"/v1/admin/customers/{customer_id}/documents/{document_id}"
    return Sample(path, None, world.api_key, after=_status(204))


def _delete_photo(world: World, n: int) -> Sample:
    # A photo added and uploaded per request, off the clock, is the one removed (from a
    # visit of another customer, so the customer's pages stay as they are).
    visit_id = world.visit_ids[-1]
    photo_id = world.visit_photo(visit_id, n)
    return Sample(f"/v1/admin/visits/{visit_id}/photos/{photo_id}", None, world.api_key)


def _delete_logo(world: World, n: int) -> Sample:
    # A logo uploaded per request, off the clock, is the one removed: the portal has none
    # before and after, as `GET /v1/portals/{slug}/logo (no logo)` expects.
    world.as_business("PUT", "/v1/admin/portal/logo", _logo(world, n))
    return Sample("/v1/admin/portal/logo", None, world.api_key)


def _logo(world: World, n: int) -> dict[str, Any]:
    return {"content_type": "image/png", "data": logo_png(n)}


SAMPLES: dict[str, Maker] = {
    "GET /v1/portals/{slug}": _plain("/v1/portals/{slug}", authorized=False),
    "GET /v1/admin/portal": _plain("/v1/admin/portal"),
    "PUT /v1/admin/portal": lambda world, n: Sample(
        "/v1/admin/portal",
        json.dumps({"branding": {"primary_color": f"#{n % 0xFFFFFF:06x}"}}),
        world.api_key,
    ),
    "GET /v1/admin/portal/slug-availability": _plain(
        "/v1/admin/portal/slug-availability?slug=sparkling-pools-{n}"
    ),
    "GET /v1/admin/api-keys": _plain("/v1/admin/api-keys"),
    "POST /v1/admin/api-keys": _plain("/v1/admin/api-keys?label=bench"),
    "DELETE /v1/admin/api-keys/{key_id}": _revoke,
    "PUT /v1/admin/customers/{customer_id}": _put(
        "/v1/admin/customers/{customer_id}",
        "customer_id",
        lambda w, c, n: customer_body(n, email=w.emails[c]),
    ),
    "GET /v1/admin/customers/{customer_id}": _plain("/v1/admin/customers/{customer_id}"),
    "GET /v1/admin/customers": _plain("/v1/admin/customers?limit=50"),
    "PUT /v1/admin/invoices/{invoice_id}": _put(
        "/v1/admin/invoices/{invoice_id}",
        "invoice_id",
        lambda w, i, n: invoice_body(w.owners[i], n),
    ),
    "GET /v1/admin/invoices/{invoice_id}": _plain("/v1/admin/invoices/{invoice_id}"),
    "GET /v1/admin/invoices": _plain("/v1/admin/invoices?limit=50"),
    "PUT /v1/admin/visits/{visit_id}": _put(
        "/v1/admin/visits/{visit_id}", "visit_id", lambda w, i, n: visit_body(w.owners[i], n)
    ),
    "GET /v1/admin/visits/{visit_id}": _plain("/v1/admin/visits/{visit_id}"),
    "GET /v1/admin/visits": _plain("/v1/admin/visits?limit=50"),
    "PUT /v1/admin/estimates/{estimate_id}": _put(
        "/v1/admin/estimates/{estimate_id}",
        "estimate_id",
        lambda w, i, n: estimate_body(w.owners[i], n),
    ),
    "GET /v1/admin/estimates/{estimate_id}": _plain("/v1/admin/estimates/{estimate_id}"),
    "GET /v1/admin/estimates": _plain("/v1/admin/estimates?limit=50"),
    # The invites API: each only queues an email job.
    "POST /v1/admin/portal/preview-invite": _post(
        "/v1/admin/portal/preview-invite",
        lambda w, n: {"to_email": "office@example.com", "template": "with_payment_method"},
        authorized=True,
    ),
    "POST /v1/admin/invites": _post(
        "/v1/admin/invites",
        lambda w, n: {"customer_ids": [_not_signed_up(w, n), _not_signed_up(w, n + 1)]},
        authorized=True,
    ),
    "POST /v1/admin/portal-users/{customer_id}/resend-invite": _portal_user("resend-invite"),
    "POST /v1/admin/portal-users/{customer_id}/password-reset": _portal_user("password-reset"),
    "POST /v1/admin/staff": _post("/v1/admin/staff", _new_staff, authorized=True),
    # The auth function's public routes.
    "POST /v1/portals/{slug}/signup": _link_request("signup"),
    "POST /v1/portals/{slug}/magic-link": _link_request("magic-link"),
    "POST /v1/portals/{slug}/forgot-password": _link_request("forgot-password"),
    "POST /v1/auth/magic": _magic,
    "POST /v1/auth/resend-link": _resend,
    "POST /v1/auth/refresh": _refresh,
    "POST /v1/auth/logout": _logout,
    # The customer's pages.
    "GET /v1/me": _mine("/v1/me"),
    "GET /v1/me/invoices": _mine("/v1/me/invoices"),
    "GET /v1/me/invoices/{invoice_id}": _mine("/v1/me/invoices/{invoice_id}"),
    "GET /v1/me/invoices/{invoice_id}/pdf": _mine("/v1/me/invoices/{invoice_id}/pdf"),
    "GET /v1/me/payments": _mine("/v1/me/payments"),
    "POST /v1/me/payment-methods/setup": _setup,
    "DELETE /v1/me/payment-methods/{method_id}": _delete,
    "PUT /v1/me/payment-methods/{method_id}/default": _make_default,
    "PUT /v1/me/invoices/{invoice_id}/autopay-hold": _hold,
    "PUT /v1/me/preferences": _customer("/v1/me/preferences", _marketing_toggle),
    "PATCH /v1/me/profile": _customer("/v1/me/profile", _profile_change),
    "GET /v1/me/visits/{visit_id}/photos/{photo_id}": _mine(
        "/v1/me/visits/{visit_id}/photos/{photo_id}"
    ),
    "GET /v1/me/documents/{document_id}": _mine("/v1/me/documents/{document_id}"),
    "POST /v1/me/work-requests/photos": _customer(
        "/v1/me/work-requests/photos",
        lambda w, n: {"content_type": "image/jpeg", "size": 1_000 + n},
        expect=201,
    ),
    "POST /v1/me/work-requests": _work_request,
    # The admin API's files, preferences, logo, AutoPay runs and work requests.
    "POST /v1/admin/customers/{customer_id}/documents": _admin(
        "/v1/admin/customers/{customer_id}/documents", _document_upload, expect=201
    ),
    "DELETE /v1/admin/customers/{customer_id}/documents/{document_id}": _delete_document,
    # The customer the world shared a document with: an empty list also reads the customer.
    "GET /v1/admin/customers/{customer_id}/documents": lambda world, n: Sample(
        f"/v1/admin/customers/{world.customer_id}/documents", None, world.api_key
    ),
    "POST /v1/admin/visits/{visit_id}/photos": _admin(
        "/v1/admin/visits/{visit_id}/photos", _photo_upload, expect=201
    ),
    "DELETE /v1/admin/visits/{visit_id}/photos/{photo_id}": _delete_photo,
    "DELETE /v1/admin/portal/logo": _delete_logo,
    "PATCH /v1/admin/work-requests/{work_request_id}": _admin(
        "/v1/admin/work-requests/{work_request_id}",
        lambda w, n: {"status": "in_review", "note": f"We will call you today ({n})."},
    ),
}


def _cases(route: Route) -> list[Case] | None:
    """Routes with more than one case, or judged unlike the rest."""
    key = route.route_key
    if key == "POST /v1/portals/{slug}/login":
        return [
            Case(route, _login, argon2=True),
            Case(
                route,
                _login_unknown,
                variant="(unknown email)",
                expect=401,
                why="the same Argon2id work and requests as a known email, by design",
                argon2=True,
            ),
        ]
    if key == "POST /v1/portals/{slug}/staff-login":
        return [Case(route, _staff_login, argon2=True)]
    if key == "POST /v1/auth/accept":
        return [Case(route, _accept, argon2=True)]
    if key == "POST /v1/auth/reset":
        return [Case(route, _reset, argon2=True)]
    if key == "GET /v1/me/statement":
        # This year so far, so the customer's invoices are in it (the default is 90 days).
        path = "/v1/me/statement?from=2026-01-01&to=2026-04-30"
        return [
            Case(route, _mine(path)),
            Case(route, _mine(path + "&format=csv"), variant="?format=csv"),
            Case(
                route,
                _mine(path + "&format=pdf"),
                variant="?format=pdf",
                documented="Query + BatchGetItem (docs/data-model.md #26)",
            ),
        ]
    if key == "GET /v1/me/payments/{payment_id}/receipt":
        # The payment the world made with the card.
        return [
            Case(
                route,
                lambda world, n: Sample(
                    f"/v1/me/payments/{world.payment_id}/receipt", None, world.access_token()
                ),
            )
        ]
    if key == "POST /v1/me/payment-methods":
        return [Case(route, _save, fresh_table=True)]
    if key == "POST /v1/me/payments":
        return [
            Case(
                route,
                _pay,
                variant="(card, one invoice)",
                fresh_table=True,
                state_changes=2,
                idempotency_writes=2,
            )
        ]
    if key == "POST /v1/me/credits":
        return [
            Case(
                route,
                _credit,
                variant="(card)",
                fresh_table=True,
                state_changes=2,
                idempotency_writes=2,
            )
        ]
    if key == "POST /v1/webhooks/stripe":
        # The event id is the webhook's idempotency record (one PutItem).
        return [
            Case(
                route,
                _webhook,
                variant="(payment_intent.succeeded: a bank debit settles)",
                fresh_table=True,
                idempotency_writes=1,
            )
        ]
    if key == "PUT /v1/me/autopay":
        # Turned on (the world has it off): each request is the customer's opt-in.
        return [Case(route, _customer("/v1/me/autopay", _autopay_on), fresh_table=True)]
    if key == "POST /v1/me/reviews":
        # A customer rates once a day; each request is the day's first.
        maker = _customer("/v1/me/reviews", _review, expect=201)
        return [Case(route, maker, fresh_table=True)]
    if key == "POST /v1/me/estimates/{estimate_id}/accept":
        # A decision is made once; each request decides the undecided estimate.
        maker = _decision("accept", "accept", lambda n: {"signature_name": f"Customer {n}"})
        return [Case(route, maker, fresh_table=True)]
    if key == "POST /v1/me/estimates/{estimate_id}/decline":
        maker = _decision("decline", "decline", lambda n: {"reason": f"Too expensive ({n})."})
        return [Case(route, maker, fresh_table=True)]
    if key == "POST /v1/me/estimates/{estimate_id}/change-request":
        # At most a few change requests an estimate: each request is the estimate's first.
        maker = _decision("change-request", "change", _change_message, expect=201)
        return [Case(route, maker, fresh_table=True)]
    if key == "POST /v1/me/estimates/{estimate_id}/deposit":
        return [Case(route, _deposit, fresh_table=True, state_changes=2, idempotency_writes=2)]
    if key == "PUT /v1/admin/customers/{customer_id}/preferences":
        # The business may only turn a channel off: each request turns one that is on off.
        maker = _admin(
            "/v1/admin/customers/{customer_id}/preferences",
            lambda w, n: {"service_reminders": {"email": False}},
        )
        return [Case(route, maker, fresh_table=True)]
    if key == "PUT /v1/admin/portal/logo":
        # Another image each time; the portal is put back without a logo after each, as
        # `GET /v1/portals/{slug}/logo (no logo)` expects.
        return [Case(route, _admin("/v1/admin/portal/logo", _logo), fresh_table=True)]
    if key == "GET /v1/admin/autopay/runs/{run_id}":
        # The run the world's AutoPay made, with its one charged outcome.
        return [
            Case(
                route,
                _plain("/v1/admin/autopay/runs/{run_id}"),
                documented="GetItem of the run + Query of its outcomes (docs/data-model.md #36)",
            )
        ]
    if key == "GET /v1/admin/work-requests":
        # With the world's work request listed, the customers' names are read too.
        return [
            Case(
                route,
                _plain("/v1/admin/work-requests"),
                documented="Query + BatchGetItem of the customers' names (docs/data-model.md #43)",
            )
        ]
    if key == "GET /v1/portals/{slug}/logo":
        return [
            Case(
                route,
                _plain("/v1/portals/{slug}/logo", authorized=False),
                variant="(no logo)",
                expect=404,
                why="the bench's portal has no logo uploaded",
            )
        ]
    return None


_KNOWN_PARAMETERS = {"slug", "customer_id", "invoice_id", "visit_id", "estimate_id"}


def cases_for(route: Route) -> list[Case]:
    """How to call `route`: its cases, or one without a maker when the bench cannot yet."""
    special = _cases(route)
    if special is not None:
        return special
    if route.route_key in SAMPLES:
        return [Case(route, SAMPLES[route.route_key])]
    names = {part[1:-1] for part in route.path.split("/") if part.startswith("{")}
    if route.method == "GET" and names <= _KNOWN_PARAMETERS:
        if route.path.startswith(CUSTOMER_PREFIX):
            return [Case(route, _mine(route.path))]
        return [Case(route, _plain(route.path, route.authorized))]
    return [Case(route, None)]
