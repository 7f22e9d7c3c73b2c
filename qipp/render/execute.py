"""Execute one notebook: the small interface every render goes through.

The batch layer never talks to papermill or a kernel directly; it hands an
:class:`ExecutionRequest` to an :class:`Executor` and gets an
:class:`ExecutionOutcome` back. Executors are registered in :data:`EXECUTORS`:
``warm`` (:class:`qipp.render.warm.WarmKernelExecutor`, the default: one reused
kernel per worker with the stack imported, for the project's own notebooks,
those under :data:`qipp.paths.PROJECT_ROOT`; a notebook from elsewhere, e.g.
``--notebooks-dir``, gets a fresh kernel: docs/decisions/0028), ``warm-trusted``
(warm for every notebook) and ``fresh``
(:class:`qipp.render.fresh.FreshKernelExecutor`: papermill's Python API with a
new kernel per notebook, ``qipp render --fresh-kernels``).

All retry a notebook once when its kernel died or it ran past a timeout
(:func:`qipp.render.retry.execute_with_retry`); a notebook whose own code raises
is not retried. Their kernels talk over IPC in private folders
(:mod:`qipp.render.kernels`); :mod:`qipp.render.parameters` reads a notebook's
``parameters`` cell.

The names those modules took over from this one can still be imported from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from qipp.render.kernels import (
    ipc_kernel_manager_class,
    kernel_log_tail,
    kernel_pids,
    kill_kernel,
    socket_dir,
)
from qipp.render.parameters import declared_parameters, source_cell_number

__all__ = [
    "DEFAULT_EXECUTOR",
    "EXECUTORS",
    "CellError",
    "ExecutionOutcome",
    "ExecutionRequest",
    "Executor",
    "declared_parameters",
    "ipc_kernel_manager_class",
    "kernel_log_tail",
    "kernel_pids",
    "kill_kernel",
    "socket_dir",
    "source_cell_number",
]


@dataclass(frozen=True)
class ExecutionRequest:
    """What to run, with what, and where.

    Attributes
    ----------
    input_path : Path
        The notebook to execute (left unchanged).
    parameters : dict
        Values papermill injects after the cell tagged ``parameters``; empty
        means "run with the defaults" and injects nothing.
    cwd : Path
        Working directory of the kernel.
    scratch_dir : Path
        A private, existing folder for connection files, sockets and the
        partial notebook papermill saves while it runs. The caller removes it.
    kernel_name : str
        Jupyter kernel spec; ``python3`` resolves to the running environment's.
    cell_timeout_s : float or None
        Longest one cell may run; None waits for ever.
    notebook_timeout_s : float or None
        Longest all the cells of the notebook may run together; None: no limit.
    kernel_dir : Path or None
        An existing folder for kernels that outlive one notebook (warm kernels'
        connection files and sockets); None uses ``scratch_dir``.
    """

    input_path: Path
    parameters: dict[str, Any]
    cwd: Path
    scratch_dir: Path
    kernel_name: str = "python3"
    cell_timeout_s: float | None = 600.0
    notebook_timeout_s: float | None = None
    kernel_dir: Path | None = None


@dataclass(frozen=True)
class CellError:
    """Where and how a notebook failed.

    Attributes
    ----------
    ename, evalue : str
        Exception class name and message.
    cell_number : int or None
        1-based position of the failing cell in the source notebook (papermill's
        injected parameters cell not counted), when known.
    execution_count : int or None
        The ``In [n]`` number of the failing cell in the executed notebook, when known.
    traceback : tuple of str
        Traceback lines (may hold ANSI colour codes).
    """

    ename: str
    evalue: str
    cell_number: int | None = None
    execution_count: int | None = None
    traceback: tuple[str, ...] = field(default_factory=tuple)

    def describe(self) -> str:
        """One line naming the cell and the error.

        >>> CellError("ValueError", "boom", 3, 2).describe()
        'cell 3 (In [2]): ValueError: boom'
        >>> CellError("DeadKernelError", "Kernel died").describe()
        'DeadKernelError: Kernel died'
        """
        where = ""
        if self.cell_number is not None:
            where = f"cell {self.cell_number}"
            if self.execution_count is not None:
                where += f" (In [{self.execution_count}])"
            where += ": "
        first_line = self.evalue.strip().splitlines()[0] if self.evalue.strip() else ""
        return where + (f"{self.ename}: {first_line}" if first_line else self.ename)


@dataclass
class ExecutionOutcome:
    """An executed notebook, or as much of it as ran, and its error if any.

    Attributes
    ----------
    notebook : nbformat.NotebookNode or None
        The executed notebook; None only when nothing could be recovered.
    error : CellError or None
        None when every cell ran.
    timings : dict of str to float
        Seconds by phase (``kernel_start_s``, ``imports_s``, ``reset_s``,
        ``cells_s``, ``papermill_s``), summed over attempts; what an executor measured.
    attempts : int
        2 when the notebook was retried in a fresh kernel.
    first_error : CellError or None
        Why the first attempt failed, when there was a retry.
    """

    notebook: Any
    error: CellError | None = None
    timings: dict[str, float] = field(default_factory=dict)
    attempts: int = 1
    first_error: CellError | None = None

    @property
    def ok(self) -> bool:
        """True when the notebook ran to the end."""
        return self.error is None and self.notebook is not None


class Executor(Protocol):
    """Runs notebooks one at a time; one instance lives in each worker process."""

    def execute(self, request: ExecutionRequest) -> ExecutionOutcome:
        """Run ``request`` and return the outcome; raise only on interrupt or a bug."""

    def close(self) -> None:
        """Release kernels and anything else held between notebooks."""


def _warm_executor() -> Executor:
    from qipp.paths import PROJECT_ROOT
    from qipp.render.warm import WarmKernelExecutor

    # Warm only for the project's own notebooks; any other gets a fresh kernel (0028).
    return WarmKernelExecutor(warm_roots=(PROJECT_ROOT,))


def _warm_everywhere_executor() -> Executor:
    from qipp.render.warm import WarmKernelExecutor

    return WarmKernelExecutor()


def _fresh_executor() -> Executor:
    from qipp.render.fresh import FreshKernelExecutor

    return FreshKernelExecutor()


# Executors by name; a worker builds one with EXECUTORS[name](). Each is imported
# only when built: both modules build on this one's types. ``warm-trusted`` reuses
# warm kernels for notebooks outside the project too (the caller vouches for them).
EXECUTORS: dict[str, Callable[[], Executor]] = {
    "warm": _warm_executor,
    "warm-trusted": _warm_everywhere_executor,
    "fresh": _fresh_executor,
}
DEFAULT_EXECUTOR = "warm"


def __getattr__(name: str) -> Any:
    """Import :class:`~qipp.render.fresh.FreshKernelExecutor` when asked for by its old path.

    Not imported at the top: :mod:`qipp.render.fresh` imports this module first.
    """
    if name == "FreshKernelExecutor":
        from qipp.render.fresh import FreshKernelExecutor

        return FreshKernelExecutor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
