"""The CloudFormation custom resource protocol: the request, and the answer PUT to its ResponseURL.

See "Custom resource request and response reference" in the CloudFormation User Guide.
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

# CloudFormation refuses answers over 4096 bytes; a long reason must not be what loses the answer.
MAX_REASON = 1000
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class CustomResourceRequest(BaseModel):
    """A Create, Update or Delete request, as CloudFormation sends it to the function."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    request_type: Literal["Create", "Update", "Delete"] = Field(alias="RequestType")
    request_id: str = Field(alias="RequestId")
    stack_id: str = Field(alias="StackId")
    logical_resource_id: str = Field(alias="LogicalResourceId")
    resource_type: str = Field(alias="ResourceType")
    # Pre-signed: whoever holds it can answer for this resource, so it is never logged.
    response_url: str = Field(alias="ResponseURL", repr=False)
    physical_resource_id: str | None = Field(default=None, alias="PhysicalResourceId")
    properties: dict[str, Any] = Field(default_factory=dict, alias="ResourceProperties")
    old_properties: dict[str, Any] = Field(default_factory=dict, alias="OldResourceProperties")

    @property
    def stack_name(self) -> str:
        """`portico-dev` from `arn:aws:cloudformation:...:stack/portico-dev/<uuid>`."""
        return self.stack_id.split(":stack/", 1)[-1].split("/", 1)[0]


@dataclass(frozen=True)
class Answer:
    """What the provider tells CloudFormation. `data` is readable with Fn::GetAtt and shown in
    the console, so it must never hold a secret."""

    status: Literal["SUCCESS", "FAILED"]
    physical_resource_id: str
    reason: str | None = None
    data: dict[str, str] = field(default_factory=dict)


def answer_body(request: CustomResourceRequest, answer: Answer) -> dict[str, Any]:
    """The JSON document CloudFormation expects at the ResponseURL."""
    body: dict[str, Any] = {
        "Status": answer.status,
        "PhysicalResourceId": answer.physical_resource_id,
        "StackId": request.stack_id,
        "RequestId": request.request_id,
        "LogicalResourceId": request.logical_resource_id,
    }
    if answer.reason:
        body["Reason"] = answer.reason[:MAX_REASON]
    if answer.data:
        body["Data"] = answer.data
    return body


def send_answer(request: CustomResourceRequest, answer: Answer, timeout: float = 10.0) -> None:
    """PUT the answer to the request's pre-signed URL. Raises if it cannot be delivered, so that
    Lambda retries the (idempotent) invocation rather than leave CloudFormation waiting."""
    parts = urlsplit(request.response_url)
    # S3 pre-signed URLs are https; plain http is accepted on loopback only, for tests.
    if not (parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK)):
        raise ValueError("ResponseURL must be an https URL")
    body = json.dumps(answer_body(request, answer)).encode()
    put = urllib.request.Request(  # noqa: S310 - scheme checked above
        request.response_url,
        data=body,
        method="PUT",
        # The URL was signed without a content type; urllib would otherwise add a form type
        # that S3 counts in the signature and refuses (cfn-response sends an empty one too).
        headers={"Content-Type": ""},
    )
    with urllib.request.urlopen(put, timeout=timeout) as reply:  # noqa: S310 - scheme checked
        reply.read()
