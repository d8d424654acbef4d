"""The mailer: consumes the email queue (SQS) and sends each job's email through SES.

Each record succeeds or fails on its own (partial batch responses): a throttled send is
reported as a batch item failure and comes back after the queue's visibility timeout, while
the rest of the batch is deleted. After five receives a job rests in the dead-letter queue.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from portico.bootstrap import services
from portico.jobs import email_job_adapter
from portico.observability import logger
from portico.services.mailer import Mailer

svc = services()
# A batch whose every record failed is reported like any other, not raised: Lambda would
# return the whole batch either way, and the report keeps the failed ids in the logs.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def send(mailer: Mailer, record: SQSRecord) -> None:
    """One record: parse the job, do it. Raising marks the record for another delivery."""
    try:
        job = email_job_adapter.validate_json(record.body)
    except ValidationError:
        # Not dropped: a job this mailer cannot read (a newer job kind, say) waits in the
        # dead-letter queue until a mailer that can is deployed and it is redriven.
        logger.error("unreadable email job", extra={"message_id": record.message_id})
        raise
    mailer.handle(job)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event,
        record_handler=partial(send, Mailer(svc)),
        processor=processor,
        context=context,
    )
