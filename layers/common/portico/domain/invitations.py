"""Invitations: the business's two invite templates with their merge tags, bulk invites,
and the portal-user list.

Merge tags are `{{NAME}}` placeholders in text the business writes. They are substituted by
a regular expression over a fixed list of names, never by a template engine: business text
is data, and evaluating it as a Jinja template would hand the business (or whoever holds its
API key) the mailer's process. An unknown tag is refused when the template is saved, so a
customer never receives a blank or a literal `{{TYPO}}`.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StrictBool, StringConstraints, model_validator

from portico.domain.common import DomainModel, Email, EntityId, Language, ShortText
from portico.domain.customer import Customer, CustomerFilter, PortalAccess

InviteTemplateName = Literal["with_payment_method", "without_payment_method"]

# Every merge tag Portico knows (DESIGN 4.5).
MERGE_TAGS = frozenset(
    {
        "CUSTOMER_NAME",
        "BUSINESS_NAME",
        "CUSTOMER_PORTAL_LINK",
        "CREATE_LOGIN_LINK",
        "ADD_PAYMENT_METHOD_LINK",
        "INVOICE_LINK",
        "RECEIPT_LINK",
        "ESTIMATE_LINK",
        "REVIEW_LINK",
        "WORK_REQUEST_LINK",
    }
)
# The ones an invite can fill in. An invite is about the customer, not one document, so the
# invoice, receipt and estimate links have nothing to point at.
INVITE_TAGS = frozenset(
    {
        "CUSTOMER_NAME",
        "BUSINESS_NAME",
        "CUSTOMER_PORTAL_LINK",
        "CREATE_LOGIN_LINK",
        "ADD_PAYMENT_METHOD_LINK",
        "REVIEW_LINK",
        "WORK_REQUEST_LINK",
    }
)
# Tags whose value is a web address: rendered as a link in the HTML part.
LINK_TAGS = frozenset(tag for tag in MERGE_TAGS if tag.endswith("_LINK"))
# Anything between double braces is meant as a tag; what is inside must be a known name.
TAG_PATTERN = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_LINE_BREAK = re.compile(r"[\r\n\u0085\u2028\u2029]")


def merge_tag_problem(text: str, allowed: frozenset[str] = INVITE_TAGS) -> str | None:
    """Why `text` cannot be used as a template (the first bad tag), or None if it can."""
    for match in TAG_PATTERN.finditer(text):
        name = match.group(1).strip()
        if name in allowed:
            continue
        if name in MERGE_TAGS:
            return f"The merge tag {{{{{name}}}}} cannot be used in this email."
        shown = match.group(0) if len(match.group(0)) <= 60 else match.group(0)[:57] + "..."
        known = ", ".join(f"{{{{{tag}}}}}" for tag in sorted(allowed))
        return f"Unknown merge tag {shown}. The tags you can use are: {known}."
    return None


def _tags_known(text: str) -> str:
    problem = merge_tag_problem(text)
    if problem:
        raise ValueError(problem)
    return text


def _one_line(text: str) -> str:
    # A line break in a subject would let the text add its own mail headers.
    if _LINE_BREAK.search(text):
        raise ValueError("The subject must be a single line.")
    return text


Subject = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    AfterValidator(_one_line),
    AfterValidator(_tags_known),
]
Message = Annotated[
    str, StringConstraints(min_length=1, max_length=5000), AfterValidator(_tags_known)
]


class InviteTemplate(DomainModel):
    """The subject and message of one invite email, with merge tags. The create-login
    button and the portal link are always added after the message."""

    subject: Subject
    message: Message


DEFAULT_INVITE_TEMPLATES: dict[str, dict[str, InviteTemplate]] = {
    "en": {
        "with_payment_method": InviteTemplate(
            subject="Your {{BUSINESS_NAME}} customer portal is ready",
            message=(
                "Hi {{CUSTOMER_NAME}},\n\n"
                "You can now see your service history, invoices and payments online, any "
                "time, in the {{BUSINESS_NAME}} customer portal. The payment method we have "
                "on file for you is already there.\n\n"
                "Create your login to get started."
            ),
        ),
        "without_payment_method": InviteTemplate(
            subject="Pay {{BUSINESS_NAME}} online and set up AutoPay",
            message=(
                "Hi {{CUSTOMER_NAME}},\n\n"
                "{{BUSINESS_NAME}} now has a customer portal where you can see your service "
                "history and invoices and pay online.\n\n"
                "Save a card or bank account and turn on AutoPay: your routine service "
                "invoices are then paid on time without you thinking about it, and you can "
                "turn it off whenever you like.\n\n"
                "Create your login to get started."
            ),
        ),
    },
    "es": {
        "with_payment_method": InviteTemplate(
            subject="Su portal de clientes de {{BUSINESS_NAME}} está listo",
            message=(
                "Hola, {{CUSTOMER_NAME}}:\n\n"
                "Ya puede ver su historial de servicio, sus facturas y sus pagos en línea, "
                "a cualquier hora, en el portal de clientes de {{BUSINESS_NAME}}. El método "
                "de pago que tenemos registrado ya está allí.\n\n"
                "Cree su acceso para empezar."
            ),
        ),
        "without_payment_method": InviteTemplate(
            subject="Pague a {{BUSINESS_NAME}} en línea y active el pago automático",
            message=(
                "Hola, {{CUSTOMER_NAME}}:\n\n"
                "{{BUSINESS_NAME}} tiene ahora un portal de clientes donde puede ver su "
                "historial de servicio y sus facturas, y pagar en línea.\n\n"
                "Guarde una tarjeta o una cuenta bancaria y active el pago automático: sus "
                "facturas de servicio habituales se pagan a tiempo sin que tenga que pensar "
                "en ello, y puede desactivarlo cuando quiera.\n\n"
                "Cree su acceso para empezar."
            ),
        ),
    },
}


class InviteTemplates(DomainModel):
    """The business's two invite emails and the language of their fixed parts (button,
    footer). A template left out gets the default text in that language."""

    language: Language = "en"
    with_payment_method: InviteTemplate = DEFAULT_INVITE_TEMPLATES["en"]["with_payment_method"]
    without_payment_method: InviteTemplate = DEFAULT_INVITE_TEMPLATES["en"][
        "without_payment_method"
    ]

    @model_validator(mode="before")
    @classmethod
    def _defaults_in_language(cls, data: Any) -> Any:
        # Anything but a known language's name (an object, a list: unhashable) is left to
        # the field's own validation, which answers 422.
        language = data.get("language") if isinstance(data, dict) else None
        if not isinstance(language, str) or language not in DEFAULT_INVITE_TEMPLATES:
            return data
        defaults = DEFAULT_INVITE_TEMPLATES[data["language"]]
        return {name: defaults[name] for name in defaults} | data

    def template(self, name: InviteTemplateName) -> InviteTemplate:
        """The template called `name`."""
        chosen: InviteTemplate = getattr(self, name)
        return chosen


def template_for(customer: Customer) -> InviteTemplateName:
    """Which invite a customer gets: the one pushing AutoPay unless a method is on file."""
    return "with_payment_method" if customer.has_payment_method else "without_payment_method"


# --- bulk invites --------------------------------------------------------------------------

MAX_INVITES = 5000


class InviteFilter(StrEnum):
    """Which customers to invite; the customer-list filters that can include someone
    without a login."""

    ALL = "all"
    WITH_PAYMENT_METHOD = "with_payment_method"
    WITHOUT_PAYMENT_METHOD = "without_payment_method"
    WITHOUT_PORTAL_ACCOUNT = "without_portal_account"
    SERVICE_TEXTS_ON = "service_texts_on"
    SERVICE_TEXTS_OFF = "service_texts_off"

    @property
    def customer_filter(self) -> CustomerFilter:
        return CustomerFilter(self.value)


class InviteRequest(DomainModel):
    """`{"customer_ids": [...]}` or `{"filter": ...}`: exactly one of the two."""

    customer_ids: Annotated[list[EntityId], Field(min_length=1, max_length=MAX_INVITES)] | None = (
        None
    )
    filter: InviteFilter | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> InviteRequest:
        if (self.customer_ids is None) == (self.filter is None):
            raise ValueError("Send either customer_ids or filter, not both and not neither.")
        return self


class SkipReason(StrEnum):
    """Why a customer was not invited."""

    UNKNOWN_CUSTOMER = "unknown_customer"
    NO_EMAIL = "no_email"
    ALREADY_ACTIVE = "already_active"
    PORTAL_DISABLED = "portal_disabled"
    EMAIL_IN_USE = "email_in_use"  # another customer with this email already has a login


class SkippedInvite(DomainModel):
    customer_id: str
    reason: SkipReason


class InviteOutcome(DomainModel):
    """Who will get an invite (queued) and who will not, with why."""

    sent: list[str] = Field(default_factory=list)
    skipped: list[SkippedInvite] = Field(default_factory=list)


class InvitePreviewRequest(DomainModel):
    """Send the business a preview of one of its invite templates."""

    to_email: Email
    template: InviteTemplateName


class EmailQueued(DomainModel):
    """An email was queued for the mailer; `email` says which one is expected to go out."""

    status: Literal["queued"] = "queued"
    email: Literal["invite", "invite_preview", "create_login", "reset_password"]


class NewStaffMember(DomainModel):
    name: ShortText
    email: Email


class PortalUser(DomainModel):
    """A customer as the business's portal-user list shows them."""

    customer_id: str
    name: str
    email: str | None
    portal_access: PortalAccess
    invited_at: datetime | None
    last_login_at: datetime | None
    has_payment_method: StrictBool
    autopay_enabled: StrictBool

    @classmethod
    def of(cls, customer: Customer) -> PortalUser:
        return cls(**{name: getattr(customer, name) for name in cls.model_fields})


class InviteFunnel(DomainModel):
    """How far the business's customers have come in the portal (DESIGN section 3). Each
    step counts the customers who reached it and every step before it, so each count is at
    most the one before it."""

    customers: int = Field(description="Every customer of the business.")
    invited: int = Field(
        description="Customers who were sent a create-login link: an invite from the business "
        "or their own signup. Those who created an account since are still counted."
    )
    account_created: int = Field(description="Invited customers who have a portal login.")
    payment_method_saved: int = Field(
        description="Customers with a login and at least one saved card or bank account."
    )
    autopay_on: int = Field(
        description="Customers with a login, a saved payment method and AutoPay on."
    )
