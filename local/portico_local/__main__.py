"""`python -m portico_local` (`make dev`): Portico on this machine, with demo data, no AWS.

Starts moto on loopback, points every AWS client of this process at it, creates the
template's resources, loads the demo businesses through the services, delivers the
template's SQS queues to their functions in the background (the mailer's email lands in
`/_dev/outbox`), and serves the API, `web/` and the dev endpoints on http://127.0.0.1:3000
(`PORT` or `--port` to change; 0 picks a free port and prints it). Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence
from types import FrameType
from typing import TextIO

from portico import bootstrap
from portico.clock import ManualClock
from portico.config import Settings
from portico_local import demo as demo_data
from portico_local.aws import (
    REGION,
    LocalAws,
    apply_environment,
    create_resources,
    put_stripe_secret,
)
from portico_local.bus import PublishedEvents
from portico_local.dev import AwsInfo, StripeInfo
from portico_local.fake_stripe import FakeStripe
from portico_local.fast_moto import install_fast_transactions
from portico_local.gateway import Gateway
from portico_local.server import LocalServer, Runtime, bind
from portico_local.streams import StreamFeed
from portico_local.template import page_headers
from portico_local.workers import QueuePoller

DEFAULT_PORT = 3000
STRIPE_ACH_SETTLE_S = 10.0
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
log = logging.getLogger("portico_local")


def port_number(value: str) -> int:
    """A TCP port, 0 to 65535 (0: any free port)."""
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 65535")
    return port


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line; `--port` defaults to $PORT, then 3000."""
    parser = argparse.ArgumentParser(prog="python -m portico_local", description=__doc__)
    parser.add_argument(
        "--port",
        type=port_number,  # argparse applies it to a string default ($PORT) too
        default=os.environ.get("PORT") or str(DEFAULT_PORT),
        help=f"port on 127.0.0.1 (default: $PORT or {DEFAULT_PORT}; 0 for a free one)",
    )
    parser.add_argument(
        "--no-demo", action="store_true", help="start with an empty table (no demo businesses)"
    )
    parser.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    return parser.parse_args(argv)


def _configure_logging(level: str) -> None:
    formatter = logging.Formatter(LOG_FORMAT)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    # The runtime's own logger does not propagate: Powertools' Logger(service="portico")
    # filters the root handlers to drop every record whose logger name contains "portico".
    runtime_logger = logging.getLogger("portico_local")
    runtime_logger.addHandler(handler)
    runtime_logger.setLevel(level)
    runtime_logger.propagate = False
    logging.basicConfig(level=level, format=LOG_FORMAT, stream=sys.stderr)
    # werkzeug logs every moto call and botocore every client it creates, at INFO; the
    # runtime logs the requests that matter.
    for noisy in ("werkzeug", "botocore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))


def print_banner(runtime: Runtime, base_url: str, out: TextIO = sys.stdout) -> None:
    """What to open, the demo's portals, keys and logins, and how to stop."""
    lines = [f"Portico is running at {base_url}", "", "Portals:"]
    businesses = runtime.demo.businesses
    lines += [f"  {base_url}/p/{b.slug:<18} {b.name}" for b in businesses]
    lines += ["", "Admin API keys (Authorization: Bearer <key>):"]
    lines += [f"  {b.name:<18} {b.admin_api_key}" for b in businesses]
    if businesses:
        lines.append(
            f"  e.g. curl -H 'Authorization: Bearer {businesses[0].admin_api_key}' "
            f"{base_url}/v1/admin/customers"
        )
    lines += ["", "Demo logins (email / password / state; the password is per business):"]
    for business in businesses:
        lines.append(f"  {business.name}")
        for customer in business.customers:
            email = customer.email or "(no email)"
            password = customer.password or "(no login)"
            lines.append(
                f"    {customer.customer_id:<10} {email:<26} {password:<24} {customer.state}"
            )
    lines += [
        "",
        f"Dev endpoints: {base_url}/_dev/demo  {base_url}/_dev/outbox  {base_url}/_dev/clock",
        f"               {base_url}/_dev/events (domain events published to the bus)",
        f"               POST {base_url}/_dev/queues/drain (deliver queued email now)",
        f"OpenAPI:       {base_url}/v1/openapi.json",
        f"Local AWS:     {runtime.aws.endpoint_url} (moto)",
        *(
            [f"Fake Stripe:   {runtime.stripe.api_base} ({runtime.stripe.publishable_key})"]
            if runtime.stripe
            else []
        ),
        "",
        "Press Ctrl-C to stop.",
    ]
    out.write("\n".join(lines) + "\n")
    out.flush()


def _stop(signum: int, frame: FrameType | None) -> None:
    # Leave serve_forever() and clean up in main()'s finally.
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Run the local runtime until Ctrl-C or SIGTERM. Returns the exit status."""
    args = parse_args(argv)
    _configure_logging(args.log_level)
    clock = ManualClock()
    aws = LocalAws(now=clock.now)
    httpd: LocalServer | None = None
    poller: QueuePoller | None = None
    fake_stripe: FakeStripe | None = None
    try:
        # SIGINT too: a shell starts background jobs (`make dev &`) with SIGINT ignored, and
        # Python keeps an inherited "ignore", so Ctrl-C after `fg` would do nothing.
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            signal.signal(stop_signal, _stop)
        # moto's own TransactWriteItems deep-copies the table (with its stream's every record)
        # per transaction, and replaces the table object when one is cancelled, which would
        # leave the stream reader on a stale shard; this one copies only what it writes.
        install_fast_transactions()
        endpoint_url = aws.start()
        try:
            httpd = bind(args.port)
        except OSError as error:
            print(
                f"error: cannot listen on 127.0.0.1:{args.port} ({error.strerror}); "
                "set PORT to another port, or 0 for a free one",
                file=sys.stderr,
            )
            return 1
        base_url = f"http://127.0.0.1:{httpd.server_port}"
        # Its webhooks go to the runtime's own endpoint, as Stripe's would to the deployed API;
        # ACH debits settle by themselves a few seconds after they start, as a demo needs.
        fake_stripe = FakeStripe(
            webhook_url=f"{base_url}/v1/webhooks/stripe", ach_settle_after_s=STRIPE_ACH_SETTLE_S
        ).start()
        # Before anything creates an AWS client: every client must reach moto.
        apply_environment(endpoint_url, base_url)
        create_resources()
        services = bootstrap.Services.build(Settings.from_env(), clock)
        put_stripe_secret(services.settings.stripe_secret_name, fake_stripe)
        bootstrap.use(services)
        demo = demo_data.Demo([]) if args.no_demo else demo_data.load(services)
        runtime = Runtime(
            gateway=Gateway(),
            clock=clock,
            demo=demo,
            outbox=aws.outbox,
            aws=AwsInfo(endpoint_url, REGION, services.settings.table_name),
            stripe=StripeInfo(fake_stripe.api_base, fake_stripe.publishable_key),
            page_headers=page_headers(endpoint_url.rstrip("/")),
        )
        # After the demo: loading it queues no email, and the poller shares the handler lock.
        # The outbox reaches the event publisher through the table's stream (moto's), and
        # what it publishes is kept for /_dev/events by a rule of the runtime's own.
        runtime.events = PublishedEvents().install()
        poller = runtime.queues = QueuePoller(
            runtime.lock, streams=StreamFeed(services.settings.table_name)
        )
        poller.start()
        httpd.runtime = runtime
        print_banner(runtime, base_url)
        httpd.serve_forever()
    except KeyboardInterrupt:
        print("\nStopping Portico.", flush=True)
    finally:
        if httpd is not None:
            httpd.server_close()
        # Before moto stops: a delivery in progress finishes against a live SES and SQS.
        if poller is not None:
            poller.stop()
        if fake_stripe is not None:
            fake_stripe.stop()
        aws.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
