"""Passwords: Argon2id hashing (OWASP parameters) and the policy of NIST SP 800-63B.

At least 8 characters (15 suggested), up to 64 or more, not a common password, no
composition rules.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from portico.errors import ValidationFailedError

MIN_LENGTH = 8
SUGGESTED_LENGTH = 15
MAX_LENGTH = 128  # at least 64 must be allowed; far longer only costs hashing time

# OWASP's minimum for Argon2id: m = 19 MiB, t = 2, p = 1.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn's list of the 30,000 most common passwords, loaded only when a password is set.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_policy(password: str, *, context: tuple[str, ...] = ()) -> None:
    """Refuse a password that is too short, too long, common, or the user's own email/name."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailedError(
            f"Use at least {MIN_LENGTH} characters ({SUGGESTED_LENGTH} or more is better).",
            code="password_too_short",
        )
    if len(password) > MAX_LENGTH:
        raise ValidationFailedError(
            f"Use at most {MAX_LENGTH} characters.", code="password_too_long"
        )
    lowered = password.lower()
    if lowered in _common_passwords() or any(lowered == item.lower() for item in context if item):
        raise ValidationFailedError(
            "That password is too common or too easy to guess; choose another.",
            code="password_too_common",
        )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    return _hasher.hash("portico-timing-equaliser")


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether `password` matches. With no stored hash it still spends the same time, so
    an unknown account cannot be told apart by how long the answer takes."""
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
