"""The customer's main journey, on a phone and on a desktop: accept the invite from the
email, see the balance, add pm_card_visa through the card form, pay the balance, turn on
AutoPay, get the receipt by email; the same payment in Spanish."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import new_context
from tests.browser.journeys import (
    SLUG,
    accept_invite,
    add_card,
    invited_customer,
    receipts,
    screenshot,
)
from tests.e2e.runtime import Runtime


def test_an_invited_customer_adds_a_card_pays_the_balance_and_turns_on_autopay(
    page: Page, runtime: Runtime, demo: dict[str, Any], viewport: str
):
    # Given a customer the business invited, with one $129.90 invoice
    invited = invited_customer(runtime, demo)

    # When they accept the invite: the home shows what they owe
    accept_invite(page, invited)
    expect(page.locator("#home-balance")).to_have_text("$129.90")
    expect(page.locator("#home-autopay")).to_have_text("Off")
    expect(page.get_by_role("link", name="1 open invoice")).to_be_visible()
    screenshot(page, "home", viewport)

    # ...the invoice reads as sent, with its lines and PDF
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Invoices").click()
    page.get_by_role("link", name=f"Invoice {invited.invoice_number}").click()
    expect(page.get_by_role("heading", name=f"Invoice {invited.invoice_number}")).to_be_focused()
    expect(page.locator("#invoice-lines tr")).to_have_count(2)
    pdf = page.get_by_role("link", name="Download PDF").get_attribute("href")
    assert pdf == f"/v1/me/invoices/{invited.invoice_id}/pdf?lang=en"
    screenshot(page, "invoice", viewport)

    # When they add pm_card_visa through the card form and come back to Billing info
    page.get_by_role("link", name="Billing info").click()
    expect(page.locator("#wallet-empty")).to_be_visible()
    add_card(page)
    expect(page.locator("#billing-status")).to_have_text("Visa ending 4242 is saved.")
    expect(page.locator("#wallet-list li")).to_have_count(1)

    # ...and pay the whole balance with it
    page.get_by_role("link", name="Pay", exact=True).click()
    expect(page.get_by_label("The whole balance: $129.90")).to_be_checked()
    expect(page.get_by_label("Visa ending 4242")).to_be_checked()
    screenshot(page, "pay", viewport)
    page.get_by_role("button", name="Pay $129.90").click()

    # Then the payment is confirmed, the balance is 0 and the receipt is in the outbox
    expect(page.locator("#pay-done-text")).to_contain_text("We received your payment of $129.90")
    page.get_by_role("link", name="Back to home").click()
    expect(page.locator("#home-balance")).to_have_text("$0.00")
    [receipt] = receipts(runtime, invited.customer)
    assert "$129.90" in receipt["subject"]

    # When they turn on AutoPay, agreeing to the text the API gives
    page.get_by_role("link", name="Billing info").click()
    terms = page.locator("#autopay-terms-text")
    expect(terms).to_contain_text("I authorize Sparkling Pools to charge my Visa ending 4242")
    page.get_by_role("button", name="Turn on AutoPay").click()
    expect(page.locator("#autopay-message")).to_have_text(
        "Check the box to agree to the AutoPay authorization."
    )
    page.get_by_label("I agree to the AutoPay authorization above").check()
    screenshot(page, "billing", viewport)
    page.get_by_role("button", name="Turn on AutoPay").click()

    # Then AutoPay is on, here and on the home page; the payment is listed with its receipt
    expect(page.locator("#autopay-state")).to_contain_text("AutoPay is on")
    page.get_by_role("link", name="Home").click()
    expect(page.locator("#home-autopay")).to_have_text("On")
    page.get_by_role("link", name="Payments").click()
    expect(page.locator("#payments-list li")).to_have_count(1)
    receipt_link = page.locator("#payments-list a").first
    assert re.fullmatch(
        r"/v1/me/payments/[^/]+/receipt\?lang=en", receipt_link.get_attribute("href") or ""
    )
    screenshot(page, "payments", viewport)


def test_a_customer_switches_to_spanish_and_pays_in_spanish(
    browser: Browser, runtime: Runtime, demo: dict[str, Any], viewport: str
):
    # Given an invited customer whose browser speaks English
    invited = invited_customer(runtime, demo)
    context = new_context(browser, runtime, viewport, locale="en-US")
    page = context.new_page()
    page.goto(invited.link)
    expect(page.get_by_role("heading", name="Create your login")).to_be_visible()

    # When they switch to Spanish, choose a password and sign in
    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Cree su acceso")).to_be_visible()
    accept_invite_in_spanish = page.get_by_label("Contraseña nueva")
    accept_invite_in_spanish.fill("a long and unusual passphrase 42")
    page.get_by_role("button", name="Guardar la contraseña e iniciar sesión").click()

    # Then the portal speaks Spanish, money and dates included
    expect(page.locator("#home-heading")).to_have_text(f"Hola, {invited.customer.name}")
    expect(page.locator("#home-balance")).to_contain_text("129,90")

    # When they add a card and pay in Spanish
    page.get_by_role("link", name="Pagar", exact=True).click()
    expect(page.locator("#pay-no-methods")).to_be_visible()
    add_card(page, start="#pay-add-card")
    expect(page.locator("#pay-status")).to_have_text("Se guardó Visa terminada en 4242.")
    expect(page.get_by_label("Visa terminada en 4242")).to_be_checked()
    screenshot(page, "pay-es", viewport)
    page.get_by_role("button", name=re.compile(r"^Pagar .*129,90")).click()

    # Then the confirmation is in Spanish and so is the receipt: the language they chose is
    # kept on their profile for their emails
    expect(page.locator("#pay-done-text")).to_contain_text("Recibimos su pago")
    [receipt] = receipts(runtime, invited.customer)
    assert receipt["subject"].startswith("Pago recibido"), receipt["subject"]

    # And the choice is remembered: the next visit opens in Spanish
    page.goto(f"/p/{SLUG}/payments")
    expect(page.get_by_role("heading", name="Pagos")).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_be_visible()
    context.close()


def test_a_browser_that_prefers_spanish_opens_the_portal_in_spanish(
    browser: Browser, runtime: Runtime, viewport: str
):
    context = new_context(browser, runtime, viewport, locale="es-MX")
    page = context.new_page()
    page.goto(f"/p/{SLUG}")

    expect(page.get_by_role("heading", name="Iniciar sesión", exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    context.close()
