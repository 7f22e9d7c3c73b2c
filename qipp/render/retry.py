"""Kernel failures: per-notebook time limits and one retry in a new kernel.

A notebook fails for one of two reasons: its own code raised (reported at
once: running it again would raise again) or its kernel failed it: the kernel
died, hung past ``--timeout`` (one cell) or ``--notebook-timeout`` (all its
cells), or could not be started, warmed up or reset. Those are retried once by
:func:`execute_with_retry`, in a new kernel; if the retry fails too, its error
is reported with the first one kept beside it.

A worker process that dies (not its kernel) is handled one level up, the same
way: its job is run once more in a new worker (:mod:`qipp.render.respawn`),
and a second death fails it as the machine's failure, not the notebook's.

Examples
--------
>>> from qipp.render.execute import ExecutionOutcome
>>> attempts = iter([ExecutionOutcome(None, CellError("DeadKernelError", "Kernel died")),
...                  ExecutionOutcome({"cells": []})])
>>> outcome = execute_with_retry(lambda request: next(attempts), request=None)
>>> outcome.ok, outcome.attempts, outcome.first_error.describe()
(True, 2, 'DeadKernelError: Kernel died')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qipp.render.execute import CellError, ExecutionOutcome, ExecutionRequest
from qipp.render.parameters import source_cell_number


def running_cell(notebook: Any) -> int | None:
    """Index of the last cell papermill started (the one running when execution stopped)."""
    if notebook is None:
        return None
    started = [
        i
        for i, cell in enumerate(notebook.cells)
        if cell.get("metadata", {}).get("papermill", {}).get("start_time")
    ]
    return started[-1] if started else None


# Failures of the kernel rather than of the notebook's code: worth one more try.
RETRIED_ERRORS: frozenset[str] = frozenset(
    {"DeadKernelError", "CellTimeoutError", "NotebookTimeoutError", "KernelSetupError"}
)


class CellTimeouts:
    """nbclient's ``timeout_func``: each cell gets the smaller of its own limit and what
    is left of the notebook's.

    The notebook's clock starts when its first cell starts (kernel start and
    warm-up are not counted).

    >>> limits = CellTimeouts(cell_timeout_s=600.0, notebook_timeout_s=None)
    >>> limits(None), limits.notebook_exhausted
    (600.0, False)
    >>> CellTimeouts(None, None)(None) is None
    True
    >>> tight = CellTimeouts(600.0, 5.0)
    >>> 0 < tight(None) <= 5.0, tight.notebook_exhausted
    (True, True)
    """

    def __init__(self, cell_timeout_s: float | None, notebook_timeout_s: float | None) -> None:
        import time

        self._clock = time.monotonic
        self.cell_timeout_s = cell_timeout_s
        self.notebook_timeout_s = notebook_timeout_s
        self._deadline: float | None = None
        self.notebook_exhausted = False

    def __call__(self, cell: Any) -> float | None:
        if self.notebook_timeout_s is None:
            return self.cell_timeout_s
        if self._deadline is None:
            self._deadline = self._clock() + self.notebook_timeout_s
        # nbclient reads 0 or less as "no timeout": a spent budget still times out at once.
        left = max(self._deadline - self._clock(), 0.01)
        if self.cell_timeout_s is not None and self.cell_timeout_s < left:
            return self.cell_timeout_s
        self.notebook_exhausted = True
        return left


def kernel_failure(
    exc: BaseException,
    limits: CellTimeouts,
    notebook: Any,
    request: ExecutionRequest,
    log_tail: tuple[str, ...],
) -> CellError:
    """The :class:`CellError` for a dead kernel, a timeout or a kernel that never started.

    ``log_tail`` (the kernel's own stderr) becomes the traceback.
    """
    running = running_cell(notebook)
    ename, evalue = type(exc).__name__, str(exc).strip()
    if ename == "CellTimeoutError" and limits.notebook_exhausted:
        ename = "NotebookTimeoutError"
        evalue = (
            f"the notebook ran past its limit of {limits.notebook_timeout_s:g} s "
            "(qipp render --notebook-timeout)"
        )
    return CellError(
        ename,
        evalue,
        None
        if running is None
        else source_cell_number(request.input_path, running, injected=bool(request.parameters)),
        traceback=log_tail,
    )


def execute_with_retry(
    run_once: Callable[[ExecutionRequest], ExecutionOutcome], request: ExecutionRequest
) -> ExecutionOutcome:
    """Run ``request``; if the kernel died, hung or never started, run it once more.

    The executor behind ``run_once`` must give the second attempt a new kernel.
    A failure of the notebook's own code (an exception in a cell) is returned at once.
    """
    outcome = run_once(request)
    if outcome.error is None or outcome.error.ename not in RETRIED_ERRORS:
        return outcome
    retry = run_once(request)
    for key, seconds in outcome.timings.items():
        retry.timings[key] = retry.timings.get(key, 0.0) + seconds
    retry.attempts, retry.first_error = 2, outcome.error
    return retry


def papermill_error(error: Any, request: ExecutionRequest) -> CellError:
    """A papermill execution error (an exception raised by a cell) as a :class:`CellError`."""
    number = source_cell_number(
        request.input_path, error.cell_index, injected=bool(request.parameters)
    )
    return CellError(
        error.ename, str(error.evalue), number, error.exec_count, tuple(error.traceback or ())
    )
