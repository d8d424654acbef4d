"""SQS event-source mappings, as Lambda's poller runs them: read the template's SQS events,
receive from the queue, invoke the function with an SQS event, delete what succeeded.

Used by the local runtime's background poller and by tests (`deliver_all`).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

import boto3

from portico_local.gateway import LambdaContext, load_handler
from portico_local.template import load_template

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueueSource:
    """An SQS event of a function in the template."""

    function: str
    handler: str
    queue: str  # logical id of the AWS::SQS::Queue
    batch_size: int
    partial_failures: bool


def queue_sources(template: dict[str, Any] | None = None) -> list[QueueSource]:
    template = template or load_template()
    found = []
    for name, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        props = resource["Properties"]
        for event in (props.get("Events") or {}).values():
            if event["Type"] != "SQS":
                continue
            queue_arn = event["Properties"]["Queue"]
            found.append(
                QueueSource(
                    function=name,
                    handler=props["Handler"],
                    queue=queue_arn["Fn::GetAtt"][0],
                    batch_size=int(event["Properties"].get("BatchSize", 10)),
                    partial_failures="ReportBatchItemFailures"
                    in (event["Properties"].get("FunctionResponseTypes") or []),
                )
            )
    return found


def queue_name(logical_id: str, template: dict[str, Any] | None = None, stage: str = "dev") -> str:
    """The queue's name as the template's `QueueName: !Sub ...${Stage}...` makes it."""
    template = template or load_template()
    name = template["Resources"][logical_id]["Properties"]["QueueName"]
    text = name["Fn::Sub"] if isinstance(name, dict) else name
    return str(text).replace("${Stage}", stage)


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """The event Lambda's SQS poller hands a function."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": message.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": "us-east-1",
            }
            for message in messages
        ]
    }


def deliver_once(
    source: QueueSource, queue_url: str, client: Any = None, *, raise_errors: bool = True
) -> int:
    """One poll: receive a batch, invoke, delete the successes. Returns messages received.

    A function that raises leaves the whole batch to come back after its visibility timeout,
    as Lambda does; tests want to see the error instead (`raise_errors`).
    """
    sqs = client or boto3.client("sqs")
    received = sqs.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=min(source.batch_size, 10),
        AttributeNames=["All"],
        WaitTimeSeconds=0,
    ).get("Messages", [])
    if not received:
        return 0
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    context = LambdaContext(function_name=source.function, aws_request_id=str(uuid.uuid4()))
    try:
        result = load_handler(source.handler)(sqs_event(received, arn), context) or {}
    except Exception:
        if raise_errors:
            raise
        logger.exception("%s failed; the batch returns to %s", source.function, source.queue)
        return len(received)
    failed = {item["itemIdentifier"] for item in result.get("batchItemFailures", [])}
    done = [m for m in received if m["MessageId"] not in failed]
    if done:
        sqs.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)
            ],
        )
    return len(received)


def deliver_all(stage: str = "dev", max_polls: int = 1000) -> int:
    """Drain every queue of the template into its function (tests). Returns messages seen."""
    sqs = boto3.client("sqs")
    seen = 0
    for _ in range(max_polls):
        polled = 0
        for source in queue_sources():
            url = sqs.get_queue_url(QueueName=queue_name(source.queue, stage=stage))["QueueUrl"]
            polled += deliver_once(source, url, sqs)
        seen += polled
        if polled == 0:
            break
    return seen
