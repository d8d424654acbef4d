"""The customer's activity log (`GET /v1/me/activity`): sign-ins, AutoPay consent with its
text, payment methods added and removed, payments made and failed, receipts sent, and what
other features log, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from portico.bootstrap import Services
from portico.data.pagination import Page
from portico.domain.common import DomainModel
from portico.identity.principal import Principal
from portico.services.scope import session_customer


class ActivityView(DomainModel):
    """One entry: what happened (`kind`), when, whose doing (`source`) and its details
    (never a secret, a token or a card number: brand and last 4 at most)."""

    entry_id: str
    kind: str
    at: datetime
    source: Literal["customer", "business", "system"]
    details: dict[str, object]


def list_activity(
    svc: Services, principal: Principal, limit: int, cursor: str | None
) -> Page[ActivityView]:
    """The signed-in customer's own entries, newest first (one Query)."""
    business_id, customer_id, _, _ = session_customer(principal)
    page = svc.activity.page(business_id, customer_id, limit, cursor)
    return Page([ActivityView(**dict(entry)) for entry in page.items], page.next_cursor)
