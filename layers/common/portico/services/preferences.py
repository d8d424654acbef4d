"""The notification centre (DESIGN 3): the customer's choices by type and channel, with the
rules no choice can break (receipts and failed-payment notices always by email; SMS for
service messages only). Every change is logged with its time and source, and published."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from portico.bootstrap import Services
from portico.data.activity import new_entry_id
from portico.domain.autopay import ActivityEntry
from portico.domain.events import DomainEvent, EventType
from portico.domain.preferences import (
    CHANNELS,
    DEFAULTS,
    LOCKED,
    SMS_TYPES,
    ChannelChange,
    ChannelChoice,
    NotificationType,
    PreferenceChange,
    PreferenceChanges,
    Preferences,
    PreferencesView,
)
from portico.errors import BadRequestError, NotFoundError, UnauthorizedError
from portico.identity.principal import Principal
from portico.services.scope import session_customer

if TYPE_CHECKING:
    from portico.data.profile import CustomerSettings

Source = Literal["customer", "business"]


def customer_settings(svc: Services, business_id: str, customer_id: str) -> CustomerSettings:
    """The signed-in customer's profile and preferences, or 401 if the account is gone."""
    found = svc.profiles.settings(business_id, customer_id)
    if found is None:
        raise UnauthorizedError("This account no longer exists; sign in again.")
    return found


def _business_customer(svc: Services, business_id: str, customer_id: str) -> CustomerSettings:
    found = svc.profiles.settings(business_id, customer_id)
    if found is None:
        raise NotFoundError("No such customer.")
    return found


def customer_preferences(svc: Services, business_id: str, customer_id: str) -> PreferencesView:
    """A customer's preferences, as the business reads them (404 for an unknown id)."""
    found = _business_customer(svc, business_id, customer_id)
    return PreferencesView(preferences=found.preferences, updated_at=found.preferences_updated_at)


def change_for_customer(
    svc: Services, business_id: str, customer_id: str, changes: PreferenceChanges
) -> PreferencesView:
    """The business switches channels off for a customer (who asked it by phone, say). It
    may not switch any on: consent to be contacted is the customer's to give (400
    `customer_consent_required`)."""
    found = _business_customer(svc, business_id, customer_id)
    _, changed = apply_changes(found.preferences, changes)
    enabling = [change for change in changed if change.enabled]
    if enabling:
        first = enabling[0]
        raise BadRequestError(
            "Only the customer can turn a notification on; the business may only turn them off.",
            code="customer_consent_required",
            details={"type": first.type.value, "channel": first.channel},
        )
    return change_preferences(svc, business_id, customer_id, changes, "business", found)


def get_preferences(svc: Services, principal: Principal) -> PreferencesView:
    """The customer's preferences (one GetItem of their profile)."""
    business_id, customer_id, _, _ = session_customer(principal)
    found = customer_settings(svc, business_id, customer_id)
    return PreferencesView(preferences=found.preferences, updated_at=found.preferences_updated_at)


def _refusal(kind: NotificationType, channel: str, value: bool) -> BadRequestError | None:
    fixed = DEFAULTS[kind] if kind in LOCKED else None
    if fixed is not None and getattr(fixed, channel) != value:
        return BadRequestError(
            f"{kind.value.replace('_', ' ').capitalize()} cannot be turned off or changed: "
            "they always go to your email.",
            code="preference_locked",
            details={"type": kind.value, "channel": channel},
        )
    if channel == "sms" and value and kind not in SMS_TYPES:
        if kind is NotificationType.MARKETING:
            return BadRequestError(
                "Marketing is never sent by text message; the SMS opt-in covers service "
                "messages only.",
                code="marketing_sms_not_allowed",
                details={"type": kind.value, "channel": channel},
            )
        return BadRequestError(
            f"{kind.value.replace('_', ' ').capitalize()} are sent by email only.",
            code="sms_not_available",
            details={"type": kind.value, "channel": channel},
        )
    return None


def apply_changes(
    current: Preferences, changes: PreferenceChanges
) -> tuple[Preferences, list[PreferenceChange]]:
    """The preferences after `changes` and what actually changed; `BadRequestError` (and
    nothing changed) if any asked value breaks a rule."""
    updated: dict[str, ChannelChoice] = {}
    changed: list[PreferenceChange] = []
    for kind in NotificationType:
        asked: ChannelChange | None = getattr(changes, kind.value)
        if asked is None:
            continue
        choice: ChannelChoice = getattr(current, kind.value)
        values = choice.model_dump()
        for channel in CHANNELS:
            value = getattr(asked, channel)
            if value is None:
                continue
            refusal = _refusal(kind, channel, value)
            if refusal is not None:
                raise refusal
            if values[channel] != value:
                values[channel] = value
                changed.append(PreferenceChange(type=kind, channel=channel, enabled=value))
        updated[kind.value] = ChannelChoice(**values)
    return current.model_copy(update=updated), changed


def update_preferences(
    svc: Services, principal: Principal, changes: PreferenceChanges
) -> PreferencesView:
    """Apply the customer's changes: refused whole (400) if one breaks a rule; a change
    that changes nothing writes nothing; else one transaction with the activity entry and
    `preferences.updated`."""
    business_id, customer_id, _, _ = session_customer(principal)
    return change_preferences(svc, business_id, customer_id, changes, "customer")


def change_preferences(
    svc: Services,
    business_id: str,
    customer_id: str,
    changes: PreferenceChanges,
    source: Source,
    found: CustomerSettings | None = None,
) -> PreferencesView:
    """Apply `changes` to a customer's preferences on behalf of `source` (`found`: the
    customer's settings as already read)."""
    if found is None:
        found = customer_settings(svc, business_id, customer_id)
    updated, changed = apply_changes(found.preferences, changes)
    if not changed:
        return PreferencesView(
            preferences=found.preferences, updated_at=found.preferences_updated_at
        )
    now = svc.clock.now()
    described = [change.model_dump(mode="json") for change in changed]
    entry = ActivityEntry(
        entry_id=new_entry_id(),
        kind="preferences_updated",
        at=now,
        source=source,
        details={"changes": described},
    )
    event = DomainEvent(
        type=EventType.PREFERENCES_UPDATED,
        business_id=business_id,
        customer_id=customer_id,
        occurred_at=now,
        data={
            "source": source,
            "changes": described,
            "preferences": updated.model_dump(mode="json"),
        },
    )
    svc.profiles.save_preferences(
        business_id, customer_id, updated, found.preferences_updated_at, entry, event
    )
    return PreferencesView(preferences=updated, updated_at=now)
