"""Signed webhook delivery, in the background, with retries.

The signature is Stripe's: `Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
"<t>.<payload>" with the endpoint secret>`, so `stripe.Webhook.construct_event` verifies it.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import itertools
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("portico_local.fake_stripe")
# Never through a proxy from the environment: the receiver is on loopback.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
DELIVERY_TIMEOUT_S = 5.0


def signature_header(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` value for `payload`, signed now (or at `timestamp`)."""
    signed_at = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(
        secret.encode(), f"{signed_at}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return f"t={signed_at},v1={digest}"


@dataclass(frozen=True)
class Delivery:
    """One attempt to deliver an event: its HTTP status, or None if it never got one."""

    event_id: str
    event_type: str
    attempt: int
    status: int | None


class Background:
    """One thread that delivers webhooks (retrying on non-2xx with growing delays) and runs
    timed jobs (ACH settlement), so that no API request ever waits for either."""

    def __init__(
        self,
        url: Callable[[], str | None],
        secret: str,
        retry_delays: Sequence[float],
    ) -> None:
        self._url = url
        self._secret = secret
        self._retry_delays = list(retry_delays)
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._stopping = False
        self._idle = threading.Event()
        self._idle.set()
        self._thread = threading.Thread(target=self._run, name="fake-stripe-background")
        self.deliveries: list[Delivery] = []

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread; what is still queued is dropped."""
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if self._thread.is_alive():
            self._thread.join(timeout=DELIVERY_TIMEOUT_S + 1)

    def clear(self) -> None:
        """Drop everything queued (for `reset`)."""
        with self._wake:
            self._due.clear()
            self.deliveries.clear()

    def later(self, delay_s: float, job: Callable[[], None]) -> None:
        """Run `job` on the background thread in `delay_s` seconds."""
        with self._wake:
            heapq.heappush(self._due, (time.monotonic() + delay_s, next(self._order), job))
            self._idle.clear()
            self._wake.notify()

    def deliver(self, event: dict[str, Any]) -> None:
        """Queue an event for delivery now."""
        payload = json.dumps(event, indent=2)
        self.later(0, lambda: self._attempt(event, payload, 1))

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until nothing is queued and nothing is being delivered (for tests)."""
        return self._idle.wait(timeout)

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._stopping and (not self._due or self._due[0][0] > time.monotonic()):
                    if not self._due:
                        self._idle.set()
                    self._wake.wait(None if not self._due else self._due[0][0] - time.monotonic())
                if self._stopping:
                    return
                _, _, job = heapq.heappop(self._due)
            try:
                job()
            except Exception:  # one failing job must not end deliveries for the process
                log.exception("fake Stripe background job failed")

    def _attempt(self, event: dict[str, Any], payload: str, attempt: int) -> None:
        url = self._url()
        if url is None:
            return
        status = _post(url, payload, signature_header(payload, self._secret))
        self.deliveries.append(Delivery(event["id"], event["type"], attempt, status))
        if status is not None and 200 <= status < 300:
            return
        if attempt > len(self._retry_delays):
            log.warning(
                "webhook %s (%s) dropped after %d attempts; last status %s",
                event["id"],
                event["type"],
                attempt,
                status,
            )
            return
        self.later(
            self._retry_delays[attempt - 1], lambda: self._attempt(event, payload, attempt + 1)
        )


def _post(url: str, payload: str, signature: str) -> int | None:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"webhook URL must be http(s): {url!r}")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=payload.encode(),
        method="POST",
        headers={
            "content-type": "application/json; charset=utf-8",
            "stripe-signature": signature,
            "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        },
    )
    try:
        with _OPENER.open(request, timeout=DELIVERY_TIMEOUT_S) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        error.close()
        return error.code
    except OSError as error:
        log.info("webhook delivery to %s failed: %s", url, error)
        return None
