"""The customer's own profile: what they may edit themselves (phone, billing address and
contact name), next to what only the business changes (the email that is their username,
their name and service address as the CRM pushes them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from portico.domain.common import Address, DomainModel, Language, Phone, ShortText


class Profile(DomainModel):
    """`GET /v1/me/profile`. `phone` is the customer's own number if they set one, else the
    one the business has on file (`business_phone`)."""

    customer_id: str
    email: str | None  # the username: read-only here
    name: str  # the business's name for the account (the CRM's)
    contact_name: str | None = None
    phone: str | None = None
    business_phone: str | None = None
    billing_address: Address | None = None
    service_address: Address | None = None  # where the work is done: the business's
    language: Language | None = None  # of the customer's emails; None: the business's
    updated_at: datetime | None = None  # the customer's last edit


READ_ONLY = {
    "email": "Your email is your username; to change it, ask the business, which changes it "
    "on your account.",
    "name": "The account's name is the business's; set `contact_name` for who to contact.",
    "service_address": "The service address is the business's; ask them to change it.",
}
# Where each field the customer edits is kept, on `Customer` and its item: `phone` is the
# customer's own `contact_phone`, next to the CRM's `phone`.
EDITED_AS = {
    "contact_name": "contact_name",
    "phone": "contact_phone",
    "billing_address": "billing_address",
    "language": "language",
}
_READ_ONLY_NOTE = "Read-only here: sending it answers 400 and changes nothing."


class ProfileChanges(DomainModel):
    """`PATCH /v1/me/profile`: the fields to change; null clears one (a cleared phone falls
    back to the business's). The business-owned fields are declared so that sending one
    answers a 400 saying who changes it, rather than a bare "unknown field"."""

    contact_name: ShortText | None = None
    phone: Phone | None = None
    billing_address: Address | None = None
    language: Language | None = None
    email: Any = Field(default=None, description=_READ_ONLY_NOTE)
    name: Any = Field(default=None, description=_READ_ONLY_NOTE)
    service_address: Any = Field(default=None, description=_READ_ONLY_NOTE)

    def refused(self) -> tuple[str, str] | None:
        """The first business-owned field sent, with the message that says who changes it."""
        for name, message in READ_ONLY.items():
            if name in self.model_fields_set:
                return name, message
        return None

    def edits(self) -> dict[str, Any]:
        """The customer-owned fields sent (None: clear it)."""
        return {name: getattr(self, name) for name in EDITED_AS if name in self.model_fields_set}
