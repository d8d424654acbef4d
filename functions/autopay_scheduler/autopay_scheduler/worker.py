"""The AutoPay charge worker (DESIGN 4.4): consumes the AutoPay queue, charging each job's
invoice once per due date and attempt.

Each record succeeds or fails on its own (partial batch responses): a job whose outcome is
unknown (Stripe did not answer) is reported failed and comes back after the visibility
timeout, to find its payment and finish it; after five receives it rests in the dead-letter
queue. Stripe calls wait for the shared rate limiter.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from portico.bootstrap import Services, services
from portico.domain.autopay import ChargeJob
from portico.observability import autopay_metric_name, logger, metrics
from portico.services.autopay_run import charge_job

svc = services()
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
# One count per outcome, per stage: the failure-rate alarm divides AutoPayFailed by the
# attempts (template.yaml).
metrics().set_default_dimensions(stage=svc.settings.stage)


def charge(worker_services: Services, record: SQSRecord) -> None:
    """One record: parse the job, charge it. Raising marks the record for another delivery."""
    job = ChargeJob.model_validate_json(record.body)
    outcome = charge_job(worker_services, job)
    logger.info(
        "autopay job",
        extra={
            "run_id": job.run_id,
            "business_id": job.business_id,
            "outcome": outcome.outcome.value if outcome else None,
            "reason": outcome.reason if outcome else None,
        },
    )
    if outcome:
        metrics().add_metric(
            name=autopay_metric_name(outcome.outcome.value), unit=MetricUnit.Count, value=1
        )


@metrics().log_metrics
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event,
        record_handler=partial(charge, svc.rate_limited()),
        processor=processor,
        context=context,
    )
