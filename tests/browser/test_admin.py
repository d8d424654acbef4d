"""The admin pages: a demo business's staff member signs in, changes the portal's address,
edits and previews the invite email, invites customers without a payment method (with a
confirmation step), and looks at work requests, reviews and an AutoPay run; every panel is
scanned with axe-core and fits 360 px. On a phone and on a desktop.

Everything happens at Greenleaf Lawn with customers the test makes, and the address is put
back at the end: the other browser tests share this runtime and its demo data."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import new_context
from tests.browser.journeys import axe_violations, screenshot, widths
from tests.e2e.portal import accept, admin_key, drain, emails_to, invite, new_customer
from tests.e2e.runtime import Runtime, business
from tests.e2e.test_payments import Payer, push_invoice

LAWN = "greenleaf-lawn"
PANELS = [
    ("Portal settings", "#slug-input"),
    ("Invite email", "#invite-subject"),
    ("Customers", "#customer-table"),
    ("Work requests", "#work-list"),
    ("Reviews", "#review-summary"),
    ("AutoPay runs", "#run-list"),
]


@pytest.fixture
def lawn_slug_restored(runtime: Runtime, demo: dict[str, Any]) -> Iterator[None]:
    yield
    restored = runtime.request(
        "PUT", "/v1/admin/portal", {"slug": LAWN}, api_key=admin_key(demo, LAWN)
    )
    assert restored.status == 200, restored.body


def sign_in(page: Page, demo: dict[str, Any]) -> None:
    staff = business(demo, LAWN)["staff"]
    page.goto(f"/admin?portal={LAWN}")
    page.locator("#staff-email").fill(staff["email"])
    page.get_by_label("Password", exact=True).fill(staff["password"])
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Portal settings", level=2)).to_be_visible()
    expect(page.locator("#panel-settings")).not_to_have_attribute("aria-busy", "true")


def open_panel(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Admin pages").get_by_role("button", name=name).click()
    expect(page.get_by_role("heading", name=name, level=2)).to_be_focused()
    expect(page.locator(".admin-panel:not([hidden])")).not_to_have_attribute("aria-busy", "true")


def test_given_a_staff_member_when_they_run_the_portal_then_each_admin_page_does_its_job(
    page: Page,
    runtime: Runtime,
    demo: dict[str, Any],
    viewport: str,
    lawn_slug_restored: None,
):
    # A customer with a login asks for work and leaves a review; the AutoPay schedule runs.
    author = new_customer(runtime, demo, LAWN)
    access = accept(runtime, invite(runtime, demo, author), "clippings-and-hedges-9").json()
    bearer = {"authorization": f"Bearer {access['access_token']}"}
    asked = runtime.request(
        "POST",
        "/v1/me/work-requests",
        {"service": "Hedge trimming", "description": "The back hedge, before the party."},
        headers=bearer | {"idempotency-key": uuid.uuid4().hex},
    )
    assert asked.status == 201, asked.body
    rated = runtime.request(
        "POST", "/v1/me/reviews", {"rating": 5, "comment": "Tidy work"}, headers=bearer
    )
    assert rated.status == 201, rated.body
    # ...and is on AutoPay with an invoice due, so the AutoPay schedule's run charges it.
    payer = Payer(runtime, demo, author, access["access_token"])
    method = payer.add_card("pm_card_visa")
    terms = payer.call("GET", f"/v1/me/autopay?payment_method_id={method}").json()["terms"]
    autopay = {
        "enabled": True,
        "payment_method_id": method,
        "accept_terms": True,
        "terms_version": terms["version"],
    }
    assert payer.call("PUT", "/v1/me/autopay", autopay).status == 200
    push_invoice(runtime, demo, author, f"AP-{uuid.uuid4().hex[:6]}", "2026-01-05", 8400)
    assert runtime.request("POST", "/_dev/autopay/run", timeout=120).status == 200
    drain(runtime)
    uninvited = [new_customer(runtime, demo, LAWN) for _ in range(2)]

    sign_in(page, demo)

    # The address: a taken one is refused with suggestions; a free one is saved.
    page.locator("#slug-input").fill("sparkling-pools")
    page.get_by_role("button", name="Check availability").click()
    expect(page.locator("#slug-message")).to_contain_text("sparkling-pools is taken")
    expect(page.locator("#slug-suggestions button").first).to_be_visible()
    fresh = f"lawn-{uuid.uuid4().hex[:8]}"
    page.locator("#slug-input").fill(fresh)
    page.get_by_role("button", name="Save address").click()
    expect(page.locator("#slug-message")).to_have_text(f"Saved. Your portal is now at /p/{fresh}.")
    screenshot(page, "admin-address", viewport)

    # The invite email: edited with a live preview, saved, and a preview sent to me.
    open_panel(page, "Invite email")
    subject = f"Your lawn portal {uuid.uuid4().hex[:6]}"
    page.get_by_label("Subject").fill(subject + " for {{CUSTOMER_NAME}}")
    expect(page.locator("#preview-subject")).to_have_text(subject + " for Alex Customer")
    page.get_by_role("button", name="Save invite email").click()
    expect(page.locator("#invite-message")).to_have_text("The invite email is saved.")
    me = f"office-{uuid.uuid4().hex[:8]}@example.com"
    page.get_by_label("Send a preview to").fill(me)
    page.get_by_role("button", name="Send me a preview").click()
    expect(page.locator("#preview-message")).to_have_text(f"A preview is on its way to {me}.")
    drain(runtime)
    [preview] = emails_to(runtime, me)
    assert subject in preview["subject"], preview["subject"]
    screenshot(page, "admin-invite", viewport)

    # The customers without a payment method: pick the two new ones, confirm, invite.
    open_panel(page, "Customers")
    page.get_by_label("Show").select_option("without_payment_method")
    expect(page.locator("#customer-table")).not_to_have_attribute("aria-busy", "true")
    for customer in uninvited:
        page.get_by_label(f"Select {customer.name}").first.wait_for()
        page.locator(f'.customer-pick[value="{customer.customer_id}"]').check()
    page.get_by_role("button", name="Send portal invite").click()
    expect(page.locator("#invite-confirm-text")).to_have_text(
        "Send a portal invite to the selected customers? Selected: 2."
    )
    page.get_by_role("button", name="Yes, send the invites").click()
    expect(page.locator("#invite-send-message")).to_contain_text("Invites sent: 2.")
    drain(runtime)
    for customer in uninvited:
        [sent] = emails_to(runtime, customer.email)
        assert sent["subject"].startswith(subject), sent["subject"]
    screenshot(page, "admin-customers", viewport)

    # Work requests, reviews and the AutoPay run.
    open_panel(page, "Work requests")
    expect(page.locator("#work-list")).to_contain_text("The back hedge, before the party.")
    open_panel(page, "Reviews")
    expect(page.locator("#review-summary")).to_contain_text("Reviews: ")
    expect(page.locator("#review-list")).to_contain_text("Tidy work")
    open_panel(page, "AutoPay runs")
    page.locator("#run-list button").first.click()
    expect(page.locator("#run-detail-heading")).to_be_focused()
    expect(page.locator("#run-counts")).to_contain_text("Invoices selected")
    expect(page.locator("#run-outcomes")).to_contain_text("Charged: $84.00")


def test_given_the_admin_panels_when_scanned_then_axe_finds_nothing_serious_and_360px_fits(
    page: Page, demo: dict[str, Any], viewport: str
):
    if viewport == "desktop":
        page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, demo)
    for name, ready in PANELS:
        open_panel(page, name)
        expect(page.locator(ready)).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert axe_violations(page) == [], name
        scroll, width = widths(page)
        assert scroll <= width, f"{name} scrolls sideways: {scroll} > {width}"


def test_given_a_spanish_browser_when_staff_sign_in_then_the_panels_speak_spanish(
    browser: Browser, runtime: Runtime, demo: dict[str, Any], viewport: str
):
    context = new_context(browser, runtime, viewport, locale="es-ES")
    try:
        page = context.new_page()
        staff = business(demo, LAWN)["staff"]
        page.goto(f"/admin?portal={LAWN}")
        expect(page.get_by_role("heading", name="Acceso del personal")).to_be_visible()
        page.locator("#staff-email").fill(staff["email"])
        page.locator("#staff-password").fill(staff["password"])
        page.locator("#staff-form button[type=submit]").click()
        expect(
            page.get_by_role("heading", name="Configuración del portal", level=2)
        ).to_be_visible()
        page.get_by_role("button", name="Clientes").click()
        expect(page.get_by_label("Mostrar")).to_be_visible()
        expect(page.locator("#admin-message")).to_contain_text("Clientes mostrados:")
        assert page.evaluate("document.documentElement.lang") == "es"
    finally:
        context.close()
