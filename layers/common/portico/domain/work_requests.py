"""Work requests: a customer asks the business for work (DESIGN 4.7, issue 7)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Final

from pydantic import Field, StringConstraints

from portico.domain.common import DomainModel, ShortText
from portico.domain.history import PortalPhoto

MAX_DESCRIPTION: Final = 5000
MAX_PHOTOS: Final = 5
MAX_PREFERRED_DATES: Final = 5
# How far ahead a customer may propose a date.
MAX_DAYS_AHEAD: Final = 366

PhotoId = Annotated[str, StringConstraints(pattern=r"^wrp_[0-9a-f]{20}$")]


class WorkRequestStatus(StrEnum):
    NEW = "new"
    IN_REVIEW = "in_review"
    SCHEDULED = "scheduled"
    DECLINED = "declined"
    DONE = "done"


class WorkRequestInput(DomainModel):
    """`POST /v1/me/work-requests`. The description, dates and photos are checked by the
    service, so that each rule answers 400 with its own message."""

    service: ShortText
    description: str
    # Loose bounds here (the body limit bounds the rest); the service applies the real ones.
    preferred_dates: Annotated[list[date], Field(max_length=100)] = Field(default_factory=list)
    photo_ids: Annotated[list[str], Field(max_length=100)] = Field(default_factory=list)


class WorkRequestPhoto(DomainModel):
    photo_id: str
    content_type: str
    size: int


class WorkRequest(DomainModel):
    work_request_id: str
    customer_id: str
    service: str
    description: str
    preferred_dates: list[date]
    photos: list[WorkRequestPhoto]
    status: WorkRequestStatus
    note: str | None = None  # the business's note to the customer
    created_at: datetime
    updated_at: datetime
    office_notified_at: datetime | None = None


class WorkRequestView(DomainModel):
    """A work request as the customer and the business see it, with photo links."""

    work_request_id: str
    customer_id: str
    customer_name: str | None = None
    service: str
    description: str
    preferred_dates: list[date]
    photos: list[PortalPhoto]
    status: WorkRequestStatus
    note: str | None
    created_at: datetime
    updated_at: datetime


class WorkRequestChange(DomainModel):
    """`PATCH /v1/admin/work-requests/{id}`: a new status, and a note the customer sees
    (omit to keep the note, null to remove it)."""

    status: WorkRequestStatus | None = None
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None
