"""``qipp render`` from end to end: plan the jobs, run them, then build the site.

:func:`render_reports` renders into an output folder, :func:`render_in_place`
re-executes committed notebooks over themselves. Everything is built in a staging
folder, so a run that fails or is stopped leaves the previous reports as they were.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from pathlib import Path

from qipp.atomic import atomic_write_text, remove_temporaries
from qipp.paths import SYNTHETIC_PANEL_CSV
from qipp.render.errors import (
    PanelMismatchError,
    RenderInfrastructureError,
    RenderInputError,
    infrastructure_errors,
)
from qipp.render.options import RenderOptions, RenderSummary
from qipp.render.plan.cache import RenderCache, run_inputs
from qipp.render.plan.jobs import (
    PROFILE_TEMPLATE_NAME,
    JobError,
    JobResult,
    RenderJob,
    RunSettings,
    discover_notebooks,
    finding_job,
    in_place_job,
    matches_only,
    profile_job,
)
from qipp.render.plan.parameters import declared_parameters
from qipp.render.plan.profiles import ProfileRow, load_profiles
from qipp.render.plan.runinfo import RunInfo, gather_run_info
from qipp.render.run.executor import Executor
from qipp.render.run.local import LocalExecutor
from qipp.render.site.index import INDEX_NAME, index_html, read_scorecard
from qipp.render.site.manifest import MANIFEST_NAME, manifest_text, merge_entries, read_manifest
from qipp.render.site.pdf import INSTALL_HINT, find_chromium, pdf_of, print_pdfs
from qipp.render.site.publish import current_entries, panel_mismatch, publish
from qipp.render.site.stage import RunLock, Stage

# Inside the stage: the kernels' connection files and logs, never published.
KERNELS_DIR = ".kernels"


def _select(
    options: RenderOptions, skipped: list[str] | None = None
) -> tuple[list[Path], Path | None]:
    """The finding notebooks to render, and the profile template when profiles are wanted;
    a line in ``skipped`` for each notebook left out (papermill's executed copies)."""
    notebooks = discover_notebooks(options.notebooks_dir, skipped)
    template = next((p for p in notebooks if p.name == PROFILE_TEMPLATE_NAME), None)
    findings = [p for p in notebooks if p is not template and matches_only(p.stem, options.only)]
    if options.ccg_codes and not options.only:
        findings = []
    if options.ccg_codes and template is None:
        raise RenderInputError(f"--ccg needs {options.notebooks_dir / PROFILE_TEMPLATE_NAME}")
    wanted = bool(options.ccg_codes) or matches_only(
        template.stem if template else "", options.only
    )
    return findings, template if template is not None and wanted else None


def _profiles(options: RenderOptions, panel_path: Path) -> tuple[list[ProfileRow], bool]:
    """The CCGs to profile (all, or those ``--ccg`` names) and whether the panel is synthetic.

    Read even for findings alone: the index's banner belongs to the set, not to this run.
    """
    if options.profiles is not None and options.panel_synthetic is not None:
        rows, synthetic = list(options.profiles), options.panel_synthetic
    else:
        loaded, synthetic = load_profiles(panel_path)
        rows = loaded if options.profiles is None else list(options.profiles)
    if options.ccg_codes:
        by_code = {row.ccg_code: row for row in rows}
        unknown = [code for code in options.ccg_codes if code not in by_code]
        if unknown:
            raise RenderInputError(
                f"CCG code(s) not in the panel {panel_path.name}: {', '.join(unknown)}"
            )
        rows = [by_code[code] for code in dict.fromkeys(options.ccg_codes)]
    return rows, synthetic


def plan_jobs(
    options: RenderOptions,
    stage_root: Path,
    panel_path: Path,
    findings: Sequence[Path],
    template: Path | None,
    profiles: Sequence[ProfileRow],
) -> list[RenderJob]:
    """The job list: finding notebooks first, then one profile per CCG.

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


def _settings(
    options: RenderOptions, stage: Stage, cwd: Path, stamp: str, out_dir: Path | None
) -> RunSettings:
    return RunSettings(
        stage.root,
        cwd,
        stage.root / KERNELS_DIR,
        options.kernel_name,
        options.cell_timeout_s,
        options.notebook_timeout_s,
        options.show_code,
        stamp,
        options.fresh_kernels,
        out_dir,
    )


def _executor(options: RenderOptions, settings: RunSettings, n_jobs: int) -> Executor:
    """This machine's process pool, or a Dask cluster's workers with ``--scheduler``."""
    n_workers = min(options.jobs, n_jobs)
    if options.scheduler is None:
        return LocalExecutor(settings, n_workers)
    from qipp.render.run.dask import DaskExecutor  # imports Dask: only when asked for

    return DaskExecutor(settings, options.scheduler, n_workers)


def render_reports(options: RenderOptions) -> RenderSummary:
    """Render findings, profiles and the index into ``options.out_dir``.

    Raises
    ------
    RenderInputError, PanelMismatchError, RenderBusyError
        Bad selection, a partial run from another panel, another render in the folder.
    qipp.validation.DataError
        The panel fails validation.
    RenderInfrastructureError
        The machine failed (disk, folder, cluster); nothing was changed.
    KeyboardInterrupt
        Stopped; nothing was changed.
    """
    started = time.perf_counter()
    out_dir = Path(options.out_dir).resolve()
    panel_path = Path(options.panel_path or SYNTHETIC_PANEL_CSV).resolve()
    skipped: list[str] = []
    findings, template = _select(options, skipped)
    rows, synthetic = _profiles(options, panel_path)
    profiles = rows if template else []
    if not findings and not profiles:
        why = "".join(f"; skipped {line}" for line in skipped)
        raise RenderInputError(f"nothing to render: no notebook matches the selection{why}")
    chromium = find_chromium() if options.pdf else None
    if options.pdf and chromium is None:
        raise RenderInfrastructureError("chromium", INSTALL_HINT)
    run = gather_run_info(panel_path, synthetic)
    with infrastructure_errors(), RunLock(out_dir):
        mixing = panel_mismatch(out_dir, options.full_run or options.replace, run)
        if mixing is not None:
            raise PanelMismatchError(mixing)
        previous = read_manifest(out_dir, warn=True)
        stage = Stage.create(out_dir)
        try:
            settings = _settings(
                options, stage, options.notebooks_dir.resolve(), run.stamp(), out_dir
            )
            jobs = plan_jobs(options, stage.root, panel_path, findings, template, profiles)
            cache = RenderCache(out_dir, run_inputs(options), run.panel_sha256)
            hits = {} if options.force else cache.reuse(jobs, stage.root)
            misses = [job for job in jobs if job.key not in hits]
            planned = time.perf_counter()
            fresh: list[JobResult] = []
            if misses:  # nothing changed: no worker, no kernel starts
                with _executor(options, settings, len(misses)) as executor:
                    fresh = executor.run(misses, progress=options.progress)
            by_key = {**hits, **{result.job.key: result for result in fresh}}
            results = [by_key[job.key] for job in jobs]
            phases = {"plan_s": planned - started, "batch_s": time.perf_counter() - planned}
            if chromium is not None:
                printing = time.perf_counter()
                _add_pdfs(chromium, stage.root, results, options.jobs)
                phases["pdf_s"] = time.perf_counter() - printing
            summary = _finish(options, out_dir, stage, run, results, previous, profiles, phases)
            summary.skipped = skipped
            # Only once the reports are in place: a run that fails or is stopped leaves
            # the cache, like everything else in the folder, as it was.
            for result in results:  # a reused report keeps what this run added (its PDF)
                cache.store(result, stage.root, out_dir, run.rendered_at)
            cache.prune(cache.key(job, stage.root) for job in jobs if by_key[job.key].ok)
        except BaseException:
            stage.discard()
            with contextlib.suppress(OSError):  # a read-only folder has nothing to clean
                remove_temporaries(out_dir)
            raise
    return summary


def _add_pdfs(chromium: str, stage_root: Path, results: list[JobResult], jobs: int) -> None:
    """Print each report's staged page to a PDF beside it, unless the cache brought one."""
    wanted = [
        result
        for result in results
        if result.ok and result.job.html and pdf_of(result.job.html) not in result.files
    ]
    pages = [str(result.job.html) for result in wanted]
    for result, pdf in zip(wanted, print_pdfs(chromium, stage_root, pages, jobs), strict=True):
        result.files.append(pdf)


def _finish(
    options: RenderOptions,
    out_dir: Path,
    stage: Stage,
    run: RunInfo,
    results: list[JobResult],
    previous: dict[str, dict],
    profiles: list[ProfileRow],
    phases: dict[str, float],
) -> RenderSummary:
    """Write manifest and index into the stage, then move everything into place."""
    started = time.perf_counter()
    by_code = {row.ccg_code: row for row in profiles}
    current, files = current_entries(
        results, previous, run.rendered_at, by_code, out_dir, stage.root
    )
    entries, stale = merge_entries(previous, current, options.full_run or options.replace)
    index = index_html(entries.values(), run, read_scorecard(out_dir))
    phases = {**phases, "index_s": time.perf_counter() - started}
    run_record = {**run.as_dict(), "phases_s": {k: round(v, 3) for k, v in phases.items()}}
    atomic_write_text(stage.root / MANIFEST_NAME, manifest_text(entries, run_record))
    atomic_write_text(stage.root / INDEX_NAME, index)
    publish(stage, [*files, MANIFEST_NAME, INDEX_NAME], remove=stale)
    return RenderSummary(results, out_dir / INDEX_NAME, phases)


def render_in_place(options: RenderOptions) -> RenderSummary:
    """Re-execute the notebooks in ``options.notebooks_dir`` over themselves.

    Each runs with its defaults, its volatile metadata stripped, and replaces the
    committed file only if every cell ran; ``options.only`` narrows the set.

    Raises
    ------
    RenderInputError
        If no notebook matches.
    KeyboardInterrupt
        Stopped; notebooks not yet replaced are unchanged.
    """
    notebooks_dir = Path(options.notebooks_dir).resolve()
    skipped: list[str] = []
    found = discover_notebooks(notebooks_dir, skipped)
    notebooks = [p for p in found if matches_only(p.stem, options.only)]
    if not notebooks:
        raise RenderInputError(f"nothing to execute: no notebook in {notebooks_dir} matches")
    try:
        jobs = [in_place_job(p) for p in notebooks]
    except JobError as exc:
        raise RenderInputError(str(exc)) from None
    with RunLock(notebooks_dir):
        stage = Stage.create(notebooks_dir)
        try:
            settings = _settings(options, stage, notebooks_dir, "", None)
            with LocalExecutor(settings, min(options.jobs, len(jobs))) as executor:
                results = executor.run(jobs, progress=options.progress)
            stage.commit([f for r in results if r.ok for f in r.files], remove=[])
        except BaseException:
            stage.discard()
            raise
    return RenderSummary(results, skipped=skipped)
