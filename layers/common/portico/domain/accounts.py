"""Accounts, links, sessions and staff, as the identity services see them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from portico.domain.common import DomainModel
from portico.identity.principal import Role
from portico.identity.tokens import LinkPurpose


class LinkToken(DomainModel):
    """A link sent by email (never the token itself: it is found by its hash)."""

    token_hash: str
    purpose: LinkPurpose
    business_id: str
    subject_id: str
    email: str
    expires_at: datetime
    used_at: datetime | None = None


class Account(DomainModel):
    business_id: str
    customer_id: str
    password_hash: str | None
    created_at: datetime


class StaffStatus(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"


class StaffMember(DomainModel):
    staff_id: str
    business_id: str
    name: str
    email: str
    status: StaffStatus
    created_at: datetime
    last_login_at: datetime | None = None


class StaffCredentials(DomainModel):
    member: StaffMember
    password_hash: str | None


class NewSession(DomainModel):
    """A session to start: its id, who it is for, and the hash of its first refresh token."""

    session_id: str
    role: Role
    business_id: str
    subject_id: str
    refresh_hash: str
    refresh_expires_at: datetime
    created_at: datetime


class RefreshToken(DomainModel):
    token_hash: str
    session_id: str
    role: Role
    business_id: str
    subject_id: str
    expires_at: datetime
    used_at: datetime | None = None


class SessionTokens(DomainModel):
    """What a successful sign-in or refresh hands back (the refresh token goes in a cookie)."""

    access_token: str
    expires_in: int
    refresh_token: str
    role: Role
    business_id: str
    subject_id: str
