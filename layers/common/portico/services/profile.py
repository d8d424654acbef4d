"""The customer's profile: they edit their phone, billing address and contact name; the
email that is their username (and the CRM's own fields) only the business changes.

The customer's edits live in attributes the CRM's sync never writes, so a later
`PUT /v1/admin/customers/{id}` neither undoes them nor is undone by them: the business sees
both (`phone` and `contact_phone`) and each edit in the activity log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portico.bootstrap import Services
from portico.data.activity import new_entry_id
from portico.data.convert import stored
from portico.domain.autopay import ActivityEntry
from portico.domain.profile import EDITED_AS, Profile, ProfileChanges
from portico.errors import BadRequestError, ValidationFailedError
from portico.identity.principal import Principal
from portico.services.preferences import customer_settings
from portico.services.scope import session_customer

if TYPE_CHECKING:
    from portico.data.profile import CustomerSettings


def _profile(settings: CustomerSettings) -> Profile:
    customer = settings.customer
    return Profile(
        customer_id=customer.customer_id,
        email=customer.email,
        name=customer.name,
        contact_name=customer.contact_name,
        phone=customer.contact_phone or customer.phone,
        business_phone=customer.phone,
        billing_address=customer.billing_address,
        service_address=customer.service_address,
        language=customer.language,
        updated_at=settings.profile_updated_at,
    )


def get_profile(svc: Services, principal: Principal) -> Profile:
    """The customer's profile (one GetItem)."""
    business_id, customer_id, _, _ = session_customer(principal)
    return _profile(customer_settings(svc, business_id, customer_id))


def update_profile(svc: Services, principal: Principal, changes: ProfileChanges) -> Profile:
    """Apply the customer's edits in one transaction with their activity entry. A
    business-owned field (the email above all) answers 400 and changes nothing."""
    refused = changes.refused()
    if refused is not None:
        name, message = refused
        raise BadRequestError(message, code=f"{name}_read_only", details={"field": name})
    edits = changes.edits()
    if not edits:
        raise ValidationFailedError("Nothing to change.", code="empty_change")
    business_id, customer_id, _, _ = session_customer(principal)
    found = customer_settings(svc, business_id, customer_id)
    changed: dict[str, dict[str, Any]] = {}
    for field, value in edits.items():
        before = getattr(found.customer, EDITED_AS[field])
        if before != value:
            change = {"from": stored(before), "to": stored(value)}
            changed[field] = {key: item for key, item in change.items() if item is not None}
    if not changed:
        return _profile(found)
    now = svc.clock.now()
    entry = ActivityEntry(
        entry_id=new_entry_id(),
        kind="profile_updated",
        at=now,
        source="customer",
        details={"changes": changed},
    )
    to_save = {field: edits[field] for field in changed}
    svc.profiles.save_profile(business_id, customer_id, to_save, found.profile_updated_at, entry)
    customer = found.customer.model_copy(
        update={EDITED_AS[field]: value for field, value in to_save.items()}
    )
    return _profile(found.model_copy(update={"customer": customer, "profile_updated_at": now}))
