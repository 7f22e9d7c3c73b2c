"""What one worker process does with one job: execute, export, write into the stage.

Runs inside the batch's process pool. Each worker holds one
:class:`~qipp.render.execute.Executor` for its life; a warm one starts its kernel
in the pool initializer, while the parent is still planning, and keeps it (files
under ``kernels-<pid>/`` in the run's scratch folder) for every job of the worker. Everything a job writes
goes under the run's staging folder (never straight into the reports), so a
failed or interrupted run cannot leave a half-written or half-updated report.

On the first SIGINT or SIGTERM a worker raises KeyboardInterrupt, which unwinds
the kernel (nbclient shuts it down) and the job; later signals are ignored so
the clean-up itself is not cut short, and any job still queued is refused.
"""

from __future__ import annotations

import multiprocessing.util
import os
import shutil
import signal
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qipp.atomic import atomic_write_text
from qipp.render.clean import strip_volatile_metadata
from qipp.render.execute import (
    DEFAULT_EXECUTOR,
    EXECUTORS,
    CellError,
    ExecutionRequest,
    Executor,
)
from qipp.render.export import OfflineError, notebook_title, notebook_to_html
from qipp.render.jobs import KIND_IN_PLACE, RenderJob, index_href_from
from qipp.render.relocate import published_location, relocate_findings, relocate_notebook


@dataclass(frozen=True)
class WorkerConfig:
    """Settings shared by every job of a run.

    Attributes
    ----------
    stage : Path
        Staging folder; job paths are relative to it.
    scratch_root : Path
        Folder for per-job scratch (kernels' connection files and sockets).
    cwd : Path
        Working directory of the kernels.
    kernel_name : str
        Jupyter kernel spec name.
    cell_timeout_s : float or None
        Longest one cell may run.
    notebook_timeout_s : float or None
        Longest all cells of one notebook may run.
    show_code : bool
        Include code cells in pages.
    stamp : str
        Run line shown on every page.
    executor : str
        Key in :data:`qipp.render.execute.EXECUTORS` (``warm`` or ``fresh``).
    out_dir : Path or None
        Where the stage's files end up; published files name that location
        instead of the stage (:mod:`qipp.render.relocate`).
    """

    stage: Path
    scratch_root: Path
    cwd: Path
    kernel_name: str = "python3"
    cell_timeout_s: float | None = 600.0
    show_code: bool = False
    stamp: str = ""
    executor: str = DEFAULT_EXECUTOR
    notebook_timeout_s: float | None = None
    out_dir: Path | None = None

    def kernel_dir(self) -> Path:
        """This worker process's folder for kernels that outlive one job."""
        return self.scratch_root / f"kernels-{os.getpid()}"


@dataclass
class JobResult:
    """What became of one job (small and picklable: it crosses processes).

    Attributes
    ----------
    job : RenderJob
    ok : bool
    title : str
        First heading of the notebook, or its name.
    files : list of str
        Files written under the stage, relative to it.
    error : CellError or None
    findings : dict or None
        The findings record the notebook wrote, when it declares ``findings_path``.
    duration_s : float
    timings : dict of str to float
        Seconds by phase: the executor's (see
        :class:`~qipp.render.execute.ExecutionOutcome`) plus ``export_s`` (HTML)
        and ``write_s`` (files into the stage).
    attempts : int
        2 when the notebook was retried in a fresh kernel.
    first_error : CellError or None
        Why the first attempt failed, when retried.
    """

    job: RenderJob
    ok: bool
    title: str
    files: list[str] = field(default_factory=list)
    error: CellError | None = None
    findings: dict | None = None
    duration_s: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    attempts: int = 1
    first_error: CellError | None = None


_config: WorkerConfig | None = None
_executor: Executor | None = None
_interrupted = False
_busy = False


def _on_signal(signum: int, frame: Any) -> None:
    global _interrupted
    if _interrupted:
        return
    _interrupted = True
    # An idle worker just remembers; it refuses its next job and exits when told.
    if _busy:
        raise KeyboardInterrupt


def init_worker(config: WorkerConfig) -> None:
    """Pool initializer: take over signals, remember the settings, import and build once."""
    global _config, _executor
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    _config = config
    _executor = EXECUTORS[config.executor]()
    # multiprocessing runs Finalize callbacks as a worker exits (forked workers skip
    # atexit), so an executor holding kernels between notebooks can release them.
    multiprocessing.util.Finalize(None, _executor.close, exitpriority=10)
    # Paid once per worker, while the parent is still planning, not by the first job.
    import papermill  # noqa: F401

    from qipp.render.export import _exporter

    _exporter(config.show_code, False)
    start = getattr(_executor, "start", None)
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
            _write_success(job, notebook, title, config, result)
        if not result.ok and notebook is not None and job.kind != KIND_IN_PLACE:
            _write_failure(job, notebook, title, config, result)
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


def _write(config: WorkerConfig, relative: str, text: str, result: JobResult) -> None:
    started = time.perf_counter()
    atomic_write_text(config.stage / relative, text)
    result.files.append(relative)
    _add_time(result, "write_s", started)


def _add_time(result: JobResult, phase: str, started: float) -> None:
    result.timings[phase] = result.timings.get(phase, 0.0) + time.perf_counter() - started


def _notebook_text(notebook: Any, result: JobResult) -> str:
    import nbformat

    started = time.perf_counter()
    text = nbformat.writes(notebook) + "\n"
    _add_time(result, "write_s", started)
    return text


def _write_success(
    job: RenderJob, notebook: Any, title: str, config: WorkerConfig, result: JobResult
) -> None:
    if job.kind == KIND_IN_PLACE:
        _write(
            config, job.executed, _notebook_text(strip_volatile_metadata(notebook), result), result
        )
        result.ok = True
        return
    if job.findings is not None:
        findings = _read_job_findings(config.stage / job.findings, _relocations(job, config))
        if isinstance(findings, CellError):
            result.error = findings
            return
        result.findings = findings
        result.files.append(job.findings)
    relocate_notebook(
        notebook, _relocations(job, config), published_location(config.out_dir, job.executed)
    )
    started = time.perf_counter()
    try:
        html = notebook_to_html(
            notebook,
            title=title,
            show_code=config.show_code,
            index_href=index_href_from(job.html),
            stamp=config.stamp,
        )
    except OfflineError as exc:
        result.error = CellError("OfflineError", str(exc))
        return
    finally:
        _add_time(result, "export_s", started)
    _write(config, job.html, html, result)
    _write(config, job.executed, _notebook_text(notebook, result), result)
    result.ok = True


def _relocations(job: RenderJob, config: WorkerConfig) -> dict[str, str]:
    """Staged path to final location, for the findings path this job was given."""
    staged = job.parameters.get("findings_path")
    if job.findings is None or not isinstance(staged, str):
        return {}
    return {staged: published_location(config.out_dir, job.findings)}


def _read_job_findings(path: Path, relocations: dict[str, str]) -> dict | CellError:
    """Read the staged findings, rewritten to name final locations (or the error)."""
    if not path.is_file():
        return CellError(
            "MissingFindings", "the notebook declares findings_path but wrote no findings file"
        )
    try:
        return relocate_findings(path, relocations)
    except ValueError as exc:
        return CellError("BadFindings", str(exc).replace(str(path), path.name))


def _write_failure(
    job: RenderJob, notebook: Any, title: str, config: WorkerConfig, result: JobResult
) -> None:
    # Nothing of a failed job is published as current: its findings file is dropped.
    if job.findings is not None and job.findings in result.files:
        result.files.remove(job.findings)
    if job.findings is not None:
        (config.stage / job.findings).unlink(missing_ok=True)
    relocate_notebook(
        notebook, _relocations(job, config), published_location(config.out_dir, job.failed)
    )
    _write(config, job.failed, _notebook_text(notebook, result), result)
    try:
        html = notebook_to_html(
            notebook,
            title=f"Failed: {title}",
            show_code=True,
            prompts=True,
            index_href=index_href_from(job.failed_html),
            stamp=config.stamp,
        )
    except Exception:  # the failed notebook is kept; a page of it is a convenience
        return
    _write(config, job.failed_html, html, result)
