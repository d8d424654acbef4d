"""Import cost of each handler module in a fresh interpreter: the cold-start proxy of DESIGN 5.

Each probe is a new `python -I` process with only the environment the function would get
from template.yaml (plus fake credentials), a guard that refuses any network connection, and
a clock around `import <module>` alone, so interpreter start-up is not counted.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from portico_local.template import load_template

PAYMENTS_CODE = "functions/payments"
LIMIT_MS = 150.0
PAYMENTS_LIMIT_MS = 250.0

# Runs in the child. The guard records every connection or name lookup and refuses it, so a
# module that swallows the error is still caught. Everything the guard needs is imported
# before the clock starts.
CHILD = r"""
import importlib, json, socket, sys, time
for entry in reversed(json.loads(sys.argv[2])):
    sys.path.insert(0, entry)
attempts = []
def _refuse(kind):
    def refuse(*args, **kwargs):
        attempts.append(f"{kind} {args[1:] if kind != 'getaddrinfo' else args[:2]!r}")
        raise OSError(f"network disabled while importing a handler ({kind})")
    return refuse
socket.socket.connect = _refuse("connect")
socket.socket.connect_ex = _refuse("connect_ex")
socket.getaddrinfo = _refuse("getaddrinfo")
before = set(sys.modules)
error = None
started = time.perf_counter()
try:
    importlib.import_module(sys.argv[1])
except BaseException as exc:
    error = f"{type(exc).__name__}: {exc}"
elapsed = time.perf_counter() - started
print(json.dumps({
    "ms": elapsed * 1000,
    "error": error,
    "network": attempts,
    "stripe": "stripe" in sys.modules,
    "new_modules": len(set(sys.modules) - before),
    "packages": sorted({name.partition(".")[0] for name in set(sys.modules) - before}),
}))
"""


@dataclass(frozen=True)
class HandlerModule:
    """A function of the template and the module Lambda imports for it."""

    function: str
    module: str
    code_uri: str
    environment: dict[str, str]

    @property
    def payments(self) -> bool:
        return self.code_uri.rstrip("/").startswith(PAYMENTS_CODE)

    @property
    def limit_ms(self) -> float:
        return PAYMENTS_LIMIT_MS if self.payments else LIMIT_MS


@dataclass(frozen=True)
class Probe:
    """One fresh-interpreter import."""

    ms: float
    error: str | None
    network: list[str]
    stripe: bool
    new_modules: int
    # Top-level packages (and modules) the import loaded, e.g. "jwt" for "jwt.algorithms".
    packages: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    handler: HandlerModule
    probes: list[Probe] = field(default_factory=list)
    heaviest: list[tuple[str, float]] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(probe.ms for probe in self.probes)

    @property
    def error(self) -> str | None:
        return next((probe.error for probe in self.probes if probe.error), None)

    @property
    def network(self) -> list[str]:
        return sorted({attempt for probe in self.probes for attempt in probe.network})

    @property
    def stripe(self) -> bool:
        return any(probe.stripe for probe in self.probes)

    @property
    def passed(self) -> bool:
        return (
            self.error is None
            and not self.network
            and (self.handler.payments or not self.stripe)
            and self.median_ms <= self.handler.limit_ms
        )


def _resolve(value: Any, parameters: dict[str, Any]) -> str:
    """A placeholder for a CloudFormation value: a parameter's default, else a fixed name."""
    if isinstance(value, dict) and "Ref" in value:
        name = value["Ref"]
        default = parameters.get(name, {}).get("Default")
        return str(default) if default is not None else f"portico-bench-{name}"
    if isinstance(value, dict):
        return f"portico-bench-{'-'.join(map(str, value.values()))}"
    return str(value)


def handler_modules(template: dict[str, Any] | None = None) -> list[HandlerModule]:
    """Every distinct handler module of the template's functions, the authorizer included."""
    template = template or load_template()
    parameters = template.get("Parameters", {})
    global_function = template.get("Globals", {}).get("Function", {})
    global_env = (global_function.get("Environment") or {}).get("Variables") or {}
    found: dict[str, HandlerModule] = {}
    for name, resource in sorted(template["Resources"].items()):
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        props = resource["Properties"]
        module = props["Handler"].rpartition(".")[0]
        local_env = (props.get("Environment") or {}).get("Variables") or {}
        environment = {
            key: _resolve(value, parameters) for key, value in {**global_env, **local_env}.items()
        }
        found.setdefault(
            module,
            HandlerModule(name, module, str(props.get("CodeUri", "")), environment),
        )
    return sorted(found.values(), key=lambda handler: handler.module)


def child_env(handler: HandlerModule) -> dict[str, str]:
    """What the function's process would see: its variables, a region and fake credentials.

    Nothing is inherited from the caller, so a developer's AWS profile or endpoint cannot
    change what is measured, and the config files are pointed at nothing for the same reason.
    """
    return {
        **handler.environment,
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_SESSION_TOKEN": "bench",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_LAMBDA_FUNCTION_NAME": handler.function,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "LANG": "C.UTF-8",
    }


def probe(
    module: str,
    env: dict[str, str],
    *,
    extra_path: Sequence[str] = (),
    python: str = sys.executable,
) -> Probe:
    """Import `module` once in a fresh, isolated interpreter and report what happened."""
    completed = subprocess.run(
        [python, "-I", "-c", CHILD, module, json.dumps(list(extra_path))],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        message = completed.stderr.strip().splitlines()[-1:] or [f"exit {completed.returncode}"]
        return Probe(0.0, message[0], [], False, 0)
    return Probe(**json.loads(lines[-1]))


def heaviest_imports(
    module: str, env: dict[str, str], *, top: int = 5, python: str = sys.executable
) -> list[tuple[str, float]]:
    """The top-level packages that cost most to import, from `-X importtime` (cumulative ms)."""
    completed = subprocess.run(
        [python, "-I", "-X", "importtime", "-c", f"import {module}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    costs: dict[str, float] = {}
    children: dict[str, float] = {}
    pattern = re.compile(r"import time:\s+\d+ \|\s+(\d+) \| ( *)(\S+)")
    # -X importtime prints a module after its imports, indented two spaces per level: the
    # depth-1 lines just before `module`'s own line are its direct imports, which split its
    # cost without counting anything twice (nor the interpreter's own start-up imports).
    for line in completed.stderr.splitlines():
        found = pattern.match(line)
        if not found:
            continue
        depth = len(found.group(2)) // 2
        if depth == 1:
            children[found.group(3)] = int(found.group(1)) / 1000
        elif depth == 0:
            if found.group(3) == module:
                costs = children
            children = {}
    return sorted(costs.items(), key=lambda item: -item[1])[:top]


def measure(runs: int, handlers: list[HandlerModule] | None = None) -> list[ImportResult]:
    """Median-of-`runs` import cost per handler module, after one discarded warm-up probe
    (which writes the bytecode cache, as a deployed package would already have it)."""
    results = []
    for handler in handlers or handler_modules():
        env = child_env(handler)
        probe(handler.module, env)
        result = ImportResult(handler, [probe(handler.module, env) for _ in range(runs)])
        if not result.passed and result.error is None:
            result.heaviest = heaviest_imports(handler.module, env)
        results.append(result)
    return results
