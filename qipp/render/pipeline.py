"""``qipp render`` from end to end: plan, run the batch, write the index, commit.

:func:`render_reports` renders the finding notebooks and one CCG profile per
panel row into an output folder; :func:`render_in_place` re-executes committed
notebooks over themselves. Both return a :class:`RenderSummary`; neither exits.
An output folder holds one report set drawn from one panel: a partial run from
another is refused before any work (:mod:`qipp.render.panelset`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qipp.atomic import atomic_write_text, remove_temporaries
from qipp.paths import NOTEBOOKS_DIR, REPORTS_DIR, SYNTHETIC_PANEL_CSV
from qipp.render.batch import WorkerPool, default_jobs, run_batch
from qipp.render.execute import DEFAULT_EXECUTOR
from qipp.render.index import INDEX_NAME, SCORECARD_FILES, index_html, scorecard_summary
from qipp.render.jobs import (
    KIND_PROFILE,
    PROFILE_TEMPLATE_NAME,
    JobError,
    RenderJob,
    discover_notebooks,
    finding_job,
    in_place_job,
    matches_only,
    profile_job,
)
from qipp.render.manifest import (
    MANIFEST_NAME,
    entry_from_result,
    manifest_text,
    merge_entries,
    read_manifest,
)
from qipp.render.panelset import panel_mismatch
from qipp.render.parameters import declared_parameters
from qipp.render.profiles import ProfileRow, load_profiles
from qipp.render.runinfo import RunInfo, gather_run_info
from qipp.render.stage import RunLock, Stage
from qipp.render.worker import JobResult, WorkerConfig


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
    with RunLock(out_dir):
        # Holding the lock (no run can change the set meanwhile), before any work.
        mixing = panel_mismatch(out_dir, options.full_run or options.replace, run)
        if mixing is not None:
            raise PanelMismatchError(mixing)
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
            n_jobs = len(findings) + (len(profiles) if template else 0)
            # Workers start now; their imports (and warm kernels) overlap the planning below.
            with WorkerPool(config, min(options.jobs, n_jobs)) as pool:
                jobs = plan_jobs(options, stage.root, panel_path, findings, template, profiles)
                planned = time.perf_counter()
                results = pool.run(jobs, progress=options.progress)
            phases = {"plan_s": planned - started, "batch_s": time.perf_counter() - planned}
            summary = _finish(
                options,
                out_dir,
                stage,
                run,
                results,
                {row.ccg_code: row for row in profiles},
                phases,
            )
        except BaseException:
            stage.discard()
            remove_temporaries(out_dir)
            raise
    return summary


def _finish(
    options: RenderOptions,
    out_dir: Path,
    stage: Stage,
    run: RunInfo,
    results: list[JobResult],
    profiles: dict[str, ProfileRow],
    phases: dict[str, float],
) -> RenderSummary:
    """Write manifest and index into the stage, then move everything into place.

    ``phases`` (seconds so far) gains ``index_s`` and is recorded in the manifest.
    """
    started = time.perf_counter()
    current = {
        r.job.key: entry_from_result(
            r, run.rendered_at, profiles.get(r.job.name) if r.job.kind == KIND_PROFILE else None
        )
        for r in results
    }
    entries, stale = merge_entries(
        read_manifest(out_dir), current, options.full_run or options.replace
    )
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
    files = [f for r in results for f in r.files] + [MANIFEST_NAME, INDEX_NAME]
    stage.commit(files, remove=stale)
    return RenderSummary(results, problems, out_dir / INDEX_NAME, phases)


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
