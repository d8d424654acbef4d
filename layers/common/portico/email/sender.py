"""The EmailSender port: SES v2 in AWS (and in the local runtime, against moto), a list in
unit tests. Every message has a plain-text and an HTML part."""

from __future__ import annotations

from typing import Any, Protocol

from portico.domain.common import DomainModel


class EmailMessage(DomainModel):
    to: str
    sender: str  # "Sparkling Pools <portal@example.com>"
    subject: str
    text: str
    html: str
    reply_to: str | None = None


class EmailSender(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Send the message; returns the provider's message id."""
        ...


class SesEmailSender:
    def __init__(self, configuration_set: str | None = None, client: Any = None) -> None:
        self._configuration_set = configuration_set
        self._client = client

    def send(self, message: EmailMessage) -> str:
        if self._client is None:
            import boto3  # first use only: keeps botocore out of the handlers' import cost

            self._client = boto3.client("sesv2")
        request: dict[str, Any] = {
            "FromEmailAddress": message.sender,
            "Destination": {"ToAddresses": [message.to]},
            "Content": {
                "Simple": {
                    "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                    "Body": {
                        "Text": {"Data": message.text, "Charset": "UTF-8"},
                        "Html": {"Data": message.html, "Charset": "UTF-8"},
                    },
                }
            },
        }
        if message.reply_to:
            request["ReplyToAddresses"] = [message.reply_to]
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        message_id: str = self._client.send_email(**request)["MessageId"]
        return message_id


class RecordingEmailSender:
    """Keeps what it is asked to send, for unit tests."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> str:
        self.sent.append(message)
        return f"recorded-{len(self.sent)}"
