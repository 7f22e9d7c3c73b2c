"""``qipp render --scheduler``: the batch on a Dask distributed cluster (decision 0034).

:class:`DaskExecutor` is an :class:`~qipp.render.run.executor.Executor`: each job
becomes one Dask task (:mod:`qipp.render.run.dask_worker`) whose files come back
as bytes and are written here, into the run's stage, so staging, publishing, the
index and the render cache are those of a local run. Dask is imported only here,
and only with ``--scheduler``; ``--scheduler local`` starts a ``LocalCluster`` of
``--jobs`` processes on this machine.

Before any task, every worker's fingerprint is checked: one that cannot import
qipp, or runs another qipp, lock file, ``data/`` or Python than this machine,
stops the run (:class:`ClusterError`, exit 3) naming the worker. Dask runs a
dead worker's task again elsewhere; a task whose workers keep dying fails
alone. A scheduler lost mid-run is the machine's fault: one line, exit 3, and
the reports stay as they were.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qipp.atomic import atomic_write_bytes
from qipp.paths import PROJECT_ROOT
from qipp.render.errors import WORKER_DIED, RenderInfrastructureError, infrastructure_errors
from qipp.render.plan.jobs import CellError, JobResult, RenderJob, RunSettings
from qipp.render.run.dask_worker import (
    ShippedFile,
    TaskOutput,
    file_parameters,
    run_task,
    worker_fingerprint,
)
from qipp.render.run.executor import Progress, checked

LOCAL = "local"
# Deaths of a task's worker Dask forgives (the task then runs elsewhere); one more fails it.
ALLOWED_FAILURES = 1
INSTALL_HINT = (
    "install the project on every worker from the same commit (git clone, then `make venv`) "
    "and start the worker from that virtualenv"
)
FINGERPRINT_WORDS = {
    "qipp": "qipp version",
    "code": "qipp code or requirements.lock",
    "data": "data/",
    "python": "Python version",
}


class ClusterError(RenderInfrastructureError):
    """The cluster cannot render this run: no scheduler, no worker, a worker unlike this
    machine, or a scheduler lost mid-run."""


class DaskExecutor:
    """The workers of a Dask cluster at ``scheduler`` (``tcp://host:port`` or ``local``)."""

    def __init__(self, settings: RunSettings, scheduler: str, n_workers: int) -> None:
        self.settings, self.scheduler, self.n_workers = settings, scheduler, max(1, n_workers)
        self.client: Any = None
        self.cluster: Any = None
        self._futures: list[Any] = []

    def __enter__(self) -> DaskExecutor:
        try:
            import distributed  # optional (the cluster extra), and only with --scheduler
        except ImportError as exc:
            raise ClusterError(
                "--scheduler", f"Dask is not installed ({exc}); `make venv` installs it"
            ) from None
        # Dask logs, with tracebacks, what this executor reports in one line: quiet while it runs.
        logging.disable(logging.CRITICAL)
        try:
            self._connect(distributed)
            check_workers(self.client, self.scheduler)
        except BaseException:
            self._close()
            raise
        return self

    def _connect(self, distributed: Any) -> None:
        if self.scheduler == LOCAL:
            import dask  # installed with distributed (see __enter__)

            with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
                self.cluster = distributed.LocalCluster(
                    n_workers=self.n_workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.CRITICAL,
                )
            self.client = distributed.Client(self.cluster, set_as_default=False)
            return
        # How long to wait for the scheduler, and for a first worker: Dask's own setting.
        timeout = dask_timeout("distributed.comm.timeouts.connect")
        try:
            self.client = distributed.Client(self.scheduler, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(
                self.scheduler,
                f"no Dask scheduler answered ({type(exc).__name__}: {exc}); start one with "
                "`dask scheduler`, or render on this machine without --scheduler",
            ) from None
        try:
            self.client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            raise ClusterError(
                self.scheduler,
                f"no Dask worker joined within {timeout:.0f} s; start one with "
                f"`dask worker {self.scheduler} --nthreads 1`",
            ) from None

    def __exit__(self, kind: type | None, value: BaseException | None, tb: object) -> None:
        if kind is not None and self._futures and self.client.status == "running":
            self.client.cancel(self._futures, force=True)
        self._close()

    def _close(self) -> None:
        for closable in (self.client, self.cluster):
            try:
                if closable is not None:
                    closable.close(timeout=10)
            except Exception:  # closing must not hide why the run ended
                pass
        self.client = self.cluster = None
        logging.disable(logging.NOTSET)

    def run(self, jobs: Sequence[RenderJob], *, progress: bool = True) -> list[JobResult]:
        """One result per job, in job order."""
        from distributed import as_completed  # optional: see __enter__

        shipped = self._ship(jobs)
        by_future = {}
        for index, job in enumerate(jobs):
            files = {name: shipped[path] for name, path in file_parameters(job).items()}
            future = self.client.submit(
                run_task,
                job,
                self.settings,
                str(PROJECT_ROOT),
                shipped[str(job.notebook)],
                files,
                pure=False,
                key=f"qipp-render-{job.key}-{index}",
            )
            by_future[future] = index
        self._futures = list(by_future)
        results: dict[int, JobResult] = {}
        with Progress(len(jobs), progress) as bar:
            for future in as_completed(by_future, loop=self.client.loop):
                index = by_future[future]
                results[index] = checked(self._collect(future, jobs[index]), self.settings)
                bar.record(results[index].ok)
        return [results[i] for i in range(len(jobs))]

    def _ship(self, jobs: Sequence[RenderJob]) -> dict[str, Any]:
        """One small task per notebook and parameter file, holding its bytes; futures by path.

        Not ``Client.scatter``: scattered data dies with the worker holding it, and
        cancels every task that needs it. A task's result is recomputed elsewhere.
        """
        paths = {str(job.notebook) for job in jobs}
        paths |= {path for job in jobs for path in file_parameters(job).values()}
        with infrastructure_errors():
            files = {path: ShippedFile.read(Path(path)) for path in sorted(paths)}
        return {
            path: self.client.submit(
                _shipped, file, pure=False, key=f"qipp-file-{file.name}-{uuid.uuid4().hex}"
            )
            for path, file in files.items()
        }

    def _collect(self, future: Any, job: RenderJob) -> JobResult:
        """The job's result, its files written into the stage; a task's own error as a failure."""
        try:
            output: TaskOutput = future.result()
        except Exception as exc:
            if getattr(exc, "reason", None) == "scheduler-connection-lost":
                raise ClusterError(
                    self.scheduler,
                    "the connection to the Dask scheduler was lost mid-run (is it still "
                    "running?); re-run when it is back, or render on this machine",
                ) from None
            return JobResult(job, False, job.name, error=_task_error(exc))
        with infrastructure_errors():
            for name, data in output.files.items():
                atomic_write_bytes(self.settings.stage / name, data)
        output.result.job = job
        return output.result


def dask_timeout(key: str) -> float:
    """A timeout of Dask's configuration, in seconds (``DASK_DISTRIBUTED__...`` sets it)."""
    import dask  # optional: see DaskExecutor.__enter__

    return float(dask.utils.parse_timedelta(dask.config.get(key), default="s"))


def _shipped(file: ShippedFile) -> ShippedFile:
    """A file's bytes as a task's result (see :meth:`DaskExecutor._ship`)."""
    return file


def _task_error(exc: BaseException) -> CellError:
    """What a task that raised on the cluster tells its report's failure line."""
    if type(exc).__name__ == "KilledWorker":
        return CellError(
            WORKER_DIED,
            "the Dask workers running this notebook died each time it was started "
            f"(Dask gave up: {exc})",
        )
    return CellError(type(exc).__name__, str(exc) or type(exc).__name__)


def check_workers(client: Any, scheduler: str) -> dict[str, dict[str, str]]:
    """Every worker's fingerprint, checked against this machine's; ClusterError if one differs."""
    mine = worker_fingerprint()
    theirs = client.run(worker_fingerprint, on_error="return")
    if not theirs:
        raise ClusterError(scheduler, "the scheduler has no workers")
    for address, value in sorted(theirs.items()):
        where = f"{address} (a Dask worker)"
        if isinstance(value, BaseException):
            raise ClusterError(
                where, f"cannot run qipp ({type(value).__name__}: {value}); {INSTALL_HINT}"
            )
        differ = [
            FINGERPRINT_WORDS[key] for key in FINGERPRINT_WORDS if value.get(key) != mine[key]
        ]
        if differ:
            raise ClusterError(
                where, f"its {', '.join(differ)} differ from this machine's; {INSTALL_HINT}"
            )
    return theirs
