"""DynamoDB's atomicity for tests that call moto from several threads.

DynamoDB applies each request (a TransactWriteItems included) atomically. In-process moto does
not lock: two threads' transactions can both pass their conditions before either writes.
Serialising moto's DynamoDB requests gives the threads DynamoDB's guarantee, no more, so a
concurrency test checks Portico's conditions rather than moto's races.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.dynamodb.responses import DynamoHandler

_LOCK = threading.RLock()


@contextmanager
def atomic_dynamodb() -> Iterator[None]:
    """While inside, each DynamoDB request to moto runs alone."""
    original = DynamoHandler.call_action

    def one_at_a_time(self: DynamoHandler) -> Any:
        with _LOCK:
            return original(self)

    DynamoHandler.call_action = one_at_a_time  # type: ignore[method-assign]
    try:
        yield
    finally:
        DynamoHandler.call_action = original  # type: ignore[method-assign]
