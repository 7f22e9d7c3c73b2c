"""The papermill engine of ``qipp render``: notebooks in this process's warm kernel, or a fresh one.

:class:`WarmEngine` is registered with papermill (entry point ``qipp_warm``), so
``papermill --engine qipp_warm in.ipynb out.ipynb`` reuses a warm kernel as
``qipp render`` does (:mod:`qipp.render.run.kernel`). With ``fresh=True`` the
notebook gets a kernel of its own, shut down after it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from qipp.render.plan.parameters import stabilise_injected_cell_id
from qipp.render.run.kernel import Kernel, acquire, default_kernel_dir, discard
from qipp.render.run.reset import WARM_MODULES

ENGINE_NAME = "qipp_warm"


@lru_cache(maxsize=1)
def _client_class() -> type:
    # papermill loads this module while importing itself: see WarmEngine.
    from papermill.clientwrap import PapermillNotebookClient

    class Client(PapermillNotebookClient):
        """papermill's notebook client, attached to a kernel it neither starts nor stops."""

        def __init__(self, nb_man: Any, kernel: Kernel, **kw: Any) -> None:
            super().__init__(nb_man, km=kernel.manager, **kw)
            self.kc = kernel.client

        @contextmanager
        def setup_kernel(self, **kwargs: Any) -> Iterator[None]:
            yield

    return Client


class WarmEngine:
    """papermill engine running notebooks in this process's warm kernel (or a fresh one).

    Takes papermill's engine arguments, plus ``kernel_dir`` (the kernels' files;
    default: a private temporary folder), ``fresh`` (a kernel for this notebook
    alone), ``warm_modules``, ``timings`` (filled with seconds by phase) and
    ``notebook_sink`` (a list the notebook is appended to before its first cell
    runs, so a caller keeps the cells that ran when the kernel dies).

    Not a subclass of ``papermill.engines.Engine``: papermill loads this class
    while ``papermill.engines`` is still being imported, so this module imports
    papermill only inside methods; those papermill calls delegate to ``Engine``'s.
    """

    @classmethod
    def execute_notebook(cls, nb: Any, kernel_name: str, **kwargs: Any) -> Any:
        from papermill.engines import Engine  # papermill imports this module: see WarmEngine

        return Engine.execute_notebook.__func__(cls, nb, kernel_name, **kwargs)

    @classmethod
    def nb_kernel_name(cls, nb: Any, name: str | None = None) -> str:
        from papermill.utils import nb_kernel_name  # papermill imports this module: see WarmEngine

        return nb_kernel_name(nb, name)

    @classmethod
    def nb_language(cls, nb: Any, language: str | None = None) -> str:
        from papermill.utils import nb_language  # papermill imports this module: see WarmEngine

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
        kernel_dir: Path | None = None,
        fresh: bool = False,
        warm_modules: tuple[str, ...] = WARM_MODULES,
        timings: dict[str, float] | None = None,
        notebook_sink: list | None = None,
        **kwargs: Any,
    ) -> Any:
        from papermill.log import logger  # papermill imports this module: see WarmEngine
        from papermill.utils import merge_kwargs, remove_args

        timings = {} if timings is None else timings
        stabilise_injected_cell_id(nb_man.nb)
        if notebook_sink is not None:
            notebook_sink.append(nb_man.nb)
        kwargs = remove_args(["input_path", "startup_timeout", "kernel_manager_class"], **kwargs)
        timeout = execution_timeout or kwargs.pop("timeout", None)
        kwargs.pop("timeout", None)
        folder = Path(kernel_dir) if kernel_dir is not None else default_kernel_dir()
        cwd = str(Path.cwd())
        if fresh:
            kernel = Kernel(kernel_name, folder)
            try:
                kernel.start(cwd, float(start_timeout), (), timings)
            except BaseException:
                discard(kernel)
                raise
        else:
            kernel = acquire(kernel_name, folder, cwd, tuple(warm_modules), timings)
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
            discard(kernel)
            raise
        finally:
            timings["cells_s"] = time.perf_counter() - started
        if fresh:
            discard(kernel)
        return nb_man.nb
