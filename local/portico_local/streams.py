"""DynamoDB stream event-source mappings, as Lambda runs them, over moto's stream.

moto records every write of a table whose `StreamSpecification` is on (the template's
`NEW_IMAGE`) and serves it through the DynamoDB Streams API (`GetShardIterator`,
`GetRecords`), one shard per table. `StreamFeed` reads that shard from where it stopped,
applies the mapping's `FilterCriteria` (equality on string values, the only kind the template
uses), hands batches to the function, and, as Lambda does with `ReportBatchItemFailures`,
retries from the lowest failed sequence number up to the mapping's retry limit, then sends a
record of the batch to its on-failure queue.

Used by the local runtime's poller (after every round of queues) and by the tests
(`tests/support/events.py`).
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import boto3
from botocore.config import Config

from portico_local.aws import queue_url, resource_name
from portico_local.gateway import LambdaContext, load_handler
from portico_local.template import StreamSource, load_template, stream_sources

log = logging.getLogger("portico_local.streams")
# A mapping without a retry limit (-1) retries until the record expires; locally: this many.
LOCAL_RETRY_CAP = 3


def matches(pattern: Any, value: Any) -> bool:
    """Whether `value` (a stream record, or part of one) matches a filter `pattern`: a dict
    matches key by key, a list of strings or numbers is the set of values allowed."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(
            key in value and matches(inner, value[key]) for key, inner in pattern.items()
        )
    if isinstance(pattern, list):
        if not all(isinstance(allowed, str | int | float) for allowed in pattern):
            raise ValueError(f"filter rule not supported locally: {pattern!r}")
        return value in pattern
    raise ValueError(f"filter rule not supported locally: {pattern!r}")


def _as_lambda_sends(record: dict[str, Any]) -> dict[str, Any]:
    """A record as Lambda hands it over: the creation time in epoch seconds (the SDK parsed
    moto's into a datetime)."""
    stream = dict(record["dynamodb"])
    created = stream.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        stream["ApproximateCreationDateTime"] = int(created.timestamp())
    return {**record, "dynamodb": stream}


def passes(source: StreamSource, record: dict[str, Any]) -> bool:
    """Lambda's FilterCriteria: a record passes if any pattern matches (no patterns: all)."""
    return not source.patterns or any(matches(json.loads(p), record) for p in source.patterns)


@dataclass
class StreamFeed:
    """One table's stream in moto, read from where the last read stopped, for its mappings."""

    table_name: str
    sources: list[StreamSource] = field(default_factory=stream_sources)
    client: Any = None
    raise_errors: bool = False
    _iterator: str | None = None
    _stream_arn: str | None = None
    _shard_id: str | None = None

    def _streams(self) -> Any:
        if self.client is None:
            # A session of its own: boto3's default session is not safe to share across
            # threads. Account-based endpoints off: botocore would send calls that name a
            # stream ARN to `{account}.ddb...`, which moto does not serve.
            self.client = boto3.session.Session().client(
                "dynamodbstreams", config=Config(account_id_endpoint_mode="disabled")
            )
        return self.client

    def _open(self) -> str:
        if self._stream_arn is None:
            found = self._streams().list_streams(TableName=self.table_name)["Streams"]
            if not found:
                raise RuntimeError(f"table {self.table_name} has no stream")
            self._stream_arn = found[0]["StreamArn"]
            description = self._streams().describe_stream(StreamArn=self._stream_arn)
            self._shard_id = description["StreamDescription"]["Shards"][0]["ShardId"]
        if self._iterator is None:
            self._iterator = self._streams().get_shard_iterator(
                StreamArn=self._stream_arn,
                ShardId=self._shard_id,
                ShardIteratorType="TRIM_HORIZON",
            )["ShardIterator"]
        return self._stream_arn

    def read(self) -> list[dict[str, Any]]:
        """The records written since the last read (all of them on the first)."""
        self._open()
        answer = self._streams().get_records(ShardIterator=self._iterator, Limit=1000)
        self._iterator = answer["NextShardIterator"]
        return [_as_lambda_sends(record) for record in answer["Records"]]

    def deliver_once(self) -> int:
        """Read what is new and hand it to every mapping; returns the records read."""
        records = self.read()
        if not records:
            return 0
        arn = self._stream_arn or ""
        for source in self.sources:
            wanted = [
                {**record, "eventSourceARN": arn} for record in records if passes(source, record)
            ]
            for start in range(0, len(wanted), source.batch_size):
                self._invoke(source, wanted[start : start + source.batch_size])
        return len(records)

    def _invoke(self, source: StreamSource, batch: list[dict[str, Any]]) -> None:
        retries = source.max_retries if source.max_retries >= 0 else LOCAL_RETRY_CAP
        pending = batch
        for _attempt in range(retries + 1):
            failed_from = self._call(source, pending)
            if failed_from is None:
                return
            pending = pending[failed_from:]
        log.warning(
            "%s: %d stream record(s) failed %d time(s); a record of the batch goes to %s",
            source.function,
            len(pending),
            retries + 1,
            source.on_failure_queue or "nowhere",
        )
        if source.on_failure_queue:
            self._dead_letter(source, pending)

    def _call(self, source: StreamSource, batch: list[dict[str, Any]]) -> int | None:
        """Invoke once; None when the whole batch succeeded, else where to resume."""
        context = LambdaContext(function_name=source.function, aws_request_id=str(uuid.uuid4()))
        try:
            result = load_handler(source.handler)({"Records": batch}, context) or {}
        except Exception:
            if self.raise_errors:
                raise
            log.exception("%s failed; the batch is delivered again", source.function)
            return 0
        failures = {
            str(failure["itemIdentifier"]) for failure in result.get("batchItemFailures", [])
        }
        if not failures or not source.partial_failures:
            return None
        # Lambda checkpoints before the lowest failed sequence number and resumes there.
        return min(
            index
            for index, record in enumerate(batch)
            if record["dynamodb"]["SequenceNumber"] in failures
        )

    def _dead_letter(self, source: StreamSource, batch: list[dict[str, Any]]) -> None:
        """What Lambda sends an on-failure destination for a stream: where the batch is, not
        the records themselves."""
        name = resource_name(load_template(), source.on_failure_queue or "")
        sqs = boto3.session.Session().client("sqs")
        sqs.send_message(
            QueueUrl=queue_url(name),
            MessageBody=json.dumps(
                {
                    "requestContext": {"functionArn": source.function},
                    "DDBStreamBatchInfo": {
                        "shardId": self._shard_id,
                        "startSequenceNumber": batch[0]["dynamodb"]["SequenceNumber"],
                        "endSequenceNumber": batch[-1]["dynamodb"]["SequenceNumber"],
                        "batchSize": len(batch),
                        "streamArn": self._stream_arn,
                    },
                }
            ),
        )
