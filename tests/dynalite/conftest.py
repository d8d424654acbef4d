"""The repository tests against two DynamoDBs: moto (in-process, as every other test) and
dynalite (npm; an independent implementation served by node over HTTP).

`table` is parametrized over both. dynalite runs once per test process, in memory, started
by `node node_modules/dynalite/cli.js`; each test gets a table of its own, created from
template.yaml as moto's is. dynalite has no TransactWriteItems: on dynalite, Portico's
transactions are replayed one operation at a time (tests/dynalite/replay.py), which checks
each operation's expressions but not atomicity; tests of atomicity itself are marked
`moto_only`. Without node or `npm ci`, the dynalite half skips, saying why.
"""

from __future__ import annotations

import itertools
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from portico.data import table as portico_table
from portico.data.table import PorticoItem
from portico_local.template import load_template, table_definition
from tests.dynalite.replay import replayed_transactions

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "node_modules" / "dynalite" / "cli.js"
REGION = "us-east-1"
_STARTUP_SECONDS = 15.0
_tables = itertools.count()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # One dynalite for the whole directory: keep its tests on one xdist worker.
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.xdist_group("dynalite"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + _STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"dynalite exited with {process.returncode}: {output}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"dynalite did not listen on port {port} in {_STARTUP_SECONDS} s")


@pytest.fixture(scope="session")
def dynalite_endpoint() -> Iterator[str]:
    """dynalite in memory on a free port, for the whole test process."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the dynalite tests need it (apt-get install nodejs)")
    if not CLI.exists():
        pytest.skip(f"{CLI.relative_to(ROOT)} is missing: run `npm ci` (make install does)")
    port = _free_port()
    process = subprocess.Popen(
        [
            node,
            str(CLI),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--createTableMs",
            "0",
            "--deleteTableMs",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Table:
    """Which DynamoDB the repositories are pointed at for this test."""

    backend: str
    name: str

    @property
    def dynalite(self) -> bool:
        return self.backend == "dynalite"


def _create(name: str, endpoint: str | None) -> None:
    client = boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint)
    client.create_table(TableName=name, **table_definition(load_template()))
    client.get_waiter("table_exists").wait(
        TableName=name, WaiterConfig={"Delay": 0.05, "MaxAttempts": 200}
    )


@pytest.fixture(params=["moto", "dynalite"])
def table(request: pytest.FixtureRequest, clock: object) -> Iterator[Table]:
    """A fresh table from template.yaml on moto or dynalite, every entity pointed at it."""
    backend: str = request.param
    name = f"portico-check-{next(_tables)}"
    saved = (PorticoItem.Meta.table_name, PorticoItem.Meta.region, PorticoItem.Meta.host)
    if backend == "moto":
        with mock_aws():
            _create(name, None)
            portico_table.configure(name, REGION)
            try:
                yield Table(backend, name)
            finally:
                portico_table.configure(*saved)
        return
    if request.node.get_closest_marker("moto_only"):
        reason = request.node.get_closest_marker("moto_only").args[0]
        pytest.skip(f"not on dynalite: {reason}")
    endpoint: str = request.getfixturevalue("dynalite_endpoint")
    _create(name, endpoint)
    portico_table.configure(name, REGION, endpoint)
    try:
        with replayed_transactions():
            yield Table(backend, name)
    finally:
        portico_table.configure(*saved)
        boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint).delete_table(
            TableName=name
        )
