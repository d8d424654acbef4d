"""template.yaml passes cfn-lint and `sam validate --lint` without a single warning."""

from __future__ import annotations

import subprocess

import pytest

from tests.template.support import ROOT, Tools

pytestmark = [pytest.mark.template, pytest.mark.xdist_group("sam")]


def test_given_the_template_when_cfn_lint_reads_it_then_it_reports_nothing(tools: Tools):
    # When
    result = subprocess.run(
        [str(tools.cfn_lint), "template.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )

    # Then no error, no warning, no informational finding
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.parametrize("config_env", ["default", "prod"])
def test_given_the_template_when_sam_validates_it_with_lint_then_it_is_valid(
    tools: Tools, config_env: str
):
    # When
    result = subprocess.run(
        [str(tools.sam), "validate", "--lint", "--config-env", config_env],
        cwd=ROOT,
        env=tools.env(),
        capture_output=True,
        text=True,
        timeout=300,
    )

    # Then
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "is a valid SAM Template" in output
