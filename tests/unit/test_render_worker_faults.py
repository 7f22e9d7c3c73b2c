"""A worker's side of infrastructure failure: refused writes of a job, workers that die.

No process starts: the worker's functions run in this process, and the pool's
bookkeeping runs over a stand-in for its rounds. The real pool is exercised in
tests/integration/test_render_infra_faults.py.
"""

from __future__ import annotations

import errno
import os
import pickle
import shutil
from pathlib import Path

import pytest

import qipp.render.job_output as job_output
from qipp.render import respawn
from qipp.render.batch import WorkerPool
from qipp.render.execute import CellError
from qipp.render.infra import EXIT_ENVIRONMENT, WORKER_DIED, RenderInfrastructureError
from qipp.render.jobs import finding_job
from qipp.render.worker_types import JobResult, WorkerConfig


def refuse(code: int):
    def refused(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(args[0]) if args else None)

    return refused


# ----------------------------------------------------------------------------- the error


def test_the_error_names_path_and_error_and_crosses_processes():
    error = RenderInfrastructureError.from_oserror(
        OSError(errno.EROFS, "Read-only file system", "/r/.qipp-render.lock")
    )
    assert str(error) == "/r/.qipp-render.lock: Read-only file system (EROFS)"
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.reason, copy.errno) == (error.path, error.reason, errno.EROFS)
    assert error.exit_code == EXIT_ENVIRONMENT == 3


# ----------------------------------------------------------------------------- a job's writes


def _config(tmp_path: Path) -> WorkerConfig:
    stage = tmp_path / "out" / ".qipp-tmp-stage-x"
    stage.mkdir(parents=True)
    return WorkerConfig(stage, tmp_path / "scratch", tmp_path, out_dir=tmp_path / "out")


def test_a_refused_write_of_a_job_raises_naming_its_final_place(tmp_path, monkeypatch):
    config = _config(tmp_path)
    job = finding_job(Path("nb/01_x.ipynb"), set(), config.stage)
    result = JobResult(job, False, "x")
    monkeypatch.setattr(job_output, "atomic_write_text", refuse(errno.ENOSPC))
    with pytest.raises(RenderInfrastructureError) as raised:
        job_output._write(config, "01_x.html", "<html>", result)
    assert (
        str(raised.value) == f"{tmp_path / 'out' / '01_x.html'}: No space left on device (ENOSPC)"
    )
    assert job_output.take_infrastructure_error() is raised.value
    assert job_output.take_infrastructure_error() is None
    assert result.files == []


def test_other_write_errors_stay_the_jobs_own(tmp_path, monkeypatch):
    config = _config(tmp_path)
    result = JobResult(finding_job(Path("nb/01_x.ipynb"), set(), config.stage), False, "x")
    monkeypatch.setattr(job_output, "atomic_write_text", refuse(errno.ENAMETOOLONG))
    with pytest.raises(OSError) as raised:
        job_output._write(config, "01_x.html", "<html>", result)
    assert not isinstance(raised.value, RenderInfrastructureError)
    assert job_output.take_infrastructure_error() is None


def test_a_tracked_job_raises_the_disk_failure_its_worker_turned_into_a_result(
    tmp_path, monkeypatch
):
    config = _config(tmp_path)
    job = finding_job(Path("nb/01_x.ipynb"), set(), config.stage)
    marks = tmp_path / "running"
    marks.mkdir()
    seen_markers = []

    def run_job(index, job):  # what worker.execute_job does with any exception
        seen_markers.extend(p.name for p in marks.iterdir())
        result = JobResult(job, False, job.name)
        try:
            job_output._write(config, "01_x.html", "<html>", result)
        except Exception as exc:
            result.error = CellError(type(exc).__name__, str(exc))
        return result

    monkeypatch.setattr(respawn, "run_job", run_job)
    monkeypatch.setattr(job_output, "atomic_write_text", refuse(errno.EDQUOT))
    with pytest.raises(RenderInfrastructureError, match=r"01_x\.html: .* \(EDQUOT\)"):
        respawn.run_tracked(7, job, marks)
    assert seen_markers == [f"7.{os.getpid()}"] and list(marks.iterdir()) == []


def test_only_the_job_whose_worker_died_is_blamed(tmp_path):
    marks = tmp_path / respawn.RUNNING_DIR
    marks.mkdir()
    for name in ("3.101", "4.102", "5.103"):
        (marks / name).touch()
    # 101 was killed; 102 was stopped by the broken pool and exited cleanly; 103 is unknown.
    died = respawn.jobs_whose_worker_died(tmp_path, {101: -9, 102: 0})
    assert died == {3: "killed by SIGKILL", 5: "lost"}
    assert list(marks.iterdir()) == []


def _run_rounds(monkeypatch, rounds) -> list[JobResult]:
    """WorkerPool.run over 3 jobs where each round finishes ``done`` and the restart
    blames ``deaths``; later rounds finish everything."""
    jobs = [finding_job(Path(f"nb/0{i}_x.ipynb"), set(), Path("/s")) for i in range(3)]
    rounds = iter(rounds)

    def fake_round(self, jobs, todo, record):
        done, self.deaths = next(rounds, (set(todo), {}))
        for i in sorted(done):
            record(i, JobResult(jobs[i], True, jobs[i].name))
        return [i for i in todo if i not in done]

    monkeypatch.setattr(WorkerPool, "_round", fake_round)
    monkeypatch.setattr(WorkerPool, "_restart", lambda self, again: self.deaths)
    pool = WorkerPool(WorkerConfig(Path("/s"), Path("/s"), Path(".")), 2)
    try:
        return pool.run(jobs, progress=False)
    finally:
        shutil.rmtree(pool.scratch_root)


def test_a_job_is_retried_once_when_its_worker_dies_and_fails_the_second_time(monkeypatch):
    killed = {1: "killed by SIGKILL"}  # job 1's worker dies twice; job 2 is lost with it once
    ok, died, innocent = _run_rounds(monkeypatch, [({0}, killed), ({2}, killed)])
    assert ok.ok and innocent.ok and innocent.first_error is None
    assert not died.ok and died.error.ename == WORKER_DIED and died.attempts == 2
    assert "died again (killed by SIGKILL)" in died.error.evalue
    assert (
        died.first_error.describe()
        == f"{WORKER_DIED}: the worker process running it died (killed by SIGKILL)"
    )
    once = _run_rounds(monkeypatch, [({0, 2}, killed)])[1]
    assert once.ok and once.attempts == 2 and once.first_error.ename == WORKER_DIED


def test_workers_that_keep_dying_before_any_job_finishes_are_given_up(monkeypatch):
    results = _run_rounds(monkeypatch, [({0}, {})] + [(set(), {})] * 3)
    assert results[0].ok and [r.error.ename for r in results[1:]] == [WORKER_DIED] * 2
    assert "died 3 times in a row before finishing any job" in results[1].error.evalue
