"""Starting the local runtime (`python -m portico_local`) as a subprocess, and talking to it
over HTTP with the standard library, as a browser or a CRM would."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
STARTUP_DEADLINE_S = 120.0  # generous: it starts beside the other test workers
_URL_LINE = re.compile(r"Portico is running at (http://127\.0\.0\.1:\d+)")
# Never through a proxy from the environment: the runtime is on loopback.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # lower-case names; a repeated header keeps its last value
    body: bytes
    set_cookies: list[str] = field(default_factory=list)  # every Set-Cookie line, in order

    def json(self) -> Any:
        return json.loads(self.body)

    def cookie(self, name: str) -> str | None:
        """The value a Set-Cookie line of this response gives `name` (None if none does)."""
        for line in self.set_cookies:
            key, _, rest = line.partition("=")
            if key.strip() == name:
                return rest.split(";", 1)[0]
        return None

    def cookie_line(self, name: str) -> str:
        """The whole Set-Cookie line for `name`, attributes included."""
        return next(line for line in self.set_cookies if line.partition("=")[0].strip() == name)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


@dataclass
class Runtime:
    """A running local runtime and its output so far (for failure messages)."""

    process: subprocess.Popen[str]
    base_url: str = ""
    output: list[str] = field(default_factory=list)

    def log(self) -> str:
        return "".join(self.output[-200:])

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        api_key: str | None = None,
        headers: dict[str, str] | None = None,
        raw_body: bytes | None = None,
        timeout: float = 10,
    ) -> Response:
        """One HTTP request with urllib; HTTP errors are responses, not exceptions."""
        data = raw_body if raw_body is not None else None
        all_headers = dict(headers or {})
        if body is not None:
            data = json.dumps(body).encode()
            all_headers.setdefault("content-type", "application/json")
        if api_key:
            all_headers["authorization"] = f"Bearer {api_key}"
        request = urllib.request.Request(
            self.base_url + path, data=data, headers=all_headers, method=method
        )
        try:
            with _OPENER.open(request, timeout=timeout) as answer:
                return Response(
                    answer.status,
                    _lower(answer.headers.items()),
                    answer.read(),
                    answer.headers.get_all("set-cookie") or [],
                )
        except urllib.error.HTTPError as error:
            with error:
                return Response(
                    error.code,
                    _lower(error.headers.items()),
                    error.read(),
                    error.headers.get_all("set-cookie") or [],
                )

    def raw_get(self, raw_path: str) -> Response:
        """GET a path exactly as written: urllib and curl may tidy `..` away, attackers don't."""
        parts = urlsplit(self.base_url)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
        try:
            connection.putrequest("GET", raw_path, skip_accept_encoding=True)
            connection.endheaders()
            answer = connection.getresponse()
            return Response(answer.status, _lower(answer.getheaders()), answer.read())
        finally:
            connection.close()


def business(demo: dict[str, Any], slug: str) -> dict[str, Any]:
    """One business of `GET /_dev/demo`."""
    return next(found for found in demo["businesses"] if found["slug"] == slug)


def _lower(items: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in items}


def _read_output(runtime: Runtime, started: threading.Event) -> None:
    # Drains the pipe for the runtime's whole life so it never blocks on a full pipe.
    assert runtime.process.stdout is not None
    for line in runtime.process.stdout:
        runtime.output.append(line)
        found = _URL_LINE.search(line)
        if found and not runtime.base_url:
            runtime.base_url = found.group(1)
            started.set()
    started.set()  # the process ended: stop waiting


def _wait_until_ready(
    runtime: Runtime, started: threading.Event, deadline_s: float = STARTUP_DEADLINE_S
) -> None:
    deadline = time.monotonic() + deadline_s
    started.wait(deadline_s)
    while time.monotonic() < deadline:
        if runtime.process.poll() is not None:
            break
        if runtime.base_url:
            try:
                if runtime.request("GET", "/_dev/demo", timeout=2).status == 200:
                    return
            except OSError:
                pass  # not accepting connections yet: poll again
        time.sleep(0.1)
    raise RuntimeError(
        f"the local runtime did not become ready in {deadline_s:.0f} s "
        f"(exit code {runtime.process.poll()}); its output:\n{runtime.log()}"
    )


def stop(runtime: Runtime, sig: int = signal.SIGTERM, timeout: float = 10) -> int:
    """Signal the runtime and wait for it; kill it if it does not stop. Its exit code."""
    if runtime.process.poll() is None:
        runtime.process.send_signal(sig)
        try:
            runtime.process.wait(timeout)
        except subprocess.TimeoutExpired:
            runtime.process.kill()
            runtime.process.wait(timeout)
    return runtime.process.returncode


@contextmanager
def local_runtime(*args: str, deadline_s: float = STARTUP_DEADLINE_S) -> Iterator[Runtime]:
    """Start `python -m portico_local [args]` on a free port; stop it afterwards, whatever
    happens. Waits up to `deadline_s` for it to answer."""
    env = {**os.environ, "PORT": "0", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "portico_local", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    runtime = Runtime(process)
    started = threading.Event()
    reader = threading.Thread(target=_read_output, args=(runtime, started), daemon=True)
    reader.start()
    try:
        _wait_until_ready(runtime, started, deadline_s)
        yield runtime
    finally:
        stop(runtime)
        reader.join(timeout=5)
