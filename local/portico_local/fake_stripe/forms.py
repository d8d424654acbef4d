"""Stripe's form encoding (`a[b][c]=v`, `list[]=v`, `list[0]=v`) decoded into nested values."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


class FormError(ValueError):
    """A key the decoder cannot place, e.g. `a[b]=1&a=2`."""


def decode(encoded: str) -> dict[str, Any]:
    """A form or query string as Stripe reads it: dicts for `[key]`, lists for `[]` and
    `[0]`, strings for the leaves (Stripe's own parser types them per endpoint)."""
    root: dict[str, Any] = {}
    for raw_key, value in parse_qsl(encoded, keep_blank_values=True):
        match = _KEY.match(raw_key)
        if match is None:
            raise FormError(f"Invalid parameter name: {raw_key}")
        path = [match.group(1), *_SEGMENT.findall(match.group(2))]
        _place(root, path, value, raw_key)
    return _listify(root)


def _place(node: dict[str, Any], path: list[str], value: str, raw_key: str) -> None:
    for segment in path[:-1]:
        # `[]` appends: give it a fresh index so that `x[]=a&x[]=b` keeps both.
        if segment == "":
            segment = str(len(node))
        child = node.setdefault(segment, {})
        if not isinstance(child, dict):
            raise FormError(f"Invalid parameter name: {raw_key}")
        node = child
    last = path[-1] if path[-1] != "" else str(len(node))
    if isinstance(node.get(last), dict):
        raise FormError(f"Invalid parameter name: {raw_key}")
    node[last] = value


def _listify(node: Any) -> Any:
    # A dict whose keys are all indices came from `[]` or `[0]`: it was a list.
    if not isinstance(node, dict):
        return node
    converted = {key: _listify(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted
