"""Fixtures for the template tests: the tools, the template, and one `sam build` per session.

None of the tools is skipped when missing: a template test that cannot run fails and says why.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from portico_local.template import load_template
from tests.template.support import ROOT, Tools, find_python313


@pytest.fixture(scope="session")
def tools() -> Tools:
    python313 = find_python313()
    if python313 is None:
        pytest.fail("python3.13 not found (PATH, or beside this venv's base): Lambda runs 3.13")
    sam = shutil.which("sam") or str(ROOT / ".venv-sam" / "bin" / "sam")
    if not Path(sam).is_file():
        pytest.fail("SAM CLI not found on PATH nor in .venv-sam/bin: run `make install`")
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    if not cfn_lint.is_file():
        pytest.fail(f"cfn-lint not found beside {sys.executable}: run `make install`")
    return Tools(python313=python313, sam=Path(sam), cfn_lint=cfn_lint)


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    return load_template(ROOT / "template.yaml")


@pytest.fixture(scope="session")
def built(tools: Tools, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`sam build` of template.yaml for x86_64 (so this host can import it), once per run.

    Once per run, not per worker: `xdist_group("sam")` should keep these tests on one worker,
    but pytest-xdist 3.8's loadgroup does not group on pytest 9.2 (pytest-xdist#1386), so the
    workers share one build directory and the first to take the lock builds it.
    """
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the workers' basetemps are siblings under the run's own
    build_dir = shared / "sam-build"
    with (shared / "sam-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (build_dir / "template.yaml").is_file():
            _sam_build(tools, build_dir)
    return build_dir


def _sam_build(tools: Tools, build_dir: Path) -> None:
    result = subprocess.run(
        [
            str(tools.sam),
            "build",
            "--template-file",
            str(ROOT / "template.yaml"),
            "--build-dir",
            str(build_dir),
            "--parameter-overrides",
            "Architecture=x86_64",
            "--parallel",
            "--no-cached",
        ],
        cwd=ROOT,
        env=tools.env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"sam build failed:\n{result.stdout}\n{result.stderr}"
