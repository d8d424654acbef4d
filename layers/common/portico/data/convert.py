"""Conversion between domain models and item attributes, in one place."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pynamodb.attributes import MapAttribute


def plain(value: Any) -> Any:
    """Item attribute value -> plain Python (raw maps become dicts, recursively)."""
    if isinstance(value, MapAttribute):
        return {key: plain(item) for key, item in value.attribute_values.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def stored(value: Any) -> Any:
    """Domain value -> what an item attribute takes: nested models as JSON-mode dicts."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_computed_fields=True)
    if isinstance(value, list):
        return [stored(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return value


def attributes_of(
    model: BaseModel, *, exclude: set[str] | frozenset[str] = frozenset()
) -> dict[str, Any]:
    """A domain model's fields as item attributes."""
    return {
        name: stored(getattr(model, name))
        for name in type(model).model_fields
        if name not in exclude
    }


def values_of(item: Any, fields: Any) -> dict[str, Any]:
    """An item's attributes for the given domain fields, as plain Python."""
    return {name: plain(getattr(item, name)) for name in fields if hasattr(item, name)}
