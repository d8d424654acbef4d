"""Fixtures: a fake Stripe per test, SDK clients pointed at it, and a webhook receiver."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import stripe

from portico_local.fake_stripe import FakeStripe


@dataclass
class Receiver:
    """A webhook endpoint on loopback: records what it gets, answers `status`."""

    status: int = 200
    received: list[tuple[bytes, str]] = field(default_factory=list)  # body, Stripe-Signature
    arrived: threading.Condition = field(default_factory=threading.Condition)
    url: str = ""

    def wait_for(self, count: int, timeout: float = 5.0) -> list[tuple[bytes, str]]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            with found.arrived:
                found.received.append((body, self.headers.get("stripe-signature", "")))
                found.arrived.notify_all()
            self.send_response(found.status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    found.url = f"http://127.0.0.1:{server.server_port}/v1/webhooks/stripe"
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake(receiver: Receiver) -> Iterator[FakeStripe]:
    with FakeStripe(
        webhook_url=receiver.url, webhook_retry_delays=(0.05, 0.05), hang_s=1.5
    ) as running:
        yield running


def sdk(fake: FakeStripe, key: str | None = None, **options: Any) -> stripe.StripeClient:
    """The official SDK, pointed at the fake; no automatic retries unless asked."""
    options.setdefault("max_network_retries", 0)
    return stripe.StripeClient(
        key or fake.secret_key, base_addresses={"api": fake.api_base}, **options
    )


@pytest.fixture
def client(fake: FakeStripe) -> stripe.StripeClient:
    return sdk(fake)


@pytest.fixture
def browser(fake: FakeStripe) -> stripe.StripeClient:
    """What Stripe.js holds: the publishable key."""
    return sdk(fake, fake.publishable_key)
