"""Execute one notebook with papermill, and say where and why it failed.

A notebook fails for one of two reasons. Its own code raised: that is reported
at once, on its cell, since running it again would raise again. Or its kernel
failed it: the kernel died, ran past ``--timeout`` (one cell) or
``--notebook-timeout`` (all its cells), or could not be started or reset. That
is retried once in a new kernel (:func:`execute`); if the retry fails too, its
error is reported with the first one kept beside it. Either way the cells that
ran are kept, so a failed notebook can be saved and read.

Examples
--------
>>> limits = CellTimeouts(cell_timeout_s=600.0, notebook_timeout_s=None)
>>> limits(None), limits.notebook_exhausted
(600.0, False)
>>> tight = CellTimeouts(600.0, 5.0)
>>> 0 < tight(None) <= 5.0, tight.notebook_exhausted
(True, True)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qipp.render.plan.jobs import CellError
from qipp.render.plan.parameters import source_cell_number
from qipp.render.run import kernel
from qipp.render.run.engine import ENGINE_NAME
from qipp.render.run.reset import WARM_MODULES

# Failures of the kernel rather than of the notebook's code: worth one more try.
RETRIED_ERRORS = frozenset(
    {"DeadKernelError", "CellTimeoutError", "NotebookTimeoutError", "KernelSetupError"}
)


@dataclass(frozen=True)
class Request:
    """What to run (``parameters`` empty: its defaults), with what kernel, where, how long."""

    notebook: Path
    parameters: dict[str, Any]
    cwd: Path
    kernel_dir: Path
    kernel_name: str = "python3"
    cell_timeout_s: float | None = 600.0
    notebook_timeout_s: float | None = None
    fresh: bool = False
    warm_modules: tuple[str, ...] = WARM_MODULES


@dataclass
class Outcome:
    """The executed notebook (or the cells that ran; None if nothing did) and its error."""

    notebook: Any
    error: CellError | None = None
    timings: dict[str, float] = field(default_factory=dict)
    attempts: int = 1
    first_error: CellError | None = None

    @property
    def ok(self) -> bool:
        """True when every cell ran."""
        return self.error is None and self.notebook is not None


class CellTimeouts:
    """nbclient's ``timeout_func``: each cell gets the smaller of its own limit and what is
    left of the notebook's, whose clock starts with its first cell (see the module example)."""

    def __init__(self, cell_timeout_s: float | None, notebook_timeout_s: float | None) -> None:
        self.cell_timeout_s = cell_timeout_s
        self.notebook_timeout_s = notebook_timeout_s
        self._deadline: float | None = None
        self.notebook_exhausted = False

    def __call__(self, cell: Any) -> float | None:
        if self.notebook_timeout_s is None:
            return self.cell_timeout_s
        if self._deadline is None:
            self._deadline = time.monotonic() + self.notebook_timeout_s
        # nbclient reads 0 or less as "no timeout": a spent budget still times out at once.
        left = max(self._deadline - time.monotonic(), 0.01)
        if self.cell_timeout_s is not None and self.cell_timeout_s < left:
            return self.cell_timeout_s
        self.notebook_exhausted = True
        return left


def execute(request: Request) -> Outcome:
    """Run the notebook; if its kernel died, hung or never started, once more in a new kernel."""
    outcome = _execute_once(request)
    if outcome.error is None or outcome.error.ename not in RETRIED_ERRORS:
        return outcome
    retry = _execute_once(request)
    for phase, seconds in outcome.timings.items():
        retry.timings[phase] = retry.timings.get(phase, 0.0) + seconds
    retry.attempts, retry.first_error = 2, outcome.error
    return retry


def _execute_once(request: Request) -> Outcome:
    # papermill and nbclient take seconds to import: only workers, never the planner, pay.
    import papermill
    from papermill.exceptions import PapermillExecutionError

    sink: list = []
    timings: dict[str, float] = {}
    kernel.last_log_tail = ()
    limits = CellTimeouts(request.cell_timeout_s, request.notebook_timeout_s)
    started = time.perf_counter()
    try:
        # No output path: the notebook is kept in memory (the sink), not saved after each cell.
        notebook = papermill.execute_notebook(
            str(request.notebook),
            None,
            parameters=dict(request.parameters) or None,
            engine_name=ENGINE_NAME,
            request_save_on_cell_execute=False,
            kernel_name=request.kernel_name,
            cwd=str(request.cwd),
            progress_bar=False,
            log_output=False,
            execution_timeout=request.cell_timeout_s,
            timeout_func=limits,
            kernel_dir=request.kernel_dir,
            fresh=request.fresh,
            warm_modules=request.warm_modules,
            timings=timings,
            notebook_sink=sink,
        )
        outcome = Outcome(notebook)
    except PapermillExecutionError as exc:  # a cell raised; papermill kept its traceback
        number = _source_number(request, exc.cell_index)
        error = CellError(
            exc.ename, str(exc.evalue), number, exc.exec_count, tuple(exc.traceback or ())
        )
        outcome = Outcome(sink[-1] if sink else None, error)
    except Exception as exc:  # the kernel died, hung, never started, or its replies broke
        outcome = Outcome(sink[-1] if sink else None, _kernel_error(exc, limits, sink, request))
    timings["papermill_s"] = max(time.perf_counter() - started - sum(timings.values()), 0.0)
    outcome.timings = timings
    return outcome


def _kernel_error(exc: Exception, limits: CellTimeouts, sink: list, request: Request) -> CellError:
    """The error of a notebook its kernel failed, on the cell that was running; the kernel's
    own last log lines (ipykernel's stderr) are its traceback."""
    ename, evalue = type(exc).__name__, str(exc).strip()
    if ename == "CellTimeoutError" and limits.notebook_exhausted:
        ename = "NotebookTimeoutError"
        evalue = (
            f"the notebook ran past its limit of {limits.notebook_timeout_s:g} s "
            "(qipp render --notebook-timeout)"
        )
    running = _running_cell(sink[-1] if sink else None)
    number = None if running is None else _source_number(request, running)
    return CellError(ename, evalue, number, traceback=kernel.last_log_tail)


def _running_cell(notebook: Any) -> int | None:
    """Index of the last cell papermill started (the one running when execution stopped)."""
    started = [
        index
        for index, cell in enumerate(notebook.cells if notebook is not None else [])
        if cell.get("metadata", {}).get("papermill", {}).get("start_time")
    ]
    return started[-1] if started else None


def _source_number(request: Request, executed_index: int) -> int:
    return source_cell_number(request.notebook, executed_index, bool(request.parameters))
