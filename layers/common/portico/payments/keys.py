"""Deterministic Stripe idempotency keys (DESIGN 4.3).

A key is derived from what the money movement *is* (business, operation, invoices, attempt),
never random: a retry after a timeout, a duplicate SQS delivery or a crashed worker sends the
same key, and Stripe answers with the first result instead of charging twice.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection

_OPERATION = re.compile(r"[a-z][a-z0-9_-]{0,39}")
PREFIX = "portico"
MAX_LENGTH = 255  # Stripe's limit on the Idempotency-Key header

Part = str | int | Collection[str]


def _canonical(part: Part) -> str | int | list[str]:
    if isinstance(part, bool):
        raise TypeError("booleans are ambiguous in an idempotency key; use a string")
    if isinstance(part, str | int):
        return part
    # A set of invoices is a set: the order the caller happened to list them in must not
    # make a different key (and so a second charge).
    return sorted(set(part))


def idempotency_key(business_id: str, operation: str, *parts: Part) -> str:
    """`portico-<operation>-<sha256>` over the business id, the operation and the parts.

    Collections (invoice ids) are sorted and de-duplicated; strings and ints are taken as is.
    The parts are JSON-encoded before hashing, so ("a", "bc") and ("ab", "c") differ.

    >>> idempotency_key("b1", "charge", {"inv2", "inv1"}, 1) == idempotency_key(
    ...     "b1", "charge", ["inv1", "inv2"], 1)
    True
    """
    if not business_id:
        raise ValueError("an idempotency key needs the business id")
    if not _OPERATION.fullmatch(operation):
        raise ValueError(f"operation must match {_OPERATION.pattern}: {operation!r}")
    material = json.dumps(
        [business_id, operation, *(_canonical(part) for part in parts)],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    key = f"{PREFIX}-{operation}-{hashlib.sha256(material.encode()).hexdigest()}"
    assert len(key) <= MAX_LENGTH  # at most 8 + 40 + 1 + 64 characters
    return key
