"""Customer and staff identity: sign-in by password or emailed link, sessions, throttling.

Enumeration safety: sign-in does the same DynamoDB requests and the same Argon2 work for
known and unknown emails; the link requests (signup, magic link, forgot password) only
queue a job, identical either way, and the mailer decides whether anything is sent.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from portico.bootstrap import Services
from portico.data.identity import LinkNotUsable
from portico.domain.accounts import LinkToken, NewSession, SessionTokens, StaffMember, StaffStatus
from portico.domain.autopay import ActivityEntry
from portico.domain.business import PortalSettings, portal_address
from portico.domain.customer import Customer, PortalAccess
from portico.domain.email_jobs import FreshLinkRequested, LoginLinkRequested, StaffInviteRequested
from portico.domain.events import DomainEvent, EventType
from portico.domain.overview import CustomerOverview
from portico.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ThrottledError,
    UnauthorizedError,
)
from portico.identity.principal import Principal, Role
from portico.identity.tokens import LinkPurpose, new_token, token_hash
from portico.services.portals import enabled_portal
from portico.services.scope import customer_scope

REFRESH_TOKEN_SECONDS = 30 * 24 * 3600
THROTTLE_WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 50
_LINK_PATHS = {
    LinkPurpose.CREATE_LOGIN: "create-login",
    LinkPurpose.MAGIC_LINK: "magic",
    LinkPurpose.RESET_PASSWORD: "reset",
}
_NOBODY = "~nobody"  # a customer id no CRM can use (ids are [A-Za-z0-9_-]): the timing twin


class InvalidCredentials(UnauthorizedError):
    code = "invalid_credentials"


class LinkExpired(UnauthorizedError):
    code = "link_expired"


# --- portals -------------------------------------------------------------------------------


# --- links ---------------------------------------------------------------------------------


def request_link(
    svc: Services, slug: str, purpose: LinkPurpose, email: str, language: str = "en"
) -> None:
    """Queue a signup, magic-link or reset email for whoever owns `email` at this portal.

    The same single SendMessage happens whether or not the email is known.
    """
    portal, _ = enabled_portal(svc, slug)
    if purpose is LinkPurpose.MAGIC_LINK:
        _require_method(portal, "magic_link")
    svc.email_jobs.enqueue(
        [
            LoginLinkRequested(
                business_id=portal.business_id,
                purpose=purpose.value,
                email=email,
                language=language,
            )
        ]
    )


def request_fresh_link(svc: Services, token: str) -> None:
    """An expired or spent link asks for a fresh one; the mailer decides (always 202)."""
    svc.email_jobs.enqueue([FreshLinkRequested(token_hash=token_hash(token))])


def issue_link(
    svc: Services, purpose: LinkPurpose, business_id: str, subject_id: str, email: str
) -> str:
    """Create a link for the subject, replacing any earlier one of the same purpose; returns
    the plain token (to put in the email; only its hash is stored)."""
    plain, digest = new_token()
    now = svc.clock.now()
    svc.identity.save_link(
        LinkToken(
            token_hash=digest,
            purpose=purpose,
            business_id=business_id,
            subject_id=subject_id,
            email=email,
            expires_at=now + timedelta(seconds=purpose.lifetime),
        ),
        now,
    )
    return plain


def link_url(svc: Services, slug: str, purpose: LinkPurpose, token: str) -> str:
    """Where a link in an email points: the portal's web page, which calls the API."""
    base = svc.settings.portal_base_url.rstrip("/")
    if purpose is LinkPurpose.STAFF_INVITE:
        return f"{base}/admin/accept?portal={slug}&token={token}"
    return f"{portal_address(base, slug)}/{_LINK_PATHS[purpose]}?token={token}"


def _usable_link(svc: Services, token: str, purposes: set[LinkPurpose]) -> LinkToken:
    link = svc.identity.link(token_hash(token)) if 20 <= len(token) <= 100 else None
    if link is None or link.purpose not in purposes or link.used_at is not None:
        raise LinkNotUsable("This link is not valid or has already been used.")
    if svc.clock.now() >= link.expires_at:
        raise LinkExpired("This link has expired; ask for a fresh one.")
    return link


def accept_link(svc: Services, token: str, password: str) -> SessionTokens:
    """Invite or signup link: set the password and sign in (customer or staff)."""
    # Argon2 (and its C binding) only on the paths that hash or check a password.
    from portico.identity.passwords import check_policy, hash_password

    link = _usable_link(svc, token, {LinkPurpose.CREATE_LOGIN, LinkPurpose.STAFF_INVITE})
    check_policy(password, context=(link.email, link.email.split("@")[0]))
    if link.purpose is LinkPurpose.CREATE_LOGIN:
        _one_login_per_email(svc, link)
    password_hash = hash_password(password)
    if link.purpose is LinkPurpose.STAFF_INVITE:
        session, refresh = _new_session(svc, Role.STAFF, link.business_id, link.subject_id)
        svc.identity.redeem_staff_invite(link, password_hash, session, svc.clock.now())
    else:
        now = svc.clock.now()
        session, refresh = _new_session(svc, Role.CUSTOMER, link.business_id, link.subject_id)
        activated = DomainEvent(
            type=EventType.PORTAL_USER_ACTIVATED,
            business_id=link.business_id,
            customer_id=link.subject_id,
            occurred_at=now,
            data={"email": link.email},
        )
        svc.identity.redeem_customer_link(
            link,
            session,
            now,
            password_hash,
            entry=login_entry("create_login", now),
            events=[activated],
        )
    return _tokens(svc, session, refresh)


def login_entry(method: str, at: datetime, client_ip: str | None = None) -> ActivityEntry:
    """The activity-log entry of a customer's sign-in: how (password, magic link, a new
    login, a password reset) and, when known, from where."""
    from portico.data.activity import new_entry_id

    details: dict[str, object] = {"method": method}
    if client_ip:
        details["client_ip"] = client_ip
    return ActivityEntry(
        entry_id=new_entry_id(), kind="login", at=at, source="customer", details=details
    )


def login_taken(svc: Services, business_id: str, email: str, customer_id: str) -> bool:
    """Whether another of the business's customers with this email has a login. The email
    is the username: two customers sharing one (a household with two properties) may not
    both have a login, or sign-in could not tell them apart (one Query)."""
    return any(
        other.customer_id != customer_id and other.portal_access is PortalAccess.ACTIVE
        for other in svc.identity.customers_by_email(business_id, email)
    )


def _one_login_per_email(svc: Services, link: LinkToken) -> None:
    if login_taken(svc, link.business_id, link.email, link.subject_id):
        raise ConflictError(
            "Another account at this business already signs in with this email.",
            code="email_in_use",
        )


def _require_method(portal: PortalSettings, method: str) -> None:
    if not getattr(portal.login_methods, method):
        raise ForbiddenError(
            "This business does not offer that way of signing in.", code="login_method_disabled"
        )


def reset_password(svc: Services, token: str, password: str) -> SessionTokens:
    """Reset link: replace the password and sign in."""
    from portico.identity.passwords import check_policy, hash_password

    link = _usable_link(svc, token, {LinkPurpose.RESET_PASSWORD})
    check_policy(password, context=(link.email, link.email.split("@")[0]))
    session, refresh = _new_session(svc, Role.CUSTOMER, link.business_id, link.subject_id)
    now = svc.clock.now()
    svc.identity.redeem_customer_link(
        link, session, now, hash_password(password), entry=login_entry("password_reset", now)
    )
    return _tokens(svc, session, refresh)


def magic_sign_in(svc: Services, token: str) -> SessionTokens:
    """Magic link: sign in without a password, if the business offers it."""
    link = _usable_link(svc, token, {LinkPurpose.MAGIC_LINK})
    # One read serves both the business's sign-in settings and the session's scope.
    overview = svc.customers.overview(link.business_id, link.subject_id)
    if overview is None or not overview.portal.enabled:
        raise NotFoundError("No portal at this address.", code="portal_not_found")
    _require_method(overview.portal, "magic_link")
    session, refresh = _new_session(svc, Role.CUSTOMER, link.business_id, link.subject_id)
    now = svc.clock.now()
    svc.identity.redeem_customer_link(link, session, now, entry=login_entry("magic_link", now))
    return _tokens(svc, session, refresh, overview)


# --- password sign-in ----------------------------------------------------------------------


def _throttle_keys(
    scope: str, business_id: str, email: str, client_ip: str, window: int
) -> list[tuple[str, str, int]]:
    account = hashlib.sha256(f"{business_id}:{email.lower()}".encode()).hexdigest()
    address = hashlib.sha256(client_ip.encode()).hexdigest()
    return [(f"{scope}-account", account, window), (f"{scope}-address", address, window)]


def _check_throttle(svc: Services, keys: list[tuple[str, str, int]], now: datetime) -> None:
    counts = svc.identity.failures(keys)
    account, address = (counts[key] for key in keys)
    if account >= MAX_FAILURES_PER_ACCOUNT or address >= MAX_FAILURES_PER_ADDRESS:
        window_end = keys[0][2] + THROTTLE_WINDOW_SECONDS
        raise ThrottledError(
            "Too many failed sign-ins. Wait a few minutes, or use a sign-in link.",
            retry_after=max(1, window_end - int(now.timestamp())),
        )


def _window_end(keys: list[tuple[str, str, int]]) -> datetime:
    return datetime.fromtimestamp(keys[0][2] + THROTTLE_WINDOW_SECONDS, UTC)


def _window(now: datetime) -> int:
    epoch = int(now.timestamp())
    return epoch - epoch % THROTTLE_WINDOW_SECONDS


def customer_for_sign_in(customers: list[Customer]) -> Customer | None:
    """Of the customers sharing an email, the one with a login (there is at most one)."""
    return next((c for c in customers if c.portal_access is PortalAccess.ACTIVE), None)


def sign_in(
    svc: Services, slug: str, email: str, password: str, client_ip: str
) -> tuple[SessionTokens, Customer]:
    """Password sign-in for a customer of the portal at `slug`."""
    from portico.identity.passwords import verify_password

    portal, _ = enabled_portal(svc, slug)
    _require_method(portal, "password")
    now = svc.clock.now()
    keys = _throttle_keys("login", portal.business_id, email, client_ip, _window(now))
    _check_throttle(svc, keys, now)
    customer = customer_for_sign_in(svc.identity.customers_by_email(portal.business_id, email))
    account = svc.identity.account(
        portal.business_id, customer.customer_id if customer else _NOBODY
    )
    stored = account.password_hash if account else None
    if not verify_password(stored, password) or customer is None:
        svc.identity.add_failure(
            keys, expires_at=_window_end(keys) + timedelta(seconds=THROTTLE_WINDOW_SECONDS)
        )
        raise InvalidCredentials("The email or password is not right.")
    session, refresh = _new_session(svc, Role.CUSTOMER, portal.business_id, customer.customer_id)
    svc.identity.start_session(session, now, login_entry("password", now, client_ip))
    return _tokens(svc, session, refresh), customer


def staff_sign_in(
    svc: Services, slug: str, email: str, password: str, client_ip: str
) -> tuple[SessionTokens, StaffMember]:
    """Password sign-in for a member of the business's staff (the portal may be off)."""
    from portico.identity.passwords import verify_password

    found = svc.portals.find_by_slug(slug)
    business_id = found[0].business_id if found else _NOBODY
    now = svc.clock.now()
    keys = _throttle_keys("staff", business_id, email, client_ip, _window(now))
    _check_throttle(svc, keys, now)
    credentials = svc.identity.staff_by_email(business_id, email)
    stored = credentials.password_hash if credentials else None
    if not verify_password(stored, password) or credentials is None:
        svc.identity.add_failure(
            keys, expires_at=_window_end(keys) + timedelta(seconds=THROTTLE_WINDOW_SECONDS)
        )
        raise InvalidCredentials("The email or password is not right.")
    member = credentials.member
    session, refresh = _new_session(svc, Role.STAFF, business_id, member.staff_id)
    svc.identity.start_session(session, now)
    return _tokens(svc, session, refresh), member


# --- sessions ------------------------------------------------------------------------------


def _new_session(
    svc: Services, role: Role, business_id: str, subject_id: str
) -> tuple[NewSession, str]:
    refresh, refresh_digest = new_token()
    now = svc.clock.now()
    session = NewSession(
        session_id=secrets.token_urlsafe(16),
        role=role,
        business_id=business_id,
        subject_id=subject_id,
        refresh_hash=refresh_digest,
        refresh_expires_at=now + timedelta(seconds=REFRESH_TOKEN_SECONDS),
        created_at=now,
    )
    return session, refresh


def _tokens(
    svc: Services, session: NewSession, refresh: str, overview: CustomerOverview | None = None
) -> SessionTokens:
    """The access token for a session; a customer's carries their scope, from `overview`
    when the caller has just read it, else read now."""
    # PyJWT (and the cryptography it loads) only on the paths that issue a session.
    from portico.identity.access_tokens import ACCESS_TOKEN_SECONDS, issue_access_token

    scope = None
    if session.role is Role.CUSTOMER:
        if overview is None:
            overview = svc.customers.overview(session.business_id, session.subject_id)
        if overview is None:
            raise UnauthorizedError("This account no longer exists.", code="session_ended")
        scope = customer_scope(overview)
    principal = Principal(
        role=session.role,
        business_id=session.business_id,
        subject=session.subject_id,
        customer_id=session.subject_id if session.role is Role.CUSTOMER else None,
        scope=scope,
    )
    access = issue_access_token(svc.signing_keys, principal, session.session_id, svc.clock.now())
    return SessionTokens(
        access_token=access,
        expires_in=ACCESS_TOKEN_SECONDS,
        refresh_token=refresh,
        role=session.role,
        business_id=session.business_id,
        subject_id=session.subject_id,
    )


def refresh_session(svc: Services, refresh_token: str) -> SessionTokens:
    """Trade a refresh token for a new access token and a new refresh token.

    A refresh token works once. Presenting a spent one means it was copied: the whole
    session is revoked, for the thief and the customer alike (they sign in again).
    """
    now = svc.clock.now()
    stored = svc.identity.refresh_token(token_hash(refresh_token)) if refresh_token else None
    if stored is None or now >= stored.expires_at:
        raise UnauthorizedError("This session has ended; sign in again.", code="session_ended")
    if stored.used_at is not None:
        svc.identity.revoke_session(
            stored.role, stored.business_id, stored.subject_id, stored.session_id, now
        )
        raise UnauthorizedError(
            "This session was used from somewhere else and has been ended; sign in again.",
            code="refresh_token_reused",
        )
    successor, successor_digest = new_token()
    expires = now + timedelta(seconds=REFRESH_TOKEN_SECONDS)
    svc.identity.rotate(stored, successor_digest, expires, now)
    session = NewSession(
        session_id=stored.session_id,
        role=stored.role,
        business_id=stored.business_id,
        subject_id=stored.subject_id,
        refresh_hash=successor_digest,
        refresh_expires_at=expires,
        created_at=now,
    )
    return _tokens(svc, session, successor)


def sign_out(svc: Services, refresh_token: str | None) -> None:
    """End the session the refresh token belongs to. Unknown tokens are ignored."""
    stored = svc.identity.refresh_token(token_hash(refresh_token)) if refresh_token else None
    if stored is not None:
        svc.identity.revoke_session(
            stored.role, stored.business_id, stored.subject_id, stored.session_id, svc.clock.now()
        )


# --- staff ---------------------------------------------------------------------------------


def invite_staff(svc: Services, business_id: str, name: str, email: str) -> StaffMember:
    """Add a staff member and email them a link to set their password."""
    member = StaffMember(
        staff_id="staff_" + secrets.token_hex(6),
        business_id=business_id,
        name=name,
        email=email,
        status=StaffStatus.INVITED,
        created_at=svc.clock.now(),
    )
    svc.identity.add_staff(member)
    svc.email_jobs.enqueue(
        [StaffInviteRequested(business_id=business_id, staff_id=member.staff_id)]
    )
    return member
