"""Service history and documents: the customer's visits with before/after photos, and the
documents the business shares; the admin side uploads and removes them.

Files never pass through a function. The business (or the customer, for a work request's
photos) is given a presigned POST for one key under the customer's prefix, and pages carry
presigned GETs that last minutes (portico.domain.files).
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from portico.bootstrap import Services
from portico.clock import business_date
from portico.data.pagination import Page
from portico.domain.files import (
    DOCUMENT_TYPES,
    DOWNLOAD_SECONDS,
    MAX_DOCUMENT_BYTES,
    MAX_PHOTO_BYTES,
    MAX_VISIT_PHOTOS,
    PHOTO_TYPES,
    UPLOAD_SECONDS,
    Document,
    DocumentDownload,
    DocumentGrant,
    DocumentUpload,
    UploadGrant,
    VisitPhoto,
    VisitPhotoGrant,
    VisitPhotoUpload,
    check_upload,
    document_key,
    visit_photo_key,
)
from portico.domain.history import PortalPhoto, PortalVisit, VisitsWhen
from portico.domain.service import Visit, VisitStatus
from portico.errors import ConflictError, NotFoundError, ValidationFailedError
from portico.identity.principal import Principal
from portico.observability import logger
from portico.services.scope import require_tab, session_customer
from portico.storage import FileStoreError

SERVICE_HISTORY = "service_history"
DOCUMENTS = "documents"
_ATTEMPTS = 3
_EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
}


def grant_upload(svc: Services, key: str, content_type: str, max_bytes: int) -> UploadGrant:
    """A presigned POST for exactly this key, type and size range."""
    form = svc.file_store.upload_form(key, content_type, max_bytes, UPLOAD_SECONDS, svc.clock.now())
    return UploadGrant(
        url=form.url,
        fields=form.fields,
        expires_at=form.expires_at,
        content_type=content_type,
        max_bytes=max_bytes,
    )


# --- the customer's service history --------------------------------------------------------


def list_visits(
    svc: Services, principal: Principal, when: VisitsWhen, limit: int, cursor: str | None
) -> Page[PortalVisit]:
    """Upcoming visits soonest first, past ones newest first, or all newest first; each
    with its photos' download links (one Query)."""
    business_id, customer_id, tabs, timezone = session_customer(principal)
    require_tab(tabs, SERVICE_HISTORY)
    today = business_date(timezone, svc.clock.now())
    page = svc.visits.history(
        business_id,
        customer_id,
        since=today if when is VisitsWhen.UPCOMING else None,
        before=today if when is VisitsWhen.PAST else None,
        newest_first=when is not VisitsWhen.UPCOMING,
        limit=limit,
        cursor=cursor,
    )
    items = [_portal_visit(svc, business_id, visit, today) for visit in page.items]
    return Page(items=items, next_cursor=page.next_cursor)


def get_visit(svc: Services, principal: Principal, visit_id: str) -> PortalVisit:
    """One of the customer's visits (one GetItem); anyone else's is 404."""
    business_id, customer_id, tabs, timezone = session_customer(principal)
    require_tab(tabs, SERVICE_HISTORY)
    visit = svc.visits.customer_visit(business_id, customer_id, visit_id)
    if visit is None:
        raise NotFoundError("No such visit.")
    return _portal_visit(svc, business_id, visit, business_date(timezone, svc.clock.now()))


def get_visit_photo(
    svc: Services, principal: Principal, visit_id: str, photo_id: str
) -> PortalPhoto:
    """One photo of one of the customer's visits with a fresh link (one GetItem): for a
    page whose links have expired. Another customer's visit or photo is 404."""
    found = get_visit(svc, principal, visit_id)
    for photo in found.photos:
        if photo.photo_id == photo_id:
            return photo
    raise NotFoundError("No such photo.")


def _portal_visit(svc: Services, business_id: str, visit: Visit, today: date) -> PortalVisit:
    photos = []
    for photo in visit.photos:
        key = visit_photo_key(business_id, visit.customer_id, visit.visit_id, photo.photo_id)
        url = svc.file_store.download_url(key, DOWNLOAD_SECONDS)
        photos.append(
            PortalPhoto(
                photo_id=photo.photo_id,
                kind=photo.kind,
                caption=photo.caption,
                content_type=photo.content_type,
                url=url,
                expires_at=svc.clock.now() + timedelta(seconds=DOWNLOAD_SECONDS),
            )
        )
    return PortalVisit(
        visit_id=visit.visit_id,
        date=visit.date,
        service=visit.service,
        status=visit.status,
        technician=visit.technician,
        notes=visit.notes,
        upcoming=visit.status is VisitStatus.SCHEDULED and visit.date >= today,
        photos=photos,
    )


# --- the business's photos of a visit ------------------------------------------------------


def add_visit_photo(
    svc: Services, business_id: str, visit_id: str, upload: VisitPhotoUpload
) -> VisitPhotoGrant:
    """Record a before/after photo on the visit and answer where to upload it. A visit has
    at most `MAX_VISIT_PHOTOS`; a type or size that is not a photo's is refused first."""
    content_type = check_upload(upload.content_type, upload.size, PHOTO_TYPES, MAX_PHOTO_BYTES)
    photo = VisitPhoto(
        photo_id=f"ph_{secrets.token_hex(10)}",
        kind=upload.kind,
        content_type=content_type,
        size=upload.size,
        caption=upload.caption or None,
        added_at=svc.clock.now(),
    )
    for _attempt in range(_ATTEMPTS):
        visit = svc.visits.get_current(business_id, visit_id)
        if visit is None:
            raise NotFoundError("No such visit.")
        if len(visit.photos) >= MAX_VISIT_PHOTOS:
            raise ValidationFailedError(
                f"A visit has at most {MAX_VISIT_PHOTOS} photos; remove one first.",
                code="too_many_photos",
            )
        if svc.visits.add_photo(business_id, visit, photo, MAX_VISIT_PHOTOS, svc.clock.now()):
            key = visit_photo_key(business_id, visit.customer_id, visit_id, photo.photo_id)
            grant = grant_upload(svc, key, content_type, upload.size)
            return VisitPhotoGrant(photo=photo, upload=grant)
    raise ConflictError("The visit changed while the photo was added; try again.")


def remove_visit_photo(svc: Services, business_id: str, visit_id: str, photo_id: str) -> Visit:
    """Take a photo off the visit and delete its file."""
    for _attempt in range(_ATTEMPTS):
        visit = svc.visits.get_current(business_id, visit_id)
        if visit is None or photo_id not in {photo.photo_id for photo in visit.photos}:
            raise NotFoundError("No such photo.")
        if svc.visits.remove_photo(business_id, visit, photo_id, svc.clock.now()):
            delete_file(svc, visit_photo_key(business_id, visit.customer_id, visit_id, photo_id))
            found = svc.visits.get_current(business_id, visit_id)
            if found is None:
                raise NotFoundError("No such visit.")
            return found
    raise ConflictError("The visit changed while the photo was removed; try again.")


def delete_file(svc: Services, key: str) -> None:
    """Delete a file whose record is gone. The record is what the portal shows; a file
    left behind (S3 failed) is unreachable, and the bucket keeps it 30 days at most as a
    noncurrent version, so this logs rather than fails the request."""
    try:
        svc.file_store.delete(key)
    except FileStoreError:
        logger.warning("a removed file could not be deleted", extra={"key": key})


# --- documents ------------------------------------------------------------------------------


def add_document(
    svc: Services, business_id: str, customer_id: str, upload: DocumentUpload
) -> DocumentGrant:
    """Share a document with a customer: the record, and where to upload the file (a PDF
    or an image of at most 20 MB)."""
    content_type = check_upload(
        upload.content_type, upload.size, DOCUMENT_TYPES, MAX_DOCUMENT_BYTES
    )
    now = svc.clock.now()
    document_id = f"doc_{int(now.timestamp() * 1000):012x}{secrets.token_hex(4)}"
    filename = upload.filename or f"{_slug(upload.title)}.{_EXTENSIONS[content_type]}"
    document = Document(
        document_id=document_id,
        customer_id=customer_id,
        title=upload.title,
        content_type=content_type,
        size=upload.size,
        filename=filename,
        added_at=now,
    )
    svc.documents.add(business_id, document)
    key = document_key(business_id, customer_id, document_id)
    return DocumentGrant(
        document=document, upload=grant_upload(svc, key, content_type, upload.size)
    )


def _slug(title: str) -> str:
    words = "".join(c.lower() if c.isalnum() else " " for c in title).split()
    return "-".join(words)[:80] or "document"


def business_documents(svc: Services, business_id: str, customer_id: str) -> list[Document]:
    """The customer's documents (one Query); only an empty list asks whether the customer
    exists, to answer 404 for one that does not."""
    documents = svc.documents.list(business_id, customer_id)
    if not documents and svc.customers.get(business_id, customer_id) is None:
        raise NotFoundError("No such customer.")
    return documents


def delete_document(svc: Services, business_id: str, customer_id: str, document_id: str) -> None:
    if not svc.documents.delete(business_id, customer_id, document_id):
        raise NotFoundError("No such document.")
    delete_file(svc, document_key(business_id, customer_id, document_id))


def my_documents(svc: Services, principal: Principal) -> list[Document]:
    """The documents the business shared with the signed-in customer (one Query)."""
    business_id, customer_id, tabs, _ = session_customer(principal)
    require_tab(tabs, DOCUMENTS)
    return svc.documents.list(business_id, customer_id)


def download_document(svc: Services, principal: Principal, document_id: str) -> DocumentDownload:
    """A link that downloads one of the customer's documents for five minutes (one
    GetItem); anyone else's is 404."""
    business_id, customer_id, tabs, _ = session_customer(principal)
    require_tab(tabs, DOCUMENTS)
    document = svc.documents.get(business_id, customer_id, document_id)
    if document is None:
        raise NotFoundError("No such document.")
    key = document_key(business_id, customer_id, document_id)
    return DocumentDownload(
        **document.model_dump(exclude={"customer_id"}),
        url=svc.file_store.download_url(key, DOWNLOAD_SECONDS, document.filename),
        expires_at=svc.clock.now() + timedelta(seconds=DOWNLOAD_SECONDS),
    )
