"""The ``qipp`` command group and its exit codes: 0 ok, 1 failure, 2 bad input, 130 Ctrl-C."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, NoReturn

EXIT_INTERRUPTED = 128 + signal.SIGINT


# Python's own handling of each, put back once the commands are imported.
_DEFAULTS: dict[int, Callable[[int, FrameType | None], Any] | int] = {
    signal.SIGINT: signal.default_int_handler,
    signal.SIGTERM: signal.SIG_DFL,
}


def _quiet_exit(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C or SIGTERM during the imports: one line, exit 128 + signal, no traceback."""
    # os._exit: an exception could be swallowed by a library's except around an import.
    # os.write: a handler that runs while the main thread is writing to sys.stderr would
    # get "reentrant call" from it, an error that an import's except could swallow.
    os.write(2, b"\nqipp: interrupted\n")
    os._exit(128 + signum)


def restore_default_interrupt() -> None:
    """Give Ctrl-C and SIGTERM back to Python once ``qipp.cli`` is imported."""
    for signum, default in _DEFAULTS.items():
        if signal.getsignal(signum) is _quiet_exit:
            signal.signal(signum, default)


# Importing the commands takes most of a second (pandas); a Ctrl-C meanwhile would
# print a traceback of the import. qipp.cli.render, imported last, restores both.
if threading.current_thread() is threading.main_thread():
    for _signum, _default in _DEFAULTS.items():
        if signal.getsignal(_signum) is _default:
            signal.signal(_signum, _quiet_exit)

import click  # noqa: E402

import qipp  # noqa: E402
from qipp.validation import DataError  # noqa: E402

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
