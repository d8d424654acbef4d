"""Visits and estimates: the work done, and the work proposed."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, model_validator

from portico.domain.common import (
    Amount,
    Currency,
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
    date: date
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
    issue_date: date
    expiry_date: date | None = None
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


class Estimate(EstimateRecord):
    estimate_id: str
    updated_at: datetime
