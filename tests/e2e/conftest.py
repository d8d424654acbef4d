"""One local runtime for the whole end-to-end session, stopped at the end whatever happens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.runtime import Runtime, local_runtime


@pytest.fixture(scope="session")
def runtime() -> Iterator[Runtime]:
    with local_runtime() as running:
        yield running


@pytest.fixture(scope="session")
def demo(runtime: Runtime) -> dict[str, Any]:
    """`GET /_dev/demo`, read once."""
    response = runtime.request("GET", "/_dev/demo")
    assert response.status == 200, response.body
    return response.json()
