"""Domain events in functional tests: the outbox items a test wrote, fed to the publisher
handler as the table's stream records (moto's stream, the template's filter), and what it
put on the bus, read back through a rule to a queue (moto's EventBridge and SQS).

    def test_...(published):
        ...pay an invoice...
        paid = published.new("invoice.paid")
        assert [event["detail"]["data"]["invoice_id"] for event in paid] == ["inv-1"]
"""

from __future__ import annotations

import os
from typing import Any

from portico_local.bus import PublishedEvents
from portico_local.streams import StreamFeed


class Published:
    """Publishes what the outbox holds and remembers what reached the bus."""

    def __init__(self) -> None:
        self._bus = PublishedEvents().install()
        self._feed = StreamFeed(os.environ["TABLE_NAME"], raise_errors=True)
        self._taken = 0

    def all(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """Every event published so far (of `event_type`), oldest first, as a rule's target
        receives it: `detail-type`, `source`, `detail` {id, business_id, customer_id, ...}."""
        while self._feed.deliver_once():
            pass
        seen = self._bus.collect()
        return [e for e in seen if event_type is None or e["detail-type"] == event_type]

    def new(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """The events published since the last call of `new()` (of `event_type`)."""
        seen = self.all()
        fresh, self._taken = seen[self._taken :], len(seen)
        return [e for e in fresh if event_type is None or e["detail-type"] == event_type]

    def details(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """The `detail` of every event so far (of `event_type`)."""
        return [event["detail"] for event in self.all(event_type)]
