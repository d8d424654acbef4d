"""AutoPay's guarantee, under the faults DESIGN 4.4 names: every due invoice is charged
exactly once, whatever overlaps, repeats, crashes or fails.

The invoice count is `AUTOPAY_FAULT_INVOICES` (default 60, so `make test` stays fast;
`AUTOPAY_FAULT_INVOICES=1000 pytest tests/functional/test_autopay_faults.py` runs the issue's
full size). Runs are threads over in-process moto with DynamoDB's per-request atomicity
(`tests/support/atomic_moto.py`); jobs are interleaved in a random order per seed.
"""

from __future__ import annotations

import contextlib
import os
import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portico.data.items import InvoiceItem, PaymentItem
from portico.data.payments import PaymentRepository
from portico.domain.autopay import ChargeJob
from portico.payments import GatewayUnavailable
from portico.services.autopay_run import charge_job, start_run
from portico_local.fake_stripe.server import Fault
from tests.support.api import call, put
from tests.support.atomic_moto import atomic_dynamodb
from tests.support.factories import a_business, customer_body, invoice_body
from tests.support.payments import add_card
from tests.support.sessions import bearer, signed_up

INVOICES = int(os.environ.get("AUTOPAY_FAULT_INVOICES", "60"))
PER_CUSTOMER = 20


def autopay_customers(services, fake, biz, count, prefix="cust"):
    """`count` signed-in customers, each with a Visa on AutoPay."""
    ids = []
    for n in range(count):
        customer_id = f"{prefix}-{n}"
        email = f"{customer_id}@example.com"
        put(biz, f"/v1/admin/customers/{customer_id}", customer_body(email=email))
        headers = bearer(signed_up(services, biz.business_id, customer_id, email))
        card = add_card(fake, headers)
        body = {
            "enabled": True,
            "payment_method_id": card["payment_method_id"],
            "accept_terms": True,
        }
        assert call("PUT", "/v1/me/autopay", body, headers=headers).status == 200
        ids.append(customer_id)
    return ids


def due_invoices(biz, customers, count, due="2026-05-01"):
    small = {"lines": [{"description": "Weekly service", "unit_amount": 6000}], "tax_amount": 0}
    ids = []
    for n in range(count):
        invoice_id = f"inv-{n}"
        customer_id = customers[n // PER_CUSTOMER]
        body = invoice_body(
            customer_id, number=f"A-{n}", due_date=due, autopay_eligible=True, total=6000, **small
        )
        put(biz, f"/v1/admin/invoices/{invoice_id}", body)
        ids.append(invoice_id)
    return ids


@pytest.fixture
def world(services, clock, fake_stripe):
    biz = a_business(services)
    put(biz, "/v1/admin/portal", {"enabled": True})
    customers = autopay_customers(services, fake_stripe, biz, -(-INVOICES // PER_CUSTOMER))
    invoices = due_invoices(biz, customers, INVOICES)
    return biz, invoices


def account_of(services, biz):
    from portico.data.items import BusinessItem

    return BusinessItem.get(*BusinessItem.keys(biz.business_id)).stripe_account


def charged_per_invoice(fake, account) -> Counter[str]:
    """How many succeeded charges Stripe holds for each invoice (by the payment's metadata)."""
    counts: Counter[str] = Counter()
    payments = {}
    for item in PaymentItem.scan():
        if item.payment_intent_id:
            payments[item.payment_intent_id] = [a["invoice_id"] for a in item.applied_to]
    for charge in fake.charges(account):
        if charge["status"] == "succeeded":
            for invoice_id in payments.get(charge["payment_intent"], ["?"]):
                counts[invoice_id] += 1
    return counts


def assert_each_charged_once(services, fake, biz, invoices):
    counts = charged_per_invoice(fake, account_of(services, biz))
    assert set(counts) == set(invoices), "some invoices were never charged"
    assert max(counts.values()) == 1, [i for i, n in counts.items() if n > 1][:10]
    for invoice_id in invoices[:: max(1, len(invoices) // 20)]:
        customer = f"cust-{int(invoice_id.split('-')[1]) // PER_CUSTOMER}"
        item = InvoiceItem.get(*InvoiceItem.keys(biz.business_id, customer, invoice_id))
        assert (item.amount_paid, item.payment_pending, item.gsi4pk) == (6000, None, None)


def drain(services, jobs, workers, seed):
    """Charge the jobs from `workers` threads in a random order, as concurrent workers would
    take them off the queue; a job whose outcome is unknown goes back on the queue."""
    pending = list(jobs)
    random.Random(seed).shuffle(pending)
    lock = threading.Lock()

    def work() -> None:
        limited = services.rate_limited()
        while True:
            with lock:
                if not pending:
                    return
                job = pending.pop()
            try:
                charge_job(limited, job)
            except GatewayUnavailable:
                with lock:
                    pending.insert(0, job)  # SQS delivers it again later

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(work) for _ in range(workers)]:
            future.result()


@pytest.mark.parametrize("runs", [2, 4, 8])
def test_given_overlapping_runs_over_the_same_due_invoices_then_each_is_charged_once(
    world, services, fake_stripe, runs
):
    biz, invoices = world
    seed = runs * 7919
    with atomic_dynamodb():
        selections: list[list[ChargeJob]] = [[] for _ in range(runs)]
        with ThreadPoolExecutor(max_workers=runs) as pool:
            list(
                pool.map(
                    lambda jobs: start_run(services, services.clock.now(), jobs.extend),
                    selections,
                )
            )
        assert all(len(jobs) == len(invoices) for jobs in selections)
        drain(services, [job for jobs in selections for job in jobs], runs, seed)

    assert_each_charged_once(services, fake_stripe, biz, invoices)


def test_given_stripe_failing_5_percent_of_the_time_then_the_run_completes_charging_once(
    world, services, fake_stripe
):
    biz, invoices = world
    rng = random.Random(5)
    for _ in range(max(1, len(invoices) // 20)):
        fault = rng.choice(
            [
                Fault(status=500, phase="after", path="/v1/payment_intents"),
                Fault(status=500, phase="before", path="/v1/payment_intents"),
                Fault(status=429, path="/v1/payment_intents"),
                Fault(timeout=True, path="/v1/payment_intents"),
            ]
        )
        fake_stripe.inject(fault)
    jobs: list[ChargeJob] = []
    start_run(services, services.clock.now(), jobs.extend)

    with atomic_dynamodb():  # two worker threads: moto applies each request whole
        drain(services, jobs, 2, seed=11)

    assert_each_charged_once(services, fake_stripe, biz, invoices)


CRASH_POINTS = ["after_claim", "after_stripe", "before_record", "after_record"]


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_given_a_worker_dying_at_any_step_then_the_next_run_neither_loses_nor_repeats_a_charge(
    world, services, fake_stripe, monkeypatch, point
):
    biz, invoices = world
    victims = set(invoices[:: max(1, len(invoices) // 10)])

    class Killed(BaseException):
        """The Lambda ending mid-way: nothing after it runs, no handler catches it."""

    def killing(original, when):
        def wrapped(*args, **kwargs):
            payment = next((a for a in args if hasattr(a, "applied_to")), None)
            invoice_id = (
                payment.applied_to[0].invoice_id if payment and payment.applied_to else None
            )
            doomed = invoice_id in victims
            if doomed and when == "before":
                victims.discard(invoice_id)
                raise Killed
            result = original(*args, **kwargs)
            if doomed and when == "after":
                victims.discard(invoice_id)
                raise Killed
            return result

        return wrapped

    if point == "after_claim":
        monkeypatch.setattr(PaymentRepository, "start", killing(PaymentRepository.start, "after"))
    elif point == "before_record":
        monkeypatch.setattr(
            PaymentRepository, "settle", killing(PaymentRepository.settle, "before")
        )
    elif point == "after_record":
        monkeypatch.setattr(PaymentRepository, "settle", killing(PaymentRepository.settle, "after"))
    else:  # after Stripe answered, before anything is recorded: at the Lambda's timeout
        from portico.services import payments

        original = payments.record_charge

        def killed_after_stripe(svc, owner, payment, charge):
            invoice_id = payment.applied_to[0].invoice_id
            if invoice_id in victims:
                victims.discard(invoice_id)
                raise Killed
            return original(svc, owner, payment, charge)

        monkeypatch.setattr(payments, "record_charge", killed_after_stripe)

    jobs: list[ChargeJob] = []
    start_run(services, services.clock.now(), jobs.extend)
    for job in jobs:
        with contextlib.suppress(Killed):  # the message is lost, even: the next run finds it
            charge_job(services, job)
    monkeypatch.undo()

    later: list[ChargeJob] = []
    start_run(services, services.clock.now() + timedelta(minutes=15), later.extend)
    for job in later:
        charge_job(services, job)

    assert_each_charged_once(services, fake_stripe, biz, invoices)


def test_given_the_same_job_twice_and_the_schedule_twice_then_one_charge(
    world, services, fake_stripe
):
    biz, invoices = world
    first: list[ChargeJob] = []
    second: list[ChargeJob] = []
    start_run(services, services.clock.now(), first.extend)
    start_run(services, services.clock.now(), second.extend)  # the event delivered twice
    assert {j.run_id for j in first} == {j.run_id for j in second}

    for job in first + first + second:  # and every message delivered twice
        charge_job(services, job)

    assert_each_charged_once(services, fake_stripe, biz, invoices)


def test_given_an_invoice_voided_between_selection_and_charge_then_it_is_not_charged(
    world, services, fake_stripe
):
    biz, invoices = world
    jobs: list[ChargeJob] = []
    start_run(services, services.clock.now(), jobs.extend)
    voided = invoices[0]
    item = InvoiceItem.get(*InvoiceItem.keys(biz.business_id, "cust-0", voided))
    body = invoice_body(
        "cust-0",
        number=item.number,
        status="void",
        due_date="2026-05-01",
        autopay_eligible=True,
        total=6000,
        lines=[{"description": "Weekly service", "unit_amount": 6000}],
        tax_amount=0,
    )
    put(biz, f"/v1/admin/invoices/{voided}", body)

    outcomes = [charge_job(services, job) for job in jobs]

    skipped = [o for o in outcomes if o and o.invoice_id == voided]
    assert [(o.outcome.value, o.reason) for o in skipped] == [("skipped", "paid_or_void")]
    counts = charged_per_invoice(fake_stripe, account_of(services, biz))
    assert voided not in counts
    assert max(counts.values()) == 1


# --- a year of runs across daylight saving ----------------------------------------------------

ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe"]


def dst_changes(zone: str, year: int) -> list[date]:
    tz = ZoneInfo(zone)
    days = (date(year, 1, 1) + timedelta(days=n) for n in range(365))
    return [
        d
        for d in days
        if datetime(d.year, d.month, d.day, tzinfo=tz).utcoffset()
        != (datetime(d.year, d.month, d.day, tzinfo=tz) + timedelta(days=1)).utcoffset()
    ]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("timing", ["on_due", "before_due"])
def test_given_every_15_minute_run_of_a_year_then_each_due_date_becomes_due_exactly_once(
    zone, timing
):
    """The run's selection over a whole year, every 15 minutes (35,040 runs): the day it
    first selects an invoice due on D is D (or D - 3 days), in the business's zone, for every
    D of the year; the selection never goes backwards, so no due date is skipped or repeated."""
    from portico.clock import business_date
    from portico.domain.business import AutoPaySettings, Business
    from portico.services.autopay_run import first_attempts_until

    policy = AutoPaySettings(charge_timing=timing, days_before_due=3)
    business = Business(
        business_id="b", name="B", slug="b-b", contact={}, timezone=zone, currency="USD",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    tz = ZoneInfo(zone)
    first_selected: dict[date, date] = {}
    reached = date(2025, 12, 1)
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    while moment.year == 2026:
        until = first_attempts_until(policy, business_date(business.timezone, moment))
        assert until is not None
        assert until >= reached  # never backwards
        day = reached + timedelta(days=1)
        while day <= until:  # due dates this run selects for the first time
            first_selected[day] = moment.astimezone(tz).date()
            day += timedelta(days=1)
        reached = until
        moment += timedelta(minutes=15)
    offset = timedelta(days=3 if timing == "before_due" else 0)
    year = [date(2026, 1, 5) + timedelta(days=n) for n in range(350)]
    assert all(first_selected[d] == d - offset for d in year)
    assert len(dst_changes(zone, 2026)) == 2


@pytest.mark.parametrize("zone", ZONES)
def test_given_runs_through_both_daylight_saving_changes_then_each_invoice_charged_once_on_its_day(
    services, clock, fake_stripe, zone
):
    """Invoices due on each DST change day, the day after, and an ordinary day; runs every
    15 minutes from local 23:00 the evening before to 03:00 (across midnight and the change),
    then at 09:00, 15:00 and 21:00:
    each is charged exactly once, on its due date in the business's time zone."""
    biz = a_business(services)
    put(biz, "/v1/admin/portal", {"enabled": True, "timezone": zone})
    [customer] = autopay_customers(services, fake_stripe, biz, 1)
    tz = ZoneInfo(zone)
    changes = dst_changes(zone, 2026)
    due_days = sorted({*changes, *(c + timedelta(days=1) for c in changes), date(2026, 6, 30)})
    small = {"lines": [{"description": "Service", "unit_amount": 6000}], "tax_amount": 0}
    for n, day in enumerate(due_days):
        body = invoice_body(
            customer,
            number=f"D-{n}",
            issue_date="2026-01-01",
            due_date=day.isoformat(),
            autopay_eligible=True,
            total=6000,
            **small,
        )
        put(biz, f"/v1/admin/invoices/inv-{n}", body)
    moments = set()
    for day in due_days:
        midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
        dense = midnight - timedelta(hours=1)
        moments |= {(dense + timedelta(minutes=15 * k)).astimezone(UTC) for k in range(17)}
        moments |= {(midnight + timedelta(hours=h)).astimezone(UTC) for h in (9, 15, 21)}
    charged_on: dict[str, date] = {}
    for moment in sorted(moments):
        clock.set(moment)
        jobs: list[ChargeJob] = []
        start_run(services, moment, jobs.extend)
        for job in jobs:
            outcome = charge_job(services, job)
            if outcome and outcome.outcome.value == "charged":
                assert job.invoice_id not in charged_on, f"{job.invoice_id} charged twice"
                charged_on[job.invoice_id] = moment.astimezone(tz).date()

    assert charged_on == {f"inv-{n}": day for n, day in enumerate(due_days)}
