"""Lint, formatting and types: ruff and mypy as `make lint` runs them, inside `make test`.

Run as tests, the checks share the cores with the rest of the suite instead of holding
it up. ruff's scope and rules and mypy's files are set in pyproject.toml.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from qipp.paths import PROJECT_ROOT

BIN = Path(sys.executable).parent
CHECKS = {
    "ruff-check": ["ruff", "check"],
    "ruff-format": ["ruff", "format", "--check"],
    "mypy": ["mypy"],
}


@pytest.mark.parametrize("name", CHECKS)
def test_the_code_passes(name):
    tool, *arguments = CHECKS[name]
    done = subprocess.run(
        [str(BIN / tool), *arguments], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
