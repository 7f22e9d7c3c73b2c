"""The pieces of ``qipp render --scheduler`` that need no cluster: payloads, path mapping, checks.

The cluster itself (a scheduler and workers on 127.0.0.1) is exercised in
tests/integration/test_render_cluster.py.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from qipp.paths import PROJECT_ROOT, SYNTHETIC_PANEL_CSV
from qipp.render import cluster_worker
from qipp.render.cluster import ClusterError, _task_error, check_workers, settings_for
from qipp.render.cluster_tasks import ClusterTask, ShippedFile, root_relative
from qipp.render.jobs import RenderJob
from qipp.render.lifeline import kernel_preexec
from qipp.render.worker_types import WorkerConfig


def test_a_shipped_file_carries_its_bytes_checksum_and_place_in_the_project():
    shipped = ShippedFile.read(SYNTHETIC_PANEL_CSV, PROJECT_ROOT)
    assert shipped.data == SYNTHETIC_PANEL_CSV.read_bytes()
    assert shipped.sha256 == hashlib.sha256(shipped.data).hexdigest()
    assert PROJECT_ROOT / shipped.root_relative == SYNTHETIC_PANEL_CSV


def test_settings_name_folders_relative_to_the_project_root(tmp_path):
    config = WorkerConfig(
        tmp_path / "stage", tmp_path, PROJECT_ROOT / "notebooks", out_dir=PROJECT_ROOT / "reports"
    )
    settings = settings_for(config)
    assert (settings.cwd_relative, settings.out_relative) == ("notebooks", "reports")
    outside = settings_for(WorkerConfig(tmp_path, tmp_path, tmp_path, out_dir=tmp_path / "out"))
    assert (outside.cwd_relative, outside.out_relative) == (None, None)
    assert root_relative(tmp_path, PROJECT_ROOT) is None


@pytest.fixture
def state():
    worker = cluster_worker.WorkerState()
    yield worker
    worker.close()


def test_a_worker_reads_its_own_copy_when_the_bytes_match(state):
    shipped = ShippedFile.read(SYNTHETIC_PANEL_CSV, PROJECT_ROOT)
    assert state.local_copy(shipped) == SYNTHETIC_PANEL_CSV


def test_a_worker_writes_the_shipped_bytes_when_its_copy_differs(state):
    original = ShippedFile.read(SYNTHETIC_PANEL_CSV, PROJECT_ROOT)
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
    settings = settings_for(WorkerConfig(Path(client_stage), tmp_path, tmp_path))
    panel = ShippedFile("panel.csv", None, hashlib.sha256(b"x").hexdigest(), b"x")
    local, aliases = state._local_job(
        ClusterTask(0, job, settings),
        ShippedFile.read(notebook, PROJECT_ROOT),
        {"panel_path": panel},
        tmp_path / "stage",
    )
    assert local.parameters["findings_path"] == f"{tmp_path / 'stage'}/findings/02_x.json"
    assert Path(local.parameters["panel_path"]).read_bytes() == b"x"
    assert local.parameters["seed"] == 1 and local.notebook.read_text() == '{"cells": []}'
    assert dict(aliases) == {
        local.parameters["panel_path"]: "/client/elsewhere/panel.csv",
        str(local.notebook): "/client/notebooks/02_x.ipynb",
    }


def test_kernels_started_on_the_render_thread_die_with_the_process():
    seen = {}

    def look() -> None:
        seen["plain"] = kernel_preexec()

    plain = threading.Thread(target=look)
    plain.start()
    plain.join()
    render_thread = cluster_worker.RenderThread()
    render_thread.start()
    on_render_thread = render_thread.call(kernel_preexec)
    assert seen["plain"] is None  # an ordinary thread's children would die with the thread
    assert callable(on_render_thread)


def test_the_render_thread_hands_back_results_and_errors():
    thread = cluster_worker.RenderThread()
    thread.start()
    assert thread.call(lambda: threading.current_thread().name) == "qipp-render"
    with pytest.raises(ZeroDivisionError):
        thread.call(lambda: 1 / 0)


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
    mine = cluster_worker.worker_fingerprint()
    other = {**mine, "data": "0" * 64}
    with pytest.raises(ClusterError, match=r"10\.0\.0\.8:4002 .*its data/ differ"):
        check_workers(FakeClient({"tcp://10.0.0.8:4002": other}), "tcp://h:1")
    assert check_workers(FakeClient({"tcp://10.0.0.9:1": mine}), "tcp://h:1")


def test_a_task_whose_workers_kept_dying_is_a_failure_that_says_so():
    class KilledWorker(Exception):
        pass

    error = _task_error(KilledWorker("attempted to run task x on 4 different workers"))
    assert error.ename == "WorkerDiedError" and "died" in error.evalue
