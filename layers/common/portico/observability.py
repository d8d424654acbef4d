"""Logger and metrics in one place. The X-Ray tracer is left out on purpose: it costs about
300 ms of import, which latency-critical handlers cannot afford.

Metrics (CloudWatch embedded metric format, namespace POWERTOOLS_METRICS_NAMESPACE) are built
on first use, so only the functions that emit one pay for their import.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

if TYPE_CHECKING:
    from aws_lambda_powertools import Metrics

logger = Logger()


@cache
def metrics() -> Metrics:
    """The process's metrics, flushed by the handler's `@metrics().log_metrics`."""
    from aws_lambda_powertools import Metrics

    return Metrics()


def autopay_metric_name(outcome: str) -> str:
    """The metric counting one AutoPay outcome: AutoPayCharged, AutoPayProcessing,
    AutoPayFailed or AutoPaySkipped (template.yaml's AutoPayFailureRateAlarm reads them)."""
    return f"AutoPay{outcome.capitalize()}"
