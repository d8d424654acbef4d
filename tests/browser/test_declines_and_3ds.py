"""What the bank says, shown as the API answers it: a declined card's message, and 3-D Secure
through the fake Stripe's authentication page."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.journeys import SLUG, accept_invite, add_card, invited_customer, receipts
from tests.e2e.runtime import Runtime


def test_a_declined_card_shows_the_banks_message_and_charges_nothing(
    page: Page, runtime: Runtime, demo: dict[str, Any]
):
    invited = invited_customer(runtime, demo)
    accept_invite(page, invited)
    page.goto(f"/p/{SLUG}/pay")
    add_card(page, "pm_card_chargeCustomerFail", start="#pay-add-card")

    page.get_by_role("button", name="Pay $129.90").click()

    message = page.locator("#pay-message")
    expect(message).to_contain_text("declined")
    expect(message).to_have_class(re.compile(r"\bis-error\b"))
    expect(page.locator("#pay-form")).to_be_visible()
    page.get_by_role("link", name="Home").click()
    expect(page.locator("#home-balance")).to_have_text("$129.90")
    assert receipts(runtime, invited.customer) == []


def test_a_card_that_needs_3d_secure_is_confirmed_on_the_banks_page(
    page: Page, runtime: Runtime, demo: dict[str, Any]
):
    invited = invited_customer(runtime, demo)
    accept_invite(page, invited)
    page.goto(f"/p/{SLUG}/pay")
    add_card(page, "pm_card_authenticationRequired", start="#pay-add-card")

    page.get_by_role("button", name="Pay $129.90").click()
    page.wait_for_url(re.compile(r"/_fake/authenticate\?"))
    expect(page.get_by_role("heading", name="Confirm this payment")).to_be_visible()
    page.get_by_role("button", name="Complete authentication").click()

    expect(page.locator("#pay-done-text")).to_contain_text("We received your payment of $129.90")
    assert "payment_intent" not in page.url
    page.get_by_role("link", name="Back to home").click()
    expect(page.locator("#home-balance")).to_have_text("$0.00")
    assert len(receipts(runtime, invited.customer)) == 1


def test_a_failed_3d_secure_says_nothing_was_charged(
    page: Page, runtime: Runtime, demo: dict[str, Any]
):
    invited = invited_customer(runtime, demo)
    accept_invite(page, invited)
    page.goto(f"/p/{SLUG}/pay")
    add_card(page, "pm_card_authenticationRequired", start="#pay-add-card")

    page.get_by_role("button", name="Pay $129.90").click()
    page.wait_for_url(re.compile(r"/_fake/authenticate\?"))
    page.get_by_role("button", name="Fail authentication").click()

    status = page.locator("#pay-status")
    expect(status).to_have_text(
        "Your bank did not confirm the payment, so nothing was charged. "
        "Try again or choose another card."
    )
    expect(status).to_be_focused()
    page.get_by_role("link", name="Home").click()
    expect(page.locator("#home-balance")).to_have_text("$129.90")
    assert receipts(runtime, invited.customer) == []
