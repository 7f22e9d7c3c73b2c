"""Nothing outlives ``qipp render``: workers and kernels die with it however it dies, a run
removes what a killed run left, SIGTERM exits 143 and Ctrl-C is quiet and prompt at any moment.

Kernels keep their connection files in the run's stage (``<out>/.qipp-tmp-stage-*/.kernels``)
and talk over abstract sockets, so a killed run leaves one folder, in the output folder,
and nothing in the system's temporary folder.

Each render runs in its own session (a signal can go to its whole process group, as a
terminal sends it). Every process a test starts is killed in a ``finally``.
"""

from __future__ import annotations

import contextlib
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

from qipp import paths
from qipp.cli import main

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")

FIXTURES = Path(__file__).parents[1] / "fixtures" / "notebooks"


def slow_notebook() -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [new_markdown_cell("# Slow"), new_code_cell("import time\ntime.sleep(300)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "P", "language": "python"}
    return nb


def stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, start time) of ``pid``, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2 :].split()
    return int(fields[1]), fields[0], int(fields[19])


def descendants(root: int) -> dict[int, int]:
    """Every process below ``root`` (pid -> start time), through the parent chain."""
    parents: dict[int, list[tuple[int, int]]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        info = stat(int(entry.name))
        if info is not None:
            parents.setdefault(info[0], []).append((int(entry.name), info[2]))
    found, todo = {}, [root]
    while todo:
        for pid, started in parents.get(todo.pop(), []):
            found[pid] = started
            todo.append(pid)
    return found


def running(processes: dict[int, int]) -> dict[int, int]:
    """Those of ``processes`` still running (not gone, not a zombie, not a recycled pid)."""
    alive = {}
    for pid, started in processes.items():
        info = stat(pid)
        if info is not None and info[1] not in "ZX" and info[2] == started:
            alive[pid] = started
    return alive


def mentioning(folder: Path) -> list[int]:
    """Processes whose command line names ``folder``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            if str(folder).encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
    return found


# A test run started in the background (`make test &`) ignores SIGINT, and every child
# inherits that, so a render would ignore a Ctrl-C until it set its own handler; the
# renders here play one started from a terminal, where Python raises KeyboardInterrupt.
AS_FROM_A_TERMINAL = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "


def start_render(notebooks: Path, out: Path, scratch: Path, *flags: str) -> subprocess.Popen:
    """``qipp render`` with ``notebooks`` as the project's own (so they run in warm kernels)."""
    return subprocess.Popen(
        [sys.executable, "-c", AS_FROM_A_TERMINAL + "from qipp.cli import main; main()", "render"]
        + ["--notebooks-dir", str(notebooks), "--out-dir", str(out), "--no-progress", *flags],
        env={**os.environ, "TMPDIR": str(scratch), "QIPP_ROOT": str(notebooks.parent)},
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(process: subprocess.Popen, tree: dict[int, int]) -> None:
    """Kill the render, its process group and every process seen below it."""
    tree = {**tree, **descendants(process.pid)}
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    for pid in running(tree):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(notebooks: 01_alpha and one that never ends, in a stand-in project; reports; temp)."""
    notebooks, out, scratch = tmp_path / "qipp" / "nb", tmp_path / "reports", tmp_path / "tmp"
    notebooks.mkdir(parents=True)
    (notebooks.parent / "data").symlink_to(paths.DATA_DIR, target_is_directory=True)
    scratch.mkdir()
    shutil.copy(FIXTURES / "01_alpha.ipynb", notebooks / "01_alpha.ipynb")
    nbformat.write(slow_notebook(), notebooks / "02_slow.ipynb")
    return notebooks, out, scratch


def kernels(out: Path) -> list[Path]:
    """The connection files of the kernels running for a render into ``out``."""
    return list(out.glob(".qipp-tmp-stage-*/.kernels/worker-*/k-*.json"))


def slow_job_running(out: Path, n_kernels: int) -> bool:
    """01_alpha is staged (so the slow notebook runs) and ``n_kernels`` kernels are up."""
    return (
        bool(list(out.glob(".qipp-tmp-stage-*/01_alpha.html"))) and len(kernels(out)) >= n_kernels
    )


def kernel_processes(tree: dict[int, int]) -> set[int]:
    """Those of ``tree`` that are kernels."""
    found = set()
    for pid in tree:
        with contextlib.suppress(OSError):
            if b"ipykernel_launcher" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.add(pid)
    return found


@pytest.mark.parametrize(
    ("flags", "how"),
    [((), "SIGKILL"), (("--fresh-kernels",), "SIGKILL"), ((), "SIGHUP")],
    ids=["warm-kill-9", "fresh-kill-9", "warm-hangup"],
)
def test_workers_and_kernels_die_with_the_render_and_the_next_run_clears_its_folders(
    folders, flags, how
):
    notebooks, out, scratch = folders
    process = start_render(notebooks, out, scratch, "--jobs", "2", *flags)
    tree: dict[int, int] = {}
    try:
        # The never-ending notebook runs, in its own kernel (fresh) or its worker's (warm:
        # both workers hold one).
        wait_for(lambda: slow_job_running(out, 1 if flags else 2), 120, "the slow job", process)
        time.sleep(1.0)
        tree = descendants(process.pid)
        # Two workers and at least one kernel, all below the render.
        assert kernel_processes(tree) and len(tree) >= 2 + len(kernel_processes(tree)), tree
        stage = list(out.glob(".qipp-tmp-stage-*"))
        if how == "SIGKILL":  # the OOM killer: the render alone, no clean-up of its own
            os.kill(process.pid, signal.SIGKILL)
        else:  # the terminal closed: SIGHUP to the whole process group
            os.killpg(process.pid, signal.SIGHUP)
        process.communicate(timeout=30)
        deadline = time.monotonic() + 10
        while running(tree) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert running(tree) == {}, f"still running 10 s after the render died: {running(tree)}"
    finally:
        stop(process, tree)

    # The dead run could remove nothing: its stage is left, and nothing else anywhere.
    assert stage and all(p.exists() for p in stage)
    assert list(scratch.iterdir()) == []
    if how == "SIGKILL" and not flags:  # the next run removes it (the same, whichever case)
        rerun = start_render(notebooks, out, scratch, "--only", "01_alpha")
        try:
            stdout, stderr = rerun.communicate(timeout=180)
        finally:
            stop(rerun, {})
        assert rerun.returncode == 0, stdout + stderr
        assert (out / "01_alpha.html").is_file()
        assert list(out.glob(".qipp-tmp-*")) == []
        assert list(scratch.iterdir()) == []


@pytest.fixture(scope="module")
def earlier_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished report set (01_alpha) for the stopped runs to leave alone."""
    out = tmp_path_factory.mktemp("earlier") / "reports"
    result = CliRunner().invoke(
        main,
        ["render", "--notebooks-dir", str(FIXTURES), "--out-dir", str(out), "--no-progress"]
        + ["--only", "01_alpha"],
    )
    assert result.exit_code == 0, result.output
    return out


INT, TERM = signal.SIGINT, signal.SIGTERM


@pytest.mark.parametrize(
    ("signum", "moment", "group", "flags"),
    [
        pytest.param(INT, 0.5, True, (), id="int-0.5s"),
        pytest.param(INT, 1.5, True, (), id="int-1.5s"),
        pytest.param(INT, "workers", True, (), id="int-workers-start"),
        pytest.param(INT, "kernels", True, (), id="int-kernels-start"),
        pytest.param(INT, "job", True, (), id="int-mid-job"),
        pytest.param(INT, "job", True, ("--fresh-kernels",), id="int-mid-job-fresh"),
        pytest.param(TERM, "workers", True, (), id="term-workers-start"),
        pytest.param(TERM, "job", False, (), id="term-mid-job"),
    ],
)
def test_a_stop_at_any_moment_is_one_line_prompt_and_changes_nothing(
    folders, earlier_reports, signum, moment, group, flags
):
    """Ctrl-C (SIGINT to the process group, as a terminal sends it) exits 130, SIGTERM 143
    (to the group, or to the render alone as ``kill`` sends it), within 3 s; whatever the
    run had staged (a new version of 01_alpha's page among it) is not published."""
    notebooks, out, scratch = folders
    shutil.copytree(earlier_reports, out)
    before = snapshot(out)
    alpha = nbformat.read(notebooks / "01_alpha.ipynb", as_version=4)
    alpha.cells[0].source = "# Alpha, second version"
    nbformat.write(alpha, notebooks / "01_alpha.ipynb")
    process = start_render(notebooks, out, scratch, "--jobs", "1", *flags)
    tree: dict[int, int] = {}
    try:
        if moment == "workers":  # resource tracker and the worker, still importing
            wait_for(lambda: len(descendants(process.pid)) >= 2, 60, "the worker", process)
            time.sleep(0.2)
        elif moment == "kernels":  # a worker is starting its kernel
            wait_for(lambda: kernels(out), 60, "a kernel", process)
        elif moment == "job":  # the never-ending notebook runs
            wait_for(lambda: slow_job_running(out, 1), 120, "the slow notebook", process)
            time.sleep(1.0)
        else:
            time.sleep(float(moment))
        tree = descendants(process.pid)
        sent = time.monotonic()
        (os.killpg if group else os.kill)(process.pid, signum)
        stdout, stderr = process.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        stop(process, tree)
    assert process.returncode == 128 + signum, stdout + stderr
    said = [line for line in stderr.splitlines() if line.strip()]
    assert len(said) == 1 and "interrupted" in said[0], stderr
    assert ("(SIGTERM)" in said[0]) == (signum == TERM and moment != 0.5)
    assert took < 3.0, f"took {took:.1f} s to stop"
    assert snapshot(out) == before
    assert list(out.glob(".qipp-tmp-*")) == [] and list(scratch.iterdir()) == []
    # Kernels name their connection file (in the stage) on their command line.
    wait_for(lambda: not running(tree) and not mentioning(out), 10, "processes to exit")


# A middle process starts a child (the code given), prints its pid and waits to be
# killed; the child must then die with it.
MIDDLE = """import os, subprocess, sys, time
code = sys.argv[1].replace("PARENT", str(os.getpid()))
print(subprocess.Popen([sys.executable, "-c", code]).pid, flush=True)
time.sleep(120)
"""
ASKS = """import time
from qipp.render.run import lifeline
print(lifeline.die_with_parent(PARENT), flush=True)
time.sleep(120)
"""
# The child of a kernel_preexec Popen: a stand-in for a kernel.
PREEXEC = """import subprocess, sys, time
from qipp.render.run.lifeline import kernel_preexec
subprocess.Popen(["sleep", "120"], preexec_fn=kernel_preexec())
time.sleep(120)
"""


def test_a_process_that_asks_dies_with_its_parent():
    middle = subprocess.Popen(
        [sys.executable, "-c", MIDDLE, ASKS],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    tree: dict[int, int] = {}
    try:
        child = int(middle.stdout.readline())
        wait_for(lambda: child in descendants(middle.pid), 10, "the child")
        time.sleep(1.0)  # the child has asked
        tree = descendants(middle.pid)
        assert running(tree), "the child ended early"
        middle.kill()
        middle.wait()
        wait_for(lambda: not running(tree), 5, "the child to die")
    finally:
        stop(middle, tree)


def test_a_kernel_started_with_kernel_preexec_dies_with_its_starter():
    starter = subprocess.Popen([sys.executable, "-c", PREEXEC], start_new_session=True)
    tree: dict[int, int] = {}
    try:
        wait_for(lambda: len(descendants(starter.pid)) == 1, 10, "the stand-in kernel")
        tree = descendants(starter.pid)
        starter.kill()
        starter.wait()
        wait_for(lambda: not running(tree), 5, "the stand-in kernel to die")
    finally:
        stop(starter, tree)


def test_a_process_whose_parent_is_already_gone_kills_itself():
    # As if the parent died between the fork and the prctl: the pid it was given is not
    # its parent's.
    code = "from qipp.render.run import lifeline; lifeline.die_with_parent(1); print('survived')"
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert child.returncode == -signal.SIGKILL and "survived" not in child.stdout
