"""The business's logo: uploaded by the business, stored in the file store, served to anyone
who can see the portal, and printed on every invoice, receipt and statement.

The image lives at `logos/{business_id}`; the portal settings record its facts (type, size,
version). The file is written before the settings point at it and the settings stop pointing
at it before it is deleted, so the settings never name a logo that is not there.
"""

from __future__ import annotations

import base64
import binascii

from portico.bootstrap import Services
from portico.domain.business import MAX_LOGO_BYTES, Logo, LogoUpload, PortalSettings
from portico.domain.common import DomainModel
from portico.errors import NotFoundError, PayloadTooLargeError, ValidationFailedError
from portico.images import InvalidImageError, fingerprint, inspect, sniff
from portico.observability import logger
from portico.services.portals import enabled_portal, get_business, get_portal
from portico.storage import FileStoreError

_KINDS = {"image/png": "PNG", "image/jpeg": "JPEG"}


class LogoImage(DomainModel):
    """A logo as the public route answers it."""

    data: bytes
    content_type: str
    version: str


def logo_key(business_id: str) -> str:
    """Where a business's logo is kept in the file store."""
    return f"logos/{business_id}"


def _decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValidationFailedError(
            "`data` is not valid base64.", code="invalid_image", details={"field": "data"}
        ) from error


def _checked_image(upload: LogoUpload) -> tuple[bytes, int, int]:
    data = _decode(upload.data)
    if len(data) > MAX_LOGO_BYTES:
        raise PayloadTooLargeError(
            f"The logo is {len(data):,} bytes; the limit is {MAX_LOGO_BYTES // 1024} KB.",
            code="logo_too_large",
            details={"size": len(data), "limit": MAX_LOGO_BYTES},
        )
    try:
        facts = inspect(data)
    except InvalidImageError as error:
        raise ValidationFailedError(str(error), code="invalid_image") from error
    if facts.content_type != upload.content_type:
        raise ValidationFailedError(
            f"The file is a {_KINDS[facts.content_type]} image, not {upload.content_type}.",
            code="invalid_image",
        )
    return data, facts.width, facts.height


def upload_logo(svc: Services, business_id: str, upload: LogoUpload) -> PortalSettings:
    """Check that the upload really is a PNG or JPEG of at most 200 KB, store it and record
    it in the portal settings. Anything else is refused and changes nothing."""
    data, width, height = _checked_image(upload)
    business = get_business(svc, business_id)
    current = get_portal(svc, business_id)
    version = fingerprint(data)
    if current.logo is not None and current.logo.version == version:
        return current  # the same image again: nothing to do
    now = svc.clock.now()
    logo = Logo(
        content_type=upload.content_type,
        version=version,
        size=len(data),
        width=width,
        height=height,
        uploaded_at=now,
    )
    svc.file_store.put(logo_key(business_id), data, upload.content_type)
    updated = current.model_copy(update={"logo": logo, "updated_at": now})
    svc.portals.save(updated, business.name, previous=current)
    return updated


def delete_logo(svc: Services, business_id: str) -> PortalSettings:
    """Remove the uploaded logo; the business's own `logo_url`, if any, shows again. Removing
    a logo that is not there changes nothing."""
    business = get_business(svc, business_id)
    current = get_portal(svc, business_id)
    if current.logo is None:
        return current
    updated = current.model_copy(update={"logo": None, "updated_at": svc.clock.now()})
    svc.portals.save(updated, business.name, previous=current)
    svc.file_store.delete(logo_key(business_id))
    return updated


def public_logo(svc: Services, slug: str) -> LogoImage:
    """The logo of an enabled portal (one Query and one file read). Unknown and disabled
    portals look the same."""
    portal, _ = enabled_portal(svc, slug)
    data = svc.file_store.get(logo_key(portal.business_id)) if portal.logo else None
    if data is None:
        raise NotFoundError("This portal has no uploaded logo.", code="logo_not_found")
    # Type and version from the bytes served, so that they always describe these bytes.
    content_type = sniff(data) or (portal.logo.content_type if portal.logo else "image/png")
    return LogoImage(data=data, content_type=content_type, version=fingerprint(data))


def document_logo(svc: Services, portal: PortalSettings) -> bytes | None:
    """The logo's bytes for a PDF, or None: no read at all when none was uploaded, and a
    store that fails costs the logo, not the document."""
    if portal.logo is None:
        return None
    try:
        return svc.file_store.get(logo_key(portal.business_id))
    except FileStoreError:
        logger.warning("The logo could not be read; the PDF goes without it.", exc_info=True)
        return None
