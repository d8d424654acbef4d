"""The customer's work pages (portal-work.js), on a phone and on a desktop: Estimates (accept
with a typed signature, decline with a reason, a deposit paid with a saved card or through 3-D
Secure, a decision made elsewhere meanwhile) and Requests (filed with a photo uploaded
straight to the media bucket, bad photos and an empty description refused, the office's
answer shown), in English and in Spanish, scanned by axe-core; off when the business turns
their tabs off."""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import VIEWPORTS
from tests.browser.journeys import (
    SLUG,
    Invited,
    accept_invite,
    add_card,
    axe_violations,
    invited_customer,
    narrowed,
    screenshot,
)
from tests.browser.test_keyboard_and_axe import tab_to
from tests.e2e.portal import admin_key
from tests.e2e.runtime import Runtime, business

LAWN = "greenleaf-lawn"
APOSTROPHE = "\u2019"  # the typographic apostrophe the strings use
# A 1x1 PNG: a real image the browser can decode once it comes back from the bucket.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
# Every image in the list has loaded: the browser decoded it, not just asked for it.
IMAGES_LOADED = """(selector) => {
    const images = [...document.querySelectorAll(selector)];
    return images.length > 0 && images.every((img) => img.complete && img.naturalWidth > 0);
}"""


def push_estimate(
    runtime: Runtime,
    demo: dict[str, Any],
    invited: Invited,
    *,
    deposit: int = 0,
    expired: bool = False,
) -> tuple[str, str]:
    """An estimate of $800.00 (a $750.00 line and $50.00 tax) for the invited customer, as
    the CRM sends it; valid for 30 days, or ended two days ago (so it has ended in the
    business's time zone too, whatever this machine's). Returns its id and number."""
    suffix = uuid.uuid4().hex[:8]
    estimate_id, number = f"est-web-{suffix}", f"E-{suffix[:5].upper()}"
    today = date.today()
    issued = today - timedelta(days=40 if expired else 2)
    body = {
        "customer_id": invited.customer.customer_id,
        "number": number,
        "status": "sent",
        "issue_date": issued.isoformat(),
        "expiry_date": (
            today - timedelta(days=2) if expired else today + timedelta(days=30)
        ).isoformat(),
        "currency": "USD",
        "lines": [{"description": "Pool heater install", "quantity": 1, "unit_amount": 75_000}],
        "tax_amount": 5_000,
        "total": 80_000,
        "deposit_amount": deposit,
        "notes": "Parts <b>ordered</b> on acceptance.",
    }
    response = runtime.request(
        "PUT", f"/v1/admin/estimates/{estimate_id}", body, api_key=admin_key(demo, SLUG)
    )
    assert response.status in (200, 201), response.body
    return estimate_id, number


def assert_accessible(page: Page, viewport: str | None = None) -> None:
    """No serious or critical axe-core violation; on the phone, nothing scrolls sideways from
    360 px wide."""
    violations = axe_violations(page)
    assert violations == [], violations
    if viewport == "phone":
        with narrowed(page):
            wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not wide, "the page scrolls sideways at 360 px"


def test_a_customer_accepts_an_estimate_with_a_signature_and_pays_its_deposit(
    page: Page, runtime: Runtime, demo: dict[str, Any], viewport: str
):
    invited = invited_customer(runtime, demo)
    estimate_id, number = push_estimate(runtime, demo, invited, deposit=25_000)
    accept_invite(page, invited)

    # Home's badge leads to the estimates, where the new one is open
    page.get_by_role("link", name="1 estimate to review").click()
    expect(page.locator("#estimates-heading")).to_be_focused()
    item = page.locator("#estimates-list > li", has_text=number)
    expect(item).to_contain_text("$800.00")
    expect(item.locator(".badge")).to_have_text("Open")
    expect(item).to_contain_text("Valid until")
    screenshot(page, "estimates", viewport)
    assert_accessible(page, viewport)

    # The estimate: lines, totals, the deposit and the notes, as typed
    item.get_by_role("link", name=f"Estimate {number}").click()
    expect(page.locator("#estimate-heading")).to_have_text(f"Estimate {number}")
    expect(page.locator("#estimate-lines")).to_contain_text("Pool heater install")
    expect(page.locator("#estimate-totals")).to_contain_text("$800.00")
    expect(page.locator("#estimate-totals")).to_contain_text("Deposit$250.00")
    expect(page.locator("#estimate-notes")).to_have_text("Parts <b>ordered</b> on acceptance.")
    screenshot(page, "estimate", viewport)
    assert_accessible(page, viewport)

    # Accepting asks for the signature, then for the agreement, each said in the live region
    accept = page.get_by_role("button", name="Accept estimate")
    accept.click()
    message = page.locator("#estimate-accept-message")
    expect(message).to_have_text("Type your full name to sign.")
    expect(page.get_by_label("Your full name, as your signature")).to_be_focused()
    expect(page.locator("#estimate-signature")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Your full name, as your signature").fill(invited.customer.name)
    accept.click()
    expect(message).to_have_text("Tick the box to accept the estimate.")
    expect(page.locator("#estimate-agree")).to_be_focused()
    page.get_by_label("I accept this estimate, and my typed name is my signature").check()
    accept.click()

    # The decision is shown, with no buttons left to decide again
    status = page.locator("#estimate-status")
    expect(status).to_have_text(f"You accepted estimate {number}. Thank you!")
    expect(status).to_be_focused()
    expect(page.locator("#estimate-decision")).to_contain_text(
        f"Accepted by {invited.customer.name} on"
    )
    for form in ("#estimate-accept-form", "#estimate-decline-form", "#estimate-change-form"):
        expect(page.locator(form)).to_be_hidden()

    # No card yet: the deposit offers Billing info, where one is added
    expect(page.locator("#estimate-deposit-text")).to_have_text(
        "This estimate asks for a deposit of $250.00."
    )
    page.get_by_role("link", name="Add one in Billing info").click()
    expect(page.locator("#billing-heading")).to_be_focused()
    add_card(page)
    page.goto(f"/p/{SLUG}/estimates/{estimate_id}")

    # The deposit is paid with the saved Visa
    page.get_by_role("button", name="Pay deposit of $250.00").click()
    expect(status).to_have_text("Deposit of $250.00 paid. Thank you!")
    expect(status).to_be_focused()
    expect(page.locator("#estimate-totals")).to_contain_text("Deposit paid$250.00")
    expect(page.locator("#estimate-deposit-form")).to_be_hidden()
    assert_accessible(page, viewport)

    # The business sees the signature
    record = runtime.request(
        "GET", f"/v1/admin/estimates/{estimate_id}", api_key=admin_key(demo, SLUG)
    ).json()
    decision = record["decision"]
    assert (decision["decision"], decision["signature_name"]) == ("accepted", invited.customer.name)
    assert record["deposit_paid"] == 25_000


def accept_and_pay_a_deposit_with_3d_secure(
    page: Page, runtime: Runtime, demo: dict[str, Any]
) -> tuple[str, str]:
    """A new customer with a card that asks for 3-D Secure accepts a $100-deposit estimate
    and pays the deposit: the bank's page is open. The estimate's id and number."""
    invited = invited_customer(runtime, demo)
    estimate_id, number = push_estimate(runtime, demo, invited, deposit=10_000)
    accept_invite(page, invited)
    page.goto(f"/p/{SLUG}/billing")
    add_card(page, "pm_card_authenticationRequired")
    page.goto(f"/p/{SLUG}/estimates/{estimate_id}")
    page.get_by_label("Your full name, as your signature").fill("Pat Doe")
    page.get_by_label("I accept this estimate, and my typed name is my signature").check()
    page.get_by_role("button", name="Accept estimate").click()
    page.get_by_role("button", name="Pay deposit of $100.00").click()
    page.wait_for_url(re.compile(r"/_fake/authenticate\?"))
    return estimate_id, number


def test_a_deposit_card_that_needs_3d_secure_comes_back_to_the_estimate(
    page: Page, runtime: Runtime, demo: dict[str, Any]
):
    estimate_id, number = accept_and_pay_a_deposit_with_3d_secure(page, runtime, demo)
    page.get_by_role("button", name="Complete authentication").click()

    status = page.locator("#estimate-status")
    expect(status).to_have_text("Deposit of $100.00 paid. Thank you!")
    assert page.url.endswith(f"/p/{SLUG}/estimates/{estimate_id}")
    expect(page.locator("#estimate-heading")).to_have_text(f"Estimate {number}")


def test_a_failed_3d_secure_on_a_deposit_charges_nothing_and_offers_the_deposit_again(
    page: Page, runtime: Runtime, demo: dict[str, Any]
):
    estimate_id, _ = accept_and_pay_a_deposit_with_3d_secure(page, runtime, demo)
    page.get_by_role("button", name="Fail authentication").click()

    status = page.locator("#estimate-status")
    expect(status).to_have_text(
        "Your bank did not confirm the payment, so nothing was charged. "
        "Try again or choose another card."
    )
    expect(status).to_be_focused()
    expect(page.get_by_role("button", name="Pay deposit of $100.00")).to_be_visible()
    shown = runtime.request(
        "GET", f"/v1/admin/estimates/{estimate_id}", api_key=admin_key(demo, SLUG)
    ).json()
    assert shown["deposit_paid"] == 0


def test_a_customer_declines_an_estimate_with_a_reason_and_asks_for_changes_to_another(
    page: Page, runtime: Runtime, demo: dict[str, Any]
):
    invited = invited_customer(runtime, demo)
    declined_id, declined_number = push_estimate(runtime, demo, invited)
    changed_id, changed_number = push_estimate(runtime, demo, invited)
    accept_invite(page, invited)

    # Declining needs a reason; the reason is kept as typed
    page.goto(f"/p/{SLUG}/estimates/{declined_id}")
    decline = page.get_by_role("button", name="Decline estimate")
    decline.click()
    expect(page.locator("#estimate-decline-message")).to_have_text(
        "Tell us why you are declining, in a few words."
    )
    expect(page.get_by_label("Why are you declining?")).to_be_focused()
    page.get_by_label("Why are you declining?").fill("Too <i>expensive</i> this year")
    decline.click()
    expect(page.locator("#estimate-status")).to_have_text(
        f"You declined estimate {declined_number}."
    )
    expect(page.locator("#estimate-decision")).to_contain_text(
        "Reason: Too <i>expensive</i> this year"
    )
    expect(page.locator("#estimate-accept-form")).to_be_hidden()

    # Another estimate: a change request is listed under it, and it stays open
    page.goto(f"/p/{SLUG}/estimates/{changed_id}")
    page.get_by_label("What should change?").fill("Could the install be in March?")
    page.get_by_role("button", name="Send change request").click()
    expect(page.locator("#estimate-status")).to_have_text(
        f"Your change request for estimate {changed_number} was sent. We{APOSTROPHE}ll be in touch."
    )
    expect(page.locator("#estimate-changes-list")).to_contain_text("Could the install be in March?")
    expect(page.locator("#estimate-accept-form")).to_be_visible()

    # The list shows both, each with its state
    page.get_by_role("link", name="Back to estimates").click()
    expect(page.locator("#estimates-list > li", has_text=declined_number)).to_contain_text(
        "Declined"
    )
    expect(page.locator("#estimates-list > li", has_text=changed_number)).to_contain_text("Open")


def test_a_decision_made_elsewhere_and_an_expired_estimate_leave_nothing_to_press(
    page: Page, runtime: Runtime, demo: dict[str, Any]
):
    invited = invited_customer(runtime, demo)
    estimate_id, number = push_estimate(runtime, demo, invited)
    old_id, _ = push_estimate(runtime, demo, invited, expired=True)
    accept_invite(page, invited)
    page.goto(f"/p/{SLUG}/estimates/{estimate_id}")
    expect(page.locator("#estimate-accept-form")).to_be_visible()

    # Meanwhile, in another tab, the customer declines it
    other = page.context.new_page()
    other.goto(f"/p/{SLUG}/estimates/{estimate_id}")
    other.get_by_label("Why are you declining?").fill("Found someone else")
    other.get_by_role("button", name="Decline estimate").click()
    expect(other.locator("#estimate-status")).to_have_text(f"You declined estimate {number}.")
    other.close()

    # Accepting here is refused (409): the server's reason, and the estimate as it is now
    page.get_by_label("Your full name, as your signature").fill("Pat Doe")
    page.get_by_label("I accept this estimate, and my typed name is my signature").check()
    page.get_by_role("button", name="Accept estimate").click()
    status = page.locator("#estimate-status")
    expect(status).to_have_text(f"Estimate {number} was declined already.")
    expect(status).to_have_class(re.compile(r"\bis-error\b"))
    expect(status).to_be_focused()
    expect(page.locator("#estimate-decision")).to_contain_text("Reason: Found someone else")
    expect(page.locator("#estimate-accept-form")).to_be_hidden()

    # An expired estimate says so and offers no decision
    page.goto(f"/p/{SLUG}/estimates/{old_id}")
    expect(page.locator("#estimate-decision")).to_contain_text("This estimate expired on")
    expect(page.locator("#estimate-facts")).to_contain_text("Expired")
    for form in ("#estimate-accept-form", "#estimate-decline-form", "#estimate-change-form"):
        expect(page.locator(form)).to_be_hidden()


def test_a_customer_files_a_request_with_a_photo_and_sees_the_offices_answer(
    page: Page, runtime: Runtime, demo: dict[str, Any], viewport: str
):
    invited = invited_customer(runtime, demo)
    accept_invite(page, invited)
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Requests").click()
    expect(page.locator("#requests-heading")).to_be_focused()
    expect(page.locator("#requests-status")).to_have_text("No requests yet.")
    assert_accessible(page, viewport)

    # An empty form says what is missing, one thing at a time
    send = page.get_by_role("button", name="Send request")
    message = page.locator("#request-message")
    send.click()
    expect(message).to_have_text("Say in a few words what you need.")
    expect(page.get_by_label("What do you need?")).to_be_focused()
    page.get_by_label("What do you need?").fill("Pump repair")
    page.get_by_label("Describe the work").fill("   ")
    send.click()
    expect(message).to_have_text("Describe the work you need.")
    expect(page.get_by_label("Describe the work")).to_have_attribute("aria-invalid", "true")

    # The counter follows the description
    page.get_by_label("Describe the work").fill("The pump <b>hums</b> but no water moves.")
    expect(page.locator("#request-counter")).to_have_text("40 of 5,000 characters")

    # A file that is not a photo and one over 10 MB are refused before any upload
    photos = page.get_by_label("Photos (optional)")
    photos.set_input_files(
        [
            {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a photo"},
            {"name": "huge.png", "mimeType": "image/png", "buffer": b"\0" * (10 * 1024 * 1024 + 1)},
        ],
        timeout=60_000,  # 10 MB through the browser protocol: slow on a busy machine
    )
    listed = page.locator("#request-photo-list > li")
    expect(listed).to_have_text(
        [
            "notes.txt: not a photo. Choose a JPEG, PNG, WebP or HEIC image.",
            "huge.png: larger than 10 MB. Choose a smaller photo.",
        ]
    )
    expect(message).to_have_text(f"Some photos can{APOSTROPHE}t be sent. Choose others, or none.")
    send.click()
    expect(message).to_have_text(f"Some photos can{APOSTROPHE}t be sent. Choose others, or none.")
    expect(photos).to_be_focused()

    # With a real photo, it is uploaded and the request is filed
    photos.set_input_files({"name": "pump.png", "mimeType": "image/png", "buffer": PNG})
    expect(listed).to_have_text(["pump.png: ready"])
    screenshot(page, "requests", viewport)

    # Switching language keeps the draft, and says the photo's state in the new language
    page.locator("#language-switch").click()
    expect(listed).to_have_text(["pump.png: lista"])
    expect(page.get_by_label("¿Qué necesita?")).to_have_value("Pump repair")
    page.locator("#language-switch").click()
    expect(listed).to_have_text(["pump.png: ready"])
    send.click()
    expect(message).to_have_text(
        f"Your request “Pump repair” was sent. We{APOSTROPHE}ll be in touch."
    )
    expect(message).to_be_focused()
    expect(listed).to_have_count(0)
    item = page.locator("#requests-list > li", has_text="Pump repair")
    expect(item.locator(".badge")).to_have_text("Received")
    expect(item).to_contain_text("The pump <b>hums</b> but no water moves.")
    page.wait_for_function(IMAGES_LOADED, arg="#requests-list .visit-photos img")
    expect(item.locator("img")).to_have_attribute("alt", "Photo 1 of your request: Pump repair")

    # The office schedules it with a note, and the customer sees both
    key = admin_key(demo, SLUG)
    requests = runtime.request("GET", "/v1/admin/work-requests?limit=100", api_key=key).json()
    [mine] = [r for r in requests["items"] if r["customer_id"] == invited.customer.customer_id]
    assert len(mine["photos"]) == 1
    answered = runtime.request(
        "PATCH",
        f"/v1/admin/work-requests/{mine['work_request_id']}",
        {"status": "scheduled", "note": "Diego comes Tuesday morning."},
        api_key=key,
    )
    assert answered.status == 200, answered.body
    page.reload()
    item = page.locator("#requests-list > li", has_text="Pump repair")
    expect(item.locator(".badge")).to_have_text("Scheduled")
    expect(item.locator(".notice")).to_have_text("Our note: Diego comes Tuesday morning.")
    assert_accessible(page, viewport)


def test_an_estimate_is_accepted_with_the_keyboard_alone(
    page: Page, runtime: Runtime, demo: dict[str, Any]
):
    invited = invited_customer(runtime, demo)
    _, number = push_estimate(runtime, demo, invited)
    accept_invite(page, invited)

    # Estimates from the menu, the estimate from the list, each by Tab and Enter
    tab_to(page, "nav a[data-page=estimates]")
    page.keyboard.press("Enter")
    expect(page.locator("#estimates-heading")).to_be_focused()
    tab_to(page, "#estimates-list a")
    page.keyboard.press("Enter")
    expect(page.locator("#estimate-heading")).to_have_text(f"Estimate {number}")

    # Sign, tick with Space, accept with Enter: the outcome takes the focus
    tab_to(page, "#estimate-signature")
    page.keyboard.type(invited.customer.name)
    tab_to(page, "#estimate-agree")
    page.keyboard.press("Space")
    tab_to(page, "#estimate-accept-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#estimate-status")).to_be_focused()
    expect(page.locator("#estimate-status")).to_have_text(
        f"You accepted estimate {number}. Thank you!"
    )


def test_in_spanish_under_the_pages_own_csp_a_customer_accepts_an_estimate_and_sends_a_photo(
    browser: Browser, runtime: Runtime, demo: dict[str, Any]
):
    """A Spanish-speaking browser, with the content security policy enforced (the other
    tests bypass it to inject axe-core): the photo's upload to the bucket is allowed."""
    invited = invited_customer(runtime, demo)
    estimate_id, number = push_estimate(runtime, demo, invited)
    context = browser.new_context(
        base_url=runtime.base_url,
        viewport=VIEWPORTS["phone"],
        locale="es-ES",
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        refused: list[str] = []
        page.on(
            "console",
            lambda entry: (
                refused.append(entry.text) if "Content Security Policy" in entry.text else None
            ),
        )
        accept_invite(page, invited, password_label="Contraseña nueva")
        expect(page.locator("html")).to_have_attribute("lang", "es")

        page.get_by_role("link", name="1 presupuesto por revisar").click()
        expect(page.locator("#estimates-heading")).to_have_text("Presupuestos")
        expect(page.locator("#estimates-list .badge")).to_have_text("Abierto")
        page.get_by_role("link", name=f"Presupuesto {number}").click()
        page.get_by_role("button", name="Aceptar presupuesto").click()
        expect(page.locator("#estimate-accept-message")).to_have_text(
            "Escriba su nombre completo para firmar."
        )
        page.get_by_label("Su nombre completo, como firma").fill(invited.customer.name)
        page.get_by_label("Acepto este presupuesto y mi nombre escrito es mi firma").check()
        page.get_by_role("button", name="Aceptar presupuesto").click()
        expect(page.locator("#estimate-status")).to_have_text(
            f"Aceptó el presupuesto {number}. ¡Gracias!"
        )
        expect(page.locator("#estimate-decision")).to_contain_text(
            f"Aceptado por {invited.customer.name} el"
        )
        assert page.url.endswith(f"/estimates/{estimate_id}")

        page.get_by_role("navigation", name="Portal").get_by_role(
            "link", name="Solicitudes"
        ).click()
        page.get_by_role("button", name="Enviar solicitud").click()
        expect(page.locator("#request-message")).to_have_text(
            "Diga en pocas palabras qué necesita."
        )
        page.get_by_label("¿Qué necesita?").fill("Limpieza de filtro")
        page.get_by_label("Describa el trabajo").fill("El agua está turbia.")
        expect(page.locator("#request-counter")).to_have_text("20 de 5000 caracteres")
        page.get_by_label("Fotos (opcional)").set_input_files(
            [
                {"name": "filtro.png", "mimeType": "image/png", "buffer": PNG},
                {"name": "lista.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"},
            ]
        )
        expect(page.locator("#request-photo-list > li").nth(1)).to_have_text(
            "lista.pdf: no es una foto. Elija una imagen JPEG, PNG, WebP o HEIC."
        )
        page.get_by_label("Fotos (opcional)").set_input_files(
            {"name": "filtro.png", "mimeType": "image/png", "buffer": PNG}
        )
        page.get_by_role("button", name="Enviar solicitud").click()
        expect(page.locator("#request-message")).to_have_text(
            "Se envió su solicitud «Limpieza de filtro». Nos pondremos en contacto."
        )
        expect(page.locator("#requests-list .badge")).to_have_text("Recibida")
        page.wait_for_function(IMAGES_LOADED, arg="#requests-list .visit-photos img")
        assert refused == []
    finally:
        context.close()


@pytest.fixture
def lawn_without_work(runtime: Runtime, demo: dict[str, Any]) -> Iterator[None]:
    """Greenleaf Lawn with its Estimates and Requests tabs off; turned back on afterwards."""
    key = business(demo, LAWN)["admin_api_key"]
    tabs = runtime.request("GET", "/v1/admin/portal", api_key=key).json()["tabs"]
    off = {"tabs": tabs | {"estimates": False, "work_requests": False}}
    changed = runtime.request("PUT", "/v1/admin/portal", off, api_key=key)
    assert changed.status == 200, changed.body
    yield
    restored = runtime.request("PUT", "/v1/admin/portal", {"tabs": tabs}, api_key=key)
    assert restored.status == 200, restored.body


def test_with_the_tabs_off_the_nav_hides_estimates_and_requests_and_their_addresses_lead_home(
    page: Page, demo: dict[str, Any], lawn_without_work: None
):
    ana = next(c for c in business(demo, LAWN)["customers"] if c["customer_id"] == "cust-1102")
    page.goto(f"/p/{LAWN}")
    page.locator("#login-email").fill(ana["email"])
    page.locator("#login-password").fill(ana["password"])
    page.locator("#password-form button[type=submit]").click()
    expect(page.locator("#home-heading")).to_have_text("Hello, Ana Torres")

    nav = page.get_by_role("navigation", name="Portal")
    expect(nav.get_by_role("link", name="Invoices")).to_be_visible()
    expect(nav.get_by_role("link", name="Estimates")).to_have_count(0)
    expect(nav.get_by_role("link", name="Requests")).to_have_count(0)
    for path in ("estimates", "estimates/est-4101", "requests"):
        page.goto(f"/p/{LAWN}/{path}")
        expect(page.locator("#home-heading")).to_be_visible()
        expect(page.locator("#view-estimates")).to_be_hidden()
        expect(page.locator("#view-estimate")).to_be_hidden()
        expect(page.locator("#view-requests")).to_be_hidden()
