"""A business, its portal settings and its admin API keys."""

from __future__ import annotations

import math
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import Field, StrictBool, StringConstraints, field_validator, model_validator

from portico.domain.common import (
    Amount,
    ContactDetails,
    Currency,
    DomainModel,
    HttpsUrl,
    ShortText,
    TimeZone,
)
from portico.domain.invitations import InviteTemplates
from portico.domain.reviews import ReviewSettings

# A portal address: lowercase letters, digits and single hyphens, 3 to 40 characters.
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(min_length=3, max_length=40, pattern=SLUG_PATTERN)]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]


class PortalTabs(DomainModel):
    """What the business lets its customers see. Off means hidden, and the routes refuse."""

    invoices: StrictBool = True
    payments: StrictBool = True
    statement: StrictBool = True
    service_history: StrictBool = True
    estimates: StrictBool = True
    work_requests: StrictBool = True
    reviews: StrictBool = True
    documents: StrictBool = True


class Branding(DomainModel):
    """The portal's colour and, for a business that prefers one, the address of its logo.
    A logo uploaded to Portico (`PortalSettings.logo`) takes precedence over `logo_url`."""

    logo_url: HttpsUrl | None = None
    primary_color: Color = "#0b6bcb"


LogoType = Literal["image/png", "image/jpeg"]
MAX_LOGO_BYTES = 200 * 1024
# The upload's JSON body: the logo in base64 (4 characters per 3 bytes), with room for an
# image somewhat over the limit to reach the service and be told its size and the limit.
MAX_LOGO_REQUEST_BYTES = 2 * 4 * math.ceil(MAX_LOGO_BYTES / 3)


class Logo(DomainModel):
    """A logo uploaded to Portico, as the portal settings record it. The image itself is in
    the file store; `version` (a short hash of its bytes) changes with every new image."""

    content_type: LogoType
    version: str
    size: int
    width: int
    height: int
    uploaded_at: datetime


class LogoUpload(DomainModel):
    """`PUT /v1/admin/portal/logo`: a PNG or JPEG of at most 200 KB, base64-encoded."""

    content_type: LogoType
    data: Annotated[str, StringConstraints(min_length=1)] = Field(
        description="The image's bytes, base64-encoded (standard alphabet, with padding)."
    )


# Stripe's smallest charge in the currencies Portico bills in (50 cents, 50 euro cents...).
MINIMUM_CHARGE = 50


class CreditSettings(DomainModel):
    """ "Add credit": customers charge a saved method now and keep the money as account
    credit, applied to their next invoices. Off unless the business turns it on."""

    enabled: StrictBool = False
    max_amount: Annotated[Amount, Field(ge=MINIMUM_CHARGE, le=10_000_000)] = 100_000


class ChargeTiming(StrEnum):
    """When AutoPay charges an invoice, in the business's time zone."""

    ON_SEND = "on_send"  # at the first run after the invoice is sent (within 15 minutes)
    BEFORE_DUE = "before_due"  # `days_before_due` days before the due date
    ON_DUE = "on_due"  # on the due date


class AutoPaySettings(DomainModel):
    """The business's AutoPay policy (DESIGN 2, 4.4)."""

    charge_timing: ChargeTiming = ChargeTiming.ON_DUE
    days_before_due: Annotated[int, Field(ge=1, le=30, strict=True)] = 3
    # Whether customers may turn AutoPay off (and delete its card) themselves; if not, the
    # portal shows `locked_message` instead.
    customers_may_disable: StrictBool = True
    locked_message: ShortText = "Please contact us to turn AutoPay off or change its card."
    # Soft declines are tried again this many days after the first attempt (at most three).
    retry_days: Annotated[
        list[Annotated[int, Field(ge=1, le=30, strict=True)]], Field(max_length=3)
    ] = Field(default_factory=lambda: [3, 5, 7])
    # Days before a charge that the customer is told of it (0: no notice).
    notice_days: Annotated[int, Field(ge=0, le=14, strict=True)] = 3

    @model_validator(mode="after")
    def _retries_in_order(self) -> Self:
        if self.retry_days != sorted(set(self.retry_days)):
            raise ValueError("retry_days must increase, each day once")
        return self


class LoginMethods(DomainModel):
    password: StrictBool = True
    magic_link: StrictBool = True


class NewBusiness(DomainModel):
    """What it takes to provision a business."""

    name: ShortText
    slug: Slug
    contact: ContactDetails = Field(default_factory=ContactDetails)
    timezone: TimeZone = "America/Chicago"
    currency: Currency = "USD"


class Business(DomainModel):
    business_id: str
    name: str
    slug: str
    contact: ContactDetails
    timezone: str
    currency: str
    created_at: datetime


def portal_address(portal_base_url: str, slug: str) -> str:
    """The portal's address (its login page for someone signed out): printed on every
    invoice, receipt and email, and the root of every link the portal sends."""
    return f"{portal_base_url.rstrip('/')}/p/{slug}"


class PortalSettings(DomainModel):
    """The business's portal: on or off, its address, tabs, branding, contact details and
    invite emails."""

    business_id: str
    enabled: StrictBool = False
    slug: str
    tabs: PortalTabs = Field(default_factory=PortalTabs)
    branding: Branding = Field(default_factory=Branding)
    contact: ContactDetails = Field(default_factory=ContactDetails)
    login_methods: LoginMethods = Field(default_factory=LoginMethods)
    invite_templates: InviteTemplates = Field(default_factory=InviteTemplates)
    credits: CreditSettings = Field(default_factory=CreditSettings)
    autopay: AutoPaySettings = Field(default_factory=AutoPaySettings)
    reviews: ReviewSettings = Field(default_factory=ReviewSettings)
    # Set and cleared only by the logo routes: outside `branding`, which a settings change
    # replaces whole, so that changing the colour can neither drop nor forge it.
    logo: Logo | None = None
    updated_at: datetime

    def logo_address(self, portal_base_url: str) -> str | None:
        """Where the portal's logo is shown from: the uploaded one, served by the public
        `GET /v1/portals/{slug}/logo` with its version in the query (so a new upload is never
        hidden by a cache), else the business's own `logo_url`, else none."""
        if self.logo is not None:
            base = portal_base_url.rstrip("/")
            return f"{base}/v1/portals/{self.slug}/logo?v={self.logo.version}"
        return self.branding.logo_url

    @field_validator("invite_templates", mode="before")
    @classmethod
    def _default_invite_templates(cls, value: object) -> object:
        # Portals saved before invite templates existed have none stored: use the defaults.
        return InviteTemplates() if value is None else value

    @field_validator("credits", "autopay", "reviews", mode="before")
    @classmethod
    def _default_policies(cls, value: object) -> object:
        # Portals saved before these settings existed have none stored: the defaults.
        return {} if value is None else value


class AdminPortal(PortalSettings):
    """`GET|PUT /v1/admin/portal`: the settings with the business's time zone (changed with
    them) and currency (fixed when the business was provisioned), which the admin pages show."""

    timezone: str
    currency: str


class PortalChanges(DomainModel):
    """A change to the portal settings; fields left out keep their current value."""

    enabled: StrictBool | None = None
    slug: Slug | None = None
    tabs: PortalTabs | None = None
    branding: Branding | None = None
    contact: ContactDetails | None = None
    login_methods: LoginMethods | None = None
    invite_templates: InviteTemplates | None = None
    credits: CreditSettings | None = None
    autopay: AutoPaySettings | None = None
    reviews: ReviewSettings | None = None  # the public review link and its threshold
    timezone: TimeZone | None = None  # the business's; dates, AutoPay and statements follow it


class PublicPortal(DomainModel):
    """What anyone may read about an enabled portal: enough to draw its login page."""

    slug: str
    business_name: str
    logo_url: str | None
    primary_color: str
    contact: ContactDetails
    tabs: PortalTabs
    login_methods: LoginMethods


class SlugAvailability(DomainModel):
    slug: str
    available: StrictBool
    reason: str | None = None
    suggestions: list[str] = Field(default_factory=list)


class ApiKey(DomainModel):
    """An admin API key as stored: never the key itself, only its id and a hint."""

    key_id: str
    business_id: str
    label: str
    hint: str
    created_at: datetime
    revoked_at: datetime | None = None


class IssuedApiKey(DomainModel):
    """A freshly issued key: the only time `api_key` is ever shown."""

    key: ApiKey
    api_key: str


class ProvisionedBusiness(DomainModel):
    business: Business
    portal: PortalSettings
    admin_api_key: str
