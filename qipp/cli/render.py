"""``qipp render``: execute the notebooks and write offline HTML reports with an index.

Thin wrapper: the logic lives in :mod:`qipp.render`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from qipp.cli._base import EXIT_BAD_INPUT, EXIT_FAILURE, exit_bad_input, main

# What a shell reports for a run stopped by Ctrl-C (128 + SIGINT).
EXIT_INTERRUPTED = 130
_DIR = click.Path(file_okay=False, path_type=Path)


@main.command()
@click.option("--out-dir", type=_DIR, default=None, help="Where reports go [default: reports/].")
@click.option(
    "--notebooks-dir",
    type=_DIR,
    default=None,
    help="Notebooks to render, with the ccg_profile.ipynb template [default: notebooks/].",
)
@click.option(
    "--panel",
    "panel_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Render the profiles of this validated panel (CSV or .xlsx) instead of "
    "the committed synthetic one.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes [default: the number of CPUs].",
)
@click.option(
    "--only",
    multiple=True,
    metavar="PATTERN",
    help="Render only notebooks whose name matches (glob, or text it contains); "
    "repeatable. 'ccg_profile' selects the profiles.",
)
@click.option(
    "--ccg",
    "ccg_codes",
    multiple=True,
    metavar="CODE",
    help="Render only this CCG's profile; repeatable.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Let this run's reports replace the whole earlier set in the output folder "
    "(how a run with --only or --ccg may switch the set to another panel).",
)
@click.option("--show-code", is_flag=True, help="Include code cells in the pages.")
@click.option(
    "--in-place",
    is_flag=True,
    help="Re-execute the notebooks in notebooks/ over themselves with their "
    "defaults, volatile metadata stripped (what `make notebooks` runs).",
)
@click.option(
    "--timeout",
    "cell_timeout_s",
    type=click.FloatRange(min=1),
    default=600.0,
    show_default=True,
    help="Longest one cell may run, in seconds.",
)
@click.option(
    "--notebook-timeout",
    "notebook_timeout_s",
    type=click.FloatRange(min=1),
    default=1800.0,
    show_default=True,
    help="Longest all the cells of one notebook may run, in seconds. A notebook "
    "past it, or whose kernel dies, is retried once in a new kernel.",
)
@click.option(
    "--fresh-kernels",
    is_flag=True,
    help="Start a new kernel for every notebook (strict isolation, slower) instead "
    "of reusing one warm kernel per worker, reset between notebooks.",
)
@click.option(
    "--progress/--no-progress",
    default=True,
    show_default=True,
    help="Show the progress bar on stderr.",
)
def render(
    out_dir: Path | None,
    notebooks_dir: Path | None,
    panel_path: Path | None,
    jobs: int | None,
    only: tuple[str, ...],
    ccg_codes: tuple[str, ...],
    replace: bool,
    show_code: bool,
    in_place: bool,
    cell_timeout_s: float,
    notebook_timeout_s: float,
    fresh_kernels: bool,
    progress: bool,
) -> None:
    """Render the finding notebooks and one profile per CCG to offline HTML, with an index.

    Each worker keeps one kernel with pandas, matplotlib, seaborn, statsmodels
    and qipp imported, and resets it between notebooks (variables, imports,
    figures, rcParams, working directory, sys.path, warning filters, pandas
    options); --fresh-kernels gives every notebook a kernel of its own.

    A report set holds one panel: a run with --only or --ccg whose panel is not
    the one the set was built from is refused (exit 2) before any work; re-run
    without them, or pass --replace.

    Exits 0 when everything rendered, 1 when any notebook failed (the others
    are still written, failures are marked in the index), 2 on bad input and
    130 when interrupted (the previous reports are left as they were).
    """
    from qipp import paths
    from qipp.render import (
        RenderBusyError,
        RenderInputError,
        RenderOptions,
        render_in_place,
        render_reports,
    )
    from qipp.validation import DataError

    options = RenderOptions(
        out_dir=out_dir or paths.REPORTS_DIR,
        notebooks_dir=notebooks_dir or paths.NOTEBOOKS_DIR,
        panel_path=panel_path,
        only=only,
        ccg_codes=tuple(c.strip().upper() for c in ccg_codes),
        replace=replace,
        show_code=show_code,
        cell_timeout_s=cell_timeout_s,
        notebook_timeout_s=notebook_timeout_s,
        progress=progress,
        executor="fresh" if fresh_kernels else "warm",
    )
    if jobs is not None:
        options.jobs = jobs
    if in_place and (ccg_codes or panel_path or replace):
        click.echo(
            "--in-place runs notebooks with their defaults; drop --ccg, --panel and --replace",
            err=True,
        )
        sys.exit(EXIT_BAD_INPUT)
    try:
        summary = render_in_place(options) if in_place else render_reports(options)
    except DataError as error:
        exit_bad_input(error)
    except (RenderInputError, RenderBusyError) as error:
        click.echo(f"qipp render: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        where = "the notebooks" if in_place else options.out_dir
        click.echo(
            f"\nqipp render: interrupted; nothing in {where} was changed by the unfinished work",
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)
    _report(summary, in_place)


def _report(summary, in_place: bool) -> None:
    """Print the outcome; exit 1 naming each failure when there is any."""
    done = len(summary.results) - len(summary.failures)
    noun = "notebook(s) re-executed in place" if in_place else "report(s) rendered"
    click.echo(f"{done} {noun}, {len(summary.failures)} failed.")
    for result in summary.results:
        if result.first_error is not None:
            outcome = "failed again" if not result.ok else "succeeded"
            click.echo(
                f"RETRIED {result.job.kind} {result.job.name} in a new kernel after "
                f"{result.first_error.describe()}; it {outcome}",
                err=True,
            )
    for result in summary.failures:
        where = f" -> {result.job.failed}" if result.job.failed in result.files else ""
        click.echo(
            f"FAILED {result.job.kind} {result.job.name}: "
            f"{result.error.describe() if result.error else 'failed'}{where}",
            err=True,
        )
    for problem in summary.problems:
        click.echo(f"FAILED {problem}", err=True)
    if summary.index_path is not None:
        click.echo(f"Open {summary.index_path} ({summary.index_path.as_uri()})")
    if not summary.ok:
        sys.exit(EXIT_FAILURE)
