"""Invitations from the business: bulk invites, resends, business-sent password resets,
invite previews, the portal-user list and staff.

These functions decide who is eligible and queue one email job each; the mailer issues the
links and sends. So a bulk invite of 5,000 customers is a few dozen reads and 500
SendMessageBatch calls, well inside the API's 30 seconds, and a slow or throttled SES
never holds up the admin pages.
"""

from __future__ import annotations

from portico.bootstrap import Services
from portico.data.pagination import Page
from portico.domain.accounts import StaffMember
from portico.domain.business import PortalSettings
from portico.domain.customer import Customer, CustomerFilter, PortalAccess
from portico.domain.email_jobs import (
    InvitePreviewRequested,
    InviteRequested,
    PasswordResetRequested,
)
from portico.domain.invitations import (
    MAX_INVITES,
    EmailQueued,
    InviteFunnel,
    InviteOutcome,
    InvitePreviewRequest,
    InviteRequest,
    NewStaffMember,
    PortalUser,
    SkippedInvite,
    SkipReason,
)
from portico.errors import ConflictError, ValidationFailedError
from portico.services import accounts
from portico.services.portals import get_portal
from portico.services.records import get_customer

# Up to this many distinct emails, "does someone else with this email have a login?" is one
# GSI2 query per email; beyond it, one pass over the business's customers with a login.
_EMAIL_QUERIES = 20
_PAGE = 500  # customers read per Query when listing by filter


class InviteRefused(ConflictError):
    """This customer cannot be invited (or sent a reset) now; `code` is the reason."""


_REFUSALS = {
    SkipReason.PORTAL_DISABLED: "The portal is off: turn it on before inviting customers.",
    SkipReason.NO_EMAIL: "This customer has no email address, so no portal account.",
    SkipReason.ALREADY_ACTIVE: "This customer already has a portal login.",
    SkipReason.EMAIL_IN_USE: "Another customer with this email already has a portal login.",
}


def _refused(reason: SkipReason) -> InviteRefused:
    return InviteRefused(_REFUSALS[reason], code=reason.value)


# --- bulk invites --------------------------------------------------------------------------


def invite_customers(svc: Services, business_id: str, request: InviteRequest) -> InviteOutcome:
    """Queue an invite for each eligible customer, chosen by id or by filter; say why each
    other one is skipped. Ids of another business's customers are unknown here."""
    portal = get_portal(svc, business_id)
    if request.customer_ids is not None:
        ids = list(dict.fromkeys(request.customer_ids))
        if not portal.enabled:
            return _all_skipped(ids, SkipReason.PORTAL_DISABLED)
        found = svc.customers.get_many(business_id, ids)
        candidates: list[Customer | str] = [
            found.get(customer_id, customer_id) for customer_id in ids
        ]
    else:
        assert request.filter is not None  # the request model requires one of the two
        matched = _all_pages(svc, business_id, request.filter.customer_filter, MAX_INVITES)
        if not portal.enabled:
            return _all_skipped([c.customer_id for c in matched], SkipReason.PORTAL_DISABLED)
        candidates = list(matched)
    outcome = _eligibility(svc, business_id, candidates)
    svc.email_jobs.enqueue(
        [InviteRequested(business_id=business_id, customer_id=c) for c in outcome.sent]
    )
    return outcome


def _all_skipped(customer_ids: list[str], reason: SkipReason) -> InviteOutcome:
    return InviteOutcome(
        skipped=[SkippedInvite(customer_id=c, reason=reason) for c in customer_ids]
    )


def _all_pages(
    svc: Services, business_id: str, which: CustomerFilter, at_most: int | None = None
) -> list[Customer]:
    """Every customer the filter matches (paginated Query); more than `at_most` is refused."""
    found: list[Customer] = []
    cursor: str | None = None
    while True:
        page = svc.customers.list(business_id, which, _PAGE, cursor)
        found += page.items
        if at_most is not None and len(found) > at_most:
            raise ValidationFailedError(
                f"This filter matches more than {at_most:,} customers. Invite them by "
                f"customer_ids, up to {at_most:,} at a time, or use without_portal_account.",
                code="too_many_customers",
            )
        cursor = page.next_cursor
        if cursor is None:
            return found


def _eligibility(
    svc: Services, business_id: str, candidates: list[Customer | str]
) -> InviteOutcome:
    """Who among the candidates can be invited. A plain id is an unknown customer."""
    outcome = InviteOutcome()
    known = [c for c in candidates if isinstance(c, Customer)]
    emails = {
        c.email.lower() for c in known if c.email and c.portal_access is not PortalAccess.ACTIVE
    }
    taken = _emails_with_login(svc, business_id, emails)
    for candidate in candidates:
        if isinstance(candidate, str):
            outcome.skipped.append(
                SkippedInvite(customer_id=candidate, reason=SkipReason.UNKNOWN_CUSTOMER)
            )
            continue
        reason = _skip_reason(candidate, taken)
        if reason is None:
            outcome.sent.append(candidate.customer_id)
        else:
            outcome.skipped.append(SkippedInvite(customer_id=candidate.customer_id, reason=reason))
    return outcome


def _skip_reason(customer: Customer, emails_with_login: set[str]) -> SkipReason | None:
    if not customer.email:
        return SkipReason.NO_EMAIL
    if customer.portal_access is PortalAccess.ACTIVE:
        return SkipReason.ALREADY_ACTIVE
    if customer.email.lower() in emails_with_login:
        return SkipReason.EMAIL_IN_USE
    return None


def _emails_with_login(svc: Services, business_id: str, emails: set[str]) -> set[str]:
    """Which of these emails (lower case) already belong to a customer with a login."""
    if not emails:
        return set()
    if len(emails) <= _EMAIL_QUERIES:
        return {
            email
            for email in emails
            if accounts.customer_for_sign_in(svc.identity.customers_by_email(business_id, email))
        }
    with_login = _all_pages(svc, business_id, CustomerFilter.WITH_PORTAL_ACCOUNT)
    return {c.email.lower() for c in with_login if c.email} & emails


# --- one customer --------------------------------------------------------------------------


def resend_invite(svc: Services, business_id: str, customer_id: str) -> EmailQueued:
    """Queue a fresh invite for one customer (the old link stops working when it is sent).

    Refused (InviteRefused, with the reason as code) when the portal is off, the customer has
    no email or a login, or another customer with the email has one."""
    customer = get_customer(svc, business_id, customer_id)
    reason = _refusal(svc, get_portal(svc, business_id), customer)
    if reason is not None:
        raise _refused(reason)
    svc.email_jobs.enqueue([InviteRequested(business_id=business_id, customer_id=customer_id)])
    return EmailQueued(email="invite")


def send_password_reset(svc: Services, business_id: str, customer_id: str) -> EmailQueued:
    """Queue a password-reset email for a customer with a login. A customer without one has
    no password to reset: they get the create-login email instead, and `email` says so."""
    customer = get_customer(svc, business_id, customer_id)
    portal = get_portal(svc, business_id)
    active = customer.portal_access is PortalAccess.ACTIVE
    reason = _refusal(svc, portal, customer, allow_active=True)
    if reason is not None:
        raise _refused(reason)
    svc.email_jobs.enqueue(
        [PasswordResetRequested(business_id=business_id, customer_id=customer_id)]
    )
    return EmailQueued(email="reset_password" if active else "create_login")


def _refusal(
    svc: Services, portal: PortalSettings, customer: Customer, *, allow_active: bool = False
) -> SkipReason | None:
    if not portal.enabled:
        return SkipReason.PORTAL_DISABLED
    if allow_active and customer.email and customer.portal_access is PortalAccess.ACTIVE:
        return None
    emails = {customer.email.lower()} if customer.email else set()
    return _skip_reason(customer, _emails_with_login(svc, portal.business_id, emails))


def preview_invite(svc: Services, business_id: str, request: InvitePreviewRequest) -> EmailQueued:
    """Queue a preview of an invite template to `to_email`: a sample customer, and links
    that open the portal's login page, never anyone's account."""
    get_portal(svc, business_id)
    svc.email_jobs.enqueue(
        [
            InvitePreviewRequested(
                business_id=business_id, to_email=request.to_email, template=request.template
            )
        ]
    )
    return EmailQueued(email="invite_preview")


# --- lists ---------------------------------------------------------------------------------


def list_portal_users(
    svc: Services, business_id: str, which: CustomerFilter, limit: int, cursor: str | None
) -> Page[PortalUser]:
    """The business's customers with their portal account state, one page at a time."""
    page = svc.customers.list(business_id, which, limit, cursor)
    return Page(items=[PortalUser.of(c) for c in page.items], next_cursor=page.next_cursor)


def invite_funnel(svc: Services, business_id: str) -> InviteFunnel:
    """How many customers were invited, created a login, saved a payment method and turned
    AutoPay on, each step a subset of the one before it."""
    return svc.customers.funnel(business_id)


# --- staff ---------------------------------------------------------------------------------


def add_staff(svc: Services, business_id: str, new: NewStaffMember) -> StaffMember:
    """Add a member of staff and queue their invite (409 if the email is on the staff)."""
    return accounts.invite_staff(svc, business_id, new.name, new.email)


def list_staff(svc: Services, business_id: str) -> list[StaffMember]:
    """The business's staff, invited and active."""
    return svc.identity.list_staff(business_id)
