"""The email-job queue port: SQS in AWS, a list in unit tests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

from pydantic import TypeAdapter

from portico.domain.autopay import ChargeJob
from portico.domain.email_jobs import EmailJob

email_job_adapter: TypeAdapter[EmailJob] = TypeAdapter(EmailJob)
_BATCH = 10  # SQS SendMessageBatch takes at most 10 entries


class EmailJobQueue(Protocol):
    def enqueue(self, jobs: Sequence[EmailJob]) -> None:
        """Queue the jobs for the mailer; returns once every job is accepted."""
        ...


def send_batches(client: Any, queue_url: str, bodies: Sequence[str]) -> None:
    """Send message bodies in batches of ten, retrying the entries SQS refused; raises if
    any is still refused after three tries."""
    for start in range(0, len(bodies), _BATCH):
        pending = {str(index): body for index, body in enumerate(bodies[start : start + _BATCH])}
        for _attempt in range(3):
            if not pending:
                break
            answer = client.send_message_batch(
                QueueUrl=queue_url,
                Entries=[{"Id": key, "MessageBody": body} for key, body in pending.items()],
            )
            pending = {failed["Id"]: pending[failed["Id"]] for failed in answer.get("Failed", [])}
        if pending:
            raise RuntimeError(f"{len(pending)} messages could not be queued")


class SqsEmailJobQueue:
    def __init__(self, queue_url: str, client: Any = None) -> None:
        self._queue_url = queue_url
        self._client = client

    def enqueue(self, jobs: Sequence[EmailJob]) -> None:
        if self._client is None:
            import boto3  # first use only: keeps botocore out of the handlers' import cost

            self._client = boto3.client("sqs")
        bodies = [json.dumps(email_job_adapter.dump_python(job, mode="json")) for job in jobs]
        send_batches(self._client, self._queue_url, bodies)


class SqsChargeJobQueue:
    """AutoPay's charge jobs on their SQS queue (the charge worker consumes it)."""

    def __init__(self, queue_url: str, client: Any = None) -> None:
        self._queue_url = queue_url
        self._client = client

    def enqueue(self, jobs: Sequence[ChargeJob]) -> None:
        if self._client is None:
            import boto3

            self._client = boto3.client("sqs")
        send_batches(self._client, self._queue_url, [job.model_dump_json() for job in jobs])


class InMemoryEmailJobQueue:
    """Keeps the jobs, for unit tests."""

    def __init__(self) -> None:
        self.jobs: list[EmailJob] = []

    def enqueue(self, jobs: Sequence[EmailJob]) -> None:
        self.jobs.extend(jobs)
