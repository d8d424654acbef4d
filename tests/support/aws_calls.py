"""Counting AWS calls through botocore's event system, for "one Query per page view" tests.

The handler is added to botocore's built-in handlers, so every client created afterwards
(boto3's and PynamoDB's own sessions alike) reports each API call before it is sent.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore import handlers

_active: list[AwsCallCounter] = []
_lock = threading.Lock()
_standing_in = threading.local()


def _count(name: str) -> None:
    with _lock:
        for counter in _active:
            counter.calls[name] += 1


def _on_call(model: Any = None, **_: Any) -> None:
    if model is None or getattr(_standing_in, "active", False):
        return
    _count(f"{model.service_model.service_name}:{model.name}")


@contextmanager
def counted_as(name: str) -> Iterator[None]:
    """Count the calls made inside the block as the one call `name` they stand in for (the
    dynalite replay of a transaction: tests/support/dynalite_replay.py)."""
    _count(name)
    _standing_in.active = True
    try:
        yield
    finally:
        _standing_in.active = False


def install_counter() -> None:
    """Register the counting handler for all future botocore sessions (once)."""
    entry = ("before-call.*.*", _on_call)
    if entry not in handlers.BUILTIN_HANDLERS:
        handlers.BUILTIN_HANDLERS.append(entry)


class AwsCallCounter:
    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    @contextmanager
    def counting(self) -> Iterator[AwsCallCounter]:
        self.calls.clear()
        with _lock:
            _active.append(self)
        try:
            yield self
        finally:
            with _lock:
                _active.remove(self)

    @property
    def total(self) -> int:
        return sum(self.calls.values())
