"""Admin API keys: random, shown once, stored as a SHA-256 hash, revocable."""

from __future__ import annotations

import hashlib
import secrets

from portico.bootstrap import Services
from portico.domain.business import ApiKey, IssuedApiKey
from portico.errors import ConflictError, NotFoundError

KEY_PREFIX = "ptk_"


def hash_key(api_key: str) -> str:
    # The key has 256 bits of entropy, so a fast hash is enough (no need for a slow KDF).
    return hashlib.sha256(api_key.encode()).hexdigest()


def new_key(business_id: str, label: str, svc: Services) -> tuple[ApiKey, str, str]:
    """A new key for `business_id`: (stored form, plain key, hash). Not yet saved."""
    plain = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        key_id="key_" + secrets.token_hex(8),
        business_id=business_id,
        label=label,
        hint=f"{KEY_PREFIX}...{plain[-4:]}",
        created_at=svc.clock.now(),
    )
    return key, plain, hash_key(plain)


def issue_key(svc: Services, business_id: str, label: str) -> IssuedApiKey:
    """Create and save a new admin API key; the plain key is returned this once only."""
    key, plain, digest = new_key(business_id, label, svc)
    svc.api_keys.add(key, digest)
    return IssuedApiKey(key=key, api_key=plain)


def authenticate(svc: Services, api_key: str) -> ApiKey | None:
    """The active key matching `api_key`, or None. One GetItem."""
    if not api_key.startswith(KEY_PREFIX) or len(api_key) > 100:
        return None
    key = svc.api_keys.find_by_hash(hash_key(api_key))
    if key is None or key.revoked_at is not None:
        return None
    return key


def list_keys(svc: Services, business_id: str) -> list[ApiKey]:
    return sorted(svc.api_keys.list(business_id), key=lambda key: key.created_at)


def revoke_key(svc: Services, business_id: str, key_id: str) -> ApiKey:
    """Revoke a key. The business's last active key cannot be revoked (it would lock it out)."""
    keys = svc.api_keys.list(business_id)
    target = next((key for key in keys if key.key_id == key_id), None)
    if target is None:
        raise NotFoundError("No such API key.")
    if target.revoked_at is not None:
        return target
    active = [key for key in keys if key.revoked_at is None]
    if len(active) == 1:
        raise ConflictError(
            "This is the business's last active API key; issue another first.",
            code="last_api_key",
        )
    revoked = svc.api_keys.revoke(business_id, key_id, svc.clock.now())
    if revoked is None:
        raise NotFoundError("No such API key.")
    return revoked
