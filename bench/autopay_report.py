"""The AutoPay section of `make bench`: (e) a run's throughput, (f) AutoPay against its DESIGN
section 5 targets, (g) where one charge's time goes, (h) the rate limiter on a virtual clock.

The measurements live in `bench.autopay` (each in a fresh interpreter) and `bench.ratesim`;
this module runs them and draws their tables.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench import ratesim
from bench.report import Table, calls_text, verdict

if TYPE_CHECKING:
    from bench.autopay import Floor, Profile, RunResult

SIZES = (300, 3000)
QUICK_SIZES = (100, 1000)
KEPT_ALLOWANCE = 50  # objects outside moto a run may leave alive whatever its size


@dataclass
class AutoPayFigures:
    runs: list[RunResult]
    profile: Profile
    floor: Floor
    rates: list[ratesim.RateResult]
    seconds: float


def measure(
    sizes: Sequence[int], workers: int, say: Callable[[str], None] = print
) -> AutoPayFigures:
    """Every throughput run and the profile, each in its own interpreter, then the limiter's
    simulations."""
    from bench import autopay

    started = time.monotonic()
    runs = []
    for size in sorted(sizes):
        say(f"AutoPay: building {size:,} due invoices and charging them ...")
        run = autopay.in_child("measure", size, workers)
        say(
            f"AutoPay: {size:,} invoices charged in {run.seconds:.1f} s "
            f"({run.rate:.1f}/s; world built in {run.build_seconds:.0f} s)"
        )
        runs.append(run)
    say(f"AutoPay: profiling {autopay.PROFILE_INVOICES} charges ...")
    profile = autopay.in_child("profile", autopay.PROFILE_INVOICES, autopay.PROFILE_TRACED)
    say("AutoPay: timing moto's own floor ...")
    floor = autopay.in_child("floor")
    rates = [ratesim.simulate(workers=k) for k in ratesim.SWEEP]
    return AutoPayFigures(runs, profile, floor, rates, time.monotonic() - started)


def _kib(mb: float) -> float:
    return mb * 1024


def _growth_kib(run: RunResult) -> float:
    return _kib(run.rss_peak_mb - run.rss_start_mb) / run.invoices


def _kept_outside(run: RunResult) -> int:
    return sum(run.kept_other.values())


def _per_charge(calls: Counter[str], charges: int) -> str:
    total = sum(calls.values()) / charges
    return f"{total:.2f} ({calls_text(Counter({k: round(v / charges) for k, v in calls.items()}))})"


def throughput_table(figures: AutoPayFigures) -> Table:
    table = Table(
        "(e) AutoPay throughput: one scheduler run and the charge worker, in-process against "
        "moto, fake Stripe at 0 ms",
        [
            "due invoices",
            "businesses / customers",
            "worker threads",
            "all queued at s",
            "all charged in s",
            "invoices/s",
            "AWS requests per charge",
            "RSS at start MB",
            "RSS peak MB",
            "RSS growth KiB/invoice",
            "each charged once",
        ],
    )
    for run in figures.runs:
        table.add(
            f"{run.invoices:,}",
            f"20 / {run.customers:,}",
            run.workers,
            f"{run.selected_at:.1f}",
            f"{run.seconds:.1f}",
            f"{run.rate:.1f}",
            _per_charge(run.worker_calls, run.invoices),
            f"{run.rss_start_mb:.0f}",
            f"{run.rss_peak_mb:.0f}",
            f"{_growth_kib(run):.1f}",
            verdict(run.verification.passed and run.selected == run.invoices),
        )
    first = figures.runs[0]
    table.notes.append(
        f"The world, built off the clock in a fresh interpreter per size: 20 businesses "
        f"(AutoPay on the due date, America/Chicago), customers dealt round them, each with "
        f"a Visa (`pm_card_visa`) saved through the wallet's services and confirmed at the "
        f"fake Stripe as Stripe.js does, AutoPay turned on with the terms accepted, and "
        f"{_per_customer(first)} invoices due today (2026-05-01) each, written as "
        f"`records.upsert_invoice` writes a new invoice (the first through it; the next "
        f"checked to be the same item). Built in "
        + ", ".join(f"{run.build_seconds:.0f} s ({run.invoices:,})" for run in figures.runs)
        + "."
    )
    table.notes.append(
        "Timed from the scheduler's `start_run` to the last job charged. The scheduler sends "
        "its jobs to the AutoPay queue (moto's SQS) and the bench hands them to the worker "
        "threads in batches of 10, as the event source mapping would, while it goes on "
        "selecting (`all queued at`); each record goes through the worker's own handler "
        "(`autopay_scheduler.worker.charge`) with `Services.rate_limited()`, a failed one "
        "delivered again up to 5 times. The queues are emptied every quarter of a second, as "
        "their consumers would (the event source mapping deletes a charged job's message, "
        "the mailer takes the receipts): moto looks at every message of a queue on each "
        "send, so a queue nobody reads makes each send dearer than the last (+20 ms a "
        "charge per 1,000 receipts waiting, measured). The rate limiter is set to 1000 "
        "calls/s, so its DynamoDB counter is counted (the UpdateItem per charge) but never "
        "binds: at the default 20/s, 10,000 charges take at least 500 s whatever else "
        "happens."
    )
    table.notes.append(
        "Before the clock starts, the worker is made warm, as a Lambda instance is after its "
        "first batch: its modules imported, its SQS clients made, and every item class's "
        "PynamoDB connection opened. PynamoDB keeps one connection per item class "
        "(`portico.data.table.configure` resets each class's), each with its own botocore "
        "session and client: "
        + ", ".join(
            f"{run.warm_up_clients} more clients took RSS from {run.rss_built_mb:.0f} to "
            f"{run.rss_start_mb:.0f} MB ({run.invoices:,})"
            for run in figures.runs
        )
        + "."
    )
    table.notes.append(
        "The threads share one interpreter, so the GIL gives them one core between them "
        "(moto's requests are serialised besides, `tests/support/atomic_moto.py`, as "
        "DynamoDB applies each atomically); the fake Stripe runs in a process of its own, "
        "on the other core, as Stripe runs elsewhere. Deployed, each worker is a Lambda "
        "instance of its own (MaximumConcurrency 10)."
    )
    fast = (
        "`tests/support/fast_moto.py`'s TransactWriteItems (installed with "
        "`install_fast_transactions()`: it copies the items a transaction writes, not the "
        "whole table)"
        if all(run.fast_transactions for run in figures.runs)
        else "moto's own TransactWriteItems (tests/support/fast_moto.py is absent)"
    )
    same = all(run.query_same for run in figures.runs)
    table.notes.append(
        f"moto runs with {fast} and `bench/moto_queries.py` (a Query reads its partition, "
        f"or an index query the items with that index key, where moto sorts the whole table "
        f"for every Query); both leave moto's answers alone, and after each run a customer's "
        f"collection and AutoPay's card index read the same either way: "
        f"{'yes' if same else 'NO'}. Without them each charge costs more than the one "
        f"before it, for moto's sake."
    )
    for run in figures.runs:
        check = run.verification
        kept = ", ".join(f"{name} {n}" for name, n in run.kept_other.most_common(4))
        table.notes.append(
            f"{run.invoices:,}: {check.succeeded_at_stripe:,} succeeded charges at the fake "
            f"({check.attempts_at_stripe:,} attempts, {check.intents_created:,} "
            f"PaymentIntents) on {check.accounts_matching} accounts each matching its "
            f"business's invoices; {check.charged_once:,} invoices charged exactly once, "
            f"{check.charged_twice} twice, {check.never_charged} never; {check.paid:,} "
            f"recorded paid, released and out of AutoPay's index"
            + (f"; problems: {'; '.join(check.problems)}" if check.problems else "")
            + f". Redelivered {run.redelivered}, dead-lettered {run.dead_lettered}; messages "
            f"queued: "
            + ", ".join(f"{name} {n:,}" for name, n in sorted(run.consumed.items()) if n)
            + ". "
            f"Scheduler: {calls_text(run.scheduler_calls)}. RSS peak of the whole process "
            f"{run.max_rss_mb:.0f} MB (the build included); moto's table went from "
            f"{run.items_before:,} to {run.items_after:,} items; objects made during the run "
            f"and alive after it: moto's {run.kept_moto:,}, others' {_kept_outside(run)}"
            + (f" ({kept})" if kept else "")
            + "."
        )
    return table


def _per_customer(run: RunResult) -> int:
    return round(run.invoices / run.customers)


def _projected(rate: float, invoices: int = 10_000) -> float:
    return invoices / rate


def targets_table(figures: AutoPayFigures) -> Table:
    from bench.autopay import SCALE_LIMIT, TARGET_INVOICES, TARGET_SECONDS

    runs, profile = figures.runs, figures.profile
    table = Table("(f) AutoPay against DESIGN section 5", ["target", "measured", "result"])
    largest, smallest = runs[-1], runs[0]
    at_target = next((run for run in runs if run.invoices == TARGET_INVOICES), None)
    if at_target is not None:
        table.add(
            f"{TARGET_INVOICES:,} due invoices charged in <= {TARGET_SECONDS:.0f} s (2 cores)",
            f"{at_target.seconds:.1f} s ({at_target.rate:.1f} invoices/s)",
            verdict(at_target.seconds <= TARGET_SECONDS),
        )
    else:
        table.add(
            f"{TARGET_INVOICES:,} due invoices charged in <= {TARGET_SECONDS:.0f} s (2 cores)",
            f"not run ({TARGET_INVOICES:,} would take about "
            f"{_projected(largest.rate) / 60:.0f} minutes here); largest run: "
            f"{largest.invoices:,} in {largest.seconds:.1f} s, {largest.rate:.1f} invoices/s "
            f"against the {TARGET_INVOICES / TARGET_SECONDS:.0f}/s the target needs",
            verdict(largest.rate * TARGET_SECONDS >= TARGET_INVOICES),
        )
    shares = _shares(profile)
    table.add(
        "projection (not a measurement)",
        f"at {largest.rate:.1f}/s, {TARGET_INVOICES:,} take {_projected(largest.rate):,.0f} s; "
        f"without moto ({shares['moto']:.0%} of a charge in (g)) "
        f"{_projected(largest.rate) * (1 - shares['moto']):,.0f} s; Portico's own code alone "
        f"({profile.per_charge_ms * shares['portico']:.1f} ms a charge in (g)) "
        f"{TARGET_INVOICES * profile.per_charge_ms * shares['portico'] / 1000:,.0f} s on one "
        f"core",
        "INFO",
    )
    floor = figures.floor
    floor_ms = floor.claim_ms + floor.record_ms
    table.add(
        "moto's floor (why the target is out of reach in-process)",
        f"the two writes DESIGN 4.4 needs per charge, as bare boto3 calls against moto on "
        f"{floor.items:,} items: a conditional UpdateItem (the claim) {floor.claim_ms:.1f} ms "
        f"+ a two-item TransactWriteItems (the record) {floor.record_ms:.1f} ms = "
        f"{floor_ms:.1f} ms, so {TARGET_INVOICES:,} charges take at least "
        f"{TARGET_INVOICES * floor_ms / 1000:,.0f} s on the one core moto runs on, with "
        f"Portico, PynamoDB and Stripe costing nothing",
        "INFO",
    )
    ratio = (largest.seconds / smallest.seconds) if smallest.seconds else float("inf")
    factor = largest.invoices / smallest.invoices
    scaled_limit = SCALE_LIMIT * factor / 10
    table.add(
        f"{factor:.0f}x the invoices in <= {scaled_limit:.1f}x the time",
        f"{smallest.invoices:,} in {smallest.seconds:.1f} s, {largest.invoices:,} in "
        f"{largest.seconds:.1f} s: {ratio:.2f}x",
        verdict(ratio <= scaled_limit) if factor > 1 else "SKIP",
    )
    kept_small, kept_large = _kept_outside(smallest), _kept_outside(largest)
    flat = kept_large <= max(KEPT_ALLOWANCE, kept_small * 1.1)
    table.add(
        "memory flat",
        f"objects left alive outside moto: {kept_small:,} after {smallest.invoices:,}, "
        f"{kept_large:,} after {largest.invoices:,} ({kept_large - kept_small:+,} for "
        f"{factor:.0f}x the invoices: made once, on first use); RSS grew "
        f"{_growth_kib(smallest):.1f} and {_growth_kib(largest):.1f} KiB per invoice, which "
        f"is moto's table and queues in this process (its objects left alive: "
        f"{smallest.kept_moto / smallest.invoices:.0f} and "
        f"{largest.kept_moto / largest.invoices:.0f} per invoice)",
        verdict(flat),
    )
    twice = sum(run.verification.charged_twice for run in runs)
    never = sum(run.verification.never_charged for run in runs)
    total = sum(run.invoices for run in runs)
    table.add(
        "double charges: 0 (here one run, no faults)",
        f"{twice} of {total:,} invoices charged twice, {never} never",
        verdict(all(run.verification.passed for run in runs)),
    )
    writes = _writes(profile)
    table.add(
        "writes: one TransactWriteItems per state change",
        f"per charge ({profile.charged} timed in (g)): "
        + ", ".join(f"{name} x{n:g} ({sites})" for name, (n, sites) in writes.items()),
        "INFO",
    )
    target = next(rate for rate in figures.rates if rate.workers == ratesim.WORKERS)
    table.add(
        f"fake Stripe at {ratesim.CALL_MS:.0f} ms, {ratesim.LIMIT} req/s: >= "
        f"{ratesim.USED_TARGET:.0%} of the limit used",
        f"{target.used:.1%} with {target.workers} workers (mean {target.mean:.2f} calls/s "
        f"over {target.seconds} virtual seconds)",
        verdict(target.used >= ratesim.USED_TARGET),
    )
    table.add(
        "... never above it",
        f"busiest second {max(target.per_second)} calls; {target.above_limit} seconds above",
        verdict(target.above_limit == 0),
    )
    table.notes.append(
        "The throughput target is judged on what was measured: in-process, moto stands in "
        "for DynamoDB and SQS on the same core, and its share of each charge is in (g). The "
        "projection scales the measured rate (the scaling row supports doing so) and takes "
        "out the shares of (g); it assumes nothing about DynamoDB's latency or Lambda."
    )
    table.notes.append(
        "Writes: DESIGN 4.4 has the worker record a charge's result in one transaction; the "
        "run's outcome item is written apart from it (a PutItem after the settling "
        "transaction), and the rate limiter's counter is one UpdateItem per Stripe call."
    )
    table.notes.append(
        "Memory: in this process moto keeps every item and message the run writes, so RSS "
        "grows with the invoices whatever Portico does; what Portico, botocore, PynamoDB "
        "and the Stripe SDK keep is counted apart (objects tracked by the collector, made "
        f"during the run and alive after it). Flat: no more than {KEPT_ALLOWANCE}, or 10% "
        "over the smaller run's."
    )
    return table


_WRITES = ("TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem")


def _writes(profile: Profile) -> dict[str, tuple[float, str]]:
    """Writes per charge by operation: how many, and which repository methods made them."""
    found: dict[str, tuple[float, str]] = {}
    for operation in _WRITES:
        sites = Counter(
            {
                name.partition(" ")[2]: n
                for name, n in profile.calls.items()
                if name.partition(" ")[0] == operation
            }
        )
        if sites:
            found[operation] = (
                round(sum(sites.values()) / profile.charged, 2),
                ", ".join(site.split(" < ")[0] for site in sites),
            )
    return found


def _shares(profile: Profile) -> dict[str, float]:
    total = profile.seconds * 1000
    moto = sum(profile.moto_ms.values())
    client = profile.client_ms - moto
    stripe = profile.stripe_sdk_ms
    portico = total - profile.client_ms - stripe
    return {
        "moto": moto / total,
        "client": client / total,
        "stripe": stripe / total,
        "portico": portico / total,
    }


def _operation_of(name: str) -> str:
    return name.split(" ", 1)[0]


def profile_table(figures: AutoPayFigures) -> Table:
    profile = figures.profile
    charges = profile.charged
    per = 1 / charges
    total_ms = profile.seconds * 1000
    table = Table(
        "(g) Where one AutoPay charge's time goes (one worker, in turn)",
        ["part", "requests per charge", "ms per charge", "share", "made by"],
    )
    by_operation: dict[str, Counter[str]] = {}
    for name, count in profile.calls.items():
        operation, _, site = name.partition(" ")
        by_operation.setdefault(operation, Counter())[site or "?"] += count
    moto_total = sum(profile.moto_ms.values())
    for operation, sites in sorted(
        by_operation.items(), key=lambda kv: -profile.moto_ms.get(kv[0].split(":")[-1], 0)
    ):
        moto_ms = profile.moto_ms.get(operation.split(":")[-1], 0.0)
        made_by = ", ".join(
            f"{site}" + (f" x{round(n * per)}" if round(n * per) > 1 else "")
            for site, n in sites.most_common()
        )
        table.add(
            f"moto: {operation}",
            f"{sum(sites.values()) * per:.2f}",
            f"{moto_ms * per:.2f}",
            f"{moto_ms / total_ms:.0%}",
            made_by,
        )
    table.add(
        "moto, all AWS requests",
        f"{sum(profile.calls.values()) * per:.2f}",
        f"{moto_total * per:.2f}",
        f"{moto_total / total_ms:.0%}",
        "DynamoDB and SQS, simulated in this process",
    )
    table.add(
        "... of which moto's response serializer",
        "",
        f"{profile.serialize_ms * per:.2f}",
        f"{profile.serialize_ms / total_ms:.0%}",
        "moto 5.2 walks botocore's output shape for every value",
    )
    client = profile.client_ms - moto_total
    table.add(
        "botocore, client side",
        "",
        f"{client * per:.2f}",
        f"{client / total_ms:.0%}",
        "request building, signing, serializing, parsing, event hooks (PynamoDB's calls included)",
    )
    table.add(
        "Stripe: the SDK's call",
        f"{sum(profile.stripe_calls.values()) * per:.2f}",
        f"{profile.stripe_sdk_ms * per:.2f}",
        f"{profile.stripe_sdk_ms / total_ms:.0%}",
        calls_text(Counter({k: round(v * per) for k, v in profile.stripe_calls.items()})),
    )
    table.add(
        "... of which the round trip to the fake",
        "",
        f"{profile.stripe_http_ms * per:.2f}",
        f"{profile.stripe_http_ms / total_ms:.0%}",
        "loopback HTTP, the fake in its own process",
    )
    rest = total_ms - profile.client_ms - profile.stripe_sdk_ms
    table.add(
        "Portico and the rest",
        "",
        f"{rest * per:.2f}",
        f"{rest / total_ms:.0%}",
        "Portico, pydantic, PynamoDB's models, Powertools' logger",
    )
    table.add("total", "", f"{profile.per_charge_ms:.2f}", "100%", f"{charges} charges timed")
    shares = _shares(profile)
    table.lead.append(
        f"**One charge: {profile.per_charge_ms:.1f} ms** ({charges} timed, one after another, "
        f"of {profile.invoices} due): moto {shares['moto']:.0%}, botocore "
        f"{shares['client']:.0%}, Stripe {shares['stripe']:.0%}, Portico and the rest "
        f"{shares['portico']:.0%}; {sum(profile.calls.values()) * per:.0f} AWS requests "
        f"and {sum(profile.stripe_calls.values()) * per:.0f} Stripe call per charge."
    )
    table.notes.append(
        f"Measured in a fresh interpreter with the world of (e) for {profile.invoices} due "
        f"invoices: the scheduler's run, then one worker charging the jobs in turn with "
        f"clocks on every AWS call (botocore's `_make_api_call`, moto's `process_request` "
        f"and response serializer) and on the gateway (the Stripe SDK's call, and its HTTP "
        f"round trip); `made by` is the innermost Portico data-layer function < service "
        f"function on the stack."
    )
    table.notes.append(
        f"Scheduler, per run over 20 businesses: {calls_text(profile.scheduler_calls)} (per "
        f"business: AutoPay's index in 4 shards x 2 ranges, the notices' 4 shards, the "
        f"expiring cards, unfinished runs; and the run's report)."
    )
    kept = ", ".join(f"{name} {n}" for name, n in profile.kept_other.most_common(4))
    table.notes.append(
        f"Memory while charging ({profile.traced} more charges under tracemalloc, after the "
        f"timed ones): peak {profile.traced_peak_mb:.1f} MB above the start, moto's "
        f"transient allocations included; objects left alive: moto's "
        f"{profile.kept_moto:,} ({profile.kept_moto / profile.traced:.0f} per charge: the "
        f"items and messages it stores), others' {sum(profile.kept_other.values())}"
        + (f" ({kept})" if kept else "")
        + "."
    )
    return table


def rate_table(figures: AutoPayFigures) -> Table:
    table = Table(
        f"(h) AutoPay's rate limiter on a virtual clock ({ratesim.LIMIT} calls/s, Stripe at "
        f"{ratesim.CALL_MS:.0f} ms a call)",
        [
            "workers",
            "calls/s min",
            "mean",
            "max",
            "of the limit",
            "seconds above it",
            "busiest 1 s window",
            "refused acquire() per s",
            "target",
            "result",
        ],
    )
    for rate in figures.rates:
        judged = rate.workers == ratesim.WORKERS
        table.add(
            rate.workers,
            min(rate.per_second),
            f"{rate.mean:.2f}",
            max(rate.per_second),
            f"{rate.used:.1%}",
            rate.above_limit,
            rate.busiest_window,
            f"{rate.refused / rate.seconds:.1f}",
            f">= {ratesim.USED_TARGET:.0%}, never above" if judged else "-",
            verdict(rate.passed) if judged else "INFO",
        )
    table.notes.append(
        f"`RateLimiter` with `InMemoryWindowCounter`, driven by a discrete-event simulation "
        f"(`bench/ratesim.py`): each worker loops `acquire()` then a {ratesim.CALL_MS:.0f} "
        f"ms call, for {ratesim.SECONDS} virtual seconds; a call counts in the second it "
        f"starts. The target is judged with {ratesim.WORKERS} workers (the charge worker's "
        f"MaximumConcurrency); the others show where the limit starts to bind."
    )
    table.notes.append(
        "The limiter counts calls per clock second; `busiest 1 s window` is the most calls "
        "started within any second, wherever it starts, which is what a sliding-window "
        "limiter at Stripe would see. Each refused `acquire()` is, deployed, a failed "
        "conditional UpdateItem on the second's counter item (`DynamoWindowCounter`)."
    )
    return table


def tables(figures: AutoPayFigures) -> list[tuple[Table, bool]]:
    """The section's tables, each with whether its verdicts count in the summary (the
    targets' do; (e)'s exactly-once check and (h) repeat in (f))."""
    return [
        (throughput_table(figures), False),
        (targets_table(figures), True),
        (profile_table(figures), False),
        (rate_table(figures), False),
    ]
