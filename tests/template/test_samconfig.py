"""samconfig.toml, as SAM CLI itself reads it: `sam deploy` deploys dev, `--config-env prod` prod.

SAM CLI's debug log prints the options it expanded from the file before it first calls AWS;
the AWS endpoint is unreachable here, so nothing is ever deployed.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.template.support import ROOT, Tools

pytestmark = [pytest.mark.template, pytest.mark.xdist_group("sam")]


def deploy_settings(tools: Tools, config_env: str) -> tuple[str, str]:
    """(the values read from samconfig.toml, the deploy options SAM CLI expanded from them)"""
    result = subprocess.run(
        [str(tools.sam), "deploy", "--config-env", config_env, "--debug", "--no-execute-changeset"],
        cwd=ROOT,
        env=tools.env({"AWS_ACCESS_KEY_ID": "fake", "AWS_SECRET_ACCESS_KEY": "fake"}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = (result.stdout + result.stderr).splitlines()
    values = next((line for line in lines if "Configuration values are:" in line), None)
    marker = next(
        (i for i, line in enumerate(lines) if "Expand command line arguments" in line), None
    )
    log = "\n".join(lines)
    assert values is not None, f"SAM CLI did not read samconfig.toml:\n{log}"
    assert marker is not None, f"SAM CLI did not expand the deploy options:\n{log}"
    return values, lines[marker + 1]


@pytest.mark.parametrize(
    ("config_env", "stack", "stage", "confirm"),
    [("default", "portico-dev", "dev", False), ("prod", "portico-prod", "prod", True)],
)
def test_given_an_environment_when_sam_deploys_it_then_it_targets_its_own_stack_and_stage(
    tools: Tools, config_env: str, stack: str, stage: str, confirm: bool
):
    # When
    values, options = deploy_settings(tools, config_env)

    # Then
    assert "'region': 'us-east-1'" in values
    assert f"--stack_name={stack} " in options
    assert f"'Stage': '{stage}'" in options
    assert f"'StripeSecretName': 'portico/{stage}/stripe'" in options
    assert "--capabilities=['CAPABILITY_IAM', 'CAPABILITY_AUTO_EXPAND']" in options
    assert "--resolve_s3" in options
    assert ("--confirm_changeset" in options) is confirm
