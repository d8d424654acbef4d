"""`make bench`: Portico's figures beside the targets of DESIGN section 5.

    python -m bench                      # (a)-(d) in two minutes, AutoPay in about ten more
    python -m bench --quick              # (a)-(d) in well under a minute, AutoPay smaller
    python -m bench --no-autopay         # (a)-(d) only
    python -m bench --autopay-only       # (e)-(h) only
    python -m bench --markdown bench.md  # also write the figures to a markdown file

(a) import cost of each handler module in a fresh interpreter, (b) AWS calls per request of
every route against moto, split between the authorizer and the function, (c) in-process
latency per route and of the authorizer, (d) the payment routes of (c) with their calls to
the fake Stripe, the p99 of a payment first; then AutoPay (`bench/autopay.py`): (e) a run's
throughput at two sizes, 10x apart, (f) against its targets, (g) where one charge's time
goes, (h) the rate limiter on a virtual clock. Admin routes are called with the business's API
key, the customer's pages (/v1/me...) with a signed-in customer's access token, the public
sign-in routes with bodies that work (the right password, live links) and the Stripe webhook
with events signed as Stripe signs them. A missed target prints FAIL; the exit status stays
0 because the figures depend on the machine (the markdown file records which one).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from bench import imports
from bench.report import Table, calls_text, verdict

if TYPE_CHECKING:
    from bench.inprocess import Argon2Result, AuthorizerResult, Budget, RouteResult, Timings
    from bench.world import World


def _import_table(results: list[imports.ImportResult], runs: int) -> Table:
    table = Table(
        f"(a) Import cost per handler module (fresh interpreter, median of {runs})",
        ["module", "function", "median ms", "min-max ms", "target", "stripe", "network", "result"],
    )
    for result in results:
        handler = result.handler
        if result.error:
            table.add(handler.module, handler.function, "-", "-", "-", "-", "-", "FAIL")
            table.notes.append(f"{handler.module} failed to import: {result.error}")
            continue
        timings = [probe.ms for probe in result.probes]
        stripe_ok = handler.payments or not result.stripe
        table.add(
            handler.module,
            handler.function,
            f"{result.median_ms:.1f}",
            f"{min(timings):.0f}-{max(timings):.0f}",
            f"<= {handler.limit_ms:.0f} ms" + (" (payments)" if handler.payments else ""),
            ("yes" if result.stripe else "no") + ("" if stripe_ok else " (must be no)"),
            "none" if not result.network else f"{len(result.network)} attempt(s)",
            verdict(result.passed),
        )
        for attempt in result.network:
            table.notes.append(f"{handler.module} tried the network at import: {attempt}")
        if result.heaviest:
            heavy = ", ".join(f"{name} {ms:.0f} ms" for name, ms in result.heaviest)
            table.notes.append(
                f"{handler.module}, heaviest direct imports (-X importtime): {heavy}"
            )
    table.notes.append(
        "Timed around `import <module>` only, in `python -I` with the function's template "
        "environment and fake credentials; a discarded first run warms the bytecode cache."
    )
    return table


def _order(result: RouteResult) -> tuple[int, str, str]:
    """Customer pages first, then the public and sign-in routes, then the admin API; by
    path within each (a route's cases keep their order)."""
    route = result.route
    group = 0 if result.case.customer else 1 if not route.authorized else 2
    return group, route.path, route.method


def ordered(results: list[RouteResult]) -> list[RouteResult]:
    return sorted(results, key=_order)


def _calls_target(result: RouteResult) -> str:
    case = result.case
    if not result.read and (case.state_changes > 1 or case.idempotency_writes):
        changes = "state change" if case.state_changes == 1 else "state changes"
        return (
            f"<= {case.state_changes} TransactWriteItems ({case.state_changes} {changes}) "
            f"+ idempotency record ({case.idempotency_writes})"
        )
    if not result.read:
        return "<= 1 write per state change"
    if result.case.page_view or not result.route.authorized:
        return "1 per portal page view"
    return "1 per admin read"


def _calls_table(results: list[RouteResult], authorizers: list[AuthorizerResult]) -> Table:
    table = Table(
        "(b) AWS calls per request (moto, one request per route)",
        ["route", "status", "authorizer calls", "function calls", "target", "result"],
    )
    for result in ordered(results):
        label, case = result.label, result.case
        if result.case.maker is None:
            table.add(label, "-", "-", "-", "-", "SKIP")
            continue
        status = f"{result.status}"
        if case.expect and result.status == case.expect:
            status += " (expected)"
        table.add(
            label,
            status,
            calls_text(result.authorizer_calls) if result.route.authorized else "(public)",
            calls_text(result.handler_calls),
            _calls_target(result),
            verdict(result.calls_passed),
        )
        if not result.ok:
            table.notes.append(f"{label} answered {result.status}: its figures are not comparable")
        elif case.expect:
            table.notes.append(f"{label}: {case.expect} is expected here, {case.why}.")
        if case.documented and result.ok:
            table.notes.append(
                f"{label}: {calls_text(result.handler_calls)}, as documented "
                f"({case.documented}); the target says 1, so it is reported as "
                + verdict(result.calls_passed)
                + "."
            )
    for auth in authorizers:
        target = "0 (signature only)" if auth.expected_calls == 0 else "1 GetItem"
        table.add(
            auth.label,
            f"role {auth.decision}",
            calls_text(auth.calls),
            "(none)",
            target,
            verdict(auth.calls_passed),
        )
    skipped = [r.label for r in results if r.case.maker is None]
    if skipped:
        table.notes.append("SKIP: no sample request in bench/samples.py yet: " + ", ".join(skipped))
    table.notes.append(
        "Customer routes (/v1/me...) carry the bench customer's access token, admin routes the "
        "business's API key, public routes nothing. The authorizer runs on every authorized "
        "request (no authorizer cache, see template.yaml); the page-view target counts the "
        "function's calls, every AWS call of a GET included."
    )
    table.notes.append(
        "The access-token path verifies the signature with keys cached per warm instance: "
        "Secrets Manager is read once per 10 minutes (GetSecretValue), not per request; the "
        "bench's sign-in loaded them before counting."
    )
    table.notes.append(
        "Every POST, PUT and DELETE is judged as a write (a session, a spent link, a queued "
        "email job or a record changes); only GETs are reads. The link requests and the "
        "invites API queue one SQS message and write nothing to DynamoDB."
    )
    staged = [r.label for r in ordered(results) if r.case.maker and r.case.state_changes > 1]
    if staged:
        table.notes.append(
            "A payment is two state changes, one TransactWriteItems each: written pending "
            "with its invoices held before Stripe is called (so a crash cannot lose a "
            "charge), then settled with what Stripe answered; the Idempotency-Key's record "
            "is Powertools' (PutItem in progress, UpdateItem done): " + ", ".join(staged)
        )
    if any(r.route.route_key == "POST /v1/webhooks/stripe" for r in results):
        table.notes.append(
            "The Stripe webhook settles the payment (one TransactWriteItems) and records the "
            "event id, its idempotency record (one PutItem). Calls to Stripe are not AWS "
            "calls: they are counted in (d)."
        )
    return table


def _latency_table(
    results: list[RouteResult],
    authorizers: list[AuthorizerResult],
    argon2: list[Argon2Result],
    budget: Budget,
    world: World,
) -> Table:
    from bench.inprocess import AUTHORIZER_P99_MS, WRITE_P99_MS, percentile

    table = Table(
        "(c) In-process latency against moto (gateway + authorizer + function)",
        [
            "route",
            "n",
            "p50 ms",
            "p99 ms",
            "moto p50",
            "Stripe p50",
            "p99 excl. moto, Stripe",
            "target p99",
            "result",
        ],
    )

    def add(label: str, timings: Timings, target: str, limit: float | None) -> None:
        p99 = percentile(timings.total_ms, 99)
        table.add(
            label,
            len(timings.total_ms),
            f"{percentile(timings.total_ms, 50):.2f}",
            f"{p99:.2f}",
            f"{percentile(timings.moto_ms, 50):.2f}",
            f"{percentile(timings.stripe_ms, 50):.2f}" if any(timings.stripe_ms) else "-",
            f"{percentile(timings.portico_ms, 99):.2f}",
            target,
            "INFO" if limit is None else verdict(p99 <= limit),
        )

    for result in ordered(results):
        if result.timings.total_ms:
            kind = "read" if result.read else "write"
            label = result.label + (" [Argon2id]" if result.case.argon2 else "")
            add(label, result.timings, f"<= {result.limit_ms:.0f} ms ({kind})", result.limit_ms)
    for auth in authorizers:
        add(auth.label, auth.timings, f"<= {AUTHORIZER_P99_MS:.0f} ms", AUTHORIZER_P99_MS)
    for alone in argon2:
        add(alone.label, alone.timings, "none (by design)", None)
    capped = [result.label for result in results if result.capped]
    if capped:
        table.notes.append(
            f"Stopped at the {budget.route_seconds:g} s cap per route (see n): " + ", ".join(capped)
        )
    signed = [result.label for result in results if result.case.argon2 and result.timings.total_ms]
    if signed:
        table.notes.append(
            "[Argon2id]: the route hashes or verifies a password with Argon2id (OWASP's m=19 MiB, "
            "t=2, p=1), slow by design (~20-50 ms) so that stolen hashes are expensive to guess; "
            "an unknown email does the same work. Each is still judged against the write "
            f"target (<= {WRITE_P99_MS:.0f} ms); the Argon2id lines below time the hash alone "
            "(INFO, no target of their own): " + ", ".join(signed)
        )
    table.notes.append(
        "Every route is timed against the table as the world built it: what a route adds "
        "(sessions, links, signups, keys) is removed after its timing, since moto's cost grows "
        "with the table and DynamoDB's does not."
    )
    table.notes.append(
        f"The bench's clock stands still at {world.signed_in_at:%Y-%m-%d %H:%M} UTC, so the "
        f"customer's access token (15 minutes, to {world.token_expires_at:%H:%M}) stays valid; "
        f"it would sign in again 2 minutes before expiry (re-sign-ins: {world.sign_ins})."
    )
    table.notes.append(
        "Route figures include the in-process authorizer. `moto` is the time moto itself took "
        "to answer (the tests' moto: transactions copy the items they write, queries read their "
        "partition, see bench/inprocess.py); `Stripe` the time in HTTP round trips to the fake "
        "Stripe on loopback (the payment routes, see (d)); `excl. moto, Stripe` is what is "
        "left for Portico, Powertools, botocore and the Stripe SDK. The verdict is on the "
        "total, as DESIGN section 5 states it."
    )
    return table


PAYMENT = "POST /v1/me/payments"
# Above this per Stripe call on loopback, a call waited on something other than the fake.
STALL_MS = 20.0


def _payment_rows(results: list[RouteResult]) -> list[RouteResult]:
    """The routes of the functions under functions/payments, the payment itself first."""
    mine = [r for r in ordered(results) if r.route.handler.startswith("payments.")]
    return sorted(mine, key=lambda r: r.route.route_key != PAYMENT)


def _payments_table(
    results: list[RouteResult], import_results: list[imports.ImportResult], world: World
) -> Table:
    from bench.inprocess import percentile

    table = Table(
        "(d) Payment p99 against the fake Stripe (the payment routes of (c))",
        [
            "route",
            "n",
            "p50 ms",
            "p99 ms",
            "Stripe calls per request",
            "Stripe p50",
            "p99 excl. Stripe",
            "moto p50",
            "p99 excl. moto, Stripe",
            "target p99",
            "result",
        ],
    )
    stalled = []
    for result in _payment_rows(results):
        timings, calls = result.timings, sum(result.stripe_calls.values())
        if not timings.total_ms:
            table.add(result.label, *["-"] * 9, "SKIP")
            continue
        p50, p99 = percentile(timings.total_ms, 50), percentile(timings.total_ms, 99)
        stripe_p50, moto_p50 = percentile(timings.stripe_ms, 50), percentile(timings.moto_ms, 50)
        portico_p99 = percentile(timings.portico_ms, 99)
        table.add(
            result.label,
            len(timings.total_ms),
            f"{p50:.2f}",
            f"{p99:.2f}",
            calls_text(result.stripe_calls) if calls else "none",
            f"{stripe_p50:.2f}" if calls else "-",
            f"{percentile(timings.without_stripe_ms, 99):.2f}",
            f"{moto_p50:.2f}",
            f"{portico_p99:.2f}",
            f"<= {result.limit_ms:.0f} ms ({'read' if result.read else 'write'})",
            verdict(p99 <= result.limit_ms),
        )
        waited = sum(1 for ms in timings.stripe_ms if calls and ms / calls > STALL_MS)
        if waited:
            stalled.append(f"{result.label} ({waited} of {len(timings.stripe_ms)} requests)")
        if result.route.route_key == PAYMENT:
            table.lead.append(
                f"**Payment p99 against the fake Stripe: {p99:.1f} ms** ({result.label}, "
                f"p50 {p50:.1f} ms, n={len(timings.total_ms)}), judged against the write "
                f"target (<= {result.limit_ms:.0f} ms): {verdict(p99 <= result.limit_ms)}. "
                f"Per payment: {calls_text(result.stripe_calls)} to the fake Stripe on "
                f"loopback (p50 {stripe_p50:.1f} ms of it); AWS: "
                f"{calls_text(result.handler_calls)} (moto p50 {moto_p50:.1f} ms of it); "
                f"p99 without moto and Stripe {portico_p99:.1f} ms."
            )
    handlers = [r for r in import_results if r.handler.payments and not r.error]
    if handlers:
        table.lead.append(
            "Import cost of the payment handlers (see (a)): "
            + ", ".join(f"{r.handler.module} {r.median_ms:.0f} ms" for r in handlers)
            + f" (target <= {imports.PAYMENTS_LIMIT_MS:.0f} ms)."
        )
    table.notes.append(
        "The figures include the HTTP round trips to the fake Stripe (`portico_local."
        "fake_stripe`) on loopback, with no latency added: `Stripe p50` is their part, as "
        "`moto` is moto's in (c). Real Stripe answers over the Internet, so deployed, each of "
        "these calls adds its round trip to the figure. The verdicts repeat those of (c) and "
        "count once in the summary."
    )
    table.notes.append(
        "Each payment pays a new invoice (synced off the clock) with the saved Visa and a new "
        "Idempotency-Key, and is checked to be a real charge (200, `succeeded`, one more "
        "succeeded charge at the fake); the webhook delivers a new `payment_intent.succeeded` "
        "each time, of a bank debit paid and settled at the fake off the clock, and is checked "
        "to be processed. Saving confirms a new SetupIntent (as Stripe.js would) off the "
        "clock; deleting removes a card saved off the clock; the default route alternates "
        "the customer's card and bank account. Payments, credit and saves are timed against "
        "the table as the world built it, put back after each request."
    )
    account = world.stripe.stats()["accounts"].get(world.stripe_account, {})
    table.notes.append(
        f"Over the run the fake Stripe created {account.get('payment_intents_created', 0)} "
        f"PaymentIntents on the business's account, {account.get('charges_succeeded', 0)} of "
        f"{account.get('charges', 0)} charges succeeded."
    )
    if stalled:
        table.notes.append(
            f"Over {STALL_MS:.0f} ms per Stripe call on loopback: "
            + ", ".join(stalled)
            + ". The fake Stripe sends a response's headers and body in two writes without "
            "TCP_NODELAY, so a call on a kept-alive connection can wait for the client's "
            "delayed ACK (~40 ms on Linux): time of the fake's, not Stripe's or Portico's, "
            "included in `Stripe p50`."
        )
    return table


def machine() -> str:
    """Where the figures were taken: they mean little without it."""
    uname = platform.uname()
    return (
        f"{uname.system} {uname.release} {uname.machine}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()} ({sys.implementation.name}), "
        f"aws-lambda-powertools {version('aws-lambda-powertools')}, moto {version('moto')}"
    )


def _sizes(value: str) -> tuple[int, ...]:
    """`300,3000`: due invoices per AutoPay throughput run."""
    try:
        sizes = tuple(int(part) for part in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a list of numbers") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("each size must be at least 1")
    return sizes


def _routes(args: argparse.Namespace) -> tuple[list[Table], list[Table], dict[str, float]]:
    """(a)-(d): the tables whose verdicts count, the others, and how long each part took."""
    runs = args.runs or (3 if args.quick else 7)
    reads = args.reads or (30 if args.quick else 150)
    writes = args.writes or (15 if args.quick else 75)
    route_seconds = args.route_seconds or (1.0 if args.quick else 2.0)
    started = time.monotonic()
    import_results = imports.measure(runs)
    import_table = _import_table(import_results, runs)
    print(import_table.text() + "\n", flush=True)
    imported = time.monotonic()

    # Imported only now: bench.world points this process at fake credentials and a bench
    # table, and registers the call counter, before boto3 and portico load; `--help` and the
    # import probes (separate processes with their own environment) need none of that.
    from bench import inprocess, world

    with world.world() as bench_world:
        built = time.monotonic()
        budget = inprocess.Budget(reads, writes, route_seconds)
        routes, authorizers, argon2 = inprocess.run(bench_world, budget)
        calls_table = _calls_table(routes, authorizers)
        latency_table = _latency_table(routes, authorizers, argon2, budget, bench_world)
        payments_table = _payments_table(routes, import_results, bench_world)
    print(calls_table.text() + "\n")
    print(latency_table.text() + "\n")
    print(payments_table.text() + "\n", flush=True)
    spent = {
        "imports": imported - started,
        "world": built - imported,
        "requests": time.monotonic() - built,
    }
    # (d) repeats verdicts of (c)
    return [import_table, calls_table, latency_table], [payments_table], spent


def _autopay(args: argparse.Namespace) -> tuple[list[Table], list[Table], dict[str, float]]:
    """(e)-(h): the tables whose verdicts count, the others, and how long they took."""
    from bench import autopay_report

    sizes = args.autopay_sizes or (
        autopay_report.QUICK_SIZES if args.quick else autopay_report.SIZES
    )
    figures = autopay_report.measure(sizes, args.autopay_workers)
    judged, others = [], []
    for table, counts in autopay_report.tables(figures):
        print(table.text() + "\n", flush=True)
        (judged if counts else others).append(table)
    return judged, others, {"AutoPay": figures.seconds}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks, print them and optionally write markdown. Always exits 0."""
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--runs", type=int, default=None, help="fresh imports per module (7)")
    parser.add_argument("--reads", type=int, default=None, help="timed requests per read (150)")
    parser.add_argument("--writes", type=int, default=None, help="timed requests per write (75)")
    parser.add_argument(
        "--route-seconds",
        type=float,
        default=None,
        help="most seconds per route (requests and their setup), after 20 (2; --quick 1)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="3 runs, 30 reads, 15 writes; AutoPay at 100 and 1,000 invoices",
    )
    section = parser.add_mutually_exclusive_group()
    section.add_argument("--autopay-only", action="store_true", help="only AutoPay, (e)-(h)")
    section.add_argument("--no-autopay", action="store_true", help="leave AutoPay out")
    parser.add_argument(
        "--autopay-sizes",
        type=_sizes,
        default=None,
        metavar="N,N",
        help="due invoices per AutoPay throughput run (300,3000; --quick 100,1000); the "
        "scaling target compares the smallest and the largest",
    )
    parser.add_argument(
        "--autopay-workers", type=int, default=2, help="AutoPay charge worker threads (2)"
    )
    parser.add_argument("--markdown", type=Path, metavar="PATH", help="also write markdown here")
    args = parser.parse_args(argv)

    started = time.monotonic()
    taken = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"Portico bench, {taken}\n{machine()}\n", flush=True)

    judged: list[Table] = []
    tables: list[Table] = []
    spent: dict[str, float] = {}
    parts = []
    if not args.autopay_only:
        parts.append(_routes)
    if not args.no_autopay:
        parts.append(_autopay)
    for part in parts:
        counted, others, took = part(args)
        judged += counted
        tables += [*counted, *others]
        spent.update(took)
    tables.sort(key=lambda table: table.title)  # (a), (b), ... whatever counts

    failures = sum(table.failures for table in judged)
    elapsed = time.monotonic() - started
    summary = (
        f"{failures} figure(s) FAIL their DESIGN section 5 target"
        if failures
        else "every figure meets its DESIGN section 5 target"
    ) + (
        f" (bench took {elapsed:.0f} s: "
        + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in spent.items())
        + ")"
    )
    print(summary)

    if args.markdown:
        body = "\n\n".join(table.markdown() for table in tables)
        command = " ".join(["python -m bench", *(sys.argv[1:] if argv is None else argv)])
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(
            f"# Portico bench\n\n- date: {taken}\n- machine: {machine()}\n"
            f"- command: `{command}`\n\n{body}\n\n**{summary}**\n",
            encoding="utf-8",
        )
        print(f"wrote {args.markdown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
