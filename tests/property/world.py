"""The world of the isolation property test: two businesses, their customers, staff and keys,
and records of every kind a route can reach, built through the admin and customer APIs."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from portico.bootstrap import Services
from portico.identity.tokens import LinkPurpose
from portico.services.accounts import issue_link
from portico.services.autopay_run import start_run
from portico_local.fake_stripe import FakeStripe
from tests.functional.test_service_history import upload
from tests.support.api import call, put
from tests.support.factories import TestBusiness, a_business
from tests.support.images import jpeg
from tests.support.payments import add_card, pay
from tests.support.sessions import PASSWORD, bearer, signed_up

ALL_TABS = {
    tab: True
    for tab in (
        "documents",
        "estimates",
        "invoices",
        "payments",
        "reviews",
        "service_history",
        "statement",
        "work_requests",
    )
}


@dataclass
class Holder:
    """One customer and their records. Every value is distinctive, so finding one in an answer
    means the answer carries this customer's data."""

    business: TestBusiness
    tag: str
    number: int
    headers: dict[str, str] | None = None
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def customer_id(self) -> str:
        return f"cust-{self.tag}x"

    @property
    def name(self) -> str:
        return f"Quillon {self.tag.upper()}zeta"

    @property
    def email(self) -> str:
        return f"quillon.{self.tag}@example.com"

    @property
    def phone(self) -> str:
        return f"+1 512 555 77{self.number:02d}"

    def amount(self, kind: int) -> int:
        """A distinctive amount in cents: 7 1{kind} 3{number}7."""
        return 7_000_007 + kind * 100_000 + self.number * 1_000

    def crm_ids(self) -> set[str]:
        """The ids the business's CRM chose, which another business may choose too."""
        crm = {"invoice_open", "invoice_paid", "visit", "estimate"}
        return {self.customer_id} | {v for k, v in self.ids.items() if k in crm}

    def secrets(self) -> set[str]:
        """What may appear only in answers to this customer or their own business."""
        found = {self.customer_id, self.name, self.email, self.phone}
        found |= set(self.ids.values())
        for kind in range(1, 5):
            cents = self.amount(kind)
            found |= {str(cents), f"{cents / 100:.2f}", f"{cents / 100:,.2f}"}
        found |= {f"INV-{self.tag}-open", f"INV-{self.tag}-paid", f"EST-{self.tag}"}
        return found


@dataclass
class Principal:
    name: str
    kind: str  # customer, api_key, staff
    business: TestBusiness
    headers: dict[str, str]
    holder: Holder | None = None


@dataclass
class BusinessRecords:
    business: TestBusiness
    key_id: str
    staff_id: str
    staff_name: str
    staff_email: str
    staff_headers: dict[str, str]
    run_ids: list[str]

    def secrets(self) -> set[str]:
        return {
            self.key_id,
            self.staff_id,
            self.staff_name,
            self.staff_email,
            self.business.api_key,
        }


@dataclass
class World:
    businesses: dict[str, BusinessRecords]
    holders: list[Holder]
    principals: list[Principal]

    def records_of(self, business_id: str) -> BusinessRecords:
        return self.businesses[business_id]

    def holders_in(self, business_id: str) -> list[Holder]:
        return [h for h in self.holders if h.business.business_id == business_id]

    def victims_of(self, principal: Principal) -> list[Holder]:
        """Customers whose records the principal must not reach: any of the other business,
        and, for a customer, the other customers of their own business too."""
        if principal.kind == "customer":
            return [h for h in self.holders if h is not principal.holder]
        return [h for h in self.holders if h.business != principal.business]


def _ok(response: Any, *statuses: int) -> Any:
    assert response.status in (statuses or (200, 201)), (response.status, response.body)
    return response.json()


def _customer(svc: Services, fake: FakeStripe, biz: TestBusiness, holder: Holder, signs_in: bool):
    key = biz.api_key
    cid = holder.customer_id
    put(
        biz,
        f"/v1/admin/customers/{cid}",
        {
            "name": holder.name,
            "email": holder.email,
            "phone": holder.phone,
            "service_address": {
                "line1": f"{holder.number} Quillon Way",
                "city": "Austin",
                "region": "TX",
            },
            "send_invoices": True,
            "service_texts": True,
        },
    )
    for suffix, kind in (("open", 1), ("paid", 2)):
        total = holder.amount(kind)
        put(
            biz,
            f"/v1/admin/invoices/inv-{holder.tag}-{suffix}",
            {
                "customer_id": cid,
                "number": f"INV-{holder.tag}-{suffix}",
                "status": "sent",
                "issue_date": "2026-04-01",
                "due_date": "2026-04-20" if suffix == "paid" else "2026-05-01",
                "currency": "USD",
                "lines": [{"description": "Weekly service", "quantity": 1, "unit_amount": total}],
                "tax_amount": 0,
                "total": total,
                "autopay_eligible": True,
            },
        )
        holder.ids[f"invoice_{suffix}"] = f"inv-{holder.tag}-{suffix}"
    visit_id = f"visit-{holder.tag}x"
    put(
        biz,
        f"/v1/admin/visits/{visit_id}",
        {
            "customer_id": cid,
            "date": "2026-04-20",
            "service": "Weekly service",
            "status": "completed",
            "technician": f"Tech {holder.tag}",
            "notes": f"Notes for {holder.name}",
        },
    )
    holder.ids["visit"] = visit_id
    photo = {"kind": "before", "content_type": "image/png", "size": 100}
    _ok(call("POST", f"/v1/admin/visits/{visit_id}/photos", photo, api_key=key))
    visit = _ok(call("GET", f"/v1/admin/visits/{visit_id}", api_key=key))
    holder.ids["photo"] = visit["photos"][0]["photo_id"]
    estimate_id = f"est-{holder.tag}x"
    put(
        biz,
        f"/v1/admin/estimates/{estimate_id}",
        {
            "customer_id": cid,
            "number": f"EST-{holder.tag}",
            "status": "sent",
            "issue_date": "2026-04-02",
            "expiry_date": "2026-06-02",
            "currency": "USD",
            "lines": [{"description": "Pump", "quantity": 1, "unit_amount": holder.amount(4)}],
            "tax_amount": 0,
            "total": holder.amount(4),
            "deposit_amount": holder.amount(3),
        },
    )
    holder.ids["estimate"] = estimate_id
    document = {"title": f"Report {holder.tag}", "content_type": "application/pdf", "size": 100}
    _ok(call("POST", f"/v1/admin/customers/{cid}/documents", document, api_key=key))
    documents = _ok(call("GET", f"/v1/admin/customers/{cid}/documents", api_key=key))
    holder.ids["document"] = documents["items"][0]["document_id"]
    put(biz, f"/v1/admin/customers/{cid}/preferences", {"marketing": {"email": False}})
    if not signs_in:
        return
    headers = bearer(signed_up(svc, biz.business_id, cid, holder.email))
    holder.headers = headers
    card = add_card(fake, headers)
    holder.ids["method"] = card["payment_method_id"]
    paid = pay(
        headers, payment_method_id=card["payment_method_id"], invoice_ids=[f"inv-{holder.tag}-paid"]
    )
    holder.ids["payment"] = _ok(paid)["payment_id"]
    terms = _ok(call("GET", "/v1/me/autopay", headers=headers))["terms"]
    autopay = {
        "enabled": True,
        "payment_method_id": card["payment_method_id"],
        "accept_terms": True,
        "terms_version": terms["version"],
    }
    _ok(call("PUT", "/v1/me/autopay", autopay, headers=headers))
    data = jpeg()
    photo_body = {"content_type": "image/jpeg", "size": len(data)}
    grant = _ok(call("POST", "/v1/me/work-requests/photos", photo_body, headers=headers))
    assert upload(grant["upload"], data).status_code == 204
    holder.ids["request_photo"] = grant["photo_id"]
    request = {
        "service": "Repair",
        "description": f"Request of {holder.name}",
        "photo_ids": [holder.ids["request_photo"]],
    }
    filed = call(
        "POST",
        "/v1/me/work-requests",
        request,
        headers={**headers, "idempotency-key": str(uuid.uuid4())},
    )
    holder.ids["work_request"] = _ok(filed)["work_request_id"]
    if holder.tag.endswith("1"):  # the others can still write theirs during the test
        review = {"rating": 4, "comment": f"Fine, {holder.tag}"}
        _ok(call("POST", "/v1/me/reviews", review, headers=headers))
    _ok(call("PUT", "/v1/me/preferences", {"receipts": {"email": True}}, headers=headers))
    setup = call("POST", "/v1/me/payment-methods/setup", {"type": "card"}, headers=headers)
    holder.ids["setup_intent"] = _ok(setup)["setup_intent_id"]


def _business(svc: Services, slug: str, name: str) -> TestBusiness:
    biz = a_business(svc, slug, name)
    credits = {"enabled": True, "max_amount": 50000}
    put(biz, "/v1/admin/portal", {"enabled": True, "tabs": ALL_TABS, "credits": credits})
    return biz


def _staff(svc: Services, biz: TestBusiness, tag: str) -> tuple[str, str, str, dict[str, str]]:
    name, email = f"Staffer {tag.upper()}zeta", f"staffer.{tag}@example.com"
    member = _ok(
        call("POST", "/v1/admin/staff", {"name": name, "email": email}, api_key=biz.api_key)
    )
    staff_id = member["staff_id"]
    token = issue_link(svc, LinkPurpose.STAFF_INVITE, biz.business_id, staff_id, email)
    accepted = call("POST", "/v1/auth/accept", {"token": token, "password": PASSWORD})
    _ok(accepted)
    return staff_id, name, email, bearer(accepted)


def build(svc: Services, fake: FakeStripe) -> World:
    """Business A (three customers, two signed in) and business B (two, both signed in), each
    with its portal on, an API key, a signed-in staff member and an AutoPay run."""
    a = _business(svc, "quillon-pools", "Quillon Pools")
    b = _business(svc, "zetaleaf-lawn", "Zetaleaf Lawn")
    holders = [
        Holder(a, "a1", 1),
        Holder(a, "a2", 2),
        Holder(a, "a3", 3),
        Holder(b, "b1", 4),
        Holder(b, "b2", 5),
    ]
    for holder in holders:
        _customer(svc, fake, holder.business, holder, signs_in=holder.tag != "a3")
    start_run(svc, svc.clock.now(), lambda jobs: None)
    businesses = {}
    principals = []
    for biz, tag in ((a, "a"), (b, "b")):
        keys = _ok(call("GET", "/v1/admin/api-keys", api_key=biz.api_key))["items"]
        staff_id, staff_name, staff_email, staff_headers = _staff(svc, biz, tag)
        runs = _ok(call("GET", "/v1/admin/autopay/runs", api_key=biz.api_key))["items"]
        businesses[biz.business_id] = BusinessRecords(
            biz,
            keys[0]["key_id"],
            staff_id,
            staff_name,
            staff_email,
            staff_headers,
            [run["run_id"] for run in runs],
        )
        principals.append(
            Principal(f"api key {tag}", "api_key", biz, {"authorization": f"Bearer {biz.api_key}"})
        )
        principals.append(Principal(f"staff {tag}", "staff", biz, staff_headers))
    for holder in holders:
        if holder.headers is not None:
            principals.append(
                Principal(
                    f"customer {holder.tag}", "customer", holder.business, holder.headers, holder
                )
            )
    return World(businesses, holders, principals)


def dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)
