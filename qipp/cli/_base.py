"""The ``qipp`` command group and the exit-code conventions every command shares.

Exit codes: 0 success, 1 a failure while working (for example a notebook that
raised), 2 bad input (a file that fails validation, a bad option).
"""

from __future__ import annotations

import sys
from typing import NoReturn

import click

import qipp
from qipp.validation import DataError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2

# Enough to show the shape of what is wrong without burying the terminal.
MAX_PROBLEMS_SHOWN = 50


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
# The version comes from qipp.__version__ (which pyproject also reads), not from the
# installed metadata: an editable install's metadata goes stale until reinstalled.
@click.version_option(version=qipp.__version__, prog_name="qipp")
def main() -> None:
    """qipp: reproduce published findings on the NHS QIPP programme, 2010-2015."""


def exit_bad_input(error: DataError, cap: int = MAX_PROBLEMS_SHOWN) -> NoReturn:
    """Print the problems in ``error`` to stderr, repeats collapsed, at most ``cap`` lines; exit 2."""
    from qipp.panel.intake.report import collapse

    for note in getattr(error, "notes", ()):
        click.echo(f"note: {note}", err=True)
    for line in collapse(error.problems, limit=cap):
        click.echo(line, err=True)
    sys.exit(EXIT_BAD_INPUT)
