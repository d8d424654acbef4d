"""The business's choices and the session's end, as a customer meets them: only the tabs the
business turned on, in its colour; a session that ends mid-payment comes back to the payment
after signing in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.journeys import (
    PASSWORD,
    SLUG,
    accept_invite,
    add_card,
    invited_customer,
    receipts,
)
from tests.e2e.runtime import Runtime, business

LAWN = "greenleaf-lawn"


@pytest.fixture
def lawn_without_payments(runtime: Runtime, demo: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Greenleaf Lawn with its Payments, Service history and Estimates tabs off; turned back
    on afterwards."""
    key = business(demo, LAWN)["admin_api_key"]
    settings = runtime.request("GET", "/v1/admin/portal", api_key=key).json()
    tabs = settings["tabs"]
    changed = runtime.request(
        "PUT",
        "/v1/admin/portal",
        {"tabs": tabs | {"payments": False, "service_history": False, "estimates": False}},
        api_key=key,
    )
    assert changed.status == 200, changed.body
    yield settings
    restored = runtime.request("PUT", "/v1/admin/portal", {"tabs": tabs}, api_key=key)
    assert restored.status == 200, restored.body


def test_only_the_tabs_the_business_turned_on_are_offered_in_its_colour(
    page: Page, demo: dict[str, Any], lawn_without_payments: dict[str, Any]
):
    ana = next(c for c in business(demo, LAWN)["customers"] if c["customer_id"] == "cust-1102")
    page.goto(f"/p/{LAWN}")
    page.locator("#login-email").fill(ana["email"])
    page.locator("#login-password").fill(ana["password"])
    page.locator("#password-form button[type=submit]").click()
    expect(page.locator("#home-heading")).to_have_text("Hello, Ana Torres")

    nav = page.get_by_role("navigation", name="Portal")
    expect(nav.get_by_role("link")).to_have_text(
        ["Home", "Invoices", "Statement", "Requests", "Rate us", "Documents", "Account"]
    )
    expect(page.locator("#home-pay")).to_be_hidden()
    colour = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--brand')")
    assert colour.strip().lower() == lawn_without_payments["branding"]["primary_color"].lower()

    # The address of a page that is off leads home, not to a page the API would refuse
    page.goto(f"/p/{LAWN}/pay")
    expect(page.locator("#home-heading")).to_be_visible()
    expect(page.locator("#view-pay")).to_be_hidden()
    page.goto(f"/p/{LAWN}/visits")
    expect(page.locator("#home-heading")).to_be_visible()
    expect(page.locator("#view-visits")).to_be_hidden()
    page.goto(f"/p/{LAWN}/estimates")
    expect(page.locator("#home-heading")).to_be_visible()
    expect(page.locator("#view-estimates")).to_be_hidden()


def test_a_session_that_ends_mid_payment_returns_to_the_payment_after_signing_in(
    page: Page, context: BrowserContext, runtime: Runtime, demo: dict[str, Any]
):
    invited = invited_customer(runtime, demo)
    accept_invite(page, invited)
    page.goto(f"/p/{SLUG}/pay")
    add_card(page, start="#pay-add-card")
    expect(page.get_by_role("button", name="Pay $129.90")).to_be_visible()

    # The session ends (cookies gone) while the pay page is open
    context.clear_cookies()
    page.get_by_role("button", name="Pay $129.90").click()

    expect(page.locator("#signin-status")).to_have_text(
        "Your session ended. Sign in again to continue where you were."
    )
    page.locator("#login-email").fill(invited.customer.email)
    page.locator("#login-password").fill(PASSWORD)
    page.locator("#password-form button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/p/{SLUG}/pay$"))
    page.get_by_role("button", name="Pay $129.90").click()
    expect(page.locator("#pay-done-text")).to_contain_text("$129.90")
    assert len(receipts(runtime, invited.customer)) == 1


def test_markup_in_what_the_crm_sends_is_shown_as_text_never_run(
    page: Page, runtime: Runtime, demo: dict[str, Any]
):
    attack = '<img src=x onerror="window.pwned=1">'
    invited = invited_customer(runtime, demo, name=f"Casey {attack}", line=f"Service {attack}")

    accept_invite(page, invited)
    expect(page.locator("#home-heading")).to_have_text(f"Hello, Casey {attack}")
    page.goto(f"/p/{SLUG}/invoices/{invited.invoice_id}")
    expect(page.locator("#invoice-lines td").first).to_have_text(f"Service {attack}")

    assert page.evaluate("window.pwned") is None
    assert page.locator("main img").count() == 0
