"""The one executor interface, and what a worker does with one job, locally or on a cluster.

An :class:`Executor` runs a batch of jobs and returns one result per job, in job
order. There are two: this machine's process pool
(:class:`~qipp.render.run.local.LocalExecutor`) and a Dask cluster's workers
(:class:`~qipp.render.run.dask.DaskExecutor`). Both hand each job to
:func:`execute_job` in a worker process that keeps one warm kernel for the
project's own notebooks (trusted: they are tested in a warm kernel against a
fresh one) and gives any other notebook a fresh kernel.

:func:`execute_job` never raises for a notebook's own failure: it becomes a
failed :class:`~qipp.render.plan.jobs.JobResult` and the batch carries on. A
write the disk or folder refused is the machine's failure and is raised
(:class:`~qipp.render.errors.RenderInfrastructureError`): it stops the run.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from tqdm import tqdm

from qipp.paths import PROJECT_ROOT
from qipp.render.errors import RenderInfrastructureError, infrastructure_error_in
from qipp.render.plan.jobs import KIND_IN_PLACE, CellError, JobResult, RenderJob, RunSettings
from qipp.render.run import kernel, notebook
from qipp.render.run.reset import WARM_MODULES
from qipp.render.site.export import exporter, notebook_title
from qipp.render.site.outputs import write_failure, write_success


class Executor(Protocol):
    """Runs a batch of jobs; a context manager that stops its workers on leaving."""

    def __enter__(self) -> Executor: ...

    def __exit__(self, kind: type | None, value: BaseException | None, tb: object) -> None: ...

    def run(self, jobs: Sequence[RenderJob], *, progress: bool = True) -> list[JobResult]:
        """One result per job, in job order."""
        ...


def trusted(path: Path) -> bool:
    """True for a notebook (or folder) of the project's own, which may run in a warm kernel.

    >>> trusted(PROJECT_ROOT / "notebooks" / "x.ipynb"), trusted(Path("/elsewhere/x.ipynb"))
    (True, False)
    """
    return Path(path).resolve().is_relative_to(PROJECT_ROOT.resolve())


def kernel_dir(settings: RunSettings) -> Path:
    """This process's folder for its kernels' connection files and logs."""
    folder = settings.kernel_dir / f"worker-{os.getpid()}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# Kernel start and imports paid before the first job, reported with it.
_startup: dict[str, float] = {}


def start_worker(settings: RunSettings) -> None:
    """Paid once per worker, while the parent is still planning: papermill, the HTML
    exporter and the warm kernel. A kernel that fails to start here is not an error:
    the first notebook tries again and reports it."""
    import papermill  # noqa: F401  (seconds of imports, paid now rather than by the first job)

    exporter(settings.show_code, False)
    if settings.fresh_kernels or not trusted(settings.cwd):
        return
    try:
        kernel.acquire(
            settings.kernel_name, kernel_dir(settings), str(settings.cwd), WARM_MODULES, _startup
        )
    except Exception:
        _startup.clear()


def execute_job(job: RenderJob, settings: RunSettings) -> JobResult:
    """Run ``job`` and write its files into ``settings.stage``; see the module docstring."""
    started = time.monotonic()
    request = notebook.Request(
        job.notebook,
        job.parameters,
        settings.cwd,
        kernel_dir(settings),
        settings.kernel_name,
        settings.cell_timeout_s,
        settings.notebook_timeout_s,
        fresh=settings.fresh_kernels or not trusted(job.notebook),
    )
    try:
        outcome = notebook.execute(request)
        for phase, seconds in _startup.items():
            outcome.timings[phase] = outcome.timings.get(phase, 0.0) + seconds
        _startup.clear()
        executed = outcome.notebook
        title = job.name if executed is None else notebook_title(executed, job.name)
        result = JobResult(
            job,
            ok=False,
            title=title,
            error=outcome.error,
            timings=outcome.timings,
            attempts=outcome.attempts,
            first_error=outcome.first_error,
        )
        if outcome.ok:
            write_success(job, executed, settings, result)
        if not result.ok and executed is not None and job.kind != KIND_IN_PLACE:
            write_failure(job, executed, settings, result)
    except RenderInfrastructureError:
        raise
    except Exception as exc:  # a bug or an unreadable notebook must not stop the batch
        lines = tuple(traceback.format_exception(exc))
        result = JobResult(
            job, False, job.name, error=CellError(type(exc).__name__, str(exc), traceback=lines)
        )
    result.duration_s = time.monotonic() - started
    return result


def checked(result: JobResult, settings: RunSettings) -> JobResult:
    """``result``, unless its error is the machine's (a cell's write to a full disk): raised."""
    error = infrastructure_error_in(
        result.error, settings.stage, settings.out_dir, f"a file {result.job.name} wrote"
    )
    if error is not None:
        raise error
    return result


class Progress:
    """A tqdm bar on stderr counting reports done and failed (disabled: counts only)."""

    def __init__(self, total: int, enabled: bool) -> None:
        # In a log (not a terminal) every redraw is a new line: redraw every 10 s there.
        redraw_s = 0.1 if sys.stderr.isatty() else 10.0
        self.failed = 0
        self.bar = tqdm(
            total=total,
            desc="qipp render",
            unit="report",
            file=sys.stderr,
            disable=not enabled,
            bar_format="{desc}: {n_fmt}/{total_fmt} done{postfix} |{bar}| [{elapsed}<{remaining}]",
            mininterval=redraw_s,
            maxinterval=max(redraw_s, 10.0),
        )
        self.bar.set_postfix_str("0 failed", refresh=False)

    def record(self, ok: bool) -> None:
        """One more report done."""
        self.failed += not ok
        self.bar.set_postfix_str(f"{self.failed} failed", refresh=False)
        self.bar.update(1)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.close()
