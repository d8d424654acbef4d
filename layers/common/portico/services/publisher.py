"""Publishing the outbox: the events the table's stream hands over go to the event bus, ten
to a PutEvents call, and what the bus refuses is tried again before it is reported back to
the stream (so Lambda delivers that record again: at least once, never dropped)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from portico.bus import MAX_ENTRIES_PER_CALL, EventBus, EventBusError
from portico.domain.events import DomainEvent
from portico.observability import logger

ATTEMPTS = 3
BACKOFF_S = 0.1


def publish(
    bus: EventBus,
    events: Sequence[DomainEvent],
    *,
    attempts: int = ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> set[str]:
    """Put `events` on `bus` in calls of up to ten, retrying the entries it refuses (and
    calls that fail whole) up to `attempts` times; returns the ids still not published."""
    pending = list(events)
    for attempt in range(attempts):
        if not pending:
            break
        if attempt:
            sleep(BACKOFF_S * 2 ** (attempt - 1))
        failed: set[str] = set()
        for start in range(0, len(pending), MAX_ENTRIES_PER_CALL):
            chunk = pending[start : start + MAX_ENTRIES_PER_CALL]
            try:
                failed |= bus.put(chunk)
            except EventBusError as error:
                logger.warning("event bus call failed", extra={"error": str(error)})
                failed |= {event.event_id for event in chunk}
        pending = [event for event in pending if event.event_id in failed]
    if pending:
        logger.warning(
            "events not published; the stream will deliver them again",
            extra={"event_ids": [event.event_id for event in pending]},
        )
    return {event.event_id for event in pending}
