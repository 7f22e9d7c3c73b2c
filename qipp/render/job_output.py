"""What a finished job leaves in the stage: its page, executed notebook and findings, or the failure.

Runs in the worker, right after the notebook ran (:func:`qipp.render.worker.execute_job`).
A job that succeeded writes its page, its executed notebook and the findings it
recorded (an in-place job only its notebook, stripped of volatile metadata); one
that failed, its failed notebook and a page of it, and nothing that would be
published as current. Every file names its final location, not the stage
(:mod:`qipp.render.relocate`); each write is timed into the result.

A write the disk or folder refuses (full, read-only: :mod:`qipp.render.infra`)
is not the notebook's failure: it raises :class:`RenderInfrastructureError`,
kept for :func:`take_infrastructure_error` too, so the batch can abort the run
even where the worker turns exceptions into a failed result.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qipp.atomic import atomic_write_text
from qipp.render.clean import strip_volatile_metadata
from qipp.render.execute import CellError
from qipp.render.export import OfflineError, notebook_to_html
from qipp.render.infra import RenderInfrastructureError, is_infrastructure_oserror
from qipp.render.jobs import KIND_IN_PLACE, RenderJob, index_href_from
from qipp.render.relocate import published_location, relocate_findings, relocate_notebook
from qipp.render.worker_types import JobResult, WorkerConfig

# The environment's failure of this process's last job, until taken.
_infrastructure_error: RenderInfrastructureError | None = None


def take_infrastructure_error() -> RenderInfrastructureError | None:
    """The disk's or folder's failure of the last job written here, cleared once taken."""
    global _infrastructure_error
    error, _infrastructure_error = _infrastructure_error, None
    return error


@contextlib.contextmanager
def _infrastructure_guard(config: WorkerConfig, relative: str | None = None) -> Iterator[None]:
    """Raise (and keep) a :class:`RenderInfrastructureError` for a write the disk refused.

    It names the file's final location when ``relative`` is given.
    """
    global _infrastructure_error
    try:
        yield
    except OSError as exc:
        if not is_infrastructure_oserror(exc):
            raise
        where = None
        if relative is not None:
            where = (config.out_dir or config.stage) / relative
        error = RenderInfrastructureError.from_oserror(exc, where)
        _infrastructure_error = error
        raise error from exc


def _write(config: WorkerConfig, relative: str, text: str, result: JobResult) -> None:
    started = time.perf_counter()
    with _infrastructure_guard(config, relative):
        atomic_write_text(config.stage / relative, text)
    result.files.append(relative)
    _add_time(result, "write_s", started)


def _add_time(result: JobResult, phase: str, started: float) -> None:
    result.timings[phase] = result.timings.get(phase, 0.0) + time.perf_counter() - started


def _planned(relative: str | None, job: RenderJob) -> str:
    """``relative``, an output path the job's kind always plans; None is a bug in planning.

    >>> from qipp.render.jobs import in_place_job
    >>> job = in_place_job(Path("notebooks/03_x.ipynb"))
    >>> _planned(job.executed, job)
    '03_x.ipynb'
    >>> _planned(job.html, job)
    Traceback (most recent call last):
    ...
    ValueError: job in-place:03_x was planned without a path it needs
    """
    if relative is None:
        raise ValueError(f"job {job.key} was planned without a path it needs")
    return relative


def _notebook_text(notebook: Any, result: JobResult) -> str:
    import nbformat

    started = time.perf_counter()
    text = nbformat.writes(notebook) + "\n"
    _add_time(result, "write_s", started)
    return text


def write_success(
    job: RenderJob, notebook: Any, title: str, config: WorkerConfig, result: JobResult
) -> None:
    """Write what a job that ran to the end publishes; set ``result.ok`` if all of it was.

    A missing or unreadable findings file, or a page that would load something
    from the network, leaves ``result.ok`` False with ``result.error`` saying why.
    """
    executed = _planned(job.executed, job)
    if job.kind == KIND_IN_PLACE:
        _write(config, executed, _notebook_text(strip_volatile_metadata(notebook), result), result)
        result.ok = True
        return
    page = _planned(job.html, job)
    if job.findings is not None:
        with _infrastructure_guard(config, job.findings):
            findings = _read_job_findings(config.stage / job.findings, _relocations(job, config))
        if isinstance(findings, CellError):
            result.error = findings
            return
        result.findings = findings
        result.files.append(job.findings)
    relocate_notebook(
        notebook, _relocations(job, config), published_location(config.out_dir, executed)
    )
    started = time.perf_counter()
    try:
        html = notebook_to_html(
            notebook,
            title=title,
            show_code=config.show_code,
            index_href=index_href_from(page),
            stamp=config.stamp,
        )
    except OfflineError as exc:
        result.error = CellError("OfflineError", str(exc))
        return
    finally:
        _add_time(result, "export_s", started)
    _write(config, page, html, result)
    _write(config, executed, _notebook_text(notebook, result), result)
    result.ok = True


def _relocations(job: RenderJob, config: WorkerConfig) -> dict[str, str]:
    """Staged path to final location, for the findings path this job was given, and the
    run's name for each path this process reads under another (``config.path_aliases``)."""
    aliases = dict(config.path_aliases)
    staged = job.parameters.get("findings_path")
    if job.findings is None or not isinstance(staged, str):
        return aliases
    return {**aliases, staged: published_location(config.out_dir, job.findings)}


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


def write_failure(
    job: RenderJob, notebook: Any, title: str, config: WorkerConfig, result: JobResult
) -> None:
    """Write the failed notebook and, when it converts, a page of it with code and prompts."""
    failed, failed_page = _planned(job.failed, job), _planned(job.failed_html, job)
    # Nothing of a failed job is published as current: its findings file is dropped.
    if job.findings is not None and job.findings in result.files:
        result.files.remove(job.findings)
    if job.findings is not None:
        with _infrastructure_guard(config, job.findings):
            (config.stage / job.findings).unlink(missing_ok=True)
    relocate_notebook(
        notebook, _relocations(job, config), published_location(config.out_dir, failed)
    )
    _write(config, failed, _notebook_text(notebook, result), result)
    try:
        html = notebook_to_html(
            notebook,
            title=f"Failed: {title}",
            show_code=True,
            prompts=True,
            index_href=index_href_from(failed_page),
            stamp=config.stamp,
        )
    except Exception:  # the failed notebook is kept; a page of it is a convenience
        return
    _write(config, failed_page, html, result)
