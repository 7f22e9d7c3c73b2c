"""What a render run is told and what it reports: :class:`RenderOptions`, :class:`RenderSummary`.

Shared by full and partial runs (:mod:`qipp.render.pipeline`) and in-place runs
(:mod:`qipp.render.inplace`), with the errors both raise for a request that
cannot be rendered, and the one they raise when the environment fails the run
(:class:`~qipp.render.infra.RenderInfrastructureError`, for ``qipp render`` to
exit with its ``exit_code``, :data:`~qipp.render.infra.EXIT_ENVIRONMENT`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qipp.paths import NOTEBOOKS_DIR, REPORTS_DIR
from qipp.render.batch import default_jobs
from qipp.render.execute import DEFAULT_EXECUTOR
from qipp.render.infra import EXIT_ENVIRONMENT, RenderInfrastructureError
from qipp.render.profiles import ProfileRow
from qipp.render.worker_types import JobResult

__all__ = [
    "EXIT_ENVIRONMENT",
    "PanelMismatchError",
    "RenderInfrastructureError",
    "RenderInputError",
    "RenderOptions",
    "RenderSummary",
]


class RenderInputError(ValueError):
    """A request that cannot be rendered: unknown CCG code, nothing selected, bad name."""


class PanelMismatchError(RenderInputError):
    """A partial run whose panel is not the one the report set was built from."""


@dataclass
class RenderOptions:
    """Everything a render run can be told.

    Attributes
    ----------
    out_dir : Path
        Where reports go (``reports/``).
    notebooks_dir : Path
        Finding notebooks and the ``ccg_profile.ipynb`` template; kernels run here.
    panel_path : Path or None
        A user's panel for the profiles (``--panel``); passed also to finding
        notebooks that declare ``panel_path``. None uses the committed synthetic panel.
    jobs : int
        Worker processes.
    only : tuple of str
        Notebook-name patterns (globs, or substrings); empty selects all.
    ccg_codes : tuple of str
        Render only these CCGs' profiles (and, without ``only``, no findings).
    show_code : bool
        Include code cells in the pages.
    cell_timeout_s, notebook_timeout_s : float or None
        Longest one cell, and all cells of one notebook, may run.
    executor : str
        ``warm`` (reused kernels, the default) or ``fresh`` (a kernel per notebook).
    profiles : list of ProfileRow or None
        The CCGs to profile; None loads them from the panel. Tests pass rows
        directly, which bypasses panel validation.
    panel_synthetic : bool or None
        With ``profiles`` given, whether to show the synthetic banner; None
        reads it from the panel.
    replace : bool
        This run's reports replace the whole earlier set, as a full run's do
        (``--replace``): how a partial run may switch the set to another panel.
    force : bool
        Re-render every report, reusing nothing from the render cache (``--force``).
    scheduler : str or None
        Run the batch on a Dask cluster (``--scheduler``): a scheduler's address
        (``tcp://host:8786``) or ``local``; None uses this machine's process pool.
    """

    out_dir: Path = REPORTS_DIR
    notebooks_dir: Path = NOTEBOOKS_DIR
    panel_path: Path | None = None
    jobs: int = field(default_factory=default_jobs)
    only: tuple[str, ...] = ()
    ccg_codes: tuple[str, ...] = ()
    show_code: bool = False
    kernel_name: str = "python3"
    cell_timeout_s: float | None = 600.0
    notebook_timeout_s: float | None = 1800.0
    progress: bool = True
    executor: str = DEFAULT_EXECUTOR
    profiles: list[ProfileRow] | None = None
    panel_synthetic: bool | None = None
    replace: bool = False
    force: bool = False
    scheduler: str | None = None

    @property
    def full_run(self) -> bool:
        """True when nothing restricts the selection."""
        return not self.only and not self.ccg_codes


@dataclass
class RenderSummary:
    """The outcome of a run.

    Attributes
    ----------
    results : list of JobResult
    problems : list of str
        Failures outside any notebook (the claims scorecard).
    index_path : Path or None
        The index written (None for in-place runs).
    phases_s : dict of str to float
        Wall-clock seconds of the run's phases in this process: ``plan_s``
        (selection, panel, run details, job list), ``batch_s`` (the worker pool,
        from the first job to the workers' exit) and ``index_s`` (manifest entries,
        scorecard, index page). Empty for in-place runs.
    """

    results: list[JobResult]
    problems: list[str] = field(default_factory=list)
    index_path: Path | None = None
    phases_s: dict[str, float] = field(default_factory=dict)

    @property
    def failures(self) -> list[JobResult]:
        """Results of the jobs that failed."""
        return [r for r in self.results if not r.ok]

    @property
    def ok(self) -> bool:
        """True when every job and the index succeeded."""
        return not self.failures and not self.problems
