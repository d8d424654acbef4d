"""The Lambda authorizer of the HTTP API (payload 2.0, simple responses).

It authenticates and never denies: a request without valid credentials goes on as
`anonymous`, and each function refuses anonymous callers on its protected routes with the
401 body of DESIGN 4.7 (API Gateway's own deny would answer a bare 403). See the decision log.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from portico.bootstrap import services
from portico.http.principal import Principal, Role
from portico.observability import logger
from portico.services import api_keys

svc = services()
ANONYMOUS = {"isAuthorized": True, "context": {"role": Role.ANONYMOUS.value}}


def _bearer(headers: dict[str, str]) -> str | None:
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def authorize(event: dict[str, Any]) -> Principal | None:
    """The principal the request's credentials prove, or None."""
    token = _bearer(event.get("headers") or {})
    if token is None:
        return None
    key = api_keys.authenticate(svc, token)
    if key is None:
        return None
    return Principal(role=Role.API_KEY, business_id=key.business_id, subject=key.key_id)


def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    principal = authorize(event)
    if principal is None:
        return ANONYMOUS
    logger.debug("authorized", extra={"role": principal.role, "business_id": principal.business_id})
    return {"isAuthorized": True, "context": principal.context()}
