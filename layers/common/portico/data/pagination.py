"""Opaque list cursors that cannot be turned to read another partition.

A cursor is DynamoDB's LastEvaluatedKey, encoded. On the way back in it is decoded and its
partition attributes must equal the ones of the query it continues; anything else is a
tampered cursor and answers 400.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from portico.errors import BadRequestError

_KEY_ATTRIBUTES = frozenset(
    {"PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK", "GSI3PK", "GSI3SK"}
)
_MAX_CURSOR = 2048


def encode_cursor(last_key: Mapping[str, Any] | None) -> str | None:
    if not last_key:
        return None
    raw = json.dumps({name: value["S"] for name, value in last_key.items()}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, *, partition: Mapping[str, str]) -> dict[str, Any] | None:
    """The ExclusiveStartKey for `cursor`, which must stay inside `partition`."""
    if cursor is None:
        return None
    invalid = BadRequestError("The cursor is not valid for this list.", code="invalid_cursor")
    if len(cursor) > _MAX_CURSOR:
        raise invalid
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise invalid from error
    if (
        not isinstance(decoded, dict)
        or not set(decoded) <= _KEY_ATTRIBUTES
        or not {"PK", "SK"} <= set(decoded)
        or not all(isinstance(value, str) for value in decoded.values())
        or any(decoded.get(name) != value for name, value in partition.items())
    ):
        raise invalid
    return {name: {"S": value} for name, value in decoded.items()}
