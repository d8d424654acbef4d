"""Local AWS for the runtime: moto in server mode on loopback, the handlers' environment,
and the resources of `template.yaml` created in it.

Order matters: start moto, then `apply_environment()`, and only then let anything create a
boto3 or PynamoDB client, so every client reaches moto and none reaches a real account.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import secrets
import threading
from collections.abc import Callable, Mapping, MutableMapping
from datetime import datetime
from typing import Any

import boto3
from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from portico.payments import StripeSettings
from portico_local.fake_stripe import FakeStripe
from portico_local.outbox import Outbox
from portico_local.s3_guard import PresignedS3Guard
from portico_local.template import (
    load_template,
    stream_view_type,
    table_definition,
    ttl_attribute,
)

REGION = "us-east-1"
LOCAL_TABLE_NAME = "portico-local"
LOCAL_BUCKET_PREFIX = "portico-local"
ACCOUNT = "123456789012"  # moto's default account

# Fake credentials: moto accepts anything, and real ones must never be used by accident.
_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
}
# Settings that would send a client somewhere other than our endpoint, or to real credentials.
_UNSAFE_PREFIXES = ("AWS_ENDPOINT_URL_",)
_UNSAFE = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
# What a developer may set in the shell to change the runtime's behaviour.
_OVERRIDABLE = frozenset({"POWERTOOLS_LOG_LEVEL"})

log = logging.getLogger("portico_local.aws")


class LocalAws:
    """moto's server on 127.0.0.1 (a free port), with an outbox of the email SES accepted.

    moto.server.ThreadedMotoServer builds its WSGI app internally; this starts the same app
    with werkzeug directly so the outbox can wrap it (moto keeps only one body part of a
    simple SES email, and no send time).
    """

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._app = DomainDispatcherApplication(create_backend_app)
        self.outbox = Outbox(self._app, now=now, region=REGION)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        """Start serving; returns the endpoint URL."""
        # S3's checks of presigned URLs and POST policies, which moto skips (s3_guard).
        guarded = PresignedS3Guard(self.outbox, secret=_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
        self._server = make_server(
            "127.0.0.1", 0, guarded, threaded=True, request_handler=MotoRequestHandler
        )
        # A short poll interval so that stop() (Ctrl-C) does not wait half a second.
        serve = functools.partial(self._server.serve_forever, poll_interval=0.1)
        self._thread = threading.Thread(target=serve, name="moto", daemon=True)
        self._thread.start()
        return self.endpoint_url

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError("moto is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def _parameter_default(template: dict[str, Any], name: str) -> str | None:
    parameter = template.get("Parameters", {}).get(name)
    return None if parameter is None else str(parameter.get("Default", ""))


def function_environment(base_url: str, template: dict[str, Any] | None = None) -> dict[str, str]:
    """The environment the template's `Globals` give every function, resolved for local use.

    `!Ref` to a parameter takes its default; `!Ref` to the table takes the local table's
    name, to a bucket a fixed local name (`bucket_name`); the portal's address is this
    runtime's URL so links in emails work.
    """
    template = template or load_template()
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    resources = template["Resources"]
    env: dict[str, str] = {}
    for name, value in variables.items():
        if isinstance(value, dict) and "Ref" in value:
            ref = value["Ref"]
            kind = resources.get(ref, {}).get("Type")
            if kind == "AWS::DynamoDB::Table":
                env[name] = LOCAL_TABLE_NAME
                continue
            if kind == "AWS::SQS::Queue":
                env[name] = queue_url(resource_name(template, ref))
                continue
            if kind in ("AWS::SecretsManager::Secret", "AWS::Events::EventBus"):
                env[name] = resource_name(template, ref)
                continue
            if kind == "AWS::S3::Bucket":
                env[name] = bucket_name(ref)
                continue
            default = _parameter_default(template, ref)
            if default is None:
                raise ValueError(f"cannot resolve {name}: !Ref {ref} locally")
            env[name] = default
        elif isinstance(value, str | int | float | bool):
            env[name] = str(value)
        else:
            raise ValueError(f"cannot resolve {name}={value!r} locally")
    env["PORTAL_BASE_URL"] = base_url
    return env


def apply_environment(
    endpoint_url: str, base_url: str, environ: MutableMapping[str, str] | None = None
) -> dict[str, str]:
    """Point every AWS client of this process at moto, with fake credentials, and set the
    handlers' variables. Call before any client is created. Returns what was set."""
    environ = os.environ if environ is None else environ
    for name in list(environ):
        if name in _UNSAFE or name.startswith(_UNSAFE_PREFIXES):
            del environ[name]
    values = {
        **_CREDENTIALS,
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        **function_environment(base_url),
    }
    for name, value in values.items():
        if name in _OVERRIDABLE and name in environ:
            continue
        environ[name] = value
    return values


def resource_name(template: dict[str, Any], logical_id: str) -> str:
    """A queue's or secret's name as `!Sub ...${Stage}...` makes it, with the default stage."""
    props = template["Resources"][logical_id]["Properties"]
    raw = props.get("QueueName") or props.get("Name")
    text = raw["Fn::Sub"] if isinstance(raw, dict) else raw
    return str(text).replace("${Stage}", _parameter_default(template, "Stage") or "dev")


def bucket_name(logical_id: str) -> str:
    """A bucket's local name, from its logical id: `MediaBucket` -> `portico-local-media`.

    The template leaves bucket names to CloudFormation (globally unique, generated); locally a
    fixed name keeps the environment the same from one run to the next.
    """
    stem = re.sub(r"Bucket$", "", logical_id) or logical_id
    return f"{LOCAL_BUCKET_PREFIX}-{re.sub(r'(?<!^)(?=[A-Z])', '-', stem).lower()}"


def queue_url(name: str) -> str:
    # moto finds a queue by the name at the end of its URL, whatever the host.
    return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}"


def _create_queues(template: dict[str, Any]) -> None:
    """Queues, dead-letter queues first so redrive policies can point at them."""
    sqs = boto3.client("sqs")
    queues = {
        logical: resource["Properties"]
        for logical, resource in template["Resources"].items()
        if resource["Type"] == "AWS::SQS::Queue"
    }
    ordered = sorted(queues, key=lambda logical: "RedrivePolicy" in queues[logical])
    for logical in ordered:
        props = queues[logical]
        attributes = {"VisibilityTimeout": str(props.get("VisibilityTimeout", 30))}
        redrive = props.get("RedrivePolicy")
        if redrive:
            target = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
            arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{resource_name(template, target)}"
            attributes["RedrivePolicy"] = json.dumps(
                {"deadLetterTargetArn": arn, "maxReceiveCount": str(redrive["maxReceiveCount"])}
            )
        sqs.create_queue(QueueName=resource_name(template, logical), Attributes=attributes)


def _create_secrets(template: dict[str, Any]) -> None:
    """Secrets with a generated value, as CloudFormation's GenerateSecretString makes them."""
    manager = boto3.client("secretsmanager")
    for logical, resource in template["Resources"].items():
        if resource["Type"] != "AWS::SecretsManager::Secret":
            continue
        generate = resource["Properties"]["GenerateSecretString"]
        value = json.loads(generate.get("SecretStringTemplate", "{}"))
        value[generate["GenerateStringKey"]] = secrets.token_urlsafe(48)
        manager.create_secret(Name=resource_name(template, logical), SecretString=json.dumps(value))


def _create_event_buses(template: dict[str, Any]) -> None:
    """The template's EventBridge buses (the domain events' bus)."""
    events = boto3.client("events")
    for logical, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Events::EventBus":
            events.create_event_bus(Name=resource_name(template, logical))


def _create_buckets(template: dict[str, Any], portal_base_url: str) -> None:
    """Buckets, private, versioned and with the CORS rules the template declares (the
    portal's origin is this runtime's)."""
    s3 = boto3.client("s3")
    for logical, resource in template["Resources"].items():
        if resource["Type"] != "AWS::S3::Bucket":
            continue
        props = resource.get("Properties", {})
        name = bucket_name(logical)
        s3.create_bucket(Bucket=name)  # us-east-1: no location constraint
        block = props.get("PublicAccessBlockConfiguration")
        if block:
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=block)
        versioning = props.get("VersioningConfiguration", {}).get("Status")
        if versioning:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": versioning})
        cors = props.get("CorsConfiguration")
        if cors:
            # CloudFormation's CorsRule names the API's MaxAgeSeconds `MaxAge`.
            rules = [
                {
                    **{("MaxAgeSeconds" if k == "MaxAge" else k): v for k, v in rule.items()},
                    "AllowedOrigins": [
                        portal_base_url if isinstance(origin, dict) else origin
                        for origin in rule["AllowedOrigins"]
                    ],
                }
                for rule in cors["CorsRules"]
            ]
            s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": rules})


def create_resources(environ: Mapping[str, str] | None = None) -> None:
    """Create in moto what the template declares and the handlers use: the table (keys,
    indexes and TTL from the template), the queues, the generated secrets, the buckets and
    the platform's SES identities; the table's stream and the event bus too."""
    env = os.environ if environ is None else environ
    template = load_template()
    _create_queues(template)
    _create_secrets(template)
    _create_buckets(template, env.get("PORTAL_BASE_URL", "http://127.0.0.1:3000"))
    _create_event_buses(template)
    dynamodb = boto3.client("dynamodb")
    table_name = env["TABLE_NAME"]
    stream = stream_view_type(template)
    dynamodb.create_table(
        TableName=table_name,
        **table_definition(template),
        **(
            {"StreamSpecification": {"StreamEnabled": True, "StreamViewType": stream}}
            if stream
            else {}
        ),
    )
    ttl = ttl_attribute()
    if ttl:
        dynamodb.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl},
        )
    # Verified so that SES accepts mail from the platform sender (and any address at the
    # platform's domain) as it would in an account where they are verified identities.
    ses = boto3.client("sesv2")
    for identity in (env["PLATFORM_SENDER_EMAIL"], env["PLATFORM_DOMAIN"]):
        ses.create_email_identity(EmailIdentity=identity)
    log.debug("created table %s and SES identities", table_name)


def put_stripe_secret(name: str, fake: FakeStripe) -> None:
    """Create (or overwrite) the Stripe secret the functions read, pointing at the fake
    Stripe: the template takes its name as a parameter (it is made by hand in a real
    account), so create_resources() does not make it."""
    value = StripeSettings(
        secret_key=fake.secret_key,
        webhook_secret=fake.webhook_secret,
        publishable_key=fake.publishable_key,
        api_base=fake.api_base,
    ).model_dump_json()
    client = boto3.client("secretsmanager", region_name=REGION)
    try:
        client.create_secret(Name=name, SecretString=value)
    except client.exceptions.ResourceExistsException:
        client.put_secret_value(SecretId=name, SecretString=value)
