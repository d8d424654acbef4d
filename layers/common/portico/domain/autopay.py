"""AutoPay (DESIGN 2, 3, 4.4): consent, the charge jobs a run queues, and the run report."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field

from portico.domain.common import DomainModel


class ActivityEntry(DomainModel):
    """One line of the customer's activity log."""

    entry_id: str
    kind: str
    at: datetime
    source: Literal["customer", "business", "system"]
    details: dict[str, object] = Field(default_factory=dict)


class ChargeJob(DomainModel):
    """One invoice a run found due: a message on the AutoPay queue. The worker charges what
    the invoice says when it runs (its due date and attempt name the charge, so two jobs for
    it, from overlapping runs or a message delivered twice, charge once)."""

    run_id: str
    business_id: str
    customer_id: str
    invoice_id: str
    charge_on: date  # the business's date when the run selected it


class Outcome(StrEnum):
    CHARGED = "charged"
    PROCESSING = "processing"  # a bank debit on its way
    FAILED = "failed"
    SKIPPED = "skipped"


class RunOutcome(DomainModel):
    """What a run did with one invoice."""

    invoice_id: str
    invoice_number: str | None = None
    customer_id: str
    outcome: Outcome
    amount: int = 0
    reason: str | None = None  # the decline code, or why it was skipped
    message: str | None = None  # the customer's words for a decline
    retry_on: date | None = None
    payment_id: str | None = None
    at: datetime


class AutoPayRun(DomainModel):
    """A run's counts for one business (`GET /v1/admin/autopay/runs`)."""

    run_id: str
    started_at: datetime
    selected: int = 0
    charged: int = 0
    charged_amount: int = 0
    processing: int = 0
    failed: int = 0
    skipped: int = 0
    retries_scheduled: int = 0


class AutoPayRunDetail(AutoPayRun):
    outcomes: list[RunOutcome]
