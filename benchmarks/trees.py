"""Another revision of the project beside this one, for benchmarks that compare the two.

:func:`unpack` extracts a git revision into a folder; :func:`environment` runs a
command against a tree (its package first on the path, its data), in the same
virtualenv, so the two differ only by the revision.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from qipp.paths import PROJECT_ROOT


def unpack(revision: str, into: Path) -> Path:
    """The project at ``revision``, unpacked from git into ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "archive", "--format=tar", revision],
        capture_output=True,
        check=True,
    )
    into.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def environment(root: Path) -> dict[str, str]:
    """Run against the tree at ``root``: its package first on the path, its data."""
    return {**os.environ, "PYTHONPATH": str(root), "QIPP_ROOT": str(root)}
