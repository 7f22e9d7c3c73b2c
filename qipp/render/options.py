"""What a render run is told (:class:`RenderOptions`) and what it reports (:class:`RenderSummary`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from qipp.paths import NOTEBOOKS_DIR, REPORTS_DIR
from qipp.render.plan.jobs import JobResult
from qipp.render.plan.profiles import ProfileRow


def default_jobs() -> int:
    """Number of CPUs this process may use (at least 1)."""
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


@dataclass
class RenderOptions:
    """Everything a render run can be told; ``qipp render --help`` describes each option.

    Attributes
    ----------
    out_dir, notebooks_dir : Path
        Where reports go; the finding notebooks and ``ccg_profile.ipynb`` (kernels run there).
    panel_path : Path or None
        A user's panel (``--panel``), also passed to finding notebooks that declare
        ``panel_path``; None uses the committed synthetic panel.
    jobs : int
        Worker processes (or a ``local`` cluster's workers).
    only, ccg_codes : tuple of str
        Notebook-name patterns (globs, or substrings) and CCG codes; empty selects all.
    show_code : bool
        Include code cells in the pages.
    cell_timeout_s, notebook_timeout_s : float or None
        Longest one cell, and all cells of one notebook, may run.
    fresh_kernels : bool
        A new kernel for every notebook instead of a warm kernel per worker.
    profiles, panel_synthetic : list of ProfileRow, bool, or None
        The CCGs to profile and whether to show the synthetic banner; None reads the
        panel. Tests pass rows directly, which bypasses panel validation.
    replace : bool
        This run's reports replace the whole earlier set (``--replace``).
    force : bool
        Re-render every report, reusing nothing from the render cache.
    scheduler : str or None
        A Dask scheduler's address, or ``local`` (``--scheduler``); None: this machine's pool.
    pdf : bool
        Also print each report to a PDF beside its page, with headless Chromium (``--pdf``).
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
    fresh_kernels: bool = False
    profiles: list[ProfileRow] | None = None
    panel_synthetic: bool | None = None
    replace: bool = False
    force: bool = False
    scheduler: str | None = None
    pdf: bool = False

    @property
    def full_run(self) -> bool:
        """True when nothing restricts the selection."""
        return not self.only and not self.ccg_codes


@dataclass
class RenderSummary:
    """The outcome of a run.

    ``index_path`` is None for an in-place run; ``phases_s`` holds the wall-clock seconds of planning
    (``plan_s``), the batch (``batch_s``), the PDFs (``pdf_s``, with ``--pdf``) and the index
    (``index_s``); ``skipped`` has a line for each notebook left out, saying why.
    """

    results: list[JobResult]
    index_path: Path | None = None
    phases_s: dict[str, float] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[JobResult]:
        """Results of the jobs that failed."""
        return [r for r in self.results if not r.ok]

    @property
    def ok(self) -> bool:
        """True when every job succeeded."""
        return not self.failures
