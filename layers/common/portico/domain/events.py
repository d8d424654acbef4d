"""Domain events (DESIGN 2): what Portico tells a business's other systems, through its
EventBridge bus, after the state change they describe has committed.

An event is written in the same transaction as its state change (the outbox,
`portico.data.events`), and the table's stream hands it to the publisher: so an event is
published if and only if its change committed, at least once, and `event_id` lets a
consumer drop the repeats.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import Field

from portico.domain.common import DomainModel

SOURCE = "portico"  # EventBridge's `source` of every Portico event


class EventType(StrEnum):
    """EventBridge's `detail-type`."""

    INVOICE_PAID = "invoice.paid"
    PAYMENT_FAILED = "payment.failed"
    AUTOPAY_ENABLED = "autopay.enabled"
    AUTOPAY_DISABLED = "autopay.disabled"
    ESTIMATE_ACCEPTED = "estimate.accepted"
    ESTIMATE_DECLINED = "estimate.declined"
    WORK_REQUEST_CREATED = "work_request.created"
    REVIEW_CREATED = "review.created"
    PREFERENCES_UPDATED = "preferences.updated"
    PORTAL_USER_ACTIVATED = "portal_user.activated"


class DomainEvent(DomainModel):
    """One event: its type, whose it is and what happened (`data`, JSON-ready values)."""

    event_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    type: EventType
    business_id: str
    customer_id: str | None = None
    occurred_at: datetime
    data: dict[str, object] = Field(default_factory=dict)
