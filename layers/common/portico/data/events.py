"""The outbox of domain events: one item per event, written in the transaction of the state
change it reports. The table's stream (INSERTs of `domain_event` items only, filtered in
template.yaml) carries it to the publisher; the item expires a week later."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from pynamodb.attributes import MapAttribute, UnicodeAttribute, UTCDateTimeAttribute

from portico.data.convert import stored
from portico.data.table import PorticoItem
from portico.data.transactions import Transaction
from portico.domain.events import DomainEvent, EventType

OUTBOX_RETENTION = timedelta(days=7)
OUTBOX_TYPE = "domain_event"  # the discriminator the stream's filter matches


class DomainEventItem(PorticoItem, discriminator=OUTBOX_TYPE):
    event_type = UnicodeAttribute()
    business_id = UnicodeAttribute()
    customer_id = UnicodeAttribute(null=True)
    occurred_at = UTCDateTimeAttribute()
    data = MapAttribute[str, object](default=dict)

    @staticmethod
    def keys(event_id: str) -> tuple[str, str]:
        return f"EVENT#{event_id}", "EVENT"


def event_item(event: DomainEvent) -> DomainEventItem:
    return DomainEventItem(
        *DomainEventItem.keys(event.event_id),
        event_type=event.type.value,
        business_id=event.business_id,
        customer_id=event.customer_id,
        occurred_at=event.occurred_at,
        data=stored(event.data),
        expires_at=event.occurred_at + OUTBOX_RETENTION,
    )


def record_event(tx: Transaction, event: DomainEvent) -> None:
    """Add `event` to the transaction of the state change it reports."""
    tx.put(f"event:{event.type.value}", event_item(event))


def domain_event(item: DomainEventItem) -> DomainEvent:
    """The event an outbox item holds (the publisher reads the stream's image into one)."""
    return DomainEvent(
        event_id=item.pk.removeprefix("EVENT#"),
        type=EventType(item.event_type),
        business_id=item.business_id,
        customer_id=item.customer_id,
        occurred_at=item.occurred_at,
        data=item.data.as_dict(),
    )


def event_from_image(image: dict[str, Any]) -> DomainEvent:
    """The event of an outbox item as the table's stream carries it (`NewImage`, DynamoDB
    JSON). Raises `ValueError` for an image that is not a readable outbox item."""
    try:
        item = DomainEventItem.from_raw_data(image)
        if not isinstance(item, DomainEventItem):
            raise ValueError(f"not an outbox item: {type(item).__name__}")
        return domain_event(item)
    except (KeyError, TypeError, AttributeError, ValidationError) as error:
        raise ValueError(f"unreadable outbox item: {error}") from error
