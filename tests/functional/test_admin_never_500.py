"""Whatever a client sends to a write route, the answer is never a 5xx.

A bounded property test; the full OpenAPI fuzzing (schemathesis) arrives with the proof issue.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.api import call
from tests.support.factories import a_business, customer_body, invoice_body

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
# Mutations of a valid body: each field replaced by an arbitrary JSON value, or dropped.
field_changes = st.dictionaries(
    st.sampled_from(sorted(invoice_body()) + sorted(customer_body()) + ["lines", "extra"]),
    json_values | st.just("__drop__"),
    max_size=3,
)
path_ids = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="/?#%"), min_size=1, max_size=80
)


@pytest.fixture
def biz(services):
    business = a_business(services)
    call("PUT", "/v1/admin/customers/cust-1", customer_body(), api_key=business.api_key)
    return business


def mutate(body, changes):
    for name, value in changes.items():
        if value == "__drop__":
            body.pop(name, None)
        else:
            body[name] = value
    return body


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    changes=field_changes, route=st.sampled_from(["invoices", "customers", "visits", "estimates"])
)
def test_mutated_bodies_never_answer_5xx(biz, changes, route):
    base = invoice_body() if route in ("invoices", "estimates") else customer_body()
    response = call(
        "PUT", f"/v1/admin/{route}/x-1", mutate(dict(base), changes), api_key=biz.api_key
    )
    assert response.status < 500, response.body


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(record_id=path_ids, raw=st.binary(max_size=64) | st.text(max_size=64).map(str.encode))
def test_odd_ids_and_raw_bodies_never_answer_5xx(biz, record_id, raw):
    for method, route in [("GET", "customers"), ("PUT", "invoices"), ("PUT", "portal")]:
        path = "/v1/admin/portal" if route == "portal" else f"/v1/admin/{route}/{record_id}"
        response = call(
            method, path, raw_body=raw if method == "PUT" else None, api_key=biz.api_key
        )
        assert response.status < 500, (path, response.body)
        json.loads(response.body)  # always a JSON body
