"""The identity repository: customer accounts, staff, links, sessions, throttles.

Every change of account state is one transaction: the link is marked used (single use,
by condition), the profile's live link for that purpose must still be this one (a newer
link invalidates older ones), and the account and the new session are written with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist

from portico.data.activity import activity_item
from portico.data.convert import values_of
from portico.data.events import record_event
from portico.data.items import (
    AccountItem,
    CustomerItem,
    LinkTokenItem,
    RefreshTokenItem,
    SessionItem,
    StaffItem,
    ThrottleItem,
    customer_pk,
    staff_pk,
)
from portico.data.repositories import to_customer
from portico.data.table import PorticoItem
from portico.data.transactions import ConditionsFailed, Transaction
from portico.domain.accounts import (
    Account,
    LinkToken,
    NewSession,
    RefreshToken,
    StaffCredentials,
    StaffMember,
)
from portico.domain.autopay import ActivityEntry
from portico.domain.customer import Customer
from portico.domain.events import DomainEvent
from portico.errors import ConflictError, UnauthorizedError
from portico.identity.principal import Role
from portico.identity.tokens import LinkPurpose

_GRACE_SECONDS = 7 * 24 * 3600  # how long an expired link can still ask for a fresh one

_CUSTOMER_TOKEN_ATTRIBUTE = {
    LinkPurpose.CREATE_LOGIN: CustomerItem.create_login_token,
    LinkPurpose.MAGIC_LINK: CustomerItem.magic_link_token,
    LinkPurpose.RESET_PASSWORD: CustomerItem.reset_password_token,
}


class LinkNotUsable(UnauthorizedError):
    code = "invalid_link"


def subject_pk(role: Role, business_id: str, subject_id: str) -> str:
    return (
        customer_pk(business_id, subject_id)
        if role is Role.CUSTOMER
        else staff_pk(business_id, subject_id)
    )


def _ttl(when: datetime, extra: int = 0) -> datetime:
    return when + timedelta(seconds=extra)


class IdentityRepository:
    # --- lookups --------------------------------------------------------------------------

    def customers_by_email(self, business_id: str, email: str) -> list[Customer]:
        """The business's customers with this email (one Query on GSI2)."""
        pk, _ = CustomerItem.email_keys(business_id, email, "")
        return [
            to_customer(item)
            for item in PorticoItem.gsi2.query(pk)
            if isinstance(item, CustomerItem)
        ]

    def account(self, business_id: str, customer_id: str) -> Account | None:
        try:
            item = AccountItem.get(
                *AccountItem.keys(business_id, customer_id), consistent_read=True
            )
        except DoesNotExist:
            return None
        return Account(
            business_id=business_id,
            customer_id=customer_id,
            password_hash=item.password_hash,
            created_at=item.created_at,
        )

    def staff_by_email(self, business_id: str, email: str) -> StaffCredentials | None:
        pk, _ = StaffItem.email_keys(business_id, email, "")
        for item in PorticoItem.gsi2.query(pk, limit=1):
            if isinstance(item, StaffItem):
                return StaffCredentials(member=_staff(item), password_hash=item.password_hash)
        return None

    def staff(self, business_id: str, staff_id: str) -> StaffMember | None:
        try:
            return _staff(StaffItem.get(*StaffItem.keys(business_id, staff_id)))
        except DoesNotExist:
            return None

    def list_staff(self, business_id: str) -> list[StaffMember]:
        pk, _ = StaffItem.list_keys(business_id, "")
        return [_staff(item) for item in PorticoItem.gsi1.query(pk) if isinstance(item, StaffItem)]

    def add_staff(self, member: StaffMember) -> None:
        """Add a staff member; the email must be new among the business's staff."""
        if self.staff_by_email(member.business_id, member.email) is not None:
            raise ConflictError("Someone on the staff already has this email.", code="staff_exists")
        gsi1pk, gsi1sk = StaffItem.list_keys(member.business_id, member.staff_id)
        gsi2pk, gsi2sk = StaffItem.email_keys(member.business_id, member.email, member.staff_id)
        StaffItem(
            *StaffItem.keys(member.business_id, member.staff_id),
            gsi1pk=gsi1pk,
            gsi1sk=gsi1sk,
            gsi2pk=gsi2pk,
            gsi2sk=gsi2sk,
            name=member.name,
            email=member.email,
            status=member.status.value,
            created_at=member.created_at,
        ).save(condition=StaffItem.pk.does_not_exist())

    # --- links ----------------------------------------------------------------------------

    def save_link(self, link: LinkToken, now: datetime) -> None:
        """Store a new link and make it the subject's only live link for its purpose.

        A create-login link also marks the customer invited; it is refused (ConflictError)
        for a customer who has a login, and every link for one whose email changed.
        """
        item = LinkTokenItem(
            *LinkTokenItem.keys(link.token_hash),
            purpose=link.purpose.value,
            business_id=link.business_id,
            subject_id=link.subject_id,
            email=link.email,
            expires_at_time=link.expires_at,
            expires_at=_ttl(link.expires_at, _GRACE_SECONDS),
        )
        try:
            self._save_link(item, link, now)
        except ConditionsFailed as error:
            raise ConflictError(
                "This person already has a login, or their email changed.", code="link_refused"
            ) from error

    def _save_link(self, item: LinkTokenItem, link: LinkToken, now: datetime) -> None:
        with Transaction() as tx:
            tx.put("link", item)
            if link.purpose is LinkPurpose.STAFF_INVITE:
                tx.update(
                    "subject",
                    StaffItem(*StaffItem.keys(link.business_id, link.subject_id)),
                    actions=[StaffItem.staff_invite_token.set(link.token_hash)],
                    condition=StaffItem.pk.exists(),
                )
                return
            actions = [_CUSTOMER_TOKEN_ATTRIBUTE[link.purpose].set(link.token_hash)]
            condition = CustomerItem.pk.exists() & (CustomerItem.email == link.email)
            if link.purpose is LinkPurpose.CREATE_LOGIN:
                actions += [
                    CustomerItem.invited_at.set(now),
                    CustomerItem.portal_access.set("invited"),
                ]
                condition &= CustomerItem.portal_access != "active"
            tx.update(
                "subject",
                CustomerItem(*CustomerItem.keys(link.business_id, link.subject_id)),
                actions=actions,
                condition=condition,
            )

    def link(self, token_hash: str) -> LinkToken | None:
        try:
            item = LinkTokenItem.get(*LinkTokenItem.keys(token_hash), consistent_read=True)
        except DoesNotExist:
            return None
        return LinkToken(
            token_hash=token_hash,
            purpose=LinkPurpose(item.purpose),
            business_id=item.business_id,
            subject_id=item.subject_id,
            email=item.email,
            expires_at=item.expires_at_time,
            used_at=item.used_at,
        )

    def redeem_customer_link(
        self,
        link: LinkToken,
        session: NewSession,
        now: datetime,
        new_password_hash: str | None = None,
        entry: ActivityEntry | None = None,
        events: Sequence[DomainEvent] = (),
    ) -> None:
        """Use `link` once and start `session`, in one transaction, with the sign-in's
        activity `entry` and `events` (`portal_user.activated` for a new login).

        create-login: creates the account with the password, the customer becomes active;
        reset-password: replaces the password; magic-link: only signs in.
        """
        token_attribute = _CUSTOMER_TOKEN_ATTRIBUTE[link.purpose]
        profile = CustomerItem(*CustomerItem.keys(link.business_id, link.subject_id))
        profile_actions = [token_attribute.remove(), CustomerItem.last_login_at.set(now)]
        try:
            with Transaction() as tx:
                _use_link(tx, link, now)
                if link.purpose is LinkPurpose.CREATE_LOGIN:
                    profile_actions.append(CustomerItem.portal_access.set("active"))
                    tx.put(
                        "account",
                        AccountItem(
                            *AccountItem.keys(link.business_id, link.subject_id),
                            password_hash=new_password_hash,
                            created_at=now,
                            password_changed_at=now,
                        ),
                        condition=AccountItem.pk.does_not_exist(),
                    )
                elif link.purpose is LinkPurpose.RESET_PASSWORD and new_password_hash:
                    tx.update(
                        "account",
                        AccountItem(*AccountItem.keys(link.business_id, link.subject_id)),
                        actions=[
                            AccountItem.password_hash.set(new_password_hash),
                            AccountItem.password_changed_at.set(now),
                        ],
                        condition=AccountItem.pk.exists(),
                    )
                condition = (token_attribute == link.token_hash) & (
                    CustomerItem.email == link.email
                )
                if link.purpose is LinkPurpose.MAGIC_LINK:
                    # Signing in without a password needs a login to sign in to.
                    condition &= CustomerItem.portal_access == "active"
                tx.update("profile", profile, actions=profile_actions, condition=condition)
                _add_session(tx, session)
                if entry is not None:
                    tx.put("activity", activity_item(link.business_id, link.subject_id, entry))
                for event in events:
                    record_event(tx, event)
        except ConditionsFailed as error:
            raise LinkNotUsable("This link has already been used or replaced.") from error

    def redeem_staff_invite(
        self, link: LinkToken, password_hash: str, session: NewSession, now: datetime
    ) -> None:
        try:
            with Transaction() as tx:
                _use_link(tx, link, now)
                tx.update(
                    "profile",
                    StaffItem(*StaffItem.keys(link.business_id, link.subject_id)),
                    actions=[
                        StaffItem.staff_invite_token.remove(),
                        StaffItem.password_hash.set(password_hash),
                        StaffItem.status.set("active"),
                        StaffItem.last_login_at.set(now),
                    ],
                    condition=(StaffItem.staff_invite_token == link.token_hash)
                    & (StaffItem.email == link.email),
                )
                _add_session(tx, session)
        except ConditionsFailed as error:
            raise LinkNotUsable("This link has already been used or replaced.") from error

    # --- sessions -------------------------------------------------------------------------

    def start_session(
        self, session: NewSession, now: datetime, entry: ActivityEntry | None = None
    ) -> None:
        """A password sign-in: the session, its first refresh token, the last-login time and,
        for a customer, the activity `entry`."""
        with Transaction() as tx:
            _add_session(tx, session)
            if session.role is Role.CUSTOMER:
                tx.update(
                    "profile",
                    CustomerItem(*CustomerItem.keys(session.business_id, session.subject_id)),
                    actions=[CustomerItem.last_login_at.set(now)],
                )
                if entry is not None:
                    tx.put(
                        "activity", activity_item(session.business_id, session.subject_id, entry)
                    )
            else:
                tx.update(
                    "profile",
                    StaffItem(*StaffItem.keys(session.business_id, session.subject_id)),
                    actions=[StaffItem.last_login_at.set(now)],
                )

    def refresh_token(self, token_hash: str) -> RefreshToken | None:
        try:
            item = RefreshTokenItem.get(*RefreshTokenItem.keys(token_hash), consistent_read=True)
        except DoesNotExist:
            return None
        return RefreshToken(
            token_hash=token_hash,
            **values_of(item, ["session_id", "business_id", "subject_id", "used_at"]),
            role=Role(item.role),
            expires_at=item.expires_at_time,
        )

    def rotate(
        self, old: RefreshToken, new_hash: str, new_expires_at: datetime, now: datetime
    ) -> None:
        """Spend `old` and add its successor, if the session is still live (one transaction).

        A failed condition means the token was spent already or the session was revoked.
        """
        session_pk = subject_pk(old.role, old.business_id, old.subject_id)
        try:
            with Transaction() as tx:
                tx.update(
                    "token",
                    RefreshTokenItem(*RefreshTokenItem.keys(old.token_hash)),
                    actions=[RefreshTokenItem.used_at.set(now)],
                    condition=RefreshTokenItem.used_at.does_not_exist(),
                )
                tx.check(
                    "session",
                    SessionItem,
                    *SessionItem.keys(session_pk, old.session_id),
                    condition=SessionItem.revoked_at.does_not_exist(),
                )
                tx.put(
                    "new_token",
                    _refresh_item(
                        session_pk,
                        old.session_id,
                        old.role,
                        old.business_id,
                        old.subject_id,
                        new_hash,
                        new_expires_at,
                    ),
                )
        except ConditionsFailed as error:
            raise UnauthorizedError(
                "This session has ended; sign in again.", code="session_ended"
            ) from error

    def revoke_session(
        self, role: Role, business_id: str, subject_id: str, session_id: str, now: datetime
    ) -> None:
        """End a session: its refresh tokens stop working at once (access tokens expire)."""
        SessionItem(
            *SessionItem.keys(subject_pk(role, business_id, subject_id), session_id)
        ).update(actions=[SessionItem.revoked_at.set(now)])

    # --- throttling -----------------------------------------------------------------------

    def failures(self, keys: list[tuple[str, str, int]]) -> dict[tuple[str, str, int], int]:
        """Failed attempts counted in each (scope, key hash, window) (one BatchGetItem)."""
        found = {
            (item.pk, item.sk): int(item.failures)
            for item in ThrottleItem.batch_get([ThrottleItem.keys(*key) for key in keys])
        }
        return {key: found.get(ThrottleItem.keys(*key), 0) for key in keys}

    def add_failure(self, keys: list[tuple[str, str, int]], expires_at: datetime) -> None:
        """Count one more failure in each window (one transaction)."""
        with Transaction() as tx:
            for index, key in enumerate(keys):
                tx.update(
                    f"counter{index}",
                    ThrottleItem(*ThrottleItem.keys(*key)),
                    actions=[
                        ThrottleItem.failures.add(1),
                        ThrottleItem.entity.set(ThrottleItem),
                        ThrottleItem.expires_at.set(expires_at),
                    ],
                )


def _use_link(tx: Transaction, link: LinkToken, now: datetime) -> None:
    tx.update(
        "link",
        LinkTokenItem(*LinkTokenItem.keys(link.token_hash)),
        actions=[LinkTokenItem.used_at.set(now)],
        condition=LinkTokenItem.pk.exists() & LinkTokenItem.used_at.does_not_exist(),
    )


def _refresh_item(
    session_pk: str,
    session_id: str,
    role: Role,
    business_id: str,
    subject_id: str,
    token_hash: str,
    expires_at: datetime,
) -> RefreshTokenItem:
    return RefreshTokenItem(
        *RefreshTokenItem.keys(token_hash),
        session_pk=session_pk,
        session_id=session_id,
        role=role.value,
        business_id=business_id,
        subject_id=subject_id,
        expires_at_time=expires_at,
        expires_at=_ttl(expires_at),
    )


def _add_session(tx: Transaction, session: NewSession) -> None:
    pk = subject_pk(session.role, session.business_id, session.subject_id)
    tx.put(
        "session",
        SessionItem(
            *SessionItem.keys(pk, session.session_id),
            role=session.role.value,
            created_at=session.created_at,
            expires_at=_ttl(session.refresh_expires_at),
        ),
    )
    tx.put(
        "refresh",
        _refresh_item(
            pk,
            session.session_id,
            session.role,
            session.business_id,
            session.subject_id,
            session.refresh_hash,
            session.refresh_expires_at,
        ),
    )


def _staff(item: StaffItem) -> StaffMember:
    business_id, staff_id = item.pk.removeprefix("BIZ#").split("#STAFF#", 1)
    return StaffMember(
        staff_id=staff_id,
        business_id=business_id,
        **values_of(item, ["name", "email", "status", "created_at", "last_login_at"]),
    )
