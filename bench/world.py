"""An in-process AWS (moto) with the template's table and one realistic business in it.

Importing this module sets the environment first, as the functions' own would be, so nothing
it imports afterwards can create a client pointed at a real account.
"""

from __future__ import annotations

import os

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_SESSION_TOKEN": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
    }
)
for _name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
    os.environ.pop(_name, None)

from portico_local.aws import (  # noqa: E402
    ACCOUNT,
    create_resources,
    function_environment,
    put_stripe_secret,
)

# The functions' own environment as the template's Globals give it (table, email queue,
# session-signing secret), then the bench's table and quieter logs.
os.environ.update(function_environment("http://portal.bench"))
os.environ.update(
    {
        "TABLE_NAME": "portico-bench",
        "POWERTOOLS_SERVICE_NAME": "portico",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
        "POWERTOOLS_METRICS_NAMESPACE": "Portico",
        "POWERTOOLS_DEV": "false",
        # The AutoPay worker's metrics (EMF lines on stdout, for CloudWatch) would bury the
        # report; the alarms that read them are checked by tests/template/test_alarms.py.
        "POWERTOOLS_METRICS_DISABLED": "true",
    }
)

import base64  # noqa: E402
import copy  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import UTC, date, datetime, timedelta  # noqa: E402
from typing import Any  # noqa: E402

import boto3  # noqa: E402
import requests  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.core.model_instances import reset_model_data  # noqa: E402
from moto.dynamodb.models import dynamodb_backends  # noqa: E402

from portico import bootstrap  # noqa: E402
from portico.clock import ManualClock  # noqa: E402
from portico.config import Settings  # noqa: E402
from portico.domain.accounts import SessionTokens  # noqa: E402
from portico.domain.autopay import ChargeJob, Outcome  # noqa: E402
from portico.domain.billing import InvoiceRecord  # noqa: E402
from portico.domain.business import CreditSettings, NewBusiness, PortalChanges  # noqa: E402
from portico.domain.customer import CustomerRecord  # noqa: E402
from portico.domain.service import EstimateRecord, VisitRecord  # noqa: E402
from portico.identity.tokens import LinkPurpose  # noqa: E402
from portico.payments.webhooks import sign  # noqa: E402
from portico.services import accounts, autopay_run, portals, records  # noqa: E402
from portico_local.fake_stripe import FakeStripe  # noqa: E402
from portico_local.gateway import Gateway, HttpResult  # noqa: E402
from tests.support.aws_calls import install_counter  # noqa: E402
from tests.support.payments import browser_confirms  # noqa: E402

# botocore copies its built-in handlers into each new session, so the call counter must be
# registered before the first client (PynamoDB's included) exists.
install_counter()

NOW = datetime(2026, 5, 1, 15, 0, tzinfo=UTC)
CITIES = ("Austin", "Round Rock", "Cedar Park", "Pflugerville", "Georgetown")
PASSWORD = "bench passphrase 12345"
# Re-sign in when the access token has less than this left on the bench's clock.
TOKEN_MARGIN = timedelta(minutes=2)
METHODS = "/v1/me/payment-methods"
# What the bench uploads where a photo or a document is expected: S3 only checks the type and
# size the upload form pins, and Portico reads back no more than that (HeadObject).
PHOTO = b"\xff\xd8\xff\xe0" + b"bench photo" * 100 + b"\xff\xd9"
DOCUMENT = b"%PDF-1.4\n" + b"bench document\n" * 100 + b"%%EOF\n"
# The customer's estimates kept for the decision routes, one each: `deposit` is accepted.
DECISIONS = ("accept", "decline", "change", "deposit")


@dataclass
class World:
    """One business and what it has synced, with the ids the requests need.

    `customer_id` has a login and a live session (`tokens`) for the /v1/me pages, and a
    wallet saved through the wallet routes against the fake Stripe: `card_id` (a Visa, the
    default) and `bank_id` (a US bank account, whose debits settle later, by webhook),
    and `payment_id`, an invoice paid with the card; `reset_customer_id` has a login too,
    for password resets, so those never touch the session the pages use, and has left a
    review; `staff_email` is an active member of staff.

    What the customer pages and their changes need, made as the CRM and the customer would
    (see `_service_records`): a visit of the customer with a photo (`photo_visit_id`,
    `photo_id`), a document (`document_id`), a work request with a photo
    (`work_request_id`), one undecided estimate per decision route (`decision_estimates`;
    the deposit's accepted), an AutoPay run that charged an invoice of the customer
    (`run_id`; AutoPay is off again afterwards) and an AutoPay-eligible invoice to hold
    (`hold_invoice_id`).
    """

    svc: bootstrap.Services
    business_id: str
    slug: str
    api_key: str
    stripe: FakeStripe
    gateway: Gateway  # for what the bench does as the customer off the clock
    customer_ids: list[str] = field(default_factory=list)
    invoice_ids: list[str] = field(default_factory=list)
    visit_ids: list[str] = field(default_factory=list)
    estimate_ids: list[str] = field(default_factory=list)
    owners: dict[str, str] = field(default_factory=dict)  # record id -> its customer id
    emails: dict[str, str] = field(default_factory=dict)  # customer id -> email
    customer_id: str = ""
    reset_customer_id: str = ""
    staff_email: str = ""
    password: str = PASSWORD
    tokens: SessionTokens | None = None
    signed_in_at: datetime = NOW
    sign_ins: int = 0
    refresh_chain: str | None = None  # the refresh token the next refresh spends
    logout_token: str | None = None  # a session's refresh token, for sign-outs
    stripe_account: str = ""  # the business's connected account at the fake Stripe
    card_id: str = ""
    bank_id: str = ""
    payment_id: str = ""  # a payment the customer made with the card, for its receipt
    estimate_id: str = ""  # an undecided estimate of the customer, for its page
    decision_estimates: dict[str, str] = field(default_factory=dict)  # DECISIONS -> id
    photo_visit_id: str = ""
    photo_id: str = ""
    document_id: str = ""
    work_request_id: str = ""
    run_id: str = ""
    hold_invoice_id: str = ""
    s3: Any = field(default=None, repr=False)  # the "browser's" S3 client, made on first use

    @property
    def customer_email(self) -> str:
        return self.emails[self.customer_id]

    @property
    def customer_invoice_ids(self) -> list[str]:
        """The signed-in customer's invoices (all sent)."""
        return [i for i in self.invoice_ids if self.owners[i] == self.customer_id]

    @property
    def token_expires_at(self) -> datetime:
        if self.tokens is None:
            return self.signed_in_at
        return self.signed_in_at + timedelta(seconds=self.tokens.expires_in)

    def access_token(self) -> str:
        """The customer's access token, signing in again (with the password, off the clock)
        if the bench's clock has come near its 15-minute expiry."""
        now = self.svc.clock.now()
        if self.tokens is None or now >= self.token_expires_at - TOKEN_MARGIN:
            self.tokens, _ = accounts.sign_in(
                self.svc, self.slug, self.customer_email, self.password, "192.0.2.1"
            )
            self.signed_in_at = now
            self.sign_ins += 1
        return self.tokens.access_token

    def fresh_session(self) -> SessionTokens:
        """A new session of the customer (a magic link redeemed here, no Argon2): for
        requests that spend a refresh token."""
        token = self.link(LinkPurpose.MAGIC_LINK, self.customer_id)
        return accounts.magic_sign_in(self.svc, token)

    def link(self, purpose: LinkPurpose, customer_id: str) -> str:
        """A live emailed-link token for the customer, as the mailer would issue it."""
        return accounts.issue_link(
            self.svc, purpose, self.business_id, customer_id, self.emails[customer_id]
        )

    @contextmanager
    def same_table(self) -> Iterator[None]:
        """Put the table back as it was afterwards. moto's cost grows with the table (each
        TransactWriteItems deep-copies all of it, index queries scan it) where DynamoDB's
        does not, so every route is timed against the same table, whatever the routes
        before it added (sessions, links, signups, keys)."""
        backend = dynamodb_backends[ACCOUNT][os.environ["AWS_REGION"]]
        table = backend.tables[self.svc.settings.table_name]
        saved = copy.deepcopy(table.items)
        try:
            yield
        finally:
            table.items = saved
            # Sessions made meanwhile are gone with the rest.
            self.refresh_chain = self.logout_token = None
            forget_moto_copies()

    def as_customer(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        expect: int = 200,
    ) -> HttpResult:
        """A request of the signed-in customer through the gateway (off the clock); anything
        but `expect` stops the bench, since what follows would build on nothing."""
        return self.send(self.access_token(), method, path, body, headers, expect)

    def as_business(
        self, method: str, path: str, body: dict[str, Any] | None = None, expect: int = 200
    ) -> HttpResult:
        """A request of the business's CRM (its API key) through the gateway, off the clock."""
        return self.send(self.api_key, method, path, body, None, expect)

    def send(
        self,
        bearer: str,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        expect: int = 200,
    ) -> HttpResult:
        """A request with `bearer` through the gateway; anything but `expect` stops the
        bench."""
        answer = self.gateway.request(
            method,
            path,
            body=None if body is None else json.dumps(body),
            headers={
                "content-type": "application/json",
                "authorization": f"Bearer {bearer}",
                **(headers or {}),
            },
        )
        if answer.status != expect:
            raise RuntimeError(f"{method} {path} answered {answer.status}: {answer.body!r}")
        return answer

    def upload(self, grant: dict[str, Any], data: bytes) -> None:
        """Upload a file where an upload grant says, as the browser does after asking for
        the form (here with boto3 against moto: the key and type the form pins)."""
        fields = grant["fields"]
        if self.s3 is None:
            self.s3 = boto3.client("s3")
        self.s3.put_object(
            Bucket=self.svc.settings.media_bucket,
            Key=fields["key"],
            Body=data,
            ContentType=fields["Content-Type"],
        )

    def visit_photo(self, visit_id: str, n: int) -> str:
        """A photo added to a visit by the CRM and uploaded: its id."""
        body: dict[str, Any] = {
            "kind": "after",
            "content_type": "image/jpeg",
            "size": len(PHOTO),
            "caption": f"Filter cleaned ({n})",
        }
        added = self.as_business(
            "POST", f"/v1/admin/visits/{visit_id}/photos", body, expect=201
        ).json()
        self.upload(added["upload"], PHOTO)
        return str(added["photo"]["photo_id"])

    def document(self, customer_id: str, n: int) -> str:
        """A document shared with a customer by the CRM and uploaded: its id."""
        body: dict[str, Any] = {
            "title": f"Service agreement {n}",
            "content_type": "application/pdf",
            "size": len(DOCUMENT),
        }
        added = self.as_business(
            "POST", f"/v1/admin/customers/{customer_id}/documents", body, expect=201
        ).json()
        self.upload(added["upload"], DOCUMENT)
        return str(added["document"]["document_id"])

    def work_request_photo(self) -> str:
        """A photo the customer uploaded for a work request (form asked for, file sent):
        its id, for the request to name."""
        grant = self.as_customer(
            "POST",
            "/v1/me/work-requests/photos",
            {"content_type": "image/jpeg", "size": len(PHOTO)},
            expect=201,
        ).json()
        self.upload(grant["upload"], PHOTO)
        return str(grant["photo_id"])

    def confirmed_setup(self, test_method: str = "pm_card_visa", kind: str = "card") -> str:
        """A SetupIntent from the setup route, confirmed at the fake Stripe with the
        publishable key and its client secret as Stripe.js does in the browser: its id,
        ready to be saved."""
        setup = self.as_customer("POST", f"{METHODS}/setup", {"type": kind}).json()
        confirmed = browser_confirms(self.stripe, setup, test_method)
        if confirmed.status_code != 200:
            raise RuntimeError(f"the fake Stripe refused the setup: {confirmed.text}")
        self.stripe_account = setup["stripe_account"]
        return str(setup["setup_intent_id"])

    def save_method(self, test_method: str = "pm_card_visa", kind: str = "card") -> str:
        """Save a test payment method the way the customer does (setup, confirm, save):
        its id."""
        setup_intent_id = self.confirmed_setup(test_method, kind)
        saved = self.as_customer("POST", METHODS, {"setup_intent_id": setup_intent_id}, expect=201)
        return str(saved.json()["payment_method_id"])

    def new_invoice(self, n: int) -> str:
        """A new sent invoice of the customer, synced as the world's are: for a payment."""
        invoice_id = f"inv-new-{n}"
        records.upsert_invoice(
            self.svc,
            self.business_id,
            invoice_id,
            InvoiceRecord.model_validate(invoice_body(self.customer_id, n)),
        )
        return invoice_id

    def pay(self, invoice_id: str, method_id: str) -> dict[str, Any]:
        """Pay one invoice through the payments route with a new Idempotency-Key: the
        payment's result."""
        body = {"invoice_ids": [invoice_id], "payment_method_id": method_id}
        key = {"idempotency-key": str(uuid.uuid4())}
        return dict(self.as_customer("POST", "/v1/me/payments", body, key).json())

    def settled_bank_debit(self, n: int) -> dict[str, Any]:
        """A new invoice paid with the bank account (`processing`: a debit takes days),
        then settled at the fake Stripe: Stripe's `payment_intent.succeeded` event for it,
        not delivered yet."""
        paid = self.pay(self.new_invoice(n), self.bank_id)
        if paid["status"] != "processing":
            raise RuntimeError(f"a bank debit answered {paid}")
        [intent_id] = self.stripe.settle(self.stripe_account)
        # The newest such event, as Stripe lists them: the one just emitted.
        listed = requests.get(
            f"{self.stripe.api_base}/v1/events",
            params={"type": "payment_intent.succeeded", "limit": "1"},
            headers={
                "Authorization": f"Bearer {self.stripe.secret_key}",
                "Stripe-Account": self.stripe_account,
            },
            timeout=5,
        )
        listed.raise_for_status()
        [event] = listed.json()["data"]
        if event["data"]["object"]["id"] != intent_id:
            raise RuntimeError(f"the newest payment_intent.succeeded is not {intent_id}")
        return dict(event)

    def signed(self, event: dict[str, Any]) -> tuple[str, str]:
        """An event's body and the `Stripe-Signature` Stripe would send with it now."""
        payload = json.dumps(event)
        return payload, sign(payload.encode(), self.stripe.webhook_secret, int(time.time()))

    def add_customer(self, customer_id: str, n: int) -> None:
        """One more customer (no login yet), e.g. for a signup to redeem."""
        body = customer_body(n)
        records.upsert_customer(
            self.svc, self.business_id, customer_id, CustomerRecord.model_validate(body)
        )
        self.emails[customer_id] = body["email"]


def logo_png(n: int) -> str:
    """A small PNG, its colour varied by `n` (so each upload is another image), base64."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (48, 48), (n % 256, n // 256 % 256, 120)).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def forget_moto_copies() -> None:
    """moto keeps every model object it ever made in a class-level list, for its dashboard:
    the deep copies of the whole table it takes on each TransactWriteItems included. Left
    alone they grow to millions of objects over a run, and Python's collector, which walks
    them all, adds pauses to whatever request it interrupts. Dropping the list (what
    `mock_aws` does on exit) leaves moto's state itself alone."""
    reset_model_data()


def customer_body(n: int, email: str | None = None) -> dict[str, Any]:
    """A CRM customer record, varied by `n` so repeated PUTs are real changes (keep
    `email` to leave a customer's sign-in name alone)."""
    return {
        "name": f"Customer {n}",
        "email": email or f"customer{n}@example.com",
        "phone": f"+1 512 555 {n % 10000:04d}",
        "service_address": {
            "line1": f"{n} Oak Ave",
            "city": CITIES[n % len(CITIES)],
            "region": "TX",
        },
        "send_invoices": True,
        "service_texts": n % 2 == 0,
    }


def invoice_body(customer_id: str, n: int) -> dict[str, Any]:
    issued = date(2026, 1, 1) + timedelta(days=n % 120)
    return {
        "customer_id": customer_id,
        "number": f"INV-{10000 + n}",
        "status": "sent",
        "issue_date": issued.isoformat(),
        "due_date": (issued + timedelta(days=15)).isoformat(),
        "currency": "USD",
        "lines": [
            {"description": "Weekly pool service", "quantity": 4, "unit_amount": 2000 + n % 7},
            {"description": "Chlorine", "quantity": "1.5", "unit_amount": 1000},
        ],
        "tax_amount": 400,
        "total": 4 * (2000 + n % 7) + 1500 + 400,
        "autopay_eligible": n % 3 == 0,
    }


def visit_body(customer_id: str, n: int) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "date": (date(2026, 1, 1) + timedelta(days=n % 120)).isoformat(),
        "service": "Weekly pool service",
        "status": "completed",
        "technician": "Sam",
        "notes": f"Visit {n}: cleaned filter; pH 7.4.",
    }


def estimate_body(customer_id: str, n: int) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "number": f"EST-{500 + n}",
        "status": "sent",
        "issue_date": "2026-04-02",
        "expiry_date": "2026-05-02",
        "currency": "USD",
        "lines": [{"description": "Pump replacement", "quantity": 1, "unit_amount": 85000 + n}],
        "tax_amount": 0,
        "total": 85000 + n,
        "deposit_amount": 20000,
    }


def _populate(
    svc: bootstrap.Services, customers: int, stripe: FakeStripe, gateway: Gateway
) -> World:
    created = portals.provision_business(
        svc,
        NewBusiness.model_validate(
            {
                "name": "Sparkling Pools",
                "slug": "sparkling-pools",
                "contact": {
                    "email": "office@example.com",
                    "phone": "+1 512 555 0100",
                    "address": {"line1": "1 Main St", "city": "Austin", "region": "TX"},
                },
            }
        ),
    )
    business_id = created.business.business_id
    # The public portal route answers 404 for a disabled portal; a page view needs it on.
    # Account credit is off unless the business takes it; the credits route needs it.
    portals.update_portal(
        svc, business_id, PortalChanges(enabled=True, credits=CreditSettings(enabled=True))
    )
    world = World(svc, business_id, created.portal.slug, created.admin_api_key, stripe, gateway)
    for c in range(customers):
        customer_id = f"cust-{c}"
        body = customer_body(c)
        records.upsert_customer(svc, business_id, customer_id, CustomerRecord.model_validate(body))
        world.customer_ids.append(customer_id)
        world.emails[customer_id] = body["email"]
        # A few months of weekly service per customer: invoices, visits, one estimate.
        for k in range(3):
            n = c * 3 + k
            records.upsert_invoice(
                svc,
                business_id,
                f"inv-{n}",
                InvoiceRecord.model_validate(invoice_body(customer_id, n)),
            )
            world.invoice_ids.append(f"inv-{n}")
            world.owners[f"inv-{n}"] = customer_id
            records.upsert_visit(
                svc,
                business_id,
                f"visit-{n}",
                VisitRecord.model_validate(visit_body(customer_id, n)),
            )
            world.visit_ids.append(f"visit-{n}")
            world.owners[f"visit-{n}"] = customer_id
        records.upsert_estimate(
            svc,
            business_id,
            f"est-{c}",
            EstimateRecord.model_validate(estimate_body(customer_id, c)),
        )
        world.estimate_ids.append(f"est-{c}")
        world.owners[f"est-{c}"] = customer_id
    _sign_up(world)
    # The signed-in customer's wallet, saved as in the browser: this also makes the
    # business's connected account and the customer's Stripe customer, once.
    world.card_id = world.save_method()
    world.bank_id = world.save_method("pm_usBankAccount_success", "us_bank_account")
    # One invoice paid with the card: a payment to list and a receipt to draw.
    paid = world.pay(world.customer_invoice_ids[0], world.card_id)
    if paid["status"] != "succeeded":
        raise RuntimeError(f"the world's payment answered {paid}")
    world.payment_id = paid["payment_id"]
    _service_records(world)
    return world


def _service_records(world: World) -> None:
    """What the remaining customer pages and changes need, made as the CRM (API key) and
    the customer (session) would, through the gateway; the files uploaded where the forms
    say."""
    svc, business_id, customer_id = world.svc, world.business_id, world.customer_id
    mine = [e for e in world.estimate_ids if world.owners[e] == customer_id]
    world.estimate_id = mine[0]
    for k, name in enumerate(DECISIONS):
        estimate_id = f"est-{name}"
        records.upsert_estimate(
            svc,
            business_id,
            estimate_id,
            EstimateRecord.model_validate(estimate_body(customer_id, 900 + k)),
        )
        world.decision_estimates[name] = estimate_id
    world.as_customer(
        "POST",
        f"/v1/me/estimates/{world.decision_estimates['deposit']}/accept",
        {"signature_name": "Customer 0"},
    )
    # A visit of the customer with a photo, and a document shared with them.
    world.photo_visit_id = next(v for v in world.visit_ids if world.owners[v] == customer_id)
    world.photo_id = world.visit_photo(world.photo_visit_id, 0)
    world.document_id = world.document(customer_id, 0)
    # A work request with a photo, as the portal's form files it.
    filed = world.as_customer(
        "POST",
        "/v1/me/work-requests",
        {
            "service": "Green pool clean-up",
            "description": "The pool turned green after the storm.",
            "preferred_dates": ["2026-05-06"],
            "photo_ids": [world.work_request_photo()],
        },
        {"idempotency-key": str(uuid.uuid4())},
        expect=201,
    ).json()
    world.work_request_id = filed["work_request_id"]
    # The customer's notification choices, changed once: texts for service reminders.
    world.as_customer("PUT", "/v1/me/preferences", {"service_reminders": {"sms": True}})
    # A review left by the other signed-up customer (a customer may rate once a day, and
    # the route's own case rates as the signed-in one).
    other, _ = accounts.sign_in(
        svc, world.slug, world.emails[world.reset_customer_id], world.password, "192.0.2.2"
    )
    world.send(
        other.access_token,
        "POST",
        "/v1/me/reviews",
        {"rating": 5, "comment": "Sparkling, as the name says."},
        expect=201,
    )
    _autopay_run(world)
    # An AutoPay-eligible invoice of the customer, due later: for holds.
    body = invoice_body(customer_id, 999)
    body.update(issue_date="2026-04-25", due_date="2026-05-20", autopay_eligible=True)
    world.hold_invoice_id = "inv-hold"
    records.upsert_invoice(
        svc, business_id, world.hold_invoice_id, InvoiceRecord.model_validate(body)
    )


def _autopay_run(world: World) -> None:
    """One AutoPay run that charged the customer's invoice due today: AutoPay turned on
    with the card (terms accepted), the scheduler's selection, the worker's charge; then
    AutoPay off again, so the world's customer is as the other routes expect."""
    svc = world.svc
    body = invoice_body(world.customer_id, 998)
    body.update(issue_date="2026-04-16", due_date=NOW.date().isoformat(), autopay_eligible=True)
    records.upsert_invoice(
        svc, world.business_id, "inv-autopay", InvoiceRecord.model_validate(body)
    )
    on = {"enabled": True, "payment_method_id": world.card_id, "accept_terms": True}
    world.as_customer("PUT", "/v1/me/autopay", on)
    jobs: list[ChargeJob] = []
    summary = autopay_run.start_run(svc, NOW, jobs.extend)
    outcomes = [autopay_run.charge_job(svc, job) for job in jobs]
    charged = [o for o in outcomes if o is not None and o.outcome is Outcome.CHARGED]
    if [o.invoice_id for o in charged] != ["inv-autopay"]:
        raise RuntimeError(f"the world's AutoPay run charged {outcomes}")
    world.run_id = summary.run_id
    world.as_customer("PUT", "/v1/me/autopay", {"enabled": False})


def _sign_up(world: World) -> None:
    """Logins for two customers (a create-login link redeemed, as the signup page does) and
    an active member of staff (a staff invite redeemed)."""
    svc = world.svc
    world.customer_id, world.reset_customer_id = world.customer_ids[0], world.customer_ids[1]
    for customer_id in (world.customer_id, world.reset_customer_id):
        token = world.link(LinkPurpose.CREATE_LOGIN, customer_id)
        tokens = accounts.accept_link(svc, token, world.password)
        if customer_id == world.customer_id:
            world.tokens, world.signed_in_at = tokens, svc.clock.now()
    member = accounts.invite_staff(svc, world.business_id, "Sam Rivera", "sam@example.com")
    token = accounts.issue_link(
        svc, LinkPurpose.STAFF_INVITE, world.business_id, member.staff_id, member.email
    )
    accounts.accept_link(svc, token, world.password)
    world.staff_email = member.email


@contextmanager
def world(customers: int = 10) -> Iterator[World]:
    """moto running with the resources of template.yaml, the fake Stripe on loopback (no
    added latency, no webhook deliveries: the bench delivers what it needs), the process's
    services installed (before any handler is imported, since handlers take them at
    import), and a business with customers, two of them signed up (one with a card and a
    bank account saved), and a member of staff. The clock stands still at NOW, well inside
    the 15 minutes an access token lives."""
    clock = ManualClock(NOW)
    svc = bootstrap.Services.build(Settings.from_env(), clock)
    bootstrap.use(svc)
    with FakeStripe() as stripe, mock_aws():
        # The table (keys, indexes, TTL), the email queues and the session-signing secret;
        # the Stripe secret (made by hand in a real account) pointing at the fake.
        create_resources()
        put_stripe_secret(svc.settings.stripe_secret_name, stripe)
        populated = _populate(svc, customers, stripe, Gateway())
        forget_moto_copies()
        yield populated
