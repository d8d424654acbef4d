"""The Lambda authorizer of the HTTP API (payload 2.0, simple responses).

An access token (bearer header or the `portico_access` cookie) is verified with no
database call; an admin API key costs one GetItem. It authenticates and never denies: a
request without valid credentials goes on as `anonymous`, and each function refuses
anonymous callers on its protected routes with the 401 body of DESIGN 4.7 (API Gateway's
own deny would answer a bare 403). See the decision log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portico.bootstrap import services
from portico.errors import UnauthorizedError
from portico.http.cookies import ACCESS_COOKIE, cookie_value
from portico.identity.access_tokens import verify_access_token
from portico.identity.principal import Principal, Role
from portico.services import api_keys

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

svc = services()
ANONYMOUS = {"isAuthorized": True, "context": {"role": Role.ANONYMOUS.value}}


def _bearer(headers: dict[str, str]) -> str | None:
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def authorize(event: dict[str, Any]) -> Principal | None:
    """The principal the request's credentials prove, or None."""
    token = _bearer(event.get("headers") or {}) or cookie_value(
        event.get("cookies") or [], ACCESS_COOKIE
    )
    if token is None:
        return None
    if token.startswith(api_keys.KEY_PREFIX):
        key = api_keys.authenticate(svc, token)
        if key is None:
            return None
        return Principal(role=Role.API_KEY, business_id=key.business_id, subject=key.key_id)
    try:
        return verify_access_token(svc.signing_keys, token, svc.clock.now())
    except UnauthorizedError:
        return None


def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    principal = authorize(event)
    if principal is None:
        return ANONYMOUS
    return {"isAuthorized": True, "context": principal.context()}
