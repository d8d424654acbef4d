"""List cursors are opaque and cannot be turned to read another partition."""

from __future__ import annotations

import base64
import json

import pytest

from portico.data.pagination import decode_cursor, encode_cursor
from portico.errors import BadRequestError

PARTITION = {"GSI1PK": "BIZ#b1#CUSTOMERS"}
LAST_KEY = {
    "PK": {"S": "BIZ#b1#CUST#c1"},
    "SK": {"S": "PROFILE"},
    "GSI1PK": {"S": "BIZ#b1#CUSTOMERS"},
    "GSI1SK": {"S": "CUST#c1"},
}


def forge(values):
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def test_round_trip():
    cursor = encode_cursor(LAST_KEY)
    assert decode_cursor(cursor, partition=PARTITION) == LAST_KEY


def test_no_last_key_means_no_cursor():
    assert encode_cursor(None) is None
    assert decode_cursor(None, partition=PARTITION) is None


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 !!",
        forge(["a list"]),
        forge(
            {
                "PK": "BIZ#b2#CUST#c1",
                "SK": "PROFILE",
                "GSI1PK": "BIZ#b2#CUSTOMERS",
                "GSI1SK": "CUST#c1",
            }
        ),
        forge({"PK": "x", "SK": "y"}),  # no partition attribute at all
        forge({"PK": "x", "SK": "y", "GSI1PK": "BIZ#b1#CUSTOMERS", "Extra": "z"}),
        forge({"PK": 1, "SK": "y", "GSI1PK": "BIZ#b1#CUSTOMERS"}),
        "A" * 5000,
    ],
)
def test_tampered_cursor_is_refused(cursor):
    with pytest.raises(BadRequestError) as refused:
        decode_cursor(cursor, partition=PARTITION)
    assert refused.value.code == "invalid_cursor"
