"""Worker processes that die: which job each was running, their clean-up, the job's failure.

A worker killed outright (``kill -9``, the OOM killer) breaks the whole process
pool: every job not yet finished fails with ``BrokenProcessPool``, whichever
worker it was in, and the pool stops the other workers. :mod:`qipp.render.batch`
then rebuilds the pool and resubmits those jobs. To tell the job whose worker
died from those merely stopped with it, each job leaves a marker file
``<job index>.<worker pid>`` in the run's scratch folder while it runs
(:func:`run_tracked`): a stopped worker unwinds its job, removes the marker and
exits 0; a killed one leaves its marker and a non-zero exit code.

Examples
--------
>>> death_of(-9), death_of(1), death_of(None)
('killed by SIGKILL', 'exited with status 1', 'lost')
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.process import BaseProcess
from pathlib import Path

from qipp.render.execute import CellError
from qipp.render.infra import WORKER_DIED
from qipp.render.job_output import take_infrastructure_error
from qipp.render.jobs import RenderJob
from qipp.render.kernels import kernel_pids, kill_kernel
from qipp.render.worker import run_job
from qipp.render.worker_types import JobResult

# Beside the jobs' scratch folders: a marker file per running job.
RUNNING_DIR = "running"
# Pool rebuilds in a row that finish no job before the workers are given up.
MAX_FRUITLESS_RESTARTS = 3
# How long the workers of a broken pool get to unwind their jobs and kernels.
STOP_GRACE_S = 20.0


def run_tracked(index: int, job: RenderJob, marks: Path) -> JobResult:
    """In a worker: :func:`~qipp.render.worker.run_job`, with a marker file while it runs.

    A write the disk or folder refused is raised here as a
    :class:`~qipp.render.infra.RenderInfrastructureError` (which aborts the
    run), not returned as the notebook's failure.
    """
    take_infrastructure_error()
    marker = marks / f"{index}.{os.getpid()}"
    with contextlib.suppress(OSError):  # the marker only helps name a job whose worker died
        marker.touch()
    try:
        result = run_job(index, job)
    finally:
        with contextlib.suppress(OSError):
            marker.unlink(missing_ok=True)
    error = take_infrastructure_error()
    if error is not None:
        raise error
    return result


def reap(
    pool: ProcessPoolExecutor,
    processes: Sequence[BaseProcess],
    scratch_root: Path,
    grace_s: float = STOP_GRACE_S,
) -> dict:
    """Shut a broken pool down for good; return each old worker's exit code by pid.

    The pool has already told its live workers to stop; any still running
    after ``grace_s`` is killed. Then every kernel they left is killed (a
    killed worker never shuts its kernel down) and their scratch folders
    removed, so the workers of the next pool start clean.
    """
    deadline = time.monotonic() + grace_s
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join(5)
    pool.shutdown(wait=True)
    for pid, connection_file in kernel_pids(scratch_root):
        kill_kernel(pid, connection_file)
    for folder in scratch_root.iterdir():  # jobs' and workers' folders; files are the run's
        if folder.is_dir() and folder.name != RUNNING_DIR:
            shutil.rmtree(folder, ignore_errors=True)
    return {process.pid: process.exitcode for process in processes}


def jobs_whose_worker_died(scratch_root: Path, exitcodes: dict) -> dict[int, str]:
    """Job index -> how its worker died, for the markers a dead worker left; all cleared."""
    died = {}
    for marker in (scratch_root / RUNNING_DIR).iterdir():
        index, _, pid = marker.name.partition(".")
        code = exitcodes.get(int(pid)) if pid.isdigit() else None
        # A worker the broken pool stopped unwound its job (and marker) and exited 0.
        if index.isdigit() and code != 0:
            died[int(index)] = death_of(code)
        marker.unlink(missing_ok=True)
    return died


def death_of(exitcode: int | None) -> str:
    """How a worker process ended, in words (see the module example)."""
    if exitcode is None:
        return "lost"
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exited with status {exitcode}"


def first_death(how: str) -> CellError:
    """Why a job was run again: its worker died (``how``) while running it."""
    return CellError(WORKER_DIED, f"the worker process running it died ({how})")


def died_twice(job: RenderJob, how: str, first: CellError | None) -> JobResult:
    """The failure of a job whose worker died twice: the machine's, not the notebook's."""
    return JobResult(
        job,
        ok=False,
        title=job.name,
        error=CellError(
            WORKER_DIED,
            f"the worker process running it died again ({how}), a failure of the machine, "
            "not of the notebook; nothing of it was published and its earlier report, "
            "if any, is kept",
        ),
        attempts=2,
        first_error=first,
    )


def given_up(job: RenderJob) -> JobResult:
    """The failure of a job left when new workers keep dying before finishing any job."""
    return JobResult(
        job,
        ok=False,
        title=job.name,
        error=CellError(
            WORKER_DIED,
            f"the worker processes died {MAX_FRUITLESS_RESTARTS} times in a row before "
            "finishing any job (can they start a kernel?); nothing of it was published "
            "and its earlier report, if any, is kept",
        ),
    )
