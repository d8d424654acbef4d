"""The AutoPay run's scheduler (DESIGN 4.4): invoked by EventBridge Scheduler every 15
minutes, it selects what is due in every business and queues one charge job per invoice.

The schedule passes its scheduled time (`<aws.scheduler.scheduled-time>`), which names the
run, so a retried or duplicated invocation is the same run; a missing one (a manual
invocation) uses the clock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from portico.bootstrap import services
from portico.observability import logger
from portico.services.autopay_run import start_run

svc = services()


def _scheduled_at(event: dict[str, Any]) -> datetime:
    given = event.get("scheduled_time") if isinstance(event, dict) else None
    if isinstance(given, str):
        try:
            parsed = datetime.fromisoformat(given.replace("Z", "+00:00"))
        except ValueError:
            logger.warning("unreadable scheduled_time; using the clock", extra={"given": given})
        else:
            if parsed.tzinfo is not None:
                return parsed
    return svc.clock.now()


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    summary = start_run(svc, _scheduled_at(event), svc.charge_jobs.enqueue)
    return summary.model_dump(mode="json")
