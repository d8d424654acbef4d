"""AWS calls per request and in-process latency, through the same gateway the tests use.

Calls are split between the authorizer and the route's function by wrapping each handler
module's `lambda_handler` for the counting pass only; the gateway looks the handler up on
every request, so it calls the wrapper without knowing. Latency is measured afterwards with
the wrappers removed, and the time spent inside moto is measured beside it, so a reader can
tell its cost from Portico's. So is the time spent in HTTP round trips to the fake Stripe (the
payment routes), counted and timed around the Stripe SDK's HTTP client.

moto is the one the tests and the local runtime use: `portico_local.fast_moto`'s
TransactWriteItems (moto's own deep-copies the whole table, with every stream record the
table ever produced, on each operation of each transaction) and `bench.moto_queries` (moto's
own sorts the whole table for every Query). Both answer as moto does (their tests, and
`same_answers`); without them a write costs more with every write before it, for moto's sake.
"""

from __future__ import annotations

import gc
import importlib
import re
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from moto.core.botocore_stubber import BotocoreStubber

from bench.moto_queries import partition_queries
from bench.samples import Case, Sample, cases_for, next_n
from bench.world import World, forget_moto_copies
from portico_local.gateway import (
    Gateway,
    HttpResult,
    LambdaContext,
    authorizer_event,
    build_event,
)
from tests.support.aws_calls import AwsCallCounter
from tests.support.fast_moto import install_fast_transactions

if TYPE_CHECKING:
    from portico_local.template import Route

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

    reads: int = 150
    writes: int = 75
    route_seconds: float = 2.0


@dataclass
class Timings:
    """Wall time per request, and the parts of it spent inside moto and in Stripe's calls."""

    total_ms: list[float] = field(default_factory=list)
    moto_ms: list[float] = field(default_factory=list)
    stripe_ms: list[float] = field(default_factory=list)

    @property
    def portico_ms(self) -> list[float]:
        """What is left for Portico, Powertools, botocore and the Stripe SDK's own code."""
        return [
            total - moto - stripe
            for total, moto, stripe in zip(self.total_ms, self.moto_ms, self.stripe_ms, strict=True)
        ]

    @property
    def without_stripe_ms(self) -> list[float]:
        return [total - stripe for total, stripe in zip(self.total_ms, self.stripe_ms, strict=True)]


@dataclass
class RouteResult:
    """What one case of a route cost: its AWS calls on one request, and its latency over
    many."""

    case: Case
    sample: Sample | None
    status: int | None = None
    authorizer_calls: Counter[str] = field(default_factory=Counter)
    handler_calls: Counter[str] = field(default_factory=Counter)
    stripe_calls: Counter[str] = field(default_factory=Counter)  # "POST /v1/payment_intents"
    timings: Timings = field(default_factory=Timings)
    capped: bool = False

    @property
    def route(self) -> Route:
        return self.case.route

    @property
    def label(self) -> str:
        return self.case.label

    @property
    def read(self) -> bool:
        return self.case.read

    @property
    def ok(self) -> bool:
        """It answered what the case is about (2xx, or the expected error)."""
        return self.case.ok(self.status)

    @property
    def writes(self) -> int:
        return sum(
            n for name, n in self.handler_calls.items() if name.split(":")[-1] in WRITE_CALLS
        )

    @property
    def transactions(self) -> int:
        return sum(
            n for name, n in self.handler_calls.items() if name.endswith(":TransactWriteItems")
        )

    @property
    def calls_passed(self) -> bool:
        """DESIGN 5: one DynamoDB request per page view (every AWS call of a GET counts);
        one write per state change, plus the idempotency record where there is one."""
        if not self.ok:
            return False
        if self.read:
            return sum(self.handler_calls.values()) == 1
        case = self.case
        if case.state_changes == 1 and not case.idempotency_writes:
            return self.writes <= 1
        return (
            self.transactions <= case.state_changes
            and self.writes - self.transactions <= case.idempotency_writes
        )

    @property
    def limit_ms(self) -> float:
        return READ_P99_MS if self.read else WRITE_P99_MS


@dataclass
class AuthorizerResult:
    label: str
    calls: Counter[str]
    timings: Timings
    expected_calls: int  # docs/data-model.md: 0 for a token, 1 GetItem for an API key
    decision: str = ""

    @property
    def calls_passed(self) -> bool:
        return sum(self.calls.values()) == self.expected_calls


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


# An id in a Stripe path (`pi_3Abc...`, `seti_...`; not `payment_intents`), for counting
# calls by kind.
_STRIPE_ID = re.compile(r"/[a-z]+_(?=[A-Za-z0-9]*[A-Z0-9])[A-Za-z0-9]+")


class StripeClock:
    """Counts the HTTP requests the Stripe SDK sends (to the fake Stripe here) and the time
    they take, server included: its `RequestsClient.request`, one round trip, under the
    SDK's retries."""

    def __init__(self) -> None:
        self.spent_ns = 0
        self.calls: Counter[str] = Counter()

    @contextmanager
    def installed(self) -> Iterator[StripeClock]:
        # Imported only here: the bench's other modules must not pull `stripe` in (a unit
        # test imports them), as no non-payment handler may.
        import stripe

        client = stripe.RequestsClient
        original = client.request

        def timed(http: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            path = _STRIPE_ID.sub("/{id}", url.split("://", 1)[-1].partition("/")[2])
            self.calls[f"{method.upper()} /{path.partition('?')[0]}"] += 1
            started = time.perf_counter_ns()
            try:
                return original(http, method, url, *args, **kwargs)
            finally:
                self.spent_ns += time.perf_counter_ns() - started

        setattr(client, "request", timed)  # noqa: B010 - patched, then restored
        try:
            yield self
        finally:
            setattr(client, "request", original)  # noqa: B010


@dataclass
class Clocks:
    """moto's clock and Stripe's, around each timed request."""

    moto: MotoClock
    stripe: StripeClock

    def time(self, action: Any, into: Timings) -> None:
        """Run `action()` and record its wall time and moto's and Stripe's shares of it."""
        moto_before, stripe_before = self.moto.spent_ns, self.stripe.spent_ns
        started = time.perf_counter_ns()
        action()
        into.total_ms.append((time.perf_counter_ns() - started) / 1e6)
        into.moto_ms.append((self.moto.spent_ns - moto_before) / 1e6)
        into.stripe_ms.append((self.stripe.spent_ns - stripe_before) / 1e6)


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


def _request(gateway: Gateway, route: Route, sample: Sample) -> HttpResult:
    return gateway.request(
        route.method,
        sample.path,
        body=sample.body,
        headers=sample.headers(),
        source_ip=sample.source_ip,
    )


def _answered(sample: Sample, answer: HttpResult) -> int:
    if sample.after is not None:
        sample.after(answer)
    return answer.status


def _each_request(world: World, result: RouteResult) -> AbstractContextManager[None]:
    """The table put back after the request, for a case that asks for it."""
    return world.same_table() if result.case.fresh_table else nullcontext()


def count_calls(
    gateway: Gateway, world: World, results: list[RouteResult], stripe: StripeClock
) -> None:
    """Call every case once and record the AWS calls of its authorizer and its function,
    and the requests to Stripe. Each request is built just before it is sent: a link issued
    for one would otherwise be replaced by the next link of the same purpose for the same
    customer."""
    authorizer, handler = AwsCallCounter(), AwsCallCounter()
    with ExitStack() as stack:
        stack.enter_context(_counted(gateway.authorizer, authorizer))
        for dotted in sorted({result.route.handler for result in results}):
            stack.enter_context(_counted(dotted, handler))
        for result in results:
            if result.case.maker is None:
                continue
            with _each_request(world, result):
                result.sample = result.case.maker(world, next_n())
                # A public route never reaches the authorizer: clear both, not just the one
                # used.
                authorizer.calls.clear()
                handler.calls.clear()
                stripe.calls.clear()
                answer = _request(gateway, result.route, result.sample)
                result.authorizer_calls = Counter(authorizer.calls)
                result.handler_calls = Counter(handler.calls)
                result.stripe_calls = Counter(stripe.calls)
                result.status = _answered(result.sample, answer)


def measure_latency(
    gateway: Gateway,
    world: World,
    result: RouteResult,
    budget: Budget,
    clocks: Clocks,
) -> None:
    """Time up to `budget.reads` (or `.writes`) requests; each is built (and any setup done)
    off the clock. A slow route stops at the time cap, after at least `MIN_SAMPLES`."""
    maker = result.case.maker
    assert maker is not None
    forget_moto_copies()
    gc.collect()
    iterations = budget.reads if result.read else budget.writes
    deadline = time.monotonic() + budget.route_seconds
    statuses: Counter[int] = Counter()
    for done in range(iterations):
        if done >= MIN_SAMPLES and time.monotonic() > deadline:
            result.capped = True
            break
        with _each_request(world, result):
            sample = maker(world, next_n())
            answers: list[HttpResult] = []
            clocks.time(
                lambda s=sample, a=answers: a.append(_request(gateway, result.route, s)),
                result.timings,
            )
            statuses.update([_answered(sample, answers[0])])  # off the clock, as is the next
        forget_moto_copies()
    unexpected = {status: n for status, n in statuses.items() if not result.case.ok(status)}
    if unexpected:
        raise RuntimeError(f"{result.label} answered {unexpected} while being timed")


def _authorizer_event(gateway: Gateway, path_prefix: str, bearer: str | None) -> dict[str, Any]:
    route = next(
        route for route in gateway.routes if route.authorized and route.path.startswith(path_prefix)
    )
    sample = Sample(route.path, None, bearer)
    return authorizer_event(
        build_event(route, route.path, {}, "", sample.headers(), None, "127.0.0.1")
    )


def measure_authorizer(
    gateway: Gateway, world: World, iterations: int, clocks: Clocks
) -> list[AuthorizerResult]:
    """The authorizer alone, as API Gateway calls it: on a customer's access token (a
    signature check, no AWS call), on an admin API key (one GetItem) and on nothing."""
    module_name, _, attribute = gateway.authorizer.rpartition(".")
    handler = getattr(importlib.import_module(module_name), attribute)
    found: list[AuthorizerResult] = []
    cases = (
        ("authorizer, access token", "/v1/me", world.access_token(), "customer", 0),
        ("authorizer, API key", "/v1/admin/", world.api_key, "api_key", 1),
        ("authorizer, anonymous", "/v1/admin/", None, "anonymous", 0),
    )
    for label, prefix, bearer, role, expected in cases:
        event = _authorizer_event(gateway, prefix, bearer)
        counter = AwsCallCounter()
        with counter.counting():
            decision = handler(event, LambdaContext())
        got = decision.get("context", {}).get("role")
        if got != role:
            raise RuntimeError(f"{label}: the authorizer decided {decision}, not role {role}")
        timings = Timings()
        gc.collect()
        for _ in range(iterations):
            clocks.time(lambda e=event: handler(e, LambdaContext()), timings)
        found.append(AuthorizerResult(label, Counter(counter.calls), timings, expected, got))
    return found


@dataclass
class Argon2Result:
    label: str
    timings: Timings


def measure_argon2(world: World, budget: Budget, clocks: Clocks) -> list[Argon2Result]:
    """Argon2id alone, as sign-in verifies a password and accept/reset hash one: the part of
    those routes that is slow by design (OWASP's m=19 MiB, t=2, p=1)."""
    from portico.identity.passwords import hash_password, verify_password

    account = world.svc.identity.account(world.business_id, world.customer_id)
    stored = account.password_hash if account else None
    if stored is None or not verify_password(stored, world.password):
        raise RuntimeError("the bench customer's password does not verify")
    found = []
    for label, action in (
        ("Argon2id verify (password sign-in)", lambda: verify_password(stored, world.password)),
        ("Argon2id hash (accept, reset)", lambda: hash_password(world.password)),
    ):
        timings = Timings()
        gc.collect()
        deadline = time.monotonic() + budget.route_seconds
        for done in range(max(MIN_SAMPLES, budget.writes // 2)):
            if done >= MIN_SAMPLES and time.monotonic() > deadline:
                break
            clocks.time(action, timings)
        found.append(Argon2Result(label, timings))
    return found


def run(
    world: World, budget: Budget
) -> tuple[list[RouteResult], list[AuthorizerResult], list[Argon2Result]]:
    """Count the calls of every case of every template route, then time each one and the
    authorizer, each against the table as the world built it."""
    install_fast_transactions()
    gateway = Gateway()
    results = [RouteResult(case, None) for route in gateway.routes for case in cases_for(route)]
    with StripeClock().installed() as stripe, partition_queries():
        with world.same_table():
            count_calls(gateway, world, results, stripe)
        # What exists now (modules and handlers, imported by the pass above, moto's
        # backends, the world) lives until the end: out of the collector's way, so its
        # pauses in timed requests are those of the requests' own garbage.
        gc.collect()
        gc.freeze()
        with MotoClock().installed() as moto:
            clocks = Clocks(moto, stripe)
            for result in results:
                if result.case.maker is None or not result.ok:
                    continue  # an unexpected error path's speed says nothing about the route
                with world.same_table():
                    measure_latency(gateway, world, result, budget, clocks)
            authorizers = measure_authorizer(gateway, world, budget.reads, clocks)
            argon2 = measure_argon2(world, budget, clocks)
    return results, authorizers, argon2
