"""AutoPay's Stripe rate limiter on a virtual clock (DESIGN 4.4; section 5: at 300 ms per Stripe
call and a limit of 20 calls a second, >= 90% of the limit used and never above it).

A discrete-event simulation of `portico.payments.rate_limit.RateLimiter` itself, with its
`InMemoryWindowCounter`: K workers, each looping `acquire()` and then one Stripe call that takes
a fixed time, for a number of virtual seconds. Each worker is a thread, but only one runs at a
time: the clock's `sleep` hands over to whichever worker is due next (the earliest wake-up;
ties in the order they fell asleep), so virtual time moves from event to event and a minute
of it takes milliseconds. No moto and no network: this module imports neither.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from dataclasses import dataclass

from portico.payments.rate_limit import InMemoryWindowCounter, RateLimiter

LIMIT = 20  # calls a second (Settings.autopay_stripe_rate's default)
CALL_MS = 300.0
WORKERS = 10  # the charge worker's MaximumConcurrency in template.yaml
SECONDS = 60
USED_TARGET = 0.90
SWEEP = (1, 2, 4, 5, 6, 8, 10, 20)


class _Finished(Exception):
    """Raised in a worker when virtual time has run out."""


class VirtualClock:
    """Virtual time shared by the workers of one simulation; `time` and `sleep` are what
    `RateLimiter` takes instead of `time.time` and `time.sleep`."""

    def __init__(self, until: float) -> None:
        self.now = 0.0
        self._until = until
        self._lock = threading.Lock()
        self._due: list[tuple[float, int, threading.Event]] = []
        self._order = itertools.count()
        self._finished = False
        self.done = threading.Event()

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        """Wait `seconds` of virtual time: hand over to the next worker due, and go on when
        this one is due again (or raise `_Finished` when time is up)."""
        wake = self.enter(self.now + max(seconds, 0.0))
        self.hand_over()
        wake.wait()
        if self._finished:
            raise _Finished

    def enter(self, at: float) -> threading.Event:
        """A worker due at `at`: the event that lets it run."""
        wake = threading.Event()
        with self._lock:
            heapq.heappush(self._due, (at, next(self._order), wake))
        return wake

    def hand_over(self) -> None:
        """Move time to the earliest wake-up and let that worker run; at the end, release
        every worker to finish."""
        with self._lock:
            at, _, wake = heapq.heappop(self._due)
            if at < self._until:
                self.now = at
                wake.set()
                return
            self._finished = True
            for _, _, other in self._due:
                other.set()
            self._due.clear()
        wake.set()
        self.done.set()


class _CountingWindow(InMemoryWindowCounter):
    """The limiter's own in-memory counter, also counting the attempts it refused."""

    def __init__(self) -> None:
        super().__init__()
        self.refused = 0

    def take(self, second: int, limit: int) -> bool:
        taken = super().take(second, limit)
        if not taken:
            self.refused += 1
        return taken


@dataclass(frozen=True)
class RateResult:
    """What `simulate` saw: the calls started in each whole virtual second."""

    limit: int
    workers: int
    call_ms: float
    seconds: int
    per_second: list[int]
    busiest_window: int  # the most calls started within any 1 s, wherever it starts
    refused: int  # acquire() attempts the counter turned away

    @property
    def mean(self) -> float:
        return sum(self.per_second) / len(self.per_second)

    @property
    def used(self) -> float:
        """The share of the limit used, on average over the whole seconds."""
        return self.mean / self.limit

    @property
    def above_limit(self) -> int:
        """Seconds (the limiter's clock seconds) with more calls than the limit."""
        return sum(1 for calls in self.per_second if calls > self.limit)

    @property
    def passed(self) -> bool:
        return self.used >= USED_TARGET and self.above_limit == 0


def simulate(
    workers: int = WORKERS,
    limit: int = LIMIT,
    call_ms: float = CALL_MS,
    seconds: int = SECONDS,
) -> RateResult:
    """`workers` workers, each looping acquire() then a call of `call_ms`, for `seconds` of
    virtual time from 0."""
    clock = VirtualClock(until=float(seconds))
    counter = _CountingWindow()
    limiter = RateLimiter(limit, counter, clock=clock.time, sleep=clock.sleep)
    started: list[float] = []

    def work(start: threading.Event) -> None:
        start.wait()
        try:
            while True:
                limiter.acquire()
                started.append(clock.now)  # the call reaches Stripe now
                clock.sleep(call_ms / 1000)
        except _Finished:
            return

    starts = [clock.enter(0.0) for _ in range(workers)]
    threads = [
        threading.Thread(target=work, args=(start,), name=f"sim-worker-{n}", daemon=True)
        for n, start in enumerate(starts)
    ]
    for thread in threads:
        thread.start()
    clock.hand_over()
    clock.done.wait()
    for thread in threads:
        thread.join()
    per_second = [0] * seconds
    for at in started:
        per_second[int(at)] += 1
    return RateResult(
        limit=limit,
        workers=workers,
        call_ms=call_ms,
        seconds=seconds,
        per_second=per_second,
        busiest_window=_busiest_window(sorted(round(at * 1_000_000) for at in started)),
        refused=counter.refused,
    )


def _busiest_window(times_us: list[int]) -> int:
    """The most calls started within any half-open second [t, t + 1 s), from their start
    times in whole microseconds (in floats, 1.3 - 1.0 < 0.3)."""
    most, first = 0, 0
    for last, at in enumerate(times_us):
        while times_us[first] <= at - 1_000_000:
            first += 1
        most = max(most, last - first + 1)
    return most
