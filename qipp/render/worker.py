"""What one worker process does with one job: execute it, then write its files into the stage.

Runs inside the batch's process pool. Each worker holds one
:class:`~qipp.render.execute.Executor` for its life; a warm one starts its kernel
in the pool initializer, while the parent is still planning, and keeps it (files
under ``kernels-<pid>/`` in the run's scratch folder) for every job of the
worker. Everything a job writes (:mod:`qipp.render.job_output`) goes under the
run's staging folder (never straight into the reports), so a failed or
interrupted run cannot leave a half-written or half-updated report.
:class:`WorkerConfig` and :class:`JobResult` live in
:mod:`qipp.render.worker_types` and can still be imported from here.

On the first SIGINT or SIGTERM a worker falls silent (its stderr goes to
/dev/null: the parent reports the interruption, in one line) and raises
KeyboardInterrupt, which unwinds the kernel (nbclient shuts it down) and the
job, or the start of its kernel in the initializer; later signals are ignored
so the clean-up itself is not cut short, and any job still queued is refused.
An interrupted start-up prints no traceback: the worker stays to refuse its
jobs and exits when the pool says so.

A worker dies with its parent, whatever kills the parent, and its kernels with
it (:mod:`qipp.render.lifeline`). It records its parent as the owner of the
run's scratch folder (:mod:`qipp.render.leftovers`), so a run that starts after
a killed one removes that folder.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.util
import os
import shutil
import signal
import time
import traceback
from typing import Any

from qipp.render.execute import EXECUTORS, CellError, ExecutionRequest, Executor
from qipp.render.export import notebook_title
from qipp.render.job_output import write_failure, write_success
from qipp.render.jobs import KIND_IN_PLACE, RenderJob
from qipp.render.kernels import kernel_pids, kill_kernel
from qipp.render.leftovers import claim
from qipp.render.lifeline import die_with_parent, exit_status, orphaned, release_stop_signals
from qipp.render.worker_types import JobResult, WorkerConfig

__all__ = ["JobResult", "WorkerConfig", "execute_job", "init_worker", "run_job", "warm_up"]


_config: WorkerConfig | None = None
_executor: Executor | None = None
_interrupted = False
# Running a job or starting the kernel: an interrupt unwinds it at once.
_busy = False
_parent_pid: int | None = None


def _on_signal(signum: int, frame: Any) -> None:
    global _interrupted
    if _parent_pid is not None and orphaned(_parent_pid, os.getppid()):
        _abandon(exit_status(signum))  # nobody is left to wait for
    if _interrupted:
        return
    _interrupted = True
    # What the unwinding prints (a kernel "died", asyncio's orphaned tasks) is noise:
    # the parent says, in one line, that the run was interrupted.
    _silence_stderr()
    # An idle worker just remembers; it refuses its next job and exits when told.
    if _busy:
        raise KeyboardInterrupt


def _silence_stderr() -> None:
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)


def _kill_kernels() -> None:
    """The parent is gone: kill the run's kernels by their pid files (no kernel protocol:
    it may hang). The other workers are orphans too, so theirs go as well."""
    if _config is not None:
        for pid, connection_file in kernel_pids(_config.scratch_root):
            kill_kernel(pid, connection_file)


def _abandon(status: int) -> None:
    """The parent is gone: kill the kernels and exit now, running nothing else."""
    _kill_kernels()
    os._exit(status)


def init_worker(config: WorkerConfig) -> None:
    """Pool initializer: take over signals, remember the settings, import and build once."""
    global _config, _executor, _parent_pid, _busy
    parent = multiprocessing.parent_process()
    parent_pid = parent.pid if parent is not None and parent.pid is not None else os.getppid()
    _parent_pid, _config = parent_pid, config
    die_with_parent(parent_pid, on_orphaned=_kill_kernels)
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    # The parent may start workers with these held back: one sent meanwhile lands now.
    release_stop_signals()
    claim(config.scratch_root, parent_pid, only_if_unclaimed=True)
    _executor = EXECUTORS[config.executor]()
    # multiprocessing runs Finalize callbacks as a worker exits (forked workers skip
    # atexit), so an executor holding kernels between notebooks can release them.
    multiprocessing.util.Finalize(None, _executor.close, exitpriority=10)
    _busy = True
    try:
        if not _interrupted:
            _prepare(config, _executor)
    except KeyboardInterrupt:
        # Interrupted while starting: no traceback (the pool would print one), no
        # kernel left running; the jobs sent to this worker are refused.
        _executor.close()
    finally:
        _busy = False


def _prepare(config: WorkerConfig, executor: Executor) -> None:
    """Paid once per worker, while the parent is still planning, not by the first job."""
    import papermill  # noqa: F401

    from qipp.render.export import _exporter

    _exporter(config.show_code, False)
    start = getattr(executor, "start", None)
    if start is not None:  # a warm kernel, started and warmed up now
        kernel_dir = config.kernel_dir()
        kernel_dir.mkdir(parents=True, exist_ok=True)
        start(config.kernel_name, config.cwd, kernel_dir)


def warm_up() -> None:
    """A no-op task: submitting one makes the pool start its workers now."""


def run_job(index: int, job: RenderJob) -> JobResult:
    """Run one job with the worker's executor; see :func:`execute_job`."""
    global _busy
    if _interrupted:
        raise KeyboardInterrupt
    assert _config is not None and _executor is not None, "init_worker was not called"
    _busy = True
    try:
        return execute_job(index, job, _config, _executor)
    finally:
        _busy = False


def execute_job(index: int, job: RenderJob, config: WorkerConfig, executor: Executor) -> JobResult:
    """Execute ``job`` and write its files under ``config.stage``.

    Parameters
    ----------
    index : int
        Position of the job in the run (names its scratch folder).
    job : RenderJob
    config : WorkerConfig
    executor : Executor

    Returns
    -------
    JobResult
        Never raises for a notebook's own failure; KeyboardInterrupt passes through.
    """
    started = time.monotonic()
    scratch = config.scratch_root / f"j{index}"
    scratch.mkdir(parents=True, exist_ok=True)
    kernel_dir = config.kernel_dir()
    kernel_dir.mkdir(parents=True, exist_ok=True)
    try:
        outcome = executor.execute(
            ExecutionRequest(
                job.notebook,
                job.parameters,
                config.cwd,
                scratch,
                config.kernel_name,
                config.cell_timeout_s,
                config.notebook_timeout_s,
                kernel_dir,
            )
        )
        notebook = outcome.notebook
        title = notebook_title(notebook, job.name) if notebook is not None else job.name
        result = JobResult(
            job,
            ok=False,
            title=title,
            error=outcome.error,
            timings=dict(outcome.timings),
            attempts=outcome.attempts,
            first_error=outcome.first_error,
        )
        if outcome.ok:
            write_success(job, notebook, title, config, result)
        if not result.ok and notebook is not None and job.kind != KIND_IN_PLACE:
            write_failure(job, notebook, title, config, result)
    except Exception as exc:  # a bug or an unreadable notebook must not stop the batch
        result = JobResult(
            job,
            ok=False,
            title=job.name,
            error=CellError(
                type(exc).__name__,
                str(exc),
                traceback=tuple(traceback.format_exception(type(exc), exc, exc.__traceback__)),
            ),
        )
    # Not in a finally: after an interrupt the scratch folder keeps the kernel's pid
    # file, so the parent can stop a kernel this worker could not.
    shutil.rmtree(scratch, ignore_errors=True)
    result.duration_s = time.monotonic() - started
    return result
