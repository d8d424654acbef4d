"""AutoPay against DESIGN section 5: a run's throughput, where one charge's time goes, and the
rate limiter (the last in `bench.ratesim`).

Throughput: N due invoices across 20 businesses (customers on AutoPay with a saved
`pm_card_visa`, AutoPay on the due date, every invoice due today), charged by one scheduler
run and the charge worker's own record handler on `workers` threads, in-process against moto,
with the fake Stripe (no latency added) in a process of its own. Each size runs in a fresh
interpreter, so its memory figures are its own. The world is built off the clock:

- businesses through `portals.provision_business` and `update_portal` (portal on);
- customers through `records.upsert_customer`, then the wallet's own services
  (`wallet.start_setup`, the browser's confirm at the fake Stripe, `wallet.save_method`) and
  `autopay.set_autopay` with the terms accepted, each with the customer's `Principal` as the
  authorizer would make it (the routes call exactly these; the gateway is left out for speed);
- invoices (`PER_CUSTOMER` a customer) through `InvoiceRepository.save`, the write
  `records.upsert_invoice` makes for a new invoice, without its three reads; the first goes
  through `upsert_invoice` itself and the next one's item is checked to be alike.

The clock starts when the scheduler's `start_run` is called and stops when the last job is
charged. The scheduler sends its jobs to the AutoPay queue (moto's SQS, as deployed) and
hands them to the workers as the event source mapping would, in batches of ten, while it
goes on selecting; a worker's Stripe calls wait for the rate limiter's DynamoDB counter, set
to 1000 calls a second so that it counts without binding (at the default 20 a second, 10,000
charges take 500 s whatever else happens). Afterwards every invoice is checked to be charged
exactly once: succeeded charges at the fake per account against the business's invoices,
and per invoice through its payment.

moto is made fit for a growing table first: `tests/support/fast_moto.py`'s TransactWriteItems
(copying the items a transaction writes, not the table) and `bench.moto_queries` (a Query
reads its partition, not the whole table sorted). Both leave moto's answers as they were.
"""

from __future__ import annotations

import gc
import math
import os
import queue
import resource
import sys
import threading
import time
import traceback
import tracemalloc
import types
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

# The environment first (fake credentials, the bench's table), before boto3 or moto load.
from bench import world as bench_world

# isort: split
import boto3
from botocore.client import BaseClient
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber
from moto.core.responses import BaseResponse
from moto.dynamodb.models import dynamodb_backends

from bench.moto_queries import partition_queries, same_answers
from bench.stripe_process import StripeProcess
from portico import bootstrap
from portico.clock import ManualClock
from portico.config import Settings
from portico.domain.billing import Invoice, InvoiceRecord
from portico.domain.business import NewBusiness, PortalChanges
from portico.domain.customer import CustomerRecord
from portico.identity.principal import CustomerScope, Principal, Role
from portico.services import autopay, portals, records, wallet
from portico_local.aws import ACCOUNT, create_resources, put_stripe_secret
from tests.support.atomic_moto import atomic_dynamodb
from tests.support.payments import browser_confirms

try:
    from tests.support.fast_moto import install_fast_transactions
except ImportError:  # pragma: no cover - an older checkout: moto's own transactions
    install_fast_transactions = None

BUSINESSES = 20
PER_CUSTOMER = 10  # invoices due per customer
WORKERS = 2  # charge worker threads: one per core
BATCH = 10  # jobs per worker invocation (the template's BatchSize)
MAX_RECEIVES = 5  # the queue's maxReceiveCount: then the dead-letter queue
STRIPE_RATE = 1000  # Settings.autopay_stripe_rate's maximum: counts, never binds here
TARGET_INVOICES = 10_000
TARGET_SECONDS = 60.0
SCALE_LIMIT = 11.0  # 10x the invoices in at most 11x the time
PROFILE_INVOICES = 150
PROFILE_TRACED = 30  # of them, charged under tracemalloc after the timed ones
DUE = bench_world.NOW.date()  # 2026-05-01: 10:00 in Chicago, the businesses' time zone
FAST_TRANSACTIONS = install_fast_transactions is not None
_SAMPLE_SECONDS = 0.25


# --- the world --------------------------------------------------------------------------------


@dataclass
class Business:
    business_id: str
    customers: list[str] = field(default_factory=list)
    invoices: dict[str, str] = field(default_factory=dict)  # invoice id -> customer id
    account: str = ""  # its connected account at the fake Stripe


def _new_business(svc: bootstrap.Services, b: int) -> Business:
    created = portals.provision_business(
        svc,
        NewBusiness.model_validate(
            {
                "name": f"Pools {b}",
                "slug": f"autopay-pools-{b}",
                "contact": {
                    "email": f"office{b}@example.com",
                    "phone": "+1 512 555 0100",
                    "address": {"line1": f"{b} Main St", "city": "Austin", "region": "TX"},
                },
            }
        ),
    )
    business_id = created.business.business_id
    portals.update_portal(svc, business_id, PortalChanges(enabled=True))  # AutoPay on due date
    return Business(business_id)


def _customer_on_autopay(
    svc: bootstrap.Services, stripe: StripeProcess, business: Business, customer_id: str, n: int
) -> None:
    """A customer with a Visa saved through the wallet's services (and confirmed at the fake
    Stripe as Stripe.js does) and AutoPay turned on with it, the terms accepted."""
    body = bench_world.customer_body(n, email=f"{customer_id}@example.com")
    records.upsert_customer(
        svc, business.business_id, customer_id, CustomerRecord.model_validate(body)
    )
    scope = CustomerScope(
        tabs=frozenset({"invoices", "payments", "statement", "service"}),
        timezone="America/Chicago",
        currency="USD",
    )
    principal = Principal(Role.CUSTOMER, business.business_id, customer_id, customer_id, scope)
    setup = wallet.start_setup(svc, principal, "card")
    confirmed = browser_confirms(stripe, setup.model_dump(), "pm_card_visa")  # type: ignore[arg-type]
    if confirmed.status_code != 200:
        raise RuntimeError(f"the fake Stripe refused the setup: {confirmed.text}")
    method, _ = wallet.save_method(svc, principal, setup.setup_intent_id)
    change = autopay.AutoPayChange(
        enabled=True, payment_method_id=method.payment_method_id, accept_terms=True
    )
    autopay.set_autopay(svc, principal, change, "192.0.2.1")
    business.account = setup.stripe_account
    business.customers.append(customer_id)


def _invoice_record(customer_id: str, n: int) -> InvoiceRecord:
    body = bench_world.invoice_body(customer_id, n)
    body.update({"issue_date": "2026-04-16", "due_date": DUE.isoformat(), "autopay_eligible": True})
    return InvoiceRecord.model_validate(body)


def _stored(business_id: str, customer_id: str, invoice_id: str) -> dict[str, Any]:
    """An invoice's item as moto holds it."""
    table = _table()
    key = f"BIZ#{business_id}#CUST#{customer_id}"
    for partition_key, partition in table.items.items():
        if partition_key.value == key:
            for range_key, item in partition.items():
                if range_key.value == f"INVOICE#{invoice_id}":
                    return dict(item.to_json()["Attributes"])
    raise RuntimeError(f"no item for invoice {invoice_id}")


def _check_like_upsert(business: Business, ids: list[str]) -> None:
    """The invoice written with `InvoiceRepository.save` is the item `upsert_invoice` wrote
    for its neighbour (same customer), but for what names it: its id and number in its keys,
    its shard in AutoPay's index, and the amounts `invoice_body` varies."""
    stored = [_stored(business.business_id, business.invoices[i], i) for i in ids[:2]]
    numbers = [item["number"]["S"] for item in stored]

    def named(item: dict[str, Any], invoice_id: str, number: str) -> dict[str, Any]:
        plain = {}
        for name, value in item.items():
            if name in ("number", "lines", "total"):
                continue
            text = str(value).replace(invoice_id, "{id}").replace(number, "{number}")
            if name == "GSI4PK":
                text = text.rpartition("#")[0]  # the shard follows the id
            plain[name] = text
        return plain

    first, second = (named(s, i, n) for s, i, n in zip(stored, ids, numbers, strict=False))
    differs = {name for name in first.keys() | second.keys() if first.get(name) != second.get(name)}
    if differs:
        raise RuntimeError(f"the bench's invoices differ from upsert_invoice's in {differs}")


def build(svc: bootstrap.Services, stripe: StripeProcess, invoices: int) -> list[Business]:
    """`invoices` due invoices across `BUSINESSES` businesses, `PER_CUSTOMER` per customer
    on AutoPay (customers dealt round the businesses)."""
    businesses = [_new_business(svc, b) for b in range(BUSINESSES)]
    customers = math.ceil(invoices / PER_CUSTOMER)
    for c in range(customers):
        _customer_on_autopay(svc, stripe, businesses[c % BUSINESSES], f"ap-{c}", c)
    now = svc.clock.now()
    written: list[str] = []
    for n in range(invoices):
        c = n // PER_CUSTOMER
        business, customer_id, invoice_id = businesses[c % BUSINESSES], f"ap-{c}", f"inv-{n}"
        record = _invoice_record(customer_id, n)
        if n == 0:
            records.upsert_invoice(svc, business.business_id, invoice_id, record)
        else:
            # What upsert_invoice builds for a new invoice of a customer on AutoPay.
            invoice = Invoice(
                invoice_id=invoice_id, updated_at=now, autopay_customer=True, **dict(record)
            )
            svc.invoices.save(business.business_id, invoice, None)
        business.invoices[invoice_id] = customer_id
        if business is businesses[0]:
            written.append(invoice_id)
    _check_like_upsert(businesses[0], written)
    return businesses


def _table() -> Any:
    backend = dynamodb_backends[ACCOUNT][os.environ["AWS_REGION"]]
    return backend.tables[os.environ["TABLE_NAME"]]


@contextmanager
def autopay_world(
    invoices: int,
) -> Iterator[tuple[bootstrap.Services, StripeProcess, list[Business]]]:
    """moto with the template's resources, the fake Stripe in its own process with the Stripe
    secret pointing at it, the process's services installed (the worker module takes them at
    import), and `build(invoices)`."""
    if install_fast_transactions is not None:
        install_fast_transactions()
    settings = Settings.from_env().model_copy(update={"autopay_stripe_rate": STRIPE_RATE})
    svc = bootstrap.Services.build(settings, ManualClock(bench_world.NOW))
    bootstrap.use(svc)
    with StripeProcess() as stripe, mock_aws(), partition_queries():
        create_resources()
        put_stripe_secret(svc.settings.stripe_secret_name, stripe)  # type: ignore[arg-type]
        businesses = build(svc, stripe, invoices)
        bench_world.forget_moto_copies()
        yield svc, stripe, businesses


# --- counting and timing ----------------------------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Sampler:
    """A thread that, every quarter of a second, samples the process's RSS (its peak), drops
    moto's record of every model object it made (`forget_moto_copies`), and takes every
    message off the SQS queues, as their consumers would: the event source mapping deletes a
    charged job's message, the mailer takes the receipts. moto looks at every message of a
    queue on each send (its `Queue.attributes` counts them), so a queue nobody reads makes
    each send cost more than the one before, where SQS's does not."""

    def __init__(self) -> None:
        self.peak_mb = _rss_mb()
        self.consumed: Counter[str] = Counter()  # messages taken, by queue name
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)

    def _consume(self) -> None:
        from moto.sqs.models import sqs_backends

        for sqs_queue in list(sqs_backends[ACCOUNT][os.environ["AWS_REGION"]].queues.values()):
            with sqs_queue._messages_lock:  # the lock moto appends under
                taken, sqs_queue._messages = sqs_queue._messages, []
            self.consumed[sqs_queue.name] += len(taken)

    def _run(self) -> None:
        while not self._stop.wait(_SAMPLE_SECONDS):
            bench_world.forget_moto_copies()
            self._consume()
            self.peak_mb = max(self.peak_mb, _rss_mb())

    def __enter__(self) -> Sampler:
        self._consume()  # what the build queued (emails) is not the run's
        self.consumed.clear()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._consume()
        self.peak_mb = max(self.peak_mb, _rss_mb())


def _operation(service: str, operation: str) -> str:
    return operation if service == "dynamodb" else f"{service}:{operation}"


# Where an AWS request comes from: the repository method (the outermost frame of Portico's
# data layer) and the service function that called it (the innermost frame above that).
_LAYER = f"{os.sep}portico{os.sep}"
_DATA = f"{_LAYER}data{os.sep}"
_SERVICES = (f"{_LAYER}services{os.sep}", f"{_LAYER}payments{os.sep}")


def _call_site() -> str:
    data = service = None
    frame = sys._getframe(2)
    while frame is not None and service is None:
        path = frame.f_code.co_filename
        if _DATA in path:
            data = frame.f_code.co_qualname
        elif any(part in path for part in _SERVICES):
            service = frame.f_code.co_qualname
        frame = frame.f_back
    return " < ".join(part for part in (data, service) if part) or "?"


@dataclass
class AwsClock:
    """Every AWS request through botocore, by thread kind (the scheduler or a worker):
    counted by operation (and, when `sites`, by where Portico made it), with the time spent
    in the client call (botocore and moto) and, of that, in moto (and in its response
    serializer)."""

    sites: bool = False
    calls: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    client_ns: Counter[str] = field(default_factory=Counter)
    moto_ns: Counter[str] = field(default_factory=Counter)  # by operation
    serialize_ns: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def installed(self) -> Iterator[AwsClock]:
        make_api_call = BaseClient._make_api_call
        process_request = BotocoreStubber.process_request
        serialized = BaseResponse.serialized
        clock = self

        def counted(client: BaseClient, operation: str, params: Any) -> Any:
            name = _operation(client.meta.service_model.service_name, operation)
            kind = threading.current_thread().name.split("-")[0]
            site = _call_site() if clock.sites else ""
            started = time.perf_counter_ns()
            try:
                return make_api_call(client, operation, params)
            finally:
                spent = time.perf_counter_ns() - started
                with clock._lock:
                    clock.calls[kind][f"{name} {site}".strip()] += 1
                    clock.client_ns[kind] += spent

        def timed_moto(stubber: BotocoreStubber, request: Any) -> Any:
            target = request.headers.get("X-Amz-Target", b"")
            target = target.decode() if isinstance(target, bytes) else str(target)
            started = time.perf_counter_ns()
            try:
                return process_request(stubber, request)
            finally:
                clock.moto_ns[target.rpartition(".")[2] or "?"] += time.perf_counter_ns() - started

        def timed_serializer(response: BaseResponse, result: Any) -> Any:
            started = time.perf_counter_ns()
            try:
                return serialized(response, result)
            finally:
                clock.serialize_ns += time.perf_counter_ns() - started

        BaseClient._make_api_call = counted  # type: ignore[method-assign]
        BotocoreStubber.process_request = timed_moto  # type: ignore[method-assign]
        BaseResponse.serialized = timed_serializer  # type: ignore[method-assign]
        try:
            yield self
        finally:
            BaseClient._make_api_call = make_api_call  # type: ignore[method-assign]
            BotocoreStubber.process_request = process_request  # type: ignore[method-assign]
            BaseResponse.serialized = serialized  # type: ignore[method-assign]

    def by_operation(self, kind: str) -> Counter[str]:
        found: Counter[str] = Counter()
        for name, count in self.calls[kind].items():
            found[name.split(" ", 1)[0]] += count
        return found


class _TimedGateway:
    """A payment gateway whose calls (the Stripe SDK's whole call: building the request,
    the round trip, reading the answer) are timed."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.spent_ns = 0
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not callable(attribute):
            return attribute

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter_ns()
            try:
                return attribute(*args, **kwargs)
            finally:
                self.spent_ns += time.perf_counter_ns() - started
                self.calls += 1

        return timed


# --- the run ----------------------------------------------------------------------------------


@dataclass
class Verification:
    """Whether every invoice was charged exactly once, and what says so."""

    invoices: int = 0
    succeeded_at_stripe: int = 0  # succeeded charges at the fake, over the accounts
    attempts_at_stripe: int = 0
    intents_created: int = 0
    accounts_matching: int = 0  # accounts whose succeeded charges equal the business's invoices
    charged_once: int = 0  # invoices with exactly one succeeded charge
    charged_twice: int = 0
    never_charged: int = 0
    paid: int = 0  # invoices recorded paid in full, released and out of AutoPay's index
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return (
            not self.problems
            and self.charged_once == self.invoices == self.paid == self.succeeded_at_stripe
        )


@dataclass
class RunResult:
    """One size's figures, from its own interpreter."""

    invoices: int
    customers: int
    workers: int
    build_seconds: float
    selected_at: float  # seconds into the run when the scheduler had queued every job
    seconds: float
    selected: int
    dead_lettered: int
    redelivered: int
    rss_built_mb: float  # after the build, before the warm-up
    warm_up_clients: int  # botocore clients PynamoDB made in the warm-up
    rss_start_mb: float
    rss_peak_mb: float
    max_rss_mb: float
    items_before: int
    items_after: int
    kept_moto: int  # objects made during the run and alive after it: moto's
    kept_other: Counter[str]  # and everyone else's, by type
    consumed: Counter[str]  # messages the run queued, by queue name
    scheduler_calls: Counter[str]
    worker_calls: Counter[str]
    verification: Verification
    fast_transactions: bool = FAST_TRANSACTIONS
    query_same: bool = True

    @property
    def rate(self) -> float:
        return self.invoices / self.seconds


def _record(body: str, n: int) -> Any:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    return SQSRecord(
        {
            "messageId": f"bench-{n}",
            "receiptHandle": f"bench-{n}",
            "body": body,
            "attributes": {"ApproximateReceiveCount": "1"},
            "messageAttributes": {},
            "eventSource": "aws:sqs",
        }
    )


@dataclass
class _Queue:
    """The AutoPay queue as the workers see it: bodies in, batches of `BATCH` out, a failed
    record delivered again (up to `MAX_RECEIVES`), as SQS and the event source mapping do."""

    bodies: queue.SimpleQueue[tuple[str, int]] = field(default_factory=queue.SimpleQueue)
    outstanding: int = 0
    selecting: bool = True
    dead_lettered: int = 0
    redelivered: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def put(self, body: str, receives: int = 0) -> None:
        with self.lock:
            if receives == 0:
                self.outstanding += 1
            else:
                self.redelivered += 1
        self.bodies.put((body, receives))

    def done(self, dead: bool = False) -> None:
        with self.lock:
            self.outstanding -= 1
            self.dead_lettered += dead

    def batch(self) -> list[tuple[str, int]] | None:
        """Up to `BATCH` records, or None when the run is over."""
        while True:
            try:
                first = self.bodies.get(timeout=0.01)
            except queue.Empty:
                with self.lock:
                    if not self.selecting and self.outstanding == 0:
                        return None
                continue
            taken = [first]
            while len(taken) < BATCH:
                try:
                    taken.append(self.bodies.get_nowait())
                except queue.Empty:
                    break
            return taken


def charge_everything(svc: bootstrap.Services, workers: int) -> tuple[float, float, int, _Queue]:
    """One scheduler run (on this thread) and `workers` worker threads charging its jobs with
    the worker's record handler as they arrive: (seconds until every job was queued, seconds
    until every job was charged, jobs selected, the queue)."""
    from autopay_scheduler import worker  # imported now: it takes the installed services

    jobs = _Queue()
    selected = 0

    def send(batch: Any) -> None:
        nonlocal selected
        svc.charge_jobs.enqueue(batch)  # the scheduler's SendMessageBatch, as deployed
        selected += len(batch)
        for job in batch:
            jobs.put(job.model_dump_json())

    def work() -> None:
        limited = svc.rate_limited()
        n = 0
        while (taken := jobs.batch()) is not None:
            for body, receives in taken:
                n += 1
                try:
                    worker.charge(limited, _record(body, n))
                except Exception:
                    if receives + 1 >= MAX_RECEIVES:
                        traceback.print_exc()
                        jobs.done(dead=True)
                    else:
                        jobs.put(body, receives + 1)
                    continue
                jobs.done()

    threads = [threading.Thread(target=work, name=f"worker-{n}") for n in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    try:
        from portico.services.autopay_run import start_run

        start_run(svc, svc.clock.now(), send)
    finally:
        with jobs.lock:
            jobs.selecting = False
    selected_at = time.perf_counter() - started
    for thread in threads:
        thread.join()
    return selected_at, time.perf_counter() - started, selected, jobs


def verify(stripe: StripeProcess, businesses: list[Business]) -> Verification:
    """Every invoice charged exactly once: succeeded charges at the fake per account against
    the business's invoices, each charge traced to its invoice through its payment, and each
    invoice paid in full, released and out of AutoPay's index (read from moto's table)."""
    from portico.data.items import InvoiceItem, PaymentItem
    from portico.data.table import PorticoItem

    found = Verification(invoices=sum(len(b.invoices) for b in businesses))
    invoices: dict[str, InvoiceItem] = {}
    paid_by: dict[str, list[str]] = {}  # PaymentIntent -> invoice ids
    for partition in _table().items.values():
        for item in partition.values():
            model = PorticoItem.from_raw_data(item.to_json()["Attributes"])
            if isinstance(model, InvoiceItem):
                invoices[model.sk.removeprefix("INVOICE#")] = model
            elif isinstance(model, PaymentItem) and model.payment_intent_id:
                paid_by[model.payment_intent_id] = [a["invoice_id"] for a in model.applied_to]
    stats = stripe.stats()["accounts"]
    charges: Counter[str] = Counter()
    billing = [business for business in businesses if business.invoices]
    for business in billing:
        account = stats.get(business.account, {})
        found.succeeded_at_stripe += account.get("charges_succeeded", 0)
        found.attempts_at_stripe += account.get("charges", 0)
        found.intents_created += account.get("payment_intents_created", 0)
        found.accounts_matching += account.get("charges_succeeded") == len(business.invoices)
        for charge in stripe.charges(business.account):
            if charge["status"] == "succeeded":
                for invoice_id in paid_by.get(charge["payment_intent"], ["(no payment)"]):
                    charges[invoice_id] += 1
        for invoice_id in business.invoices:
            item = invoices.get(invoice_id)
            if (
                item is not None
                and item.amount_paid == item.total
                and item.payment_pending is None
                and item.gsi4pk is None
            ):
                found.paid += 1
    expected = {i for b in businesses for i in b.invoices}
    found.charged_once = sum(1 for i in expected if charges[i] == 1)
    found.charged_twice = sum(1 for i in expected if charges[i] > 1)
    found.never_charged = sum(1 for i in expected if charges[i] == 0)
    strays = set(charges) - expected
    if strays:
        found.problems.append(f"succeeded charges for no due invoice: {sorted(strays)[:5]}")
    if found.accounts_matching != len(billing):
        found.problems.append(
            f"{len(billing) - found.accounts_matching} account(s) whose succeeded charges "
            "differ from the business's invoices"
        )
    return found


def _queries_unchanged(businesses: list[Business]) -> bool:
    """`bench.moto_queries` answers as moto does, on the table as the run left it: a
    customer's collection (`wallets.owner`'s partition), the business's AutoPay partition
    (the run and its outcomes) and AutoPay's card index."""
    from portico.data.items import autopay_pk, customer_pk
    from portico.data.table import PorticoItem

    business = businesses[0]

    def read(query: Any, pk: str) -> Any:
        return lambda: [item.serialize() for item in query(pk)]

    return all(
        same_answers(read(query, pk))
        for query, pk in (
            (PorticoItem.query, customer_pk(business.business_id, business.customers[0])),
            (PorticoItem.query, autopay_pk(business.business_id)),
            (PorticoItem.gsi4.query, f"{autopay_pk(business.business_id)}#CARDS"),
        )
    )


def _item_count() -> int:
    return sum(len(partition) for partition in _table().items.values())


_NOT_STATE = (
    type,
    types.ModuleType,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    types.CodeType,
    types.FrameType,
)


def _held_by_moto() -> set[int]:
    """The ids of every object moto's DynamoDB and SQS backends hold (their tables, items,
    queues and messages), following references but not into classes, modules or code."""
    from moto.sqs.models import sqs_backends

    seen: set[int] = set()
    stack: list[Any] = [dynamodb_backends, sqs_backends]
    while stack:
        thing = stack.pop()
        if id(thing) in seen:
            continue
        seen.add(id(thing))
        stack.extend(ref for ref in gc.get_referents(thing) if not isinstance(ref, _NOT_STATE))
    return seen


def _kept_since_freeze() -> tuple[int, Counter[str]]:
    """Objects the collector tracks (containers, models) made since `gc.freeze()` and still
    alive: how many moto holds (what the run stored), and the others by type."""
    bench_world.forget_moto_copies()
    gc.collect()
    held = _held_by_moto()
    moto = 0
    others: Counter[str] = Counter()
    for thing in gc.get_objects():
        if id(thing) in held:
            moto += 1
        else:
            others[f"{type(thing).__module__}.{type(thing).__qualname__}"] += 1
    return moto, others


def _warm_up(svc: bootstrap.Services) -> int:
    """What a warm worker has already done: its modules imported and its clients made (the
    queues' clients are made on first use), so that the run's figures are the run's. Returns
    how many botocore clients PynamoDB made for it."""
    from autopay_scheduler import worker  # noqa: F401 - imported for its import's sake
    from portico.data.table import PorticoItem

    _record("{}", 0)
    svc.charge_jobs.enqueue([])
    svc.email_jobs.enqueue([])
    svc.rate_limited()
    # PynamoDB keeps a connection (and makes a botocore client) per item class that is the
    # first of its line to be used; the build does not use them all.
    made = 0
    models = [PorticoItem]
    while models:
        model = models.pop()
        models.extend(model.__subclasses__())
        connection = model._get_connection().connection
        made += connection._client is None
        assert connection.client is not None
    return made


def measure(invoices: int, workers: int) -> RunResult:
    """Build the world for `invoices` off the clock, charge it, check it (run in a fresh
    interpreter: see `in_child`)."""
    started = time.perf_counter()
    with autopay_world(invoices) as (svc, stripe, businesses):
        built = time.perf_counter() - started
        items_before = _item_count()
        aws, sampler = AwsClock(), Sampler()
        rss_built = _rss_mb()
        clients = _warm_up(svc)
        gc.collect()
        gc.freeze()  # the world lives to the end: out of the collector's way
        rss_start = _rss_mb()
        with aws.installed(), atomic_dynamodb(), sampler:
            selected_at, seconds, selected, jobs = charge_everything(svc, workers)
        kept_moto, kept_other = _kept_since_freeze()
        checked = verify(stripe, businesses)
        return RunResult(
            invoices=invoices,
            customers=sum(len(b.customers) for b in businesses),
            workers=workers,
            build_seconds=built,
            selected_at=selected_at,
            seconds=seconds,
            selected=selected,
            dead_lettered=jobs.dead_lettered,
            redelivered=jobs.redelivered,
            rss_built_mb=rss_built,
            warm_up_clients=clients,
            rss_start_mb=rss_start,
            rss_peak_mb=sampler.peak_mb,
            max_rss_mb=_max_rss_mb(),
            items_before=items_before,
            items_after=_item_count(),
            kept_moto=kept_moto,
            kept_other=kept_other,
            consumed=sampler.consumed,
            scheduler_calls=aws.by_operation("MainThread"),
            worker_calls=aws.by_operation("worker"),
            verification=checked,
            query_same=_queries_unchanged(businesses),
        )


# --- where a charge's time goes ---------------------------------------------------------------


@dataclass
class Profile:
    """One worker charging jobs in turn: the first `charged` with every part timed, then
    `traced` more under tracemalloc (its own cost kept off the timings)."""

    invoices: int
    charged: int
    seconds: float  # the timed charges
    scheduler_calls: Counter[str]
    scheduler_peak_mb: float  # tracemalloc's peak during start_run
    largest_business: int  # jobs selected for the business with the most
    calls: Counter[str]  # "Operation call site" -> count, over the timed charges
    client_ms: float  # every AWS call, botocore and moto
    moto_ms: dict[str, float]  # by operation
    serialize_ms: float  # moto's response serializer, part of moto_ms
    stripe_sdk_ms: float  # the gateway's calls, whole
    stripe_http_ms: float  # of which the HTTP round trips to the fake
    stripe_calls: Counter[str]
    traced: int
    traced_peak_mb: float  # above what was allocated when the traced charges began
    kept_moto: int  # objects the traced charges left alive: moto's (what it stores)
    kept_other: Counter[str]  # and everyone else's, by type
    verification: Verification

    @property
    def per_charge_ms(self) -> float:
        return self.seconds * 1000 / self.charged


def profile(invoices: int = PROFILE_INVOICES, traced: int = PROFILE_TRACED) -> Profile:
    """Select (under tracemalloc), then charge the jobs on this one thread: all but `traced`
    of them with the clocks on, the rest under tracemalloc (in a fresh interpreter: see
    `in_child`)."""
    from bench.inprocess import StripeClock

    with autopay_world(invoices) as (svc, stripe, businesses), ExitStack() as stack:
        from autopay_scheduler import worker
        from portico.services.autopay_run import start_run

        _warm_up(svc)
        gc.collect()
        gc.freeze()
        aws = stack.enter_context(AwsClock(sites=True).installed())
        http = stack.enter_context(StripeClock().installed())
        stack.enter_context(Sampler())
        jobs: list[Any] = []
        per_business: Counter[str] = Counter()

        def send(batch: Any) -> None:
            jobs.extend(batch)
            per_business.update(job.business_id for job in batch)

        tracemalloc.start()
        start_run(svc, svc.clock.now(), send)
        scheduler_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        scheduler_calls = Counter(aws.calls["MainThread"])
        aws.calls.clear()
        aws.client_ns.clear()
        aws.moto_ns.clear()
        aws.serialize_ns = 0
        http.spent_ns = 0
        http.calls.clear()
        limited = svc.rate_limited()
        # Inside the limiter: its counter's UpdateItem is an AWS call, timed with the rest.
        sdk = _TimedGateway(limited.payments._gateway)  # type: ignore[attr-defined]
        limited.payments._gateway = sdk  # type: ignore[attr-defined]
        timed, rest = jobs[:-traced], jobs[-traced:]
        started = time.perf_counter()
        for n, job in enumerate(timed):
            worker.charge(limited, _record(job.model_dump_json(), n))
        seconds = time.perf_counter() - started
        figures = (
            Counter(aws.calls["MainThread"]),
            aws.client_ns["MainThread"] / 1e6,
            {op: ns / 1e6 for op, ns in aws.moto_ns.items()},
            aws.serialize_ns / 1e6,
            sdk.spent_ns / 1e6,
            http.spent_ns / 1e6,
            Counter(http.calls),
        )
        bodies = [job.model_dump_json() for job in rest]
        moto_before, kept_before = _kept_since_freeze()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        for n, body in enumerate(bodies):
            worker.charge(limited, _record(body, n))
        traced_peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        kept_moto, kept = _kept_since_freeze()
        kept.subtract(kept_before)
        checked = verify(stripe, businesses)
        calls, client_ms, moto_ms, serialize_ms, sdk_ms, http_ms, stripe_calls = figures
        return Profile(
            invoices=invoices,
            charged=len(timed),
            seconds=seconds,
            scheduler_calls=_by_operation(scheduler_calls),
            scheduler_peak_mb=scheduler_peak / 2**20,
            largest_business=max(per_business.values(), default=0),
            calls=calls,
            client_ms=client_ms,
            moto_ms=moto_ms,
            serialize_ms=serialize_ms,
            stripe_sdk_ms=sdk_ms,
            stripe_http_ms=http_ms,
            stripe_calls=stripe_calls,
            traced=len(rest),
            traced_peak_mb=traced_peak / 2**20,
            kept_moto=kept_moto - moto_before,
            kept_other=+kept,
            verification=checked,
        )


def _by_operation(calls: Counter[str]) -> Counter[str]:
    found: Counter[str] = Counter()
    for name, count in calls.items():
        found[name.split(" ", 1)[0]] += count
    return found


# --- moto's own floor -------------------------------------------------------------------------


@dataclass
class Floor:
    """What moto alone takes, here, for the two writes DESIGN 4.4 needs per charge."""

    claim_ms: float  # a conditional UpdateItem
    record_ms: float  # a TransactWriteItems of a Put and a conditional Update
    items: int


def floor(items: int = 2_000, repeats: int = 300) -> Floor:
    """Bare boto3 calls against moto (fast transactions installed, as in the runs), on a table
    of `items` items: no Portico, no PynamoDB, no Stripe."""
    with mock_aws():
        if install_fast_transactions is not None:
            install_fast_transactions()
        client = boto3.client("dynamodb", region_name="us-east-1")
        key_schema = [("PK", "HASH"), ("SK", "RANGE")]
        client.create_table(
            TableName="floor",
            KeySchema=[{"AttributeName": name, "KeyType": kind} for name, kind in key_schema],
            AttributeDefinitions=[
                {"AttributeName": name, "AttributeType": "S"} for name, _ in key_schema
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        for n in range(items):
            item = {"PK": {"S": f"C#{n % 100}"}, "SK": {"S": f"INV#{n}"}, "v": {"N": "0"}}
            client.put_item(TableName="floor", Item=item)
        invoice = {"PK": {"S": "C#1"}, "SK": {"S": "INV#101"}}
        bump = {
            "TableName": "floor",
            "Key": invoice,
            "UpdateExpression": "SET v = v + :one",
            "ConditionExpression": "attribute_exists(PK)",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
        made = Counter[str]()

        def claim() -> None:
            client.update_item(**bump)

        def record() -> None:
            made["payments"] += 1
            payment = {"PK": {"S": f"PAY#{made['payments']}"}, "SK": {"S": "PAY"}}
            client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": "floor",
                            "Item": payment,
                            "ConditionExpression": "attribute_not_exists(PK)",
                        }
                    },
                    {"Update": bump},
                ]
            )

        timed = []
        for call in (claim, record):
            for _ in range(20):
                call()
            started = time.perf_counter()
            for _ in range(repeats):
                call()
            timed.append((time.perf_counter() - started) / repeats * 1000)
    return Floor(claim_ms=timed[0], record_ms=timed[1], items=items)


# --- fresh interpreters -----------------------------------------------------------------------


def _child(conn: Any, action: str, args: tuple[Any, ...]) -> None:
    try:
        result = {"measure": measure, "profile": profile, "floor": floor}[action](*args)
    except BaseException as error:
        conn.send(("error", "".join(traceback.format_exception(error))))
    else:
        conn.send(("ok", result))
    conn.close()


def in_child(action: str, *args: Any) -> Any:
    """`measure(*args)`, `profile(*args)` or `floor(*args)` in a fresh interpreter (spawned:
    nothing of this process's moto, memory or imports comes along), its result returned here."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, action, args), name=f"autopay-{action}")
    child.start()
    send.close()
    status, result = receive.recv()
    child.join()
    if status != "ok":
        raise RuntimeError(f"the AutoPay bench's {action}{args} failed:\n{result}")
    return result
