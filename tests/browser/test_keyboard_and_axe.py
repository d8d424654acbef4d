"""The payment flow with the keyboard alone, and an axe-core scan of every portal page, on a
phone and on a desktop."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import new_context
from tests.browser.journeys import (
    PASSWORD,
    SLUG,
    accept_invite,
    axe_violations,
    invited_customer,
    narrowed,
    receipts,
    screenshot,
)
from tests.e2e.runtime import Runtime, business

FOCUSED_MATCHES = (
    "(selector) => !!document.activeElement && document.activeElement.matches(selector)"
)
FOCUS_RING = """() => {
    const style = getComputedStyle(document.activeElement);
    return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
}"""


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element `selector` has focus (never a trap: it must get there),
    and check the focus can be seen."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_MATCHES, selector):
            assert page.evaluate(FOCUS_RING), f"no visible focus ring on {selector}"
            return
    pytest.fail(f"Tab never reached {selector} in {limit} presses")


def test_the_payment_flow_with_the_keyboard_alone(
    page: Page, runtime: Runtime, demo: dict[str, Any]
):
    invited = invited_customer(runtime, demo)

    # Create the login: type the password, press Enter
    page.goto(invited.link)
    tab_to(page, "#new-password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#home-heading")).to_contain_text(invited.customer.name)

    # Billing info -> Add a card -> the card form: Visa is chosen; Save card
    tab_to(page, "nav a[data-page=billing]")
    page.keyboard.press("Enter")
    expect(page.locator("#billing-heading")).to_be_focused()
    tab_to(page, "#add-card-button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/_fake/card-form\?"))
    tab_to(page, "input[value=pm_card_visa]")
    page.keyboard.press("Space")
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#billing-status")).to_have_text("Visa ending 4242 is saved.")

    # Pay: choose the invoice with the arrow keys and Space, then pay
    tab_to(page, "nav a[data-page=pay]")
    page.keyboard.press("Enter")
    expect(page.locator("#pay-heading")).to_be_focused()
    tab_to(page, "#pay-target-balance")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#pay-target-invoices")).to_be_checked()
    tab_to(page, f"input[value={invited.invoice_id}]")
    page.keyboard.press("Space")
    expect(page.locator("#pay-total")).to_have_text("Total: $129.90")
    tab_to(page, "#pay-submit")
    page.keyboard.press("Enter")

    # The confirmation takes the focus, so a screen reader reads it out
    expect(page.locator("#pay-done-text")).to_be_focused()
    expect(page.locator("#pay-done-text")).to_contain_text("$129.90")
    assert len(receipts(runtime, invited.customer)) == 1


def test_every_portal_page_passes_axe(
    browser: Browser, page: Page, runtime: Runtime, demo: dict[str, Any], viewport: str
):
    found: dict[str, list[dict[str, Any]]] = {}

    narrow: list[str] = []

    def scan(name: str) -> None:
        page.wait_for_load_state("networkidle")
        found[name] = axe_violations(page)
        if viewport == "phone":
            # From 360 px up: nothing may need scrolling sideways (tables scroll in their box).
            with narrowed(page):
                if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
                    narrow.append(name)

    # Signed out: sign-in and an emailed link
    page.goto(f"/p/{SLUG}")
    expect(page.locator("#signin-heading")).to_be_visible()
    scan("sign-in")
    screenshot(page, "sign-in", viewport)
    invited = invited_customer(runtime, demo)
    page.goto(invited.link)
    expect(page.locator("#new-password-form")).to_be_visible()
    scan("create-login")

    # Signed in: every page, the card form and the payment's confirmation
    accept_invite(page, invited)
    scan("home")
    page.goto(f"/p/{SLUG}/invoices")
    expect(page.locator("#invoices-list li")).to_have_count(1)
    scan("invoices")
    page.goto(f"/p/{SLUG}/invoices/{invited.invoice_id}")
    expect(page.locator("#invoice-lines tr")).to_have_count(2)
    scan("invoice")
    page.goto(f"/p/{SLUG}/payments")
    expect(page.locator("#payments-status")).to_have_text("No payments yet.")
    scan("payments")
    page.goto(f"/p/{SLUG}/pay")
    expect(page.locator("#pay-form")).to_be_visible()
    scan("pay")
    page.goto(f"/p/{SLUG}/billing")
    expect(page.locator("#wallet-empty")).to_be_visible()
    page.locator("#add-card-button").click()
    page.wait_for_url(re.compile(r"/_fake/card-form\?"))
    scan("card-form")
    screenshot(page, "card-form", viewport)
    page.locator("form button[type=submit]").click()
    expect(page.locator("#autopay-form")).to_be_visible()
    scan("billing")
    page.goto(f"/p/{SLUG}/pay")
    page.locator("#pay-submit").click()
    expect(page.locator("#pay-done-text")).to_be_visible()
    scan("pay-done")
    page.goto(f"/p/{SLUG}/review")
    page.locator("#review-form button[type=submit]").click()
    expect(page.locator("#review-message")).to_have_text("Choose from 1 to 5 stars.")
    scan("review-error")
    page.locator("#rating-5").check()
    page.locator("#review-form button[type=submit]").click()
    expect(page.locator("#review-public-link")).to_be_visible()
    scan("review-done")

    # A past-due customer's home and invoices (the demo's Linda Nguyen)
    linda = next(c for c in business(demo, SLUG)["customers"] if c["customer_id"] == "cust-1005")
    other = new_context(browser, runtime, viewport)
    past_due = other.new_page()
    past_due.goto(f"/p/{SLUG}")
    past_due.locator("#login-email").fill(linda["email"])
    past_due.locator("#login-password").fill(linda["password"])
    past_due.locator("#password-form button[type=submit]").click()
    expect(past_due.locator("#home-past-due-banner")).to_be_visible()
    page = past_due
    scan("home-past-due")
    screenshot(past_due, "home-past-due", viewport)
    # Her service history: visits to come and past ones with before and after photos
    past_due.goto(f"/p/{SLUG}/visits")
    expect(past_due.locator("#visits-past .visit-photos img")).to_have_count(2)
    scan("visits")
    other.close()

    # The demo's Maria Lopez has a document the business shared
    maria = next(c for c in business(demo, SLUG)["customers"] if c["customer_id"] == "cust-1001")
    third = new_context(browser, runtime, viewport)
    page = third.new_page()
    page.goto(f"/p/{SLUG}")
    page.locator("#login-email").fill(maria["email"])
    page.locator("#login-password").fill(maria["password"])
    page.locator("#password-form button[type=submit]").click()
    expect(page.locator("#home-heading")).to_contain_text("Maria")
    page.goto(f"/p/{SLUG}/documents")
    expect(page.locator("#documents-list li")).to_have_count(1)
    scan("documents")
    third.close()

    assert {name: v for name, v in found.items() if v} == {}
    assert narrow == []


def test_the_axe_scan_finds_what_it_should(page: Page):
    # A scan that found nothing anywhere would prove nothing: it must catch an unlabeled field
    # and an image without a text alternative.
    page.set_content('<html lang="en"><body><main><img src="/x.png"><input></main></body></html>')

    rules = {violation["id"] for violation in axe_violations(page)}

    assert {"image-alt", "label"} <= rules
