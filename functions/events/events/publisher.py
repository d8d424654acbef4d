"""The publisher: the table's stream (INSERTs of outbox items only, filtered by the event
source mapping in template.yaml) -> the EventBridge bus.

Each record is an event written in the transaction of the state change it reports, so an
event is published only if its change committed. The batch's events go out ten to a
PutEvents call; what the bus refuses is retried, then reported as a batch item failure
(partial batch responses), so Lambda delivers that record again (bisecting the batch, up to
the retry limit, then a record of the batch goes to the dead-letter queue). Publishing is
at least once: consumers dedupe on `detail.id`.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from portico.bootstrap import services
from portico.data.events import OUTBOX_TYPE, event_from_image
from portico.domain.events import DomainEvent
from portico.observability import logger
from portico.services.publisher import publish

svc = services()
# A batch whose every record failed is reported like any other: Lambda retries it either way.
processor = BatchProcessor(
    event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False
)


class NotPublished(Exception):
    """The bus did not take this record's event; the stream delivers it again."""


def _read(records: list[dict[str, Any]]) -> dict[str, DomainEvent | ValueError | None]:
    """Each record's event by sequence number, why it cannot be read, or None for a record
    that is no outbox insert (the mapping's filter lets none through; nothing to publish)."""
    found: dict[str, DomainEvent | ValueError | None] = {}
    for record in records:
        stream = record.get("dynamodb") or {}
        sequence = str(stream.get("SequenceNumber"))
        image = stream.get("NewImage") or {}
        if record.get("eventName") != "INSERT" or image.get("type") != {"S": OUTBOX_TYPE}:
            found[sequence] = None
            continue
        try:
            found[sequence] = event_from_image(image)
        except ValueError as error:
            found[sequence] = error
    return found


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    found = _read(event.get("Records") or [])
    failed = publish(svc.event_bus, [e for e in found.values() if isinstance(e, DomainEvent)])

    def settle(record: DynamoDBRecord) -> None:
        outcome = found[str(record.dynamodb.sequence_number if record.dynamodb else None)]
        if outcome is None:
            return
        if isinstance(outcome, ValueError):
            # Not dropped: it fails until the retry limit, then the batch's record goes to
            # the dead-letter queue for someone to look at.
            logger.error("unreadable outbox record", extra={"error": str(outcome)})
            raise outcome
        if outcome.event_id in failed:
            raise NotPublished(outcome.event_id)

    return process_partial_response(
        event=event, record_handler=settle, processor=processor, context=context
    )
