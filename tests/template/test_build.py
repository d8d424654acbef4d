"""`sam build` succeeds, and every built function imports from its artifacts alone, as in Lambda:
a fresh python3.13 with only the function's folder and the layer's `python/` on its path."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from portico_local.template import load_template
from tests.template.support import ROOT, Tools

pytestmark = [pytest.mark.template, pytest.mark.xdist_group("sam")]

FUNCTIONS = sorted(
    name
    for name, resource in load_template(ROOT / "template.yaml")["Resources"].items()
    if resource["Type"] == "AWS::Serverless::Function"
)

# Runs inside the fresh interpreter: import the handler as Lambda does, then report where every
# loaded module came from, so that a module found outside the artifacts cannot go unnoticed.
IMPORT_HANDLER = """
import importlib, json, sys, sysconfig
module_name, _, attribute = sys.argv[1].rpartition(".")
handler = getattr(importlib.import_module(module_name), attribute)
stdlib = (sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"])
files = [getattr(module, "__file__", None) for module in list(sys.modules.values())]
print(json.dumps({
    "callable": callable(handler),
    "outside": sorted({f for f in files if f and not f.startswith(stdlib + tuple(sys.argv[2:]))}),
    "portico": sys.modules["portico"].__file__,
}))
"""


def _value(value: Any, parameters: dict[str, Any], name: str) -> str:
    """A plausible value for an environment variable written with an intrinsic function."""
    if isinstance(value, str):
        return value
    ref = value.get("Ref") if isinstance(value, dict) else None
    if ref in parameters and "Default" in parameters[ref]:
        return str(parameters[ref]["Default"])
    return f"fake-{name.lower()}"


def lambda_environment(template: dict[str, Any], function: str, code: Path) -> dict[str, str]:
    """The variables Lambda would give `function` (fake credentials, no reachable endpoint)."""
    parameters = template.get("Parameters", {})
    declared = {
        **template["Globals"]["Function"].get("Environment", {}).get("Variables", {}),
        **template["Resources"][function]["Properties"].get("Environment", {}).get("Variables", {}),
    }
    return {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "ASIAFAKE",
        "AWS_SECRET_ACCESS_KEY": "fake",
        "AWS_SESSION_TOKEN": "fake",
        "AWS_LAMBDA_FUNCTION_NAME": function,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "LAMBDA_TASK_ROOT": str(code),
        # An import that calls AWS fails here at once instead of hanging on the network.
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_EC2_METADATA_DISABLED": "true",
        **{name: _value(value, parameters, name) for name, value in declared.items()},
    }


def test_given_the_template_when_sam_builds_it_then_every_function_and_the_layer_are_built(
    built: Path,
):
    # Then (the build itself ran once, in the `built` fixture)
    built_template = (built / "template.yaml").read_text()
    for function in FUNCTIONS:
        assert (built / function).is_dir(), f"{function} was not built"
        assert f"CodeUri: {function}" in built_template
    assert (built / "CommonLayer" / "python" / "portico" / "bootstrap.py").is_file()
    assert (built / "CommonLayer" / "python" / "requirements.txt").is_file()


@pytest.mark.parametrize("function", FUNCTIONS)
def test_given_the_built_artifacts_when_lambda_imports_the_handler_then_it_is_callable(
    built: Path, tools: Tools, template: dict[str, Any], function: str, tmp_path: Path
):
    # Given only what Lambda would have: the function's code, then the layer
    code = built / function
    layer = built / "CommonLayer" / "python"
    handler = template["Resources"][function]["Properties"]["Handler"]
    env = {**lambda_environment(template, function, code), "PYTHONPATH": f"{code}:{layer}"}

    # When a fresh interpreter imports it (-S: no site-packages, -P: not the current folder)
    result = subprocess.run(
        [str(tools.python313), "-S", "-P", "-c", IMPORT_HANDLER, handler, str(code), str(layer)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    # Then
    assert result.returncode == 0, f"{function}: importing {handler} failed:\n{result.stderr}"
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["callable"], f"{handler} is not callable"
    assert report["outside"] == [], "modules loaded from outside the build"
    assert report["portico"].startswith(str(layer))
