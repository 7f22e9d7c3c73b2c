"""``qipp render``: execute the notebooks and write offline HTML reports with an index."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn

import click

from qipp.cli._base import (
    EXIT_BAD_INPUT,
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    exit_bad_input,
    main,
    restore_default_interrupt,
)

if TYPE_CHECKING:
    from qipp.render.options import RenderSummary

# What a shell reports for a run stopped by SIGTERM (128 + 15); Ctrl-C gives 130.
EXIT_TERMINATED = 128 + signal.SIGTERM
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
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
    envvar="QIPP_JOBS",
    show_envvar=True,
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
    "--pdf", is_flag=True, help="Also print each report to an A4 PDF beside its page (Chromium)."
)
@click.option(
    "--force",
    is_flag=True,
    help="Re-render every report, even those the render cache would reuse "
    "(nothing they depend on changed).",
)
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
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Run on a Dask cluster: a scheduler's address (tls://host:8786; tcp:// only on a "
    "network no one else can reach), or 'local' for --jobs processes on this machine. "
    "Workers need this commit installed (docs: Clusters with TLS).",
)
@click.option(
    "--progress/--no-progress",
    default=True,
    show_default=True,
    help="Show the progress bar on stderr.",
)
def render(**params: Any) -> None:
    """Render the finding notebooks and one profile per CCG to offline HTML, with an index.

    Each worker reuses one warm kernel, reset between notebooks; --fresh-kernels gives
    every notebook its own. --scheduler runs them on a Dask cluster instead.

    A report set holds one panel: a run with --only or --ccg whose panel is not
    the one the set was built from is refused (exit 2) before any work; re-run
    without them, or pass --replace.

    Exits 0 when everything rendered, 1 when any notebook failed (the others
    are still written, failures are marked in the index), 2 on bad input, 3
    when the machine failed (disk full, a read-only or forbidden folder, --pdf
    without Chromium; nothing is changed), 130 when interrupted by Ctrl-C and 143 when stopped by SIGTERM
    (the previous reports are left as they were). Workers and kernels die with this command,
    however it dies; a run removes what a killed run left behind.
    """
    stopped_by: list[int] = []
    with _stop_signals_interrupt(stopped_by):
        try:
            summary = _render(**params)
        except KeyboardInterrupt:
            _interrupted(stopped_by, params["in_place"], params["out_dir"])
        except Exception:
            # A stop inside a library's import may come wrapped in another error (3.11).
            if not stopped_by:
                raise
            _interrupted(stopped_by, params["in_place"], params["out_dir"])
    _report(summary, params["in_place"])


def _render(in_place: bool, **params: Any) -> RenderSummary:
    """Build the options and run; exit 2 on bad input. KeyboardInterrupt passes through."""
    from qipp.render.errors import RenderBusyError, RenderInfrastructureError, RenderInputError
    from qipp.render.options import RenderOptions
    from qipp.render.pipeline import render_in_place, render_reports
    from qipp.validation import DataError

    params["ccg_codes"] = tuple(c.strip().upper() for c in params["ccg_codes"])
    # An option not given (None) takes RenderOptions' default: reports/, notebooks/, every CPU.
    options = RenderOptions(**{name: value for name, value in params.items() if value is not None})
    conflicting = ("ccg_codes", "panel_path", "replace", "scheduler", "pdf")
    if in_place and any(params[name] for name in conflicting):
        click.echo(
            "--in-place runs notebooks with their defaults, on this machine; drop --ccg, "
            "--panel, --replace, --scheduler and --pdf",
            err=True,
        )
        sys.exit(EXIT_BAD_INPUT)
    from qipp.render.site import pdf as printer

    if options.pdf and printer.find_chromium() is None:
        click.echo(f"qipp render: {printer.INSTALL_HINT}", err=True)
        sys.exit(RenderInfrastructureError.exit_code)  # 3: the machine lacks what it needs
    try:
        return render_in_place(options) if in_place else render_reports(options)
    except DataError as error:
        exit_bad_input(error)
    except (RenderInputError, RenderBusyError) as error:
        click.echo(f"qipp render: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except RenderInfrastructureError as error:
        click.echo(f"qipp render: {error}; nothing in {options.out_dir} was changed", err=True)
        sys.exit(error.exit_code)


@contextlib.contextmanager
def _stop_signals_interrupt(stopped_by: list[int]) -> Iterator[None]:
    """SIGINT and SIGTERM raise KeyboardInterrupt in the block (main thread), noted in ``stopped_by``."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        stopped_by.append(signum)
        raise KeyboardInterrupt

    previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            if handler is not None:
                signal.signal(signum, handler)


def _interrupted(stopped_by: list[int], in_place: bool, out_dir: Path | None) -> NoReturn:
    """Say the run was stopped, in one line; exit 143 after SIGTERM, else 130."""
    # Nothing is left to clean up: a second Ctrl-C must not cut the exit short.
    for signum in STOP_SIGNALS:
        with contextlib.suppress(ValueError):  # not the main thread
            signal.signal(signum, signal.SIG_IGN)
    terminated = stopped_by[:1] == [signal.SIGTERM]
    from qipp import paths

    where = "the notebooks" if in_place else (out_dir or paths.REPORTS_DIR)
    click.echo(
        f"\nqipp render: interrupted{' (SIGTERM)' if terminated else ''}; nothing in "
        f"{where} was changed by the unfinished work",
        err=True,
    )
    sys.exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)


def _report(summary, in_place: bool) -> None:
    """Print the outcome; exit 1 naming each failure when there is any."""
    done = len(summary.results) - len(summary.failures)
    if in_place:
        click.echo(f"{done} notebook(s) re-executed in place, {len(summary.failures)} failed.")
    else:
        reused = sum(1 for result in summary.results if result.cached)
        click.echo(f"{done - reused} rendered, {reused} reused, {len(summary.failures)} failed.")
    for line in summary.skipped:
        click.echo(f"SKIPPED {line}", err=True)
    for result in summary.results:
        if result.first_error is not None:
            outcome = "failed again" if not result.ok else "succeeded"
            click.echo(
                f"RETRIED {result.job.kind} {result.job.name} after "
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
    if summary.index_path is not None:
        click.echo(f"Open {summary.index_path} ({summary.index_path.as_uri()})")
    if not summary.ok:
        sys.exit(EXIT_FAILURE)


# The last command module imported: Ctrl-C raises KeyboardInterrupt again (qipp.cli._base).
restore_default_interrupt()
