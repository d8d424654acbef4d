"""Short-lived signed access tokens (JWT, HS256 pinned), verified without a database call.

The signing keys live in Secrets Manager as `{"current": "<kid>", "<kid>": "<secret>", ...}`:
tokens name their key in the `kid` header, so a new key can become current while tokens signed
with the previous one stay valid until they expire (docs/operations.md, key rotation).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

import jwt

from portico.errors import UnauthorizedError
from portico.identity.principal import CustomerScope, Principal, Role

ALGORITHM = "HS256"
ISSUER = "portico"
AUDIENCE = "portico-api"
ACCESS_TOKEN_SECONDS = 15 * 60
_SESSION_ROLES = frozenset({Role.CUSTOMER, Role.STAFF})


class InvalidAccessToken(UnauthorizedError):
    code = "invalid_token"


class SigningKeys(Protocol):
    def current(self) -> tuple[str, bytes]:
        """The key id and secret new tokens are signed with."""
        ...

    def get(self, kid: str) -> bytes | None:
        """The secret for `kid`, or None for an unknown key id."""
        ...


class StaticSigningKeys:
    """Keys from a mapping `{"current": kid, kid: secret, ...}` (tests, the secret's value)."""

    def __init__(self, document: Mapping[str, str]) -> None:
        self._current = document["current"]
        self._keys = {kid: secret.encode() for kid, secret in document.items() if kid != "current"}
        if self._current not in self._keys:
            raise ValueError("the current signing key is missing")
        if any(len(secret) < 32 for secret in self._keys.values()):
            raise ValueError("signing keys must have at least 32 bytes")

    def current(self) -> tuple[str, bytes]:
        return self._current, self._keys[self._current]

    def get(self, kid: str) -> bytes | None:
        return self._keys.get(kid)


class SecretsManagerSigningKeys:
    """Keys read from Secrets Manager on first use and cached, so verifying a token costs
    no AWS call except once per `max_age` seconds per warm instance."""

    def __init__(self, secret_name: str, max_age: int = 600, client: Any = None) -> None:
        self._secret_name = secret_name
        self._max_age = max_age
        self._client = client
        self._keys: StaticSigningKeys | None = None
        self._loaded_at = 0.0

    def _load(self) -> StaticSigningKeys:
        if self._keys is None or time.monotonic() - self._loaded_at > self._max_age:
            if self._client is None:
                import boto3  # imported on first use: keeps botocore out of the import cost

                self._client = boto3.client("secretsmanager")
            value = self._client.get_secret_value(SecretId=self._secret_name)["SecretString"]
            self._keys = StaticSigningKeys(json.loads(value))
            self._loaded_at = time.monotonic()
        return self._keys

    def current(self) -> tuple[str, bytes]:
        return self._load().current()

    def get(self, kid: str) -> bytes | None:
        return self._load().get(kid)


def issue_access_token(
    keys: SigningKeys, principal: Principal, session_id: str, now: datetime
) -> str:
    """A signed access token for a customer or staff session."""
    kid, secret = keys.current()
    issued = int(now.timestamp())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": principal.subject,
        "bid": principal.business_id,
        "role": principal.role.value,
        "sid": session_id,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ACCESS_TOKEN_SECONDS,
    }
    if principal.customer_id:
        claims["cid"] = principal.customer_id
    if principal.scope:
        claims["tabs"] = sorted(principal.scope.tabs)
        claims["tz"] = principal.scope.timezone
        claims["cur"] = principal.scope.currency
    return jwt.encode(claims, secret, algorithm=ALGORITHM, headers={"kid": kid})


def verify_access_token(keys: SigningKeys, token: str, now: datetime) -> Principal:
    """The principal of a valid token; InvalidAccessToken for anything else.

    PyJWT checks the signature, the pinned algorithm, audience and issuer; the time claims
    are checked here against Portico's clock, which tests and the local runtime can move.
    """
    try:
        header = jwt.get_unverified_header(token)
        kid = header.get("kid")
        secret = keys.get(kid) if isinstance(kid, str) else None
        if secret is None or header.get("alg") != ALGORITHM:
            raise InvalidAccessToken("The session is not valid.")
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={
                "require": ["exp", "iat", "nbf", "sub", "bid", "role", "sid"],
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
            },
        )
    except jwt.PyJWTError as error:
        raise InvalidAccessToken("The session is not valid.") from error
    return _principal(claims, int(now.timestamp()))


def _principal(claims: dict[str, Any], now: int) -> Principal:
    times = [claims.get(name) for name in ("exp", "iat", "nbf")]
    if not all(isinstance(value, int) for value in times):
        raise InvalidAccessToken("The session is not valid.")
    exp, iat, nbf = times
    if now >= exp:  # type: ignore[operator]
        raise InvalidAccessToken("The session has expired; sign in again.", code="token_expired")
    if nbf > now or iat > now + 60:  # type: ignore[operator]
        raise InvalidAccessToken("The session is not valid yet.")
    role, subject, business = claims["role"], claims["sub"], claims["bid"]
    if role not in _SESSION_ROLES or not isinstance(subject, str) or not isinstance(business, str):
        raise InvalidAccessToken("The session is not valid.")
    customer_id = claims.get("cid")
    scope = None
    if role == Role.CUSTOMER:
        tabs, timezone, currency = claims.get("tabs"), claims.get("tz"), claims.get("cur")
        if (
            customer_id != subject
            or not isinstance(tabs, list)
            or not all(isinstance(tab, str) for tab in tabs)
            or not isinstance(timezone, str)
            or not isinstance(currency, str)
        ):
            raise InvalidAccessToken("The session is not valid.")
        scope = CustomerScope(tabs=frozenset(tabs), timezone=timezone, currency=currency)
    return Principal(
        role=Role(role), business_id=business, subject=subject, customer_id=customer_id, scope=scope
    )
