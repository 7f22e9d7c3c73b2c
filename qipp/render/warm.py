"""Warm kernels: start one kernel per process, import the stack once, run notebook after notebook.

:class:`WarmEngine` is a papermill engine (entry point ``qipp_warm`` in
``papermill.engine``), so ``papermill --engine qipp_warm`` and
``papermill.execute_notebook(..., engine_name="qipp_warm")`` use it as well as
``qipp render``. It keeps, per process and kernel spec, one :class:`WarmKernel`
that has imported :data:`~qipp.render.kernel_state.WARM_MODULES`; before each
notebook :func:`qipp.render.kernel_state.prepare` empties the user namespace and
restores the state the notebook may change (see that module for the list).

A kernel whose notebook died, timed out, broke the kernel's messaging or was
interrupted is killed and forgotten, so the next notebook gets a new one, as does
one whose notebook changed the imported stack (:mod:`qipp.render.integrity`).
Between notebooks nothing else is shared: a notebook's variables, imports and
functions are gone, and its cells are numbered from ``In [1]`` as in a new kernel.

:class:`WarmKernelExecutor` given ``warm_roots`` (as ``qipp render`` does: the
project) runs only the notebooks under those folders warm, and any other in a
fresh kernel (docs/decisions/0028).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from qipp.render.kernel_state import WARM_MODULES
from qipp.render.parameters import stabilise_injected_cell_id
from qipp.render.warm_kernel import POOL, WarmKernel

ENGINE_NAME = "qipp_warm"


@lru_cache(maxsize=1)
def _client_class() -> type:
    from papermill.clientwrap import PapermillNotebookClient

    class WarmNotebookClient(PapermillNotebookClient):
        """papermill's notebook client, attached to a kernel it neither starts nor stops."""

        def __init__(self, nb_man: Any, kernel: WarmKernel, **kw: Any) -> None:
            super().__init__(nb_man, km=kernel.manager, **kw)
            self.kc = kernel.client

        @contextmanager
        def setup_kernel(self, **kwargs: Any) -> Iterator[None]:
            yield

    return WarmNotebookClient


class WarmEngine:
    """papermill engine running notebooks in this process's warm kernel.

    Accepts papermill's usual engine arguments, plus:

    kernel_manager_class : type, optional
        Kernel manager for new kernels; by default IPC sockets in a private temporary folder.
    warm_modules : tuple of str, optional
        Imported once per kernel (default :data:`~qipp.render.kernel_state.WARM_MODULES`).
    timings : dict, optional
        Filled with seconds spent on ``kernel_start_s``, ``imports_s`` (only when
        this notebook needed a new kernel), ``reset_s`` and ``cells_s``.
    notebook_sink : list, optional
        The notebook being executed is appended to it before the first cell
        runs, so a caller can recover the cells that ran when the kernel dies.

    Not a subclass of ``papermill.engines.Engine``: papermill imports this class
    through its entry point while ``papermill.engines`` is still being imported,
    so this module must not import papermill at the top. The methods papermill
    calls delegate to ``Engine``'s.
    """

    @classmethod
    def execute_notebook(cls, nb: Any, kernel_name: str, **kwargs: Any) -> Any:
        """papermill's ``Engine.execute_notebook``: track the notebook, then run it here."""
        from papermill.engines import Engine

        return Engine.execute_notebook.__func__(cls, nb, kernel_name, **kwargs)

    @classmethod
    def nb_kernel_name(cls, nb: Any, name: str | None = None) -> str:
        """The kernel spec to use, as papermill's default engine decides it."""
        from papermill.utils import nb_kernel_name

        return nb_kernel_name(nb, name)

    @classmethod
    def nb_language(cls, nb: Any, language: str | None = None) -> str:
        """The notebook's language, as papermill's default engine decides it."""
        from papermill.utils import nb_language

        return nb_language(nb, language)

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        stdout_file: Any = None,
        stderr_file: Any = None,
        start_timeout: float = 60,
        execution_timeout: float | None = None,
        kernel_manager_class: type | None = None,
        warm_modules: tuple[str, ...] = WARM_MODULES,
        timings: dict[str, float] | None = None,
        notebook_sink: list | None = None,
        **kwargs: Any,
    ) -> Any:
        from papermill.log import logger
        from papermill.utils import merge_kwargs, remove_args

        timings = {} if timings is None else timings
        stabilise_injected_cell_id(nb_man.nb)
        if notebook_sink is not None:
            notebook_sink.append(nb_man.nb)
        notebook_path = str(kwargs.get("input_path") or "")
        kwargs = remove_args(["input_path", "startup_timeout"], **kwargs)
        timeout = execution_timeout if execution_timeout else kwargs.pop("timeout", None)
        kwargs.pop("timeout", None)
        kernel = POOL.acquire(
            kernel_name,
            kernel_manager_class,
            os.getcwd(),
            float(start_timeout),
            tuple(warm_modules),
            timings,
        )
        POOL.last_notebook = notebook_path
        started = time.perf_counter()
        client = _client_class()(
            nb_man,
            kernel,
            **merge_kwargs(
                kwargs,
                timeout=timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            ),
        )
        try:
            client.execute()
        except BaseException:
            # Dead, stuck past its timeout, or interrupted: its state is unknown.
            POOL.discard(kernel)
            raise
        finally:
            timings["cells_s"] = time.perf_counter() - started
        return nb_man.nb


class WarmKernelExecutor:
    """The ``warm`` executor of ``qipp render``: papermill with :class:`WarmEngine`.

    One instance lives in each worker process and keeps one warm kernel (its
    connection file and sockets in ``request.kernel_dir``) that has imported
    ``modules`` (default :data:`~qipp.render.kernel_state.WARM_MODULES`). A notebook whose
    kernel died, hung past a timeout or could not be reset is retried once in
    a new kernel (:func:`~qipp.render.retry.execute_with_retry`).

    With ``warm_roots`` (folders), a notebook outside all of them runs in a fresh
    kernel (:class:`~qipp.render.fresh.FreshKernelExecutor`); None runs every
    notebook warm.
    """

    def __init__(
        self, modules: tuple[str, ...] = WARM_MODULES, warm_roots: tuple[Path, ...] | None = None
    ) -> None:
        self.modules = tuple(modules)
        self.warm_roots = None if warm_roots is None else tuple(p.resolve() for p in warm_roots)
        self._manager_classes: dict[Path, type[Any]] = {}
        # Kernel start and imports paid before the first notebook, reported with it.
        self._startup_timings: dict[str, float] = {}
        self._fresh: Any = None

    def runs_warm(self, path: Path) -> bool:
        """True when the notebook at ``path`` (or a kernel working in it) runs warm.

        >>> WarmKernelExecutor(warm_roots=(Path("/project"),)).runs_warm(Path("/tmp/mine.ipynb"))
        False
        """
        if self.warm_roots is None:
            return True
        resolved = Path(path).resolve()
        return any(resolved.is_relative_to(root) for root in self.warm_roots)

    def _manager_class(self, folder: Path) -> type[Any]:
        from qipp.render.kernels import ipc_kernel_manager_class, socket_dir

        if folder not in self._manager_classes:
            self._manager_classes[folder] = ipc_kernel_manager_class(folder, socket_dir(folder))
        return self._manager_classes[folder]

    def start(
        self, kernel_name: str, cwd: Path, kernel_dir: Path, start_timeout_s: float = 60.0
    ) -> None:
        """Start and warm up this process's kernel before the first notebook asks for it.

        A failure is not raised: the first notebook tries again and reports it.
        Nothing starts when ``cwd`` (the notebooks' folder) does not run warm.
        """
        if not self.runs_warm(Path(cwd)):
            return
        timings: dict[str, float] = {}
        try:
            POOL.acquire(
                kernel_name,
                self._manager_class(Path(kernel_dir)),
                str(cwd),
                start_timeout_s,
                self.modules,
                timings,
            )
        except Exception:
            return
        self._startup_timings = timings

    def execute(self, request: Any) -> Any:
        """Run one notebook; see :class:`~qipp.render.execute.Executor`."""
        from qipp.render.retry import execute_with_retry

        if not self.runs_warm(request.input_path):
            if self._fresh is None:
                from qipp.render.fresh import FreshKernelExecutor

                self._fresh = FreshKernelExecutor()
            return self._fresh.execute(request)
        return execute_with_retry(self._execute_once, request)

    def _execute_once(self, request: Any) -> Any:
        import papermill
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        from papermill.exceptions import PapermillExecutionError

        from qipp.render.execute import ExecutionOutcome
        from qipp.render.messaging import broke_messaging, messaging_failure
        from qipp.render.retry import CellTimeouts, kernel_failure, papermill_error

        sink: list = []
        timings: dict[str, float] = {}
        limits = CellTimeouts(request.cell_timeout_s, request.notebook_timeout_s)
        started = time.perf_counter()
        try:
            # No output path: the notebook is kept in memory (sink), not saved after every cell.
            notebook = papermill.execute_notebook(
                str(request.input_path),
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
                kernel_manager_class=self._manager_class(
                    Path(request.kernel_dir or request.scratch_dir)
                ),
                warm_modules=self.modules,
                timings=timings,
                notebook_sink=sink,
            )
            outcome = ExecutionOutcome(notebook)
        except PapermillExecutionError as error:
            outcome = ExecutionOutcome(sink[-1] if sink else None, papermill_error(error, request))
        except (CellTimeoutError, DeadKernelError, RuntimeError, OSError) as error:
            notebook = sink[-1] if sink else None
            outcome = ExecutionOutcome(
                notebook, kernel_failure(error, limits, notebook, request, POOL.last_log_tail)
            )
        except Exception as error:
            if not broke_messaging(error):
                raise
            # The engine has killed the kernel: the next notebook gets a new one.
            notebook = sink[-1] if sink else None
            outcome = ExecutionOutcome(notebook, messaging_failure(error, notebook, request))
        measured = sum(timings.values())
        timings["papermill_s"] = max(time.perf_counter() - started - measured, 0.0)
        for phase, seconds in self._startup_timings.items():
            timings[phase] = timings.get(phase, 0.0) + seconds
        self._startup_timings = {}
        outcome.timings = timings
        return outcome

    def close(self) -> None:
        """Kill this process's warm kernels and remove the socket folders made for them."""
        if self._fresh is not None:
            self._fresh.close()
        POOL.close()
        for folder, manager_class in self._manager_classes.items():
            sockets = Path(manager_class.socket_folder)
            if sockets != folder:
                shutil.rmtree(sockets, ignore_errors=True)
        self._manager_classes.clear()
