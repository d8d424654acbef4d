"""Who a request acts for, as the authorizer verified it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ANONYMOUS = "anonymous"
    CUSTOMER = "customer"
    STAFF = "staff"
    API_KEY = "api_key"


BUSINESS_ROLES = frozenset({Role.STAFF, Role.API_KEY})


@dataclass(frozen=True)
class CustomerScope:
    """What a customer's session may see, fixed when the access token is issued (at most 15
    minutes old): the tabs the business enabled for them, its time zone and currency."""

    tabs: frozenset[str]
    timezone: str
    currency: str


@dataclass(frozen=True)
class Principal:
    role: Role
    business_id: str
    subject: str
    customer_id: str | None = None
    scope: CustomerScope | None = None

    def context(self) -> dict[str, str]:
        """The authorizer context API Gateway hands to the function (strings only)."""
        values = {"role": self.role.value, "business_id": self.business_id, "subject": self.subject}
        if self.customer_id:
            values["customer_id"] = self.customer_id
        if self.scope:
            values["tabs"] = ",".join(sorted(self.scope.tabs))
            values["timezone"] = self.scope.timezone
            values["currency"] = self.scope.currency
        return values
