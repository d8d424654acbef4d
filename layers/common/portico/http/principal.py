"""Who is calling: what the Lambda authorizer verified and put in the request context.

Customer-facing code takes the business and customer ids from here, never from the request.
"""

from __future__ import annotations

from typing import Any

from portico.errors import ForbiddenError, UnauthorizedError
from portico.identity.principal import BUSINESS_ROLES, CustomerScope, Principal, Role


def principal_of(event: dict[str, Any]) -> Principal | None:
    """The verified principal of an API Gateway HTTP API event, or None if anonymous."""
    authorizer = event.get("requestContext", {}).get("authorizer") or {}
    context = authorizer.get("lambda") or {}
    role = context.get("role")
    if not isinstance(role, str) or role not in set(Role) or role == Role.ANONYMOUS:
        return None
    business_id = context.get("business_id")
    subject = context.get("subject")
    if not business_id or not subject:
        return None
    scope = None
    if role == Role.CUSTOMER and {"tabs", "timezone", "currency"} <= set(context):
        scope = CustomerScope(
            tabs=frozenset(tab for tab in str(context["tabs"]).split(",") if tab),
            timezone=str(context["timezone"]),
            currency=str(context["currency"]),
        )
    return Principal(
        role=Role(role),
        business_id=business_id,
        subject=subject,
        customer_id=context.get("customer_id"),
        scope=scope,
    )


def require_business(event: dict[str, Any]) -> Principal:
    """The business principal (staff session or API key) of this request, or 401/403."""
    principal = principal_of(event)
    if principal is None:
        raise UnauthorizedError("Sign in or send the business's API key.")
    if principal.role not in BUSINESS_ROLES:
        raise ForbiddenError("This route is for the business only.")
    return principal


def require_customer(event: dict[str, Any]) -> Principal:
    """The customer principal of this request, or 401/403."""
    principal = principal_of(event)
    if principal is None:
        raise UnauthorizedError("Sign in to continue.")
    if principal.role is not Role.CUSTOMER or not principal.customer_id or not principal.scope:
        raise ForbiddenError("This route is for customers only.")
    return principal
