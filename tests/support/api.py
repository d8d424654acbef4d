"""Calling the API through the in-process gateway: the same path API Gateway takes."""

from __future__ import annotations

import json
from typing import Any

from portico_local.gateway import Gateway, HttpResult

_gateway: Gateway | None = None


def gateway() -> Gateway:
    global _gateway
    if _gateway is None:
        _gateway = Gateway()
    return _gateway


def call(
    method: str,
    path: str,
    body: Any = None,
    *,
    api_key: str | None = None,
    headers: dict[str, str] | None = None,
    raw_body: str | bytes | None = None,
) -> HttpResult:
    all_headers = {"content-type": "application/json", **(headers or {})}
    if api_key:
        all_headers["authorization"] = f"Bearer {api_key}"
    payload = raw_body if raw_body is not None else (None if body is None else json.dumps(body))
    return gateway().request(method, path, body=payload, headers=all_headers)


def put(biz: Any, path: str, body: Any) -> Any:
    """Upsert a record as the business's CRM does (its API key); the answer's JSON."""
    response = call("PUT", path, body, api_key=biz.api_key)
    assert response.status in (200, 201), response.body
    return response.json()
