"""A customer's scope: the tabs they may see and their business's time zone and currency.

Computed when a session's access token is issued (`customer_scope`) and enforced on every
customer route from the token alone (`session_customer`, `require_tab`).
"""

from __future__ import annotations

from portico.domain.overview import CustomerOverview
from portico.errors import ForbiddenError, UnauthorizedError
from portico.identity.principal import CustomerScope, Principal


def customer_scope(overview: CustomerOverview) -> CustomerScope:
    """The tabs this customer may see (the business's, less Invoices for a customer the
    business does not send invoices to), with the business's time zone and currency."""
    tabs = {name for name, enabled in overview.portal.tabs.model_dump().items() if enabled}
    if not overview.customer.send_invoices:
        tabs.discard("invoices")
    return CustomerScope(
        tabs=frozenset(tabs),
        timezone=overview.business.timezone,
        currency=overview.business.currency,
    )


def session_customer(principal: Principal) -> tuple[str, str, frozenset[str], str]:
    """The session's business id, customer id, tabs and time zone."""
    if principal.customer_id is None or principal.scope is None:
        raise UnauthorizedError("Sign in to continue.")
    scope = principal.scope
    return principal.business_id, principal.customer_id, scope.tabs, scope.timezone


def require_tab(tabs: frozenset[str], tab: str) -> None:
    """Refuse a route whose tab the business turned off for this customer."""
    if tab not in tabs:
        raise ForbiddenError(
            f"The {tab.replace('_', ' ')} tab is not available for this account.",
            code=f"{tab}_unavailable",
        )
