"""What the browser tests do as a business's CRM and as a customer: push a customer with an
invoice, invite them, follow the emailed link, add a test card through the fake Stripe's card
form, and check pages with axe-core."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import AXE, SCREENSHOTS
from tests.e2e.portal import Customer, admin_key, drain, emails_to, invite, new_customer
from tests.e2e.runtime import Runtime

SLUG = "sparkling-pools"
PASSWORD = "a long and unusual passphrase 42"
INVOICE_TOTAL = 12_990  # $129.90


@dataclass(frozen=True)
class Invited:
    customer: Customer
    invoice_id: str
    invoice_number: str
    link: str  # the create-login address, as the invite email gives it (path and query)


def invited_customer(
    runtime: Runtime,
    demo: dict[str, Any],
    name: str | None = None,
    line: str = "Weekly pool service",
) -> Invited:
    """A new customer of Sparkling Pools with one sent invoice, invited by the business; the
    link is read from the invite email in /_dev/outbox. `name` and `line` replace the
    customer's name and the first line's description, as the CRM sends them."""
    customer = new_customer(runtime, demo, SLUG)
    if name is not None:
        key = admin_key(demo, SLUG)
        path = f"/v1/admin/customers/{customer.customer_id}"
        record = runtime.request("GET", path, api_key=key).json()
        fields = ("email", "phone", "service_address", "send_invoices", "service_texts")
        renamed = runtime.request(
            "PUT", path, {"name": name, **{f: record[f] for f in fields}}, api_key=key
        )
        assert renamed.status == 200, renamed.body
        customer = replace(customer, name=name)
    suffix = uuid.uuid4().hex[:8]
    invoice_id, number = f"inv-web-{suffix}", f"WEB-{suffix[:4].upper()}"
    body = {
        "customer_id": customer.customer_id,
        "number": number,
        "status": "sent",
        "issue_date": "2026-11-20",
        "due_date": "2026-12-20",
        "currency": "USD",
        "lines": [
            {"description": line, "quantity": 2, "unit_amount": 4_500},
            {"description": "Filter clean", "quantity": 1, "unit_amount": 3_990},
        ],
        "tax_amount": 0,
        "total": INVOICE_TOTAL,
        "autopay_eligible": True,
    }
    response = runtime.request(
        "PUT", f"/v1/admin/invoices/{invoice_id}", body, api_key=admin_key(demo, SLUG)
    )
    assert response.status == 201, response.body
    token = invite(runtime, demo, customer)
    return Invited(customer, invoice_id, number, f"/p/{SLUG}/create-login?token={token}")


def accept_invite(page: Page, invited: Invited, password_label: str = "New password") -> None:
    """Open the invite link, choose a password: the portal's home opens."""
    page.goto(invited.link)
    page.get_by_label(password_label).fill(PASSWORD)
    page.locator("#new-password-form button[type=submit]").click()
    expect(page.locator("#home-heading")).to_contain_text(invited.customer.name)
    # The token left the address bar before any request.
    assert "token=" not in page.url


def add_card(page: Page, card: str = "pm_card_visa", start: str = "#add-card-button") -> None:
    """Open the fake Stripe's card form from the portal, pick a test card, save it."""
    page.locator(start).click()
    page.wait_for_url(re.compile(r"/_fake/card-form\?"))
    page.locator(f"input[value={card}]").check()
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/p/{SLUG}/(billing|pay)$"))


def receipts(runtime: Runtime, customer: Customer) -> list[dict[str, Any]]:
    """The receipt emails to the customer in /_dev/outbox, after delivering queued mail."""
    drain(runtime)
    return [
        m
        for m in emails_to(runtime, customer.email)
        if m["subject"].startswith(("Payment received", "Pago recibido"))
    ]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2.x A and
    AA rules, 2.2 included)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                            "wcag22aa", "best-practice"]},
            resultTypes: ["violations"],
        })"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@contextmanager
def narrowed(page: Page) -> Iterator[None]:
    """The page at 360 CSS pixels wide, the narrowest phone the portal supports; then back."""
    size = page.viewport_size
    page.set_viewport_size({"width": 360, "height": 780})
    try:
        yield
    finally:
        if size:
            page.set_viewport_size(size)


def widths(page: Page) -> tuple[int, int]:
    """The page's scroll width and the width it is shown in (equal when nothing sticks out)."""
    return page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )


def screenshot(page: Page, name: str, viewport: str) -> None:
    """docs/screenshots/{name}-{viewport}.png, when PORTICO_SCREENSHOTS=1 (`make
    screenshots`): `make test` leaves the committed pictures alone."""
    if os.environ.get("PORTICO_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{viewport}.png"), full_page=True)
