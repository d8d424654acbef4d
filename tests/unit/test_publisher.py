"""The publisher's service: ten entries a call, refused entries retried, the rest reported."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from portico.bus import EventBridgeBus, InMemoryEventBus, entry
from portico.domain.events import DomainEvent, EventType
from portico.services.publisher import publish


def _events(count: int) -> list[DomainEvent]:
    return [
        DomainEvent(
            type=EventType.INVOICE_PAID,
            business_id="biz_1",
            customer_id="c-1",
            occurred_at=datetime(2026, 5, 1, 15, 0, tzinfo=UTC),
            data={"invoice_id": f"inv-{n}"},
        )
        for n in range(count)
    ]


def test_given_25_events_when_published_then_three_calls_carry_each_once():
    bus = InMemoryEventBus()

    failed = publish(bus, _events(25), sleep=lambda _: None)

    assert failed == set()
    assert bus.calls == 3
    ids = [json.loads(e["Detail"])["id"] for e in bus.entries]
    assert len(ids) == len(set(ids)) == 25


def test_given_an_entry_refused_once_when_published_then_it_is_retried_and_not_lost():
    bus = InMemoryEventBus()
    events = _events(3)
    refused = events[1].event_id
    bus.refuse = {refused}
    tries: list[float] = []

    def sleep(seconds: float) -> None:
        tries.append(seconds)
        bus.refuse = set()  # the bus recovers before the retry

    failed = publish(bus, events, sleep=sleep)

    assert failed == set()
    assert len(tries) == 1
    assert sorted(json.loads(e["Detail"])["id"] for e in bus.entries) == sorted(
        e.event_id for e in events
    )


def test_given_a_bus_that_keeps_refusing_when_published_then_the_ids_are_reported():
    bus = InMemoryEventBus()
    events = _events(12)
    bus.refuse = {events[0].event_id, events[11].event_id}

    failed = publish(bus, events, attempts=3, sleep=lambda _: None)

    assert failed == {events[0].event_id, events[11].event_id}
    assert len(bus.entries) == 10


def test_given_an_unreachable_bus_when_published_then_every_event_is_reported():
    bus = InMemoryEventBus()
    bus.unreachable = True
    events = _events(4)

    assert publish(bus, events, sleep=lambda _: None) == {e.event_id for e in events}
    assert bus.calls == 3  # tried, and tried again


def test_given_an_event_when_made_an_entry_then_source_type_and_detail_are_the_contract():
    [event] = _events(1)

    made = entry(event, "portico-dev")

    assert made["Source"] == "portico"
    assert made["DetailType"] == "invoice.paid"
    assert made["EventBusName"] == "portico-dev"
    assert json.loads(made["Detail"]) == {
        "id": event.event_id,
        "type": "invoice.paid",
        "business_id": "biz_1",
        "customer_id": "c-1",
        "occurred_at": "2026-05-01T15:00:00+00:00",
        "data": {"invoice_id": "inv-0"},
    }


class _EventsClient:
    """Answers PutEvents as EventBridge does when it refuses some entries."""

    def __init__(self, refuse: set[int]) -> None:
        self.refuse = refuse
        self.sent: list[dict] = []

    def put_events(self, Entries):
        self.sent += Entries
        return {
            "FailedEntryCount": len(self.refuse),
            "Entries": [
                {"ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"}
                if index in self.refuse
                else {"EventId": f"ev-{index}"}
                for index in range(len(Entries))
            ],
        }


def test_given_eventbridge_refuses_one_entry_then_the_adapter_names_only_that_event():
    client = _EventsClient(refuse={1})
    bus = EventBridgeBus("portico-dev", client=client)
    events = _events(3)

    failed = bus.put(events)

    assert failed == {events[1].event_id}
    assert [e["EventBusName"] for e in client.sent] == ["portico-dev"] * 3
    assert [json.loads(e["Detail"])["id"] for e in client.sent] == [e.event_id for e in events]
