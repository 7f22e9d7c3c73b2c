"""A worker's side of infrastructure failure: refused writes of a job, workers that die.

No process starts: a job's outputs are written in this process (the notebook's
execution replaced by a stand-in), and the local executor's retries run over a
stand-in for its rounds. The real pool is exercised in
tests/integration/test_render_infra_faults.py.
"""

from __future__ import annotations

import errno
import json
import os
import pickle
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import qipp.render.site.outputs as outputs
from qipp.render.errors import EXIT_ENVIRONMENT, WORKER_DIED, RenderInfrastructureError
from qipp.render.plan.jobs import CellError, JobResult, RunSettings, finding_job
from qipp.render.run import notebook as run_notebook
from qipp.render.run.executor import checked, execute_job
from qipp.render.run.local import LocalExecutor
from qipp.render.site.outputs import write_failure, write_success


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


def _settings(tmp_path: Path) -> RunSettings:
    stage = tmp_path / "out" / ".qipp-tmp-stage-x"
    stage.mkdir(parents=True)
    return RunSettings(stage, tmp_path, tmp_path / "kernels", out_dir=tmp_path / "out")


def _executed() -> object:
    """A notebook as papermill returns it, built by hand."""
    cell = new_code_cell("x = 1", execution_count=1)
    return new_notebook(cells=[new_markdown_cell("# Finding 1: X"), cell])


@pytest.mark.parametrize(
    ("write", "code", "published"),
    [(write_success, errno.ENOSPC, "01_x.html"), (write_failure, errno.EROFS, "failed/01_x.ipynb")],
    ids=["success-ENOSPC", "failure-EROFS"],
)
def test_a_refused_write_of_a_job_raises_naming_its_final_place(
    tmp_path, monkeypatch, write, code, published
):
    settings = _settings(tmp_path)
    job = finding_job(Path("nb/01_x.ipynb"), set(), settings.stage)
    result = JobResult(job, False, "Finding 1: X")
    monkeypatch.setattr(outputs, "atomic_write_text", refuse(code))
    with pytest.raises(RenderInfrastructureError) as raised:
        write(job, _executed(), settings, result)
    name = errno.errorcode[code]
    assert str(raised.value) == f"{tmp_path / 'out' / published}: {os.strerror(code)} ({name})"
    assert raised.value.errno == code
    assert result.files == [] and not result.ok


def test_a_refused_rewrite_of_the_findings_names_their_final_place(tmp_path, monkeypatch):
    settings = _settings(tmp_path)
    job = finding_job(Path("nb/01_x.ipynb"), {"findings_path"}, settings.stage)
    staged = job.parameters["findings_path"]
    record = {"notebook": "01_x", "parameters": {"findings_path": staged}, "verdict": "v"}
    (settings.stage / "findings").mkdir()
    Path(staged).write_text(json.dumps({**record, "reproduced": True}), encoding="utf-8")
    monkeypatch.setattr(outputs, "atomic_write_text", refuse(errno.EDQUOT))
    with pytest.raises(RenderInfrastructureError, match=r"/out/findings/01_x\.json: .*\(EDQUOT\)"):
        write_success(job, _executed(), settings, JobResult(job, False, "x"))


def test_other_write_errors_stay_the_jobs_own(tmp_path, monkeypatch):
    settings = _settings(tmp_path)
    job = finding_job(Path("nb/01_x.ipynb"), set(), settings.stage)
    monkeypatch.setattr(outputs, "atomic_write_text", refuse(errno.ENAMETOOLONG))
    with pytest.raises(OSError) as raised:
        write_success(job, _executed(), settings, JobResult(job, False, "x"))
    assert not isinstance(raised.value, RenderInfrastructureError)


def _execute(tmp_path: Path, monkeypatch, code: int) -> tuple[RunSettings, object]:
    """A job whose notebook ran to the end (no kernel: a stand-in), its writes refused with ``code``."""
    settings = _settings(tmp_path)
    job = finding_job(tmp_path / "nb" / "01_x.ipynb", set(), settings.stage)
    monkeypatch.setattr(run_notebook, "execute", lambda request: run_notebook.Outcome(_executed()))
    monkeypatch.setattr(outputs, "atomic_write_text", refuse(code))
    return settings, job


def test_a_full_disk_while_writing_a_job_stops_the_run(tmp_path, monkeypatch):
    settings, job = _execute(tmp_path, monkeypatch, errno.ENOSPC)
    with pytest.raises(RenderInfrastructureError, match=r"/out/01_x\.html: .*\(ENOSPC\)"):
        execute_job(job, settings)


def test_a_write_error_of_the_jobs_own_fails_the_job_not_the_run(tmp_path, monkeypatch):
    settings, job = _execute(tmp_path, monkeypatch, errno.ENAMETOOLONG)
    result = execute_job(job, settings)
    assert not result.ok and result.files == []
    assert (
        result.error.ename == "OSError" and os.strerror(errno.ENAMETOOLONG) in result.error.evalue
    )


def test_a_cell_that_filled_the_disk_in_the_stage_stops_the_run_naming_the_final_file(tmp_path):
    settings = _settings(tmp_path)
    job = finding_job(Path("nb/01_x.ipynb"), set(), settings.stage)
    full = CellError(
        "OSError", f"[Errno 28] No space left on device: '{settings.stage}/findings/01_x.json'"
    )
    with pytest.raises(RenderInfrastructureError) as raised:
        checked(JobResult(job, False, "x", error=full), settings)
    assert raised.value.path == str(tmp_path / "out" / "findings" / "01_x.json")
    own = CellError("PermissionError", "[Errno 13] Permission denied: '/data/x.csv'")
    result = JobResult(job, False, "x", error=own)
    assert checked(result, settings) is result  # the notebook's own fault: it fails alone


# ----------------------------------------------------------------------------- workers that die


def _run_rounds(monkeypatch, rounds) -> tuple[list[JobResult], list[list[int]]]:
    """LocalExecutor.run over 3 jobs where each round finishes ``done`` and loses ``lost``
    (in flight when a worker died); later rounds finish everything. Returns the
    results and each round's jobs."""
    jobs = [finding_job(Path(f"nb/0{i}_x.ipynb"), set(), Path("/s")) for i in range(3)]
    rounds, seen = iter(rounds), []

    def fake_round(self, jobs, todo):
        seen.append(list(todo))
        done, lost = next(rounds, (set(todo), set()))
        return sorted(lost), {i: JobResult(jobs[i], True, jobs[i].name) for i in sorted(done)}

    monkeypatch.setattr(LocalExecutor, "_round", fake_round)
    monkeypatch.setattr(LocalExecutor, "_kill", lambda self: None)
    monkeypatch.setattr(LocalExecutor, "_start", lambda self: None)
    executor = LocalExecutor(RunSettings(Path("/s"), Path("/s"), Path("/s")), 2)
    return executor.run(jobs, progress=False), seen


def test_a_job_whose_worker_dies_runs_again_then_alone_and_then_fails_as_the_machines(
    monkeypatch,
):
    # Job 1's worker dies every time; job 2 is lost with it once.
    results, seen = _run_rounds(monkeypatch, [({0}, {1, 2}), ({2}, {1}), (set(), {1})])
    ok, died, innocent = results
    assert seen == [[0, 1, 2], [1, 2], [1]]  # the third time, job 1 ran alone
    assert ok.ok and ok.attempts == 1 and ok.first_error is None
    assert innocent.ok and innocent.attempts == 2 and innocent.first_error.ename == WORKER_DIED
    assert not died.ok and died.error.ename == WORKER_DIED and died.attempts == 3
    assert "died again when it ran alone" in died.error.evalue
    assert died.first_error.describe() == f"{WORKER_DIED}: the worker process running it died"


def test_a_job_that_survives_alone_renders(monkeypatch):
    results, seen = _run_rounds(monkeypatch, [(set(), {0, 1, 2}), ({0, 2}, {1})])
    assert seen == [[0, 1, 2], [0, 1, 2], [1]]
    assert all(r.ok for r in results) and [r.attempts for r in results] == [2, 3, 2]


def test_workers_that_always_die_fail_every_job_one_alone_at_a_time(monkeypatch):
    always = [(set(), {0, 1, 2}), (set(), {0, 1, 2}), (set(), {0}), (set(), {1}), (set(), {2})]
    results, seen = _run_rounds(monkeypatch, always)
    assert seen == [[0, 1, 2], [0, 1, 2], [0], [1], [2]]
    assert [r.error.ename for r in results] == [WORKER_DIED] * 3
