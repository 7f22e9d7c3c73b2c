"""Standing rules of the project: CI runs the README's test command, make is self-describing.

The Makefile is exercised, not read: ``make -n`` prints what a target would run, and
``make`` alone prints the help, so the README's commands are checked against what they do.
"""

from __future__ import annotations

import re
import subprocess

from qipp.paths import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
MAKEFILE = PROJECT_ROOT / "Makefile"


def _make(*args: str) -> str:
    """Run make in the project root and return its standard output (fails on a non-zero exit)."""
    result = subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"make {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout


def _dry_run(target: str) -> list[str]:
    """The commands ``make TARGET`` would run, in order (``make -n``: nothing is executed)."""
    return _make("-n", target).splitlines()


def _documented_targets() -> list[str]:
    """Targets declared in the Makefile with a ``## description`` (what ``make help`` lists)."""
    return re.findall(r"^([A-Za-z_-]+):.*?## ", MAKEFILE.read_text(), re.M)


def _phony_targets() -> set[str]:
    """The Makefile's commands: every name on a ``.PHONY`` line."""
    lines = re.findall(r"^\.PHONY:(.*)$", MAKEFILE.read_text(), re.M)
    return {name for line in lines for name in line.split()}


def _readme_make_commands() -> set[str]:
    """Every ``make X`` the README shows, in inline code or at the start of a code-block line."""
    text = README.read_text()
    inline = re.findall(r"`make ([a-z][\w-]*)", text)
    blocks = re.findall(r"^make ([a-z][\w-]*)", text, re.M)
    return set(inline) | set(blocks)


def _pytest_line(commands: list[str]) -> str:
    lines = [c for c in commands if " -m pytest " in c]
    assert len(lines) == 1, commands
    return lines[0]


def test_ci_runs_make_test_and_nothing_weaker():
    script = (PROJECT_ROOT / ".ci" / "run").read_text()
    commands = [
        line.strip()
        for line in script.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert "make test" in commands
    assert not any(re.search(r"pytest .*(-k|--deselect|-m) ", c) for c in commands)


def test_every_make_command_in_the_readme_is_a_real_target():
    commands = _readme_make_commands()
    assert {"reports", "test", "test-fast", "lint", "format"} <= commands
    assert sorted(commands - _phony_targets()) == []
    for target in sorted(commands):
        _dry_run(target)  # make exits 2 on "No rule to make target"


def test_make_test_runs_every_tier_lint_included_and_nbval():
    pytest_line = _pytest_line(_dry_run("test"))
    assert "--nbval" in pytest_line.split()
    assert " -m unit" not in pytest_line and " -k " not in pytest_line
    assert pytest_line.split()[-3:] == ["tests", "qipp", "notebooks"]
    # Lint is a test among the rest, the one `make lint` runs.
    lint_line = _pytest_line(_dry_run("lint"))
    assert lint_line.split()[-1] == "tests/integration/test_lint.py"
    assert (PROJECT_ROOT / "tests" / "integration" / "test_lint.py").is_file()


def test_make_test_fast_runs_the_unit_tier_and_doctests_without_kernels():
    commands = _dry_run("test-fast")
    pytest_line = _pytest_line(commands)
    assert " -m unit " in pytest_line
    assert "--nbval" not in pytest_line and "notebooks" not in pytest_line.split()
    assert pytest_line.split()[-2:] == ["tests/unit", "qipp"]
    assert not any("ruff" in c for c in commands)


def test_make_help_lists_every_target():
    documented = _documented_targets()
    assert len(documented) == len(set(documented)), "a target is documented twice"
    assert set(documented) == _phony_targets(), "every command has a ## description"
    listed = re.findall(r"^  make (\S+) ", _make("help"), re.M)
    assert listed == documented


def test_make_alone_prints_the_help():
    # Dry run first: were the default goal another target, make alone would run it.
    assert _make("-n") == _make("-n", "help")
    assert _make() == _make("help") != ""
