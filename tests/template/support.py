"""Where the template tests find python3.13, SAM CLI and cfn-lint, and how they run them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Tools:
    python313: Path  # a real interpreter, not a venv's or a pyenv shim
    sam: Path
    cfn_lint: Path

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment for SAM CLI: python3.13 first on PATH (sam build looks it up by
        name), no telemetry, and no way to reach a real AWS account by accident."""
        path = os.pathsep.join(
            [str(self.python313.parent), str(self.sam.parent), os.environ["PATH"]]
        )
        return {
            **os.environ,
            "PATH": path,
            "SAM_CLI_TELEMETRY": "0",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_RETRY_MODE": "standard",
            **(extra or {}),
        }


def find_python313() -> Path | None:
    """A working python3.13, resolved to the real interpreter behind any shim."""
    candidates = [
        shutil.which("python3.13"),
        str(Path(sys.base_prefix) / "bin" / "python3.13"),
        getattr(sys, "_base_executable", None),
    ]
    probe = "import sys; print(sys.executable if sys.version_info[:2] == (3, 13) else '')"
    for candidate in filter(None, candidates):
        try:
            found = subprocess.run(
                [candidate, "-I", "-c", probe], capture_output=True, text=True, timeout=30
            )
        except OSError:
            continue
        # A pyenv shim exists on PATH yet may refuse to run: ask the interpreter where it is.
        if found.returncode == 0 and found.stdout.strip():
            return Path(found.stdout.strip())
    return None
