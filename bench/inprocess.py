"""AWS calls per request and in-process latency, through the same gateway the tests use.

Calls are split between the authorizer and the route's function by wrapping each handler
module's `lambda_handler` for the counting pass only; the gateway looks the handler up on
every request, so it calls the wrapper without knowing. Latency is measured afterwards with
the wrappers removed, and the time spent inside moto is measured beside it: moto is not
free (it copies the whole table on every TransactWriteItems and scans it for every index
query), and a reader needs to tell its cost from Portico's.
"""

from __future__ import annotations

import gc
import importlib
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from moto.core.botocore_stubber import BotocoreStubber

from bench.samples import Maker, Sample, maker_for, next_n
from bench.world import World
from portico_local.gateway import Gateway, LambdaContext, authorizer_event, build_event
from portico_local.template import Route
from tests.support.aws_calls import AwsCallCounter

READ_METHODS = frozenset({"GET", "HEAD"})
WRITE_CALLS = frozenset(
    {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}
)
READ_P99_MS = 30.0
WRITE_P99_MS = 60.0
AUTHORIZER_P99_MS = 2.0
MIN_SAMPLES = 20


@dataclass(frozen=True)
class Budget:
    """How many requests to time per route, and the most seconds to spend on one route."""

    reads: int = 200
    writes: int = 100
    route_seconds: float = 3.0


@dataclass
class Timings:
    """Wall time per request, and the part of it spent inside moto."""

    total_ms: list[float] = field(default_factory=list)
    moto_ms: list[float] = field(default_factory=list)

    @property
    def portico_ms(self) -> list[float]:
        return [total - moto for total, moto in zip(self.total_ms, self.moto_ms, strict=True)]


@dataclass
class RouteResult:
    """What one route cost: its AWS calls on one request, and its latency over many."""

    route: Route
    sample: Sample | None
    status: int | None = None
    authorizer_calls: Counter[str] = field(default_factory=Counter)
    handler_calls: Counter[str] = field(default_factory=Counter)
    timings: Timings = field(default_factory=Timings)
    capped: bool = False

    @property
    def read(self) -> bool:
        return self.route.method in READ_METHODS

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def writes(self) -> int:
        return sum(
            n for name, n in self.handler_calls.items() if name.split(":")[-1] in WRITE_CALLS
        )

    @property
    def calls_passed(self) -> bool:
        """DESIGN 5: one read per page view; one write per state change."""
        if not self.ok:
            return False
        if self.read:
            return sum(self.handler_calls.values()) == 1
        return self.writes <= 1

    @property
    def limit_ms(self) -> float:
        return READ_P99_MS if self.read else WRITE_P99_MS


@dataclass
class AuthorizerResult:
    label: str
    calls: Counter[str]
    timings: Timings


def percentile(values: list[float], pct: float) -> float:
    """The `pct` percentile, interpolated between the nearest samples."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


class MotoClock:
    """Accumulates the time moto spends answering requests (its botocore `before-send` hook)."""

    def __init__(self) -> None:
        self.spent_ns = 0

    @contextmanager
    def installed(self) -> Iterator[MotoClock]:
        original = BotocoreStubber.process_request

        def timed(stubber: BotocoreStubber, request: Any) -> Any:
            started = time.perf_counter_ns()
            try:
                return original(stubber, request)
            finally:
                self.spent_ns += time.perf_counter_ns() - started

        setattr(BotocoreStubber, "process_request", timed)  # noqa: B010 - patched, then restored
        try:
            yield self
        finally:
            setattr(BotocoreStubber, "process_request", original)  # noqa: B010

    def time(self, action: Any, into: Timings) -> None:
        """Run `action()` and record its wall time and moto's share of it."""
        moto_before = self.spent_ns
        started = time.perf_counter_ns()
        action()
        into.total_ms.append((time.perf_counter_ns() - started) / 1e6)
        into.moto_ms.append((self.spent_ns - moto_before) / 1e6)


@contextmanager
def _counted(dotted: str, counter: AwsCallCounter) -> Iterator[None]:
    module_name, _, attribute = dotted.rpartition(".")
    module = importlib.import_module(module_name)
    original = getattr(module, attribute)

    def counted(event: dict[str, Any], context: Any) -> Any:
        with counter.counting():
            return original(event, context)

    setattr(module, attribute, counted)
    try:
        yield
    finally:
        setattr(module, attribute, original)


def _request(gateway: Gateway, route: Route, sample: Sample) -> int:
    result = gateway.request(route.method, sample.path, body=sample.body, headers=sample.headers())
    return result.status


def count_calls(gateway: Gateway, results: list[RouteResult]) -> None:
    """Call every route once and record the AWS calls of its authorizer and its function."""
    authorizer, handler = AwsCallCounter(), AwsCallCounter()
    with ExitStack() as stack:
        stack.enter_context(_counted(gateway.authorizer, authorizer))
        for dotted in sorted({result.route.handler for result in results}):
            stack.enter_context(_counted(dotted, handler))
        for result in results:
            if result.sample is None:
                continue
            # A public route never reaches the authorizer: clear both, not just the one used.
            authorizer.calls.clear()
            handler.calls.clear()
            result.status = _request(gateway, result.route, result.sample)
            result.authorizer_calls = Counter(authorizer.calls)
            result.handler_calls = Counter(handler.calls)


def measure_latency(
    gateway: Gateway,
    world: World,
    result: RouteResult,
    maker: Maker,
    budget: Budget,
    moto: MotoClock,
) -> None:
    """Time up to `budget.iterations(read)` requests; each is built (and any setup done) off
    the clock. A slow route stops at the time cap, after at least `MIN_SAMPLES`."""
    gc.collect()
    iterations = budget.reads if result.read else budget.writes
    deadline = time.monotonic() + budget.route_seconds
    for done in range(iterations):
        if done >= MIN_SAMPLES and time.monotonic() > deadline:
            result.capped = True
            break
        sample = maker(world, next_n())
        moto.time(lambda s=sample: _request(gateway, result.route, s), result.timings)


def measure_authorizer(
    gateway: Gateway, world: World, iterations: int, moto: MotoClock
) -> list[AuthorizerResult]:
    """The authorizer alone, as API Gateway calls it, on an API key and on no credentials."""
    module_name, _, attribute = gateway.authorizer.rpartition(".")
    handler = getattr(importlib.import_module(module_name), attribute)
    route = next(route for route in gateway.routes if route.authorized)
    found: list[AuthorizerResult] = []
    for label, key in (("authorizer, API key", world.api_key), ("authorizer, anonymous", None)):
        sample = Sample(route.path, None, key)
        event = authorizer_event(
            build_event(route, route.path, {}, "", sample.headers(), None, "127.0.0.1")
        )
        counter = AwsCallCounter()
        with counter.counting():
            decision = handler(event, LambdaContext())
        if key and decision.get("context", {}).get("role") != "api_key":
            raise RuntimeError(f"the authorizer refused the bench's API key: {decision}")
        timings = Timings()
        gc.collect()
        for _ in range(iterations):
            moto.time(lambda e=event: handler(e, LambdaContext()), timings)
        found.append(AuthorizerResult(label, Counter(counter.calls), timings))
    return found


def run(world: World, budget: Budget) -> tuple[list[RouteResult], list[AuthorizerResult]]:
    """Count the calls of every template route, then time each one and the authorizer."""
    gateway = Gateway()
    results = []
    for route in gateway.routes:
        maker = maker_for(route)
        results.append(RouteResult(route, maker(world, next_n()) if maker else None))
    count_calls(gateway, results)
    with MotoClock().installed() as moto:
        for result in results:
            maker = maker_for(result.route)
            if maker is None or not result.ok:
                continue  # an error path's speed says nothing about the route
            measure_latency(gateway, world, result, maker, budget, moto)
        authorizers = measure_authorizer(gateway, world, budget.reads, moto)
    return results, authorizers
