"""The customer's account pages, on a phone and on a desktop: the statement (last year's on
screen, as PDF and as CSV, and a refused range), notifications (kept after a reload, the
locked ones cannot be switched off), the profile (kept after a reload, a bad phone refused
beside the field), Contact us, the activity log, a US bank account added through the fake
Stripe's bank form, an axe-core scan of each page, and the pages in Spanish."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, Page, Route, expect

from portico_local.demo import SPARKLING_TZ
from tests.browser.conftest import new_context
from tests.browser.journeys import (
    SLUG,
    Invited,
    accept_invite,
    axe_violations,
    invited_customer,
    narrowed,
    screenshot,
)
from tests.browser.test_keyboard_and_axe import tab_to
from tests.e2e.portal import admin_key
from tests.e2e.runtime import Runtime

LAST_YEAR_TOTAL = 8_450  # $84.50, issued last June
REFUSAL = "A statement covers at most 5 years."


def last_year_invoice(runtime: Runtime, demo: dict[str, Any], invited: Invited) -> str:
    """An invoice issued in June of last year (the business's year), as the CRM sends it."""
    year = datetime.now(ZoneInfo(SPARKLING_TZ)).year - 1
    suffix = uuid.uuid4().hex[:8]
    number = f"OLD-{suffix[:4].upper()}"
    body = {
        "customer_id": invited.customer.customer_id,
        "number": number,
        "status": "sent",
        "issue_date": f"{year}-06-10",
        "due_date": f"{year}-07-10",
        "currency": "USD",
        "lines": [{"description": "Spring opening", "quantity": 1, "unit_amount": LAST_YEAR_TOTAL}],
        "tax_amount": 0,
        "total": LAST_YEAR_TOTAL,
        "autopay_eligible": False,
    }
    response = runtime.request(
        "PUT", f"/v1/admin/invoices/inv-old-{suffix}", body, api_key=admin_key(demo, SLUG)
    )
    assert response.status == 201, response.body
    return number


def menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Portal").get_by_role("link", name=name, exact=True).click()


def account_menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Your account").get_by_role(
        "link", name=name, exact=True
    ).click()


def no_serious_violations(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], violations


def no_sideways_scroll(page: Page) -> None:
    """Nothing sticks out sideways at 360 px, the narrowest phone the portal supports."""
    with narrowed(page):
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_last_years_statement_shows_and_downloads_as_pdf_and_csv(
    page: Page, runtime: Runtime, demo: dict[str, Any], viewport: str
):
    # Given a customer with an invoice from last June and one from this year
    invited = invited_customer(runtime, demo)
    old_number = last_year_invoice(runtime, demo, invited)
    accept_invite(page, invited)

    # When they open Statement and pick last year
    menu(page, "Statement")
    expect(page.locator("#statement-heading")).to_be_focused()
    expect(page.locator("#statement-range")).to_be_visible()  # the last 12 months, at once
    page.get_by_role("button", name="Last year (year-end)").click()

    # Then the year's statement shows: Jan 1 to Dec 31, last June's invoice and the balances
    expect(page.locator("#statement-range")).to_have_text(
        re.compile(r"^Jan 1, \d{4} to Dec 31, \d{4}$")
    )
    expect(page.locator("#statement-range")).to_be_focused()
    rows = page.locator("#statement-entries tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"Invoice {old_number}")
    expect(rows.first).to_contain_text("$84.50")
    expect(page.locator("#statement-totals")).to_contain_text("Opening balance$0.00")
    expect(page.locator("#statement-totals")).to_contain_text("Closing balance$84.50")
    assert invited.invoice_number not in page.locator("#statement-entries").inner_text()
    no_serious_violations(page)
    no_sideways_scroll(page)
    screenshot(page, "statement", viewport)

    # And its PDF and CSV download with the session's cookies, each of its own type
    pdf = page.request.get(page.locator("#statement-pdf").get_attribute("href") or "")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    csv = page.request.get(page.locator("#statement-csv").get_attribute("href") or "")
    assert csv.status == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert old_number in csv.text()

    # When the start is after the end, the browser says so and asks nothing
    page.locator("#statement-from").fill("2026-06-01")
    page.locator("#statement-to").fill("2026-01-01")
    page.get_by_role("button", name="Show statement").click()
    message = page.locator("#statement-message")
    expect(message).to_have_text(re.compile("The start date is after the end date"))
    expect(message).to_have_class(re.compile(r"\bis-error\b"))
    expect(page.locator("#statement-from")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#statement-body")).to_be_hidden()

    # And when the server refuses a range, its message is shown as it says
    page.route(
        re.compile(r"/v1/me/statement\?.*format=json"),
        lambda route: route.fulfill(
            status=400,
            json={"error": {"code": "range_too_long", "message": REFUSAL}},
        ),
    )
    page.get_by_role("button", name="This year").click()
    expect(message).to_have_text(REFUSAL)
    expect(message).to_have_class(re.compile(r"\bis-error\b"))


def test_notification_choices_are_kept_and_the_locked_ones_stay_on(
    page: Page, runtime: Runtime, demo: dict[str, Any], viewport: str
):
    invited = invited_customer(runtime, demo)
    accept_invite(page, invited)

    # When they open Account, then Notifications
    menu(page, "Account")
    expect(page.locator("#profile-heading")).to_be_focused()
    account_menu(page, "Notifications")
    expect(page.locator("#notifications-heading")).to_be_focused()

    # Then receipts and failed payments are on by email and cannot be switched off
    for kind in ("receipts", "failed_payments"):
        box = page.locator(f"#notice-{kind}-email")
        expect(box).to_be_checked()
        expect(box).to_be_disabled()
    expect(page.get_by_role("group", name="Receipts")).to_contain_text("cannot be turned off")
    # And text messages are offered only where the business may send them
    expect(page.locator("#notice-service_reminders-sms")).to_be_visible()
    expect(page.locator("#notice-marketing-sms")).to_have_count(0)
    expect(page.locator("#notice-invoices-sms")).to_have_count(0)
    no_serious_violations(page)
    no_sideways_scroll(page)
    screenshot(page, "notifications", viewport)

    # When they take news by email (with the keyboard alone), reminders by text, and invoices
    # off, and save with the keyboard
    tab_to(page, "#notice-marketing-email")
    page.keyboard.press("Space")
    page.locator("#notice-service_reminders-sms").check()
    page.locator("#notice-invoices-email").uncheck()
    tab_to(page, "#notifications-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#notifications-status")).to_have_text("Your choices are saved.")
    expect(page.locator("#notifications-status")).to_be_focused()

    # Then after a reload the choices are still there, and the locked ones still on
    page.reload()
    expect(page.locator("#notice-marketing-email")).to_be_checked()
    expect(page.locator("#notice-service_reminders-sms")).to_be_checked()
    expect(page.locator("#notice-invoices-email")).not_to_be_checked()
    expect(page.locator("#notice-receipts-email")).to_be_checked()
    expect(page.locator("#notice-receipts-email")).to_be_disabled()


def test_a_profile_edit_is_kept_a_bad_phone_is_refused_and_the_activity_shows_both(
    page: Page, runtime: Runtime, demo: dict[str, Any], viewport: str
):
    invited = invited_customer(runtime, demo)
    accept_invite(page, invited)
    menu(page, "Account")

    # The business's own fields are shown, not editable, with how to change them
    facts = page.locator("#profile-facts")
    expect(facts).to_contain_text(invited.customer.name)
    expect(facts).to_contain_text(invited.customer.email)
    expect(page.get_by_text("To change your name, email or service address")).to_be_visible()
    no_serious_violations(page)
    no_sideways_scroll(page)

    # When they type a phone with letters, it is refused beside the field and nothing is sent
    phone = page.get_by_label("Phone", exact=True)
    phone.fill("call me maybe")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#profile-phone-error")).to_have_text(re.compile("Enter a phone number"))
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_be_focused()
    expect(page.locator("#profile-message")).to_have_text("Check the highlighted fields (1).")
    no_serious_violations(page)
    screenshot(page, "profile-error", viewport)

    # When the server refuses a field the browser let through, its 422 shows beside that field
    def refuse_city(route: Route) -> None:
        if route.request.method != "PATCH":
            return route.continue_()
        detail = {"location": ["body", "billing_address", "city"], "message": "Unknown city."}
        return route.fulfill(
            status=422,
            json={"error": {"code": "validation_error", "message": "No.", "details": [detail]}},
        )

    page.route("**/v1/me/profile", refuse_city)
    phone.fill("+1 512 555 0142")
    page.get_by_label("Same as the service address").uncheck()
    page.get_by_label("Street address").fill("PO Box 42")
    page.get_by_label("City").fill("Nowhere")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#profile-city-error")).to_have_text("Unknown city.")
    expect(page.get_by_label("City")).to_be_focused()
    expect(page.get_by_label("City")).to_have_attribute("aria-invalid", "true")
    expect(phone).to_have_attribute("aria-invalid", "false")
    page.unroute("**/v1/me/profile", refuse_city)

    # When they give a good phone, a contact person and a billing address, and save
    phone.fill("+1 512 555 0142")
    page.get_by_label("Contact person (optional)").fill("Sam Rivera")
    page.get_by_label("City").fill("Austin")
    page.get_by_label("State", exact=True).fill("TX")
    page.get_by_label("ZIP code").fill("78701")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#profile-message")).to_have_text("Your changes are saved.")
    expect(phone).to_have_attribute("aria-invalid", "false")

    # Then after a reload they are still there
    page.reload()
    expect(page.get_by_label("Phone", exact=True)).to_have_value("+1 512 555 0142")
    expect(page.get_by_label("Contact person (optional)")).to_have_value("Sam Rivera")
    expect(page.get_by_label("Same as the service address")).not_to_be_checked()
    expect(page.get_by_label("Street address")).to_have_value("PO Box 42")
    screenshot(page, "profile", viewport)

    # And Activity lists the change and the sign-in, newest first, in words
    account_menu(page, "Activity")
    expect(page.locator("#activity-heading")).to_be_focused()
    entries = page.locator("#activity-list > li")
    expect(entries.first).to_contain_text("Profile changed")
    expect(entries.first).to_contain_text("Contact person, Phone, Billing address")
    expect(entries.first).to_contain_text("by you")
    expect(page.locator("#activity-list")).to_contain_text("Signed in")
    expect(page.locator("#activity-list")).to_contain_text("When you created your login")
    expect(page.locator("#activity-zone")).to_contain_text("time zone")
    no_serious_violations(page)
    no_sideways_scroll(page)
    screenshot(page, "activity", viewport)


def test_the_activity_log_pages_with_show_more(page: Page, runtime: Runtime, demo: dict[str, Any]):
    # Given a customer whose log has more than one page (20 entries) of changes
    invited = invited_customer(runtime, demo)
    accept_invite(page, invited)
    for number in range(21):
        changed = page.request.patch("/v1/me/profile", data={"contact_name": f"Helper {number}"})
        assert changed.status == 200, changed.text()

    # When they open Activity, the newest 20 show, then "Show more" brings the rest
    page.goto(f"/p/{SLUG}/activity")
    entries = page.locator("#activity-list > li")
    expect(entries).to_have_count(20)
    expect(entries.first).to_contain_text("Profile changed")
    more = page.get_by_role("button", name="Show more")
    more.click()
    expect(entries).to_have_count(22)  # 21 changes and the sign-in
    expect(entries.nth(20)).to_be_focused()
    expect(entries.last).to_contain_text("When you created your login")
    expect(more).to_be_hidden()


def test_contact_us_shows_the_business_details_with_links(
    page: Page, runtime: Runtime, demo: dict[str, Any], viewport: str
):
    invited = invited_customer(runtime, demo)
    accept_invite(page, invited)
    menu(page, "Account")
    account_menu(page, "Contact us")

    expect(page.locator("#contact-page-heading")).to_be_focused()
    expect(page.locator("#contact-page-intro")).to_contain_text("Sparkling Pools")
    details = page.locator("#contact-page-list")
    expect(details).to_contain_text("Mon-Fri 7am-6pm, Sat 8am-noon")
    expect(details.locator("a[href^='tel:']")).to_have_count(1)
    expect(details.locator("a[href^='mailto:']")).to_have_count(1)
    # The foot of the page does not repeat them here, and comes back on the other pages
    expect(page.locator("#portal-contact-section")).to_be_hidden()
    no_serious_violations(page)
    no_sideways_scroll(page)
    screenshot(page, "contact", viewport)
    account_menu(page, "Profile")
    expect(page.locator("#portal-contact-section")).to_be_visible()


def test_a_us_bank_account_is_added_through_the_bank_form(
    page: Page, runtime: Runtime, demo: dict[str, Any], viewport: str
):
    invited = invited_customer(runtime, demo)
    accept_invite(page, invited)
    menu(page, "Billing info")

    # When they choose "Add a bank account", the fake Stripe's bank form opens
    page.get_by_role("button", name="Add a bank account").click()
    page.wait_for_url(re.compile(r"/_fake/card-form\?"))
    expect(page.get_by_role("heading", name="Add a bank account (test mode)")).to_be_visible()
    expect(page.get_by_label("Routing number")).to_have_value("110000000")
    no_serious_violations(page)

    # And a wrong account number stays on the form with Stripe's message
    page.get_by_label("Account holder's name").fill(invited.customer.name)
    page.get_by_label("Account number").fill("12")
    page.get_by_role("button", name="Save bank account").click()
    expect(page.get_by_role("alert")).to_have_text("Invalid account number.")

    # When they give Stripe's test account, they are back on Billing info with it saved
    page.get_by_label("Account number").fill("000123456789")
    page.get_by_role("button", name="Save bank account").click()
    page.wait_for_url(re.compile(rf"/p/{SLUG}/billing$"))
    expect(page.locator("#billing-status")).to_have_text(
        "STRIPE TEST BANK account ending 6789 is saved."
    )
    expect(page.locator("#wallet-list")).to_contain_text("STRIPE TEST BANK account ending 6789")
    # And AutoPay offers it to charge
    expect(page.get_by_label("Card or bank account to charge")).to_contain_text(
        "STRIPE TEST BANK account ending 6789"
    )
    no_serious_violations(page)
    no_sideways_scroll(page)
    screenshot(page, "billing-bank-account", viewport)


def test_the_account_pages_speak_spanish(browser: Browser, runtime: Runtime, demo: dict[str, Any]):
    invited = invited_customer(runtime, demo)
    context = new_context(browser, runtime, "phone", locale="es-MX")
    try:
        page = context.new_page()
        accept_invite(page, invited, password_label="Contraseña nueva")
        menu(page, "Estado de cuenta")
        expect(page.locator("#statement-heading")).to_have_text("Estado de cuenta")
        page.get_by_role("button", name="El año pasado (cierre de año)").click()
        expect(page.locator("#statement-range")).to_have_text(
            re.compile(r"^Del 1 ene \d{4} al 31 dic \d{4}$")
        )
        assert "lang=es" in (page.locator("#statement-pdf").get_attribute("href") or "")

        menu(page, "Cuenta")
        expect(page.locator("#profile-heading")).to_have_text("Perfil")
        expect(page.get_by_label("Teléfono", exact=True)).to_be_visible()
        page.get_by_role("navigation", name="Su cuenta").get_by_role(
            "link", name="Notificaciones"
        ).click()
        expect(page.get_by_role("group", name="Recibos")).to_contain_text("no se pueden desactivar")
        page.get_by_role("navigation", name="Su cuenta").get_by_role(
            "link", name="Actividad"
        ).click()
        expect(page.locator("#activity-list")).to_contain_text("Inició sesión")
        no_serious_violations(page)

        # The profile's language choice switches the portal back to English
        page.get_by_role("navigation", name="Su cuenta").get_by_role("link", name="Perfil").click()
        page.get_by_label("Idioma de este portal").select_option("en")
        page.get_by_role("button", name="Usar este idioma").click()
        expect(page.locator("#profile-heading")).to_have_text("Profile")
    finally:
        context.close()
