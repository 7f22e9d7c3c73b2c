"""This machine's executor: a standard-library process pool, one warm kernel per worker.

Workers are ``spawn``ed by a :class:`~concurrent.futures.ProcessPoolExecutor` whose
initializer starts each one's kernel while the parent plans. One job per worker is
in flight, so a broken pool's jobs are known. All the fault handling is here:

- A worker that dies (``kill -9``, the OOM killer) breaks the pool and the jobs in
  flight. The pool is rebuilt and each of them runs again. A job in flight at two
  breaks then runs alone; if it breaks the pool alone, it fails as the machine's
  fault (``WorkerDiedError``: its earlier report is kept).
- Stopping (Ctrl-C, SIGTERM, an error) kills the workers; their kernels die with
  them (:mod:`qipp.render.run.lifeline`). Workers ignore the Ctrl-C a terminal
  sends them, so only the parent decides; they start with it blocked until then.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import resource_tracker

from qipp.render.errors import WORKER_DIED, RenderInfrastructureError
from qipp.render.plan.jobs import CellError, JobResult, RenderJob, RunSettings
from qipp.render.run.executor import Progress, checked, execute_job, start_worker
from qipp.render.run.lifeline import die_with_parent
from qipp.render.site.stage import signals_held


def _init_worker(settings: RunSettings, parent_pid: int) -> None:
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    start_worker(settings)


# Why a job ran again, and why one that broke the pool alone failed.
DIED = CellError(WORKER_DIED, "the worker process running it died")
DIED_ALONE = CellError(
    WORKER_DIED,
    "the worker process running it died again when it ran alone: a failure of the machine, "
    "not of the notebook; its earlier report, if any, is kept",
)


class LocalExecutor:
    """``n_workers`` processes on this machine; see the module docstring."""

    def __init__(self, settings: RunSettings, n_workers: int) -> None:
        self.settings, self.n_workers = settings, max(1, n_workers)
        self._pool: ProcessPoolExecutor | None = None
        self._workers: list[multiprocessing.process.BaseProcess] = []

    def __enter__(self) -> LocalExecutor:
        try:
            self._start()
        except BaseException:
            self._kill()
            raise
        return self

    def _start(self) -> None:
        # The tracker unblocks both signals in this thread when it starts: start it first.
        resource_tracker.ensure_running()
        before = set(multiprocessing.active_children())
        with signals_held():  # workers inherit the block
            self._pool = ProcessPoolExecutor(
                self.n_workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.settings, os.getpid()),
            )
            for _ in range(self.n_workers):  # each submit starts a worker, now
                self._pool.submit(int)
            self._workers = [p for p in multiprocessing.active_children() if p not in before]

    def _kill(self) -> None:
        for process in self._workers:
            process.kill()
        if self._pool is not None:  # and waits for the processes to end
            self._pool.shutdown(wait=True, cancel_futures=True)

    def __exit__(self, kind: type | None, value: BaseException | None, tb: object) -> None:
        if kind is None and self._pool is not None:
            self._pool.shutdown(wait=True)
        else:
            self._kill()

    def run(self, jobs: Sequence[RenderJob], *, progress: bool = True) -> list[JobResult]:
        """One result per job, in job order (see the module docstring)."""
        results: dict[int, JobResult] = {}
        breaks: Counter[int] = Counter()
        with Progress(len(jobs), progress) as bar:
            todo = list(range(len(jobs)))
            while todo:
                alone = [i for i in todo if breaks[i] >= 2][:1]
                lost, done = self._round(jobs, alone or todo)
                for i, result in done.items():
                    if breaks[i]:  # it ran again after its worker died
                        result.attempts += breaks[i]
                        result.first_error = result.first_error or DIED
                    results[i] = checked(result, self.settings)
                    bar.record(result.ok)
                if lost:
                    self._kill()
                    self._start()
                for i in lost:
                    breaks[i] += 1
                    if alone:
                        results[i] = JobResult(jobs[i], False, jobs[i].name, error=DIED_ALONE)
                        results[i].attempts, results[i].first_error = breaks[i], DIED
                        bar.record(False)
                todo = [i for i in todo if i not in results]
        return [results[i] for i in range(len(jobs))]

    def _round(self, jobs: Sequence[RenderJob], todo: list[int]) -> tuple[list[int], dict]:
        """Run ``todo``, one job per worker in flight. Return the jobs in flight when the
        pool broke (none if it did not) and the results that came back."""
        assert self._pool is not None, "used outside its with block"
        waiting, running, done = list(todo), dict[Future, int](), dict[int, JobResult]()
        while waiting or running:
            try:
                while waiting and len(running) < self.n_workers:
                    future = self._pool.submit(execute_job, jobs[waiting[0]], self.settings)
                    running[future] = waiting.pop(0)
            except BrokenProcessPool:
                return list(running.values()), done
            finished = wait(running, return_when=FIRST_COMPLETED).done
            # A broken pool fails every job in flight at once.
            if any(isinstance(f.exception(), BrokenProcessPool) for f in finished):
                return list(running.values()), done
            for future in finished:
                index = running.pop(future)
                done[index] = _result(future, jobs[index])
        return [], done


def _result(future: Future, job: RenderJob) -> JobResult:
    """The job's result; an error in sending it back is the job's failure."""
    try:
        return future.result()
    except RenderInfrastructureError:
        raise
    except Exception as exc:  # e.g. a result that could not be sent back
        return JobResult(job, False, job.name, error=CellError(type(exc).__name__, str(exc)))
