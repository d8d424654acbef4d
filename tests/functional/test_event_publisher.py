"""The event publisher through its handler: outbox items written in transactions reach the
bus once each, through the table's stream and the template's filter; what the bus refuses
is reported back to the stream, never dropped."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from portico.bus import InMemoryEventBus
from portico.data.events import record_event
from portico.data.transactions import Transaction
from portico.domain.events import DomainEvent, EventType
from portico_local.gateway import LambdaContext, load_handler
from portico_local.streams import StreamFeed, passes
from portico_local.template import stream_sources
from tests.support import factories
from tests.support.api import call

PUBLISHER = "events.publisher.lambda_handler"


def _event(n: int, customer_id: str = "c-1") -> DomainEvent:
    return DomainEvent(
        type=EventType.PAYMENT_FAILED,
        business_id="biz_1",
        customer_id=customer_id,
        occurred_at=datetime(2026, 5, 1, 15, n, tzinfo=UTC),
        data={"payment_id": f"pay_{n}", "amount": 1000 + n, "failure_code": "card_declined"},
    )


def _write(services: Any, *events: DomainEvent) -> None:
    assert services.customers is not None  # the table is configured on first use
    with Transaction() as tx:
        for event in events:
            record_event(tx, event)


def _stream_records(services: Any) -> list[dict[str, Any]]:
    """The stream's records that pass the publisher's filter, as Lambda would hand them."""
    feed = StreamFeed(services.settings.table_name)
    [source] = stream_sources()
    return [record for record in feed.read() if passes(source, record)]


def test_given_events_written_in_transactions_when_the_stream_is_fed_then_each_is_published_once(
    services, published
):
    # Given 23 events over three transactions
    events = [_event(n) for n in range(23)]
    _write(services, *events[:10])
    _write(services, *events[10:20])
    _write(services, *events[20:])

    # When the publisher has read the stream
    seen = published.all()

    # Then each reached the bus once, with the contract's fields
    assert sorted(e["detail"]["id"] for e in seen) == sorted(e.event_id for e in events)
    first = next(e for e in seen if e["detail"]["id"] == events[0].event_id)
    assert first["source"] == "portico"
    assert first["detail-type"] == "payment.failed"
    assert first["detail"] == {
        "id": events[0].event_id,
        "type": "payment.failed",
        "business_id": "biz_1",
        "customer_id": "c-1",
        "occurred_at": "2026-05-01T15:00:00+00:00",
        "data": {"payment_id": "pay_0", "amount": 1000, "failure_code": "card_declined"},
    }
    # And reading the stream again publishes nothing more
    assert published.new() == seen
    assert published.new() == []


def test_given_writes_that_are_not_events_when_the_stream_is_fed_then_the_filter_keeps_them_out(
    services, published
):
    # Given a business provisioned and a customer synced (no events)
    business = factories.a_business(services)
    answer = call(
        "PUT", "/v1/admin/customers/c-1", factories.customer_body(), api_key=business.api_key
    )
    assert answer.status == 201

    # Then no record passes the template's filter, and nothing is published
    assert _stream_records(services) == []
    assert published.all() == []


def test_given_a_bus_that_refuses_one_entry_when_published_then_its_record_is_a_batch_failure(
    services, monkeypatch: pytest.MonkeyPatch
):
    # Given three events, and a bus that refuses the second every time
    events = [_event(n) for n in range(3)]
    _write(services, *events)
    bus = InMemoryEventBus()
    bus.refuse = {events[1].event_id}
    monkeypatch.setitem(services.__dict__, "event_bus", bus)
    monkeypatch.setattr("portico.services.publisher.BACKOFF_S", 0)
    records = _stream_records(services)

    # When the publisher gets the batch
    result = load_handler(PUBLISHER)({"Records": records}, LambdaContext("publisher"))

    # Then the refused event's record is reported (Lambda delivers it again), the others
    # are on the bus
    refused = next(
        r for r in records if r["dynamodb"]["NewImage"]["PK"]["S"].endswith(events[1].event_id)
    )
    assert result == {
        "batchItemFailures": [{"itemIdentifier": refused["dynamodb"]["SequenceNumber"]}]
    }
    assert len(bus.entries) == 2
    assert bus.calls == 3  # tried, and tried again, before reporting


def test_given_an_unreadable_outbox_record_when_published_then_it_fails_and_the_rest_go(
    services, monkeypatch: pytest.MonkeyPatch
):
    # Given a good event and a record whose outbox item lacks its type
    _write(services, _event(0))
    [good] = _stream_records(services)
    broken = {**good, "dynamodb": {**good["dynamodb"], "SequenceNumber": "999"}}
    broken["dynamodb"]["NewImage"] = {
        k: v for k, v in good["dynamodb"]["NewImage"].items() if k != "event_type"
    }
    bus = InMemoryEventBus()
    monkeypatch.setitem(services.__dict__, "event_bus", bus)

    # When both arrive in one batch
    result = load_handler(PUBLISHER)({"Records": [good, broken]}, LambdaContext("publisher"))

    # Then the good one is published and the broken one fails (retried, then the DLQ)
    assert result == {"batchItemFailures": [{"itemIdentifier": "999"}]}
    assert len(bus.entries) == 1
