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

On the first SIGINT or SIGTERM a worker kills its kernels (by their pid files)
and exits at once with status 0, whatever it was doing (starting, idle or in a
job): the parent, stopping too, discards the run's unfinished work, and neither
a traceback nor a polite kernel shutdown (which can hang) is wanted.

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
from qipp.render.kernels import kill_kernels
from qipp.render.leftovers import claim
from qipp.render.lifeline import die_with_parent, orphaned, release_stop_signals
from qipp.render.worker_types import JobResult, WorkerConfig

__all__ = [
    "JobResult",
    "WorkerConfig",
    "execute_job",
    "init_worker",
    "prepare_executor",
    "run_job",
    "warm_up",
]


_config: WorkerConfig | None = None
_executor: Executor | None = None
_parent_pid: int | None = None
# The job running now (its scratch folder holds a fresh kernel's pid file).
_job_index: int | None = None


def _on_signal(signum: int, frame: Any) -> None:
    """Kill this worker's kernels and exit at once (status 0: stopped, not died).

    The parent, stopping too (or gone), discards the run's unfinished work, so
    nothing this worker would do next matters; and a polite kernel shutdown
    after an interrupt can hang (a ZeroMQ context waiting on a socket the
    interrupt left open) far past the few seconds a Ctrl-C may take. A pool
    that broke stops its other workers with SIGTERM the same way.
    """
    _kill_kernels(everyone=_parent_pid is not None and orphaned(_parent_pid, os.getppid()))
    os._exit(0)


def _kill_kernels(everyone: bool = False) -> None:
    """Kill this worker's kernels by their pid files (or, ``everyone``, the whole run's:
    when the parent is gone, the other workers are orphans too). Never raises."""
    if _config is None:
        return
    with contextlib.suppress(Exception):
        if everyone:
            kill_kernels(_config.scratch_root)
            return
        kill_kernels(_config.kernel_dir())
        if _job_index is not None:
            kill_kernels(_config.scratch_root / f"j{_job_index}")


def init_worker(config: WorkerConfig) -> None:
    """Pool initializer: take over signals, remember the settings, import and build once."""
    global _config, _executor, _parent_pid
    parent = multiprocessing.parent_process()
    parent_pid = parent.pid if parent is not None and parent.pid is not None else os.getppid()
    _parent_pid, _config = parent_pid, config
    die_with_parent(parent_pid, on_orphaned=lambda: _kill_kernels(everyone=True))
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    # The parent may start workers with these held back: one sent meanwhile lands now.
    release_stop_signals()
    claim(config.scratch_root, parent_pid, only_if_unclaimed=True)
    _executor = EXECUTORS[config.executor]()
    # multiprocessing runs Finalize callbacks as a worker exits (forked workers skip
    # atexit), so an executor holding kernels between notebooks can release them.
    multiprocessing.util.Finalize(None, _executor.close, exitpriority=10)
    prepare_executor(config, _executor)


def prepare_executor(config: WorkerConfig, executor: Executor) -> None:
    """Paid once per worker, while the parent is still planning, not by the first job.

    Imports papermill, builds the HTML exporter and starts a warm executor's kernel.
    """
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
    global _job_index
    assert _config is not None and _executor is not None, "init_worker was not called"
    _job_index = index
    try:
        return execute_job(index, job, _config, _executor)
    finally:
        _job_index = None


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
