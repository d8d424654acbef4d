"""`make bench`: Portico's figures beside the targets of DESIGN section 5.

    python -m bench                      # about a minute
    python -m bench --quick              # a few seconds less rigour
    python -m bench --markdown bench.md  # also write the figures to a markdown file

(a) import cost of each handler module in a fresh interpreter, (b) AWS calls per request of
every route against moto, split between the authorizer and the function, (c) in-process
latency per route and of the authorizer. A missed target prints FAIL; the exit status stays 0
because the figures depend on the machine (the markdown file records which one).
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
    from bench.inprocess import AuthorizerResult, Budget, RouteResult, Timings


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


def _calls_table(results: list[RouteResult], authorizers: list[AuthorizerResult]) -> Table:
    table = Table(
        "(b) AWS calls per request (moto, one request per route)",
        ["route", "status", "authorizer calls", "function calls", "target", "result"],
    )
    for result in results:
        key = result.route.route_key
        if result.sample is None:
            table.add(key, "-", "-", "-", "-", "SKIP")
            continue
        target = "1 per portal page view" if result.read else "<= 1 write per state change"
        table.add(
            key,
            result.status,
            calls_text(result.authorizer_calls) if result.route.authorized else "(public)",
            calls_text(result.handler_calls),
            target,
            verdict(result.calls_passed),
        )
        if not result.ok:
            table.notes.append(f"{key} answered {result.status}: its figures are not comparable")
    skipped = [r.route.route_key for r in results if r.sample is None]
    if skipped:
        table.notes.append("SKIP: no sample request in bench/samples.py yet: " + ", ".join(skipped))
    for auth in authorizers:
        table.notes.append(f"{auth.label}: {calls_text(auth.calls)} per request")
    table.notes.append(
        "The authorizer runs on every authorized request (no authorizer cache, see template.yaml); "
        "the page-view target counts the function's calls."
    )
    return table


def _latency_table(
    results: list[RouteResult], authorizers: list[AuthorizerResult], budget: Budget
) -> Table:
    from bench.inprocess import AUTHORIZER_P99_MS, percentile

    table = Table(
        "(c) In-process latency against moto (gateway + authorizer + function)",
        ["route", "n", "p50 ms", "p99 ms", "moto p50", "p99 excl. moto", "target p99", "result"],
    )

    def add(label: str, timings: Timings, target: str, limit: float) -> None:
        p99 = percentile(timings.total_ms, 99)
        table.add(
            label,
            len(timings.total_ms),
            f"{percentile(timings.total_ms, 50):.2f}",
            f"{p99:.2f}",
            f"{percentile(timings.moto_ms, 50):.2f}",
            f"{percentile(timings.portico_ms, 99):.2f}",
            target,
            verdict(p99 <= limit),
        )

    for result in results:
        if result.timings.total_ms:
            kind = "read" if result.read else "write"
            add(
                result.route.route_key,
                result.timings,
                f"<= {result.limit_ms:.0f} ms ({kind})",
                result.limit_ms,
            )
    for auth in authorizers:
        add(auth.label, auth.timings, f"<= {AUTHORIZER_P99_MS:.0f} ms", AUTHORIZER_P99_MS)
    capped = [result.route.route_key for result in results if result.capped]
    if capped:
        table.notes.append(
            f"Stopped at the {budget.route_seconds:g} s cap per route (see n): " + ", ".join(capped)
        )
    table.notes.append(
        "Route figures include the in-process authorizer. `moto` is the time moto itself took "
        "to answer (it copies the whole table on each TransactWriteItems and scans it for index "
        "queries); `excl. moto` is what is left for Portico, Powertools and botocore. The "
        "verdict is on the total, as DESIGN section 5 states it."
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the three benchmarks, print them and optionally write markdown. Always exits 0."""
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--runs", type=int, default=None, help="fresh imports per module (7)")
    parser.add_argument("--reads", type=int, default=None, help="timed requests per read (200)")
    parser.add_argument("--writes", type=int, default=None, help="timed requests per write (100)")
    parser.add_argument(
        "--route-seconds",
        type=float,
        default=None,
        help="most seconds of timed requests per route, after 20 (3; --quick 1)",
    )
    parser.add_argument("--quick", action="store_true", help="3 runs, 30 reads, 15 writes")
    parser.add_argument("--markdown", type=Path, metavar="PATH", help="also write markdown here")
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 7)
    reads = args.reads or (30 if args.quick else 200)
    writes = args.writes or (15 if args.quick else 100)
    route_seconds = args.route_seconds or (1.0 if args.quick else 3.0)

    started = time.monotonic()
    taken = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"Portico bench, {taken}\n{machine()}\n", flush=True)

    import_table = _import_table(imports.measure(runs), runs)
    print(import_table.text() + "\n", flush=True)

    # Imported only now: bench.world points this process at fake credentials and a bench
    # table, and registers the call counter, before boto3 and portico load; `--help` and the
    # import probes (separate processes with their own environment) need none of that.
    from bench import inprocess, world

    with world.world() as bench_world:
        budget = inprocess.Budget(reads, writes, route_seconds)
        routes, authorizers = inprocess.run(bench_world, budget)
    calls_table = _calls_table(routes, authorizers)
    latency_table = _latency_table(routes, authorizers, budget)
    print(calls_table.text() + "\n")
    print(latency_table.text() + "\n")

    tables = [import_table, calls_table, latency_table]
    failures = sum(table.failures for table in tables)
    elapsed = time.monotonic() - started
    summary = (
        f"{failures} figure(s) FAIL their DESIGN section 5 target"
        if failures
        else "every figure meets its DESIGN section 5 target"
    ) + f" (bench took {elapsed:.0f} s)"
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
