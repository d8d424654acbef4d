"""The admin pages' portal settings and invite emails: a staff member of a demo business turns
tabs off and on, changes the colour, uploads a logo, changes the opening hours and the public
review link, and a customer signing in sees each change; refused input (an http:// review
link, a low-contrast colour, an email the server refuses) is said next to its field; both
invite emails are edited and previewed to the outbox; everything works from the keyboard,
axe-core finds nothing serious, and the panels speak Spanish. On a phone and on a desktop.

Everything happens at Greenleaf Lawn, and every setting is put back afterwards: the other
browser tests share this runtime and its demo data."""

from __future__ import annotations

import re
import struct
import uuid
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import new_context
from tests.browser.journeys import axe_violations, screenshot, widths
from tests.e2e.portal import admin_key, drain, emails_to
from tests.e2e.runtime import Runtime, business

LAWN = "greenleaf-lawn"
GROUPS = ("enabled", "tabs", "branding", "contact", "login_methods", "autopay", "credits")
GROUPS += ("reviews", "invite_templates")


@pytest.fixture
def lawn_settings_restored(runtime: Runtime, demo: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Greenleaf Lawn's portal settings as they were, put back (with its logo removed, if it
    had none) after the test."""
    key = admin_key(demo, LAWN)
    before = runtime.request("GET", "/v1/admin/portal", api_key=key).json()
    yield before
    after = runtime.request("GET", "/v1/admin/portal", api_key=key).json()
    if before["logo"] is None and after["logo"] is not None:
        removed = runtime.request("DELETE", "/v1/admin/portal/logo", api_key=key)
        assert removed.status == 200, removed.body
    change = {group: before[group] for group in GROUPS} | {"slug": before["slug"]}
    restored = runtime.request("PUT", "/v1/admin/portal", change, api_key=key)
    assert restored.status == 200, restored.body


def tiny_png(rgb: tuple[int, int, int] = (46, 125, 50), size: int = 8) -> bytes:
    """A small solid PNG, made here: no image file in the repository."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def sign_in(page: Page, demo: dict[str, Any], heading: str = "Portal settings") -> None:
    staff = business(demo, LAWN)["staff"]
    page.goto(f"/admin?portal={LAWN}")
    page.locator("#staff-email").fill(staff["email"])
    page.locator("#staff-password").fill(staff["password"])
    page.locator("#staff-form button[type=submit]").click()
    expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    expect(page.locator("#panel-settings")).not_to_have_attribute("aria-busy", "true")


def open_panel(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Admin pages").get_by_role("button", name=name).click()
    expect(page.get_by_role("heading", name=name, level=2)).to_be_focused()
    expect(page.locator(".admin-panel:not([hidden])")).not_to_have_attribute("aria-busy", "true")


def customer_page(browser: Browser, runtime: Runtime, demo: dict[str, Any], viewport: str) -> Page:
    """Ana Torres, a Greenleaf Lawn customer, signed in to the portal in a fresh profile (a
    new session: tabs are read when a session starts)."""
    ana = next(c for c in business(demo, LAWN)["customers"] if c["customer_id"] == "cust-1102")
    page = new_context(browser, runtime, viewport).new_page()
    page.goto(f"/p/{LAWN}")
    page.locator("#login-email").fill(ana["email"])
    page.locator("#login-password").fill(ana["password"])
    page.locator("#password-form button[type=submit]").click()
    expect(page.locator("#home-heading")).to_have_text("Hello, Ana Torres")
    return page


def test_given_staff_when_they_change_the_portal_settings_then_customers_see_the_changes(
    page: Page,
    browser: Browser,
    runtime: Runtime,
    demo: dict[str, Any],
    viewport: str,
    lawn_settings_restored: dict[str, Any],
):
    sign_in(page, demo)

    # Tabs: Service history and Documents off.
    page.get_by_label("Service history").uncheck()
    page.get_by_label("Documents").uncheck()
    page.get_by_role("button", name="Save tabs").click()
    expect(page.locator("#tabs-message")).to_have_text(
        "Tabs saved. Customers see them the next time they sign in."
    )

    # Colour: a mid grey is warned about (text on it is hard to read), a light yellow too (it
    # is lost on the white page); a dark purple is fine and saved.
    colour = page.get_by_label("Main colour")
    colour.fill("#7a7a7a")
    expect(page.locator("#brand-contrast")).to_contain_text("Low contrast: text on this colour")
    expect(colour).to_have_attribute("aria-invalid", "true")
    colour.fill("#ffee58")
    expect(page.locator("#brand-contrast")).to_contain_text("against the white page")
    colour.fill("#5b2a86")
    expect(page.locator("#brand-contrast")).to_have_text(
        "Good contrast: this colour is easy to see and text on it is easy to read."
    )
    page.get_by_role("button", name="Save colour").click()
    expect(page.locator("#branding-message")).to_have_text("Colour saved.")

    # Logo: a small PNG made here, previewed, uploaded.
    page.get_by_label("Choose an image").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": tiny_png()}
    )
    expect(page.get_by_role("img", name="The logo you chose, not uploaded yet")).to_be_visible()
    page.get_by_role("button", name="Upload logo").click()
    expect(page.locator("#logo-message")).to_have_text("Logo uploaded. It shows on the portal now.")
    expect(page.get_by_role("img", name="Your logo")).to_be_visible()
    expect(page.get_by_role("button", name="Remove logo")).to_be_visible()

    # Contact details: an email the server refuses is said next to the field; new hours saved.
    hours = f"Mon-Fri 8am-6pm, Sat by appointment ({uuid.uuid4().hex[:6]})"
    email = page.locator("#contact-email")
    email.fill("office@localhost")
    page.get_by_role("button", name="Save contact details").click()
    expect(page.locator("#contact-message")).to_contain_text("Check “Email”")
    expect(page.locator("#contact-email-error")).to_be_visible()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_be_focused()
    email.fill("hello@greenleaflawn.example.com")
    page.get_by_label("Opening hours").fill(hours)
    page.get_by_role("button", name="Save contact details").click()
    expect(page.locator("#contact-message")).to_have_text("Contact details saved.")
    expect(page.locator("#contact-email-error")).to_have_count(0)

    # The public review link: http:// is refused in the page; https:// with a threshold saved.
    link = page.get_by_label("Public review link")
    link.fill("http://reviews.example.com/greenleaf")
    page.get_by_role("button", name="Save review settings").click()
    expect(page.locator("#reviews-message")).to_contain_text("starts with https://")
    expect(page.locator("#review-link-error")).to_have_text(
        "Use a secure address that starts with https://"
    )
    expect(link).to_be_focused()
    link.fill("https://reviews.example.com/greenleaf")
    page.get_by_label("Offer the link after a rating of at least").select_option("3")
    page.get_by_role("button", name="Save review settings").click()
    expect(page.locator("#reviews-message")).to_have_text("Review settings saved.")
    saved = runtime.request("GET", "/v1/admin/portal", api_key=admin_key(demo, LAWN)).json()
    assert saved["reviews"] == {
        "public_review_link": "https://reviews.example.com/greenleaf",
        "threshold": 3,
    }
    screenshot(page, "admin-settings", viewport)

    # The customer's portal: without those tabs, in purple, with the logo and the hours.
    customer = customer_page(browser, runtime, demo, viewport)
    try:
        nav = customer.get_by_role("navigation", name="Portal")
        expect(nav.get_by_role("link", name="Invoices")).to_be_visible()
        expect(nav.get_by_role("link", name="Service history")).to_have_count(0)
        expect(nav.get_by_role("link", name="Documents")).to_have_count(0)
        brand = customer.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--brand')"
        )
        assert brand.strip().lower() == "#5b2a86"
        logo = customer.locator("#portal-logo")
        expect(logo).to_be_visible()
        version = saved["logo"]["version"]
        expect(logo).to_have_attribute("src", re.compile(rf"/v1/portals/{LAWN}/logo\?v={version}$"))
        assert customer.evaluate("document.getElementById('portal-logo').naturalWidth") == 8
        expect(customer.locator("#portal-contact")).to_contain_text(hours)
    finally:
        customer.context.close()

    # The tabs on again: a new session shows them.
    page.get_by_label("Service history").check()
    page.get_by_label("Documents").check()
    page.get_by_role("button", name="Save tabs").click()
    expect(page.locator("#tabs-message")).to_have_text(
        "Tabs saved. Customers see them the next time they sign in."
    )
    customer = customer_page(browser, runtime, demo, viewport)
    try:
        nav = customer.get_by_role("navigation", name="Portal")
        expect(nav.get_by_role("link", name="Service history")).to_be_visible()
        expect(nav.get_by_role("link", name="Documents")).to_be_visible()
    finally:
        customer.context.close()

    # The logo removed again, from the page.
    page.get_by_role("button", name="Remove logo").click()
    expect(page.locator("#logo-message")).to_have_text("Logo removed.")
    expect(page.locator("#logo-none")).to_be_visible()


def test_given_the_portal_on_when_staff_turn_it_off_then_they_confirm_first(
    page: Page, demo: dict[str, Any], lawn_settings_restored: dict[str, Any]
):
    sign_in(page, demo)
    page.get_by_label("The portal is on").uncheck()
    page.get_by_role("button", name="Save on or off").click()
    expect(page.locator("#enabled-confirm")).to_contain_text("Turn the portal off?")
    expect(page.get_by_role("button", name="Yes, turn the portal off")).to_be_focused()
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_label("The portal is on")).to_be_checked()
    expect(page.locator("#enabled-message")).to_have_text("The portal stays on.")

    page.get_by_label("The portal is on").uncheck()
    page.get_by_role("button", name="Save on or off").click()
    page.get_by_role("button", name="Yes, turn the portal off").click()
    expect(page.locator("#enabled-message")).to_have_text(
        "Saved. The portal is off: customers cannot sign in until you turn it on."
    )
    page.get_by_label("The portal is on").check()
    page.get_by_role("button", name="Save on or off").click()
    expect(page.locator("#enabled-message")).to_have_text(
        "Saved. The portal is on: customers can sign in."
    )

    # At least one way to sign in.
    page.get_by_label("With a password").uncheck()
    page.get_by_label("With a link sent by email").uncheck()
    page.get_by_role("button", name="Save sign-in methods").click()
    expect(page.locator("#login-message")).to_contain_text("Keep at least one way to sign in.")
    page.get_by_label("With a password").check()
    page.get_by_role("button", name="Save sign-in methods").click()
    expect(page.locator("#login-message")).to_have_text("Sign-in methods saved.")

    # AutoPay retries are checked in the page; a valid policy is saved.
    page.get_by_label("Retry a failed charge after (days)").fill("3, 7, 14, 21")
    page.get_by_role("button", name="Save AutoPay policy").click()
    expect(page.locator("#autopay-retries-error")).to_contain_text("up to three whole numbers")
    page.get_by_label("Retry a failed charge after (days)").fill("2, 5")
    page.get_by_label("When AutoPay charges an invoice").select_option("before_due")
    page.get_by_label("Days before the due date").fill("4")
    page.get_by_role("button", name="Save AutoPay policy").click()
    expect(page.locator("#autopay-message")).to_have_text("AutoPay policy saved.")

    # Credits, in dollars.
    page.get_by_label("Customers may add credit to their account").check()
    page.get_by_label("Most a customer may add at once (USD)").fill("250")
    page.get_by_role("button", name="Save credit settings").click()
    expect(page.locator("#credits-message")).to_have_text("Credit settings saved.")


def test_given_both_invite_emails_when_staff_edit_one_then_its_preview_reaches_the_outbox(
    page: Page,
    runtime: Runtime,
    demo: dict[str, Any],
    viewport: str,
    lawn_settings_restored: dict[str, Any],
):
    templates = lawn_settings_restored["invite_templates"]
    sign_in(page, demo)
    open_panel(page, "Invite email")
    subject, body = page.get_by_label("Subject"), page.get_by_label("Message")
    expect(subject).to_have_value(templates["without_payment_method"]["subject"])
    expect(page.locator("#preview-which")).to_have_text(
        "The email to customers without a saved payment method"
    )

    # The other email, edited with its live preview; switching keeps each one's draft.
    page.get_by_label("To customers with a saved payment method").check()
    expect(subject).to_have_value(templates["with_payment_method"]["subject"])
    marker = uuid.uuid4().hex[:6]
    subject.fill(f"Your card is on file at {{{{BUSINESS_NAME}}}} {marker}")
    body.fill("Hi {{CUSTOMER_NAME}},\n\nYour card is already saved: sign in to see your visits.")
    expect(page.locator("#preview-which")).to_have_text(
        "The email to customers with a saved payment method"
    )
    expect(page.locator("#preview-subject")).to_have_text(
        f"Your card is on file at Your business {marker}"
    )
    expect(page.locator("#preview-body")).to_contain_text("Hi Alex Customer,")
    page.get_by_label("To customers without a saved payment method").check()
    expect(subject).to_have_value(templates["without_payment_method"]["subject"])
    page.get_by_label("To customers with a saved payment method").check()
    expect(subject).to_have_value(f"Your card is on file at {{{{BUSINESS_NAME}}}} {marker}")

    # An empty subject is refused next to the field.
    subject.fill("")
    page.get_by_role("button", name="Save invite emails").click()
    expect(page.locator("#invite-subject-error")).to_have_text("Write a subject and a message.")
    expect(subject).to_be_focused()
    subject.fill(f"Your card is on file at {{{{BUSINESS_NAME}}}} {marker}")
    page.get_by_role("button", name="Save invite emails").click()
    expect(page.locator("#invite-message")).to_have_text("The invite email is saved.")
    saved = runtime.request("GET", "/v1/admin/portal", api_key=admin_key(demo, LAWN)).json()
    assert saved["invite_templates"]["with_payment_method"]["subject"].endswith(marker)
    assert (
        saved["invite_templates"]["without_payment_method"] == templates["without_payment_method"]
    )

    # "Send me a preview" sends the email shown.
    me = f"office-{uuid.uuid4().hex[:8]}@example.com"
    page.get_by_label("Send a preview to").fill(me)
    page.get_by_role("button", name="Send me a preview").click()
    expect(page.locator("#preview-message")).to_have_text(f"A preview is on its way to {me}.")
    drain(runtime)
    [preview] = emails_to(runtime, me)
    assert preview["subject"].endswith(f"Greenleaf Lawn {marker}"), preview["subject"]
    screenshot(page, "admin-invite-templates", viewport)


def test_given_the_settings_panels_when_used_by_keyboard_and_scanned_then_they_pass(
    page: Page, demo: dict[str, Any], viewport: str, lawn_settings_restored: dict[str, Any]
):
    if viewport == "desktop":
        page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, demo)

    # From the panel's heading, Tab reaches every group's controls in order, and the keyboard
    # alone saves a review link.
    page.locator("#admin-panel-heading").focus()
    reached: list[str] = []
    for _ in range(80):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id"))
        if reached[-1] == "review-link":
            break
    expected = ["portal-enabled", "slug-input", "tab-invoices", "brand-colour", "logo-file"]
    expected += ["contact-email", "contact-hours", "login-password", "autopay-timing"]
    expected += ["credits-enabled", "review-link"]
    assert [id for id in reached if id in expected] == expected, reached
    page.keyboard.type("http://reviews.example.com/lawn")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#review-link")).to_be_focused()
    expect(page.locator("#reviews-message")).to_contain_text("https://")

    # axe-core: the settings with a field's error and the off confirmation showing, and the
    # invite emails; nothing scrolls sideways at 360 px.
    page.get_by_label("The portal is on").uncheck()
    page.get_by_role("button", name="Save on or off").click()
    expect(page.locator("#enabled-confirm")).to_be_visible()
    for name in ("Portal settings", "Invite email"):
        if name != "Portal settings":
            open_panel(page, name)
        page.wait_for_load_state("networkidle")
        assert axe_violations(page) == [], name
        scroll, width = widths(page)
        assert scroll <= width, f"{name} scrolls sideways: {scroll} > {width}"


def test_given_a_spanish_browser_when_staff_open_the_settings_then_they_speak_spanish(
    browser: Browser,
    runtime: Runtime,
    demo: dict[str, Any],
    viewport: str,
    lawn_settings_restored: dict[str, Any],
):
    context = new_context(browser, runtime, viewport, locale="es-ES")
    try:
        page = context.new_page()
        sign_in(page, demo, heading="Configuración del portal")
        expect(page.get_by_role("group", name="Pestañas que ven los clientes")).to_be_visible()
        page.get_by_label("Enlace de reseñas públicas").fill("http://reviews.example.com/lawn")
        page.get_by_role("button", name="Guardar las reseñas").click()
        expect(page.locator("#review-link-error")).to_have_text(
            "Use una dirección segura que empiece con https://"
        )
        page.get_by_label("Color principal").fill("#7a7a7a")
        expect(page.locator("#brand-contrast")).to_contain_text("Contraste bajo")
        page.get_by_role("button", name="Correo de invitación").click()
        page.get_by_label("A clientes con un método de pago guardado").check()
        expect(page.locator("#preview-which")).to_have_text(
            "El correo a clientes con un método de pago guardado"
        )
    finally:
        context.close()
