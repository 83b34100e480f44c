"""The operator's scripts in scripts/, for tests: loaded as modules, or run as processes."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]


def script_path(name: str) -> Path:
    """scripts/<name>.py."""
    return REPO / "scripts" / f"{name}.py"


def load_script(name: str) -> ModuleType:
    """scripts/<name>.py as a module of its own (to call its main() in this process)."""
    spec = importlib.util.spec_from_file_location(f"{name}_script", script_path(name))
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_script(
    name: str, env: dict[str, str], *args: str, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """Run scripts/<name>.py from the project root on the store ``env`` names; its output."""
    return subprocess.run(
        [sys.executable, str(script_path(name)), *args],
        env={**os.environ, **env},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
