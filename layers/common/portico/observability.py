"""Logger and metrics in one place. The X-Ray tracer is left out on purpose: it costs about
300 ms of import, which latency-critical handlers cannot afford."""

from __future__ import annotations

from aws_lambda_powertools import Logger

logger = Logger()
