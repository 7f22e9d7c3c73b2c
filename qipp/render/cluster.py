"""``qipp render --scheduler``: the batch on a Dask distributed cluster (decision 0034).

:class:`ClusterPool` stands where :class:`~qipp.render.batch.WorkerPool` stands
in :func:`qipp.render.pipeline.render_reports`, with the same ``run``: each job
becomes one Dask task (:mod:`qipp.render.cluster_worker`), its files come back
as bytes and are written here, into the run's staging folder, so staging,
publishing, the index and the render cache are those of a local run. Dask is
imported only here, and only when ``--scheduler`` is given.

Before any task, every worker is asked for its fingerprint: a worker that
cannot import qipp, or runs another qipp, lock file or ``data/`` than this
machine, fails the run (:class:`ClusterError`, exit 3) naming the worker. A
worker that dies mid-task has the task run again on another by Dask's
scheduler; a task whose workers keep dying fails alone. Ctrl-C cancels the
tasks and closes the client (and a ``local`` cluster's processes).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from qipp.atomic import atomic_write_bytes
from qipp.paths import PROJECT_ROOT
from qipp.render.cluster_tasks import (
    ClusterSettings,
    ClusterTask,
    ShippedFile,
    TaskOutput,
    file_parameters,
    root_relative,
)
from qipp.render.execute import CellError
from qipp.render.infra import RenderInfrastructureError, infrastructure_errors
from qipp.render.jobs import RenderJob
from qipp.render.progress import progress_bar
from qipp.render.worker_types import JobResult, WorkerConfig

LOCAL = "local"
# Deaths of a task's worker Dask forgives (the task then runs elsewhere); one more fails it.
ALLOWED_FAILURES = 1
# How long to wait for the scheduler to answer, and for a first worker to join it.
CONNECT_TIMEOUT_S = 30.0
INSTALL_HINT = (
    "install the project on every worker from the same commit (git clone, then `make venv`) "
    "and start the worker from that virtualenv"
)


class ClusterError(RenderInfrastructureError):
    """The cluster cannot render this run: no scheduler, no worker, or a worker unlike this machine."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(where, reason, None)


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise ClusterError(
            "--scheduler", f"dask.distributed is not installed ({exc}); `make venv` installs it"
        ) from None
    return distributed


def settings_for(config: WorkerConfig) -> ClusterSettings:
    """The run's settings as they travel to workers (folders relative to the project root)."""
    out_relative = root_relative(config.out_dir, PROJECT_ROOT) if config.out_dir else None
    return ClusterSettings(
        stage=str(config.stage),
        cwd_relative=root_relative(config.cwd, PROJECT_ROOT),
        out_relative=out_relative,
        kernel_name=config.kernel_name,
        cell_timeout_s=config.cell_timeout_s,
        notebook_timeout_s=config.notebook_timeout_s,
        show_code=config.show_code,
        stamp=config.stamp,
        executor=config.executor,
    )


class ClusterPool:
    """The workers of a Dask cluster, used as :class:`~qipp.render.batch.WorkerPool` is.

    Parameters
    ----------
    config : WorkerConfig
        The run's settings; files are written under its ``stage``.
    scheduler : str
        ``tcp://host:port`` of a running scheduler, or ``local`` for a
        ``LocalCluster`` of ``n_workers`` processes on this machine.
    n_workers : int
        Worker processes of a ``local`` cluster (ignored otherwise).
    """

    def __init__(self, config: WorkerConfig, scheduler: str, n_workers: int) -> None:
        self.config = config
        self.scheduler = scheduler
        self.n_workers = max(1, n_workers)
        self.client: Any = None
        self.cluster: Any = None
        self._futures: list[Any] = []

    def __enter__(self) -> ClusterPool:
        distributed = _import_distributed()
        try:
            self._connect(distributed)
            check_workers(self.client, self.scheduler)
        except BaseException:
            self._close()
            raise
        return self

    def _connect(self, distributed: Any) -> None:
        if self.scheduler == LOCAL:
            import dask

            # A notebook whose worker dies is run once more elsewhere, as a local run's is.
            with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
                self.cluster = distributed.LocalCluster(
                    n_workers=self.n_workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            self.client = distributed.Client(self.cluster, set_as_default=False)
            return
        try:
            self.client = distributed.Client(
                self.scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False
            )
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(
                self.scheduler,
                f"no Dask scheduler answered ({type(exc).__name__}: {exc}); start one with "
                "`dask scheduler`, or render on this machine without --scheduler "
                "(or with --scheduler local)",
            ) from None
        try:
            self.client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
        except TimeoutError:
            raise ClusterError(
                self.scheduler,
                f"no Dask worker joined within {CONNECT_TIMEOUT_S:.0f} s; start one with "
                f"`dask worker {self.scheduler} --nthreads 1`",
            ) from None

    def __exit__(self, kind: type | None, value: BaseException | None, tb: object) -> None:
        if kind is not None and self.client is not None and self._futures:
            self.client.cancel(self._futures, force=True)
        self._close()

    def _close(self) -> None:
        for closable in (self.client, self.cluster):
            if closable is not None:
                try:
                    closable.close()
                except Exception:  # closing must not hide why the run ended
                    logging.getLogger(__name__).debug("closing %r failed", closable)
        self.client = self.cluster = None

    def run(
        self,
        jobs: Sequence[RenderJob],
        *,
        progress: bool = True,
        on_result: Callable[[JobResult], None] | None = None,
    ) -> list[JobResult]:
        """Run ``jobs`` on the cluster; return one result per job, in job order."""
        from distributed import as_completed

        settings = settings_for(self.config)
        shipped = self._ship(jobs)
        by_future = {}
        for index, job in enumerate(jobs):
            files = {name: shipped[path] for name, path in file_parameters(job).items()}
            future = self.client.submit(
                _run_task,
                ClusterTask(index, job, settings),
                shipped[str(job.notebook)],
                files,
                pure=False,
                key=f"qipp-render-{job.key}-{index}",
            )
            by_future[future] = index
        self._futures = list(by_future)
        results: dict[int, JobResult] = {}
        with progress_bar(len(jobs), progress) as bar:
            for future in as_completed(by_future, loop=self.client.loop):
                index = by_future[future]
                result = self._collect(future, jobs[index])
                results[index] = result
                bar.record(result.ok)
                if on_result is not None:
                    on_result(result)
        return [results[i] for i in range(len(jobs))]

    def _ship(self, jobs: Sequence[RenderJob]) -> dict[str, Any]:
        """One small task per notebook and parameter file, holding its bytes; futures by path.

        Not ``Client.scatter``: scattered data has no recipe, so a worker that dies
        holding it takes it, and every task that needs it, down with it ("lost
        scattered data"). A task's result is recomputed elsewhere instead, and each
        worker fetches the bytes once, from a peer, for every task that reads them.
        """
        paths = {str(job.notebook) for job in jobs}
        paths |= {path for job in jobs for path in file_parameters(job).values()}
        with infrastructure_errors():
            files = {path: ShippedFile.read(Path(path), PROJECT_ROOT) for path in sorted(paths)}
        return {
            path: self.client.submit(
                _shipped, shipped, pure=False, key=f"qipp-file-{shipped.name}-{uuid.uuid4().hex}"
            )
            for path, shipped in files.items()
        }

    def _collect(self, future: Any, job: RenderJob) -> JobResult:
        """The job's result, its files written into the stage; a task's own error as a failure."""
        try:
            output: TaskOutput = future.result()
        except Exception as exc:
            return JobResult(job, ok=False, title=job.name, error=_task_error(exc))
        with infrastructure_errors():
            for name, data in output.files.items():
                atomic_write_bytes(self.config.stage / name, data)
        output.result.job = job
        return output.result


def _shipped(shipped: ShippedFile) -> ShippedFile:
    """A file's bytes as a task's result (see :meth:`ClusterPool._ship`)."""
    return shipped


def _run_task(
    task: ClusterTask, notebook: ShippedFile, files: dict[str, ShippedFile]
) -> TaskOutput:
    """The task Dask runs (a module-level function, pickled by reference)."""
    from qipp.render.cluster_worker import run_task

    return run_task(task, notebook, files)


def _task_error(exc: BaseException) -> CellError:
    """What a task that raised on the cluster tells its report's failure line."""
    name = type(exc).__name__
    if name == "KilledWorker":
        return CellError(
            "WorkerDiedError",
            "the Dask workers running this notebook died each time it was started "
            f"(Dask gave up: {exc})",
        )
    return CellError(name, str(exc) or name)


def check_workers(client: Any, scheduler: str) -> dict[str, dict[str, str]]:
    """Every worker's fingerprint, checked against this machine's; raise ClusterError if one differs."""
    from qipp.render.cluster_worker import worker_fingerprint

    mine = worker_fingerprint()
    theirs = client.run(worker_fingerprint, on_error="return")
    if not theirs:
        raise ClusterError(scheduler, "the scheduler has no workers")
    for address, value in sorted(theirs.items()):
        if isinstance(value, BaseException):
            raise ClusterError(
                f"{address} (a Dask worker)",
                f"cannot run qipp ({type(value).__name__}: {value}); {INSTALL_HINT}",
            )
        differ = [key for key in ("qipp", "code", "data", "python") if value.get(key) != mine[key]]
        if differ:
            what = {
                "qipp": "qipp version",
                "code": "qipp code or requirements.lock",
                "data": "data/",
                "python": "Python version",
            }
            raise ClusterError(
                f"{address} (a Dask worker)",
                f"its {', '.join(what[k] for k in differ)} differ from this machine's; "
                f"{INSTALL_HINT}",
            )
    return theirs
