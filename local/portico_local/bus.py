"""Seeing what reaches the event bus in the local runtime and the tests: a rule on the
template's bus that sends every Portico event to a queue of its own, read into a list
(`GET /_dev/events`). Dev-only, like the outbox: never in template.yaml."""

from __future__ import annotations

import json
import threading
from typing import Any

import boto3

from portico.domain.events import SOURCE
from portico_local.aws import queue_url, resource_name
from portico_local.template import load_template

OBSERVER_QUEUE = "portico-local-published-events"
OBSERVER_RULE = "portico-local-every-event"


def bus_name(template: dict[str, Any] | None = None) -> str:
    """The name of the template's (one) event bus, as the local runtime creates it."""
    template = template or load_template()
    (logical,) = (
        name
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Events::EventBus"
    )
    return resource_name(template, logical)


class PublishedEvents:
    """Every event put on the bus since `install()`, oldest first, as EventBridge delivers
    it to a target (`id`, `source`, `detail-type`, `time`, `detail`...)."""

    def __init__(self, bus: str | None = None) -> None:
        self.bus = bus or bus_name()
        self._seen: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._session = boto3.session.Session()

    def install(self) -> PublishedEvents:
        sqs = self._session.client("sqs")
        sqs.create_queue(QueueName=OBSERVER_QUEUE)
        events = self._session.client("events")
        events.put_rule(
            Name=OBSERVER_RULE,
            EventBusName=self.bus,
            EventPattern=json.dumps({"source": [SOURCE]}),
            State="ENABLED",
        )
        arn = sqs.get_queue_attributes(
            QueueUrl=queue_url(OBSERVER_QUEUE), AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        events.put_targets(
            Rule=OBSERVER_RULE, EventBusName=self.bus, Targets=[{"Id": "observer", "Arn": arn}]
        )
        return self

    def collect(self) -> list[dict[str, Any]]:
        """Read what arrived since the last call; returns everything seen so far."""
        sqs = self._session.client("sqs")
        with self._lock:
            while True:
                messages = sqs.receive_message(
                    QueueUrl=queue_url(OBSERVER_QUEUE), MaxNumberOfMessages=10, WaitTimeSeconds=0
                ).get("Messages", [])
                if not messages:
                    break
                self._seen += [json.loads(message["Body"]) for message in messages]
                sqs.delete_message_batch(
                    QueueUrl=queue_url(OBSERVER_QUEUE),
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                        for i, m in enumerate(messages)
                    ],
                )
            return list(self._seen)
