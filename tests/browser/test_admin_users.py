"""The admin pages' Portal users panel: a demo business's staff member sees the invite funnel
with the counts the API gives, resends an invite and sends a password reset (each after a
confirmation) and finds both emails in the outbox; a customer without an email and a
refused resend say why in words; all of it by keyboard, scanned with axe-core, in Spanish
too. On a phone and on a desktop.

Everything happens at Sparkling Pools with customers the test makes (the demo's own are
only read), because the other browser tests share this runtime and its demo data."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from playwright.sync_api import Browser, Locator, Page, Route, expect

from tests.browser.conftest import new_context
from tests.browser.journeys import axe_violations, screenshot, widths
from tests.e2e.portal import (
    Customer,
    accept,
    admin_key,
    drain,
    emails_to,
    invite,
    link_token,
    new_customer,
)
from tests.e2e.runtime import Runtime, business

POOLS = "sparkling-pools"
PASSWORD = "chlorine and sunshine 7"
TWIN = "Casey Morgan (lake house)"
STEPS = [
    ("customers", "All customers"),
    ("invited", "Invited"),
    ("account_created", "Account created"),
    ("payment_method_saved", "Payment method saved"),
    ("autopay_on", "AutoPay on"),
]


def sign_in(page: Page, demo: dict[str, Any]) -> None:
    staff = business(demo, POOLS)["staff"]
    page.goto(f"/admin?portal={POOLS}")
    page.locator("#staff-email").fill(staff["email"])
    page.locator("#staff-password").fill(staff["password"])
    page.locator("#staff-form button[type=submit]").click()
    expect(page.locator("#panel-settings")).to_be_visible()
    expect(page.locator("#panel-settings")).not_to_have_attribute("aria-busy", "true")


def open_users(page: Page, name: str = "Portal users") -> None:
    page.locator('[data-panel="panel-users"]').click()
    expect(page.get_by_role("heading", name=name, level=2)).to_be_focused()
    expect(page.locator("#panel-users")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#users-list")).not_to_have_attribute("aria-busy", "true")


def user_card(page: Page, name: str, email: str | None = None) -> Locator:
    """The card of the user with this name (and email), pressing "Show more" until it is on
    the page: new customers sort after the demo's."""
    card = page.locator(".user-card").filter(has=page.get_by_role("heading", name=name, exact=True))
    if email:
        card = card.filter(has=page.get_by_text(email, exact=True))
    more = page.locator("#users-more")
    for _ in range(50):
        if card.count():
            break
        expect(more).to_be_visible()
        more.click()
        expect(page.locator("#users-list")).not_to_have_attribute("aria-busy", "true")
    expect(card).to_have_count(1)
    return card


def funnel(runtime: Runtime, demo: dict[str, Any]) -> dict[str, int]:
    response = runtime.request("GET", "/v1/admin/invite-funnel", api_key=admin_key(demo, POOLS))
    assert response.status == 200, response.body
    counts: dict[str, int] = response.json()
    return counts


def active_customer(runtime: Runtime, demo: dict[str, Any]) -> Customer:
    customer = new_customer(runtime, demo, POOLS)
    assert accept(runtime, invite(runtime, demo, customer), PASSWORD).status == 200
    return customer


def same_email_as(runtime: Runtime, demo: dict[str, Any], other: Customer) -> Customer:
    """A second customer record (another property) with the email of `other`."""
    twin = new_customer(runtime, demo, POOLS)
    body = {
        "name": TWIN,
        "email": other.email,
        "phone": "(512) 555-0199",
        "service_address": {"line1": "12 Lakeshore Dr", "city": "Austin", "region": "TX"},
        "send_invoices": True,
        "service_texts": False,
    }
    response = runtime.request(
        "PUT", f"/v1/admin/customers/{twin.customer_id}", body, api_key=admin_key(demo, POOLS)
    )
    assert response.status == 200, response.body
    return replace(twin, name=TWIN, email=other.email)


def test_given_staff_when_they_use_portal_users_then_counts_match_and_emails_go_out(
    page: Page, runtime: Runtime, demo: dict[str, Any], viewport: str
):
    # Given a customer who was invited, one with a login, and a second record of the latter
    invited = new_customer(runtime, demo, POOLS)
    invite(runtime, demo, invited)
    active = active_customer(runtime, demo)
    twin = same_email_as(runtime, demo, active)
    expected = funnel(runtime, demo)

    sign_in(page, demo)
    open_users(page)

    # The funnel: each step's count as the API gives it, with its share of all customers
    for step, label in STEPS:
        row = page.locator("#funnel-rows tr", has=page.get_by_role("rowheader", name=label))
        expect(row.locator("td").first).to_have_text(str(expected[step]))
        # Halves round up, as the page's Math.round does (Python's round() goes to even)
        share = int(100 * expected[step] / expected["customers"] + 0.5)
        expect(row.locator("td").nth(1)).to_have_text(f"{share}%")
    expect(page.locator("#funnel-table caption")).to_contain_text("Each step counts")
    screenshot(page, "admin-users", viewport)

    # A resend, confirmed, reaches the invited customer with a fresh create-login link
    card = user_card(page, invited.name, invited.email)
    expect(card).to_contain_text("Invited")
    card.get_by_role("button", name=f"Resend invite to {invited.name}").click()
    expect(card.locator(".confirm p")).to_contain_text(f"a new portal invite at {invited.email}")
    card.get_by_role("button", name="Yes, send the invite").click()
    expect(card.get_by_role("status")).to_have_text(
        f"A new invite is on its way to {invited.email}."
    )
    drain(runtime)
    first, resent = emails_to(runtime, invited.email)
    assert link_token(runtime, resent, POOLS, "create_login") != link_token(
        runtime, first, POOLS, "create_login"
    )

    # A password reset, confirmed, reaches the customer with a login
    card = user_card(page, active.name, active.email)  # the active one, not its twin
    expect(card).to_contain_text("Has a login")
    card.get_by_role("button", name=f"Send password reset to {active.name}").click()
    card.get_by_role("button", name="Yes, send the reset link").click()
    expect(card.get_by_role("status")).to_have_text(
        f"A password-reset link is on its way to {active.email}."
    )
    drain(runtime)
    reset = [m for m in emails_to(runtime, active.email) if "reset?token=" in (m["text"] or "")]
    assert len(reset) == 1
    link_token(runtime, reset[0], POOLS, "reset_password")

    # The twin's resend is refused: the reason is said in words
    card = user_card(page, TWIN, twin.email)
    expect(card).to_contain_text("Not invited")
    card.get_by_role("button", name=f"Send invite to {TWIN}").click()
    card.get_by_role("button", name="Yes, send the invite").click()
    expect(card.get_by_role("status")).to_have_text(
        "Not sent: another customer with this email already has a portal login."
    )

    # The demo's customer without an email has no button, and the card says why
    [no_email] = [c for c in business(demo, POOLS)["customers"] if c["state"] == "no_email"]
    assert no_email["email"] is None
    card = user_card(page, "Robert King")  # the demo's cust-1006
    expect(card).to_contain_text("No email address, so no portal login.")
    expect(card.get_by_role("button")).to_have_count(0)


def test_given_the_keyboard_only_then_the_panel_and_its_actions_are_reachable_and_let_go(
    page: Page, demo: dict[str, Any]
):
    sign_in(page, demo)
    # Tab from the page's start to the panel's button in the admin menu, and open it
    nav_button = page.locator('[data-panel="panel-users"]')
    for _ in range(40):
        page.keyboard.press("Tab")
        if nav_button.evaluate("node => node === document.activeElement"):
            break
    expect(nav_button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Portal users", level=2)).to_be_focused()
    expect(page.locator("#users-list")).not_to_have_attribute("aria-busy", "true")

    # Tab on to the first user's action (the demo's Maria Lopez has a login)
    reset = page.get_by_role("button", name="Send password reset to Maria Lopez")
    for _ in range(40):
        page.keyboard.press("Tab")
        if reset.evaluate("node => node === document.activeElement"):
            break
    expect(reset).to_be_focused()

    # Enter asks for the confirmation; Escape and Cancel both go back to the button
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Yes, send the reset link")).to_be_focused()
    page.keyboard.press("Escape")
    expect(reset).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Cancel", exact=True).first).to_be_focused()
    page.keyboard.press("Enter")
    expect(reset).to_be_focused()
    # ...and Tab goes on past it: no trap
    page.keyboard.press("Tab")
    expect(reset).not_to_be_focused()


def test_given_the_panel_when_scanned_then_axe_finds_nothing_serious_and_360px_fits(
    page: Page, demo: dict[str, Any], viewport: str
):
    if viewport == "desktop":
        page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, demo)
    open_users(page)
    expect(page.locator("#funnel-rows tr")).to_have_count(len(STEPS))
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []
    # With a confirmation open, too
    page.get_by_role("button", name="Send password reset to Maria Lopez").click()
    expect(page.get_by_role("button", name="Yes, send the reset link")).to_be_visible()
    assert axe_violations(page) == []
    scroll, width = widths(page)
    assert scroll <= width, f"the panel scrolls sideways: {scroll} > {width}"


def test_given_a_spanish_browser_then_the_funnel_and_the_users_speak_spanish(
    browser: Browser, runtime: Runtime, demo: dict[str, Any], viewport: str
):
    context = new_context(browser, runtime, viewport, locale="es-ES")
    try:
        page = context.new_page()
        sign_in(page, demo)
        open_users(page, "Usuarios del portal")
        expect(page.get_by_role("heading", name="Embudo de invitaciones")).to_be_visible()
        for label in ("Invitados", "Cuenta creada", "Método de pago guardado"):
            expect(page.get_by_role("rowheader", name=label)).to_be_visible()
        expect(page.locator("#users-message")).to_contain_text("Usuarios del portal mostrados:")
        card = user_card(page, "Maria Lopez")
        expect(card).to_contain_text("Último acceso")
        card.get_by_role(
            "button", name="Enviar restablecimiento de contraseña a Maria Lopez"
        ).click()
        expect(card.get_by_role("button", name="Sí, enviar el enlace")).to_be_focused()
        expect(card.locator(".confirm p")).to_contain_text("¿Enviar a Maria Lopez un enlace")
        assert page.evaluate("document.documentElement.lang") == "es"
    finally:
        context.close()


def test_given_more_users_than_a_page_when_show_more_then_the_next_ones_follow_in_focus(
    page: Page, demo: dict[str, Any]
):
    # Pages of three instead of 25, so the demo's seven customers take three pages
    def small_pages(route: Route) -> None:
        route.continue_(url=route.request.url.replace("limit=25", "limit=3"))

    page.route("**/v1/admin/portal-users?*", small_pages)
    sign_in(page, demo)
    open_users(page)
    expect(page.locator(".user-card")).to_have_count(3)
    expect(page.locator("#users-message")).to_have_text("Portal users shown: 3.")

    page.get_by_role("button", name="Show more").click()

    expect(page.locator(".user-card")).to_have_count(6)
    expect(page.locator(".user-card h4").nth(3)).to_be_focused()
    expect(page.locator("#users-message")).to_have_text("Portal users shown: 6.")

    # A filter starts the list again from its first page
    with page.expect_response(lambda answer: "filter=with_portal_account" in answer.url):
        page.get_by_label("Filter users").select_option("with_portal_account")
    expect(page.locator("#users-list")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator(".user-card").first).to_contain_text("Maria Lopez")
    for card in page.locator(".user-card").all():
        expect(card).to_contain_text("Has a login")
