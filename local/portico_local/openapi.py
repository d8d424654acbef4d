"""The one OpenAPI document of the HTTP API, generated from the code (DESIGN 4.7).

Each function's Powertools resolver already knows its routes, parameters and models; this
module imports every handler the template routes to, takes each resolver's OpenAPI schema
and merges them into one document. The template decides which routes exist and which are
authorized, so a route in the template but not in the code (or the other way round) stops
the build instead of shipping a document that lies.

    python -m portico_local.openapi                       # print the document
    python -m portico_local.openapi --write docs/openapi.json
    python -m portico_local.openapi --check docs/openapi.json   # exit 1 if out of date
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Iterable, Sequence
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from portico_local.template import ROOT, Route, routes

TITLE = "Portico API"
DOCUMENT = ROOT / "docs" / "openapi.json"
SECURITY_SCHEME = "bearerAuth"
BEARER_AUTH = {
    "type": "http",
    "scheme": "bearer",
    "description": (
        "An admin API key (`ptk_...`) or a session access token, sent as "
        "`Authorization: Bearer <token>`."
    ),
}
_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})
_SCHEMA_REF = "#/components/schemas/"


class OpenApiError(RuntimeError):
    """The code and the template disagree, or two functions define a model differently."""


def api_version() -> str:
    """The API's version: the `portico` distribution's version from pyproject.toml."""
    try:
        return package_version("portico")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0.0.0"


def handler_modules(route_list: Iterable[Route]) -> list[str]:
    """The distinct handler modules serving `route_list`, sorted (`admin.handler`, ...)."""
    return sorted({route.handler.rpartition(".")[0] for route in route_list})


def module_schema(module_name: str) -> dict[str, Any]:
    """The OpenAPI schema of the Powertools resolver `app` in `module_name`, as plain JSON."""
    module = importlib.import_module(module_name)
    app = getattr(module, "app", None)
    if app is None or not hasattr(app, "get_openapi_json_schema"):
        raise OpenApiError(f"{module_name} has no Powertools resolver called `app`")
    # The JSON form, not the pydantic model: it is exactly what Powertools itself would
    # serve (aliases applied, None fields dropped), and plain dicts are easy to merge.
    schema: dict[str, Any] = json.loads(
        app.get_openapi_json_schema(title=TITLE, version=api_version())
    )
    return schema


def merge_documents(
    parts: Sequence[tuple[str, dict[str, Any]]], route_list: Sequence[Route]
) -> dict[str, Any]:
    """Merge per-module OpenAPI schemas (`(module, schema)` pairs) into one document.

    Keeps exactly the template's routes, marks the authorized ones with `bearerAuth`, and
    raises `OpenApiError` when a template route has no operation in the code, an operation
    has no route in the template, two modules define the same operation, or two modules
    give the same schema name different definitions.
    """
    wanted = {(route.path, route.method.lower()): route for route in route_list}
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {}
    origin: dict[tuple[str, str], str] = {}
    schema_origin: dict[str, str] = {}
    not_routed: list[str] = []

    for module_name, schema in parts:
        for path, item in schema.get("paths", {}).items():
            for method, operation in item.items():
                if method not in _HTTP_METHODS:
                    continue  # path-level keys such as shared `parameters`
                key = (path, method)
                if key in origin:
                    raise OpenApiError(
                        f"{method.upper()} {path} is defined by both {origin[key]} and "
                        f"{module_name}"
                    )
                origin[key] = module_name
                route = wanted.get(key)
                if route is None:
                    not_routed.append(f"{method.upper()} {path} ({module_name})")
                    continue
                paths.setdefault(path, {})[method] = _secured(operation, route)
        for name, definition in schema.get("components", {}).get("schemas", {}).items():
            if name in schemas and schemas[name] != definition:
                raise OpenApiError(
                    f"schema {name!r} differs between {schema_origin[name]} and {module_name}; "
                    "rename one of the models"
                )
            schemas.setdefault(name, definition)
            schema_origin.setdefault(name, module_name)

    missing = sorted(f"{m.upper()} {p}" for p, m in wanted.keys() - origin.keys())
    problems = []
    if missing:
        problems.append("in template.yaml but not in the code: " + ", ".join(missing))
    if not_routed:
        problems.append("in the code but not in template.yaml: " + ", ".join(sorted(not_routed)))
    if problems:
        raise OpenApiError("; ".join(problems))

    document: dict[str, Any] = {
        "openapi": parts[0][1].get("openapi", "3.1.0") if parts else "3.1.0",
        "info": {"title": TITLE, "version": api_version()},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": _reachable(paths, schemas),
            "securitySchemes": {SECURITY_SCHEME: BEARER_AUTH},
        },
    }
    tags = sorted(
        {tag for item in paths.values() for op in item.values() for tag in op.get("tags", [])}
    )
    if tags:
        document["tags"] = [{"name": tag} for tag in tags]
    return document


def _secured(operation: dict[str, Any], route: Route) -> dict[str, Any]:
    # Security follows the template (where API Gateway attaches the authorizer), never the
    # code: a public route in the template is public whatever the function believes.
    operation = {key: value for key, value in operation.items() if key != "security"}
    if route.authorized:
        operation["security"] = [{SECURITY_SCHEME: []}]
    return operation


def _refs(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMA_REF):
            yield ref.removeprefix(_SCHEMA_REF)
        for child in value.values():
            yield from _refs(child)
    elif isinstance(value, list):
        for child in value:
            yield from _refs(child)


def _reachable(paths: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """Only the schemas the kept operations use, directly or through other schemas.

    Powertools always adds its own `HTTPValidationError` and friends, but Portico answers
    validation errors with the error body of DESIGN 4.7, so listing them would mislead.
    """
    keep: set[str] = set()
    pending = list(_refs(paths))
    while pending:
        name = pending.pop()
        if name in keep:
            continue
        if name not in schemas:
            raise OpenApiError(f"an operation refers to schema {name!r}, which no module defines")
        keep.add(name)
        pending.extend(_refs(schemas[name]))
    return {name: schemas[name] for name in sorted(keep)}


def build_document(route_list: Sequence[Route] | None = None) -> dict[str, Any]:
    """The whole API's OpenAPI document, from the handlers the template routes to.

    Imports each handler module once, as Lambda would, so the environment a handler needs
    at import (TABLE_NAME...) must be set; no AWS call is made.
    """
    route_list = list(routes() if route_list is None else route_list)
    parts = [(name, module_schema(name)) for name in handler_modules(route_list)]
    return merge_documents(parts, route_list)


def render(document: dict[str, Any]) -> str:
    """The committed form: sorted keys and a fixed indent, so a diff shows real changes."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Print, write or check the document. Exit status 1 means the check found drift."""
    parser = argparse.ArgumentParser(prog="python -m portico_local.openapi", description=__doc__)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", metavar="PATH", type=Path, help="write the document to PATH")
    group.add_argument(
        "--check",
        metavar="PATH",
        type=Path,
        nargs="?",
        const=DOCUMENT,
        help=f"exit 1 if PATH (default {DOCUMENT.relative_to(ROOT)}) is not up to date",
    )
    args = parser.parse_args(argv)

    # Handlers build their settings at import. Building the document makes no AWS call, so
    # placeholders are enough when the caller has no deployment environment.
    os.environ.setdefault("TABLE_NAME", "portico-openapi")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")

    text = render(build_document())
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8")
        print(f"wrote {args.write}", file=sys.stderr)
        return 0
    if args.check:
        current = args.check.read_text(encoding="utf-8") if args.check.exists() else ""
        if current != text:
            print(f"{args.check} is out of date: run `make openapi`", file=sys.stderr)
            return 1
        print(f"{args.check} is up to date", file=sys.stderr)
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
