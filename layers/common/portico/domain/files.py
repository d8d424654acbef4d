"""Customer files: visit photos, documents and work-request photos, kept in the media bucket
under `files/{business}/{customer}/...` and moved by presigned URLs only (DESIGN 4.1).

What may be uploaded is checked here, before any URL is made, and again by S3 itself: the
presigned POST's policy pins the key, the content type and the size range.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Final

from pydantic import Field, StringConstraints

from portico.domain.common import DomainModel, ShortText
from portico.errors import BadRequestError

# Photos: what phones and cameras produce. HEIC is what an iPhone saves; browsers other than
# Safari cannot show it, so the portal offers it as a download there.
PHOTO_TYPES: Final = frozenset({"image/jpeg", "image/png", "image/webp", "image/heic"})
DOCUMENT_TYPES: Final = PHOTO_TYPES | {"application/pdf"}
MAX_PHOTO_BYTES: Final = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES: Final = 20 * 1024 * 1024
MAX_VISIT_PHOTOS: Final = 20
# An upload form lasts long enough for a slow phone connection; a download link only as long
# as it takes to open it (a page asks for new ones each time it loads).
UPLOAD_SECONDS: Final = 15 * 60
DOWNLOAD_SECONDS: Final = 5 * 60

FILES_PREFIX: Final = "files"

# Declared at the edge as loose strings and numbers, so that a wrong type or size is this
# module's 400 with a clear message rather than a schema's 422.
ContentType = Annotated[str, StringConstraints(min_length=1, max_length=100)]
DeclaredSize = Annotated[int, Field(strict=True)]
Caption = Annotated[str, StringConstraints(max_length=500, strip_whitespace=True)]


def customer_prefix(business_id: str, customer_id: str) -> str:
    """Where every file of one customer lives: nothing outside it is ever signed for them."""
    return f"{FILES_PREFIX}/{business_id}/{customer_id}/"


def visit_photo_key(business_id: str, customer_id: str, visit_id: str, photo_id: str) -> str:
    return f"{customer_prefix(business_id, customer_id)}visits/{visit_id}/{photo_id}"


def document_key(business_id: str, customer_id: str, document_id: str) -> str:
    return f"{customer_prefix(business_id, customer_id)}documents/{document_id}"


def work_request_photo_key(business_id: str, customer_id: str, photo_id: str) -> str:
    return f"{customer_prefix(business_id, customer_id)}work-requests/{photo_id}"


def check_upload(content_type: str, size: int, allowed: frozenset[str], max_bytes: int) -> str:
    """The declared type, normalised, if it is allowed and `size` is 1 to `max_bytes` bytes;
    otherwise 400."""
    normalised = content_type.strip().lower()
    if normalised == "image/jpg":
        normalised = "image/jpeg"
    if normalised not in allowed:
        kinds = ", ".join(sorted(allowed))
        raise BadRequestError(
            f"Files of type {content_type!r} are not accepted here; send one of: {kinds}.",
            code="unsupported_file_type",
        )
    if size < 1:
        raise BadRequestError("The file is empty.", code="empty_file")
    if size > max_bytes:
        raise BadRequestError(
            f"The file is {size} bytes; at most {max_bytes // (1024 * 1024)} MB is accepted.",
            code="file_too_large",
        )
    return normalised


class UploadGrant(DomainModel):
    """Where and how to upload one file: POST `url` as multipart/form-data with every one of
    `fields`, then the file itself as the last field, `file`. S3 answers 204; it refuses a
    file of another type or size, or one sent after `expires_at`."""

    url: str
    fields: dict[str, str]
    expires_at: datetime
    content_type: str
    max_bytes: int


class PhotoKind(StrEnum):
    BEFORE = "before"
    AFTER = "after"


class VisitPhotoUpload(DomainModel):
    """`POST /v1/admin/visits/{visit_id}/photos`: declare the photo, get where to upload it."""

    kind: PhotoKind
    content_type: ContentType
    size: DeclaredSize
    caption: Caption | None = None


class VisitPhoto(DomainModel):
    photo_id: str
    kind: PhotoKind
    content_type: str
    size: int
    caption: str | None = None
    added_at: datetime


class VisitPhotoGrant(DomainModel):
    photo: VisitPhoto
    upload: UploadGrant


class DocumentUpload(DomainModel):
    """`POST /v1/admin/customers/{customer_id}/documents`."""

    title: ShortText
    content_type: ContentType
    size: DeclaredSize
    filename: (
        Annotated[
            str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^/\\\x00-\x1f]+$")
        ]
        | None
    ) = None


class Document(DomainModel):
    document_id: str
    customer_id: str
    title: str
    content_type: str
    size: int
    filename: str
    added_at: datetime


class DocumentGrant(DomainModel):
    document: Document
    upload: UploadGrant


class DocumentDownload(DomainModel):
    """A document and a link that downloads it for `expires_in` seconds."""

    document_id: str
    title: str
    content_type: str
    size: int
    filename: str
    added_at: datetime
    url: str
    expires_at: datetime


class PhotoUpload(DomainModel):
    """`POST /v1/me/work-requests/photos`: a photo the customer will attach to a request."""

    content_type: ContentType
    size: DeclaredSize


class PhotoGrant(DomainModel):
    photo_id: str
    upload: UploadGrant


class FileLink(DomainModel):
    """A file as a page shows it: a presigned GET that works until `expires_at`."""

    url: str
    expires_at: datetime
