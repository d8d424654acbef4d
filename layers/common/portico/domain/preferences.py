"""The notification centre (DESIGN 3): what the customer is told, by type and channel.

Receipts and failed-payment notices cannot be turned off. SMS covers service messages only
(service reminders, on-the-way texts), never marketing; the other types are email only.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field, StrictBool

from portico.domain.common import DomainModel


class NotificationType(StrEnum):
    SERVICE_REMINDERS = "service_reminders"
    ON_THE_WAY = "on_the_way"
    INVOICES = "invoices"
    RECEIPTS = "receipts"
    AUTOPAY_NOTICES = "autopay_notices"
    FAILED_PAYMENTS = "failed_payments"
    MARKETING = "marketing"


Channel = Literal["email", "sms"]
CHANNELS: tuple[Channel, ...] = ("email", "sms")

# Always on by email, whatever is asked: a customer must hear about their money.
LOCKED = frozenset({NotificationType.RECEIPTS, NotificationType.FAILED_PAYMENTS})
# The types SMS may carry: service messages only, so never marketing.
SMS_TYPES = frozenset({NotificationType.SERVICE_REMINDERS, NotificationType.ON_THE_WAY})


class ChannelChoice(DomainModel):
    email: StrictBool
    sms: StrictBool = False


# Defaults for a paying customer: everything about their service and money by email;
# texts only once they opt in (consent for SMS must be explicit); marketing only on request.
DEFAULTS: dict[NotificationType, ChannelChoice] = {
    NotificationType.SERVICE_REMINDERS: ChannelChoice(email=True, sms=False),
    NotificationType.ON_THE_WAY: ChannelChoice(email=True, sms=False),
    NotificationType.INVOICES: ChannelChoice(email=True),
    NotificationType.RECEIPTS: ChannelChoice(email=True),
    NotificationType.AUTOPAY_NOTICES: ChannelChoice(email=True),
    NotificationType.FAILED_PAYMENTS: ChannelChoice(email=True),
    NotificationType.MARKETING: ChannelChoice(email=False),
}


class Preferences(DomainModel):
    """Every type's channels."""

    service_reminders: ChannelChoice = DEFAULTS[NotificationType.SERVICE_REMINDERS]
    on_the_way: ChannelChoice = DEFAULTS[NotificationType.ON_THE_WAY]
    invoices: ChannelChoice = DEFAULTS[NotificationType.INVOICES]
    receipts: ChannelChoice = DEFAULTS[NotificationType.RECEIPTS]
    autopay_notices: ChannelChoice = DEFAULTS[NotificationType.AUTOPAY_NOTICES]
    failed_payments: ChannelChoice = DEFAULTS[NotificationType.FAILED_PAYMENTS]
    marketing: ChannelChoice = DEFAULTS[NotificationType.MARKETING]

    def allows(self, kind: NotificationType, channel: Channel) -> bool:
        """Whether the customer gets `kind` by `channel` (locked types: always by email)."""
        if kind in LOCKED and channel == "email":
            return True
        choice: ChannelChoice = getattr(self, kind.value)
        return bool(getattr(choice, channel))

    def emails_off(self) -> frozenset[str]:
        """The types the customer turned email off for."""
        return frozenset(kind.value for kind in NotificationType if not self.allows(kind, "email"))


class ChannelChange(DomainModel):
    """The channels to change for one type; those left out keep their value."""

    email: StrictBool | None = None
    sms: StrictBool | None = None


class PreferenceChanges(DomainModel):
    """`PUT /v1/me/preferences`: the types to change; those left out keep their channels.
    A locked type may be sent only with its fixed value (a client may send back what it
    read); SMS may be turned on only for service reminders and on-the-way texts."""

    service_reminders: ChannelChange | None = None
    on_the_way: ChannelChange | None = None
    invoices: ChannelChange | None = None
    receipts: ChannelChange | None = None
    autopay_notices: ChannelChange | None = None
    failed_payments: ChannelChange | None = None
    marketing: ChannelChange | None = None


class PreferenceChange(DomainModel):
    """One channel of one type switched, as the activity log and the event record it."""

    type: NotificationType
    channel: Channel
    enabled: bool


class PreferencesView(DomainModel):
    """`GET /v1/me/preferences`: the choices, what cannot change, and the last change."""

    preferences: Preferences
    locked: list[NotificationType] = Field(
        default_factory=lambda: sorted(LOCKED), description="Always on by email."
    )
    sms_types: list[NotificationType] = Field(
        default_factory=lambda: sorted(SMS_TYPES),
        description="The only types that may be sent by SMS.",
    )
    updated_at: datetime | None = None
