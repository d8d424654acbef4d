"""The customer's self-service pages (issue 8, web2), on a phone and on a desktop: the service
history with its visits' before and after photos, in English and in Spanish; Rate us."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.journeys import SLUG, accept_invite, invited_customer, screenshot
from tests.e2e.runtime import Runtime, business

# Every image in the list has loaded: the browser decoded it, not just asked for it.
PHOTOS_LOADED = """(selector) => {
    const images = [...document.querySelectorAll(selector)];
    return images.length > 0 && images.every((img) => img.complete && img.naturalWidth > 0);
}"""


def sign_in_as_linda(page: Page, demo: dict[str, Any]) -> None:
    """The demo's Linda Nguyen (cust-1005): a green-to-clean visit with a before and an
    after photo, and a weekly visit to come."""
    linda = next(c for c in business(demo, SLUG)["customers"] if c["customer_id"] == "cust-1005")
    page.goto(f"/p/{SLUG}")
    page.locator("#login-email").fill(linda["email"])
    page.locator("#login-password").fill(linda["password"])
    page.locator("#password-form button[type=submit]").click()
    expect(page.locator("#home-heading")).to_contain_text("Linda")


def test_a_customer_sees_her_visits_and_their_photos_load(
    page: Page, demo: dict[str, Any], viewport: str
):
    sign_in_as_linda(page, demo)

    # When she opens Service history from the menu
    page.get_by_role("navigation", name="Portal").get_by_role(
        "link", name="Service history"
    ).click()

    # Then the heading takes the focus, the coming visit is under Upcoming with its technician
    expect(page.locator("#visits-heading")).to_be_focused()
    upcoming = page.locator("#visits-upcoming > li")
    expect(upcoming).to_have_count(1)
    expect(upcoming.first).to_contain_text("Weekly pool service")
    expect(upcoming.first).to_contain_text("Scheduled")
    expect(upcoming.first).to_contain_text("Technician: Ana")

    # And the past visit shows its notes and both photos, loaded, each with its text alternative
    past = page.locator("#visits-past > li", has_text="Green-to-clean recovery")
    expect(past).to_contain_text("Day 1 of 3: shocked, ran the pump 24 h.")
    photos = past.locator(".visit-photos img")
    expect(photos).to_have_count(2)
    expect(photos.nth(0)).to_have_attribute(
        "alt", "Before: Green-to-clean recovery on " + _date(page, past)
    )
    expect(photos.nth(1)).to_have_attribute(
        "alt", "After: Green-to-clean recovery on " + _date(page, past)
    )
    expect(past.locator("figcaption")).to_have_text(["Before: Day 1", "After: Day 3"])
    page.wait_for_function(PHOTOS_LOADED, arg="#visits-past .visit-photos img")
    # The business's opening hours are with its contact details at the foot of every page
    expect(page.locator("#portal-contact")).to_contain_text("Mon-Fri 7am-6pm, Sat 8am-noon")
    screenshot(page, "service-history", viewport)

    # When she switches to Spanish, the page speaks Spanish
    page.locator("#language-switch").click()
    expect(page.locator("#visits-heading")).to_have_text("Historial de servicio")
    expect(page.locator("#visits-upcoming-heading")).to_have_text("Próximas visitas")
    expect(page.locator("#visits-upcoming > li").first).to_contain_text("Técnico: Ana")
    expect(page.locator("#visits-past figcaption").first).to_have_text("Antes: Day 1")
    page.locator("#language-switch").click()
    expect(page.locator("#visits-heading")).to_have_text("Service history")


def _date(page: Page, visit: Any) -> str:
    """The date as the visit's title shows it ("Green-to-clean recovery, Oct 24, 2026")."""
    title = visit.locator("h3").inner_text()
    return title.split(", ", 1)[1]


def test_a_customer_rates_five_stars_and_is_offered_the_public_review_link(
    page: Page, runtime: Runtime, demo: dict[str, Any], viewport: str
):
    invited = invited_customer(runtime, demo)
    accept_invite(page, invited)
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Rate us").click()
    expect(page.locator("#review-heading")).to_be_focused()

    # Sending without a rating says what is missing, and the stars are marked invalid
    page.get_by_role("button", name="Send rating").click()
    expect(page.locator("#review-message")).to_have_text("Choose from 1 to 5 stars.")
    expect(page.locator("#rating-1")).to_be_focused()
    expect(page.locator("#rating-5")).to_have_attribute("aria-invalid", "true")

    # The stars are one radio group, chosen with the arrow keys
    group = page.get_by_role("group", name="Your rating")
    expect(group.get_by_role("radio")).to_have_count(5)
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    expect(group.get_by_role("radio", name="5 stars")).to_be_checked()
    expect(page.locator("#review-message")).to_have_text("")
    page.get_by_label("Comment (optional)").fill("Crystal clear <b>every</b> week")
    screenshot(page, "rate-us", viewport)
    page.get_by_role("button", name="Send rating").click()

    # The thanks takes the focus, and the business's public review page is offered
    expect(page.locator("#review-done-text")).to_be_focused()
    expect(page.locator("#review-done-text")).to_have_text("Thank you for your 5-star rating.")
    link = page.get_by_role("link", name="Leave a public review (opens in a new tab)")
    expect(link).to_have_attribute("href", "https://reviews.example.com/sparkling-pools")

    # The business sees the comment as typed
    key = business(demo, SLUG)["admin_api_key"]
    reviews = runtime.request("GET", "/v1/admin/reviews", api_key=key).json()["items"]
    mine = [r for r in reviews if r["customer_id"] == invited.customer.customer_id]
    assert [(r["rating"], r["comment"]) for r in mine] == [(5, "Crystal clear <b>every</b> week")]


def test_a_low_rating_is_thanked_without_the_public_link(
    page: Page, runtime: Runtime, demo: dict[str, Any]
):
    invited = invited_customer(runtime, demo)
    accept_invite(page, invited)
    page.goto(f"/p/{SLUG}/review")
    page.get_by_text("2 stars", exact=True).click()
    page.get_by_role("button", name="Send rating").click()

    expect(page.locator("#review-done-text")).to_have_text("Thank you for your 2-star rating.")
    expect(page.locator("#review-public")).to_be_hidden()


def test_a_customer_downloads_a_document_the_business_shared(page: Page, demo: dict[str, Any]):
    maria = next(c for c in business(demo, SLUG)["customers"] if c["customer_id"] == "cust-1001")
    page.goto(f"/p/{SLUG}")
    page.locator("#login-email").fill(maria["email"])
    page.locator("#login-password").fill(maria["password"])
    page.locator("#password-form button[type=submit]").click()
    expect(page.locator("#home-heading")).to_contain_text("Maria")

    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Documents").click()
    expect(page.locator("#documents-heading")).to_be_focused()
    item = page.locator("#documents-list > li", has_text="Pool equipment inspection")
    expect(item).to_contain_text(".pdf")

    # The button asks for a fresh link and the browser downloads the file it names
    with page.expect_download() as download:
        item.get_by_role("button", name="Download Pool equipment inspection").click()
    with open(download.value.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"
