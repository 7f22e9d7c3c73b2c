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

    The fields are the command's options (``ccg_codes`` is ``--ccg``, ``cell_timeout_s``
    ``--timeout``, ``notebook_timeout_s`` ``--notebook-timeout``). ``panel_path`` None
    uses the committed synthetic panel; a user's panel also goes to the finding notebooks
    that declare ``panel_path``. ``profiles`` and ``panel_synthetic`` (the CCGs to profile,
    whether to show the synthetic banner) None read the panel; tests pass rows directly,
    which bypasses panel validation.
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
