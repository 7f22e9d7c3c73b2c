"""``qipp render --in-place``: re-execute committed notebooks over themselves.

No index, manifest or pages: each notebook that ran to the end replaces its
committed file, with volatile metadata stripped (:mod:`qipp.render.job_output`).
"""

from __future__ import annotations

from pathlib import Path

from qipp.render.batch import run_batch
from qipp.render.jobs import JobError, discover_notebooks, in_place_job, matches_only
from qipp.render.options import RenderInputError, RenderOptions, RenderSummary
from qipp.render.stage import Stage
from qipp.render.worker_types import WorkerConfig


def render_in_place(options: RenderOptions) -> RenderSummary:
    """Re-execute the notebooks in ``options.notebooks_dir`` over themselves.

    Each runs with its default parameters (nothing injected), its volatile
    metadata stripped, and replaces the committed file only if every cell ran.
    ``options.only`` narrows the set.

    Raises
    ------
    RenderInputError
        If no notebook matches.
    KeyboardInterrupt
        Interrupted; notebooks not yet replaced are unchanged.
    """
    notebooks_dir = Path(options.notebooks_dir).resolve()
    notebooks = [p for p in discover_notebooks(notebooks_dir) if matches_only(p.stem, options.only)]
    if not notebooks:
        raise RenderInputError(f"nothing to execute: no notebook in {notebooks_dir} matches")
    try:
        jobs = [in_place_job(p) for p in notebooks]
    except JobError as exc:
        raise RenderInputError(str(exc)) from None
    stage = Stage.create(notebooks_dir)
    try:
        config = WorkerConfig(
            stage.root,
            stage.root,
            notebooks_dir,
            options.kernel_name,
            options.cell_timeout_s,
            options.show_code,
            "",
            options.executor,
            options.notebook_timeout_s,
        )
        results = run_batch(jobs, config, options.jobs, progress=options.progress)
        stage.commit([f for r in results if r.ok for f in r.files], remove=[])
    except BaseException:
        stage.discard()
        raise
    return RenderSummary(results)
