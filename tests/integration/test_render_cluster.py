"""``qipp render --scheduler`` on a real Dask cluster on 127.0.0.1 (issue 16).

Each test starts what it needs from the virtualenv (``dask scheduler`` and
``dask worker`` processes, with a temporary folder of their own, so they share
nothing with the client but the project), renders one finding notebook and three
profiles through the command line, and stops every process it started: the
teardown checks that no worker, scheduler or kernel of the test is left. The two-worker
cluster that loses a worker mid-run must still render what this machine renders.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from render_helpers import snapshot, wait_for

from qipp.paths import PROJECT_ROOT

BIN = Path(sys.executable).parent
SUBSET = ["--only", "00_claims_ledger", "--ccg", "07H", "--ccg", "S001", "--ccg", "S002"]
PAGES = ["00_claims_ledger.html", "ccg/07H.html", "ccg/S001.html", "ccg/S002.html"]
RENDERED_AT = re.compile(rb"Rendered \d{4}-\d\d-\d\dT\d\d:\d\dZ")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line or environment names ``text`` (a test's folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and (text.encode() in cmdline or text.encode() in environ):
            found.append(int(entry.name))
    return found


class Cluster:
    """A scheduler and workers on 127.0.0.1, each with TMPDIR under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen] = []

    def _start(self, name: str, command: list[str], extra_env: dict | None = None):
        folder = self.root / name
        (folder / "tmp").mkdir(parents=True)
        env = {**os.environ, "TMPDIR": str(folder / "tmp"), **(extra_env or {})}
        log = open(folder / "log.txt", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    def start_scheduler(self) -> None:
        command = [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1"]
        self._start("scheduler", [*command, "--port", str(self.port), "--no-dashboard"])

        def listening() -> bool:
            with socket.socket() as probe:
                return probe.connect_ex(("127.0.0.1", self.port)) == 0

        wait_for(listening, 60, "the Dask scheduler")

    def start_worker(self, name: str, extra_env: dict | None = None) -> subprocess.Popen:
        command = [str(BIN / "dask"), "worker", self.address, "--nthreads", "1"]
        command += ["--no-nanny", "--no-dashboard", "--host", "127.0.0.1"]
        return self._start(name, command, extra_env)

    def wait_for_workers(self, n: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(n, timeout=120)

    def stop(self) -> None:
        # Killed outright: how a cluster shuts down is Dask's business; what is tested is
        # that nothing of the test (a kernel included) outlives its worker.
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


@pytest.fixture
def cluster(tmp_path):
    running = Cluster(tmp_path / "cluster")
    try:
        yield running
    finally:
        running.stop()
        # Every process the test started is gone, kernels included (they carry the
        # workers' TMPDIR, under the test's folder, in their command line).
        wait_for(lambda: not processes_mentioning(str(running.root)), 20, "no process left")


def render(out: Path, *extra: str, wait: bool = True, tmpdir: Path | None = None):
    command = [str(BIN / "qipp"), "render", "--out-dir", str(out), "--no-progress", *SUBSET]
    process = subprocess.Popen(
        [*command, *extra],
        cwd=PROJECT_ROOT,
        env={**os.environ, **({"TMPDIR": str(tmpdir)} if tmpdir else {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if not wait:
        return process
    stdout, stderr = process.communicate(timeout=600)
    return process.returncode, stdout, stderr


# Renders the subset on this machine in a process of its own, then prints its exit code and
# the Dask modules it imported (none, without --scheduler or when nothing is rendered).
IN_PROCESS = (
    "import sys\n"
    "from qipp.cli import main\n"
    "try:\n"
    f"    main(['render', '--no-progress', *{SUBSET!r}, *sys.argv[1:]])\n"
    "except SystemExit as exit:\n"
    "    dask = sorted(m for m in sys.modules if m.startswith(('dask', 'distributed')))\n"
    "    print('EXIT', exit.code, dask)\n"
)


def render_in_process(*args: str) -> str:
    """The last line the subset's render printed: its exit code and the Dask modules loaded."""
    done = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, *args], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    return done.stdout.splitlines()[-1] if done.stdout else done.stderr


@pytest.fixture(scope="module")
def local_render(tmp_path_factory) -> tuple[Path, str]:
    """The subset rendered on this machine's process pool (what a cluster must match), and
    what that process said: its exit code and the Dask modules it imported."""
    out = tmp_path_factory.mktemp("local") / "reports"
    said = render_in_process("--out-dir", str(out), "--jobs", "1")
    assert said.startswith("EXIT 0 "), said
    return out, said


@pytest.fixture
def local_pages(local_render) -> dict[str, bytes]:
    return pages_of(local_render[0])


@pytest.fixture
def earlier_reports(local_render, tmp_path) -> Path:
    """A copy of the local render, for a test to leave as it was (or reuse)."""
    out = tmp_path / "reports"
    shutil.copytree(local_render[0], out)
    return out


def pages_of(out: Path) -> dict[str, bytes]:
    """Each page and findings file, the rendered-at line masked (it names the minute)."""
    files = [*PAGES, "findings/00_claims_ledger.json"]
    return {name: RENDERED_AT.sub(b"Rendered <when>", (out / name).read_bytes()) for name in files}


def assert_all_rendered(out: Path) -> None:
    entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["entries"]
    assert len(entries) == len(PAGES) and all(entry["status"] == "ok" for entry in entries), entries


def test_a_worker_killed_mid_run_loses_no_report(cluster, tmp_path, local_pages):
    cluster.start_scheduler()
    workers = [cluster.start_worker("worker-1"), cluster.start_worker("worker-2")]
    cluster.wait_for_workers(2)
    running = render(tmp_path / "reports", "--scheduler", cluster.address, wait=False)
    # A worker's kernel starts with its first task: kill that worker while it is busy.
    busy: list[subprocess.Popen] = []
    wait_for(
        lambda: bool(busy.extend(w for w in workers if children(w.pid)) or busy), 120, "a kernel"
    )
    victim = busy[0]
    kernels = children(victim.pid)
    victim.send_signal(signal.SIGKILL)
    stdout, stderr = running.communicate(timeout=600)
    # Two workers, one of them killed, render what this machine renders.
    assert running.returncode == 0, stderr
    assert "4 rendered, 0 reused, 0 failed." in stdout
    assert_all_rendered(tmp_path / "reports")
    assert pages_of(tmp_path / "reports") == local_pages
    # The dead worker's kernel died with it.
    wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in kernels), 10, "kernels")


def test_scheduler_local_renders_what_this_machine_renders(tmp_path, local_pages):
    out, scratch = tmp_path / "reports", tmp_path / "tmp"
    scratch.mkdir()
    code, stdout, stderr = render(out, "--scheduler", "local", "--jobs", "2", tmpdir=scratch)
    assert code == 0, stderr
    assert_all_rendered(out)
    assert pages_of(out) == local_pages
    # The local cluster's workers and their kernels (TMPDIR in their environment) are gone.
    wait_for(lambda: not processes_mentioning(str(scratch)), 30, "the local cluster to stop")


def test_a_worker_that_cannot_import_qipp_fails_the_run_naming_it(cluster, tmp_path):
    broken = tmp_path / "broken"
    (broken / "qipp").mkdir(parents=True)
    (broken / "qipp" / "__init__.py").write_text('raise ImportError("qipp is not installed")\n')
    cluster.start_scheduler()
    cluster.start_worker("worker-broken", {"PYTHONPATH": str(broken)})
    cluster.wait_for_workers(1)
    out = tmp_path / "reports"
    code, _, stderr = render(out, "--scheduler", cluster.address)
    assert code == 3, stderr
    assert re.search(r"tcp://127\.0\.0\.1:\d+ \(a Dask worker\): cannot run qipp", stderr), stderr
    assert "make venv" in stderr and "Traceback" not in stderr
    assert not (out / "index.html").exists()


def test_no_scheduler_answering_is_one_line_and_exit_3(tmp_path, monkeypatch):
    monkeypatch.setenv("DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT", "3s")  # Dask's own setting
    code, _, stderr = render(tmp_path / "reports", "--scheduler", f"tcp://127.0.0.1:{free_port()}")
    assert code == 3, stderr
    assert "no Dask scheduler answered" in stderr and "Traceback" not in stderr


def test_without_scheduler_nothing_imports_dask(local_render):
    assert local_render[1] == "EXIT 0 []"


def test_ctrl_c_on_the_client_leaves_the_earlier_reports_as_they_were(tmp_path, earlier_reports):
    out = earlier_reports
    before = snapshot(out)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    command = [str(BIN / "qipp"), "render", "--out-dir", str(out), "--no-progress", *SUBSET]
    running = subprocess.Popen(
        [*command, "--scheduler", "local", "--jobs", "2", "--force"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "TMPDIR": str(scratch)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    def kernel_running() -> bool:
        return any(
            b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes()
            for pid in processes_mentioning(str(scratch))
            if Path(f"/proc/{pid}").exists()
        )

    try:
        wait_for(kernel_running, 120, "a kernel on the local cluster")
        running.send_signal(signal.SIGINT)
        _, stderr = running.communicate(timeout=120)
    finally:
        if running.poll() is None:
            running.kill()
    assert running.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert snapshot(out) == before
    wait_for(lambda: not processes_mentioning(str(scratch)), 30, "the local cluster to stop")


def test_a_run_of_cache_hits_starts_no_executor_and_imports_no_dask(earlier_reports):
    # Nothing changed: every report is reused, so no scheduler is even looked for (none
    # listens at this address) and Dask is never imported.
    said = render_in_process("--out-dir", str(earlier_reports), "--scheduler", "tcp://127.0.0.1:9")
    assert said == "EXIT 0 []"


def test_a_scheduler_lost_mid_run_is_the_machines_fault_and_changes_nothing(
    cluster, earlier_reports
):
    out = earlier_reports
    before = snapshot(out)
    cluster.start_scheduler()
    workers = [cluster.start_worker("worker-1"), cluster.start_worker("worker-2")]
    cluster.wait_for_workers(2)
    running = render(out, "--scheduler", cluster.address, "--force", wait=False)
    wait_for(lambda: any(children(w.pid) for w in workers), 120, "a kernel", running)
    cluster.processes[0].kill()  # the scheduler
    stdout, stderr = running.communicate(timeout=300)
    assert running.returncode == 3, stdout + stderr
    said = [line for line in stderr.splitlines() if line.strip()]
    assert len(said) == 1 and cluster.address in said[0] and "scheduler" in said[0], stderr
    assert "FAILED" not in stdout + stderr
    assert snapshot(out) == before
