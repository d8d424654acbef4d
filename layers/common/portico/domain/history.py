"""The customer's service history as the portal shows it: visits with their photos."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from portico.domain.common import DomainModel
from portico.domain.files import PhotoKind
from portico.domain.service import VisitStatus


class VisitsWhen(StrEnum):
    UPCOMING = "upcoming"  # from today, soonest first
    PAST = "past"  # before today, newest first
    ALL = "all"  # newest first


class PortalPhoto(DomainModel):
    photo_id: str
    kind: PhotoKind | None = None  # before / after, for a visit's photos
    caption: str | None = None
    content_type: str
    url: str  # a presigned GET, valid until `expires_at`
    expires_at: datetime


class PortalVisit(DomainModel):
    visit_id: str
    date: date
    service: str
    status: VisitStatus
    technician: str | None
    notes: str | None
    upcoming: bool
    photos: list[PortalPhoto]
