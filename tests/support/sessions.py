"""Helpers for tests that sign customers in."""

from __future__ import annotations

from portico.bootstrap import Services
from portico.identity.tokens import LinkPurpose
from portico.services.accounts import issue_link
from tests.support.api import call

PASSWORD = "correct horse battery staple"


def link_for(
    svc: Services,
    business_id: str,
    customer_id: str,
    email: str,
    purpose: LinkPurpose = LinkPurpose.CREATE_LOGIN,
) -> str:
    return issue_link(svc, purpose, business_id, customer_id, email)


def cookies_of(response) -> dict[str, str]:
    """name -> full Set-Cookie line."""
    return {line.split("=", 1)[0]: line for line in response.cookies}


def cookie_value(response, name: str) -> str:
    return cookies_of(response)[name].split("=", 1)[1].split(";", 1)[0]


def signed_up(
    svc: Services, business_id: str, customer_id: str, email: str, password: str = PASSWORD
):
    """Accept an invite for the customer; returns the response (with cookies and token)."""
    token = link_for(svc, business_id, customer_id, email)
    response = call("POST", "/v1/auth/accept", {"token": token, "password": password})
    assert response.status == 200, response.body
    return response


def bearer(response) -> dict[str, str]:
    return {"authorization": f"Bearer {response.json()['access_token']}"}


def signed_in(slug: str, email: str, password: str = PASSWORD):
    """Sign in a customer who already has a login; returns the response."""
    response = call("POST", f"/v1/portals/{slug}/login", {"email": email, "password": password})
    assert response.status == 200, response.body
    return response
