"""Run many jobs in a process pool with a progress bar, isolated failures and a clean Ctrl-C.

Each worker process executes one notebook at a time (see
:mod:`qipp.render.worker`); a notebook that raises becomes a failed
:class:`~qipp.render.worker_types.JobResult` and the others carry on.

On Ctrl-C (SIGINT to the whole process group) or SIGTERM to this process, the
parent passes the signal on to every worker, cancels what has not started,
waits a bounded time for workers to shut their kernels down, kills what is left
(kernels included, found by the pid files they left in the scratch folder) and
removes the scratch folder, then re-raises KeyboardInterrupt for the caller to
discard its stage.

A worker process that dies (``kill -9``, the OOM killer) breaks the pool: every
job not yet finished is then lost, the dead worker's and the others'. The pool
is rebuilt (the dead worker's kernels stopped) and the lost jobs resubmitted;
only the job that was running in the dead worker counts a death, and one whose
worker died twice fails with ``WorkerDiedError`` (:mod:`qipp.render.infra`).
A write the disk or folder refused raises
:class:`~qipp.render.infra.RenderInfrastructureError` at once, after stopping
the workers as for an interrupt.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType
from typing import Any, TypeAlias, cast

from qipp.render.execute import CellError
from qipp.render.infra import RenderInfrastructureError, infrastructure_error_in
from qipp.render.jobs import RenderJob
from qipp.render.kernels import kernel_pids, kill_kernel
from qipp.render.leftovers import new_scratch_dir
from qipp.render.lifeline import starting_workers
from qipp.render.pool_context import TrackedSpawnContext
from qipp.render.progress import progress_bar
from qipp.render.respawn import (
    MAX_FRUITLESS_RESTARTS,
    RUNNING_DIR,
    died_twice,
    first_death,
    given_up,
    jobs_whose_worker_died,
    reap,
    run_tracked,
)
from qipp.render.worker import init_worker, warm_up
from qipp.render.worker_types import JobResult, WorkerConfig

# How long workers get to shut their kernels down after an interrupt.
INTERRUPT_GRACE_S = 20.0


def default_jobs() -> int:
    """Number of CPUs this process may use (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# What signal.signal takes and returns (signal.Handlers members are ints).
_SignalHandler: TypeAlias = Callable[[int, FrameType | None], Any] | int | None


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


class WorkerPool:
    """A process pool of render workers, started early so their imports overlap planning.

    Use as a context manager: on leaving it normally the workers are shut down;
    on an exception (KeyboardInterrupt included) they and their kernels are
    stopped as the module docstring describes. SIGTERM to this process is
    turned into KeyboardInterrupt for the life of the pool.

    Parameters
    ----------
    config : WorkerConfig
        Shared settings; its ``scratch_root`` is replaced by a fresh folder.
    n_workers : int
        Processes to start (at least 1).
    """

    def __init__(self, config: WorkerConfig, n_workers: int) -> None:
        self.n_workers = max(1, n_workers)
        self.scratch_root = new_scratch_dir()
        self.config = replace(config, scratch_root=self.scratch_root)
        self._pool: ProcessPoolExecutor | None = None
        self._context = TrackedSpawnContext()
        self._previous_term: _SignalHandler = None

    def __enter__(self) -> WorkerPool:
        self._previous_term = signal.signal(signal.SIGTERM, _raise_interrupt)
        (self.scratch_root / RUNNING_DIR).mkdir()
        self._pool = self._start()
        return self

    def _start(self) -> ProcessPoolExecutor:
        # The context records the pool's processes (pool_context says why).
        self._context = TrackedSpawnContext()
        pool = ProcessPoolExecutor(
            max_workers=self.n_workers,
            # A spawn context by delegation (it forwards all but Process to one).
            mp_context=cast(BaseContext, self._context),
            initializer=init_worker,
            initargs=(self.config,),
        )
        # The first submit starts every worker; each imports papermill and nbconvert
        # in its initializer while the parent goes on planning. They start with
        # Ctrl-C and SIGTERM held, so a stop now is one quiet line, not a traceback
        # per half-imported worker; each releases them once its handlers are in place.
        with starting_workers():
            for _ in range(self.n_workers):
                pool.submit(warm_up)
        return pool

    def _restart(self, again: bool) -> dict[int, str]:
        """Shut a broken pool down and, if ``again``, start a new one.

        Returns the jobs whose worker died, with how it died.
        """
        exitcodes = reap(self.pool, self._context.processes, self.scratch_root)
        if again:
            self._pool = self._start()
        return jobs_whose_worker_died(self.scratch_root, exitcodes)

    @property
    def pool(self) -> ProcessPoolExecutor:
        """The process pool; there is one only inside the ``with`` block.

        Raises
        ------
        RuntimeError
            If used outside the ``with`` block.
        """
        if self._pool is None:
            raise RuntimeError("WorkerPool used outside its with block")
        return self._pool

    def __exit__(self, kind: type | None, value: BaseException | None, tb: object) -> None:
        try:
            if kind is None:
                self.pool.shutdown(wait=True)
            else:
                _stop(self.pool, self._context.processes, self.scratch_root)
        finally:
            signal.signal(signal.SIGTERM, self._previous_term)
            shutil.rmtree(self.scratch_root, ignore_errors=True)

    def run(
        self,
        jobs: Sequence[RenderJob],
        *,
        progress: bool = True,
        on_result: Callable[[JobResult], None] | None = None,
    ) -> list[JobResult]:
        """Run ``jobs``; return one result per job, in job order.

        Parameters
        ----------
        jobs : sequence of RenderJob
        progress : bool
            Show a tqdm bar (done / total / failed) on stderr.
        on_result : callable, optional
            Called in the parent with each result as it arrives.
        """
        results: dict[int, JobResult] = {}
        died: dict[int, CellError] = {}
        with progress_bar(len(jobs), progress) as bar:

            def record(index: int, result: JobResult) -> None:
                if index in died and result.first_error is None:
                    result.first_error, result.attempts = died[index], result.attempts + 1
                results[index] = result
                bar.record(result.ok)
                if on_result is not None:
                    on_result(result)

            todo, fruitless = list(range(len(jobs))), 0
            while todo:
                lost = self._round(jobs, todo, record)
                if not lost:
                    break
                fruitless = 0 if len(lost) < len(todo) else fruitless + 1
                deaths = self._restart(again=fruitless < MAX_FRUITLESS_RESTARTS)
                for index in lost:
                    how = deaths.get(index)
                    if fruitless >= MAX_FRUITLESS_RESTARTS:
                        record(index, given_up(jobs[index]))
                    elif how is not None and index in died:
                        record(index, died_twice(jobs[index], how, died[index]))
                    elif how is not None:
                        died[index] = first_death(how)
                todo = [i for i in lost if i not in results]
        return [results[i] for i in range(len(jobs))]

    def _round(
        self,
        jobs: Sequence[RenderJob],
        todo: Sequence[int],
        record: Callable[[int, JobResult], None],
    ) -> list[int]:
        """Submit ``todo`` to the current pool and record each result; return the jobs lost
        to a broken pool (a worker died).

        Raises
        ------
        RenderInfrastructureError
            A job's write was refused by the disk or folder.
        """
        marks = self.scratch_root / RUNNING_DIR
        futures: dict[Future, int] = {
            self.pool.submit(run_tracked, i, jobs[i], marks): i for i in todo
        }
        lost = []
        for future in as_completed(futures):
            index = futures[future]
            job = jobs[index]
            result = _result_of(future, job)
            if result is None:
                lost.append(index)
                continue
            infrastructure = infrastructure_error_in(
                result.error, self.config.stage, self.config.out_dir, f"a file {job.name} wrote"
            )
            if infrastructure is not None:
                raise infrastructure
            record(index, result)
        return lost


def run_batch(
    jobs: Sequence[RenderJob],
    config: WorkerConfig,
    n_workers: int,
    *,
    progress: bool = True,
    on_result: Callable[[JobResult], None] | None = None,
) -> list[JobResult]:
    """Run ``jobs`` in a fresh :class:`WorkerPool` of ``n_workers`` (capped at the job count).

    Raises
    ------
    KeyboardInterrupt
        After stopping the workers and their kernels, when interrupted.
    """
    if not jobs:
        return []
    with WorkerPool(config, min(n_workers, len(jobs))) as pool:
        return pool.run(jobs, progress=progress, on_result=on_result)


def _result_of(future: Future, job: RenderJob) -> JobResult | None:
    """The job's result, or None when a worker's death broke the pool before it finished.

    An interrupt or the environment's failure (a write refused) re-raises.
    """
    try:
        return future.result()
    except (KeyboardInterrupt, RenderInfrastructureError):
        raise
    except BrokenProcessPool:
        return None
    except CancelledError as exc:
        return JobResult(
            job,
            ok=False,
            title=job.name,
            error=CellError(type(exc).__name__, str(exc) or "the job was cancelled"),
        )
    except Exception as exc:  # e.g. a result that could not be sent back
        return JobResult(
            job, ok=False, title=job.name, error=CellError(type(exc).__name__, str(exc))
        )


def _stop(
    pool: ProcessPoolExecutor,
    processes: Sequence[BaseProcess],
    scratch_root: Path,
    grace_s: float = INTERRUPT_GRACE_S,
) -> None:
    """Stop workers and kernels after an interrupt; a second Ctrl-C is ignored meanwhile."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        for process in processes:
            # A worker that already had the terminal's SIGINT ignores this second one.
            if process.pid is not None:
                with _quietly():
                    os.kill(process.pid, signal.SIGINT)
        pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + grace_s
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
        for process in processes:
            if process.is_alive():
                process.kill()
                process.join(5)
        for pid, connection_file in kernel_pids(scratch_root):
            kill_kernel(pid, connection_file)
    finally:
        signal.signal(signal.SIGINT, previous)


class _quietly:
    """Ignore a process that has already gone."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, value: BaseException | None, tb: object) -> bool:
        return kind is not None and issubclass(kind, (ProcessLookupError, PermissionError))
