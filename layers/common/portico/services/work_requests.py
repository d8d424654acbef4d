"""Work requests: the customer asks for work, with photos; the business reads and answers.

Filing one is one transaction (the request, its `work_request.created` event, the customer's
activity entry); its id is derived from the request's `Idempotency-Key`, so a double submit
or a retry finds the request already there and changes nothing. The office's email goes
through the email queue; the mailer claims it on the request, so it is sent once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from portico.bootstrap import Services
from portico.clock import business_date
from portico.data.activity import new_entry_id
from portico.data.pagination import Page
from portico.data.work_requests import WorkRequestExists
from portico.domain.autopay import ActivityEntry
from portico.domain.email_jobs import WorkRequestReceived
from portico.domain.events import DomainEvent, EventType
from portico.domain.files import (
    DOWNLOAD_SECONDS,
    MAX_PHOTO_BYTES,
    PHOTO_TYPES,
    PhotoGrant,
    PhotoUpload,
    check_upload,
    work_request_photo_key,
)
from portico.domain.history import PortalPhoto
from portico.domain.work_requests import (
    MAX_DAYS_AHEAD,
    MAX_DESCRIPTION,
    MAX_PHOTOS,
    MAX_PREFERRED_DATES,
    WorkRequest,
    WorkRequestChange,
    WorkRequestInput,
    WorkRequestPhoto,
    WorkRequestStatus,
    WorkRequestView,
)
from portico.errors import BadRequestError, ConflictError, NotFoundError
from portico.identity.principal import Principal
from portico.services.scope import require_tab, session_customer
from portico.services.service_history import grant_upload

WORK_REQUESTS = "work_requests"
_ATTEMPTS = 3


def request_id_for(business_id: str, customer_id: str, idempotency_key: str) -> str:
    """The id a request with this key gets: the same key, the same request."""
    material = f"{business_id}\n{customer_id}\n{idempotency_key}"
    return f"wr_{hashlib.sha256(material.encode()).hexdigest()[:20]}"


def photo_upload(svc: Services, principal: Principal, upload: PhotoUpload) -> PhotoGrant:
    """Where the customer uploads a photo for a request they are about to file: a key
    under their own prefix, an image of at most 10 MB."""
    business_id, customer_id, tabs, _ = session_customer(principal)
    require_tab(tabs, WORK_REQUESTS)
    content_type = check_upload(upload.content_type, upload.size, PHOTO_TYPES, MAX_PHOTO_BYTES)
    photo_id = f"wrp_{secrets.token_hex(10)}"
    key = work_request_photo_key(business_id, customer_id, photo_id)
    return PhotoGrant(photo_id=photo_id, upload=grant_upload(svc, key, content_type, upload.size))


def file_request(
    svc: Services, principal: Principal, request: WorkRequestInput, idempotency_key: str
) -> tuple[WorkRequestView, bool]:
    """File a work request; returns it and whether this call created it. The same key with
    the same request returns the first one; with another request, 409."""
    business_id, customer_id, tabs, timezone = session_customer(principal)
    require_tab(tabs, WORK_REQUESTS)
    now = svc.clock.now()
    today = business_date(timezone, now)
    description = _description(request.description)
    dates = _dates(request.preferred_dates, today)
    request_id = request_id_for(business_id, customer_id, idempotency_key)
    existing = svc.work_requests.get(business_id, customer_id, request_id)
    if existing is not None:
        return _repeat(svc, business_id, existing, request, description, dates), False
    photos = _photos(svc, business_id, customer_id, request.photo_ids)
    filed = WorkRequest(
        work_request_id=request_id,
        customer_id=customer_id,
        service=request.service,
        description=description,
        preferred_dates=dates,
        photos=photos,
        status=WorkRequestStatus.NEW,
        created_at=now,
        updated_at=now,
    )
    event = DomainEvent(
        type=EventType.WORK_REQUEST_CREATED,
        business_id=business_id,
        customer_id=customer_id,
        occurred_at=now,
        data={
            "work_request_id": request_id,
            "service": filed.service,
            "description": description,
            "preferred_dates": [day.isoformat() for day in dates],
            "photo_count": len(photos),
        },
    )
    entry = ActivityEntry(
        entry_id=new_entry_id(),
        kind="work_request_created",
        at=now,
        source="customer",
        details={"work_request_id": request_id, "service": filed.service},
    )
    try:
        svc.work_requests.create(business_id, filed, event, entry)
    except WorkRequestExists:
        # Two submits of the same key at once: the other one recorded it.
        raced = svc.work_requests.get(business_id, customer_id, request_id)
        if raced is None:  # pragma: no cover - a put that lost a race leaves the item there
            raise ConflictError("The request is being filed; try again.") from None
        return _repeat(svc, business_id, raced, request, description, dates), False
    _notify_office(svc, business_id, filed)
    return view(svc, business_id, filed), True


def _repeat(
    svc: Services,
    business_id: str,
    existing: WorkRequest,
    request: WorkRequestInput,
    description: str,
    dates: list[date],
) -> WorkRequestView:
    same = (
        existing.service == request.service
        and existing.description == description
        and existing.preferred_dates == dates
        and [photo.photo_id for photo in existing.photos] == list(request.photo_ids)
    )
    if not same:
        raise ConflictError(
            "This Idempotency-Key was used for another request; use a new key.",
            code="idempotency_key_reused",
        )
    if existing.office_notified_at is None:
        _notify_office(svc, business_id, existing)  # the first try may have died before it
    return view(svc, business_id, existing)


def _notify_office(svc: Services, business_id: str, request: WorkRequest) -> None:
    svc.email_jobs.enqueue(
        [
            WorkRequestReceived(
                business_id=business_id,
                customer_id=request.customer_id,
                work_request_id=request.work_request_id,
            )
        ]
    )


def _description(text: str) -> str:
    description = text.strip()
    if not description:
        raise BadRequestError("Describe the work you need.", code="description_empty")
    if len(description) > MAX_DESCRIPTION:
        raise BadRequestError(
            f"The description is {len(description)} characters; at most {MAX_DESCRIPTION}.",
            code="description_too_long",
        )
    return description


def _dates(dates: list[date], today: date) -> list[date]:
    unique = sorted(set(dates))
    if len(unique) > MAX_PREFERRED_DATES:
        raise BadRequestError(
            f"Propose at most {MAX_PREFERRED_DATES} dates.", code="too_many_dates"
        )
    last = today + timedelta(days=MAX_DAYS_AHEAD)
    for day in unique:
        if day <= today or day > last:
            raise BadRequestError(
                f"Preferred dates must be after today and within a year ({day} is not).",
                code="invalid_preferred_date",
            )
    return unique


def _photos(
    svc: Services, business_id: str, customer_id: str, photo_ids: list[str]
) -> list[WorkRequestPhoto]:
    """The request's photos, each uploaded already under the customer's own prefix."""
    if len(photo_ids) > MAX_PHOTOS:
        raise BadRequestError(f"Attach at most {MAX_PHOTOS} photos.", code="too_many_photos")
    if len(set(photo_ids)) != len(photo_ids):
        raise BadRequestError("A photo is attached twice.", code="duplicate_photo")
    photos = []
    for photo_id in photo_ids:
        stored = None
        if photo_id.startswith("wrp_") and len(photo_id) == 24 and photo_id[4:].isalnum():
            stored = svc.file_store.describe(
                work_request_photo_key(business_id, customer_id, photo_id)
            )
        if stored is None:
            raise BadRequestError(
                f"No uploaded photo {photo_id!r}; upload it first "
                "(POST /v1/me/work-requests/photos).",
                code="unknown_photo",
            )
        photos.append(
            WorkRequestPhoto(photo_id=photo_id, content_type=stored.content_type, size=stored.size)
        )
    return photos


def view(
    svc: Services, business_id: str, request: WorkRequest, customer_name: str | None = None
) -> WorkRequestView:
    """The request with links to its photos (presigned, minutes)."""
    expires_at = svc.clock.now() + timedelta(seconds=DOWNLOAD_SECONDS)
    photos = [
        PortalPhoto(
            photo_id=photo.photo_id,
            content_type=photo.content_type,
            url=svc.file_store.download_url(
                work_request_photo_key(business_id, request.customer_id, photo.photo_id),
                DOWNLOAD_SECONDS,
            ),
            expires_at=expires_at,
        )
        for photo in request.photos
    ]
    return WorkRequestView(
        **request.model_dump(exclude={"photos", "office_notified_at"}),
        customer_name=customer_name,
        photos=photos,
    )


def my_requests(
    svc: Services, principal: Principal, limit: int, cursor: str | None
) -> Page[WorkRequestView]:
    """The customer's requests, newest first, with their statuses (one Query)."""
    business_id, customer_id, tabs, _ = session_customer(principal)
    require_tab(tabs, WORK_REQUESTS)
    page = svc.work_requests.list_for_customer(business_id, customer_id, limit, cursor)
    return Page([view(svc, business_id, item) for item in page.items], page.next_cursor)


def business_requests(
    svc: Services,
    business_id: str,
    status: WorkRequestStatus | None,
    limit: int,
    cursor: str | None,
) -> Page[WorkRequestView]:
    """The business's requests, newest first, with each customer's name."""
    page = svc.work_requests.list_for_business(business_id, status, limit, cursor)
    names = svc.customers.get_many(business_id, sorted({r.customer_id for r in page.items}))
    return Page(
        [
            view(
                svc,
                business_id,
                item,
                names[item.customer_id].name if item.customer_id in names else None,
            )
            for item in page.items
        ],
        page.next_cursor,
    )


def change_request(
    svc: Services, business_id: str, request_id: str, change: WorkRequestChange
) -> WorkRequestView:
    """The business sets a request's status and the note its customer sees."""
    for _attempt in range(_ATTEMPTS):
        found = svc.work_requests.find(business_id, request_id)
        current = (
            svc.work_requests.get(business_id, found.customer_id, request_id) if found else None
        )
        if current is None:
            raise NotFoundError("No such work request.")
        values: dict[str, object] = {}
        if change.status is not None:
            values["status"] = change.status
        if "note" in change.model_fields_set:
            values["note"] = change.note.strip() or None if change.note is not None else None
        updated = current.model_copy(update=values)
        if updated == current:
            return view(svc, business_id, current)
        now = svc.clock.now()
        updated = updated.model_copy(
            update={
                "updated_at": now
                if now > current.updated_at
                else current.updated_at + timedelta(microseconds=1)
            }
        )
        entry = ActivityEntry(
            entry_id=new_entry_id(),
            kind="work_request_updated",
            at=now,
            source="business",
            details={
                "work_request_id": request_id,
                "status": updated.status.value,
                **({"note": updated.note} if updated.note else {}),
            },
        )
        if svc.work_requests.update(business_id, updated, current, entry):
            return view(svc, business_id, updated)
    raise ConflictError("The work request changed while it was being saved; try again.")
