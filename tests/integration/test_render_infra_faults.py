"""The environment failing is not a notebook failing: a killed worker, a full disk, a read-only folder.

Each test renders a small set once, then breaks something during a second run
and checks that no earlier report was lost or half-replaced:

- a worker killed with SIGKILL mid-run (the test finds it as a child of the
  render process): its job is retried in a new worker, every report renders;
- a worker that dies every time its job runs: after two breaks of the pool that job
  runs alone, breaks it again and fails as the machine's failure, its earlier page
  kept, the other jobs unaffected;
- a full disk (a real 2 MB tmpfs, filled up before the second run);
- a read-only output folder (a read-only bind mount: root ignores chmod 0555).

The disk tests need ``mount`` (root, or CAP_SYS_ADMIN); they are skipped without it.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from render_helpers import snapshot, wait_for

from qipp.cli import main
from qipp.render.errors import EXIT_ENVIRONMENT, RenderInfrastructureError
from qipp.render.options import RenderOptions
from qipp.render.pipeline import render_reports

FIXTURES = Path(__file__).parents[1] / "fixtures" / "notebooks"


def temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if ".qipp-tmp-" in p.name]


def notebook(title: str, *sources: str) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [new_markdown_cell(f"# {title}"), *(new_code_cell(s) for s in sources)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def tiny(name: str, version_file: Path) -> nbformat.NotebookNode:
    """A notebook whose page shows the text of ``version_file`` (v1, then v2)."""
    return notebook(name, f"print('version', open({str(version_file)!r}).read())")


def setup_set(tmp_path: Path, extra: dict[str, nbformat.NotebookNode], n_tiny: int = 3):
    """Notebooks 01_alpha, 02_beta, the ``extra`` ones and ``n_tiny`` tiny ones."""
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    for path in FIXTURES.glob("*.ipynb"):
        shutil.copy(path, notebooks / path.name)
    version = tmp_path / "version.txt"
    version.write_text("v1")
    for name, nb in extra.items():
        nbformat.write(nb, notebooks / f"{name}.ipynb")
    for i in range(n_tiny):
        name = f"{5 + i:02d}_tiny"
        nbformat.write(tiny(name, version), notebooks / f"{name}.ipynb")
    return notebooks, version


def cli(notebooks: Path, out: Path, *flags: str):
    args = ["render", "--notebooks-dir", str(notebooks), "--out-dir", str(out), "--no-progress"]
    return CliRunner().invoke(main, [*args, *flags])


def processes_mentioning(text: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text in cmdline.read_bytes().decode("utf-8", "replace"):
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def entries(out: Path) -> dict[str, dict]:
    return {e["key"]: e for e in json.loads((out / "manifest.json").read_text())["entries"]}


# ----------------------------------------------------------------------------- dead workers


def test_a_worker_killed_mid_run_is_replaced_and_every_report_renders(tmp_path):
    trigger, mark, scratch = tmp_path / "trigger", tmp_path / "worker.pid", tmp_path / "tmp"
    scratch.mkdir()
    # On the second run only, the first attempt records its worker (the kernel's
    # parent) and waits to be killed; the retry finds the mark and runs through.
    victim = notebook(
        "Victim",
        "import os, time\n"
        f"if os.path.exists({str(trigger)!r}) and not os.path.exists({str(mark)!r}):\n"
        f"    open({str(mark)!r} + '.tmp', 'w').write(str(os.getppid()))\n"
        f"    os.rename({str(mark)!r} + '.tmp', {str(mark)!r})\n"
        "    time.sleep(120)\n"
        "print('victim done')",
    )
    notebooks, version = setup_set(tmp_path, {"03_victim": victim}, n_tiny=4)
    out = tmp_path / "reports"
    first = cli(notebooks, out, "--jobs", "1")
    assert first.exit_code == 0, first.output
    untouched = {k: v for k, v in snapshot(out).items() if k.rsplit("/")[-1][:2] in ("01", "02")}
    assert len(untouched) == 5  # two pages, two executed notebooks, one findings file

    trigger.touch()
    version.write_text("v2")
    process = subprocess.Popen(
        [sys.executable, "-c", "from qipp.cli import main; main()", "render"]
        + ["--notebooks-dir", str(notebooks), "--out-dir", str(out), "--no-progress"]
        + ["--jobs", "2", "--only", "03", "--only", "tiny"]
        + ["--force"],  # its notebooks read files the render cache cannot see
        env={**os.environ, "TMPDIR": str(scratch)},
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(mark.exists, 120, "the victim to start", process)
        worker = int(mark.read_text())
        assert parent_of(worker) == process.pid  # a worker of the render process
        os.kill(worker, signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=180)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()

    assert process.returncode == 0, stdout + stderr
    assert "5 rendered, 0 reused, 0 failed." in stdout
    assert "RETRIED finding 03_victim" in stderr and "WorkerDiedError" in stderr
    after = snapshot(out)
    assert {k: after[k] for k in untouched} == untouched
    manifest = entries(out)
    assert all(e["status"] == "ok" for e in manifest.values()), manifest
    assert manifest["finding:03_victim"]["attempts"] == 2
    assert "WorkerDiedError" in manifest["finding:03_victim"]["retried_after"]
    for i in range(4):
        assert "version v2" in (out / f"{5 + i:02d}_tiny.html").read_text()
    assert "victim done" in (out / "03_victim.html").read_text()
    assert temporaries(out) == [] and list(scratch.iterdir()) == []
    # The dead worker's kernel (asleep in the victim) was killed, and every other process.
    wait_for(lambda: not processes_mentioning(str(tmp_path)), 20, "kernels to exit")


def test_a_job_whose_worker_dies_twice_fails_as_the_machines_and_keeps_its_page(tmp_path):
    trigger = tmp_path / "trigger"
    killer = notebook(
        "Killer",
        "import os, signal\n"
        f"if os.path.exists({str(trigger)!r}):\n"
        "    os.kill(os.getppid(), signal.SIGKILL)",
    )
    notebooks, version = setup_set(tmp_path, {"03_killer": killer}, n_tiny=2)
    out = tmp_path / "reports"
    first = cli(notebooks, out, "--jobs", "1")
    assert first.exit_code == 0, first.output
    page = (out / "03_killer.html").read_bytes()
    earlier = entries(out)["finding:03_killer"]

    trigger.touch()
    version.write_text("v2")
    second = cli(
        notebooks, out, "--jobs", "2", "--force"
    )  # its notebooks read files the cache cannot see
    assert second.exit_code == 1, second.output
    assert "4 rendered, 0 reused, 1 failed." in second.output
    assert (
        "FAILED finding 03_killer: WorkerDiedError: the worker process running it died "
        "again when it ran alone" in second.output
    )
    assert (out / "03_killer.html").read_bytes() == page
    assert entries(out)["finding:03_killer"] == earlier
    assert not (out / "failed").exists()
    for name in ("05_tiny", "06_tiny"):
        assert "version v2" in (out / f"{name}.html").read_text()
    assert temporaries(out) == []


# ----------------------------------------------------------------------------- the disk


def mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here: {done.stderr.strip()}")


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs, unmounted afterwards."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mount("-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk))
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path) -> None:
    """Fill ``disk`` to the last byte."""
    handle = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(handle, b"\0" * 4096):
            pass
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(handle)


def test_a_full_disk_aborts_the_run_and_changes_nothing(small_disk, tmp_path):
    notebooks, version = setup_set(tmp_path, {}, n_tiny=3)
    out = small_disk / "reports"
    first = cli(notebooks, out, "--jobs", "1")
    assert first.exit_code == 0, first.output
    before = snapshot(out)
    assert len(before) >= 10

    fill(small_disk)
    version.write_text("v2")
    with pytest.raises(RenderInfrastructureError) as raised:
        render_reports(RenderOptions(out_dir=out, notebooks_dir=notebooks, jobs=1, progress=False))
    error = raised.value
    assert error.reason == "No space left on device" and error.exit_code == EXIT_ENVIRONMENT
    # A page the worker wrote names its place; the findings a notebook wrote, the notebook.
    assert error.path.startswith(str(out)) or error.path == "a file 01_alpha wrote", error.path
    assert ".qipp-tmp-" not in error.path
    assert snapshot(out) == before
    assert temporaries(out) == []
    assert not (out / "failed").exists()


def test_cli_a_full_disk_exits_3_naming_the_path_and_the_error(small_disk, tmp_path):
    notebooks, _ = setup_set(tmp_path, {}, n_tiny=0)
    out = small_disk / "reports"
    assert cli(notebooks, out, "--jobs", "1").exit_code == 0
    before = snapshot(out)
    fill(small_disk)
    result = cli(notebooks, out, "--jobs", "1")
    assert result.exit_code == EXIT_ENVIRONMENT, result.output
    lines = [line for line in result.output.splitlines() if "No space left on device" in line]
    assert len(lines) == 1 and str(out) in lines[0], result.output
    assert "Traceback" not in result.output
    assert snapshot(out) == before


@pytest.fixture
def read_only(tmp_path):
    """``make_read_only(folder)``: bind-mount ``folder`` read-only over itself; unmounted after."""
    mounted: list[Path] = []

    def make_read_only(folder: Path) -> None:
        mount("--bind", str(folder), str(folder))
        mounted.append(folder)
        mount("-o", "remount,bind,ro", str(folder))

    yield make_read_only
    for folder in reversed(mounted):
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_read_only_output_folder_aborts_the_run_and_changes_nothing(read_only, tmp_path):
    notebooks, version = setup_set(tmp_path, {}, n_tiny=1)
    out = tmp_path / "reports"
    assert cli(notebooks, out, "--jobs", "1").exit_code == 0
    before = snapshot(out)
    read_only(out)
    version.write_text("v2")
    with pytest.raises(RenderInfrastructureError) as raised:
        render_reports(RenderOptions(out_dir=out, notebooks_dir=notebooks, jobs=1, progress=False))
    assert raised.value.reason == "Read-only file system" and raised.value.path.startswith(str(out))
    assert "(EROFS)" in str(raised.value)
    assert snapshot(out) == before and temporaries(out) == []


def test_a_read_only_subfolder_stops_the_final_move_before_anything_moves(read_only, tmp_path):
    notebooks, version = setup_set(tmp_path, {}, n_tiny=2)
    out = tmp_path / "reports"
    assert cli(notebooks, out, "--jobs", "1").exit_code == 0
    before = snapshot(out)
    read_only(out / "executed")  # the pages can be written; the executed notebooks cannot
    version.write_text("v2")
    with pytest.raises(RenderInfrastructureError) as raised:
        render_reports(RenderOptions(out_dir=out, notebooks_dir=notebooks, jobs=1, progress=False))
    assert raised.value.path.startswith(str(out / "executed"))
    assert "Read-only file system (EROFS)" in str(raised.value)
    assert snapshot(out) == before and temporaries(out) == []


def test_cli_a_read_only_output_folder_exits_3_with_one_line(read_only, tmp_path):
    notebooks, _ = setup_set(tmp_path, {}, n_tiny=0)
    out = tmp_path / "reports"
    assert cli(notebooks, out, "--jobs", "1").exit_code == 0
    before = snapshot(out)
    read_only(out)
    result = cli(notebooks, out, "--jobs", "1")
    assert result.exit_code == EXIT_ENVIRONMENT, result.output
    lines = [line for line in result.output.splitlines() if "Read-only file system" in line]
    assert len(lines) == 1 and str(out) in lines[0], result.output
    assert "Traceback" not in result.output
    assert snapshot(out) == before
