"""The custom resource provider behind `Custom::PorticoBusiness` (see business_resource).

CloudFormation waits for an answer at the request's ResponseURL, so every request gets one,
SUCCESS or FAILED, whatever goes wrong; only a failure to deliver it is raised, for Lambda to
retry the invocation (which is safe: a retried Create finds the business it created).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from portico.bootstrap import services
from portico.observability import logger
from provisioning import business_resource
from provisioning.cloudformation import Answer, CustomResourceRequest, send_answer
from provisioning.secrets import SecretStore

svc = services()
secrets = SecretStore(region=svc.settings.aws_region)


def answer(request: CustomResourceRequest, log_stream: str) -> Answer:
    """The answer to `request`: its outcome, or FAILED with a reason that holds no secret."""
    physical_id = request.physical_resource_id or business_resource.business_id_for(request)
    try:
        return business_resource.apply(svc, secrets, request)
    except business_resource.RefusedError as refusal:
        logger.warning("request refused", extra={"reason": str(refusal)})
        return Answer("FAILED", physical_id, reason=str(refusal))
    except Exception:  # noqa: BLE001 - CloudFormation must hear back, whatever the failure
        logger.exception("request failed")
        # The exception's text stays in the log: it may quote more than a deployer should see.
        reason = f"Unexpected error; see CloudWatch log stream {log_stream}"
        return Answer("FAILED", physical_id, reason=reason)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> None:
    request = CustomResourceRequest.model_validate(event)
    logger.append_keys(
        stack_id=request.stack_id,
        logical_resource_id=request.logical_resource_id,
        request_type=request.request_type,
    )
    send_answer(request, answer(request, context.log_stream_name))
