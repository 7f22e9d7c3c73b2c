"""The three descriptions of the environment agree: pyproject.toml, requirements.lock, environment.yml."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import yaml

from qipp.paths import PROJECT_ROOT

# Entries in environment.yml that are tooling rather than project dependencies.
CONDA_TOOLING = {"python", "pip"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _names(requirements: list[str]) -> set[str]:
    return {_canonical(re.split(r"[<>=!~ \[;]", dep)[0]) for dep in requirements}


def _pyproject_dependencies() -> set[str]:
    """The runtime dependencies and every optional group (make venv installs them all)."""
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    groups = project.get("optional-dependencies", {}).values()
    return _names(project["dependencies"]).union(*(_names(group) for group in groups))


def _lock_versions() -> dict[str, str]:
    text = (PROJECT_ROOT / "requirements.lock").read_text()
    return {
        _canonical(name): version
        for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M)
    }


def _environment_entries() -> tuple[dict[str, str], dict[str, str], list[str]]:
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    conda, pip, pip_lines = {}, {}, []
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            pip_lines = entry["pip"]
            for line in pip_lines:
                if "==" in line:
                    name, version = line.split("==")
                    pip[_canonical(name)] = version
        else:
            name, _, version = entry.partition("=")
            conda[_canonical(name)] = version
    return conda, pip, pip_lines


def test_environment_lists_exactly_the_pyproject_dependencies():
    conda, pip, _ = _environment_entries()
    listed = (set(conda) - CONDA_TOOLING) | set(pip)
    declared = _pyproject_dependencies()
    assert listed == declared, (
        f"only in environment.yml: {sorted(listed - declared)}; "
        f"only in pyproject.toml: {sorted(declared - listed)}"
    )


def test_environment_versions_match_the_lock():
    conda, pip, _ = _environment_entries()
    lock = _lock_versions()
    pinned = {**{k: v for k, v in conda.items() if k not in CONDA_TOOLING}, **pip}
    mismatched = {
        name: (version, lock.get(name))
        for name, version in pinned.items()
        if lock.get(name) != version
    }
    assert not mismatched, f"environment.yml version != requirements.lock: {mismatched}"


def test_environment_uses_conda_forge_python_311_and_installs_qipp():
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    conda, _, pip_lines = _environment_entries()
    assert env["channels"] == ["conda-forge"]
    assert conda["python"] == "3.11"
    assert "-e ." in pip_lines


def test_lock_pins_every_dependency_exactly():
    lock = _lock_versions()
    missing = _pyproject_dependencies() - set(lock)
    assert not missing, f"not pinned in requirements.lock: {sorted(missing)}"
    text = (PROJECT_ROOT / "requirements.lock").read_text()
    loose = [
        line
        for line in text.splitlines()
        if line and not line.startswith((" ", "#")) and "==" not in line
    ]
    assert not loose, f"unpinned lines in requirements.lock: {loose}"


def test_test_and_dev_tools_are_extras_not_runtime_dependencies():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    runtime = _names(project["dependencies"])
    extras = project["optional-dependencies"]
    assert {"pytest", "nbval", "playwright"} <= _names(extras["test"])
    assert {"ruff", "mypy", "pre-commit", "nbstripout"} <= _names(extras["dev"])
    assert not runtime & {"pytest", "nbval", "playwright", "ruff", "mypy"}


def test_pre_commit_hooks_are_local_and_run_tools_the_dev_extra_installs():
    # Hooks cannot be fetched here: each runs an executable of the environment (make venv).
    config = yaml.safe_load((PROJECT_ROOT / ".pre-commit-config.yaml").read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    hooks = config["repos"][0]["hooks"]
    assert {hook["language"] for hook in hooks} == {"system"}
    bin_dir = Path(sys.executable).parent
    missing = [hook["id"] for hook in hooks if not (bin_dir / hook["entry"].split()[0]).exists()]
    assert not missing, f"hook tools not installed in {bin_dir}: {missing}"
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    dev = _names(project["optional-dependencies"]["dev"])
    assert {"pre-commit", "pre-commit-hooks", "ruff", "nbstripout"} <= dev
    assert {"pre-commit", "pre-commit-hooks", "ruff", "nbstripout"} <= set(_lock_versions())
