"""One-time tokens for links in emails, and refresh tokens: 256 random bits, stored only as
a SHA-256 hash (the token's entropy makes a slow hash pointless)."""

from __future__ import annotations

import hashlib
import secrets
from enum import StrEnum


class LinkPurpose(StrEnum):
    """What a link in an email lets its holder do, with its lifetime in seconds."""

    CREATE_LOGIN = "create_login"  # invite and self-signup
    MAGIC_LINK = "magic_link"
    RESET_PASSWORD = "reset_password"
    STAFF_INVITE = "staff_invite"

    @property
    def lifetime(self) -> int:
        return _LIFETIMES[self]


_LIFETIMES = {
    LinkPurpose.CREATE_LOGIN: 7 * 24 * 3600,
    LinkPurpose.MAGIC_LINK: 15 * 60,
    LinkPurpose.RESET_PASSWORD: 60 * 60,
    LinkPurpose.STAFF_INVITE: 7 * 24 * 3600,
}


def new_token() -> tuple[str, str]:
    """A fresh token and its hash: (plain, hash). Only the hash is ever stored."""
    plain = secrets.token_urlsafe(32)
    return plain, token_hash(plain)


def token_hash(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()
