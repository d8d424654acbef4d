"""The local runtime's SQS event-source mappings (portico_local.workers) against moto: what
they deliver, what they leave for a retry, the handler lock, and a clean stop."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from typing import Any

import boto3
import pytest

from portico_local.queues import QueueSource
from portico_local.workers import QueueMapping, QueuePoller, mappings

# What the test function below received, and whether the handler lock was held meanwhile.
RECEIVED: list[str] = []
LOCK_HELD: list[bool] = []
_LOCK = threading.Lock()


def record(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A queue consumer with partial-batch failures: a body of "fail" fails."""
    LOCK_HELD.append(_LOCK.locked())
    failures = []
    for item in event["Records"]:
        RECEIVED.append(item["body"])
        if item["body"] == "fail":
            failures.append({"itemIdentifier": item["messageId"]})
    return {"batchItemFailures": failures}


def explode(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise RuntimeError("the function failed")


@pytest.fixture(autouse=True)
def _fresh() -> None:
    RECEIVED.clear()
    LOCK_HELD.clear()


def poller(aws: None, handler: str = f"{__name__}.record", **kwargs: Any) -> QueuePoller:
    url = os.environ["EMAIL_QUEUE_URL"]
    source = QueueSource(
        function="TestFunction",
        handler=handler,
        queue="EmailQueue",
        batch_size=10,
        partial_failures=True,
    )
    return QueuePoller(_LOCK, [QueueMapping(source, url)], **kwargs)


def send(*bodies: str) -> None:
    sqs = boto3.client("sqs")
    for body in bodies:
        sqs.send_message(QueueUrl=os.environ["EMAIL_QUEUE_URL"], MessageBody=body)


def test_the_template_s_queues_map_to_their_functions_with_local_urls(aws: None):
    found = {m.source.function: m for m in mappings()}

    assert found["MailerFunction"].source.queue == "EmailQueue"
    for mapping in found.values():
        assert mapping.queue_url.startswith("https://sqs.us-east-1.amazonaws.com/")
        # The URL reaches the queue the template declares, in moto.
        boto3.client("sqs").get_queue_attributes(QueueUrl=mapping.queue_url)


def test_given_messages_when_drained_then_each_is_delivered_once_under_the_handler_lock(
    aws: None, caplog: pytest.LogCaptureFixture
):
    # Given 23 messages: more than one batch
    caplog.set_level(logging.INFO, logger="portico_local")
    bodies = [json.dumps({"n": n}) for n in range(23)]
    send(*bodies)

    # When
    result = poller(aws).drain()

    # Then
    assert (result.delivered, result.awaiting_retry) == (23, 0)
    assert sorted(RECEIVED) == sorted(bodies)
    assert LOCK_HELD
    assert all(LOCK_HELD)
    assert poller(aws).drain().delivered == 0
    # Logged by count, never by content (bodies carry customers' addresses)
    assert "EmailQueue -> TestFunction: delivered 10 message(s)" in caplog.text
    assert '"n": 7' not in caplog.text


def test_given_a_failing_message_when_drained_then_it_waits_for_a_retry_and_the_rest_are_done(
    aws: None, caplog: pytest.LogCaptureFixture
):
    send("ok-1", "fail", "ok-2")

    result = poller(aws).drain()

    assert (result.delivered, result.awaiting_retry) == (3, 1)
    assert sorted(RECEIVED) == ["fail", "ok-1", "ok-2"]
    assert "1 message(s) failed and will be offered again" in caplog.text


def test_given_a_function_that_raises_when_drained_then_the_batch_returns_to_the_queue(
    aws: None, caplog: pytest.LogCaptureFixture
):
    send("a", "b")

    result = poller(aws, handler=f"{__name__}.explode").drain()

    assert (result.delivered, result.awaiting_retry) == (2, 2)
    assert "the function failed" in caplog.text


def test_given_a_running_poller_when_a_message_arrives_then_it_is_delivered_and_stop_ends_it(
    aws: None,
):
    # Given
    running = poller(aws, interval=0.02)
    running.start()
    try:
        # When
        send("hello")
        deadline = time.monotonic() + 5
        while not RECEIVED and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        running.stop()

    # Then
    assert RECEIVED == ["hello"]
    assert not any(t.name == "sqs-poller" for t in threading.enumerate())
