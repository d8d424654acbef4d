"""Opaque list cursors that cannot be turned to read another partition.

A cursor is DynamoDB's LastEvaluatedKey, encoded. On the way back in it is decoded and its
partition attributes must equal the ones of the query it continues; anything else is a
tampered cursor and answers 400.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from portico.domain.common import DomainModel
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


@dataclass(frozen=True)
class Page[T: DomainModel]:
    items: list[T]
    next_cursor: str | None


def query_page[T: DomainModel](
    query: Callable[..., Any],
    partition: Mapping[str, str],
    item_cls: type,
    to_domain: Callable[[Any], T],
    limit: int,
    cursor: str | None,
    **conditions: Any,
) -> Page[T]:
    """One page of a Query (`Model.query` or an index's): one request of at most `limit`
    items, continuing from `cursor`, which must belong to `partition` (the query's own
    partition key attribute and value), so no cursor can read another partition."""
    results = query(
        limit=limit,
        page_size=limit,
        last_evaluated_key=decode_cursor(cursor, partition=partition),
        **conditions,
    )
    items = [to_domain(item) for item in results if isinstance(item, item_cls)]
    return Page(items=items, next_cursor=encode_cursor(results.last_evaluated_key))
