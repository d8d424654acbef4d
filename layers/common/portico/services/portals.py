"""Businesses and their portals: provisioning, portal addresses, settings, the public view."""

from __future__ import annotations

import re
import secrets

from pydantic import TypeAdapter, ValidationError

from portico.bootstrap import Services
from portico.data.repositories import SlugTakenError
from portico.domain.business import (
    AdminPortal,
    Business,
    NewBusiness,
    PortalChanges,
    PortalSettings,
    ProvisionedBusiness,
    PublicPortal,
    Slug,
    SlugAvailability,
)
from portico.errors import ConflictError, NotFoundError, ValidationFailedError
from portico.services.api_keys import new_key

RESERVED_SLUGS = frozenset(
    [
        "admin",
        "administrator",
        "api",
        "app",
        "apps",
        "assets",
        "auth",
        "billing",
        "blog",
        "cdn",
        "dashboard",
        "dev",
        "docs",
        "email",
        "help",
        "login",
        "logout",
        "mail",
        "me",
        "oauth",
        "p",
        "portal",
        "portico",
        "privacy",
        "register",
        "reset",
        "root",
        "security",
        "settings",
        "signup",
        "static",
        "status",
        "support",
        "system",
        "terms",
        "v1",
        "v2",
        "webhooks",
        "www",
    ]
)
_slug = TypeAdapter(Slug)


def slug_problem(slug: str) -> str | None:
    """Why `slug` cannot be a portal address, or None if its form is fine."""
    try:
        _slug.validate_python(slug)
    except ValidationError:
        return "invalid"
    return "reserved" if slug in RESERVED_SLUGS else None


def _slugify(text: str) -> str:
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-")


def suggest_slugs(svc: Services, slug: str, hints: list[str | None], limit: int = 5) -> list[str]:
    """Free variations of a taken or reserved address (`sparklingpools-tx`), best first."""
    base = _slugify(slug)[:30].strip("-") or "portal"
    words = [_slugify(hint) for hint in hints if hint]
    candidates = [f"{base}-{word}" for word in words]
    candidates += [f"{base}-{'-'.join(words)}"] if len(words) > 1 else []
    candidates += [f"{base}-portal", f"my-{base}", f"{base}-pay"]
    candidates += [f"{base}-{n}" for n in range(2, 6)]
    valid = [c for c in dict.fromkeys(candidates) if slug_problem(c) is None and c != slug]
    taken = svc.businesses.taken_slugs(valid)
    return [c for c in valid if c not in taken][:limit]


def check_slug(svc: Services, slug: str, business_id: str) -> SlugAvailability:
    """Whether `slug` is free for this business's portal, and if not, why and which
    variations are free (hinted by the business's address, read only when needed)."""
    problem = slug_problem(slug)
    if problem is None and not svc.businesses.taken_slugs([slug]):
        return SlugAvailability(slug=slug, available=True)
    reason = problem or "taken"
    suggestions = (
        []
        if problem == "invalid" and not _slugify(slug)
        else suggest_slugs(svc, slug, _address_hints(get_business(svc, business_id)))
    )
    return SlugAvailability(slug=slug, available=False, reason=reason, suggestions=suggestions)


def _slug_error(svc: Services, slug: str, reason: str, hints: list[str | None]) -> ConflictError:
    messages = {
        "reserved": f"The portal address {slug!r} is reserved.",
        "taken": f"The portal address {slug!r} is taken.",
    }
    return ConflictError(
        messages[reason],
        code=f"slug_{reason}",
        details={"suggestions": suggest_slugs(svc, slug, hints)},
    )


def _address_hints(business: NewBusiness | Business) -> list[str | None]:
    address = business.contact.address
    return [address.region, address.city] if address else []


def provision_business(
    svc: Services, new: NewBusiness, business_id: str | None = None
) -> ProvisionedBusiness:
    """Create a business with its portal (off until the business turns it on) and an admin
    API key, shown once. A taken or reserved slug is refused with free suggestions."""
    hints = _address_hints(new)
    if slug_problem(new.slug) == "reserved":
        raise _slug_error(svc, new.slug, "reserved", hints)
    now = svc.clock.now()
    business = Business(
        business_id=business_id or "biz_" + secrets.token_hex(8),
        created_at=now,
        **new.model_dump(),
    )
    portal = PortalSettings(
        business_id=business.business_id,
        slug=business.slug,
        contact=business.contact,
        updated_at=now,
    )
    key, plain, digest = new_key(business.business_id, "Provisioning", svc)
    try:
        svc.businesses.create(business, portal, key, digest)
    except SlugTakenError as error:
        raise _slug_error(svc, new.slug, "taken", hints) from error
    return ProvisionedBusiness(business=business, portal=portal, admin_api_key=plain)


def get_business(svc: Services, business_id: str) -> Business:
    business = svc.businesses.get(business_id)
    if business is None:
        raise NotFoundError("No such business.")
    return business


def get_portal(svc: Services, business_id: str) -> PortalSettings:
    portal = svc.portals.get(business_id)
    if portal is None:
        raise NotFoundError("No such business.")
    return portal


def _with_business(svc: Services, business_id: str) -> tuple[PortalSettings, Business]:
    found = svc.portals.with_business(business_id)
    if found is None:
        raise NotFoundError("No such business.")
    return found


def _admin_view(portal: PortalSettings, business: Business) -> AdminPortal:
    return AdminPortal(
        **portal.model_dump(), timezone=business.timezone, currency=business.currency
    )


def admin_portal(svc: Services, business_id: str) -> AdminPortal:
    """The settings as the admin pages show them (one BatchGetItem)."""
    portal, business = _with_business(svc, business_id)
    return _admin_view(portal, business)


def update_portal(svc: Services, business_id: str, changes: PortalChanges) -> AdminPortal:
    """Apply the given changes; a new slug follows the same rules as at provisioning."""
    current, business = _with_business(svc, business_id)
    given = changes.model_dump(exclude_none=True)
    if not given:
        raise ValidationFailedError("Nothing to change.", code="empty_change")
    timezone = given.pop("timezone", None)
    updated = current.model_copy(
        update={name: getattr(changes, name) for name in given} | {"updated_at": svc.clock.now()}
    )
    new_timezone = timezone if timezone not in (None, business.timezone) else None
    unchanged = updated.model_dump(exclude={"updated_at"}) == current.model_dump(
        exclude={"updated_at"}
    )
    if unchanged and new_timezone is None:
        return _admin_view(current, business)
    hints = _address_hints(business)
    if updated.slug != current.slug and slug_problem(updated.slug) == "reserved":
        raise _slug_error(svc, updated.slug, "reserved", hints)
    try:
        svc.portals.save(updated, business.name, previous=current, timezone=new_timezone)
    except SlugTakenError as error:
        raise _slug_error(svc, updated.slug, "taken", hints) from error
    if new_timezone is not None:
        business = business.model_copy(update={"timezone": new_timezone})
    return _admin_view(updated, business)


def enabled_portal(svc: Services, slug: str) -> tuple[PortalSettings, str]:
    """The enabled portal at `slug` and its business's name (one Query). Unknown, malformed
    and disabled addresses are the same 404, so nobody can list a deployment's businesses."""
    found = svc.portals.find_by_slug(slug) if slug_problem(slug) is None else None
    if found is None or not found[0].enabled:
        raise NotFoundError("No portal at this address.", code="portal_not_found")
    return found


def public_portal(svc: Services, slug: str) -> PublicPortal:
    """The login page's view of an enabled portal."""
    portal, business_name = enabled_portal(svc, slug)
    return public_view(portal, business_name, svc.settings.portal_base_url)


def public_view(portal: PortalSettings, business_name: str, portal_base_url: str) -> PublicPortal:
    """What anyone may see of a portal: name, logo, colour, contact, tabs, login methods.
    The logo is the uploaded one, served from `portal_base_url`, else the business's URL."""
    return PublicPortal(
        slug=portal.slug,
        business_name=business_name,
        logo_url=portal.logo_address(portal_base_url),
        primary_color=portal.branding.primary_color,
        contact=portal.contact,
        tabs=portal.tabs,
        login_methods=portal.login_methods,
    )
