"""Lambda's SQS event-source mappings for the local runtime: a background poller that hands
each queue's messages to its function while the runtime runs, and `drain()` for
`POST /_dev/queues/drain`.

Deliveries take the runtime's handler lock, the one HTTP requests take: handlers are
written for Lambda, one event at a time per process, and keep per-request state at module
level. Holding it for the whole receive-invoke-delete also means that when `drain()` has the
lock, no delivery is half done, so "every queue is empty" is true when it says so.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from portico_local.aws import queue_url, resource_name
from portico_local.queues import QueueSource, deliver_once, queue_sources
from portico_local.streams import StreamFeed
from portico_local.template import load_template

POLL_INTERVAL_S = 0.15
# A drain that never ends means a function keeps queueing work for itself; stop and say so.
MAX_DRAIN_ROUNDS = 1000

log = logging.getLogger("portico_local.workers")


@dataclass(frozen=True)
class QueueMapping:
    """One SQS event source of the template, with the queue's local URL."""

    source: QueueSource
    queue_url: str

    @property
    def label(self) -> str:
        return f"{self.source.queue} -> {self.source.function}"


@dataclass(frozen=True)
class DrainResult:
    """What `drain()` did: messages handed to functions, and messages that failed and wait
    out their visibility timeout before SQS offers them again (or moves them to the DLQ)."""

    delivered: int
    awaiting_retry: int

    def as_json(self) -> dict[str, int]:
        return {"delivered": self.delivered, "awaiting_retry": self.awaiting_retry}


def mappings(template: dict[str, Any] | None = None) -> list[QueueMapping]:
    """Every SQS event of the template's functions, with the URL of its queue in moto."""
    template = template or load_template()
    return [
        QueueMapping(source, queue_url(resource_name(template, source.queue)))
        for source in queue_sources(template)
    ]


class QueuePoller:
    """Polls every mapped queue, and the table's stream (`streams`: the outbox, for the
    event publisher), every `interval` seconds in a daemon thread."""

    def __init__(
        self,
        lock: threading.Lock,
        sources: list[QueueMapping] | None = None,
        *,
        interval: float = POLL_INTERVAL_S,
        client: Any = None,
        streams: StreamFeed | None = None,
    ) -> None:
        self._lock = lock
        self.sources = mappings() if sources is None else sources
        self.streams = streams
        self._interval = interval
        self._client = client
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def _sqs(self) -> Any:
        # Made on first use, after the runtime has pointed AWS clients at moto, from a session
        # of its own: boto3's default session is not safe to make clients from in two threads,
        # and the handlers make theirs from it.
        if self._client is None:
            self._client = boto3.session.Session().client("sqs")
        return self._client

    # --- one delivery ----------------------------------------------------------------------

    def _waiting(self, mapping: QueueMapping) -> int:
        """Messages SQS would hand out now. Read without the lock: idle polls stay off it."""
        attributes = self._sqs.get_queue_attributes(
            QueueUrl=mapping.queue_url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"])

    def _not_visible(self, mapping: QueueMapping) -> int:
        attributes = self._sqs.get_queue_attributes(
            QueueUrl=mapping.queue_url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessagesNotVisible"])

    def _deliver(self, mapping: QueueMapping) -> int:
        """One batch to the function, under the handler lock; logs what happened (counts
        only: message bodies carry customers' emails)."""
        with self._lock:
            started = time.perf_counter()
            received = deliver_once(
                mapping.source, mapping.queue_url, self._sqs, raise_errors=False
            )
            if not received:
                return 0
            # Under the lock nothing else is in flight: what is not visible now failed.
            failed = self._not_visible(mapping)
        elapsed = (time.perf_counter() - started) * 1000
        log.info("%s: delivered %d message(s) in %.0f ms", mapping.label, received, elapsed)
        if failed:
            log.warning(
                "%s: %d message(s) failed and will be offered again after the visibility "
                "timeout (or go to the dead-letter queue)",
                mapping.label,
                failed,
            )
        return received

    # --- the background poller ---------------------------------------------------------------

    def _deliver_stream(self) -> int:
        """New stream records to their functions, under the handler lock."""
        if self.streams is None:
            return 0
        with self._lock:
            read = self.streams.deliver_once()
        if read:
            log.debug("stream: %d record(s) read", read)
        return read

    def poll_once(self) -> int:
        """One round over every queue and the stream; returns the messages and the stream
        records delivered."""
        delivered = 0
        for mapping in self.sources:
            if self._waiting(mapping):
                delivered += self._deliver(mapping)
        return delivered + self._deliver_stream()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                # Straight on while there is work, as Lambda's poller scales up with a backlog.
                if self.poll_once():
                    continue
            except (BotoCoreError, ClientError) as error:
                # moto going away during shutdown, or a queue missing: say so and keep going.
                log.warning("queue poll failed: %s", error)
            except Exception:
                # A bug here must not silently end email delivery for the rest of the session.
                log.exception("queue poller error; polling continues")
            self._stopping.wait(self._interval)

    def start(self) -> None:
        """Start polling in the background (once)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="sqs-poller", daemon=True)
        self._thread.start()
        log.info("delivering queues: %s", ", ".join(m.label for m in self.sources) or "none")

    def stop(self, timeout: float = 5.0) -> None:
        """Stop polling; waits for a delivery in progress to finish."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("the queue poller did not stop within %.0f s", timeout)
            self._thread = None

    # --- drain --------------------------------------------------------------------------------

    def drain(self) -> DrainResult:
        """Deliver until no queue has a message to hand out. Messages the background poller
        delivered meanwhile are not counted; they are delivered all the same."""
        delivered = 0
        for _ in range(MAX_DRAIN_ROUNDS):
            # Not `_waiting()` first: it is read without the lock, so it could miss a batch
            # the poller holds; `_deliver()` receives under the lock and sees the truth.
            polled = sum(self._deliver(mapping) for mapping in self.sources)
            delivered += polled
            # Stream records are not messages: not counted, but a round that read some goes
            # round again (the publisher's events may feed a queue, a queue's work the stream).
            polled += self._deliver_stream()
            if polled == 0:
                break
        else:
            log.warning(
                "drain stopped after %d rounds: a function keeps queueing", MAX_DRAIN_ROUNDS
            )
        with self._lock:
            retrying = sum(self._not_visible(mapping) for mapping in self.sources)
        return DrainResult(delivered, retrying)
