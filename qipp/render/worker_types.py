"""What crosses between the parent and its worker processes: the run's settings, each job's result.

Both are small and picklable: :class:`WorkerConfig` goes to every worker once
(the pool initializer's argument), a :class:`JobResult` comes back for every job.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from qipp.render.execute import DEFAULT_EXECUTOR, CellError
from qipp.render.jobs import RenderJob


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
    path_aliases : tuple of (str, str) pairs
        Paths this process reads under another name than the run's (a Dask
        worker's copy of the panel or notebook), with the run's name for each:
        executed notebooks record the run's (:mod:`qipp.render.cluster_worker`).
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
    path_aliases: tuple[tuple[str, str], ...] = ()

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
    cached : bool
        Reused from the render cache (:mod:`qipp.render.cache`): no kernel ran.
    rendered_at : str
        When a reused report was rendered (empty for this run's own).
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
    cached: bool = False
    rendered_at: str = ""
