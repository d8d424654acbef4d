"""Reading template.yaml: routes, the authorizer and the table, as the local runtime needs them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """A YAML loader that keeps CloudFormation's short-form tags (!Ref, !Sub...) as data."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _tag)


@cache
def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    with path.open() as handle:
        loaded: dict[str, Any] = yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    return loaded


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # API Gateway form: /v1/portals/{slug}
    function: str  # logical id
    handler: str  # module.function
    authorized: bool

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"

    def match(self, method: str, raw_path: str) -> dict[str, str] | None:
        """The path parameters if this route serves the request, else None."""
        if method != self.method:
            return None
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.path))
        found = re.fullmatch(pattern, raw_path)
        return found.groupdict() if found else None


def _functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def routes(template: dict[str, Any] | None = None) -> list[Route]:
    """Every HttpApi route in the template, with its function and whether it is authorized."""
    template = template or load_template()
    found = []
    for name, props in _functions(template).items():
        for event in (props.get("Events") or {}).values():
            if event["Type"] != "HttpApi":
                continue
            properties = event["Properties"]
            authorizer = (properties.get("Auth") or {}).get("Authorizer")
            found.append(
                Route(
                    method=properties["Method"].upper(),
                    path=properties["Path"],
                    function=name,
                    handler=props["Handler"],
                    authorized=authorizer != "NONE",
                )
            )
    # Literal segments before parameters, as API Gateway prefers the most specific route.
    return sorted(found, key=lambda route: (route.path.count("{"), -len(route.path)))


@dataclass(frozen=True)
class Schedule:
    """A function the template runs on a schedule (EventBridge Scheduler), and its input."""

    function: str
    handler: str
    input: str | None


def schedules(template: dict[str, Any] | None = None) -> list[Schedule]:
    """Every ScheduleV2 event of the template's functions."""
    template = template or load_template()
    return [
        Schedule(name, props["Handler"], event["Properties"].get("Input"))
        for name, props in _functions(template).items()
        for event in (props.get("Events") or {}).values()
        if event["Type"] == "ScheduleV2"
    ]


def authorizer_handler(template: dict[str, Any] | None = None) -> str:
    """The handler of the HTTP API's default authorizer function."""
    template = template or load_template()
    api = next(
        resource["Properties"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Serverless::HttpApi"
    )
    auth = api["Auth"]
    function_arn = auth["Authorizers"][auth["DefaultAuthorizer"]]["FunctionArn"]
    function_name = function_arn["Fn::GetAtt"][0]
    handler: str = _functions(template)[function_name]["Handler"]
    return handler


def table_definition(template: dict[str, Any] | None = None) -> dict[str, Any]:
    """CreateTable arguments for the template's DynamoDB table (name left to the caller)."""
    template = template or load_template()
    props = next(
        resource["Properties"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::DynamoDB::Table"
    )
    return {
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "GlobalSecondaryIndexes": props.get("GlobalSecondaryIndexes", []),
        "BillingMode": props["BillingMode"],
    }


def ttl_attribute(template: dict[str, Any] | None = None) -> str | None:
    template = template or load_template()
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::DynamoDB::Table":
            spec = resource["Properties"].get("TimeToLiveSpecification") or {}
            return spec.get("AttributeName") if spec.get("Enabled") else None
    return None


def stream_view_type(template: dict[str, Any] | None = None) -> str | None:
    """What the table's stream carries (`NEW_IMAGE`), or None when it has none."""
    template = template or load_template()
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::DynamoDB::Table":
            spec = resource["Properties"].get("StreamSpecification") or {}
            view: str | None = spec.get("StreamViewType")
            return view
    return None


@dataclass(frozen=True)
class StreamSource:
    """A DynamoDB stream event of a function in the template (an event source mapping)."""

    function: str
    handler: str
    batch_size: int
    patterns: tuple[str, ...]  # FilterCriteria patterns, JSON
    partial_failures: bool
    max_retries: int
    on_failure_queue: str | None  # logical id of the on-failure destination queue


def stream_sources(template: dict[str, Any] | None = None) -> list[StreamSource]:
    """Every DynamoDB event of the template's functions."""
    template = template or load_template()
    found = []
    for name, props in _functions(template).items():
        for event in (props.get("Events") or {}).values():
            if event["Type"] != "DynamoDB":
                continue
            properties = event["Properties"]
            filters = (properties.get("FilterCriteria") or {}).get("Filters") or []
            destination = ((properties.get("DestinationConfig") or {}).get("OnFailure") or {}).get(
                "Destination"
            )
            found.append(
                StreamSource(
                    function=name,
                    handler=props["Handler"],
                    batch_size=int(properties.get("BatchSize", 100)),
                    patterns=tuple(f["Pattern"] for f in filters),
                    partial_failures="ReportBatchItemFailures"
                    in (properties.get("FunctionResponseTypes") or []),
                    max_retries=int(properties.get("MaximumRetryAttempts", -1)),
                    on_failure_queue=destination["Fn::GetAtt"][0] if destination else None,
                )
            )
    return found


def page_headers(media_origin: str, path: Path = TEMPLATE) -> dict[str, str]:
    """The security headers CloudFront adds to every page (`WebSecurityHeaders`), with the
    media bucket's addresses in the content security policy replaced by `media_origin` (where
    this runtime's presigned links point)."""
    policy = load_template(path)["Resources"]["WebSecurityHeaders"]["Properties"]
    config = policy["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = config["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    hsts = config["StrictTransportSecurity"]
    for name in ("DomainName", "RegionalDomainName"):
        csp = csp.replace(f"https://${{MediaBucket.{name}}}", media_origin)
    return {
        "content-security-policy": " ".join(csp.split()),
        "strict-transport-security": f"max-age={hsts['AccessControlMaxAgeSec']}"
        + ("; includeSubDomains" if hsts.get("IncludeSubdomains") else "")
        + ("; preload" if hsts.get("Preload") else ""),
        "x-frame-options": config["FrameOptions"]["FrameOption"],
        "x-content-type-options": "nosniff",
        "referrer-policy": config["ReferrerPolicy"]["ReferrerPolicy"],
    }
