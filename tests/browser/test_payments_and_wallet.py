"""What the bank says, shown as the API answers it (a declined card's message, 3-D Secure
through the fake Stripe's authentication page, passed or failed), and the wallet's default
and remove buttons with the invoices' Open and Paid filters."""

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


def test_the_wallet_sets_a_default_and_removes_a_card_and_invoices_filter_by_state(
    page: Page, runtime: Runtime, demo: dict[str, Any]
):
    invited = invited_customer(runtime, demo)
    accept_invite(page, invited)
    page.goto(f"/p/{SLUG}/billing")
    add_card(page, "pm_card_visa")
    add_card(page, "pm_card_mastercard")
    cards = page.locator("#wallet-list li .record-title")
    expect(cards).to_have_count(2)

    # Make the Mastercard the default, then remove the Visa
    page.get_by_role("button", name="Make Mastercard ending 4444 the default").click()
    expect(page.locator("#billing-status")).to_have_text(
        "Mastercard ending 4444 is now your default."
    )
    expect(page.locator("#wallet-list li").filter(has_text="Mastercard")).to_contain_text("Default")
    page.get_by_role("button", name="Remove Visa ending 4242").click()
    expect(page.locator("#billing-status")).to_have_text("Visa ending 4242 was removed.")
    expect(cards).to_have_text(["Mastercard ending 4444"])

    # Paying with the default moves the invoice from Open to Paid
    page.get_by_role("link", name="Pay", exact=True).click()
    expect(page.get_by_label("Mastercard ending 4444")).to_be_checked()
    page.get_by_role("button", name="Pay $129.90").click()
    expect(page.locator("#pay-done-text")).to_be_visible()
    page.get_by_role("link", name="Invoices").click()
    expect(page.locator("#invoices-status")).to_have_text("No invoices to show.")
    page.get_by_label("Paid").check()
    expect(page.locator("#invoices-list li")).to_have_count(1)
    expect(page.locator("#invoices-list li")).to_contain_text(invited.invoice_number)
