"""Standing rules of the project: CI runs the README's test command, make is self-describing."""

from __future__ import annotations

import re
import subprocess

from qipp.paths import PROJECT_ROOT

MAKE_TARGETS = {"help", "venv", "reports", "test", "lab", "lock", "clean"}


def test_ci_runs_make_test_and_nothing_weaker():
    script = (PROJECT_ROOT / ".ci" / "run").read_text()
    commands = [
        line.strip()
        for line in script.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert "make test" in commands
    assert not any(re.search(r"pytest .*(-k|--deselect|-m) ", c) for c in commands)


def test_readme_shows_the_two_commands():
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert "make reports" in readme and "make test" in readme


def test_make_help_lists_every_target():
    result = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    listed = set(re.findall(r"make (\S+)", result.stdout))
    assert MAKE_TARGETS <= listed, f"not in make help: {sorted(MAKE_TARGETS - listed)}"


def test_help_is_the_default_target():
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert ".DEFAULT_GOAL := help" in makefile
