"""The customer's own settings, kept on their profile item so that whatever already reads
the profile (the wallet, the mailer's AutoPay emails) reads them with it: their edits to the
profile and their notification preferences. Each change is one transaction with its
activity entry (and, for preferences, `preferences.updated`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition

from portico.data.activity import activity_item
from portico.data.convert import plain, stored
from portico.data.events import record_event
from portico.data.items import CustomerItem
from portico.data.repositories import ConcurrentChangeError, to_customer
from portico.data.transactions import ConditionsFailed, Transaction
from portico.domain.autopay import ActivityEntry
from portico.domain.common import DomainModel
from portico.domain.customer import Customer
from portico.domain.events import DomainEvent
from portico.domain.preferences import Preferences
from portico.domain.profile import EDITED_AS


class CustomerSettings(DomainModel):
    """A customer with their preferences and when each was last changed by them."""

    customer: Customer
    preferences: Preferences
    preferences_updated_at: datetime | None = None
    profile_updated_at: datetime | None = None


def preferences_of(item: CustomerItem) -> Preferences:
    """The preferences stored on a profile item (the defaults where none are stored)."""
    return Preferences.model_validate(plain(item.notification_preferences or {}))


def _unchanged_since(attribute: Any, previous: datetime | None) -> Condition:
    # The customer's item must still exist and be as it was read: no concurrent change.
    if previous is None:
        return CustomerItem.pk.exists() & attribute.does_not_exist()
    return CustomerItem.pk.exists() & (attribute == previous)


class ProfileRepository:
    def settings(self, business_id: str, customer_id: str) -> CustomerSettings | None:
        """The customer's profile with their preferences (one GetItem)."""
        try:
            item = CustomerItem.get(*CustomerItem.keys(business_id, customer_id))
        except DoesNotExist:
            return None
        return CustomerSettings(
            customer=to_customer(item),
            preferences=preferences_of(item),
            preferences_updated_at=item.preferences_updated_at,
            profile_updated_at=item.profile_updated_at,
        )

    def save_preferences(
        self,
        business_id: str,
        customer_id: str,
        preferences: Preferences,
        previous: datetime | None,
        entry: ActivityEntry,
        event: DomainEvent,
    ) -> None:
        """Store the preferences with the change's activity entry and event, if nobody
        changed them since `previous` (else `ConcurrentChangeError`)."""
        item = CustomerItem(*CustomerItem.keys(business_id, customer_id))
        try:
            with Transaction() as tx:
                tx.update(
                    "customer",
                    item,
                    actions=[
                        CustomerItem.notification_preferences.set(stored(preferences)),
                        CustomerItem.preferences_updated_at.set(entry.at),
                    ],
                    condition=_unchanged_since(CustomerItem.preferences_updated_at, previous),
                )
                tx.put("activity", activity_item(business_id, customer_id, entry))
                record_event(tx, event)
        except ConditionsFailed as error:
            raise ConcurrentChangeError(
                "Your preferences changed while they were being saved; reload and try again."
            ) from error

    def save_profile(
        self,
        business_id: str,
        customer_id: str,
        edits: dict[str, Any],
        previous: datetime | None,
        entry: ActivityEntry,
    ) -> None:
        """Set (or, for None, clear) the customer's own profile fields with the change's
        activity entry, if nobody changed them since `previous`."""
        actions: list[Any] = [CustomerItem.profile_updated_at.set(entry.at)]
        for field, value in edits.items():
            attribute = getattr(CustomerItem, EDITED_AS[field])
            actions.append(attribute.remove() if value is None else attribute.set(stored(value)))
        item = CustomerItem(*CustomerItem.keys(business_id, customer_id))
        try:
            with Transaction() as tx:
                tx.update(
                    "customer",
                    item,
                    actions=actions,
                    condition=_unchanged_since(CustomerItem.profile_updated_at, previous),
                )
                tx.put("activity", activity_item(business_id, customer_id, entry))
        except ConditionsFailed as error:
            raise ConcurrentChangeError(
                "Your profile changed while it was being saved; reload and try again."
            ) from error
