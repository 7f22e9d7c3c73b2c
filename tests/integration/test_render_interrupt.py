"""Ctrl-C during a render: no temporary or partial file, the previous reports untouched.

The render runs as a real process in its own session so the test can send
SIGINT to its whole process group, as a terminal does.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from render_helpers import snapshot, wait_for

from qipp.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures" / "notebooks"


def slow_notebook() -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [new_markdown_cell("# Slow"), new_code_cell("import time\ntime.sleep(300)")]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def processes_mentioning(text: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text in cmdline.read_bytes().decode("utf-8", "replace"):
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("flags", [(), ("--fresh-kernels",)], ids=["warm", "fresh"])
def test_sigint_leaves_no_partial_file_and_the_earlier_reports_unchanged(tmp_path, flags):
    notebooks, out, scratch = tmp_path / "nb", tmp_path / "reports", tmp_path / "tmp"
    notebooks.mkdir()
    scratch.mkdir()
    shutil.copy(FIXTURES / "01_alpha.ipynb", notebooks / "01_alpha.ipynb")
    first = CliRunner().invoke(
        main, ["render", "--notebooks-dir", str(notebooks), "--out-dir", str(out), "--no-progress"]
    )
    assert first.exit_code == 0, first.output
    before = snapshot(out)
    assert "01_alpha.html" in before and "index.html" in before

    # A second run that would change 01_alpha's page, plus a notebook that never ends.
    alpha = nbformat.read(notebooks / "01_alpha.ipynb", as_version=4)
    alpha.cells[0].source = "# Alpha, second version"
    nbformat.write(alpha, notebooks / "01_alpha.ipynb")
    nbformat.write(slow_notebook(), notebooks / "02_slow.ipynb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from qipp.cli import main; main()",
            "render",
            "--notebooks-dir",
            str(notebooks),
            "--out-dir",
            str(out),
            "--jobs",
            "2",
            "--no-progress",
            *flags,
        ],
        env={**os.environ, "TMPDIR": str(scratch)},
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(
            lambda: list(out.glob(".qipp-tmp-stage-*/01_alpha.html")),
            120,
            "01_alpha to be staged",
            process,
        )
        # The slow notebook runs: in its own kernel (fresh) or its worker's (warm).
        wait_for(
            lambda: list(out.glob(".qipp-tmp-stage-*/.kernels/worker-*/k-*.json")),
            60,
            "the slow notebook's kernel",
            process,
        )
        time.sleep(1.0)  # let the kernel reach time.sleep
        os.killpg(process.pid, signal.SIGINT)
        stdout, stderr = process.communicate(timeout=90)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()

    assert process.returncode == 130, stdout + stderr
    assert "interrupted" in stderr
    assert snapshot(out) == before
    assert [p for p in out.rglob("*") if ".qipp-tmp-" in p.name] == []
    assert list(scratch.iterdir()) == []
    wait_for(lambda: not processes_mentioning(str(tmp_path)), 15, "kernels to exit")
