"""Demo data for the local runtime, loaded through the same services the admin API uses.

Two businesses: "Sparkling Pools" (`sparkling-pools`), with a customer in every state of
DESIGN 4.6, and "Greenleaf Lawn" (`greenleaf-lawn`). `shared@example.com` is a customer of
both. Ids are fixed (`cust-1001`, `inv-2001`...) and dates are relative to the clock's
"today" in the business's time zone, so a past-due invoice is past due whenever you start.

The CRM's side (customers, invoices, visits, estimates) is pushed as the admin API would;
a customer's demo state beyond that is reached by the steps in `STATE_STEPS`, through the
identity services: the active and past-due customers accept an invite with their business's
demo password (`demo_password`), the invited ones have a live invite link; the AutoPay
customer has `pm_card_visa` saved, the way the portal saves it (a SetupIntent confirmed at
the fake Stripe with the publishable key) and AutoPay on with it.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from portico.bootstrap import Services
from portico.domain.accounts import StaffMember, StaffStatus
from portico.domain.billing import CrmInvoiceStatus, InvoiceRecord
from portico.domain.business import Branding, NewBusiness, PortalChanges
from portico.domain.common import Address, ContactDetails, Line
from portico.domain.customer import CustomerRecord
from portico.domain.files import (
    DocumentUpload,
    PhotoKind,
    VisitPhotoUpload,
    document_key,
    visit_photo_key,
)
from portico.domain.reviews import ReviewSettings
from portico.domain.service import EstimateRecord, EstimateStatus, VisitRecord, VisitStatus
from portico.identity.principal import Principal, Role
from portico.identity.tokens import LinkPurpose
from portico.services import autopay, portals, records, service_history, wallet
from portico.services.accounts import accept_link, issue_link
from portico.services.scope import customer_scope
from portico_local.demo_files import CLEAR_WATER, GREEN_WATER, pool_photo, report_pdf


class DemoState(StrEnum):
    """Where a demo customer stands; `GET /_dev/demo` reports it as `state`."""

    ACTIVE_AUTOPAY = "active_autopay"
    ACTIVE_NO_PAYMENT_METHOD = "active_no_payment_method"
    INVITED = "invited"
    NOT_INVITED = "not_invited"
    PAST_DUE = "past_due"
    NO_EMAIL = "no_email"


# --- what the loader produces --------------------------------------------------------------


@dataclass(frozen=True)
class LoadedCustomer:
    customer_id: str
    email: str | None
    state: DemoState
    password: str | None = None  # set by a step once the customer has a login

    def as_json(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "email": self.email,
            "password": self.password,
            "state": self.state.value,
        }


@dataclass(frozen=True)
class LoadedBusiness:
    business_id: str
    slug: str
    name: str
    admin_api_key: str
    customers: list[LoadedCustomer] = field(default_factory=list)
    staff_email: str | None = None  # a staff member who signs in to /admin with the demo password

    def as_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "admin_api_key": self.admin_api_key,
            "staff": {"email": self.staff_email, "password": demo_password(self)},
            "customers": [customer.as_json() for customer in self.customers],
        }


@dataclass(frozen=True)
class Demo:
    businesses: list[LoadedBusiness]

    def as_json(self) -> dict[str, Any]:
        """The `businesses` part of `GET /_dev/demo`."""
        return {"businesses": [business.as_json() for business in self.businesses]}


# --- per-state steps -------------------------------------------------------------------------

# A step takes a customer whose CRM records are loaded one step closer to its demo state
# (send the invite, create the login, save a test card, turn AutoPay on) and returns it,
# with `password` set once it has a login. Steps call services, never the table.
Step = Callable[[Services, LoadedBusiness, LoadedCustomer], LoadedCustomer]


def demo_password(business: LoadedBusiness) -> str:
    """The demo password of every login at `business`. One per business, so that
    `shared@example.com` signs in to each with a different one (and the other fails)."""
    return f"{business.slug}-demo-1"


def invite(svc: Services, business: LoadedBusiness, customer: LoadedCustomer) -> LoadedCustomer:
    """Issue the create-login link an invite email carries; the customer is now invited.
    No email is queued: the demo starts with an empty outbox."""
    if customer.email is None:
        raise ValueError(f"demo customer {customer.customer_id} has no email to invite")
    issue_link(
        svc, LinkPurpose.CREATE_LOGIN, business.business_id, customer.customer_id, customer.email
    )
    return customer


def add_demo_staff(svc: Services, business: LoadedBusiness) -> LoadedBusiness:
    """A staff member (`office@{slug}.example.com`) who has accepted the staff invite with the
    business's demo password, so that /admin can be signed in to. No email is queued."""
    email = f"office@{business.slug}.example.com"
    member = StaffMember(
        staff_id="staff-demo",
        business_id=business.business_id,
        name="Office",
        email=email,
        status=StaffStatus.INVITED,
        created_at=svc.clock.now(),
    )
    svc.identity.add_staff(member)
    token = issue_link(svc, LinkPurpose.STAFF_INVITE, business.business_id, member.staff_id, email)
    accept_link(svc, token, demo_password(business))
    return replace(business, staff_email=email)


def create_login(
    svc: Services, business: LoadedBusiness, customer: LoadedCustomer
) -> LoadedCustomer:
    """Invite the customer and accept the invite with the business's demo password, as the
    customer would from the email's link."""
    if customer.email is None:
        raise ValueError(f"demo customer {customer.customer_id} has no email for a login")
    token = issue_link(
        svc, LinkPurpose.CREATE_LOGIN, business.business_id, customer.customer_id, customer.email
    )
    password = demo_password(business)
    accept_link(svc, token, password)
    return replace(customer, password=password)


def save_test_card(
    svc: Services, business: LoadedBusiness, customer: LoadedCustomer
) -> LoadedCustomer:
    """Save `pm_card_visa` through the wallet service, with the SetupIntent confirmed at the
    (fake) Stripe as the browser's Stripe.js would: the card never passes through Portico."""
    principal = _session(svc, business, customer)
    started = wallet.start_setup(svc, principal, "card")
    confirm = urllib.request.Request(  # noqa: S310 - the fake Stripe's http://127.0.0.1 address
        f"{svc.stripe.api_base}/v1/setup_intents/{started.setup_intent_id}/confirm",
        data=urllib.parse.urlencode(
            {"client_secret": started.client_secret, "payment_method": "pm_card_visa"}
        ).encode(),
        headers={
            "Authorization": f"Bearer {started.publishable_key}",
            "Stripe-Account": started.stripe_account or "",
        },
        method="POST",
    )
    # The fake Stripe listens on loopback only; never through a proxy from the environment.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(confirm, timeout=10):
        pass
    wallet.save_method(svc, principal, started.setup_intent_id)
    return customer


def turn_autopay_on(
    svc: Services, business: LoadedBusiness, customer: LoadedCustomer
) -> LoadedCustomer:
    """Agree to AutoPay with the saved card, as the customer would in the portal (the
    consent, with its text, is in their activity log)."""
    principal = _session(svc, business, customer)
    [method] = wallet.list_methods(svc, principal)
    change = autopay.AutoPayChange(
        enabled=True, payment_method_id=method.payment_method_id, accept_terms=True
    )
    autopay.set_autopay(svc, principal, change, client_ip="127.0.0.1")
    return customer


def _session(svc: Services, business: LoadedBusiness, customer: LoadedCustomer) -> Principal:
    """What a signed-in session of the customer would carry."""
    overview = svc.customers.overview(business.business_id, customer.customer_id)
    if overview is None:
        raise ValueError(f"demo customer {customer.customer_id} is not loaded")
    return Principal(
        role=Role.CUSTOMER,
        business_id=business.business_id,
        subject=customer.customer_id,
        customer_id=customer.customer_id,
        scope=customer_scope(overview),
    )


# The states without a login stay as they are.
STATE_STEPS: dict[DemoState, tuple[Step, ...]] = {
    DemoState.ACTIVE_AUTOPAY: (create_login, save_test_card, turn_autopay_on),
    DemoState.ACTIVE_NO_PAYMENT_METHOD: (create_login,),
    DemoState.INVITED: (invite,),
    DemoState.NOT_INVITED: (),
    DemoState.PAST_DUE: (create_login,),
    DemoState.NO_EMAIL: (),  # no email, so never a login
}


# --- what the loader reads -------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCustomer:
    customer_id: str
    state: DemoState
    record: CustomerRecord


@dataclass(frozen=True)
class DemoBusiness:
    """One business's demo records, already dated."""

    business_id: str
    new: NewBusiness
    branding: Branding
    customers: Sequence[DemoCustomer]
    invoices: Sequence[tuple[str, InvoiceRecord]]
    visits: Sequence[tuple[str, VisitRecord]]
    estimates: Sequence[tuple[str, EstimateRecord]]
    photos: Sequence[DemoPhoto] = ()
    documents: Sequence[DemoDocument] = ()
    # The public review link offered after a high rating (none: the business has none).
    reviews: ReviewSettings = field(default_factory=ReviewSettings)


@dataclass(frozen=True)
class DemoPhoto:
    """A before or after photo of a visit: its bytes are drawn at start-up."""

    visit_id: str
    kind: PhotoKind
    water: str
    content_type: str
    caption: str


@dataclass(frozen=True)
class DemoDocument:
    customer_id: str
    title: str
    lines: tuple[str, ...]


def _lines(*items: tuple[str, int | str, int]) -> list[Line]:
    return [
        Line(description=text, quantity=Decimal(quantity), unit_amount=unit)
        for text, quantity, unit in items
    ]


def _tax(lines: list[Line], basis_points: int) -> int:
    subtotal = sum(line.amount for line in lines)
    return (subtotal * basis_points + 5_000) // 10_000  # half up, in cents


def _invoice(
    customer_id: str,
    number: str,
    status: CrmInvoiceStatus,
    issued: date,
    due: date,
    lines: list[Line],
    tax_basis_points: int,
    *,
    autopay_eligible: bool = False,
    memo: str | None = None,
) -> InvoiceRecord:
    tax = _tax(lines, tax_basis_points)
    return InvoiceRecord(
        customer_id=customer_id,
        number=number,
        status=status,
        issue_date=issued,
        due_date=due,
        currency="USD",
        lines=lines,
        tax_amount=tax,
        total=sum(line.amount for line in lines) + tax,
        autopay_eligible=autopay_eligible,
        memo=memo,
    )


def _estimate(
    customer_id: str,
    number: str,
    status: EstimateStatus,
    issued: date,
    lines: list[Line],
    tax_basis_points: int,
    *,
    expires: date | None = None,
    deposit: int = 0,
    notes: str | None = None,
) -> EstimateRecord:
    tax = _tax(lines, tax_basis_points)
    return EstimateRecord(
        customer_id=customer_id,
        number=number,
        status=status,
        issue_date=issued,
        expiry_date=expires,
        currency="USD",
        lines=lines,
        tax_amount=tax,
        total=sum(line.amount for line in lines) + tax,
        deposit_amount=deposit,
        notes=notes,
    )


def _visit(
    customer_id: str, on: date, service: str, technician: str, notes: str | None = None
) -> VisitRecord:
    """A visit; one with notes has happened, one without is still to come."""
    status = VisitStatus.COMPLETED if notes else VisitStatus.SCHEDULED
    return VisitRecord(
        customer_id=customer_id,
        date=on,
        service=service,
        status=status,
        technician=technician,
        notes=notes,
    )


def _austin(line1: str, postal_code: str = "78704") -> Address:
    return Address(line1=line1, city="Austin", region="TX", postal_code=postal_code)


def _boulder(line1: str, postal_code: str = "80302") -> Address:
    return Address(line1=line1, city="Boulder", region="CO", postal_code=postal_code)


SPARKLING_TZ = "America/Chicago"
GREENLEAF_TZ = "America/Denver"
SHARED_EMAIL = "shared@example.com"


def sparkling_pools(now: datetime) -> DemoBusiness:
    """Sparkling Pools, Austin TX: a customer in every demo state, with their records."""
    today = now.astimezone(ZoneInfo(SPARKLING_TZ)).date()
    day = timedelta(days=1)
    tax = 825  # Austin sales tax, 8.25 %
    sent, draft, void = CrmInvoiceStatus.SENT, CrmInvoiceStatus.DRAFT, CrmInvoiceStatus.VOID
    weekly = ("Weekly pool service", 4, 4_500)

    def customer(
        cid: str, state: DemoState, name: str, email: str | None, **extra: Any
    ) -> DemoCustomer:
        return DemoCustomer(cid, state, CustomerRecord(name=name, email=email, **extra))

    customers = [
        customer("cust-1001", DemoState.ACTIVE_AUTOPAY, "Maria Lopez", "maria.lopez@example.com",
                 phone="(512) 555-0101", service_address=_austin("1409 Alta Vista Ave"),
                 service_texts=True),
        customer("cust-1002", DemoState.ACTIVE_NO_PAYMENT_METHOD, "James Carter",
                 "james.carter@example.com", phone="(512) 555-0102",
                 service_address=_austin("2207 Post Rd")),
        customer("cust-1003", DemoState.INVITED, "Priya Shah", "priya.shah@example.com",
                 service_address=_austin("4810 Bull Creek Rd", "78731")),
        customer("cust-1004", DemoState.NOT_INVITED, "Tom Becker", "tom.becker@example.com",
                 phone="(512) 555-0104", service_address=_austin("906 W Mary St")),
        customer("cust-1005", DemoState.PAST_DUE, "Linda Nguyen", "linda.nguyen@example.com",
                 phone="(512) 555-0105", service_address=_austin("3300 Menchaca Rd"),
                 service_texts=True),
        # No email: no portal account, and the business mails paper invoices.
        customer("cust-1006", DemoState.NO_EMAIL, "Robert King", None, phone="(512) 555-0106",
                 service_address=_austin("711 Bouldin Ave"), send_invoices=False),
        customer("cust-1007", DemoState.ACTIVE_NO_PAYMENT_METHOD, "Sam Rivera", SHARED_EMAIL,
                 phone="(512) 555-0107", service_address=_austin("1100 S 1st St")),
    ]  # fmt: skip
    invoices = [
        # AutoPay-eligible routine service, due soon.
        ("inv-2001", _invoice("cust-1001", "SP-2001", sent, today - 5 * day, today + 10 * day,
                              _lines(weekly), tax, autopay_eligible=True)),
        # Next month's service, still a draft: never shown in the portal.
        ("inv-2002", _invoice("cust-1001", "SP-2002", draft, today, today + 30 * day,
                              _lines(weekly), tax, autopay_eligible=True)),
        # A repair: not AutoPay-eligible.
        ("inv-2003", _invoice("cust-1002", "SP-2003", sent, today - 3 * day, today + 14 * day,
                              _lines(("Replace cartridge filter", 1, 28_900),
                                     ("Labor (hours)", "1.5", 9_500)), tax)),
        # Sent by mistake and voided: never shown, never counted.
        ("inv-2004", _invoice("cust-1002", "SP-2004", void, today - 10 * day, today + 5 * day,
                              _lines(weekly), tax)),
        ("inv-2005", _invoice("cust-1003", "SP-2005", sent, today - 2 * day, today + 12 * day,
                              _lines(weekly), tax, autopay_eligible=True)),
        ("inv-2006", _invoice("cust-1004", "SP-2006", draft, today, today + 15 * day,
                              _lines(("Opening service", 1, 22_500)), tax)),
        # Past due: issued 45 days ago, due 15 days ago, unpaid.
        ("inv-2007", _invoice("cust-1005", "SP-2007", sent, today - 45 * day, today - 15 * day,
                              _lines(("Green-to-clean recovery", 1, 45_000),
                                     ("Shock treatment (lb)", 6, 1_200)), tax,
                              memo="Pool was green on arrival; three visits to clear.")),
        ("inv-2008", _invoice("cust-1005", "SP-2008", sent, today - 4 * day, today + 11 * day,
                              _lines(weekly), tax, autopay_eligible=True)),
        ("inv-2009", _invoice("cust-1006", "SP-2009", sent, today - 6 * day, today + 24 * day,
                              _lines(weekly), tax, autopay_eligible=True)),
        ("inv-2010", _invoice("cust-1007", "SP-2010", sent, today - 1 * day, today + 14 * day,
                              _lines(("Bi-weekly pool service", 2, 5_500)), tax,
                              autopay_eligible=True)),
    ]  # fmt: skip
    visits = [
        ("visit-3001", _visit("cust-1001", today - 7 * day, "Weekly pool service", "Diego",
                              "Chlorine 3 ppm, pH 7.4. Brushed walls, emptied skimmer baskets.")),
        ("visit-3002", _visit("cust-1001", today, "Weekly pool service", "Diego")),
        ("visit-3003", _visit("cust-1001", today + 7 * day, "Weekly pool service", "Diego")),
        ("visit-3004", _visit("cust-1002", today - 3 * day, "Filter repair", "Ana",
                              "Cartridge torn at the seam; replaced. Pressure back to 12 psi.")),
        ("visit-3005", _visit("cust-1002", today + 4 * day, "Weekly pool service", "Ana")),
        ("visit-3006", _visit("cust-1003", today - 2 * day, "Weekly pool service", "Diego",
                              "Gate code changed; please update it in the portal.")),
        ("visit-3007", _visit("cust-1005", today - 40 * day, "Green-to-clean recovery", "Ana",
                              "Day 1 of 3: shocked, ran the pump 24 h.")),
        ("visit-3008", _visit("cust-1005", today + 2 * day, "Weekly pool service", "Ana")),
        ("visit-3009", _visit("cust-1007", today - 1 * day, "Bi-weekly pool service", "Diego",
                              "Water level low; topped up. Check the autofill valve.")),
        ("visit-3010", _visit("cust-1007", today + 13 * day, "Bi-weekly pool service", "Diego")),
    ]  # fmt: skip
    estimates = [
        ("est-4001", _estimate("cust-1001", "SP-E4001", EstimateStatus.SENT, today - 2 * day,
                               _lines(("Variable-speed pump", 1, 129_900),
                                      ("Installation", 1, 35_000)), tax,
                               expires=today + 28 * day, deposit=50_000,
                               notes="Cuts pump energy use by up to 70%.")),
        ("est-4002", _estimate("cust-1002", "SP-E4002", EstimateStatus.ACCEPTED, today - 20 * day,
                               _lines(("Salt cell replacement", 1, 74_900)), tax,
                               expires=today + 10 * day)),
        ("est-4003", _estimate("cust-1005", "SP-E4003", EstimateStatus.DRAFT, today,
                               _lines(("Resurface plaster (sq ft)", 450, 1_100)), tax)),
        ("est-4004", _estimate("cust-1007", "SP-E4004", EstimateStatus.SENT, today - 1 * day,
                               _lines(("Autofill valve replacement", 1, 18_500)), tax,
                               expires=today + 14 * day)),
        # To accept with a signature and pay a deposit on (James has no card yet).
        ("est-4005", _estimate("cust-1002", "SP-E4005", EstimateStatus.SENT, today - 3 * day,
                               _lines(("Gas pool heater, 400k BTU", 1, 389_900),
                                      ("Installation and gas line", 1, 85_000)), tax,
                               expires=today + 27 * day, deposit=100_000,
                               notes="A deposit of $1,000 orders the heater.")),
        # Past its expiry date: shown as expired, cannot be accepted.
        ("est-4006", _estimate("cust-1002", "SP-E4006", EstimateStatus.SENT, today - 45 * day,
                               _lines(("Pool cover, automatic", 1, 620_000)), tax,
                               expires=today - 15 * day)),
        # Cancelled by the business: never shown.
        ("est-4007", _estimate("cust-1002", "SP-E4007", EstimateStatus.CANCELLED,
                               today - 60 * day, _lines(("Tile cleaning", 1, 45_000)), tax)),
    ]  # fmt: skip
    contact = ContactDetails(
        email="office@sparklingpools.example.com",
        phone="(512) 555-0142",
        website="https://sparklingpools.example.com",
        address=_austin("2100 S Lamar Blvd"),
        hours="Mon-Fri 7am-6pm, Sat 8am-noon",
    )
    return DemoBusiness(
        business_id="biz_demo_sparkling_pools",
        new=NewBusiness(
            name="Sparkling Pools",
            slug="sparkling-pools",
            contact=contact,
            timezone=SPARKLING_TZ,
            currency="USD",
        ),
        branding=Branding(primary_color="#005f8a"),
        customers=customers,
        invoices=invoices,
        visits=visits,
        estimates=estimates,
        photos=[
            DemoPhoto("visit-3001", PhotoKind.BEFORE, GREEN_WATER, "image/jpeg",
                      "Cloudy water and leaves on arrival"),
            DemoPhoto("visit-3001", PhotoKind.AFTER, CLEAR_WATER, "image/png",
                      "Clear and balanced"),
            DemoPhoto("visit-3007", PhotoKind.BEFORE, GREEN_WATER, "image/jpeg", "Day 1"),
            DemoPhoto("visit-3007", PhotoKind.AFTER, CLEAR_WATER, "image/jpeg", "Day 3"),
        ],
        documents=[
            DemoDocument("cust-1001", "Pool equipment inspection", (
                f"Inspected on {(today - 7 * day).isoformat()} by Diego.",
                "Pump: running quietly, seals dry.",
                "Filter: cartridge clean; pressure 11 psi.",
                "Heater: not in use this season.",
            )),
        ],
        reviews=ReviewSettings(
            public_review_link="https://reviews.example.com/sparkling-pools", threshold=4
        ),
    )  # fmt: skip


def greenleaf_lawn(now: datetime) -> DemoBusiness:
    """Greenleaf Lawn, Boulder CO: a few customers, one of them shared with Sparkling Pools."""
    today = now.astimezone(ZoneInfo(GREENLEAF_TZ)).date()
    day = timedelta(days=1)
    tax = 0  # lawn service is not taxed in this demo
    sent = CrmInvoiceStatus.SENT
    mowing = ("Mowing and edging", 4, 3_800)
    customers = [
        DemoCustomer("cust-1101", DemoState.ACTIVE_AUTOPAY, CustomerRecord(
            name="Sam Rivera", email=SHARED_EMAIL, phone="(303) 555-0111",
            service_address=_boulder("2450 Pine St"))),
        DemoCustomer("cust-1102", DemoState.ACTIVE_NO_PAYMENT_METHOD, CustomerRecord(
            name="Ana Torres", email="ana.torres@example.com",
            service_address=_boulder("955 Portland Pl", "80304"))),
        DemoCustomer("cust-1103", DemoState.NOT_INVITED, CustomerRecord(
            name="Greg Olson", email="greg.olson@example.com", phone="(303) 555-0113",
            service_address=_boulder("3100 Iris Ave", "80301"), service_texts=True)),
    ]  # fmt: skip
    invoices = [
        ("inv-2101", _invoice("cust-1101", "GL-2101", sent, today - 3 * day, today + 12 * day,
                              _lines(mowing), tax, autopay_eligible=True)),
        ("inv-2102", _invoice("cust-1102", "GL-2102", sent, today - 8 * day, today + 7 * day,
                              _lines(mowing, ("Aeration", 1, 8_500)), tax)),
        ("inv-2103", _invoice("cust-1103", "GL-2103", CrmInvoiceStatus.DRAFT, today,
                              today + 15 * day, _lines(("Spring cleanup", 1, 24_000)), tax)),
    ]  # fmt: skip
    visits = [
        ("visit-3101", _visit("cust-1101", today - 6 * day, "Mowing", "Kai",
                              "Left clippings as mulch. Broken sprinkler head by the driveway.")),
        ("visit-3102", _visit("cust-1101", today + 1 * day, "Mowing and edging", "Kai")),
        ("visit-3103", _visit("cust-1102", today + 3 * day, "Aeration", "Rosa")),
    ]  # fmt: skip
    estimates = [
        ("est-4101", _estimate("cust-1101", "GL-E4101", EstimateStatus.SENT, today - 1 * day,
                               _lines(("Sprinkler head repair", 3, 4_500)), tax,
                               expires=today + 30 * day)),
    ]  # fmt: skip
    contact = ContactDetails(
        email="hello@greenleaflawn.example.com",
        phone="(303) 555-0187",
        website="https://greenleaflawn.example.com",
        address=_boulder("1850 Folsom St"),
        hours="Mon-Sat 7am-5pm",
    )
    return DemoBusiness(
        business_id="biz_demo_greenleaf_lawn",
        new=NewBusiness(
            name="Greenleaf Lawn",
            slug="greenleaf-lawn",
            contact=contact,
            timezone=GREENLEAF_TZ,
            currency="USD",
        ),
        branding=Branding(primary_color="#2e7d32"),
        customers=customers,
        invoices=invoices,
        visits=visits,
        estimates=estimates,
    )


BUSINESSES: tuple[Callable[[datetime], DemoBusiness], ...] = (sparkling_pools, greenleaf_lawn)


def load_business(svc: Services, spec: DemoBusiness) -> LoadedBusiness:
    """Provision one business, turn its portal on and push its records, as a CRM would."""
    provisioned = portals.provision_business(svc, spec.new, business_id=spec.business_id)
    business_id = provisioned.business.business_id
    portals.update_portal(
        svc,
        business_id,
        PortalChanges(
            enabled=True, branding=spec.branding, contact=spec.new.contact, reviews=spec.reviews
        ),
    )
    for demo_customer in spec.customers:
        records.upsert_customer(svc, business_id, demo_customer.customer_id, demo_customer.record)
    for invoice_id, invoice in spec.invoices:
        records.upsert_invoice(svc, business_id, invoice_id, invoice)
    for visit_id, visit in spec.visits:
        records.upsert_visit(svc, business_id, visit_id, visit)
    for estimate_id, estimate in spec.estimates:
        records.upsert_estimate(svc, business_id, estimate_id, estimate)
    _load_files(svc, business_id, spec)

    business = LoadedBusiness(
        business_id=business_id,
        slug=provisioned.business.slug,
        name=provisioned.business.name,
        admin_api_key=provisioned.admin_api_key,
    )
    customers = []
    for demo_customer in spec.customers:
        loaded = LoadedCustomer(
            demo_customer.customer_id, demo_customer.record.email, demo_customer.state
        )
        for step in STATE_STEPS[demo_customer.state]:
            loaded = step(svc, business, loaded)
        customers.append(loaded)
    return add_demo_staff(svc, replace(business, customers=customers))


def _load_files(svc: Services, business_id: str, spec: DemoBusiness) -> None:
    """The visits' photos and the customers' documents, recorded through the admin services
    and their bytes stored where the presigned upload would have put them."""
    owners = {visit_id: visit.customer_id for visit_id, visit in spec.visits}
    for photo in spec.photos:
        data = pool_photo(photo.water, "PNG" if photo.content_type == "image/png" else "JPEG")
        upload = VisitPhotoUpload(
            kind=photo.kind, content_type=photo.content_type, size=len(data), caption=photo.caption
        )
        grant = service_history.add_visit_photo(svc, business_id, photo.visit_id, upload)
        key = visit_photo_key(
            business_id, owners[photo.visit_id], photo.visit_id, grant.photo.photo_id
        )
        svc.file_store.put(key, data, photo.content_type)
    for document in spec.documents:
        pdf = report_pdf(document.title, list(document.lines))
        shared = service_history.add_document(
            svc,
            business_id,
            document.customer_id,
            DocumentUpload(title=document.title, content_type="application/pdf", size=len(pdf)),
        )
        key = document_key(business_id, document.customer_id, shared.document.document_id)
        svc.file_store.put(key, pdf, "application/pdf")


def load(svc: Services) -> Demo:
    """Load every demo business into an empty table, dated from the services' clock."""
    now = svc.clock.now()
    return Demo([load_business(svc, build(now)) for build in BUSINESSES])
