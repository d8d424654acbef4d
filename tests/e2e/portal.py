"""What the end-to-end account tests do over HTTP, as a customer, a business or the
developer's dev endpoints would: add customers, invite them, read their email, follow links."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.e2e.runtime import Response, Runtime, business

ACCESS_COOKIE = "portico_access"
REFRESH_COOKIE = "portico_refresh"
# The web pages links in emails open (DESIGN 4.7: /p/{slug}/...?token=...).
PAGES = {"create_login": "create-login", "magic_link": "magic", "reset_password": "reset"}


@dataclass(frozen=True)
class Customer:
    """A customer the test added to a demo business, with an address no other test uses."""

    slug: str
    customer_id: str
    email: str
    name: str


def drain(runtime: Runtime) -> dict[str, int]:
    """Deliver every queued message now (the mailer sends its email), instead of sleeping."""
    response = runtime.request("POST", "/_dev/queues/drain")
    assert response.status == 200, response.body
    result: dict[str, int] = response.json()
    assert result["awaiting_retry"] == 0, f"a queued job failed; see the log\n{runtime.log()}"
    return result


def emails_to(runtime: Runtime, address: str) -> list[dict[str, Any]]:
    """Every email in the outbox to `address`, oldest first."""
    response = runtime.request("GET", "/_dev/outbox")
    assert response.status == 200, response.body
    return [m for m in response.json()["messages"] if address in m["to"]]


def only_email_to(runtime: Runtime, address: str) -> dict[str, Any]:
    """After a drain: the one email to `address` (the tests' addresses are fresh each time)."""
    found = emails_to(runtime, address)
    assert len(found) == 1, f"expected one email to {address}, got {len(found)}: {found}"
    return found[0]


def link_token(runtime: Runtime, email: dict[str, Any], slug: str, purpose: str) -> str:
    """The token of the `purpose` link in an email's text, checking the link opens this
    runtime's portal page and appears in the HTML part too."""
    page = f"{runtime.base_url}/p/{slug}/{PAGES[purpose]}"
    links = re.findall(re.escape(page) + r"\?token=[A-Za-z0-9_-]+", email["text"] or "")
    assert len(links) == 1, f"no single {page} link in the email's text:\n{email['text']}"
    assert links[0] in (email["html"] or ""), "the HTML part lacks the text part's link"
    return parse_qs(urlsplit(links[0]).query)["token"][0]


def new_customer(runtime: Runtime, demo: dict[str, Any], slug: str) -> Customer:
    """Push a new customer to a demo business through the admin API, as its CRM would."""
    suffix = uuid.uuid4().hex[:10]
    customer = Customer(slug, f"cust-e2e-{suffix}", f"e2e-{suffix}@example.com", "Casey Morgan")
    body = {
        "name": customer.name,
        "email": customer.email,
        "phone": "(512) 555-0199",
        "service_address": {"line1": "500 E 5th St", "city": "Austin", "region": "TX"},
        "send_invoices": True,
        "service_texts": False,
    }
    response = runtime.request(
        "PUT",
        f"/v1/admin/customers/{customer.customer_id}",
        body,
        api_key=admin_key(demo, slug),
    )
    assert response.status in (200, 201), response.body
    return customer


def admin_key(demo: dict[str, Any], slug: str) -> str:
    return str(business(demo, slug)["admin_api_key"])


def invite(runtime: Runtime, demo: dict[str, Any], customer: Customer) -> str:
    """The business invites the customer; the mailer sends the invite. Returns the invite
    email's create-login token."""
    response = runtime.request(
        "POST",
        "/v1/admin/invites",
        {"customer_ids": [customer.customer_id]},
        api_key=admin_key(demo, customer.slug),
    )
    assert response.status == 202, response.body
    assert response.json() == {"sent": [customer.customer_id], "skipped": []}
    drain(runtime)
    email = only_email_to(runtime, customer.email)
    return link_token(runtime, email, customer.slug, "create_login")


def accept(runtime: Runtime, token: str, password: str) -> Response:
    return runtime.request("POST", "/v1/auth/accept", {"token": token, "password": password})


def login(runtime: Runtime, slug: str, email: str, password: str) -> Response:
    return runtime.request(
        "POST", f"/v1/portals/{slug}/login", {"email": email, "password": password}
    )


def ask_link(runtime: Runtime, slug: str, what: str, email: str) -> Response:
    """signup, magic-link or forgot-password at a portal."""
    return runtime.request("POST", f"/v1/portals/{slug}/{what}", {"email": email})


def me_by_bearer(runtime: Runtime, signed_in: Response) -> Response:
    token = signed_in.json()["access_token"]
    return runtime.request("GET", "/v1/me", headers={"authorization": f"Bearer {token}"})


def me_by_cookie(runtime: Runtime, signed_in: Response) -> Response:
    # What a browser sends back: the access cookie (Path=/), not the body's token.
    access = signed_in.cookie(ACCESS_COOKIE)
    assert access, signed_in.set_cookies
    return runtime.request("GET", "/v1/me", headers={"cookie": f"{ACCESS_COOKIE}={access}"})


def signed_in_as(runtime: Runtime, signed_in: Response, customer_id: str) -> dict[str, Any]:
    """Check a sign-in answer opened `customer_id`'s dashboard; returns `GET /v1/me`."""
    assert signed_in.status == 200, signed_in.body
    home = me_by_bearer(runtime, signed_in)
    assert home.status == 200, home.body
    document: dict[str, Any] = home.json()
    assert document["customer"]["customer_id"] == customer_id
    return document
