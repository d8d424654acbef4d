"""dynalite (npm; an independent DynamoDB implementation served by node over HTTP): started
in memory on a free port, and tables made on it from template.yaml as moto's are.

Used by tests/dynalite (the repository tests on moto and on dynalite) and by
`pytest --dynamodb=dynalite`, which points the `aws` fixture's table at dynalite while moto
keeps every other service (moto lets requests to other endpoints through).
"""

from __future__ import annotations

import itertools
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3

from portico_local.template import load_template, table_definition

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "node_modules" / "dynalite" / "cli.js"
REGION = "us-east-1"
_STARTUP_SECONDS = 15.0
_tables = itertools.count()


class DynaliteUnavailable(Exception):
    """node or the npm package is missing: the reason to skip."""


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


@contextmanager
def running_dynalite() -> Iterator[str]:
    """dynalite in memory on a free port; yields its endpoint URL."""
    node = shutil.which("node")
    if node is None:
        raise DynaliteUnavailable(
            "node is not installed: the dynalite tests need it (apt-get install nodejs)"
        )
    if not CLI.exists():
        raise DynaliteUnavailable(
            f"{CLI.relative_to(ROOT)} is missing: run `npm ci` (make install does)"
        )
    port = _free_port()
    args = ["--host", "127.0.0.1", "--port", str(port), "--createTableMs", "0"]
    process = subprocess.Popen(
        [node, str(CLI), *args, "--deleteTableMs", "0"],
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


def new_table(endpoint: str | None) -> str:
    """A new, empty table from template.yaml (dynalite at `endpoint`, or moto for None)."""
    name = f"portico-check-{next(_tables)}"
    client = boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint)
    client.create_table(TableName=name, **table_definition(load_template()))
    client.get_waiter("table_exists").wait(
        TableName=name, WaiterConfig={"Delay": 0.05, "MaxAttempts": 200}
    )
    return name


def drop_table(endpoint: str, name: str) -> None:
    boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint).delete_table(TableName=name)
