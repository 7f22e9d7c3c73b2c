"""The ``fresh`` executor: papermill's Python API with a new kernel for every notebook.

``qipp render --fresh-kernels`` selects it (:data:`qipp.render.execute.EXECUTORS`).
Isolation is total (nothing survives between notebooks) at the price of a kernel
start and the imports for every notebook; the default ``warm`` executor
(:mod:`qipp.render.warm`) pays those once per worker.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from qipp.render.execute import ExecutionOutcome, ExecutionRequest
from qipp.render.kernels import ipc_kernel_manager_class, kernel_log_tail, socket_dir
from qipp.render.messaging import broke_messaging, messaging_failure
from qipp.render.parameters import stabilise_injected_cell_id
from qipp.render.retry import CellTimeouts, execute_with_retry, kernel_failure, papermill_error


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
        return execute_with_retry(self._execute_once, request)

    def _execute_once(self, request: ExecutionRequest) -> ExecutionOutcome:
        import papermill
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        from papermill.exceptions import PapermillExecutionError

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
        except Exception as error:
            if not broke_messaging(error):
                raise
            # The notebook broke its kernel's messaging; nbclient has shut the kernel down.
            notebook = _read_partial(partial)
            outcome = ExecutionOutcome(notebook, messaging_failure(error, notebook, request))
        finally:
            if sockets != request.scratch_dir:
                shutil.rmtree(sockets, ignore_errors=True)
        # papermill gives the injected parameters cell a random id.
        stabilise_injected_cell_id(outcome.notebook)
        # Kernel start, imports and cells are not told apart in a fresh kernel.
        timings["cells_s"] = time.perf_counter() - started
        outcome.timings = timings
        return outcome

    def close(self) -> None:
        """Nothing is held between notebooks."""
