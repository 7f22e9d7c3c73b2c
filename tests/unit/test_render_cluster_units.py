"""The pieces of ``qipp render --scheduler`` that need no cluster: payloads, path mapping, checks.

The cluster itself (a scheduler and workers on 127.0.0.1) is exercised in
tests/integration/test_render_cluster.py.
"""

from __future__ import annotations

import hashlib
import shutil
import threading
from pathlib import Path

import pytest

from qipp.paths import PROJECT_ROOT, SYNTHETIC_PANEL_CSV
from qipp.render.errors import WORKER_DIED
from qipp.render.plan.jobs import JobResult, RenderJob, RunSettings
from qipp.render.run import dask_worker
from qipp.render.run.dask import ClusterError, _task_error, check_workers
from qipp.render.run.dask_worker import RenderThread, ShippedFile, WorkerState, _here


def test_a_shipped_file_carries_its_bytes_checksum_and_place_in_the_project():
    shipped = ShippedFile.read(SYNTHETIC_PANEL_CSV)
    assert shipped.data == SYNTHETIC_PANEL_CSV.read_bytes()
    assert shipped.sha256 == hashlib.sha256(shipped.data).hexdigest()
    assert PROJECT_ROOT / shipped.root_relative == SYNTHETIC_PANEL_CSV


def test_a_file_outside_the_project_is_shipped_without_a_place_in_it(tmp_path):
    panel = tmp_path / "panel.csv"
    panel.write_bytes(b"ccg_code\n07H\n")
    shipped = ShippedFile.read(panel)
    assert (shipped.name, shipped.root_relative, shipped.data) == (
        "panel.csv",
        None,
        b"ccg_code\n07H\n",
    )


def test_a_clients_folder_maps_to_the_workers_copy_only_inside_the_project():
    assert _here(Path("/client/root/reports/x"), "/client/root") == PROJECT_ROOT / "reports/x"
    assert _here(Path("/elsewhere/out"), "/client/root") is None
    assert _here(Path("/client/rootless"), "/client/root") is None  # a sibling, not inside
    assert _here(None, "/client/root") is None


@pytest.fixture
def state():
    worker = WorkerState()
    yield worker
    shutil.rmtree(worker.scratch, ignore_errors=True)


def test_a_worker_reads_its_own_copy_when_the_bytes_match(state):
    shipped = ShippedFile.read(SYNTHETIC_PANEL_CSV)
    assert state.local_copy(shipped) == SYNTHETIC_PANEL_CSV


def test_a_worker_writes_the_shipped_bytes_when_its_copy_differs(state):
    original = ShippedFile.read(SYNTHETIC_PANEL_CSV)
    edited = b"ccg_code\n07H\n"
    shipped = ShippedFile(
        original.name, original.root_relative, hashlib.sha256(edited).hexdigest(), edited
    )
    copy = state.local_copy(shipped)
    assert copy != SYNTHETIC_PANEL_CSV and copy.read_bytes() == edited
    assert copy.name == SYNTHETIC_PANEL_CSV.name and state.scratch in copy.parents


def test_a_job_gets_the_workers_paths_and_remembers_the_clients(state, tmp_path):
    client_stage = "/client/reports/.qipp-tmp-stage-x"
    notebook = tmp_path / "02_x.ipynb"
    notebook.write_text('{"cells": []}', encoding="utf-8")
    job = RenderJob(
        "finding",
        "02_x",
        Path("/client/notebooks/02_x.ipynb"),
        {
            "findings_path": f"{client_stage}/findings/02_x.json",
            "panel_path": "/client/elsewhere/panel.csv",
            "seed": 1,
        },
    )
    client = RunSettings(Path(client_stage), tmp_path, tmp_path)
    panel = ShippedFile("panel.csv", None, hashlib.sha256(b"x").hexdigest(), b"x")
    local, aliases = state._local_job(
        job, client, ShippedFile.read(notebook), {"panel_path": panel}, tmp_path / "stage"
    )
    assert local.parameters["findings_path"] == f"{tmp_path / 'stage'}/findings/02_x.json"
    assert Path(local.parameters["panel_path"]).read_bytes() == b"x"
    assert local.parameters["seed"] == 1 and local.notebook.read_text() == '{"cells": []}'
    assert dict(aliases) == {
        local.parameters["panel_path"]: "/client/elsewhere/panel.csv",
        str(local.notebook): "/client/notebooks/02_x.ipynb",
    }
    assert job.parameters["panel_path"] == "/client/elsewhere/panel.csv"  # the client's, untouched


def test_a_task_runs_in_the_workers_folders_and_returns_the_clients_job_and_the_bytes(
    state, tmp_path, monkeypatch
):
    seen: dict = {"starts": 0}

    def start_worker(settings: RunSettings) -> None:
        seen["starts"] += 1

    def execute_job(job: RenderJob, settings: RunSettings) -> JobResult:
        seen["job"], seen["settings"] = job, settings
        (settings.stage / "01_x.html").write_text("page", encoding="utf-8")
        return JobResult(job, True, "Title", files=["01_x.html"])

    monkeypatch.setattr(dask_worker, "start_worker", start_worker)
    monkeypatch.setattr(dask_worker, "execute_job", execute_job)
    notebook = tmp_path / "01_x.ipynb"
    notebook.write_text('{"cells": []}', encoding="utf-8")
    job = RenderJob("finding", "01_x", Path("/client/notebooks/01_x.ipynb"), html="01_x.html")
    client = RunSettings(
        Path("/client/reports/.qipp-tmp-stage-x"),
        Path("/client/notebooks"),
        Path("/client/reports/.qipp-tmp-stage-x/.kernels"),
        out_dir=Path("/client/reports"),
    )
    output = state.run(job, client, "/client", ShippedFile.read(notebook), {})
    settings = seen["settings"]
    assert settings.cwd == PROJECT_ROOT / "notebooks"
    assert settings.out_dir == PROJECT_ROOT / "reports"
    assert settings.stage.parent == state.scratch and settings.kernel_dir.parent == state.scratch
    assert not settings.stage.exists()  # a task's stage goes once its bytes are read
    assert settings.path_aliases == ((str(seen["job"].notebook), "/client/notebooks/01_x.ipynb"),)
    assert output.result.job is job and output.files == {"01_x.html": b"page"}
    state.run(job, client, "/client", ShippedFile.read(notebook), {})
    assert seen["starts"] == 1  # the kernel the first task started serves the next


def test_the_render_thread_runs_every_call_on_one_thread_and_hands_back_errors():
    thread = RenderThread()
    thread.start()
    first = thread.call(threading.get_ident)
    assert thread.call(lambda: threading.current_thread().name) == "qipp-render"
    with pytest.raises(ZeroDivisionError):
        thread.call(lambda: 1 / 0)
    # Kernels die with the thread that started them: it is one thread, alive after an error.
    assert thread.call(threading.get_ident) == first != threading.get_ident()
    assert thread.is_alive()


class FakeClient:
    def __init__(self, answers):
        self.answers = answers

    def run(self, function, on_error):
        assert on_error == "return"
        return self.answers


def test_a_worker_that_cannot_import_qipp_fails_the_run_naming_it():
    broken = {"tcp://10.0.0.7:4001": ModuleNotFoundError("No module named 'qipp'")}
    with pytest.raises(ClusterError) as caught:
        check_workers(FakeClient(broken), "tcp://10.0.0.5:8786")
    message = str(caught.value)
    assert "tcp://10.0.0.7:4001 (a Dask worker)" in message
    assert "No module named 'qipp'" in message and "make venv" in message


def test_a_worker_with_other_data_or_code_fails_the_run_saying_which():
    mine = dask_worker.worker_fingerprint()
    other = {**mine, "data": "0" * 64}
    with pytest.raises(ClusterError, match=r"10\.0\.0\.8:4002 .*its data/ differ"):
        check_workers(FakeClient({"tcp://10.0.0.8:4002": other}), "tcp://h:1")
    assert check_workers(FakeClient({"tcp://10.0.0.9:1": mine}), "tcp://h:1")
    with pytest.raises(ClusterError, match="the scheduler has no workers"):
        check_workers(FakeClient({}), "tcp://h:1")


def test_a_task_whose_workers_kept_dying_is_a_failure_that_says_so():
    class KilledWorker(Exception):
        pass

    error = _task_error(KilledWorker("attempted to run task x on 4 different workers"))
    assert error.ename == WORKER_DIED and "died" in error.evalue
    other = _task_error(ValueError("bad"))
    assert (other.ename, other.evalue) == ("ValueError", "bad")
