"""The `Custom::PorticoBusiness` resource: a business provisioned by a deployment.

- Create provisions the business under an id derived from the stack and the resource's logical
  id, so a retried Create finds the business it made before instead of making a second one. The
  admin API key, shown once, goes to a Secrets Manager secret; the answer carries the business id
  and the secret's ARN, never the key.
- Update changes nothing and keeps the physical id: the template only seeds the business, whose
  name, address and settings are then the business's own, through the admin API. It answers the
  same attributes again, as Fn::GetAtt reads them from the latest answer.
- Delete keeps the business: its data lives in a retained table, and its key in its secret.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from portico.bootstrap import Services
from portico.domain.business import NewBusiness
from portico.errors import PorticoError
from portico.observability import logger
from portico.services import api_keys, portals
from provisioning.cloudformation import Answer, CustomResourceRequest
from provisioning.secrets import SecretStore, admin_key_secret_name

# Template property names, for reasons a deployer can act on.
_PROPERTY_NAMES = {
    "name": "Name",
    "slug": "Slug",
    "contact.email": "Email",
    "contact.phone": "Phone",
    "timezone": "Timezone",
    "currency": "Currency",
}


class RefusedError(Exception):
    """A request the deployer can fix (bad or taken slug...). The message is the reason shown by
    CloudFormation, so it must never hold a secret."""


class BusinessProperties(BaseModel):
    """The resource's properties in template.yaml. CloudFormation passes every value as a string
    and an unset parameter as an empty one."""

    model_config = ConfigDict(frozen=True, extra="ignore")  # ServiceToken, ServiceTimeout

    name: str = Field(default="", alias="Name")
    slug: str = Field(default="", alias="Slug")
    email: str = Field(default="", alias="Email")
    phone: str = Field(default="", alias="Phone")
    timezone: str = Field(default="America/Chicago", alias="Timezone")
    currency: str = Field(default="USD", alias="Currency")

    def new_business(self) -> NewBusiness:
        """The business to provision; refused with the offending properties if invalid."""
        contact = {"email": self.email, "phone": self.phone}
        try:
            return NewBusiness.model_validate(
                {
                    "name": self.name,
                    "slug": self.slug,
                    "contact": {key: value for key, value in contact.items() if value},
                    "timezone": self.timezone or "America/Chicago",
                    "currency": self.currency or "USD",
                }
            )
        except ValidationError as error:
            problems = "; ".join(
                f"{_PROPERTY_NAMES.get('.'.join(map(str, e['loc'])), e['loc'][0])}: {e['msg']}"
                for e in error.errors(include_url=False, include_input=False)
            )
            raise RefusedError(f"Invalid business properties - {problems}") from error


def business_id_for(request: CustomResourceRequest) -> str:
    """The same id for every attempt at one resource of one stack, and another for any other
    stack (the stack id ends with a unique id, so even a re-created stack differs)."""
    seed = f"{request.stack_id}/{request.logical_resource_id}".encode()
    return "biz_" + hashlib.sha256(seed).hexdigest()[:16]


def apply(svc: Services, secrets: SecretStore, request: CustomResourceRequest) -> Answer:
    """Carry out a Create, Update or Delete; raises RefusedError for what the deployer can fix."""
    match request.request_type:
        case "Create":
            return _create(svc, secrets, request)
        case "Update":
            return _update(svc, secrets, request)
        case "Delete":
            return Answer("SUCCESS", request.physical_resource_id or business_id_for(request))


def _create(svc: Services, secrets: SecretStore, request: CustomResourceRequest) -> Answer:
    business_id = business_id_for(request)
    new = BusinessProperties.model_validate(request.properties).new_business()
    secret_name = admin_key_secret_name(svc.settings.stage, new.slug)
    description = (
        f"Admin API key of Portico business {business_id} ({new.slug}), "
        f"provisioned by stack {request.stack_name}."
    )
    if svc.businesses.get(business_id) is None:
        try:
            provisioned = portals.provision_business(svc, new, business_id=business_id)
        except PorticoError as error:
            if svc.businesses.get(business_id) is None:
                raise RefusedError(_reason(error)) from error
            # A concurrent attempt at this same request got there first: go on as a retry.
        else:
            arn = secrets.put(secret_name, provisioned.admin_api_key, description)
            logger.info(
                "business provisioned",
                extra={"business_id": business_id, "slug": new.slug, "secret_arn": arn},
            )
            return _provisioned(business_id, arn)
    found = secrets.find(secret_name)
    if found is None:
        # An earlier attempt saved the business but died before storing its key, which is
        # therefore lost: issue another, so the deployer still ends up with a working key.
        issued = api_keys.issue_key(svc, business_id, "Provisioning")
        found = secrets.put(secret_name, issued.api_key, description)
    logger.info("business already provisioned", extra={"business_id": business_id})
    return _provisioned(business_id, found)


def _update(svc: Services, secrets: SecretStore, request: CustomResourceRequest) -> Answer:
    business_id = request.physical_resource_id or business_id_for(request)
    # The secret is named after the slug at creation: the old properties' slug, or the new
    # one when a rollback restores it after the template's slug was edited.
    slugs = [
        BusinessProperties.model_validate(properties).slug
        for properties in (request.old_properties, request.properties)
    ]
    found = (secrets.find(admin_key_secret_name(svc.settings.stage, s)) for s in slugs if s)
    arn = next((arn for arn in found if arn), "")
    if not arn:
        # Never block a deployment over it: the operator may well have deleted the secret
        # after copying the key somewhere safer.
        logger.warning("admin key secret not found", extra={"business_id": business_id})
    return _provisioned(business_id, arn)


def _provisioned(business_id: str, secret_arn: str) -> Answer:
    return Answer(
        "SUCCESS",
        business_id,
        data={"BusinessId": business_id, "AdminApiKeySecretArn": secret_arn},
    )


def _reason(error: PorticoError) -> str:
    details: Any = error.details
    suggestions = details.get("suggestions") if isinstance(details, dict) else None
    if suggestions:
        return f"{error.message} Free addresses: {', '.join(suggestions)}."
    return error.message
