"""What a signed-in customer sees first. The billing issue grows it into the dashboard."""

from __future__ import annotations

from portico.bootstrap import Services
from portico.domain.business import PublicPortal
from portico.domain.common import DomainModel
from portico.domain.customer import Customer
from portico.errors import ForbiddenError, UnauthorizedError
from portico.identity.principal import Principal
from portico.services.portals import public_view


class CustomerHome(DomainModel):
    customer: Customer
    business: PublicPortal


def customer_home(svc: Services, principal: Principal) -> CustomerHome:
    """The customer and their business, from the session's ids only (one BatchGetItem)."""
    customer_id = principal.customer_id or ""
    customer, portal, business_name = svc.customers.with_portal(principal.business_id, customer_id)
    if customer is None or portal is None:
        raise UnauthorizedError("This account no longer exists; sign in again.")
    if not portal.enabled:
        raise ForbiddenError("This portal is turned off.", code="portal_disabled")
    return CustomerHome(customer=customer, business=public_view(portal, business_name))
