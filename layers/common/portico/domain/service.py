"""Visits and estimates: the work done, and the work proposed."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import Field, StrictBool, StringConstraints, model_validator

from portico.domain.common import (
    Amount,
    Currency,
    Day,
    DomainModel,
    EntityId,
    Line,
    LongText,
    ShortText,
    check_total,
)
from portico.domain.files import VisitPhoto


class VisitStatus(StrEnum):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


class VisitRecord(DomainModel):
    """A visit as the CRM pushes it with `PUT /v1/admin/visits/{id}`."""

    customer_id: EntityId
    date: Day
    service: ShortText
    status: VisitStatus = VisitStatus.SCHEDULED
    technician: ShortText | None = None
    notes: LongText | None = None


class Visit(VisitRecord):
    visit_id: str
    updated_at: datetime
    # Portico's own: the business uploads them (`POST /v1/admin/visits/{id}/photos`); a
    # CRM sync of the visit keeps them.
    photos: list[VisitPhoto] = Field(default_factory=list)


class EstimateStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class EstimateRecord(DomainModel):
    """An estimate as the CRM pushes it with `PUT /v1/admin/estimates/{id}`."""

    customer_id: EntityId
    number: ShortText
    status: EstimateStatus
    issue_date: Day
    expiry_date: Day | None = None
    currency: Currency
    lines: Annotated[list[Line], Field(min_length=1, max_length=200)]
    tax_amount: Amount = 0
    total: Amount
    deposit_amount: Amount = 0
    notes: LongText | None = None

    @model_validator(mode="after")
    def _adds_up(self) -> Self:
        if self.expiry_date is not None and self.expiry_date < self.issue_date:
            raise ValueError("expiry_date is before issue_date")
        check_total(self.lines, self.tax_amount, self.total)
        if self.deposit_amount > self.total:
            raise ValueError("deposit_amount is more than the total")
        return self


# An estimate the CRM marked draft or cancelled is never shown to the customer.
HIDDEN_ESTIMATE_STATUSES = frozenset({EstimateStatus.DRAFT, EstimateStatus.CANCELLED})
# At most this many change requests are kept on one estimate (each up to 2,000 characters,
# well inside DynamoDB's 400 KB item).
MAX_CHANGE_REQUESTS = 20


class EstimateDecision(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"


class CustomerDecision(DomainModel):
    """The customer's answer to an estimate, made in the portal: Portico's own record, which
    the CRM sync never overwrites. `total` and `deposit_amount` are what the customer saw
    when deciding; `client_ip` is the request's source address (as for AutoPay consent)."""

    decision: EstimateDecision
    decided_at: datetime
    signature_name: str | None = None
    terms_accepted: StrictBool = False
    reason: str | None = None
    client_ip: str
    total: int
    deposit_amount: int


class ChangeRequest(DomainModel):
    """A customer's request to change an estimate, emailed to the business's office."""

    request_id: str
    message: str
    requested_at: datetime


class Estimate(EstimateRecord):
    estimate_id: str
    updated_at: datetime
    # Portico's own state below; the CRM sync keeps it (`kept_by_sync`).
    decision: CustomerDecision | None = None
    change_requests: list[ChangeRequest] = Field(default_factory=list)
    # The deposit: what was paid (it became account credit), the payment that paid it, and
    # the payment holding the estimate while Stripe answers (no second deposit meanwhile).
    deposit_paid: int = 0
    deposit_payment_id: str | None = None
    deposit_pending: str | None = None

    def kept_by_sync(self) -> dict[str, object]:
        """What a CRM sync keeps: the customer's decision, their change requests and the
        deposit, so a later push from the CRM never erases what the customer did."""
        return {
            "decision": self.decision,
            "change_requests": self.change_requests,
            "deposit_paid": self.deposit_paid,
            "deposit_payment_id": self.deposit_payment_id,
            "deposit_pending": self.deposit_pending,
        }

    @property
    def visible(self) -> bool:
        """Whether the customer sees it: sent, or decided (never draft or cancelled)."""
        return self.status not in HIDDEN_ESTIMATE_STATUSES

    def portal_status(self, today: date) -> PortalEstimateStatus:
        """The status the customer sees: their own decision first, then the CRM's decided
        states, then expiry (a sent estimate past its expiry date is expired)."""
        if self.decision is not None:
            return PortalEstimateStatus(self.decision.decision.value)
        if self.status is EstimateStatus.SENT:
            if self.expiry_date is not None and self.expiry_date < today:
                return PortalEstimateStatus.EXPIRED
            return PortalEstimateStatus.SENT
        return PortalEstimateStatus(self.status.value)

    @property
    def deposit_due(self) -> int:
        """The deposit still to pay once accepted (0 when none, or paid)."""
        if self.decision is None or self.decision.decision is not EstimateDecision.ACCEPTED:
            return 0
        return max(self.deposit_amount - self.deposit_paid, 0)


class PortalEstimateStatus(StrEnum):
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


class PortalDecision(DomainModel):
    """The decision as the customer sees it."""

    decision: EstimateDecision
    decided_at: datetime
    signature_name: str | None = None
    reason: str | None = None


class PortalEstimate(DomainModel):
    """An estimate in the portal (`GET /v1/me/estimates[/{id}]`)."""

    estimate_id: str
    number: str
    status: PortalEstimateStatus
    issue_date: date
    expiry_date: date | None
    currency: str
    lines: list[Line]
    subtotal: int
    tax_amount: int
    total: int
    deposit_amount: int
    deposit_paid: int
    deposit_due: int
    deposit_in_progress: StrictBool
    notes: str | None
    decision: PortalDecision | None
    change_requests: list[ChangeRequest]
    can_decide: StrictBool

    @classmethod
    def of(cls, estimate: Estimate, today: date) -> PortalEstimate:
        status = estimate.portal_status(today)
        decision = estimate.decision
        return cls(
            estimate_id=estimate.estimate_id,
            number=estimate.number,
            status=status,
            issue_date=estimate.issue_date,
            expiry_date=estimate.expiry_date,
            currency=estimate.currency,
            lines=estimate.lines,
            subtotal=sum(line.amount for line in estimate.lines),
            tax_amount=estimate.tax_amount,
            total=estimate.total,
            deposit_amount=estimate.deposit_amount,
            deposit_paid=estimate.deposit_paid,
            deposit_due=estimate.deposit_due,
            deposit_in_progress=estimate.deposit_pending is not None,
            notes=estimate.notes,
            decision=PortalDecision(**decision.model_dump(include=set(PortalDecision.model_fields)))
            if decision is not None
            else None,
            change_requests=estimate.change_requests,
            can_decide=status is PortalEstimateStatus.SENT,
        )


SignatureName = Annotated[
    str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)
]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=1000, strip_whitespace=True)]
ChangeMessage = Annotated[
    str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)
]


class AcceptEstimate(DomainModel):
    """`POST /v1/me/estimates/{id}/accept`: the customer's typed name is their signature."""

    signature_name: SignatureName
    accept_terms: Literal[True] = True


class DeclineEstimate(DomainModel):
    """`POST /v1/me/estimates/{id}/decline`."""

    reason: Reason


class RequestEstimateChange(DomainModel):
    """`POST /v1/me/estimates/{id}/change-request`."""

    message: ChangeMessage
