"""Warm kernels that die or hang are replaced and the notebook retried once; the engine and flag.

Kernel ids are read from the notebooks themselves (each prints ``os.getpid()``),
so "the same kernel" and "a new kernel" are observed, not assumed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from qipp.cli import main
from qipp.render.plan.jobs import CellError
from qipp.render.run import kernel, notebook
from qipp.render.run.engine import ENGINE_NAME, WarmEngine
from qipp.render.run.notebook import Outcome, Request

PID_CELL = "import os\nprint('PID', os.getpid())"


def write_notebook(path: Path, *sources: str) -> Path:
    nb = new_notebook()
    nb.cells = [new_markdown_cell(f"# {path.stem}")] + [new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def pid_of(notebook: nbformat.NotebookNode) -> int:
    text = "".join(
        o.get("text", "")
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "stream"
    )
    return int(re.search(r"PID (\d+)", text).group(1))


# ------------------------------------------------------------------ retry policy, no kernel


def _outcome(ename: str | None) -> Outcome:
    return Outcome(object(), None if ename is None else CellError(ename, "x"), {"cells_s": 1.0})


@pytest.mark.parametrize(
    "first, second, attempts, ok",
    [
        ("DeadKernelError", None, 2, True),
        ("CellTimeoutError", "CellTimeoutError", 2, False),
        ("NotebookTimeoutError", None, 2, True),
        ("ValueError", None, 1, False),  # the notebook's own error: not retried
        (None, "DeadKernelError", 1, True),
    ],
)
def test_only_kernel_failures_are_retried_once(first, second, attempts, ok, monkeypatch):
    outcomes = iter([_outcome(first), _outcome(second)])
    monkeypatch.setattr(notebook, "_execute_once", lambda request: next(outcomes))
    result = notebook.execute(None)  # type: ignore[arg-type]
    assert (result.attempts, result.ok) == (attempts, ok)
    assert result.timings["cells_s"] == float(attempts)
    assert (result.first_error.ename if result.first_error else None) == (
        first if attempts == 2 else None
    )


# ------------------------------------------------------------------ real kernels


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Run a sequence through one warm executor; return the outcomes by name."""
    root = tmp_path_factory.mktemp("robust")
    marker = root / "died-once"
    notebooks = {
        "first": write_notebook(root / "first.ipynb", PID_CELL, "kept = 1"),
        "cell_error": write_notebook(root / "cell_error.ipynb", PID_CELL, "1 / 0"),
        "after_error": write_notebook(root / "after_error.ipynb", PID_CELL),
        "dies_once": write_notebook(
            root / "dies_once.ipynb",
            PID_CELL,
            f"from pathlib import Path\nmarker = Path({str(marker)!r})\n"
            "if not marker.exists():\n    marker.touch()\n    os._exit(1)",
        ),
        "always_dies": write_notebook(root / "always_dies.ipynb", PID_CELL, "os._exit(1)"),
        "hangs": write_notebook(root / "hangs.ipynb", PID_CELL, "import time\ntime.sleep(60)"),
        "last": write_notebook(root / "last.ipynb", PID_CELL),
    }
    kernel_dir = root / "kernels"
    kernel_dir.mkdir()
    outcomes = {}
    try:
        for name, path in notebooks.items():
            outcomes[name] = notebook.execute(
                Request(
                    path,
                    {},
                    root,
                    kernel_dir,
                    cell_timeout_s=120,
                    notebook_timeout_s=3.0 if name == "hangs" else None,
                    warm_modules=("json",),  # a light warm-up: kernels restart often here
                )
            )
    finally:
        kernel.close()
    outcomes["leftover_files"] = sorted(p.name for p in kernel_dir.iterdir())
    return outcomes


def test_a_cell_error_is_reported_at_once_and_the_kernel_kept(executed):
    failed = executed["cell_error"]
    assert failed.attempts == 1 and failed.error.ename == "ZeroDivisionError"
    assert failed.error.describe() == "cell 3 (In [2]): ZeroDivisionError: division by zero"
    assert pid_of(executed["first"].notebook) == pid_of(failed.notebook)
    assert pid_of(executed["after_error"].notebook) == pid_of(failed.notebook)


def test_a_kernel_that_dies_is_replaced_and_the_notebook_retried(executed):
    outcome = executed["dies_once"]
    assert outcome.ok and outcome.attempts == 2
    assert outcome.first_error.ename == "DeadKernelError"
    assert pid_of(outcome.notebook) != pid_of(executed["after_error"].notebook)


def test_a_notebook_that_kills_its_kernel_twice_is_reported(executed):
    outcome = executed["always_dies"]
    assert not outcome.ok and outcome.attempts == 2
    assert outcome.error.ename == "DeadKernelError" and outcome.error.cell_number == 3
    assert outcome.notebook is not None  # the cells that ran are kept


def test_a_notebook_past_its_timeout_is_retried_then_reported(executed):
    outcome = executed["hangs"]
    assert not outcome.ok and outcome.attempts == 2
    assert outcome.error.ename == "NotebookTimeoutError"
    assert "limit of 3 s" in outcome.error.evalue and "--notebook-timeout" in outcome.error.evalue
    assert outcome.first_error.ename == "NotebookTimeoutError"


def test_after_failures_a_new_kernel_serves_the_next_notebook(executed):
    last = executed["last"]
    assert last.ok and last.attempts == 1
    assert pid_of(last.notebook) != pid_of(executed["hangs"].notebook)
    assert executed["leftover_files"] == []  # killed kernels' files are gone, close() too


def test_fresh_kernels_retry_a_notebook_whose_kernel_died_too(tmp_path):
    marker = tmp_path / "died-once"
    path = write_notebook(
        tmp_path / "dies_once.ipynb",
        PID_CELL,
        f"from pathlib import Path\nmarker = Path({str(marker)!r})\n"
        "if not marker.exists():\n    marker.touch()\n    os._exit(1)",
        "print('survived')",
    )
    outcome = notebook.execute(Request(path, {}, tmp_path, tmp_path, fresh=True))
    assert outcome.ok and outcome.attempts == 2
    assert outcome.first_error.ename == "DeadKernelError" and outcome.first_error.cell_number == 3
    assert "survived" in json.dumps(outcome.notebook)


# ------------------------------------------------------------------ CLI flag and engine


# Three notebooks that print their kernel's pid, committed inside the project: qipp render
# reuses warm kernels only for the project's notebooks (docs/decisions/0035).
PROJECT_PID_NOTEBOOKS = Path(__file__).parents[1] / "fixtures" / "notebooks" / "pids"
PID_NOTEBOOKS = ("01_a", "02_b", "03_c")


def _render_pids(notebooks: Path, out: Path, *flags: str) -> list[int]:
    result = CliRunner().invoke(
        main,
        [
            "render",
            "--notebooks-dir",
            str(notebooks),
            "--out-dir",
            str(out),
            "--jobs",
            "1",
            "--no-progress",
            *flags,
        ],
    )
    assert result.exit_code == 0, result.output
    return [
        pid_of(nbformat.read(out / "executed" / f"{name}.ipynb", as_version=4))
        for name in PID_NOTEBOOKS
    ]


def test_qipp_render_reuses_one_kernel_per_worker_and_fresh_kernels_does_not(tmp_path):
    assert len(set(_render_pids(PROJECT_PID_NOTEBOOKS, tmp_path / "warm"))) == 1
    fresh = _render_pids(PROJECT_PID_NOTEBOOKS, tmp_path / "fresh", "--fresh-kernels")
    assert len(set(fresh)) == 3


def test_qipp_render_gives_notebooks_outside_the_project_fresh_kernels(tmp_path):
    outside = tmp_path / "mine"
    outside.mkdir()
    for name in PID_NOTEBOOKS:
        write_notebook(outside / f"{name}.ipynb", PID_CELL)
    assert len(set(_render_pids(outside, tmp_path / "out"))) == 3


def test_the_engine_is_registered_with_papermill_and_reuses_its_kernel(tmp_path):
    import papermill
    from papermill.engines import papermill_engines

    assert papermill_engines.get_engine(ENGINE_NAME) is WarmEngine
    first = write_notebook(tmp_path / "a.ipynb", PID_CELL, "defined_in_a = 1")
    second = write_notebook(tmp_path / "b.ipynb", PID_CELL, "'defined_in_a' in globals()")
    try:
        ran = [
            papermill.execute_notebook(
                str(path), None, engine_name=ENGINE_NAME, progress_bar=False, cwd=str(tmp_path)
            )
            for path in (first, second)
        ]
    finally:
        kernel.close()
    assert pid_of(ran[0]) == pid_of(ran[1])
    assert ran[1].cells[-1].outputs[0]["data"]["text/plain"] == "False"


def test_plain_papermill_command_line_runs_with_the_engine(tmp_path):
    source = write_notebook(tmp_path / "c.ipynb", "print(6 * 7)")
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "papermill"),
            str(source),
            str(tmp_path / "out.ipynb"),
            "--engine",
            ENGINE_NAME,
            "--no-progress-bar",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert executed.cells[-1].outputs[0]["text"] == "42\n"
    assert executed.cells[-1].execution_count == 1
