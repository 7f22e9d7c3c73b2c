"""``qipp render`` from end to end: plan, run the batch, write the index, commit.

:func:`render_reports` renders the finding notebooks and one CCG profile per
panel row into an output folder; :func:`render_in_place` re-executes committed
notebooks over themselves. Both return a :class:`RenderSummary`; neither exits.
An output folder holds one report set drawn from one panel: a partial run from
another is refused before any work (:mod:`qipp.render.panelset`).

The types both take and return live in :mod:`qipp.render.options`, in-place runs
in :mod:`qipp.render.inplace`; both can still be imported from here.

The environment failing is not a notebook failing (:mod:`qipp.render.infra`):
a write the disk or folder refuses (full, read-only, forbidden), anywhere from
the lock to the final move, aborts the run with a
:class:`~qipp.render.infra.RenderInfrastructureError` and leaves the previous
reports byte for byte as they were; a worker that dies is replaced
(:mod:`qipp.render.batch`); only a notebook's own failure replaces its page,
which is then kept under ``failed/`` (:mod:`qipp.render.publish`).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qipp.atomic import atomic_write_text, remove_temporaries
from qipp.paths import SYNTHETIC_PANEL_CSV
from qipp.render.batch import WorkerPool
from qipp.render.cache import RenderCache, file_digest, reuse, run_inputs
from qipp.render.index import INDEX_NAME, SCORECARD_FILES, index_html, scorecard_summary
from qipp.render.infra import RenderInfrastructureError, infrastructure_errors
from qipp.render.inplace import render_in_place
from qipp.render.jobs import (
    PROFILE_TEMPLATE_NAME,
    JobError,
    RenderJob,
    discover_notebooks,
    finding_job,
    matches_only,
    profile_job,
)
from qipp.render.manifest import MANIFEST_NAME, manifest_text, merge_entries, read_manifest
from qipp.render.options import (
    PanelMismatchError,
    RenderInputError,
    RenderOptions,
    RenderSummary,
)
from qipp.render.panelset import panel_mismatch
from qipp.render.parameters import declared_parameters
from qipp.render.profiles import ProfileRow, load_profiles
from qipp.render.publish import current_entries, publish
from qipp.render.runinfo import RunInfo, gather_run_info
from qipp.render.stage import RunLock, Stage
from qipp.render.worker_types import JobResult, WorkerConfig

__all__ = [
    "PanelMismatchError",
    "RenderInfrastructureError",
    "RenderInputError",
    "RenderOptions",
    "RenderSummary",
    "plan_jobs",
    "render_in_place",
    "render_reports",
]


def _select(options: RenderOptions) -> tuple[list[Path], Path | None]:
    """Return the finding notebooks to render and the profile template (or None)."""
    notebooks = discover_notebooks(options.notebooks_dir)
    template = next((p for p in notebooks if p.name == PROFILE_TEMPLATE_NAME), None)
    findings = [p for p in notebooks if p is not template]
    if options.ccg_codes and not options.only:
        findings = []
    else:
        findings = [p for p in findings if matches_only(p.stem, options.only)]
    wants_profiles = bool(options.ccg_codes) or matches_only(
        template.stem if template else "", options.only
    )
    if options.ccg_codes and template is None:
        raise RenderInputError(f"--ccg needs {options.notebooks_dir / PROFILE_TEMPLATE_NAME}")
    return findings, template if (template is not None and wants_profiles) else None


def _panel(options: RenderOptions, panel_path: Path) -> tuple[list[ProfileRow], bool]:
    """The panel's profile rows and whether it is synthetic, read even for findings only.

    The index's banner belongs to the set, not to this run's profiles: a run of
    findings alone still tells whether the set's panel is synthetic.
    """
    if options.profiles is not None and options.panel_synthetic is not None:
        return list(options.profiles), options.panel_synthetic
    rows, synthetic = load_profiles(panel_path)
    return (rows if options.profiles is None else list(options.profiles)), synthetic


def _profiles(options: RenderOptions, panel_path: Path, rows: list[ProfileRow]) -> list[ProfileRow]:
    """The rows to profile: all, or those ``--ccg`` names (each must be in the panel)."""
    if options.ccg_codes:
        by_code = {row.ccg_code: row for row in rows}
        unknown = [code for code in options.ccg_codes if code not in by_code]
        if unknown:
            raise RenderInputError(
                f"CCG code(s) not in the panel {panel_path.name}: {', '.join(unknown)}"
            )
        rows = [by_code[code] for code in dict.fromkeys(options.ccg_codes)]
    return rows


def plan_jobs(
    options: RenderOptions,
    stage_root: Path,
    panel_path: Path,
    findings: Sequence[Path],
    template: Path | None,
    profiles: Sequence[ProfileRow],
) -> list[RenderJob]:
    """Build the job list: finding notebooks first, then one profile per CCG.

    Raises
    ------
    RenderInputError
        If a notebook name or CCG code cannot become a file name.
    """
    user_panel = options.panel_path.resolve() if options.panel_path else None
    try:
        jobs = [finding_job(p, declared_parameters(p), stage_root, user_panel) for p in findings]
        if template is not None:
            declared = declared_parameters(template)
            jobs += [
                profile_job(template, row.ccg_code, declared, panel_path, stage_root)
                for row in profiles
            ]
    except JobError as exc:
        raise RenderInputError(str(exc)) from None
    return jobs


def render_reports(options: RenderOptions) -> RenderSummary:
    """Render findings, profiles and the index into ``options.out_dir``.

    Everything is built in a staging folder and moved into place at the end,
    so an interrupted run (KeyboardInterrupt, re-raised) leaves the previous
    reports exactly as they were.

    Raises
    ------
    RenderInputError
        Bad selection (nothing matches, unknown CCG code, unsafe name).
    PanelMismatchError
        A partial run from another panel than the set's (before any work).
    qipp.validation.DataError
        The panel fails validation.
    qipp.render.stage.RenderBusyError
        Another render holds the output folder.
    RenderInfrastructureError
        The disk or folder refused a write (full, read-only, forbidden); nothing
        was changed.
    KeyboardInterrupt
        Interrupted; nothing was changed.
    """
    started = time.perf_counter()
    out_dir = Path(options.out_dir).resolve()
    panel_path = Path(options.panel_path or SYNTHETIC_PANEL_CSV).resolve()
    findings, template = _select(options)
    rows, synthetic = _panel(options, panel_path)
    profiles = _profiles(options, panel_path, rows) if template else []
    if not findings and not profiles:
        raise RenderInputError("nothing to render: no notebook matches the selection")
    run = gather_run_info(panel_path, synthetic)
    with infrastructure_errors(), RunLock(out_dir):
        # Holding the lock (no run can change the set meanwhile), before any work.
        mixing = panel_mismatch(out_dir, options.full_run or options.replace, run)
        if mixing is not None:
            raise PanelMismatchError(mixing)
        previous = read_manifest(out_dir, warn=True)
        stage = Stage.create(out_dir)
        try:
            config = WorkerConfig(
                stage.root,
                stage.root,
                options.notebooks_dir.resolve(),
                options.kernel_name,
                options.cell_timeout_s,
                options.show_code,
                run.stamp(),
                options.executor,
                options.notebook_timeout_s,
                out_dir,
            )
            jobs = plan_jobs(options, stage.root, panel_path, findings, template, profiles)
            cache = RenderCache(out_dir, run_inputs(options), file_digest(panel_path))
            hits = {} if options.force else reuse(cache, jobs, stage.root)
            misses = [job for job in jobs if job.key not in hits]
            planned = time.perf_counter()
            fresh: list[JobResult] = []
            if misses:  # nothing changed: no worker, no kernel starts
                with _pool(options, config, min(options.jobs, len(misses))) as pool:
                    fresh = pool.run(misses, progress=options.progress)
            by_key = {**hits, **{result.job.key: result for result in fresh}}
            results = [by_key[job.key] for job in jobs]
            phases = {"plan_s": planned - started, "batch_s": time.perf_counter() - planned}
            summary = _finish(
                options,
                out_dir,
                stage,
                run,
                results,
                previous,
                {row.ccg_code: row for row in profiles},
                phases,
            )
            # Only once the reports are in place: a run that fails or is stopped leaves
            # the cache, like everything else in the folder, as it was.
            for result in fresh:
                cache.store(result, stage.root, out_dir, run.rendered_at)
            cache.prune(cache.key(job, stage.root) for job in jobs if by_key[job.key].ok)
        except BaseException:
            stage.discard()
            with contextlib.suppress(OSError):  # a read-only folder has nothing to clean
                remove_temporaries(out_dir)
            raise
    return summary


def _pool(options: RenderOptions, config: WorkerConfig, n_workers: int) -> Any:
    """This machine's process pool, or a Dask cluster's workers with ``--scheduler``."""
    if options.scheduler is None:
        return WorkerPool(config, n_workers)
    from qipp.render.cluster import ClusterPool  # imports Dask: only when asked for

    return ClusterPool(config, options.scheduler, n_workers)


def _finish(
    options: RenderOptions,
    out_dir: Path,
    stage: Stage,
    run: RunInfo,
    results: list[JobResult],
    previous: dict[str, dict],
    profiles: dict[str, ProfileRow],
    phases: dict[str, float],
) -> RenderSummary:
    """Write manifest and index into the stage, then move everything into place.

    ``previous`` holds the entries of the manifest read when the run started.
    ``phases`` (seconds so far) gains ``index_s`` and is recorded in the manifest.
    """
    started = time.perf_counter()
    current, files = current_entries(
        results, previous, run.rendered_at, profiles, out_dir, stage.root
    )
    entries, stale = merge_entries(previous, current, options.full_run or options.replace)
    scorecard = scorecard_summary()
    problems = [f"claims scorecard: {scorecard.error}"] if scorecard.error else []
    # The index shows it only when the set's panel is synthetic and some report reads it.
    from qipp.panel import SYNTHETIC_BANNER as banner

    downloads = [name for name in SCORECARD_FILES if (out_dir / name).is_file()]
    index = index_html(entries.values(), run, scorecard, problems, banner, downloads)
    phases = {**phases, "index_s": time.perf_counter() - started}
    run_record = {**run.as_dict(), "phases_s": {k: round(v, 3) for k, v in phases.items()}}
    atomic_write_text(stage.root / MANIFEST_NAME, manifest_text(entries, run_record))
    atomic_write_text(stage.root / INDEX_NAME, index)
    publish(stage, [*files, MANIFEST_NAME, INDEX_NAME], remove=stale)
    return RenderSummary(results, problems, out_dir / INDEX_NAME, phases)
