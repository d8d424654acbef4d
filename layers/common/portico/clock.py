"""The clock port: services ask it for the time, so tests and the local runtime can move it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that stands still until set; `None` means follow the system clock."""

    def __init__(self, fixed: datetime | None = None) -> None:
        self.fixed = fixed

    def set(self, when: datetime | None) -> None:
        if when is not None and when.tzinfo is None:
            raise ValueError("the clock needs a timezone-aware time")
        self.fixed = when

    def now(self) -> datetime:
        return self.fixed.astimezone(UTC) if self.fixed else datetime.now(UTC)


def business_date(timezone: str, instant: datetime) -> date:
    """The date `instant` falls on in the business's time zone (its "today", its ledger day)."""
    return instant.astimezone(ZoneInfo(timezone)).date()
