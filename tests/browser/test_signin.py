"""The harness's first journey: a demo customer signs in with a password and sees what they
owe, in Chromium, on a phone and on a desktop."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.runtime import business

SLUG = "sparkling-pools"


def demo_customer(demo: dict[str, Any], customer_id: str) -> dict[str, Any]:
    customers = business(demo, SLUG)["customers"]
    return next(c for c in customers if c["customer_id"] == customer_id)


def test_given_a_demo_customer_when_they_sign_in_then_the_home_shows_their_balance(
    page: Page, demo: dict[str, Any]
):
    james = demo_customer(demo, "cust-1002")  # active; one open repair invoice: $431.50 + 8.25% tax
    page.goto(f"/p/{SLUG}")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    expect(page.locator("#portal-brand")).to_have_text("Sparkling Pools")

    page.locator("#login-email").fill(james["email"])
    page.get_by_label("Password", exact=True).fill(james["password"])
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("heading", name="Hello, James Carter")).to_be_visible()
    expect(page.locator("#home-balance")).to_have_text("$467.10")
