"""The event-bus port: EventBridge in AWS (and in the local runtime, against moto), a list in
unit tests. Domain events reach it only through the publisher (`portico.services.publisher`),
which reads them from the outbox the table's stream carries."""

from __future__ import annotations

import json
from typing import Any, Protocol

from portico.domain.events import SOURCE, DomainEvent

# PutEvents takes at most 10 entries a call.
MAX_ENTRIES_PER_CALL = 10


class EventBusError(Exception):
    """The bus could not be reached or refused the whole call."""


class EventBus(Protocol):
    def put(self, events: list[DomainEvent]) -> set[str]:
        """Put at most `MAX_ENTRIES_PER_CALL` events on the bus; returns the ids of those the
        bus did not accept (to be tried again). Raises `EventBusError` when none got through."""
        ...


def detail(event: DomainEvent) -> dict[str, Any]:
    """An event's `detail`, what a subscriber reads: `id` is what consumers dedupe on."""
    return {
        "id": event.event_id,
        "type": event.type.value,
        "business_id": event.business_id,
        "customer_id": event.customer_id,
        "occurred_at": event.occurred_at.isoformat(),
        "data": event.data,
    }


def entry(event: DomainEvent, bus_name: str) -> dict[str, Any]:
    """One PutEvents entry: source `portico`, the event type as `detail-type`."""
    return {
        "Source": SOURCE,
        "DetailType": event.type.value,
        "Detail": json.dumps(detail(event), separators=(",", ":")),
        "EventBusName": bus_name,
        "Time": event.occurred_at,
    }


class EventBridgeBus:
    """Events on one EventBridge bus (`portico-{stage}`)."""

    def __init__(self, bus_name: str, client: Any = None) -> None:
        if not bus_name:
            raise ValueError("EVENT_BUS_NAME is not set")
        self.bus_name = bus_name
        self._client = client

    def _events(self) -> Any:
        if self._client is None:
            import boto3  # first use only: keeps botocore out of the handlers' import cost

            self._client = boto3.client("events")
        return self._client

    def put(self, events: list[DomainEvent]) -> set[str]:
        if len(events) > MAX_ENTRIES_PER_CALL:
            raise ValueError(f"at most {MAX_ENTRIES_PER_CALL} events per call")
        if not events:
            return set()
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self._events().put_events(
                Entries=[entry(event, self.bus_name) for event in events]
            )
        except (BotoCoreError, ClientError) as error:
            raise EventBusError(f"PutEvents failed: {error}") from error
        # Results come back in the order of the entries; a failed one has an ErrorCode and
        # no EventId. An entry without a result is counted as failed: never assumed sent.
        results = answer.get("Entries", [])
        failed = set()
        for index, event in enumerate(events):
            result = results[index] if index < len(results) else {}
            if result.get("ErrorCode") or not result.get("EventId"):
                failed.add(event.event_id)
        return failed


class InMemoryEventBus:
    """What unit tests use: keeps what was put; `refuse` makes chosen events fail."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.refuse: set[str] = set()
        self.unreachable = False
        self.calls = 0

    def put(self, events: list[DomainEvent]) -> set[str]:
        if len(events) > MAX_ENTRIES_PER_CALL:
            raise ValueError(f"at most {MAX_ENTRIES_PER_CALL} events per call")
        self.calls += 1
        if self.unreachable:
            raise EventBusError("the bus is unreachable")
        failed = {event.event_id for event in events if event.event_id in self.refuse}
        self.entries += [entry(e, "memory") for e in events if e.event_id not in failed]
        return failed
