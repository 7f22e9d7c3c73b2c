"""Execute one notebook: the small interface every render goes through.

The batch layer never talks to papermill or a kernel directly; it hands an
:class:`ExecutionRequest` to an :class:`Executor` and gets an
:class:`ExecutionOutcome` back. Two executors are registered in :data:`EXECUTORS`:
``warm`` (:class:`qipp.render.warm.WarmKernelExecutor`, the default: one reused
kernel per worker with the stack imported) and ``fresh``
(:class:`FreshKernelExecutor`: papermill's Python API with a new kernel per
notebook, ``qipp render --fresh-kernels``).

Both retry a notebook once when its kernel died or it ran past a timeout
(:func:`qipp.render.retry.execute_with_retry`); a notebook whose own code raises
is not retried.

Each kernel gets its own connection file and talks over IPC (Unix sockets) in a
private scratch folder: with TCP, kernels started at the same moment by parallel
workers can race for the same free port.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

# A Unix socket path holds at most 107 bytes on Linux; each kernel's socket names add
# up to 25 ("/k-" + 12 hex digits + "-ipc-" + a port number of up to 5 digits).
_MAX_SOCKET_DIR_CHARS = 80


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


def ipc_kernel_manager_class(scratch_dir: Path, sockets_dir: Path | None = None) -> type:
    """Return a kernel manager class whose kernels use IPC inside ``scratch_dir``.

    Parameters
    ----------
    scratch_dir : Path
        Existing folder; each kernel's connection file (``k-<id>.json``) and a
        ``k-<id>.pid`` file go there. The pid file lets an interrupted batch
        find and stop a kernel its worker could not shut down.
    sockets_dir : Path, optional
        Existing folder for the sockets (``k-<id>-ipc-N``); ``scratch_dir``
        when omitted. Give a short one when ``scratch_dir`` is deep.

    Returns
    -------
    type
        A subclass of ``jupyter_client.AsyncKernelManager``; its ``socket_folder``
        attribute names the sockets' folder.
    """
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        # Where the sockets go, for whoever must remove that folder afterwards.
        socket_folder: Path = sockets_dir or scratch_dir

        @default("transport")
        def _default_transport(self) -> str:
            return "ipc"

        @default("connection_file")
        def _default_connection_file(self) -> str:
            return str(scratch_dir / f"k-{uuid.uuid4().hex[:12]}.json")

        @default("ip")
        def _default_ip(self) -> str:
            return str((sockets_dir or scratch_dir) / f"{Path(self.connection_file).stem}-ipc")

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kwargs: Any) -> None:
            # The kernel's own stdout/stderr (ipykernel's log lines, not cell output)
            # go to a file beside its connection file, not over the progress bar.
            with open(Path(self.connection_file).with_suffix(".log"), "ab") as log:
                kwargs.setdefault("stdout", log)
                kwargs.setdefault("stderr", log)
                await super()._async_launch_kernel(kernel_cmd, **kwargs)

        async def _async_post_start_kernel(self, **kwargs: Any) -> None:
            process = getattr(self.provisioner, "process", None)
            if process is not None:
                Path(self.connection_file).with_suffix(".pid").write_text(str(process.pid))
            await super()._async_post_start_kernel(**kwargs)

    return IPCKernelManager


def socket_dir(scratch_dir: Path) -> Path:
    """Return ``scratch_dir``, or a short folder under /tmp when it is too long for sockets.

    >>> socket_dir(Path("/tmp/short")).as_posix()
    '/tmp/short'
    """
    if len(str(scratch_dir)) <= _MAX_SOCKET_DIR_CHARS:
        return scratch_dir
    import tempfile

    return Path(tempfile.mkdtemp(prefix="qk-", dir="/tmp"))


def source_cell_number(input_path: Path, executed_index: int, injected: bool) -> int:
    """Map a cell's 0-based index in the executed notebook to its 1-based number in the source.

    papermill inserts one ``injected-parameters`` cell after the ``parameters``
    cell (at the top when there is none) unless the source already has one,
    which it replaces. An error in the injected cell itself is reported on the
    parameters cell.
    """
    import nbformat

    if not injected:
        return executed_index + 1
    cells = nbformat.read(input_path, as_version=4).cells
    tags = [cell.get("metadata", {}).get("tags", []) for cell in cells]
    if any("injected-parameters" in t for t in tags):
        return executed_index + 1
    inserted_at = next((i + 1 for i, t in enumerate(tags) if "parameters" in t), 0)
    if executed_index > inserted_at:
        return executed_index
    if executed_index == inserted_at:
        return max(inserted_at, 1)
    return executed_index + 1


def kernel_log_tail(scratch_dir: Path, lines: int = 20) -> tuple[str, ...]:
    """The last ``lines`` lines the kernels in ``scratch_dir`` wrote to stdout/stderr.

    >>> kernel_log_tail(Path("/nonexistent"))
    ()
    """
    tail: list[str] = []
    for log in sorted(scratch_dir.glob("k-*.log")) if scratch_dir.is_dir() else []:
        tail += log.read_text(encoding="utf-8", errors="replace").splitlines()
    return tuple(tail[-lines:])


def _read_partial(path: Path) -> Any:
    """Read the notebook papermill saved so far, or None."""
    import nbformat

    try:
        return nbformat.read(path, as_version=4)
    except (OSError, ValueError):
        return None


class FreshKernelExecutor:
    """Execute each notebook with papermill in a kernel of its own, then shut it down.

    Isolation is total (nothing survives between notebooks) at the price of a
    kernel start and the imports for every notebook.
    """

    def execute(self, request: ExecutionRequest) -> ExecutionOutcome:
        """Run one notebook (retried once in a new kernel if its kernel failed)."""
        from qipp.render.retry import execute_with_retry

        return execute_with_retry(self._execute_once, request)

    def _execute_once(self, request: ExecutionRequest) -> ExecutionOutcome:
        import time

        import papermill
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        from papermill.exceptions import PapermillExecutionError

        # Imported here: qipp.render.retry builds on this module's types.
        from qipp.render.retry import CellTimeouts, kernel_failure, papermill_error

        sockets = socket_dir(request.scratch_dir)
        partial = request.scratch_dir / "executing.ipynb"
        # A retry must not report what the first attempt's notebook or kernel left.
        partial.unlink(missing_ok=True)
        for log in request.scratch_dir.glob("k-*.log"):
            log.unlink()
        limits = CellTimeouts(request.cell_timeout_s, request.notebook_timeout_s)
        started = time.perf_counter()
        timings: dict[str, float] = {}
        try:
            notebook = papermill.execute_notebook(
                str(request.input_path),
                str(partial),
                parameters=dict(request.parameters) or None,
                kernel_name=request.kernel_name,
                cwd=str(request.cwd),
                progress_bar=False,
                log_output=False,
                execution_timeout=request.cell_timeout_s,
                timeout_func=limits,
                kernel_manager_class=ipc_kernel_manager_class(request.scratch_dir, sockets),
            )
            outcome = ExecutionOutcome(notebook)
        except PapermillExecutionError as error:
            # papermill saved the notebook with its traceback before raising.
            outcome = ExecutionOutcome(_read_partial(partial), papermill_error(error, request))
        except (CellTimeoutError, DeadKernelError, RuntimeError, OSError) as error:
            # The kernel died, timed out or never started: keep what ran, and its log.
            notebook = _read_partial(partial)
            outcome = ExecutionOutcome(
                notebook,
                kernel_failure(
                    error, limits, notebook, request, kernel_log_tail(request.scratch_dir)
                ),
            )
        finally:
            if sockets != request.scratch_dir:
                _remove_tree(sockets)
        # Kernel start, imports and cells are not told apart in a fresh kernel.
        timings["cells_s"] = time.perf_counter() - started
        outcome.timings = timings
        return outcome

    def close(self) -> None:
        """Nothing is held between notebooks."""


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def _warm_executor() -> Executor:
    from qipp.render.warm import WarmKernelExecutor

    return WarmKernelExecutor()


# Executors by name; a worker builds one with EXECUTORS[name]().
EXECUTORS: dict[str, Callable[[], Executor]] = {
    "warm": _warm_executor,
    "fresh": FreshKernelExecutor,
}
DEFAULT_EXECUTOR = "warm"


def declared_parameters(notebook_path: Path) -> set[str]:
    """Return the names a notebook declares in its ``parameters`` cell.

    Parameters
    ----------
    notebook_path : Path
        A notebook file.

    Returns
    -------
    set of str
        Empty when the notebook has no cell tagged ``parameters``.
    """
    import papermill

    return set(papermill.inspect_notebook(str(notebook_path)))


def kernel_pids(scratch_root: Path) -> list[tuple[int, str]]:
    """Return (pid, connection file) for every kernel started under ``scratch_root``.

    >>> kernel_pids(Path("/nonexistent"))
    []
    """
    found = []
    if scratch_root.is_dir():
        for pid_file in scratch_root.rglob("k-*.pid"):
            try:
                found.append((int(pid_file.read_text()), str(pid_file.with_suffix(".json"))))
            except (OSError, ValueError):
                continue
    return found


def kill_kernel(pid: int, connection_file: str) -> bool:
    """Kill a kernel (and its process group) if it is still running; True if it was.

    The process's command line must name ``connection_file`` (where /proc shows
    it), so a recycled pid is never hit.
    """
    import signal

    cmdline = Path(f"/proc/{pid}/cmdline")
    try:
        if cmdline.exists() and connection_file not in cmdline.read_bytes().decode(
            "utf-8", "replace"
        ):
            return False
        os.killpg(pid, signal.SIGKILL)
        return True
    except (ProcessLookupError, PermissionError):
        return False
    except OSError:
        return False
