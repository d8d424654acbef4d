"""The session cookies: their names, and reading one from an API Gateway event's cookies.

Kept free of heavy imports: the authorizer reads the access cookie on every request.
"""

from __future__ import annotations

from collections.abc import Iterable

ACCESS_COOKIE = "portico_access"
REFRESH_COOKIE = "portico_refresh"
REFRESH_COOKIE_PATH = "/v1/auth"  # the refresh token goes only where it is spent


def cookie_value(cookies: Iterable[str], name: str) -> str | None:
    """The value of cookie `name` among payload 2.0 `cookies` ("name=value" strings)."""
    for cookie in cookies:
        key, _, value = cookie.partition("=")
        if key.strip() == name and value.strip():
            return value.strip()
    return None
