"""The customer's billing pages through the local runtime over HTTP ("Billing views"): the
dashboard's balance and past-due amount, the invoice list, an invoice and its PDF, payments,
the statement in JSON, CSV and PDF; what a CRM's draft, sent and void pushes do to them; and
that another business's customer never reads them.

Expected figures come from the admin API (what the business pushed), not from copies of the
demo's numbers: other tests push invoices of their own, and the figures must still add up.
DESIGN 2: only sent invoices show and count; drafts and voids never do.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from tests.e2e.portal import admin_key, login
from tests.e2e.runtime import Response, Runtime, business

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

POOLS = "sparkling-pools"
LAWN = "greenleaf-lawn"
SHARED_EMAIL = "shared@example.com"  # a customer of both, with a login at each
# Only these admin statuses are the CRM's "sent" (paid and partially paid follow from money
# applied to a sent invoice); draft and void never show and never count.
COUNTED = {"sent", "partially_paid", "paid"}
# The demo's customers with a login at Sparkling Pools, by their demo state: one with a draft
# invoice (active_autopay), one with a voided invoice (active_no_payment_method, the first of
# that state), one past due.
STATES = ["active_autopay", "active_no_payment_method", "past_due"]
CSV_HEADER = ["date", "kind", "reference", "description", "amount", "balance"]
# What the customer's invoice page shares with the admin view.
ADMIN_FIELDS = (
    "invoice_id", "customer_id", "number", "status", "issue_date", "due_date", "currency",
    "lines", "subtotal", "tax_amount", "total", "amount_paid", "amount_due", "autopay_eligible",
    "memo", "applied_payments",
)  # fmt: skip


# --- helpers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """A signed-in demo customer, calling the API with the access token as a Bearer header."""

    runtime: Runtime
    slug: str
    customer_id: str
    token: str

    def get(self, path: str) -> Response:
        return self.runtime.request("GET", path, headers={"authorization": f"Bearer {self.token}"})

    def json(self, path: str) -> Any:
        response = self.get(path)
        assert response.status == 200, (path, response.status, response.body)
        assert response.content_type.startswith("application/json"), response.headers
        return response.json()


def demo_customer(demo: dict[str, Any], slug: str, state: str) -> dict[str, Any]:
    """The first demo customer of `slug` in `state` that has a login."""
    found = [c for c in business(demo, slug)["customers"] if c["state"] == state and c["password"]]
    assert found, f"the demo has no {state} customer with a login at {slug}"
    return found[0]


# Sessions by (runtime, customer): one still accepted is reused, sparing a sign-in (and its
# password hash) per test; one that is not (a test moved the clock) is replaced.
_SESSIONS: dict[tuple[str, str], Session] = {}


def sign_in(runtime: Runtime, slug: str, customer: dict[str, Any]) -> Session:
    """The customer, signed in with their demo password."""
    cached = _SESSIONS.get((runtime.base_url, customer["customer_id"]))
    if cached is not None and cached.get("/v1/me").status == 200:
        return cached
    signed_in = login(runtime, slug, customer["email"], customer["password"])
    assert signed_in.status == 200, signed_in.body
    session = Session(runtime, slug, customer["customer_id"], signed_in.json()["access_token"])
    assert session.json("/v1/me")["customer"]["customer_id"] == customer["customer_id"]
    _SESSIONS[(runtime.base_url, customer["customer_id"])] = session
    return session


def pages(get: Callable[[str], Any], path: str) -> list[dict[str, Any]]:
    """Every item of a list endpoint, following `next_cursor`."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    separator = "&" if "?" in path else "?"
    for _ in range(100):
        page = get(path + (f"{separator}cursor={cursor}" if cursor else ""))
        assert set(page) == {"items", "next_cursor"}, page
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items
    raise AssertionError(f"{path} never ran out of pages")


def admin_invoices(
    runtime: Runtime, demo: dict[str, Any], slug: str, customer_id: str
) -> list[dict[str, Any]]:
    """What the business has pushed for the customer, as the admin API reports it."""
    key = admin_key(demo, slug)

    def get(path: str) -> Any:
        response = runtime.request("GET", path, api_key=key)
        assert response.status == 200, response.body
        return response.json()

    found = pages(get, f"/v1/admin/invoices?customer_id={customer_id}&limit=100")
    assert {invoice["customer_id"] for invoice in found} <= {customer_id}
    return found


def counted(invoices: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [invoice for invoice in invoices if invoice["status"] in COUNTED]


def portal_invoices(session: Session, status: str = "all") -> list[dict[str, Any]]:
    return pages(session.json, f"/v1/me/invoices?status={status}&limit=2")


def portal_order(invoices: list[dict[str, Any]]) -> list[str]:
    """Unpaid first, then newest (by issue date; the id breaks a tie)."""

    def key(invoice: dict[str, Any]) -> tuple[bool, int, str]:
        newest_first = -date.fromisoformat(invoice["issue_date"]).toordinal()
        return invoice["amount_due"] == 0, newest_first, invoice["invoice_id"]

    return [invoice["invoice_id"] for invoice in sorted(invoices, key=key)]


def cents(amount: int) -> Decimal:
    """USD cents as dollars, exactly."""
    return Decimal(amount).scaleb(-2)


def usd(amount: int) -> str:
    """How a customer reads an amount of USD cents: "$3,292.42"."""
    sign = "-" if amount < 0 else ""
    return f"{sign}${cents(abs(amount)):,.2f}"


def pdf_text(response: Response) -> str:
    assert response.status == 200, response.body
    assert response.content_type.startswith("application/pdf"), response.headers
    assert response.body.startswith(b"%PDF"), response.body[:32]
    reader = PdfReader(io.BytesIO(response.body))
    assert len(reader.pages) >= 1
    return "\n".join(page.extract_text() for page in reader.pages)


def expected_dashboard(invoices: list[dict[str, Any]], today: date) -> dict[str, Any]:
    owed = counted(invoices)
    past_due = sum(i["amount_due"] for i in owed if date.fromisoformat(i["due_date"]) < today)
    return {
        "balance_due": sum(i["amount_due"] for i in owed),
        "past_due_amount": past_due,
        "past_due": past_due > 0,
        "open_invoice_count": sum(1 for i in owed if i["amount_due"] > 0),
    }


def dashboard_figures(home: dict[str, Any]) -> dict[str, Any]:
    names = ("balance_due", "past_due_amount", "past_due", "open_invoice_count")
    return {name: home[name] for name in names}


def not_found(response: Response) -> None:
    assert response.status == 404, (response.status, response.body)
    assert response.content_type.startswith("application/json"), response.headers
    assert set(response.json()["error"]) >= {"code", "message"}


def push_invoice(
    runtime: Runtime, demo: dict[str, Any], slug: str, invoice_id: str, body: dict[str, Any]
) -> Response:
    return runtime.request(
        "PUT", f"/v1/admin/invoices/{invoice_id}", body, api_key=admin_key(demo, slug)
    )


def new_invoice_body(customer_id: str, today: date, status: str) -> dict[str, Any]:
    """A repair issued today, due in a month, over $1,000 (so the PDF shows a grouped total)."""
    lines = [
        {"description": "Heater diagnosis (hours)", "quantity": "1.5", "unit_amount": 9_500},
        {"description": "Heat pump heater", "quantity": 1, "unit_amount": 289_900},
    ]
    subtotal = 14_250 + 289_900
    tax = (subtotal * 825 + 5_000) // 10_000  # 8.25 %, half up
    return {
        "customer_id": customer_id,
        "number": f"E2E-{uuid.uuid4().hex[:6].upper()}",
        "status": status,
        "issue_date": today.isoformat(),
        "due_date": (today + timedelta(days=30)).isoformat(),
        "currency": "USD",
        "lines": lines,
        "tax_amount": tax,
        "total": subtotal + tax,
        "autopay_eligible": False,
    }


@dataclass
class Pushed:
    """An invoice id no other run uses, and the last body the test pushed under it."""

    invoice_id: str
    body: dict[str, Any] | None = None


@pytest.fixture
def fresh_invoice(runtime: Runtime, demo: dict[str, Any]) -> Iterator[Pushed]:
    """Whatever the test pushed is voided afterwards, so the demo's balances are as the test
    found them even if it fails half-way."""
    pushed = Pushed(f"inv-e2e-{uuid.uuid4().hex[:10]}")
    yield pushed
    if pushed.body is not None and pushed.body["status"] != "void":
        voided = push_invoice(
            runtime, demo, POOLS, pushed.invoice_id, {**pushed.body, "status": "void"}
        )
        assert voided.status == 200, voided.body


# --- the pages as the demo has them ------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_given_a_demo_customer_when_opening_the_dashboard_then_balance_and_past_due_add_up(
    runtime: Runtime, demo: dict[str, Any], state: str
) -> None:
    session = sign_in(runtime, POOLS, demo_customer(demo, POOLS, state))
    invoices = admin_invoices(runtime, demo, POOLS, session.customer_id)

    home = session.json("/v1/me")

    today = date.fromisoformat(home["today"])
    assert dashboard_figures(home) == expected_dashboard(invoices, today)
    assert home["customer"]["balance_due"] == home["balance_due"]
    assert home["currency"] == "USD"
    assert home["invoices_available"] is True
    assert "invoices" in home["tabs"]
    assert home["business"]["slug"] == POOLS
    if state == "past_due":  # the demo's past-due customer is past due whenever it starts
        assert home["past_due"] is True
        assert 0 < home["past_due_amount"] <= home["balance_due"]


@pytest.mark.parametrize("state", STATES)
def test_given_a_demo_customer_when_listing_invoices_then_only_sent_ones_unpaid_first_newest(
    runtime: Runtime, demo: dict[str, Any], state: str
) -> None:
    session = sign_in(runtime, POOLS, demo_customer(demo, POOLS, state))
    invoices = admin_invoices(runtime, demo, POOLS, session.customer_id)
    hidden = {i["invoice_id"] for i in invoices if i["status"] not in COUNTED}

    listed = portal_invoices(session)  # two to a page: the cursor is followed too
    opened = portal_invoices(session, "open")
    paid = portal_invoices(session, "paid")

    ids = [invoice["invoice_id"] for invoice in listed]
    assert ids == portal_order(counted(invoices))
    assert not set(ids) & hidden
    assert all(invoice["customer_id"] == session.customer_id for invoice in listed)
    assert [i["invoice_id"] for i in opened] == [
        invoice["invoice_id"] for invoice in listed if invoice["amount_due"] > 0
    ]
    assert [i["invoice_id"] for i in paid] == [
        invoice["invoice_id"] for invoice in listed if invoice["amount_due"] == 0
    ]
    if state != "past_due":
        # Maria has a draft and James a voided invoice in the demo: the filter is exercised.
        assert hidden, f"expected the {state} customer to have a draft or a void"


def test_given_a_demo_invoice_when_opened_then_it_matches_the_admin_view(
    runtime: Runtime, demo: dict[str, Any]
) -> None:
    session = sign_in(runtime, POOLS, demo_customer(demo, POOLS, "past_due"))
    pushed = admin_invoices(runtime, demo, POOLS, session.customer_id)
    invoices = {invoice["invoice_id"]: invoice for invoice in pushed}
    today = date.fromisoformat(session.json("/v1/me")["today"])

    for invoice in counted(list(invoices.values())):
        shown = session.json(f"/v1/me/invoices/{invoice['invoice_id']}")
        admin = invoices[invoice["invoice_id"]]
        assert {name: shown[name] for name in ADMIN_FIELDS} == {
            name: admin[name] for name in ADMIN_FIELDS
        }
        assert shown["subtotal"] == sum(line["amount"] for line in shown["lines"])
        assert shown["total"] == shown["subtotal"] + shown["tax_amount"]
        assert shown["amount_due"] == shown["total"] - shown["amount_paid"]
        assert shown["past_due"] is (
            shown["amount_due"] > 0 and date.fromisoformat(shown["due_date"]) < today
        )
        assert shown["pdf_url"] == f"/v1/me/invoices/{invoice['invoice_id']}/pdf"
    assert any(i["past_due"] for i in portal_invoices(session))


def test_given_a_demo_invoice_when_its_pdf_is_downloaded_then_it_shows_number_total_and_link(
    runtime: Runtime, demo: dict[str, Any]
) -> None:
    session = sign_in(runtime, POOLS, demo_customer(demo, POOLS, "past_due"))
    invoice = next(i for i in portal_invoices(session) if i["past_due"])

    response = session.get(invoice["pdf_url"])

    text = pdf_text(response)
    assert invoice["number"] in text
    assert usd(invoice["total"]) in text
    assert usd(invoice["amount_due"]) in text
    for line in invoice["lines"]:
        assert line["description"] in text
    assert f"{runtime.base_url}/p/{POOLS}" in text  # DESIGN 2: the link on every invoice
    assert response.headers.get("cache-control") == "private, no-store"
    assert f"invoice-{invoice['invoice_id']}.pdf" in response.headers["content-disposition"]


def test_given_a_demo_customer_when_listing_payments_then_the_list_answers(
    runtime: Runtime, demo: dict[str, Any]
) -> None:
    session = sign_in(runtime, POOLS, demo_customer(demo, POOLS, "past_due"))

    payments = pages(session.json, "/v1/me/payments?limit=100")

    # No payments yet in the demo (they arrive with the payments feature); any there is
    # this customer's and has its receipt.
    for payment in payments:
        assert payment["customer_id"] == session.customer_id
        assert payment["receipt_url"] == f"/v1/me/payments/{payment['payment_id']}/receipt"


def test_given_a_demo_customer_when_reading_the_statement_then_json_csv_and_pdf_agree(
    runtime: Runtime, demo: dict[str, Any]
) -> None:
    session = sign_in(runtime, POOLS, demo_customer(demo, POOLS, "past_due"))
    invoices = counted(admin_invoices(runtime, demo, POOLS, session.customer_id))
    today = date.fromisoformat(session.json("/v1/me")["today"])

    statement = session.json("/v1/me/statement?format=json")
    sheet = session.get("/v1/me/statement?format=csv")
    document = session.get("/v1/me/statement?format=pdf")

    # JSON: the last 90 days by default; opening + entries = closing, running balance.
    start = date.fromisoformat(statement["from_date"])
    end = date.fromisoformat(statement["to_date"])
    assert (start, end) == (today - timedelta(days=90), today)
    assert statement["customer_id"] == session.customer_id
    assert statement["currency"] == "USD"
    entries = statement["entries"]
    balance = statement["opening_balance"]
    for entry in entries:
        balance += entry["amount"]
        assert entry["balance"] == balance, entry
        assert start <= date.fromisoformat(entry["date"]) <= end
    assert statement["closing_balance"] == balance
    assert [e["date"] for e in entries] == sorted(e["date"] for e in entries)
    in_range = {
        i["number"]: i["total"]
        for i in invoices
        if start <= date.fromisoformat(i["issue_date"]) <= end
    }
    assert {e["reference"]: e["amount"] for e in entries if e["kind"] == "invoice"} == in_range
    assert in_range, "the past-due customer's invoices are within the last 90 days"

    # CSV: the header, the opening row, one row per entry, the closing row.
    assert sheet.status == 200, sheet.body
    assert sheet.content_type.startswith("text/csv"), sheet.headers
    rows = list(csv.reader(io.StringIO(sheet.body.decode("utf-8"))))
    assert rows[0] == CSV_HEADER
    body = [row for row in rows[1:] if row]
    assert body[0][1] == "opening_balance"
    assert body[-1][1] == "closing_balance"
    assert Decimal(body[0][5]) == cents(statement["opening_balance"])
    assert Decimal(body[-1][5]) == cents(statement["closing_balance"])
    middle = body[1:-1]
    assert [(*row[:4], Decimal(row[4]), Decimal(row[5])) for row in middle] == [
        (*(e[name] for name in CSV_HEADER[:4]), cents(e["amount"]), cents(e["balance"]))
        for e in entries
    ]

    # PDF: opens, and shows the closing balance and every invoice's number.
    text = pdf_text(document)
    assert usd(statement["closing_balance"]) in text
    for number in in_range:
        assert number in text


def test_given_a_range_when_reading_statements_then_one_opens_where_the_last_closed(
    runtime: Runtime, demo: dict[str, Any]
) -> None:
    session = sign_in(runtime, POOLS, demo_customer(demo, POOLS, "past_due"))
    invoices = counted(admin_invoices(runtime, demo, POOLS, session.customer_id))
    # Split the history just after the oldest sent invoice.
    split = min(date.fromisoformat(i["issue_date"]) for i in invoices) + timedelta(days=1)
    today = date.fromisoformat(session.json("/v1/me")["today"])

    before = session.json(f"/v1/me/statement?to={split - timedelta(days=1)}")
    after = session.json(f"/v1/me/statement?from={split}&to={today}")
    whole = session.json(f"/v1/me/statement?from={split - timedelta(days=365)}&to={today}")

    assert before["closing_balance"] > 0
    assert after["opening_balance"] == before["closing_balance"]
    assert after["closing_balance"] == whole["closing_balance"]
    entries_total = sum(entry["amount"] for entry in whole["entries"])
    assert whole["opening_balance"] + entries_total == whole["closing_balance"]
    assert not [e for e in after["entries"] if date.fromisoformat(e["date"]) < split]


# --- a CRM's pushes ------------------------------------------------------------------------------


def test_given_a_pushed_invoice_when_draft_then_sent_then_void_the_pages_follow(
    runtime: Runtime, demo: dict[str, Any], fresh_invoice: Pushed
) -> None:
    session = sign_in(runtime, POOLS, demo_customer(demo, POOLS, "past_due"))
    invoice_id = fresh_invoice.invoice_id
    home = session.json("/v1/me")
    today = date.fromisoformat(home["today"])
    before_ids = [i["invoice_id"] for i in portal_invoices(session)]
    before_figures = dashboard_figures(home)
    before_closing = session.json("/v1/me/statement")["closing_balance"]
    body = new_invoice_body(session.customer_id, today, "draft")

    # A draft: pushed, but neither listed, nor readable, nor counted.
    fresh_invoice.body = body
    drafted = push_invoice(runtime, demo, POOLS, invoice_id, body)
    assert drafted.status == 201, drafted.body
    assert drafted.json()["status"] == "draft"
    assert [i["invoice_id"] for i in portal_invoices(session)] == before_ids
    assert dashboard_figures(session.json("/v1/me")) == before_figures
    not_found(session.get(f"/v1/me/invoices/{invoice_id}"))
    not_found(session.get(f"/v1/me/invoices/{invoice_id}/pdf"))
    statement = session.json("/v1/me/statement")
    assert statement["closing_balance"] == before_closing
    assert not [e for e in statement["entries"] if e["reference"] == body["number"]]

    # Sent: first in the list (unpaid and newest), the balance grows by its total.
    fresh_invoice.body = {**body, "status": "sent"}
    sent = push_invoice(runtime, demo, POOLS, invoice_id, fresh_invoice.body)
    assert sent.status == 200, sent.body
    listed = portal_invoices(session)
    assert [i["invoice_id"] for i in listed] == [invoice_id, *before_ids]
    assert listed[0]["total"] == body["total"] == listed[0]["amount_due"]
    assert listed[0]["past_due"] is False
    assert portal_invoices(session, "open")[0]["invoice_id"] == invoice_id
    home = session.json("/v1/me")
    assert home["balance_due"] == before_figures["balance_due"] + body["total"]
    assert home["past_due_amount"] == before_figures["past_due_amount"]  # due in a month
    assert home["open_invoice_count"] == before_figures["open_invoice_count"] + 1
    shown = session.json(f"/v1/me/invoices/{invoice_id}")
    admin = runtime.request(
        "GET", f"/v1/admin/invoices/{invoice_id}", api_key=admin_key(demo, POOLS)
    ).json()
    assert shown["lines"] == admin["lines"]
    assert [line["amount"] for line in shown["lines"]] == [14_250, 289_900]
    assert (shown["subtotal"], shown["tax_amount"], shown["total"]) == (
        304_150,
        body["tax_amount"],
        body["total"],
    )
    text = pdf_text(session.get(f"/v1/me/invoices/{invoice_id}/pdf"))
    assert body["number"] in text
    assert usd(body["total"]) in text  # "$3,292.42"
    statement = session.json("/v1/me/statement")
    assert statement["closing_balance"] == before_closing + body["total"]
    assert [e["amount"] for e in statement["entries"] if e["reference"] == body["number"]] == [
        body["total"]
    ]

    # Void: gone from every page, and the figures are back where they were.
    voided = push_invoice(runtime, demo, POOLS, invoice_id, {**body, "status": "void"})
    assert voided.status == 200, voided.body
    fresh_invoice.body = {**body, "status": "void"}
    assert voided.json()["status"] == "void"
    assert [i["invoice_id"] for i in portal_invoices(session)] == before_ids
    assert dashboard_figures(session.json("/v1/me")) == before_figures
    not_found(session.get(f"/v1/me/invoices/{invoice_id}"))
    not_found(session.get(f"/v1/me/invoices/{invoice_id}/pdf"))
    statement = session.json("/v1/me/statement")
    assert statement["closing_balance"] == before_closing
    assert not [e for e in statement["entries"] if e["reference"] == body["number"]]


def test_given_a_sent_invoice_when_another_business_s_customer_asks_for_it_then_404(
    runtime: Runtime, demo: dict[str, Any], fresh_invoice: Pushed
) -> None:
    owner = sign_in(runtime, POOLS, demo_customer(demo, POOLS, "past_due"))
    # shared@example.com is a customer of both businesses: its Greenleaf account is the one
    # most likely to be confused with its Sparkling Pools one.
    shared = [
        (slug, customer)
        for slug in (POOLS, LAWN)
        for customer in business(demo, slug)["customers"]
        if customer["email"] == SHARED_EMAIL
    ]
    shared_at_pools = next(c["customer_id"] for slug, c in shared if slug == POOLS)
    stranger = sign_in(runtime, LAWN, next(c for slug, c in shared if slug == LAWN))
    invoice_id = fresh_invoice.invoice_id
    today = date.fromisoformat(owner.json("/v1/me")["today"])
    body = new_invoice_body(owner.customer_id, today, "sent")
    fresh_invoice.body = body
    assert push_invoice(runtime, demo, POOLS, invoice_id, body).status == 201
    assert owner.get(f"/v1/me/invoices/{invoice_id}").status == 200
    theirs = [i["invoice_id"] for i in portal_invoices(stranger)]
    shared_pools_invoices = counted(admin_invoices(runtime, demo, POOLS, shared_at_pools))

    not_found(stranger.get(f"/v1/me/invoices/{invoice_id}"))
    not_found(stranger.get(f"/v1/me/invoices/{invoice_id}/pdf"))
    assert invoice_id not in theirs
    # Nor the invoices of the same person's account at the other business.
    assert shared_pools_invoices
    for invoice in shared_pools_invoices:
        assert invoice["invoice_id"] not in theirs
        not_found(stranger.get(f"/v1/me/invoices/{invoice['invoice_id']}"))
        not_found(stranger.get(f"/v1/me/invoices/{invoice['invoice_id']}/pdf"))
    not_found(
        runtime.request("GET", f"/v1/admin/invoices/{invoice_id}", api_key=admin_key(demo, LAWN))
    )


@pytest.mark.parametrize(
    "path",
    [
        "/v1/me",
        "/v1/me/invoices",
        "/v1/me/invoices/inv-2007",
        "/v1/me/invoices/inv-2007/pdf",
        "/v1/me/payments",
        "/v1/me/statement?format=csv",
    ],
)
def test_given_no_session_when_opening_a_billing_page_then_401(runtime: Runtime, path: str) -> None:
    response = runtime.request("GET", path)

    assert response.status == 401, response.body
    assert response.json()["error"]["code"]
