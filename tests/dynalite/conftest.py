"""The repository tests against two DynamoDBs: moto (in-process, as every other test) and
dynalite (tests/support/dynalite.py).

`table` is parametrized over both; each test gets a table of its own, created from
template.yaml. dynalite has no TransactWriteItems: there, Portico's transactions are replayed
one operation at a time (tests/support/dynalite_replay.py), which checks each operation's
expressions but not atomicity under concurrency. Without node or `npm ci`, the dynalite half
skips, saying why.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from moto import mock_aws

from portico.clock import ManualClock
from portico.data import table as portico_table
from portico.data.table import PorticoItem
from tests.support.dynalite import REGION, drop_table, new_table
from tests.support.dynalite_replay import replayed_transactions


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # One dynalite for the whole directory: keep its tests on one xdist worker.
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.xdist_group("dynalite"))


@dataclass(frozen=True)
class Table:
    """Which DynamoDB the repositories are pointed at for this test."""

    backend: str
    name: str

    @property
    def dynalite(self) -> bool:
        return self.backend == "dynalite"


@pytest.fixture(params=["moto", "dynalite"])
def table(request: pytest.FixtureRequest, clock: ManualClock) -> Iterator[Table]:
    """A fresh table from template.yaml on moto or dynalite, every entity pointed at it."""
    backend: str = request.param
    saved = (PorticoItem.Meta.table_name, PorticoItem.Meta.region, PorticoItem.Meta.host)
    if backend == "moto":
        with mock_aws():
            name = new_table(None)
            portico_table.configure(name, REGION)
            try:
                yield Table(backend, name)
            finally:
                portico_table.configure(*saved)
        return
    endpoint: str = request.getfixturevalue("dynalite_endpoint")
    name = new_table(endpoint)
    portico_table.configure(name, REGION, endpoint)
    try:
        with replayed_transactions():
            yield Table(backend, name)
    finally:
        portico_table.configure(*saved)
        drop_table(endpoint, name)
